//! FindCoordinatorResponse (API key 10), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The FindCoordinator response (API key 10).
    pub struct FindCoordinatorResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..=3),
        /// The error message, or null if there was no error.
        pub error_message: Option<String> = versions(1..=3) nullable(1..=3) ignorable(true) default(Some(Default::default())),
        /// The node id.
        pub node_id: i32 = versions(0..=3),
        /// The host name.
        pub host: String = versions(0..=3),
        /// The port.
        pub port: i32 = versions(0..=3),
        /// Each coordinator result in the response.
        pub coordinators: Vec<Coordinator> = versions(4..),
    }
}

kafka_struct! {
    /// Each coordinator result in the response.
    pub struct Coordinator {
        /// The coordinator key.
        pub key: String = versions(4..),
        /// The node id.
        pub node_id: i32 = versions(4..),
        /// The host name.
        pub host: String = versions(4..),
        /// The port.
        pub port: i32 = versions(4..),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(4..),
        /// The error message, or null if there was no error.
        pub error_message: Option<String> = versions(4..) nullable(4..) ignorable(true) default(Some(Default::default())),
    }
}

kafka_message!(
    FindCoordinatorResponse,
    api_key = 10,
    versions = 0..=6,
    flexible = Some(3)
);
