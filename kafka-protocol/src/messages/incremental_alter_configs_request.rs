//! IncrementalAlterConfigsRequest (API key 44), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The IncrementalAlterConfigs request (API key 44).
    pub struct IncrementalAlterConfigsRequest {
        /// The incremental updates for each resource.
        pub resources: Vec<AlterConfigsResource> = versions(0..),
        /// True if we should validate the request, but not change the configurations.
        pub validate_only: bool = versions(0..),
    }
}

kafka_struct! {
    /// The incremental updates for each resource.
    pub struct AlterConfigsResource {
        /// The resource type.
        pub resource_type: i8 = versions(0..),
        /// The resource name.
        pub resource_name: String = versions(0..),
        /// The configurations.
        pub configs: Vec<AlterableConfig> = versions(0..),
    }
}

kafka_struct! {
    /// The configurations.
    pub struct AlterableConfig {
        /// The configuration key name.
        pub name: String = versions(0..),
        /// The type (Set, Delete, Append, Subtract) of operation.
        pub config_operation: i8 = versions(0..),
        /// The value to set for the configuration key.
        pub value: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
    }
}

kafka_message!(
    IncrementalAlterConfigsRequest,
    api_key = 44,
    versions = 0..=1,
    flexible = Some(1)
);
kafka_request!(IncrementalAlterConfigsRequest => super::IncrementalAlterConfigsResponse);
