//! ListGroupsRequest (API key 16), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The ListGroups request (API key 16).
    pub struct ListGroupsRequest {
        /// The states of the groups we want to list. If empty, all groups are returned with
        /// their state.
        pub states_filter: Vec<String> = versions(4..),
        /// The types of the groups we want to list. If empty, all groups are returned with
        /// their type.
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
