//! SCRAM client (RFC 5802, RFC 7677) with SHA-256 and SHA-512, as Kafka uses it.
//!
//! Kafka sends no channel binding (`n,,`), no authorization id, and SASLprep is not applied to
//! user names or passwords (Java's `ScramFormatter` only escapes `=` and `,`); the same here, so
//! both clients derive the same keys from the same credentials.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use rand::Rng;
use sha2::{Digest, Sha256, Sha512};

use super::{Credentials, SaslError};

/// The GS2 header: no channel binding, no authorization id.
const GS2_HEADER: &str = "n,,";
/// `base64("n,,")`, the channel-binding attribute of the client-final message.
const CHANNEL_BINDING: &str = "biws";
/// Java's `ScramMechanism` minimum iteration count for both hashes.
const MIN_ITERATIONS: u32 = 4096;
/// Length of the generated client nonce; RFC 5802 asks only for enough entropy, 32 characters of
/// 62 give about 190 bits (Java sends a 130-bit number in base 36).
const NONCE_LEN: usize = 32;

/// The hash of a SCRAM mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScramMechanism {
    /// SCRAM-SHA-256.
    Sha256,
    /// SCRAM-SHA-512.
    Sha512,
}

impl ScramMechanism {
    /// The Kafka mechanism name.
    pub fn name(self) -> &'static str {
        match self {
            ScramMechanism::Sha256 => "SCRAM-SHA-256",
            ScramMechanism::Sha512 => "SCRAM-SHA-512",
        }
    }

    /// PBKDF2 with HMAC of this hash (RFC 5802 `Hi`).
    pub fn salted_password(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        match self {
            ScramMechanism::Sha256 => {
                pbkdf2::pbkdf2_hmac_array::<Sha256, 32>(password, salt, iterations).to_vec()
            }
            ScramMechanism::Sha512 => {
                pbkdf2::pbkdf2_hmac_array::<Sha512, 64>(password, salt, iterations).to_vec()
            }
        }
    }

    /// HMAC of this hash.
    pub fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
        match self {
            ScramMechanism::Sha256 => {
                let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
                    .expect("HMAC accepts keys of any length");
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
            ScramMechanism::Sha512 => {
                let mut mac = <Hmac<Sha512> as KeyInit>::new_from_slice(key)
                    .expect("HMAC accepts keys of any length");
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
        }
    }

    /// The plain hash.
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            ScramMechanism::Sha256 => Sha256::digest(data).to_vec(),
            ScramMechanism::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

/// RFC 5802 `saslname`: `=` becomes `=3D` and `,` becomes `=2C`.
pub(crate) fn escape_saslname(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '=' => out.push_str("=3D"),
            ',' => out.push_str("=2C"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug)]
enum State {
    Initial,
    ClientFirstSent {
        client_nonce: String,
        client_first_bare: String,
    },
    ClientFinalSent {
        server_signature: Vec<u8>,
    },
    Complete,
    Failed,
}

impl State {
    fn name(&self) -> &'static str {
        match self {
            State::Initial => "initial",
            State::ClientFirstSent { .. } => "client-first-sent",
            State::ClientFinalSent { .. } => "client-final-sent",
            State::Complete => "complete",
            State::Failed => "failed",
        }
    }
}

/// One SCRAM exchange from the client side.
///
/// ```
/// use kafka_client::sasl::{Credentials, ScramClient, ScramMechanism};
///
/// // The RFC 7677 example, with its client nonce.
/// let mut client = ScramClient::with_nonce(
///     ScramMechanism::Sha256,
///     Credentials::new("user", "pencil"),
///     "rOprNGfwEbeRWgbNEkqO",
/// );
/// assert_eq!(client.client_first_message().unwrap(), b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
/// let client_final = client
///     .handle_server_first(
///         b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
///     )
///     .unwrap();
/// assert!(client_final.ends_with(b",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
/// client.handle_server_final(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=").unwrap();
/// assert!(client.is_complete());
/// ```
#[derive(Debug)]
pub struct ScramClient {
    mechanism: ScramMechanism,
    credentials: Credentials,
    nonce: String,
    state: State,
}

impl ScramClient {
    /// An exchange with a fresh random nonce from the thread's CSPRNG.
    pub fn new(mechanism: ScramMechanism, credentials: Credentials) -> Self {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut rng = rand::rng();
        let nonce: String = (0..NONCE_LEN)
            .map(|_| {
                // Rejection sampling keeps the 62 symbols equally likely.
                loop {
                    let b = (rng.next_u32() & 0xff) as usize;
                    if b < 62 * 4 {
                        break ALPHABET[b % 62] as char;
                    }
                }
            })
            .collect();
        Self::with_nonce(mechanism, credentials, nonce)
    }

    /// An exchange with a chosen client nonce: the seam for test vectors and simulations.
    /// The nonce must be printable ASCII without `,` (RFC 5802); it is used as given.
    pub fn with_nonce(
        mechanism: ScramMechanism,
        credentials: Credentials,
        nonce: impl Into<String>,
    ) -> Self {
        Self {
            mechanism,
            credentials,
            nonce: nonce.into(),
            state: State::Initial,
        }
    }

    /// The hash this exchange uses.
    pub fn mechanism(&self) -> ScramMechanism {
        self.mechanism
    }

    /// True once the server's signature verified.
    pub fn is_complete(&self) -> bool {
        matches!(self.state, State::Complete)
    }

    /// The client-first message `n,,n=<user>,r=<nonce>`; call once, first.
    pub fn client_first_message(&mut self) -> Result<Vec<u8>, SaslError> {
        if !matches!(self.state, State::Initial) {
            return Err(self.invalid_state("client_first_message"));
        }
        let client_first_bare = format!(
            "n={},r={}",
            escape_saslname(&self.credentials.username),
            self.nonce
        );
        let message = format!("{GS2_HEADER}{client_first_bare}").into_bytes();
        self.state = State::ClientFirstSent {
            client_nonce: self.nonce.clone(),
            client_first_bare,
        };
        Ok(message)
    }

    /// Feeds the next server message: the server-first message returns the client-final
    /// message to send, the server-final message returns `None` once verified.
    pub fn handle_challenge(&mut self, challenge: &[u8]) -> Result<Option<Vec<u8>>, SaslError> {
        match self.state {
            State::ClientFirstSent { .. } => self.handle_server_first(challenge).map(Some),
            State::ClientFinalSent { .. } => self.handle_server_final(challenge).map(|()| None),
            _ => Err(self.invalid_state("handle_challenge")),
        }
    }

    /// Handles `r=<nonce>,s=<salt>,i=<iterations>` and returns the client-final message with
    /// the client proof.
    pub fn handle_server_first(&mut self, message: &[u8]) -> Result<Vec<u8>, SaslError> {
        let State::ClientFirstSent {
            client_nonce,
            client_first_bare,
        } = std::mem::replace(&mut self.state, State::Failed)
        else {
            let err = self.invalid_state("handle_server_first");
            return Err(err);
        };
        let server_first = self.utf8(message, "server-first-message")?;
        let parsed = parse_server_first(server_first)
            .map_err(|reason| self.malformed("server-first-message", reason))?;
        if !parsed.nonce.starts_with(client_nonce.as_str()) {
            return Err(SaslError::BadServerNonce {
                client_nonce,
                server_nonce: parsed.nonce.to_owned(),
            });
        }
        if parsed.iterations < MIN_ITERATIONS {
            return Err(SaslError::TooFewIterations {
                mechanism: self.mechanism.name(),
                iterations: parsed.iterations,
                minimum: MIN_ITERATIONS,
            });
        }
        let m = self.mechanism;
        let salted = m.salted_password(
            self.credentials.password.as_bytes(),
            &parsed.salt,
            parsed.iterations,
        );
        let client_key = m.hmac(&salted, b"Client Key");
        let stored_key = m.hash(&client_key);
        let without_proof = format!("c={CHANNEL_BINDING},r={}", parsed.nonce);
        let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
        let client_signature = m.hmac(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(&client_signature)
            .map(|(k, s)| k ^ s)
            .collect();
        let server_key = m.hmac(&salted, b"Server Key");
        let server_signature = m.hmac(&server_key, auth_message.as_bytes());
        self.state = State::ClientFinalSent { server_signature };
        Ok(format!("{without_proof},p={}", BASE64.encode(proof)).into_bytes())
    }

    /// Handles `v=<server signature>` (or `e=<error>`) and verifies the signature.
    pub fn handle_server_final(&mut self, message: &[u8]) -> Result<(), SaslError> {
        let State::ClientFinalSent { server_signature } =
            std::mem::replace(&mut self.state, State::Failed)
        else {
            let err = self.invalid_state("handle_server_final");
            return Err(err);
        };
        let text = self.utf8(message, "server-final-message")?;
        let first = text.split(',').next().unwrap_or("");
        if let Some(error) = first.strip_prefix("e=") {
            return Err(SaslError::ServerError(error.to_owned()));
        }
        let Some(signature) = first.strip_prefix("v=") else {
            return Err(self.malformed(
                "server-final-message",
                format!("expected v= or e=, got {first:?}"),
            ));
        };
        let signature = BASE64.decode(signature).map_err(|e| {
            self.malformed(
                "server-final-message",
                format!("signature is not base64: {e}"),
            )
        })?;
        if !constant_time_eq(&signature, &server_signature) {
            return Err(SaslError::BadServerSignature);
        }
        self.state = State::Complete;
        Ok(())
    }

    fn utf8<'a>(&self, message: &'a [u8], which: &'static str) -> Result<&'a str, SaslError> {
        std::str::from_utf8(message).map_err(|e| self.malformed(which, format!("not UTF-8: {e}")))
    }

    fn malformed(&self, message: &'static str, reason: String) -> SaslError {
        SaslError::MalformedServerMessage {
            mechanism: self.mechanism.name(),
            message,
            reason,
        }
    }

    fn invalid_state(&self, call: &'static str) -> SaslError {
        SaslError::InvalidState {
            mechanism: self.mechanism.name(),
            call,
            state: self.state.name(),
        }
    }
}

struct ServerFirst<'a> {
    nonce: &'a str,
    salt: Vec<u8>,
    iterations: u32,
}

/// Parses `[m=ext,]r=nonce,s=salt,i=iterations[,ext=value]*`.
fn parse_server_first(text: &str) -> Result<ServerFirst<'_>, String> {
    let mut attributes = text.split(',');
    let mut next = attributes.next().unwrap_or("");
    if next.starts_with("m=") {
        // RFC 5802: a client that does not support a mandatory extension must fail.
        return Err(format!("unsupported mandatory extension {next:?}"));
    }
    if next.starts_with("e=") {
        return Err(format!("server error {next:?}"));
    }
    let nonce = next
        .strip_prefix("r=")
        .ok_or_else(|| format!("expected r=, got {next:?}"))?;
    if nonce.is_empty() || !nonce.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(format!("nonce {nonce:?} is empty or not printable"));
    }
    next = attributes.next().unwrap_or("");
    let salt = next
        .strip_prefix("s=")
        .ok_or_else(|| format!("expected s=, got {next:?}"))?;
    let salt = BASE64
        .decode(salt)
        .map_err(|e| format!("salt is not base64: {e}"))?;
    next = attributes.next().unwrap_or("");
    let iterations = next
        .strip_prefix("i=")
        .ok_or_else(|| format!("expected i=, got {next:?}"))?;
    if iterations.is_empty() || !iterations.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("iteration count {iterations:?} is not a number"));
    }
    let iterations = iterations
        .parse::<u32>()
        .map_err(|e| format!("iteration count {iterations:?}: {e}"))?;
    for extension in attributes {
        let valid = extension
            .split_once('=')
            .is_some_and(|(name, _)| !name.is_empty());
        if !valid {
            return Err(format!("malformed extension attribute {extension:?}"));
        }
    }
    Ok(ServerFirst {
        nonce,
        salt,
        iterations,
    })
}

/// Compares without an early exit, so timing does not reveal how much of a signature matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_NONCE: &str = "rOprNGfwEbeRWgbNEkqO";
    const RFC_SERVER_FIRST: &[u8] =
        b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    fn rfc_client() -> ScramClient {
        ScramClient::with_nonce(
            ScramMechanism::Sha256,
            Credentials::new("user", "pencil"),
            RFC_NONCE,
        )
    }

    #[test]
    fn rfc7677_test_vector() {
        let mut c = rfc_client();
        assert_eq!(
            c.client_first_message().unwrap(),
            b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO".to_vec()
        );
        let client_final = c.handle_challenge(RFC_SERVER_FIRST).unwrap().unwrap();
        assert_eq!(
            String::from_utf8(client_final).unwrap(),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
             p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        assert!(!c.is_complete());
        assert_eq!(
            c.handle_challenge(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
                .unwrap(),
            None
        );
        assert!(c.is_complete());
    }

    #[test]
    fn wrong_server_signature_is_rejected() {
        let mut c = rfc_client();
        c.client_first_message().unwrap();
        c.handle_server_first(RFC_SERVER_FIRST).unwrap();
        // One bit flipped in the first byte of the RFC signature.
        let err = c.handle_server_final(b"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        assert_eq!(err, Err(SaslError::BadServerSignature));
        assert!(!c.is_complete());
        assert!(matches!(
            c.handle_challenge(b"v="),
            Err(SaslError::InvalidState {
                state: "failed",
                ..
            })
        ));
    }

    #[test]
    fn server_nonce_must_extend_client_nonce() {
        let mut c = rfc_client();
        c.client_first_message().unwrap();
        let err =
            c.handle_server_first(b"r=XXprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        assert!(
            matches!(err, Err(SaslError::BadServerNonce { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn server_error_in_final_message() {
        let mut c = rfc_client();
        c.client_first_message().unwrap();
        c.handle_server_first(RFC_SERVER_FIRST).unwrap();
        assert_eq!(
            c.handle_server_final(b"e=invalid-proof"),
            Err(SaslError::ServerError("invalid-proof".into()))
        );
    }

    #[test]
    fn too_few_iterations_is_rejected_like_java() {
        let mut c = rfc_client();
        c.client_first_message().unwrap();
        let err =
            c.handle_server_first(b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095");
        assert!(matches!(
            err,
            Err(SaslError::TooFewIterations {
                iterations: 4095,
                minimum: 4096,
                ..
            })
        ));
    }

    #[test]
    fn malformed_server_first_messages() {
        let bad: &[&[u8]] = &[
            b"",
            b"\xff\xfe",
            b"s=abc,r=rOprNGfwEbeRWgbNEkqO,i=4096",
            b"r=rOprNGfwEbeRWgbNEkqO,s=***,i=4096",
            b"r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==",
            b"r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-1",
            b"r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999",
            b"m=ext,r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            b"r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,bogus",
        ];
        for msg in bad {
            let mut c = rfc_client();
            c.client_first_message().unwrap();
            let err = c.handle_server_first(msg);
            assert!(
                matches!(err, Err(SaslError::MalformedServerMessage { .. })),
                "{:?} gave {err:?}",
                String::from_utf8_lossy(msg)
            );
        }
    }

    #[test]
    fn extensions_after_iterations_are_ignored() {
        let mut c = rfc_client();
        c.client_first_message().unwrap();
        let msg = b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,x=1";
        assert!(c.handle_server_first(msg).is_ok());
    }

    #[test]
    fn saslname_escaping() {
        assert_eq!(escape_saslname("a=b,c"), "a=3Db=2Cc");
        let mut c =
            ScramClient::with_nonce(ScramMechanism::Sha512, Credentials::new("=,", "p"), "n");
        assert_eq!(
            c.client_first_message().unwrap(),
            b"n,,n==3D=2C,r=n".to_vec()
        );
    }

    #[test]
    fn calls_out_of_order_are_typed_errors() {
        let mut c = rfc_client();
        assert!(matches!(
            c.handle_challenge(RFC_SERVER_FIRST),
            Err(SaslError::InvalidState { .. })
        ));
        c.client_first_message().unwrap();
        assert!(matches!(
            c.client_first_message(),
            Err(SaslError::InvalidState { .. })
        ));
    }

    #[test]
    fn random_nonces_are_printable_and_distinct() {
        let a = ScramClient::new(ScramMechanism::Sha256, Credentials::new("u", "p"));
        let b = ScramClient::new(ScramMechanism::Sha256, Credentials::new("u", "p"));
        assert_eq!(a.nonce.len(), NONCE_LEN);
        assert!(a.nonce.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a.nonce, b.nonce);
    }
}
