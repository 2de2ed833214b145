//! DescribeTransactionsRequest (API key 65), versions 0-0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The DescribeTransactions request (API key 65).
    pub struct DescribeTransactionsRequest {
        /// Array of transactionalIds to include in describe results. If empty, then no results
        /// will be returned.
        pub transactional_ids: Vec<String> = versions(0..),
    }
}

kafka_message!(
    DescribeTransactionsRequest,
    api_key = 65,
    versions = 0..=0,
    flexible = Some(0)
);
kafka_request!(DescribeTransactionsRequest => super::DescribeTransactionsResponse);
