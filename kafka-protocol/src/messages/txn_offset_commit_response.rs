//! TxnOffsetCommitResponse (API key 28), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The TxnOffsetCommit response (API key 28).
    pub struct TxnOffsetCommitResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// The responses for each topic.
        pub topics: Vec<TxnOffsetCommitResponseTopic> = versions(0..),
    }
}

kafka_struct! {
    /// The responses for each topic.
    pub struct TxnOffsetCommitResponseTopic {
        /// The topic name.
        pub name: String = versions(0..=5) ignorable(true),
        /// The topic ID.
        pub topic_id: Uuid = versions(6..) ignorable(true),
        /// The responses for each partition in the topic.
        pub partitions: Vec<TxnOffsetCommitResponsePartition> = versions(0..),
    }
}

kafka_struct! {
    /// The responses for each partition in the topic.
    pub struct TxnOffsetCommitResponsePartition {
        /// The partition index.
        pub partition_index: i32 = versions(0..),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
    }
}

kafka_message!(
    TxnOffsetCommitResponse,
    api_key = 28,
    versions = 0..=6,
    flexible = Some(3)
);
