//! OffsetDeleteResponse (API key 47), versions 0-0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for OffsetDelete (API key 47).
    pub struct OffsetDeleteResponse {
        /// Error code for the response as a whole; 0 means success.
        pub error_code: i16 = versions(0..),
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..) ignorable(true),
        /// One response per topic.
        pub topics: Vec<OffsetDeleteResponseTopic> = versions(0..),
    }
}

kafka_struct! {
    /// One response per topic.
    pub struct OffsetDeleteResponseTopic {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// One response per partition of the topic.
        pub partitions: Vec<OffsetDeleteResponsePartition> = versions(0..),
    }
}

kafka_struct! {
    /// One response per partition of the topic.
    pub struct OffsetDeleteResponsePartition {
        /// Index of the partition.
        pub partition_index: i32 = versions(0..),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
    }
}

kafka_message!(
    OffsetDeleteResponse,
    api_key = 47,
    versions = 0..=0,
    flexible = None
);
