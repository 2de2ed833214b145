//! HeartbeatResponse (API key 12), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for Heartbeat (API key 12).
    pub struct HeartbeatResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
    }
}

kafka_message!(
    HeartbeatResponse,
    api_key = 12,
    versions = 0..=4,
    flexible = Some(4)
);
