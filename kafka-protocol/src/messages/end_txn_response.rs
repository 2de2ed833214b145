//! EndTxnResponse (API key 26), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for EndTxn (API key 26).
    pub struct EndTxnResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
        /// ID of the producer.
        pub producer_id: i64 = versions(5..) ignorable(true) default(-1),
        /// Epoch currently held by the producer.
        pub producer_epoch: i16 = versions(5..) ignorable(true) default(-1),
    }
}

kafka_message!(
    EndTxnResponse,
    api_key = 26,
    versions = 0..=5,
    flexible = Some(3)
);
