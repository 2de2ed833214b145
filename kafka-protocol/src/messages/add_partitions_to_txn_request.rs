//! AddPartitionsToTxnRequest (API key 24), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The AddPartitionsToTxn request (API key 24).
    pub struct AddPartitionsToTxnRequest {
        /// List of transactions to add partitions to.
        pub transactions: Vec<AddPartitionsToTxnTransaction> = versions(4..),
        /// The transactional id corresponding to the transaction.
        pub v3_and_below_transactional_id: String = versions(0..=3),
        /// Current producer id in use by the transactional id.
        pub v3_and_below_producer_id: i64 = versions(0..=3),
        /// Current epoch associated with the producer id.
        pub v3_and_below_producer_epoch: i16 = versions(0..=3),
        /// The partitions to add to the transaction.
        pub v3_and_below_topics: Vec<AddPartitionsToTxnTopic> = versions(0..=3),
    }
}

kafka_struct! {
    /// List of transactions to add partitions to.
    pub struct AddPartitionsToTxnTransaction {
        /// The transactional id corresponding to the transaction.
        pub transactional_id: String = versions(4..),
        /// Current producer id in use by the transactional id.
        pub producer_id: i64 = versions(4..),
        /// Current epoch associated with the producer id.
        pub producer_epoch: i16 = versions(4..),
        /// Boolean to signify if we want to check if the partition is in the transaction rather
        /// than add it.
        pub verify_only: bool = versions(4..),
        /// The partitions to add to the transaction.
        pub topics: Vec<AddPartitionsToTxnTopic> = versions(4..),
    }
}

kafka_struct! {
    /// The partitions to add to the transaction.
    pub struct AddPartitionsToTxnTopic {
        /// The name of the topic.
        pub name: String = versions(0..),
        /// The partition indexes to add to the transaction.
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
