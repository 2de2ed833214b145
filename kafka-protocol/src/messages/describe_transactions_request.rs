//! DescribeTransactionsRequest (API key 65), versions 0-0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for DescribeTransactions (API key 65).
    pub struct DescribeTransactionsRequest {
        /// Transactional IDs to describe; an empty list yields no results.
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
