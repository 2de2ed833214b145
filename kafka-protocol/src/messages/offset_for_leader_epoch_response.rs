//! OffsetForLeaderEpochResponse (API key 23), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 2 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// The OffsetForLeaderEpoch response (API key 23).
    pub struct OffsetForLeaderEpochResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(2..) ignorable(true),
        /// Each topic we fetched offsets for.
        pub topics: Vec<OffsetForLeaderTopicResult> = versions(0..),
    }
}

kafka_struct! {
    /// Each topic we fetched offsets for.
    pub struct OffsetForLeaderTopicResult {
        /// The topic name.
        pub topic: String = versions(0..),
        /// Each partition in the topic we fetched offsets for.
        pub partitions: Vec<EpochEndOffset> = versions(0..),
    }
}

kafka_struct! {
    /// Each partition in the topic we fetched offsets for.
    pub struct EpochEndOffset {
        /// The error code 0, or if there was no error.
        pub error_code: i16 = versions(0..),
        /// The partition index.
        pub partition: i32 = versions(0..),
        /// The leader epoch of the partition.
        pub leader_epoch: i32 = versions(1..) ignorable(true) default(-1),
        /// The end offset of the epoch.
        pub end_offset: i64 = versions(0..) default(-1),
    }
}

kafka_message!(
    OffsetForLeaderEpochResponse,
    api_key = 23,
    versions = 0..=4,
    flexible = Some(4)
);
