//! OffsetDeleteRequest (API key 47), versions 0-0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The OffsetDelete request (API key 47).
    pub struct OffsetDeleteRequest {
        /// The unique group identifier.
        pub group_id: String = versions(0..),
        /// The topics to delete offsets for.
        pub topics: Vec<OffsetDeleteRequestTopic> = versions(0..),
    }
}

kafka_struct! {
    /// The topics to delete offsets for.
    pub struct OffsetDeleteRequestTopic {
        /// The topic name.
        pub name: String = versions(0..),
        /// Each partition to delete offsets for.
        pub partitions: Vec<OffsetDeleteRequestPartition> = versions(0..),
    }
}

kafka_struct! {
    /// Each partition to delete offsets for.
    pub struct OffsetDeleteRequestPartition {
        /// The partition index.
        pub partition_index: i32 = versions(0..),
    }
}

kafka_message!(
    OffsetDeleteRequest,
    api_key = 47,
    versions = 0..=0,
    flexible = None
);
kafka_request!(OffsetDeleteRequest => super::OffsetDeleteResponse);
