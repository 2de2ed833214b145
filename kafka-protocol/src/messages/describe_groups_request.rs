//! DescribeGroupsRequest (API key 15), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The DescribeGroups request (API key 15).
    pub struct DescribeGroupsRequest {
        /// The names of the groups to describe.
        pub groups: Vec<String> = versions(0..),
        /// Whether to include authorized operations.
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
