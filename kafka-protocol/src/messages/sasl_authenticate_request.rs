//! SaslAuthenticateRequest (API key 36), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// The SaslAuthenticate request (API key 36).
    pub struct SaslAuthenticateRequest {
        /// The SASL authentication bytes from the client, as defined by the SASL mechanism.
        pub auth_bytes: Bytes = versions(0..),
    }
}

kafka_message!(
    SaslAuthenticateRequest,
    api_key = 36,
    versions = 0..=2,
    flexible = Some(2)
);
kafka_request!(SaslAuthenticateRequest => super::SaslAuthenticateResponse);
