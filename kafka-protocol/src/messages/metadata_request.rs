//! MetadataRequest (API key 3), versions 0-13.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Request body for Metadata (API key 3).
    pub struct MetadataRequest {
        /// Topics to return metadata about.
        pub topics: Option<Vec<MetadataRequestTopic>> = versions(0..) nullable(1..) default(Some(Default::default())),
        /// When true, a broker configured for it may auto-create requested topics that do not exist
        /// yet.
        pub allow_auto_topic_creation: bool = versions(4..) default(true),
        /// Set to ask for the cluster's authorized operations.
        pub include_cluster_authorized_operations: bool = versions(8..=10),
        /// Set to ask for each topic's authorized operations.
        pub include_topic_authorized_operations: bool = versions(8..),
    }
}

kafka_struct! {
    /// Topics to return metadata about.
    pub struct MetadataRequestTopic {
        /// ID of the topic.
        pub topic_id: Uuid = versions(10..) ignorable(true),
        /// Name of the topic.
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
