//! SASL PLAIN (RFC 4616) client: a single initial response.

use super::{Credentials, SaslError};

const MECHANISM: &str = "PLAIN";

/// The PLAIN exchange: `authzid NUL authcid NUL passwd` with an empty authzid, as Java's
/// `PlainSaslClient` sends it.
#[derive(Debug)]
pub struct PlainClient {
    credentials: Credentials,
    sent: bool,
}

impl PlainClient {
    /// A PLAIN exchange for these credentials.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            sent: false,
        }
    }

    /// The one message of the exchange.
    pub fn initial_response(&mut self) -> Result<Vec<u8>, SaslError> {
        if self.sent {
            return Err(SaslError::InvalidState {
                mechanism: MECHANISM,
                call: "initial_response",
                state: "complete",
            });
        }
        let Credentials { username, password } = &self.credentials;
        let mut out = Vec::with_capacity(2 + username.len() + password.len());
        out.push(0);
        out.extend_from_slice(username.as_bytes());
        out.push(0);
        out.extend_from_slice(password.as_bytes());
        self.sent = true;
        Ok(out)
    }

    /// PLAIN has no server challenge; an empty server message (what the broker's
    /// `SaslAuthenticate` response carries) is accepted, anything else is an error.
    pub fn handle_challenge(&mut self, challenge: &[u8]) -> Result<(), SaslError> {
        if !self.sent {
            return Err(SaslError::InvalidState {
                mechanism: MECHANISM,
                call: "handle_challenge",
                state: "initial",
            });
        }
        if challenge.is_empty() {
            Ok(())
        } else {
            Err(SaslError::MalformedServerMessage {
                mechanism: MECHANISM,
                message: "server response",
                reason: format!("expected no data, got {} bytes", challenge.len()),
            })
        }
    }

    /// True once the initial response was produced.
    pub fn is_complete(&self) -> bool {
        self.sent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_response_layout_and_order() {
        let mut c = PlainClient::new(Credentials::new("user", "pa\u{e9}ss"));
        assert!(c.handle_challenge(b"").is_err());
        assert_eq!(
            c.initial_response().unwrap(),
            "\0user\0pa\u{e9}ss".as_bytes()
        );
        assert!(c.is_complete());
        assert!(matches!(
            c.initial_response(),
            Err(SaslError::InvalidState { .. })
        ));
        assert_eq!(c.handle_challenge(b""), Ok(()));
        assert!(matches!(
            c.handle_challenge(b"x"),
            Err(SaslError::MalformedServerMessage { .. })
        ));
    }
}
