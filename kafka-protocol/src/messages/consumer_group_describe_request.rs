//! ConsumerGroupDescribeRequest (API key 69), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for ConsumerGroupDescribe (API key 69).
    pub struct ConsumerGroupDescribeRequest {
        /// IDs of the groups to be described.
        pub group_ids: Vec<String> = versions(0..),
        /// Set to ask for the authorized operations to be returned.
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
