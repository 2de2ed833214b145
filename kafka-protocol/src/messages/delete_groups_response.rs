//! DeleteGroupsResponse (API key 42), versions 0-3.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for DeleteGroups (API key 42).
    pub struct DeleteGroupsResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// Outcome of each group deletion.
        pub results: Vec<DeletableGroupResult> = versions(0..),
    }
}

kafka_struct! {
    /// Outcome of each group deletion.
    pub struct DeletableGroupResult {
        /// ID of the group.
        pub group_id: String = versions(0..),
        /// Error code from deleting the group; 0 means it was deleted.
        pub error_code: i16 = versions(0..),
        /// Error message for this entry; null on success.
        pub error_message: Option<String> = versions(3..) nullable(3..) ignorable(true) default(None),
    }
}

kafka_message!(
    DeleteGroupsResponse,
    api_key = 42,
    versions = 0..=3,
    flexible = Some(2)
);
