//! AddPartitionsToTxnResponse (API key 24), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The AddPartitionsToTxn response (API key 24).
    pub struct AddPartitionsToTxnResponse {
        /// Duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// The response top level error code.
        pub error_code: i16 = versions(4..) ignorable(true),
        /// Results categorized by transactional ID.
        pub results_by_transaction: Vec<AddPartitionsToTxnResult> = versions(4..),
        /// The results for each topic.
        pub results_by_topic_v3_and_below: Vec<AddPartitionsToTxnTopicResult> = versions(0..=3),
    }
}

kafka_struct! {
    /// Results categorized by transactional ID.
    pub struct AddPartitionsToTxnResult {
        /// The transactional id corresponding to the transaction.
        pub transactional_id: String = versions(4..),
        /// The results for each topic.
        pub topic_results: Vec<AddPartitionsToTxnTopicResult> = versions(4..),
    }
}

kafka_struct! {
    /// The results for each topic.
    pub struct AddPartitionsToTxnTopicResult {
        /// The topic name.
        pub name: String = versions(0..),
        /// The results for each partition.
        pub results_by_partition: Vec<AddPartitionsToTxnPartitionResult> = versions(0..),
    }
}

kafka_struct! {
    /// The results for each partition.
    pub struct AddPartitionsToTxnPartitionResult {
        /// The partition indexes.
        pub partition_index: i32 = versions(0..),
        /// The response error code.
        pub partition_error_code: i16 = versions(0..),
    }
}

kafka_message!(
    AddPartitionsToTxnResponse,
    api_key = 24,
    versions = 0..=5,
    flexible = Some(3)
);
