//! SaslAuthenticateResponse (API key 36), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// The SaslAuthenticate response (API key 36).
    pub struct SaslAuthenticateResponse {
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The error message, or null if there was no error.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
        /// The SASL authentication bytes from the server, as defined by the SASL mechanism.
        pub auth_bytes: Bytes = versions(0..),
        /// Number of milliseconds after which only re-authentication over the existing
        /// connection to create a new session can occur.
        pub session_lifetime_ms: i64 = versions(1..) ignorable(true),
    }
}

kafka_message!(
    SaslAuthenticateResponse,
    api_key = 36,
    versions = 0..=2,
    flexible = Some(2)
);
