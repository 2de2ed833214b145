//! InitProducerIdRequest (API key 22), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for InitProducerId (API key 22).
    pub struct InitProducerIdRequest {
        /// Transactional ID, or null for a producer that does not use transactions.
        pub transactional_id: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
        /// Milliseconds of inactivity after which the producer's open transactions are aborted;
        /// only meaningful with a TransactionalId.
        pub transaction_timeout_ms: i32 = versions(0..),
        /// ID of the producer; lets the broker tell requests apart when an expired transactional ID
        /// gets reused.
        pub producer_id: i64 = versions(3..) default(-1),
        /// Epoch the producer currently holds; the broker compares it with its own record and fails
        /// the request on a mismatch.
        pub producer_epoch: i16 = versions(3..) default(-1),
        /// Set when the client wants transactions to use the two-phase commit (2PC) protocol.
        pub enable2_pc: bool = versions(6..),
        /// Set when the client wants to keep its in-progress transaction rather than have it
        /// aborted.
        pub keep_prepared_txn: bool = versions(6..),
    }
}

kafka_message!(
    InitProducerIdRequest,
    api_key = 22,
    versions = 0..=5,
    flexible = Some(2)
);
kafka_request!(InitProducerIdRequest => super::InitProducerIdResponse);
