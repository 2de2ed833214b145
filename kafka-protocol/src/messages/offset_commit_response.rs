//! OffsetCommitResponse (API key 8), versions 0-10.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 2 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The OffsetCommit response (API key 8).
    pub struct OffsetCommitResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(3..) ignorable(true),
        /// The responses for each topic.
        pub topics: Vec<OffsetCommitResponseTopic> = versions(0..),
    }
}

kafka_struct! {
    /// The responses for each topic.
    pub struct OffsetCommitResponseTopic {
        /// The topic name.
        pub name: String = versions(0..=9) ignorable(true),
        /// The topic ID.
        pub topic_id: Uuid = versions(10..) ignorable(true),
        /// The responses for each partition in the topic.
        pub partitions: Vec<OffsetCommitResponsePartition> = versions(0..),
    }
}

kafka_struct! {
    /// The responses for each partition in the topic.
    pub struct OffsetCommitResponsePartition {
        /// The partition index.
        pub partition_index: i32 = versions(0..),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
    }
}

kafka_message!(
    OffsetCommitResponse,
    api_key = 8,
    versions = 0..=10,
    flexible = Some(8)
);
