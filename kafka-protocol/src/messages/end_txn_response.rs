//! EndTxnResponse (API key 26), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The EndTxn response (API key 26).
    pub struct EndTxnResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The producer ID.
        pub producer_id: i64 = versions(5..) ignorable(true) default(-1),
        /// The current epoch associated with the producer.
        pub producer_epoch: i16 = versions(5..) ignorable(true) default(-1),
    }
}

kafka_message!(
    EndTxnResponse,
    api_key = 26,
    versions = 0..=5,
    flexible = Some(3)
);
