//! SaslAuthenticateResponse (API key 36), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// Response body for SaslAuthenticate (API key 36).
    pub struct SaslAuthenticateResponse {
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Error message for this entry; null on success.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
        /// Server's SASL authentication payload, in the format the mechanism defines.
        pub auth_bytes: Bytes = versions(0..),
        /// Milliseconds after which the only thing allowed on this connection is re-authenticating
        /// to start a new session.
        pub session_lifetime_ms: i64 = versions(1..) ignorable(true),
    }
}

kafka_message!(
    SaslAuthenticateResponse,
    api_key = 36,
    versions = 0..=2,
    flexible = Some(2)
);
