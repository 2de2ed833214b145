//! Our SASL clients against the Java broker's own SASL servers (`PlainSaslServer`,
//! `ScramSaslServer` from kafka-clients 4.4.0), driven message by message through a Java peer.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout};

use kafka_client::sasl::{Credentials, Mechanism, SaslClient, SaslError};

struct JavaServer {
    child: Child,
    out: BufReader<ChildStdout>,
}

/// What the Java server answered to one client message.
#[derive(Debug, PartialEq)]
enum Reply {
    Ok(Vec<u8>),
    Err(String),
}

impl JavaServer {
    fn start(mechanism: Mechanism, user: &str, password: &str) -> Self {
        let mut child = support::spawn_java("SaslServerPeer", &[mechanism.name(), user, password]);
        let out = BufReader::new(child.stdout.take().expect("piped stdout"));
        JavaServer { child, out }
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.out.read_line(&mut line).expect("read from java");
        line.trim_end().to_owned()
    }

    fn send(&mut self, message: &[u8]) -> Reply {
        let hex: String = message.iter().map(|b| format!("{b:02x}")).collect();
        let stdin = self.child.stdin.as_mut().expect("piped stdin");
        writeln!(stdin, "{hex}")
            .and_then(|()| stdin.flush())
            .expect("write to java");
        let line = self.line();
        if let Some(hex) = line.strip_prefix("OK ").or(line.strip_prefix("OK")) {
            Reply::Ok(
                (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                    .collect(),
            )
        } else {
            Reply::Err(line)
        }
    }

    fn complete(&mut self) -> String {
        self.line()
    }
}

impl Drop for JavaServer {
    fn drop(&mut self) {
        // Closing stdin ends the peer's read loop; wait so no process outlives the test.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

fn authenticate(
    mechanism: Mechanism,
    user: &str,
    client_password: &str,
    server_password: &str,
) -> Result<String, String> {
    let mut server = JavaServer::start(mechanism, user, server_password);
    let mut client = SaslClient::new(mechanism, Credentials::new(user, client_password));
    let mut message = client.initial_response().map_err(|e| e.to_string())?;
    loop {
        match server.send(&message) {
            Reply::Err(e) => return Err(e),
            Reply::Ok(challenge) => {
                if client.is_complete() {
                    // PLAIN: the server must be complete after the one message.
                    return Ok(server.complete());
                }
                match client
                    .handle_challenge(&challenge)
                    .map_err(|e| e.to_string())?
                {
                    Some(next) => message = next,
                    None => {
                        assert!(client.is_complete());
                        return Ok(server.complete());
                    }
                }
            }
        }
    }
}

#[test]
fn scram_sha_512_against_java_server() {
    let done = authenticate(
        Mechanism::ScramSha512,
        "alice",
        "alice-secret",
        "alice-secret",
    )
    .unwrap();
    assert_eq!(done, "COMPLETE alice");
}

#[test]
fn scram_sha_256_against_java_server_with_escaped_name() {
    let done = authenticate(Mechanism::ScramSha256, "a=b,c", "p\u{e4}ss", "p\u{e4}ss").unwrap();
    assert_eq!(done, "COMPLETE a=b,c");
}

#[test]
fn plain_against_java_server() {
    let done = authenticate(Mechanism::Plain, "bob", "bob-secret", "bob-secret").unwrap();
    assert_eq!(done, "COMPLETE bob");
}

#[test]
fn java_server_rejects_wrong_scram_password() {
    let err = authenticate(Mechanism::ScramSha512, "alice", "wrong", "alice-secret").unwrap_err();
    assert!(
        err.starts_with("ERR SaslException") || err.contains("Authentication failed"),
        "{err}"
    );
}

#[test]
fn java_server_rejects_wrong_plain_password() {
    let err = authenticate(Mechanism::Plain, "bob", "wrong", "bob-secret").unwrap_err();
    assert!(err.contains("Authentication failed"), "{err}");
}

#[test]
fn server_final_from_java_is_verified() {
    // Tamper with Java's genuine server-final: our client must reject it.
    let mut server = JavaServer::start(Mechanism::ScramSha256, "carol", "pw");
    let mut client = SaslClient::new(Mechanism::ScramSha256, Credentials::new("carol", "pw"));
    let Reply::Ok(server_first) = server.send(&client.initial_response().unwrap()) else {
        panic!("server-first")
    };
    let client_final = client.handle_challenge(&server_first).unwrap().unwrap();
    let Reply::Ok(mut server_final) = server.send(&client_final) else {
        panic!("server-final")
    };
    assert!(server_final.starts_with(b"v="));
    // Change the first base64 symbol of the signature: all six of its bits are payload, so the
    // text stays valid base64 and only the signature differs. (The last symbol before padding
    // carries unused bits; changing it can make the base64 itself invalid, a different error.)
    let first = 2; // after "v="
    server_final[first] = if server_final[first] == b'A' {
        b'B'
    } else {
        b'A'
    };
    assert_eq!(
        client.handle_challenge(&server_final),
        Err(SaslError::BadServerSignature)
    );
}
