//! IncrementalAlterConfigsResponse (API key 44), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The IncrementalAlterConfigs response (API key 44).
    pub struct IncrementalAlterConfigsResponse {
        /// Duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// The responses for each resource.
        pub responses: Vec<AlterConfigsResourceResponse> = versions(0..),
    }
}

kafka_struct! {
    /// The responses for each resource.
    pub struct AlterConfigsResourceResponse {
        /// The resource error code.
        pub error_code: i16 = versions(0..),
        /// The resource error message, or null if there was no error.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
        /// The resource type.
        pub resource_type: i8 = versions(0..),
        /// The resource name.
        pub resource_name: String = versions(0..),
    }
}

kafka_message!(
    IncrementalAlterConfigsResponse,
    api_key = 44,
    versions = 0..=1,
    flexible = Some(1)
);
