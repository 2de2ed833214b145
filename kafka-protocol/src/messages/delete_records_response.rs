//! DeleteRecordsResponse (API key 21), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for DeleteRecords (API key 21).
    pub struct DeleteRecordsResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// Topics the request asked to remove records from.
        pub topics: Vec<DeleteRecordsTopicResult> = versions(0..),
    }
}

kafka_struct! {
    /// Topics the request asked to remove records from.
    pub struct DeleteRecordsTopicResult {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// Partitions the request asked to remove records from.
        pub partitions: Vec<DeleteRecordsPartitionResult> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions the request asked to remove records from.
    pub struct DeleteRecordsPartitionResult {
        /// Index of the partition.
        pub partition_index: i32 = versions(0..),
        /// New low watermark of the partition.
        pub low_watermark: i64 = versions(0..),
        /// Error code from the deletion; 0 means it succeeded.
        pub error_code: i16 = versions(0..),
    }
}

kafka_message!(
    DeleteRecordsResponse,
    api_key = 21,
    versions = 0..=2,
    flexible = Some(2)
);
