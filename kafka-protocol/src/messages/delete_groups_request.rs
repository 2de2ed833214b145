//! DeleteGroupsRequest (API key 42), versions 0-3.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for DeleteGroups (API key 42).
    pub struct DeleteGroupsRequest {
        /// Names of the groups that should be removed.
        pub groups_names: Vec<String> = versions(0..),
    }
}

kafka_message!(
    DeleteGroupsRequest,
    api_key = 42,
    versions = 0..=3,
    flexible = Some(2)
);
kafka_request!(DeleteGroupsRequest => super::DeleteGroupsResponse);
