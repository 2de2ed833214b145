//! ListOffsetsRequest (API key 2), versions 0-11.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// The ListOffsets request (API key 2).
    pub struct ListOffsetsRequest {
        /// The broker ID of the requester, or -1 if this request is being made by a normal
        /// consumer.
        pub replica_id: i32 = versions(0..),
        /// This setting controls the visibility of transactional records. Using
        /// READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With
        /// READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional
        /// records are visible. To be more concrete, READ_COMMITTED returns all data from
        /// offsets smaller than the current LSO (last stable offset), and enables the inclusion
        /// of the list of aborted transactions in the result, which allows consumers to discard
        /// ABORTED transactional records.
        pub isolation_level: i8 = versions(2..),
        /// Each topic in the request.
        pub topics: Vec<ListOffsetsTopic> = versions(0..),
        /// The timeout to await a response in milliseconds for requests that require reading
        /// from remote storage for topics enabled with tiered storage.
        pub timeout_ms: i32 = versions(10..) ignorable(true),
    }
}

kafka_struct! {
    /// Each topic in the request.
    pub struct ListOffsetsTopic {
        /// The topic name.
        pub name: String = versions(0..),
        /// Each partition in the request.
        pub partitions: Vec<ListOffsetsPartition> = versions(0..),
    }
}

kafka_struct! {
    /// Each partition in the request.
    pub struct ListOffsetsPartition {
        /// The partition index.
        pub partition_index: i32 = versions(0..),
        /// The current leader epoch.
        pub current_leader_epoch: i32 = versions(4..) ignorable(true) default(-1),
        /// The current timestamp.
        pub timestamp: i64 = versions(0..),
        /// The maximum number of offsets to report.
        pub max_num_offsets: i32 = versions(0..=0) default(1),
    }
}

kafka_message!(
    ListOffsetsRequest,
    api_key = 2,
    versions = 0..=11,
    flexible = Some(6)
);
kafka_request!(ListOffsetsRequest => super::ListOffsetsResponse);
