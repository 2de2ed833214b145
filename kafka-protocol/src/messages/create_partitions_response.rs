//! CreatePartitionsResponse (API key 37), versions 0-3.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for CreatePartitions (API key 37).
    pub struct CreatePartitionsResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// Per-topic outcome of partition creation.
        pub results: Vec<CreatePartitionsTopicResult> = versions(0..),
    }
}

kafka_struct! {
    /// Per-topic outcome of partition creation.
    pub struct CreatePartitionsTopicResult {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// Error code for this result; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Error message for this result; null on success.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
    }
}

kafka_message!(
    CreatePartitionsResponse,
    api_key = 37,
    versions = 0..=3,
    flexible = Some(2)
);
