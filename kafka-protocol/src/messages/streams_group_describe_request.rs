//! StreamsGroupDescribeRequest (API key 89), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for StreamsGroupDescribe (API key 89).
    pub struct StreamsGroupDescribeRequest {
        /// IDs of the groups to be described.
        pub group_ids: Vec<String> = versions(0..),
        /// Set to ask for the authorized operations to be returned.
        pub include_authorized_operations: bool = versions(0..),
        /// Set to have the full topology description, as produced by the topology description
        /// plugin, included in the response.
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
