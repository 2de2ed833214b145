//! ConsumerGroupDescribeRequest (API key 69), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The ConsumerGroupDescribe request (API key 69).
    pub struct ConsumerGroupDescribeRequest {
        /// The ids of the groups to describe.
        pub group_ids: Vec<String> = versions(0..),
        /// Whether to include authorized operations.
        pub include_authorized_operations: bool = versions(0..),
    }
}

kafka_message!(
    ConsumerGroupDescribeRequest,
    api_key = 69,
    versions = 0..=1,
    flexible = Some(0)
);
kafka_request!(ConsumerGroupDescribeRequest => super::ConsumerGroupDescribeResponse);
