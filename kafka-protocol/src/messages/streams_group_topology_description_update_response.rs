//! StreamsGroupTopologyDescriptionUpdateResponse (API key 93), version 0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for StreamsGroupTopologyDescriptionUpdate (API key 93).
    pub struct StreamsGroupTopologyDescriptionUpdateResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// Error code for the response as a whole; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Error message for the response as a whole; null on success.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
    }
}

kafka_message!(
    StreamsGroupTopologyDescriptionUpdateResponse,
    api_key = 93,
    versions = 0..=0,
    flexible = Some(0)
);
