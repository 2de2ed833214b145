//! AddPartitionsToTxnResponse (API key 24), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for AddPartitionsToTxn (API key 24).
    pub struct AddPartitionsToTxnResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// Error code covering the whole response.
        pub error_code: i16 = versions(4..) ignorable(true),
        /// Outcomes grouped by transactional ID.
        pub results_by_transaction: Vec<AddPartitionsToTxnResult> = versions(4..),
        /// Per-topic outcomes.
        pub results_by_topic_v3_and_below: Vec<AddPartitionsToTxnTopicResult> = versions(0..=3),
    }
}

kafka_struct! {
    /// Outcomes grouped by transactional ID.
    pub struct AddPartitionsToTxnResult {
        /// Transactional ID that identifies the transaction.
        pub transactional_id: String = versions(4..),
        /// Per-topic outcomes.
        pub topic_results: Vec<AddPartitionsToTxnTopicResult> = versions(4..),
    }
}

kafka_struct! {
    /// Per-topic outcomes.
    pub struct AddPartitionsToTxnTopicResult {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// Per-partition outcomes.
        pub results_by_partition: Vec<AddPartitionsToTxnPartitionResult> = versions(0..),
    }
}

kafka_struct! {
    /// Per-partition outcomes.
    pub struct AddPartitionsToTxnPartitionResult {
        /// Indexes of the partitions.
        pub partition_index: i32 = versions(0..),
        /// Error code for this entry.
        pub partition_error_code: i16 = versions(0..),
    }
}

kafka_message!(
    AddPartitionsToTxnResponse,
    api_key = 24,
    versions = 0..=5,
    flexible = Some(3)
);
