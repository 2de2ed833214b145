//! SaslHandshakeResponse (API key 17), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The SaslHandshake response (API key 17).
    pub struct SaslHandshakeResponse {
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The mechanisms enabled in the server.
        pub mechanisms: Vec<String> = versions(0..),
    }
}

kafka_message!(
    SaslHandshakeResponse,
    api_key = 17,
    versions = 0..=1,
    flexible = None
);
