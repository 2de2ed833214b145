//! StreamsGroupDescribeRequest (API key 89), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The StreamsGroupDescribe request (API key 89).
    pub struct StreamsGroupDescribeRequest {
        /// The ids of the groups to describe
        pub group_ids: Vec<String> = versions(0..),
        /// Whether to include authorized operations.
        pub include_authorized_operations: bool = versions(0..),
        /// Whether to include the full topology description from the topology description
        /// plugin in the response.
        pub include_topology_description: bool = versions(1..),
    }
}

kafka_message!(
    StreamsGroupDescribeRequest,
    api_key = 89,
    versions = 0..=1,
    flexible = Some(0)
);
kafka_request!(StreamsGroupDescribeRequest => super::StreamsGroupDescribeResponse);
