//! ListOffsetsRequest (API key 2), versions 0-11.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// Request body for ListOffsets (API key 2).
    pub struct ListOffsetsRequest {
        /// Broker ID of the sender, or -1 when an ordinary consumer sends the request.
        pub replica_id: i32 = versions(0..),
        /// Controls which transactional records are returned. READ_UNCOMMITTED (isolation_level =
        /// 0) exposes every record. READ_COMMITTED (isolation_level = 1) exposes non-transactional
        /// records and committed transactional ones: it only returns data below the last stable
        /// offset (LSO) and also includes the list of aborted transactions, so consumers can drop
        /// records of aborted transactions.
        pub isolation_level: i8 = versions(2..),
        /// One entry per topic in the request.
        pub topics: Vec<ListOffsetsTopic> = versions(0..),
        /// Milliseconds to wait for an answer when the lookup has to read remote storage of a
        /// tiered-storage topic.
        pub timeout_ms: i32 = versions(10..) ignorable(true),
    }
}

kafka_struct! {
    /// One entry per topic in the request.
    pub struct ListOffsetsTopic {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// One entry per partition in the request.
        pub partitions: Vec<ListOffsetsPartition> = versions(0..),
    }
}

kafka_struct! {
    /// One entry per partition in the request.
    pub struct ListOffsetsPartition {
        /// Index of the partition.
        pub partition_index: i32 = versions(0..),
        /// Leader epoch the client currently knows.
        pub current_leader_epoch: i32 = versions(4..) ignorable(true) default(-1),
        /// Timestamp to look up.
        pub timestamp: i64 = versions(0..),
        /// Most offsets that may be returned.
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
