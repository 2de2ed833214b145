//! DeleteTopicsRequest (API key 20), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Request body for DeleteTopics (API key 20).
    pub struct DeleteTopicsRequest {
        /// Topic to delete, identified by name or by topic ID.
        pub topics: Vec<DeleteTopicState> = versions(6..),
        /// Names of the topics that should be deleted.
        pub topic_names: Vec<String> = versions(0..=5) ignorable(true),
        /// Milliseconds to wait for the deletions to finish.
        pub timeout_ms: i32 = versions(0..),
    }
}

kafka_struct! {
    /// Topic to delete, identified by name or by topic ID.
    pub struct DeleteTopicState {
        /// Name of the topic.
        pub name: Option<String> = versions(6..) nullable(6..) default(None),
        /// Unique ID of the topic.
        pub topic_id: Uuid = versions(6..),
    }
}

kafka_message!(
    DeleteTopicsRequest,
    api_key = 20,
    versions = 0..=6,
    flexible = Some(4)
);
kafka_request!(DeleteTopicsRequest => super::DeleteTopicsResponse);
