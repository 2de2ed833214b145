//! DeleteGroupsResponse (API key 42), versions 0-3.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The DeleteGroups response (API key 42).
    pub struct DeleteGroupsResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// The deletion results.
        pub results: Vec<DeletableGroupResult> = versions(0..),
    }
}

kafka_struct! {
    /// The deletion results.
    pub struct DeletableGroupResult {
        /// The group id.
        pub group_id: String = versions(0..),
        /// The deletion error, or 0 if the deletion succeeded.
        pub error_code: i16 = versions(0..),
        /// The error message, or null if there was no error.
        pub error_message: Option<String> = versions(3..) nullable(3..) ignorable(true) default(None),
    }
}

kafka_message!(
    DeleteGroupsResponse,
    api_key = 42,
    versions = 0..=3,
    flexible = Some(2)
);
