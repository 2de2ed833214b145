//! DescribeGroupsRequest (API key 15), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for DescribeGroups (API key 15).
    pub struct DescribeGroupsRequest {
        /// Names of the groups to be described.
        pub groups: Vec<String> = versions(0..),
        /// Set to ask for the authorized operations to be returned.
        pub include_authorized_operations: bool = versions(3..),
    }
}

kafka_message!(
    DescribeGroupsRequest,
    api_key = 15,
    versions = 0..=6,
    flexible = Some(5)
);
kafka_request!(DescribeGroupsRequest => super::DescribeGroupsResponse);
