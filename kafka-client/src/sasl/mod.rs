//! SASL client mechanisms as sans-IO state machines: no sockets, no clock.
//!
//! The connection driver sends [`SaslClient::initial_response`] in the first
//! `SaslAuthenticate` request, feeds each server challenge to
//! [`SaslClient::handle_challenge`] and sends back whatever it returns, until
//! [`SaslClient::is_complete`]. PLAIN finishes after its initial response; SCRAM (RFC 5802 with
//! the RFC 7677 SHA-256 and the SHA-512 variant Kafka adds) takes two round trips and verifies
//! the server's signature at the end, so a broker that does not know the password is detected.

mod error;
mod plain;
mod scram;

pub use error::SaslError;
pub use plain::PlainClient;
pub use scram::{ScramClient, ScramMechanism};

use std::fmt;

/// The SASL mechanisms this client implements, with their Kafka `sasl.mechanism` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mechanism {
    /// `PLAIN`: username and password in the clear (use it over TLS).
    Plain,
    /// `SCRAM-SHA-256` (RFC 7677).
    ScramSha256,
    /// `SCRAM-SHA-512`.
    ScramSha512,
}

impl Mechanism {
    /// The name Kafka uses in `sasl.mechanism` and the `SaslHandshake` request.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::ScramSha512 => "SCRAM-SHA-512",
        }
    }

    /// Every mechanism, in the order the config error message lists them.
    pub const ALL: [Mechanism; 3] = [
        Mechanism::Plain,
        Mechanism::ScramSha256,
        Mechanism::ScramSha512,
    ];

    /// The mechanism with this Kafka name (exact, upper case, as Java's mechanism names).
    pub fn from_name(name: &str) -> Option<Mechanism> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A username and password for PLAIN or SCRAM.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
}

impl Credentials {
    /// Credentials from a user name and password.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
        }
    }
}

impl fmt::Debug for Credentials {
    // The password stays out of logs and panic messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// One client-side SASL exchange, whichever mechanism it uses.
///
/// ```
/// use kafka_client::sasl::{Credentials, Mechanism, SaslClient};
///
/// let mut client = SaslClient::new(Mechanism::Plain, Credentials::new("alice", "secret"));
/// assert_eq!(client.initial_response().unwrap(), b"\0alice\0secret");
/// assert!(client.is_complete());
/// ```
#[derive(Debug)]
pub enum SaslClient {
    /// A PLAIN exchange.
    Plain(PlainClient),
    /// A SCRAM exchange.
    Scram(ScramClient),
}

impl SaslClient {
    /// A fresh exchange for `mechanism` (SCRAM draws its nonce from the thread's CSPRNG).
    pub fn new(mechanism: Mechanism, credentials: Credentials) -> Self {
        match mechanism {
            Mechanism::Plain => SaslClient::Plain(PlainClient::new(credentials)),
            Mechanism::ScramSha256 => {
                SaslClient::Scram(ScramClient::new(ScramMechanism::Sha256, credentials))
            }
            Mechanism::ScramSha512 => {
                SaslClient::Scram(ScramClient::new(ScramMechanism::Sha512, credentials))
            }
        }
    }

    /// The mechanism of this exchange.
    pub fn mechanism(&self) -> Mechanism {
        match self {
            SaslClient::Plain(_) => Mechanism::Plain,
            SaslClient::Scram(s) => match s.mechanism() {
                ScramMechanism::Sha256 => Mechanism::ScramSha256,
                ScramMechanism::Sha512 => Mechanism::ScramSha512,
            },
        }
    }

    /// The first message the client sends; call once, first.
    pub fn initial_response(&mut self) -> Result<Vec<u8>, SaslError> {
        match self {
            SaslClient::Plain(p) => p.initial_response(),
            SaslClient::Scram(s) => s.client_first_message(),
        }
    }

    /// Handles the server's next message; returns the client's reply, if the mechanism has one.
    pub fn handle_challenge(&mut self, challenge: &[u8]) -> Result<Option<Vec<u8>>, SaslError> {
        match self {
            SaslClient::Plain(p) => p.handle_challenge(challenge).map(|()| None),
            SaslClient::Scram(s) => s.handle_challenge(challenge),
        }
    }

    /// True once the exchange has succeeded from the client's side.
    pub fn is_complete(&self) -> bool {
        match self {
            SaslClient::Plain(p) => p.is_complete(),
            SaslClient::Scram(s) => s.is_complete(),
        }
    }
}
