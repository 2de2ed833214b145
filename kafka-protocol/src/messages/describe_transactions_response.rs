//! DescribeTransactionsResponse (API key 65), versions 0-0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The DescribeTransactions response (API key 65).
    pub struct DescribeTransactionsResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// The current state of the transaction.
        pub transaction_states: Vec<TransactionState> = versions(0..),
    }
}

kafka_struct! {
    /// The current state of the transaction.
    pub struct TransactionState {
        /// The error code.
        pub error_code: i16 = versions(0..),
        /// The transactional id.
        pub transactional_id: String = versions(0..),
        /// The current transaction state of the producer.
        pub transaction_state: String = versions(0..),
        /// The timeout in milliseconds for the transaction.
        pub transaction_timeout_ms: i32 = versions(0..),
        /// The start time of the transaction in milliseconds.
        pub transaction_start_time_ms: i64 = versions(0..),
        /// The current producer id associated with the transaction.
        pub producer_id: i64 = versions(0..),
        /// The current epoch associated with the producer id.
        pub producer_epoch: i16 = versions(0..),
        /// The set of partitions included in the current transaction (if active). When a
        /// transaction is preparing to commit or abort, this will include only partitions which
        /// do not have markers.
        pub topics: Vec<TopicData> = versions(0..),
    }
}

kafka_struct! {
    /// The set of partitions included in the current transaction (if active). When a
    /// transaction is preparing to commit or abort, this will include only partitions which do
    /// not have markers.
    pub struct TopicData {
        /// The topic name.
        pub topic: String = versions(0..),
        /// The partition ids included in the current transaction.
        pub partitions: Vec<i32> = versions(0..),
    }
}

kafka_message!(
    DescribeTransactionsResponse,
    api_key = 65,
    versions = 0..=0,
    flexible = Some(0)
);
