//! DeleteRecordsRequest (API key 21), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The DeleteRecords request (API key 21).
    pub struct DeleteRecordsRequest {
        /// Each topic that we want to delete records from.
        pub topics: Vec<DeleteRecordsTopic> = versions(0..),
        /// How long to wait for the deletion to complete, in milliseconds.
        pub timeout_ms: i32 = versions(0..),
    }
}

kafka_struct! {
    /// Each topic that we want to delete records from.
    pub struct DeleteRecordsTopic {
        /// The topic name.
        pub name: String = versions(0..),
        /// Each partition that we want to delete records from.
        pub partitions: Vec<DeleteRecordsPartition> = versions(0..),
    }
}

kafka_struct! {
    /// Each partition that we want to delete records from.
    pub struct DeleteRecordsPartition {
        /// The partition index.
        pub partition_index: i32 = versions(0..),
        /// The deletion offset. -1 means that records should be truncated to the high
        /// watermark.
        pub offset: i64 = versions(0..),
    }
}

kafka_message!(
    DeleteRecordsRequest,
    api_key = 21,
    versions = 0..=2,
    flexible = Some(2)
);
kafka_request!(DeleteRecordsRequest => super::DeleteRecordsResponse);
