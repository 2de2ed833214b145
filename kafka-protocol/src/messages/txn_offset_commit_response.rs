//! TxnOffsetCommitResponse (API key 28), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Response body for TxnOffsetCommit (API key 28).
    pub struct TxnOffsetCommitResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// One response per topic.
        pub topics: Vec<TxnOffsetCommitResponseTopic> = versions(0..),
    }
}

kafka_struct! {
    /// One response per topic.
    pub struct TxnOffsetCommitResponseTopic {
        /// Name of the topic.
        pub name: String = versions(0..=5) ignorable(true),
        /// ID of the topic.
        pub topic_id: Uuid = versions(6..) ignorable(true),
        /// One response per partition of the topic.
        pub partitions: Vec<TxnOffsetCommitResponsePartition> = versions(0..),
    }
}

kafka_struct! {
    /// One response per partition of the topic.
    pub struct TxnOffsetCommitResponsePartition {
        /// Index of the partition.
        pub partition_index: i32 = versions(0..),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
    }
}

kafka_message!(
    TxnOffsetCommitResponse,
    api_key = 28,
    versions = 0..=6,
    flexible = Some(3)
);
