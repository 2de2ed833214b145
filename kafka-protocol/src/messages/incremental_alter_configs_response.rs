//! IncrementalAlterConfigsResponse (API key 44), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for IncrementalAlterConfigs (API key 44).
    pub struct IncrementalAlterConfigsResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// One response per resource.
        pub responses: Vec<AlterConfigsResourceResponse> = versions(0..),
    }
}

kafka_struct! {
    /// One response per resource.
    pub struct AlterConfigsResourceResponse {
        /// Error code for the resource.
        pub error_code: i16 = versions(0..),
        /// Error message for the resource; null on success.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
        /// Kind of resource.
        pub resource_type: i8 = versions(0..),
        /// Name of the resource.
        pub resource_name: String = versions(0..),
    }
}

kafka_message!(
    IncrementalAlterConfigsResponse,
    api_key = 44,
    versions = 0..=1,
    flexible = Some(1)
);
