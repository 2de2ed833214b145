//! CreateTopicsResponse (API key 19), versions 0-7.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 2 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Response body for CreateTopics (API key 19).
    pub struct CreateTopicsResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(2..) ignorable(true),
        /// One result per topic the request asked to create.
        pub topics: Vec<CreatableTopicResult> = versions(0..),
    }
}

kafka_struct! {
    /// One result per topic the request asked to create.
    pub struct CreatableTopicResult {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// Unique ID of the topic.
        pub topic_id: Uuid = versions(7..) ignorable(true),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Error message for this entry; null on success.
        pub error_message: Option<String> = versions(1..) nullable(0..) ignorable(true) default(Some(Default::default())),
        /// Error code explaining why topic configs are missing from the response, if they are.
        pub topic_config_error_code: i16 = versions(5..) tag(0) ignorable(true),
        /// How many partitions the topic has.
        pub num_partitions: i32 = versions(5..) ignorable(true) default(-1),
        /// How many replicas each partition of the topic has.
        pub replication_factor: i16 = versions(5..) ignorable(true) default(-1),
        /// Configuration entries of the topic.
        pub configs: Option<Vec<CreatableTopicConfigs>> = versions(5..) nullable(5..) ignorable(true) default(Some(Default::default())),
    }
}

kafka_struct! {
    /// Configuration entries of the topic.
    pub struct CreatableTopicConfigs {
        /// Name of the configuration entry.
        pub name: String = versions(5..),
        /// Value of the configuration entry.
        pub value: Option<String> = versions(5..) nullable(5..) default(Some(Default::default())),
        /// Set when the configuration cannot be changed.
        pub read_only: bool = versions(5..),
        /// Where the configuration value comes from.
        pub config_source: i8 = versions(5..) ignorable(true) default(-1),
        /// Set when the configuration holds sensitive data.
        pub is_sensitive: bool = versions(5..),
    }
}

kafka_message!(
    CreateTopicsResponse,
    api_key = 19,
    versions = 0..=7,
    flexible = Some(5)
);
