//! FindCoordinatorRequest (API key 10), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for FindCoordinator (API key 10).
    pub struct FindCoordinatorRequest {
        /// Key used to look up the coordinator.
        pub key: String = versions(0..=3),
        /// Kind of coordinator key: group, transaction or share.
        pub key_type: i8 = versions(1..),
        /// Keys used to look up coordinators.
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
