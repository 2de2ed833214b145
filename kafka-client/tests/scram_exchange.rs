//! SCRAM client against a self-made server (RFC 5802 server side written here from the RFC, not
//! shared with the client), for SHA-512 and SHA-256: success, wrong password, impostor server,
//! and user names that need `saslname` escaping.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use kafka_client::sasl::{Credentials, Mechanism, SaslClient, SaslError, ScramMechanism};
use proptest::prelude::*;

/// A SCRAM server holding one user's stored credential, as a broker would.
struct Server {
    mechanism: ScramMechanism,
    username: String,
    salt: Vec<u8>,
    iterations: u32,
    stored_key: Vec<u8>,
    server_key: Vec<u8>,
    server_nonce: String,
    auth_prefix: Option<(String, String)>,
}

impl Server {
    fn new(mechanism: ScramMechanism, username: &str, password: &str) -> Self {
        let salt = b"fixed-test-salt-0123".to_vec();
        let iterations = 4096;
        let salted = mechanism.salted_password(password.as_bytes(), &salt, iterations);
        let client_key = mechanism.hmac(&salted, b"Client Key");
        Server {
            mechanism,
            username: username.to_owned(),
            stored_key: mechanism.hash(&client_key),
            server_key: mechanism.hmac(&salted, b"Server Key"),
            salt,
            iterations,
            server_nonce: "srvNonce%42".to_owned(),
            auth_prefix: None,
        }
    }

    /// Handles client-first; returns server-first.
    fn first(&mut self, client_first: &[u8]) -> Vec<u8> {
        let text = std::str::from_utf8(client_first).unwrap();
        let bare = text
            .strip_prefix("n,,")
            .expect("gs2 header without channel binding");
        let (name, nonce) = bare.split_once(",r=").expect("n=...,r=...");
        let name = name
            .strip_prefix("n=")
            .unwrap()
            .replace("=2C", ",")
            .replace("=3D", "=");
        assert_eq!(name, self.username, "server decodes the escaped user name");
        let combined = format!("{nonce}{}", self.server_nonce);
        let server_first = format!(
            "r={combined},s={},i={}",
            BASE64.encode(&self.salt),
            self.iterations
        );
        self.auth_prefix = Some((format!("{bare},{server_first}"), combined));
        server_first.into_bytes()
    }

    /// Handles client-final; returns server-final (`v=` or `e=invalid-proof`).
    fn last(&mut self, client_final: &[u8]) -> Vec<u8> {
        let text = std::str::from_utf8(client_final).unwrap();
        let (without_proof, proof) = text.rsplit_once(",p=").expect("proof last");
        let (prefix, combined) = self.auth_prefix.take().expect("first message seen");
        assert_eq!(without_proof, format!("c=biws,r={combined}"));
        let auth_message = format!("{prefix},{without_proof}");
        let signature = self
            .mechanism
            .hmac(&self.stored_key, auth_message.as_bytes());
        let proof = BASE64.decode(proof).unwrap();
        let client_key: Vec<u8> = proof.iter().zip(&signature).map(|(p, s)| p ^ s).collect();
        if self.mechanism.hash(&client_key) != self.stored_key {
            return b"e=invalid-proof".to_vec();
        }
        let server_signature = self
            .mechanism
            .hmac(&self.server_key, auth_message.as_bytes());
        format!("v={}", BASE64.encode(server_signature)).into_bytes()
    }
}

fn mechanism(m: ScramMechanism) -> Mechanism {
    match m {
        ScramMechanism::Sha256 => Mechanism::ScramSha256,
        ScramMechanism::Sha512 => Mechanism::ScramSha512,
    }
}

/// Runs one exchange; the server knows `server_password`, the client uses `client_password`.
fn exchange(
    m: ScramMechanism,
    user: &str,
    client_password: &str,
    server_password: &str,
) -> Result<(), SaslError> {
    let mut server = Server::new(m, user, server_password);
    let mut client = SaslClient::new(mechanism(m), Credentials::new(user, client_password));
    let first = client.initial_response()?;
    let client_final = client
        .handle_challenge(&server.first(&first))?
        .expect("client-final");
    let done = client.handle_challenge(&server.last(&client_final))?;
    assert_eq!(done, None);
    assert!(client.is_complete());
    Ok(())
}

#[test]
fn sha512_exchange_succeeds() {
    exchange(ScramMechanism::Sha512, "alice", "wonderland", "wonderland").unwrap();
}

#[test]
fn sha256_exchange_succeeds() {
    exchange(ScramMechanism::Sha256, "alice", "wonderland", "wonderland").unwrap();
}

#[test]
fn wrong_password_gets_server_error() {
    let err = exchange(ScramMechanism::Sha512, "alice", "guess", "wonderland").unwrap_err();
    assert_eq!(err, SaslError::ServerError("invalid-proof".to_owned()));
}

#[test]
fn impostor_server_fails_signature_check() {
    // A server that accepts any proof but does not know the password signs with the wrong key.
    let m = ScramMechanism::Sha512;
    let mut real = Server::new(m, "alice", "wonderland");
    let impostor = Server::new(m, "alice", "not-the-password");
    let mut client = SaslClient::new(
        Mechanism::ScramSha512,
        Credentials::new("alice", "wonderland"),
    );
    let first = client.initial_response().unwrap();
    let client_final = client
        .handle_challenge(&real.first(&first))
        .unwrap()
        .unwrap();
    // The real server would accept; the impostor answers with its own server key.
    let auth_ok = real.last(&client_final);
    assert!(auth_ok.starts_with(b"v="));
    let text = String::from_utf8(client_final).unwrap();
    let (without_proof, _) = text.rsplit_once(",p=").unwrap();
    let (prefix, _) = {
        let mut replay = Server::new(m, "alice", "wonderland");
        replay.first(&first);
        replay.auth_prefix.unwrap()
    };
    let forged = m.hmac(
        &impostor.server_key,
        format!("{prefix},{without_proof}").as_bytes(),
    );
    let err = client.handle_challenge(format!("v={}", BASE64.encode(forged)).as_bytes());
    assert_eq!(err, Err(SaslError::BadServerSignature));
    assert!(!client.is_complete());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_user_and_password_round_trip(user in "[a-z=,@. ]{1,12}", password in "\\PC{0,16}") {
        exchange(ScramMechanism::Sha512, &user, &password, &password).unwrap();
    }

    #[test]
    fn garbage_server_first_is_an_error_not_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        let mut client = SaslClient::new(Mechanism::ScramSha256, Credentials::new("u", "p"));
        client.initial_response().unwrap();
        // Garbage cannot extend the random client nonce, so it must be rejected.
        prop_assert!(client.handle_challenge(&bytes).is_err());
    }
}
