//! Errors of the SASL client state machines.

/// A SASL exchange failed on the client side or the server reported a failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SaslError {
    /// A method was called out of order (e.g. a challenge before the initial response).
    #[error("SASL {mechanism}: {call} is not valid in state {state}")]
    InvalidState {
        /// The mechanism name.
        mechanism: &'static str,
        /// The call that was made.
        call: &'static str,
        /// The state the exchange was in.
        state: &'static str,
    },
    /// The server sent bytes that are not the message the mechanism expects at this point.
    #[error("SASL {mechanism}: malformed {message}: {reason}")]
    MalformedServerMessage {
        /// The mechanism name.
        mechanism: &'static str,
        /// Which message was malformed (e.g. "server-first-message").
        message: &'static str,
        /// What was wrong with it.
        reason: String,
    },
    /// The server nonce does not extend the nonce the client sent (RFC 5802 section 5.1).
    #[error(
        "SCRAM: server nonce {server_nonce:?} does not start with the client nonce {client_nonce:?}"
    )]
    BadServerNonce {
        /// The nonce the client sent.
        client_nonce: String,
        /// The nonce the server returned.
        server_nonce: String,
    },
    /// The server asked for fewer PBKDF2 iterations than the mechanism allows (4096, as Java).
    #[error(
        "SCRAM: requested iterations {iterations} is less than the minimum {minimum} for {mechanism}"
    )]
    TooFewIterations {
        /// The mechanism name.
        mechanism: &'static str,
        /// The iteration count the server asked for.
        iterations: u32,
        /// The minimum.
        minimum: u32,
    },
    /// The server's final signature did not verify: it does not know the password.
    #[error("SCRAM: invalid server signature in server-final-message")]
    BadServerSignature,
    /// The server ended the exchange with `e=<error>`.
    #[error("SCRAM: server reported error {0:?}")]
    ServerError(String),
}
