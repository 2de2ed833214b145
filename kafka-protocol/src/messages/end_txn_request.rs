//! EndTxnRequest (API key 26), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The EndTxn request (API key 26).
    pub struct EndTxnRequest {
        /// The ID of the transaction to end.
        pub transactional_id: String = versions(0..),
        /// The producer ID.
        pub producer_id: i64 = versions(0..),
        /// The current epoch associated with the producer.
        pub producer_epoch: i16 = versions(0..),
        /// True if the transaction was committed, false if it was aborted.
        pub committed: bool = versions(0..),
    }
}

kafka_message!(
    EndTxnRequest,
    api_key = 26,
    versions = 0..=5,
    flexible = Some(3)
);
kafka_request!(EndTxnRequest => super::EndTxnResponse);
