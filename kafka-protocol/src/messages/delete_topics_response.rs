//! DeleteTopicsResponse (API key 20), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The DeleteTopics response (API key 20).
    pub struct DeleteTopicsResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// The results for each topic we tried to delete.
        pub responses: Vec<DeletableTopicResult> = versions(0..),
    }
}

kafka_struct! {
    /// The results for each topic we tried to delete.
    pub struct DeletableTopicResult {
        /// The topic name.
        pub name: Option<String> = versions(0..) nullable(6..) default(Some(Default::default())),
        /// The unique topic ID.
        pub topic_id: Uuid = versions(6..) ignorable(true),
        /// The deletion error, or 0 if the deletion succeeded.
        pub error_code: i16 = versions(0..),
        /// The error message, or null if there was no error.
        pub error_message: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
    }
}

kafka_message!(
    DeleteTopicsResponse,
    api_key = 20,
    versions = 0..=6,
    flexible = Some(4)
);
