//! OffsetDeleteResponse (API key 47), versions 0-0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The OffsetDelete response (API key 47).
    pub struct OffsetDeleteResponse {
        /// The top-level error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..) ignorable(true),
        /// The responses for each topic.
        pub topics: Vec<OffsetDeleteResponseTopic> = versions(0..),
    }
}

kafka_struct! {
    /// The responses for each topic.
    pub struct OffsetDeleteResponseTopic {
        /// The topic name.
        pub name: String = versions(0..),
        /// The responses for each partition in the topic.
        pub partitions: Vec<OffsetDeleteResponsePartition> = versions(0..),
    }
}

kafka_struct! {
    /// The responses for each partition in the topic.
    pub struct OffsetDeleteResponsePartition {
        /// The partition index.
        pub partition_index: i32 = versions(0..),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
    }
}

kafka_message!(
    OffsetDeleteResponse,
    api_key = 47,
    versions = 0..=0,
    flexible = None
);
