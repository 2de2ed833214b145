//! IncrementalAlterConfigsRequest (API key 44), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for IncrementalAlterConfigs (API key 44).
    pub struct IncrementalAlterConfigsRequest {
        /// Configuration changes to apply, per resource.
        pub resources: Vec<AlterConfigsResource> = versions(0..),
        /// When true, only validate the request and leave the configuration untouched.
        pub validate_only: bool = versions(0..),
    }
}

kafka_struct! {
    /// Configuration changes to apply, per resource.
    pub struct AlterConfigsResource {
        /// Kind of resource.
        pub resource_type: i8 = versions(0..),
        /// Name of the resource.
        pub resource_name: String = versions(0..),
        /// Configuration entries to change.
        pub configs: Vec<AlterableConfig> = versions(0..),
    }
}

kafka_struct! {
    /// Configuration entries to change.
    pub struct AlterableConfig {
        /// Name of the configuration key.
        pub name: String = versions(0..),
        /// Kind of change to make: Set, Delete, Append or Subtract.
        pub config_operation: i8 = versions(0..),
        /// New value for the configuration key.
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
