//! DeleteTopicsRequest (API key 20), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The DeleteTopics request (API key 20).
    pub struct DeleteTopicsRequest {
        /// The name or topic ID of the topic.
        pub topics: Vec<DeleteTopicState> = versions(6..),
        /// The names of the topics to delete.
        pub topic_names: Vec<String> = versions(0..=5) ignorable(true),
        /// The length of time in milliseconds to wait for the deletions to complete.
        pub timeout_ms: i32 = versions(0..),
    }
}

kafka_struct! {
    /// The name or topic ID of the topic.
    pub struct DeleteTopicState {
        /// The topic name.
        pub name: Option<String> = versions(6..) nullable(6..) default(None),
        /// The unique topic ID.
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
