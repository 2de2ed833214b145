//! DeleteRecordsRequest (API key 21), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for DeleteRecords (API key 21).
    pub struct DeleteRecordsRequest {
        /// Topics to remove records from.
        pub topics: Vec<DeleteRecordsTopic> = versions(0..),
        /// Milliseconds to wait for the deletion to finish.
        pub timeout_ms: i32 = versions(0..),
    }
}

kafka_struct! {
    /// Topics to remove records from.
    pub struct DeleteRecordsTopic {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// Partitions to remove records from.
        pub partitions: Vec<DeleteRecordsPartition> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions to remove records from.
    pub struct DeleteRecordsPartition {
        /// Index of the partition.
        pub partition_index: i32 = versions(0..),
        /// Offset before which records are deleted; -1 means delete up to the high watermark.
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
