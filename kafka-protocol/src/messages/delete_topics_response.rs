//! DeleteTopicsResponse (API key 20), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Response body for DeleteTopics (API key 20).
    pub struct DeleteTopicsResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// One result per topic the request asked to delete.
        pub responses: Vec<DeletableTopicResult> = versions(0..),
    }
}

kafka_struct! {
    /// One result per topic the request asked to delete.
    pub struct DeletableTopicResult {
        /// Name of the topic.
        pub name: Option<String> = versions(0..) nullable(6..) default(Some(Default::default())),
        /// Unique ID of the topic.
        pub topic_id: Uuid = versions(6..) ignorable(true),
        /// Error code from deleting the group; 0 means it was deleted.
        pub error_code: i16 = versions(0..),
        /// Error message for this entry; null on success.
        pub error_message: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
    }
}

kafka_message!(
    DeleteTopicsResponse,
    api_key = 20,
    versions = 0..=6,
    flexible = Some(4)
);
