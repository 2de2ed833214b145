//! DescribeConfigsRequest (API key 32), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// The DescribeConfigs request (API key 32).
    pub struct DescribeConfigsRequest {
        /// The resources whose configurations we want to describe.
        pub resources: Vec<DescribeConfigsResource> = versions(0..),
        /// True if we should include all synonyms.
        pub include_synonyms: bool = versions(1..),
        /// True if we should include configuration documentation.
        pub include_documentation: bool = versions(3..),
    }
}

kafka_struct! {
    /// The resources whose configurations we want to describe.
    pub struct DescribeConfigsResource {
        /// The resource type.
        pub resource_type: i8 = versions(0..),
        /// The resource name.
        pub resource_name: String = versions(0..),
        /// The configuration keys to list, or null to list all configuration keys.
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
