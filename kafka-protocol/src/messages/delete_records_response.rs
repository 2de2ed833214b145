//! DeleteRecordsResponse (API key 21), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The DeleteRecords response (API key 21).
    pub struct DeleteRecordsResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// Each topic that we wanted to delete records from.
        pub topics: Vec<DeleteRecordsTopicResult> = versions(0..),
    }
}

kafka_struct! {
    /// Each topic that we wanted to delete records from.
    pub struct DeleteRecordsTopicResult {
        /// The topic name.
        pub name: String = versions(0..),
        /// Each partition that we wanted to delete records from.
        pub partitions: Vec<DeleteRecordsPartitionResult> = versions(0..),
    }
}

kafka_struct! {
    /// Each partition that we wanted to delete records from.
    pub struct DeleteRecordsPartitionResult {
        /// The partition index.
        pub partition_index: i32 = versions(0..),
        /// The partition low water mark.
        pub low_watermark: i64 = versions(0..),
        /// The deletion error code, or 0 if the deletion succeeded.
        pub error_code: i16 = versions(0..),
    }
}

kafka_message!(
    DeleteRecordsResponse,
    api_key = 21,
    versions = 0..=2,
    flexible = Some(2)
);
