//! DescribeConfigsResponse (API key 32), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// The DescribeConfigs response (API key 32).
    pub struct DescribeConfigsResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// The results for each resource.
        pub results: Vec<DescribeConfigsResult> = versions(0..),
    }
}

kafka_struct! {
    /// The results for each resource.
    pub struct DescribeConfigsResult {
        /// The error code, or 0 if we were able to successfully describe the configurations.
        pub error_code: i16 = versions(0..),
        /// The error message, or null if we were able to successfully describe the
        /// configurations.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
        /// The resource type.
        pub resource_type: i8 = versions(0..),
        /// The resource name.
        pub resource_name: String = versions(0..),
        /// Each listed configuration.
        pub configs: Vec<DescribeConfigsResourceResult> = versions(0..),
    }
}

kafka_struct! {
    /// Each listed configuration.
    pub struct DescribeConfigsResourceResult {
        /// The configuration name.
        pub name: String = versions(0..),
        /// The configuration value.
        pub value: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
        /// True if the configuration is read-only.
        pub read_only: bool = versions(0..),
        /// True if the configuration is not set.
        pub is_default: bool = versions(0..=0),
        /// The configuration source.
        pub config_source: i8 = versions(1..) ignorable(true) default(-1),
        /// True if this configuration is sensitive.
        pub is_sensitive: bool = versions(0..),
        /// The synonyms for this configuration key.
        pub synonyms: Vec<DescribeConfigsSynonym> = versions(1..) ignorable(true),
        /// The configuration data type. Type can be one of the following values - BOOLEAN,
        /// STRING, INT, SHORT, LONG, DOUBLE, LIST, CLASS, PASSWORD.
        pub config_type: i8 = versions(3..) ignorable(true),
        /// The configuration documentation.
        pub documentation: Option<String> = versions(3..) nullable(0..) ignorable(true) default(Some(Default::default())),
    }
}

kafka_struct! {
    /// The synonyms for this configuration key.
    pub struct DescribeConfigsSynonym {
        /// The synonym name.
        pub name: String = versions(1..),
        /// The synonym value.
        pub value: Option<String> = versions(1..) nullable(0..) default(Some(Default::default())),
        /// The synonym source.
        pub source: i8 = versions(1..),
    }
}

kafka_message!(
    DescribeConfigsResponse,
    api_key = 32,
    versions = 0..=4,
    flexible = Some(4)
);
