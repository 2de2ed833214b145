//! ListGroupsRequest (API key 16), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for ListGroups (API key 16).
    pub struct ListGroupsRequest {
        /// Group states to filter on; when empty, every group is listed along with its state.
        pub states_filter: Vec<String> = versions(4..),
        /// Group types to filter on; when empty, every group is listed along with its type.
        pub types_filter: Vec<String> = versions(5..),
    }
}

kafka_message!(
    ListGroupsRequest,
    api_key = 16,
    versions = 0..=5,
    flexible = Some(3)
);
kafka_request!(ListGroupsRequest => super::ListGroupsResponse);
