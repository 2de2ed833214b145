//! SaslAuthenticateRequest (API key 36), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// Request body for SaslAuthenticate (API key 36).
    pub struct SaslAuthenticateRequest {
        /// Client's SASL authentication payload, in the format the mechanism defines.
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
