//! ListTransactionsRequest (API key 66), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for ListTransactions (API key 66).
    pub struct ListTransactionsRequest {
        /// Transaction states to filter on; when empty every transaction is returned, otherwise
        /// only those in one of the listed states.
        pub state_filters: Vec<String> = versions(0..),
        /// Producer IDs to filter on; when empty every transaction is returned, otherwise only
        /// those belonging to one of the listed producers.
        pub producer_id_filters: Vec<i64> = versions(0..),
        /// Minimum running time in milliseconds; a negative value returns every transaction,
        /// otherwise only transactions that have been open longer than this are returned.
        pub duration_filter: i64 = versions(1..) default(-1),
        /// Regular expression applied to transactional IDs; when empty or null every transaction is
        /// returned, otherwise only those whose ID matches.
        pub transactional_id_pattern: Option<String> = versions(2..) nullable(2..) default(None),
    }
}

kafka_message!(
    ListTransactionsRequest,
    api_key = 66,
    versions = 0..=2,
    flexible = Some(0)
);
kafka_request!(ListTransactionsRequest => super::ListTransactionsResponse);
