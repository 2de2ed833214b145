//! OffsetForLeaderEpochResponse (API key 23), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 2 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// Response body for OffsetForLeaderEpoch (API key 23).
    pub struct OffsetForLeaderEpochResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(2..) ignorable(true),
        /// Topics that offsets were looked up for.
        pub topics: Vec<OffsetForLeaderTopicResult> = versions(0..),
    }
}

kafka_struct! {
    /// Topics that offsets were looked up for.
    pub struct OffsetForLeaderTopicResult {
        /// Name of the topic.
        pub topic: String = versions(0..),
        /// Partitions of the topic that offsets were looked up for.
        pub partitions: Vec<EpochEndOffset> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions of the topic that offsets were looked up for.
    pub struct EpochEndOffset {
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Index of the partition.
        pub partition: i32 = versions(0..),
        /// Leader epoch of the partition.
        pub leader_epoch: i32 = versions(1..) ignorable(true) default(-1),
        /// Offset at which the epoch ends.
        pub end_offset: i64 = versions(0..) default(-1),
    }
}

kafka_message!(
    OffsetForLeaderEpochResponse,
    api_key = 23,
    versions = 0..=4,
    flexible = Some(4)
);
