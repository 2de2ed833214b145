//! AddOffsetsToTxnResponse (API key 25), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for AddOffsetsToTxn (API key 25).
    pub struct AddOffsetsToTxnResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// Error code for the response; 0 means success.
        pub error_code: i16 = versions(0..),
    }
}

kafka_message!(
    AddOffsetsToTxnResponse,
    api_key = 25,
    versions = 0..=4,
    flexible = Some(3)
);
