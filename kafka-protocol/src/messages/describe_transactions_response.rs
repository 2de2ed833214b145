//! DescribeTransactionsResponse (API key 65), versions 0-0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for DescribeTransactions (API key 65).
    pub struct DescribeTransactionsResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// Current state of each transaction.
        pub transaction_states: Vec<TransactionState> = versions(0..),
    }
}

kafka_struct! {
    /// Current state of each transaction.
    pub struct TransactionState {
        /// Error code for this entry.
        pub error_code: i16 = versions(0..),
        /// ID of the transaction.
        pub transactional_id: String = versions(0..),
        /// Transaction state the producer is currently in.
        pub transaction_state: String = versions(0..),
        /// Transaction timeout, in milliseconds.
        pub transaction_timeout_ms: i32 = versions(0..),
        /// When the transaction began, in milliseconds.
        pub transaction_start_time_ms: i64 = versions(0..),
        /// Producer ID currently tied to the transaction.
        pub producer_id: i64 = versions(0..),
        /// Epoch currently tied to the producer ID.
        pub producer_epoch: i16 = versions(0..),
        /// Partitions in the ongoing transaction, if one is active. While a commit or abort is
        /// being prepared, only partitions still lacking markers are listed.
        pub topics: Vec<TopicData> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions in the ongoing transaction, if one is active. While a commit or abort is being
    /// prepared, only partitions still lacking markers are listed.
    pub struct TopicData {
        /// Name of the topic.
        pub topic: String = versions(0..),
        /// IDs of the partitions that are part of the ongoing transaction.
        pub partitions: Vec<i32> = versions(0..),
    }
}

kafka_message!(
    DescribeTransactionsResponse,
    api_key = 65,
    versions = 0..=0,
    flexible = Some(0)
);
