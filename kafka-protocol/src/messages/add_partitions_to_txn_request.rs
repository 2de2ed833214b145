//! AddPartitionsToTxnRequest (API key 24), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for AddPartitionsToTxn (API key 24).
    pub struct AddPartitionsToTxnRequest {
        /// Transactions whose partition sets should be extended.
        pub transactions: Vec<AddPartitionsToTxnTransaction> = versions(4..),
        /// Transactional ID that identifies the transaction.
        pub v3_and_below_transactional_id: String = versions(0..=3),
        /// Producer ID currently bound to the transactional ID.
        pub v3_and_below_producer_id: i64 = versions(0..=3),
        /// Epoch that goes with the producer ID.
        pub v3_and_below_producer_epoch: i16 = versions(0..=3),
        /// Partitions that should become part of the transaction.
        pub v3_and_below_topics: Vec<AddPartitionsToTxnTopic> = versions(0..=3),
    }
}

kafka_struct! {
    /// Transactions whose partition sets should be extended.
    pub struct AddPartitionsToTxnTransaction {
        /// Transactional ID that identifies the transaction.
        pub transactional_id: String = versions(4..),
        /// Producer ID currently bound to the transactional ID.
        pub producer_id: i64 = versions(4..),
        /// Epoch that goes with the producer ID.
        pub producer_epoch: i16 = versions(4..),
        /// When true, only verify that the partitions already belong to the transaction instead of
        /// adding them.
        pub verify_only: bool = versions(4..),
        /// Partitions that should become part of the transaction.
        pub topics: Vec<AddPartitionsToTxnTopic> = versions(4..),
    }
}

kafka_struct! {
    /// Partitions that should become part of the transaction.
    pub struct AddPartitionsToTxnTopic {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// Indexes of the partitions to include in the transaction.
        pub partitions: Vec<i32> = versions(0..),
    }
}

kafka_message!(
    AddPartitionsToTxnRequest,
    api_key = 24,
    versions = 0..=5,
    flexible = Some(3)
);
kafka_request!(AddPartitionsToTxnRequest => super::AddPartitionsToTxnResponse);
