//! AddOffsetsToTxnRequest (API key 25), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The AddOffsetsToTxn request (API key 25).
    pub struct AddOffsetsToTxnRequest {
        /// The transactional id corresponding to the transaction.
        pub transactional_id: String = versions(0..),
        /// Current producer id in use by the transactional id.
        pub producer_id: i64 = versions(0..),
        /// Current epoch associated with the producer id.
        pub producer_epoch: i16 = versions(0..),
        /// The unique group identifier.
        pub group_id: String = versions(0..),
    }
}

kafka_message!(
    AddOffsetsToTxnRequest,
    api_key = 25,
    versions = 0..=4,
    flexible = Some(3)
);
kafka_request!(AddOffsetsToTxnRequest => super::AddOffsetsToTxnResponse);
