//! DescribeConfigsRequest (API key 32), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// Request body for DescribeConfigs (API key 32).
    pub struct DescribeConfigsRequest {
        /// Resources whose configuration should be described.
        pub resources: Vec<DescribeConfigsResource> = versions(0..),
        /// Set to have every synonym included.
        pub include_synonyms: bool = versions(1..),
        /// Set to have the configuration documentation included.
        pub include_documentation: bool = versions(3..),
    }
}

kafka_struct! {
    /// Resources whose configuration should be described.
    pub struct DescribeConfigsResource {
        /// Kind of resource.
        pub resource_type: i8 = versions(0..),
        /// Name of the resource.
        pub resource_name: String = versions(0..),
        /// Configuration keys to return, or null to return every key.
        pub configuration_keys: Option<Vec<String>> = versions(0..) nullable(0..) default(Some(Default::default())),
    }
}

kafka_message!(
    DescribeConfigsRequest,
    api_key = 32,
    versions = 0..=4,
    flexible = Some(4)
);
kafka_request!(DescribeConfigsRequest => super::DescribeConfigsResponse);
