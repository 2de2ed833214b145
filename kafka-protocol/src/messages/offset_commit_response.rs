//! OffsetCommitResponse (API key 8), versions 0-10.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 2 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Response body for OffsetCommit (API key 8).
    pub struct OffsetCommitResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(3..) ignorable(true),
        /// One response per topic.
        pub topics: Vec<OffsetCommitResponseTopic> = versions(0..),
    }
}

kafka_struct! {
    /// One response per topic.
    pub struct OffsetCommitResponseTopic {
        /// Name of the topic.
        pub name: String = versions(0..=9) ignorable(true),
        /// ID of the topic.
        pub topic_id: Uuid = versions(10..) ignorable(true),
        /// One response per partition of the topic.
        pub partitions: Vec<OffsetCommitResponsePartition> = versions(0..),
    }
}

kafka_struct! {
    /// One response per partition of the topic.
    pub struct OffsetCommitResponsePartition {
        /// Index of the partition.
        pub partition_index: i32 = versions(0..),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
    }
}

kafka_message!(
    OffsetCommitResponse,
    api_key = 8,
    versions = 0..=10,
    flexible = Some(8)
);
