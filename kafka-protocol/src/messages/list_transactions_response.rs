//! ListTransactionsResponse (API key 66), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for ListTransactions (API key 66).
    pub struct ListTransactionsResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
        /// State filters from the request that the transaction coordinator did not recognise.
        pub unknown_state_filters: Vec<String> = versions(0..),
        /// State the transaction for this transactional ID is currently in.
        pub transaction_states: Vec<TransactionState> = versions(0..),
    }
}

kafka_struct! {
    /// State the transaction for this transactional ID is currently in.
    pub struct TransactionState {
        /// ID of the transaction.
        pub transactional_id: String = versions(0..),
        /// ID of the producer.
        pub producer_id: i64 = versions(0..),
        /// Transaction state the producer is currently in.
        pub transaction_state: String = versions(0..),
    }
}

kafka_message!(
    ListTransactionsResponse,
    api_key = 66,
    versions = 0..=2,
    flexible = Some(0)
);
