//! SaslHandshakeResponse (API key 17), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for SaslHandshake (API key 17).
    pub struct SaslHandshakeResponse {
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
        /// SASL mechanisms the server has enabled.
        pub mechanisms: Vec<String> = versions(0..),
    }
}

kafka_message!(
    SaslHandshakeResponse,
    api_key = 17,
    versions = 0..=1,
    flexible = None
);
