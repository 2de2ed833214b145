//! AddOffsetsToTxnRequest (API key 25), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for AddOffsetsToTxn (API key 25).
    pub struct AddOffsetsToTxnRequest {
        /// Transactional ID that identifies the transaction.
        pub transactional_id: String = versions(0..),
        /// Producer ID currently bound to the transactional ID.
        pub producer_id: i64 = versions(0..),
        /// Epoch that goes with the producer ID.
        pub producer_epoch: i16 = versions(0..),
        /// Identifier of the consumer group.
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
