//! FindCoordinatorRequest (API key 10), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The FindCoordinator request (API key 10).
    pub struct FindCoordinatorRequest {
        /// The coordinator key.
        pub key: String = versions(0..=3),
        /// The coordinator key type. (group, transaction, share).
        pub key_type: i8 = versions(1..),
        /// The coordinator keys.
        pub coordinator_keys: Vec<String> = versions(4..),
    }
}

kafka_message!(
    FindCoordinatorRequest,
    api_key = 10,
    versions = 0..=6,
    flexible = Some(3)
);
kafka_request!(FindCoordinatorRequest => super::FindCoordinatorResponse);
