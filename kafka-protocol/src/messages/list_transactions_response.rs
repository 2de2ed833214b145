//! ListTransactionsResponse (API key 66), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The ListTransactions response (API key 66).
    pub struct ListTransactionsResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// Set of state filters provided in the request which were unknown to the transaction
        /// coordinator.
        pub unknown_state_filters: Vec<String> = versions(0..),
        /// The current state of the transaction for the transactional id.
        pub transaction_states: Vec<TransactionState> = versions(0..),
    }
}

kafka_struct! {
    /// The current state of the transaction for the transactional id.
    pub struct TransactionState {
        /// The transactional id.
        pub transactional_id: String = versions(0..),
        /// The producer id.
        pub producer_id: i64 = versions(0..),
        /// The current transaction state of the producer.
        pub transaction_state: String = versions(0..),
    }
}

kafka_message!(
    ListTransactionsResponse,
    api_key = 66,
    versions = 0..=2,
    flexible = Some(0)
);
