//! OffsetDeleteRequest (API key 47), versions 0-0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for OffsetDelete (API key 47).
    pub struct OffsetDeleteRequest {
        /// Identifier of the consumer group.
        pub group_id: String = versions(0..),
        /// Topics whose offsets should be deleted.
        pub topics: Vec<OffsetDeleteRequestTopic> = versions(0..),
    }
}

kafka_struct! {
    /// Topics whose offsets should be deleted.
    pub struct OffsetDeleteRequestTopic {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// Partitions whose offsets should be deleted.
        pub partitions: Vec<OffsetDeleteRequestPartition> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions whose offsets should be deleted.
    pub struct OffsetDeleteRequestPartition {
        /// Index of the partition.
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
