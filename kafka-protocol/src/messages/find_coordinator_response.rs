//! FindCoordinatorResponse (API key 10), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for FindCoordinator (API key 10).
    pub struct FindCoordinatorResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..=3),
        /// Error message for this entry; null on success.
        pub error_message: Option<String> = versions(1..=3) nullable(1..=3) ignorable(true) default(Some(Default::default())),
        /// ID of the node.
        pub node_id: i32 = versions(0..=3),
        /// Host name of the node.
        pub host: String = versions(0..=3),
        /// Port of the node.
        pub port: i32 = versions(0..=3),
        /// One result per coordinator lookup.
        pub coordinators: Vec<Coordinator> = versions(4..),
    }
}

kafka_struct! {
    /// One result per coordinator lookup.
    pub struct Coordinator {
        /// Key used to look up the coordinator.
        pub key: String = versions(4..),
        /// ID of the node.
        pub node_id: i32 = versions(4..),
        /// Host name of the node.
        pub host: String = versions(4..),
        /// Port of the node.
        pub port: i32 = versions(4..),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(4..),
        /// Error message for this entry; null on success.
        pub error_message: Option<String> = versions(4..) nullable(4..) ignorable(true) default(Some(Default::default())),
    }
}

kafka_message!(
    FindCoordinatorResponse,
    api_key = 10,
    versions = 0..=6,
    flexible = Some(3)
);
