//! DescribeConfigsResponse (API key 32), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// Response body for DescribeConfigs (API key 32).
    pub struct DescribeConfigsResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// One result per resource.
        pub results: Vec<DescribeConfigsResult> = versions(0..),
    }
}

kafka_struct! {
    /// One result per resource.
    pub struct DescribeConfigsResult {
        /// Error code from describing this resource's configuration; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Error message from describing this resource's configuration; null on success.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
        /// Kind of resource.
        pub resource_type: i8 = versions(0..),
        /// Name of the resource.
        pub resource_name: String = versions(0..),
        /// Configuration entries returned for the resource.
        pub configs: Vec<DescribeConfigsResourceResult> = versions(0..),
    }
}

kafka_struct! {
    /// Configuration entries returned for the resource.
    pub struct DescribeConfigsResourceResult {
        /// Name of the configuration entry.
        pub name: String = versions(0..),
        /// Value of the configuration entry.
        pub value: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
        /// Set when the configuration cannot be changed.
        pub read_only: bool = versions(0..),
        /// Set when the configuration has no value assigned.
        pub is_default: bool = versions(0..=0),
        /// Where the configuration value comes from.
        pub config_source: i8 = versions(1..) ignorable(true) default(-1),
        /// Set when the configuration holds sensitive data.
        pub is_sensitive: bool = versions(0..),
        /// Other sources that define this configuration key.
        pub synonyms: Vec<DescribeConfigsSynonym> = versions(1..) ignorable(true),
        /// Data type of the configuration: one of BOOLEAN, STRING, INT, SHORT, LONG, DOUBLE, LIST,
        /// CLASS or PASSWORD.
        pub config_type: i8 = versions(3..) ignorable(true),
        /// Documentation text for the configuration.
        pub documentation: Option<String> = versions(3..) nullable(0..) ignorable(true) default(Some(Default::default())),
    }
}

kafka_struct! {
    /// Other sources that define this configuration key.
    pub struct DescribeConfigsSynonym {
        /// Name of the synonym.
        pub name: String = versions(1..),
        /// Value of the synonym.
        pub value: Option<String> = versions(1..) nullable(0..) default(Some(Default::default())),
        /// Where the synonym comes from.
        pub source: i8 = versions(1..),
    }
}

kafka_message!(
    DescribeConfigsResponse,
    api_key = 32,
    versions = 0..=4,
    flexible = Some(4)
);
