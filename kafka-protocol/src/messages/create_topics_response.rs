//! CreateTopicsResponse (API key 19), versions 0-7.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 2 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The CreateTopics response (API key 19).
    pub struct CreateTopicsResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(2..) ignorable(true),
        /// Results for each topic we tried to create.
        pub topics: Vec<CreatableTopicResult> = versions(0..),
    }
}

kafka_struct! {
    /// Results for each topic we tried to create.
    pub struct CreatableTopicResult {
        /// The topic name.
        pub name: String = versions(0..),
        /// The unique topic ID.
        pub topic_id: Uuid = versions(7..) ignorable(true),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The error message, or null if there was no error.
        pub error_message: Option<String> = versions(1..) nullable(0..) ignorable(true) default(Some(Default::default())),
        /// Optional topic config error returned if configs are not returned in the response.
        pub topic_config_error_code: i16 = versions(5..) tag(0) ignorable(true),
        /// Number of partitions of the topic.
        pub num_partitions: i32 = versions(5..) ignorable(true) default(-1),
        /// Replication factor of the topic.
        pub replication_factor: i16 = versions(5..) ignorable(true) default(-1),
        /// Configuration of the topic.
        pub configs: Option<Vec<CreatableTopicConfigs>> = versions(5..) nullable(5..) ignorable(true) default(Some(Default::default())),
    }
}

kafka_struct! {
    /// Configuration of the topic.
    pub struct CreatableTopicConfigs {
        /// The configuration name.
        pub name: String = versions(5..),
        /// The configuration value.
        pub value: Option<String> = versions(5..) nullable(5..) default(Some(Default::default())),
        /// True if the configuration is read-only.
        pub read_only: bool = versions(5..),
        /// The configuration source.
        pub config_source: i8 = versions(5..) ignorable(true) default(-1),
        /// True if this configuration is sensitive.
        pub is_sensitive: bool = versions(5..),
    }
}

kafka_message!(
    CreateTopicsResponse,
    api_key = 19,
    versions = 0..=7,
    flexible = Some(5)
);
