//! SaslHandshakeRequest (API key 17), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for SaslHandshake (API key 17).
    pub struct SaslHandshakeRequest {
        /// SASL mechanism the client picked.
        pub mechanism: String = versions(0..),
    }
}

kafka_message!(
    SaslHandshakeRequest,
    api_key = 17,
    versions = 0..=1,
    flexible = None
);
kafka_request!(SaslHandshakeRequest => super::SaslHandshakeResponse);
