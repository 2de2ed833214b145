//! MetadataRequest (API key 3), versions 0-13.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The Metadata request (API key 3).
    pub struct MetadataRequest {
        /// The topics to fetch metadata for.
        pub topics: Option<Vec<MetadataRequestTopic>> = versions(0..) nullable(1..) default(Some(Default::default())),
        /// If this is true, the broker may auto-create topics that we requested which do not
        /// already exist, if it is configured to do so.
        pub allow_auto_topic_creation: bool = versions(4..) default(true),
        /// Whether to include cluster authorized operations.
        pub include_cluster_authorized_operations: bool = versions(8..=10),
        /// Whether to include topic authorized operations.
        pub include_topic_authorized_operations: bool = versions(8..),
    }
}

kafka_struct! {
    /// The topics to fetch metadata for.
    pub struct MetadataRequestTopic {
        /// The topic id.
        pub topic_id: Uuid = versions(10..) ignorable(true),
        /// The topic name.
        pub name: Option<String> = versions(0..) nullable(10..) default(Some(Default::default())),
    }
}

kafka_message!(
    MetadataRequest,
    api_key = 3,
    versions = 0..=13,
    flexible = Some(9)
);
kafka_request!(MetadataRequest => super::MetadataResponse);
