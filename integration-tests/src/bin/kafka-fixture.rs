//! Starts and stops the project's Kafka broker for people (the `just broker-*` recipes).
//!
//! ```text
//! kafka-fixture up [--nodes N]   start N nodes (default 1) in .kafka/cluster, print the bootstrap
//! kafka-fixture down             stop them and remove their data
//! kafka-fixture status           say what is running
//! ```
//! `KAFKA_VERSION` selects the Kafka version, as for the tests.

use std::path::PathBuf;
use std::process::ExitCode;

use integration_tests::{ClusterSpec, KafkaCluster, SASL_USERS};

fn state_dir() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .unwrap_or(&manifest)
        .join(".kafka/cluster")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = state_dir();
    let bootstrap_file = dir.with_file_name("bootstrap");
    match args.first().map(String::as_str) {
        Some("up") => {
            let nodes = match args.get(1).map(String::as_str) {
                None => 1,
                Some("--nodes") => match args.get(2).and_then(|n| n.parse::<u32>().ok()) {
                    Some(n) if n == 1 || n == 3 => n,
                    _ => return usage("--nodes takes 1 or 3"),
                },
                Some(other) => return usage(&format!("unknown argument {other:?}")),
            };
            if dir.exists() {
                eprintln!(
                    "a broker started by `kafka-fixture up` is already recorded in {}; run \
                     `just broker-down` first",
                    dir.display()
                );
                return ExitCode::FAILURE;
            }
            let spec = if nodes == 3 {
                ClusterSpec::three_nodes()
            } else {
                ClusterSpec::single()
            };
            let version = spec.version.clone();
            match KafkaCluster::start_detached(spec, &dir) {
                Ok(infos) => {
                    let bootstrap: Vec<String> =
                        infos.iter().map(|n| n.plaintext.clone()).collect();
                    let sasl: Vec<String> =
                        infos.iter().map(|n| n.sasl_plaintext.clone()).collect();
                    let _ = std::fs::write(&bootstrap_file, bootstrap.join(","));
                    println!("Apache Kafka {version}: {nodes} node(s) up");
                    println!("bootstrap.servers={}", bootstrap.join(","));
                    println!("SASL_PLAINTEXT bootstrap={}", sasl.join(","));
                    let users: Vec<String> = SASL_USERS
                        .iter()
                        .map(|u| format!("{}/{}", u.name, u.password))
                        .collect();
                    println!(
                        "SASL users (PLAIN, SCRAM-SHA-256/512): {}",
                        users.join(", ")
                    );
                    let ssl: Vec<String> = infos.iter().filter_map(|n| n.ssl.clone()).collect();
                    let sasl_ssl: Vec<String> =
                        infos.iter().filter_map(|n| n.sasl_ssl.clone()).collect();
                    if !ssl.is_empty() {
                        println!("SSL bootstrap={}", ssl.join(","));
                        println!("SASL_SSL bootstrap={}", sasl_ssl.join(","));
                        println!(
                            "TLS trust store (PEM): {}",
                            dir.join("tls").join("ca.pem").display()
                        );
                    }
                    println!("tests use it with: KAFKA_BOOTSTRAP={}", bootstrap.join(","));
                    println!("stop it with: just broker-down");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("down") => match KafkaCluster::stop_detached(&dir) {
            Ok(n) => {
                let _ = std::fs::remove_file(&bootstrap_file);
                println!("stopped {n} broker JVM(s); removed {}", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
        Some("status") => {
            match std::fs::read_to_string(&bootstrap_file) {
                Ok(b) if dir.exists() => println!("running: bootstrap.servers={b}"),
                _ => println!("no broker started by `kafka-fixture up`"),
            }
            ExitCode::SUCCESS
        }
        _ => usage("expected up, down or status"),
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("kafka-fixture: {problem}\nusage: kafka-fixture up [--nodes 1|3] | down | status");
    ExitCode::from(2)
}
