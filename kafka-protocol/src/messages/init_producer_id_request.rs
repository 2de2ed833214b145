//! InitProducerIdRequest (API key 22), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The InitProducerId request (API key 22).
    pub struct InitProducerIdRequest {
        /// The transactional id, or null if the producer is not transactional.
        pub transactional_id: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
        /// The time in ms to wait before aborting idle transactions sent by this producer. This
        /// is only relevant if a TransactionalId has been defined.
        pub transaction_timeout_ms: i32 = versions(0..),
        /// The producer id. This is used to disambiguate requests if a transactional id is
        /// reused following its expiration.
        pub producer_id: i64 = versions(3..) default(-1),
        /// The producer's current epoch. This will be checked against the producer epoch on the
        /// broker, and the request will return an error if they do not match.
        pub producer_epoch: i16 = versions(3..) default(-1),
        /// True if the client wants to enable two-phase commit (2PC) protocol for transactions.
        pub enable2_pc: bool = versions(6..),
        /// True if the client wants to keep the currently ongoing transaction instead of
        /// aborting it.
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
