//! EndTxnRequest (API key 26), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for EndTxn (API key 26).
    pub struct EndTxnRequest {
        /// ID of the transaction being finished.
        pub transactional_id: String = versions(0..),
        /// ID of the producer.
        pub producer_id: i64 = versions(0..),
        /// Epoch currently held by the producer.
        pub producer_epoch: i16 = versions(0..),
        /// True to commit the transaction, false to abort it.
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
