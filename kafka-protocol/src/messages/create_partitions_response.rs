//! CreatePartitionsResponse (API key 37), versions 0-3.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The CreatePartitions response (API key 37).
    pub struct CreatePartitionsResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// The partition creation results for each topic.
        pub results: Vec<CreatePartitionsTopicResult> = versions(0..),
    }
}

kafka_struct! {
    /// The partition creation results for each topic.
    pub struct CreatePartitionsTopicResult {
        /// The topic name.
        pub name: String = versions(0..),
        /// The result error, or zero if there was no error.
        pub error_code: i16 = versions(0..),
        /// The result message, or null if there was no error.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
    }
}

kafka_message!(
    CreatePartitionsResponse,
    api_key = 37,
    versions = 0..=3,
    flexible = Some(2)
);
