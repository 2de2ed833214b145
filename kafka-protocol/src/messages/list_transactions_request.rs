//! ListTransactionsRequest (API key 66), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The ListTransactions request (API key 66).
    pub struct ListTransactionsRequest {
        /// The transaction states to filter by: if empty, all transactions are returned; if
        /// non-empty, then only transactions matching one of the filtered states will be
        /// returned.
        pub state_filters: Vec<String> = versions(0..),
        /// The producerIds to filter by: if empty, all transactions will be returned; if
        /// non-empty, only transactions which match one of the filtered producerIds will be
        /// returned.
        pub producer_id_filters: Vec<i64> = versions(0..),
        /// Duration (in millis) to filter by: if < 0, all transactions will be returned;
        /// otherwise, only transactions running longer than this duration will be returned.
        pub duration_filter: i64 = versions(1..) default(-1),
        /// The transactional ID regular expression pattern to filter by: if it is empty or
        /// null, all transactions are returned; Otherwise then only the transactions matching
        /// the given regular expression will be returned.
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
