//! HeartbeatResponse (API key 12), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The Heartbeat response (API key 12).
    pub struct HeartbeatResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
    }
}

kafka_message!(
    HeartbeatResponse,
    api_key = 12,
    versions = 0..=4,
    flexible = Some(4)
);
