//! InitProducerIdResponse (API key 22), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for InitProducerId (API key 22).
    pub struct InitProducerIdResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..) ignorable(true),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Producer ID now in effect.
        pub producer_id: i64 = versions(0..) default(-1),
        /// Epoch currently tied to the producer ID.
        pub producer_epoch: i16 = versions(0..),
        /// With KeepPreparedTxn, the producer ID of the in-progress transaction; -1 when none is in
        /// progress.
        pub ongoing_txn_producer_id: i64 = versions(6..) default(-1),
        /// With KeepPreparedTxn, the epoch of the producer ID of the in-progress transaction; -1
        /// when none is in progress.
        pub ongoing_txn_producer_epoch: i16 = versions(6..) default(-1),
    }
}

kafka_message!(
    InitProducerIdResponse,
    api_key = 22,
    versions = 0..=5,
    flexible = Some(2)
);
