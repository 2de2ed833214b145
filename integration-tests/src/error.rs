//! Why a fixture could not give a test its broker or peer.

use std::path::PathBuf;

/// Everything that can stop the fixture from providing a broker or a Java peer.
///
/// Each message says what went wrong and what to do about it, because it is what a developer
/// sees when an integration test fails on a machine that is not set up.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// A program the fixture needs (java, javac) is not on PATH.
    #[error(
        "`{program}` was not found on PATH; the integration tests start Apache Kafka from its jars and \
         need a Java 17+ JDK (java, javac). Install one (e.g. `apt-get install \
         openjdk-17-jdk-headless`), or point the tests at a running cluster with \
         KAFKA_BOOTSTRAP=host:port (e.g. `docker compose up -d` in the repository root, then \
         KAFKA_BOOTSTRAP=127.0.0.1:9092)"
    )]
    MissingProgram {
        /// The program that was looked for.
        program: &'static str,
    },
    /// `scripts/kafka-fetch` failed to resolve the Kafka jars.
    #[error(
        "could not fetch Apache Kafka {version} jars from Maven Central (scripts/kafka-fetch exited with \
         {status}): {stderr}\nCheck network access to Maven Central, choose another version with \
         KAFKA_VERSION, or use an existing cluster with KAFKA_BOOTSTRAP=host:port"
    )]
    Fetch {
        /// The Kafka version asked for.
        version: String,
        /// The exit status of the script.
        status: String,
        /// What the script printed on stderr (its tail).
        stderr: String,
    },
    /// A broker process could not be formatted or started, or never became ready.
    #[error(
        "Kafka broker {node_id} failed to {action}: {detail}\n--- last lines of {log} ---\n{log_tail}"
    )]
    Broker {
        /// The KRaft node id of the broker.
        node_id: u32,
        /// What was being done (format its storage, start, become ready).
        action: &'static str,
        /// What happened.
        detail: String,
        /// The broker's log file.
        log: PathBuf,
        /// The last lines of that log.
        log_tail: String,
    },
    /// A broker given through KAFKA_BOOTSTRAP did not answer.
    #[error(
        "KAFKA_BOOTSTRAP={bootstrap} was set but no Kafka broker answered ApiVersions there: {detail}. \
         Start the cluster (e.g. `docker compose up -d` or `just broker-up`) or unset KAFKA_BOOTSTRAP \
         to let the tests start their own broker"
    )]
    External {
        /// The value of KAFKA_BOOTSTRAP.
        bootstrap: String,
        /// What went wrong.
        detail: String,
    },
    /// The Java peer could not be compiled or run, or failed.
    #[error("Java peer failed to {action}: {detail}")]
    Peer {
        /// What was being done.
        action: &'static str,
        /// What happened (exit status, stderr).
        detail: String,
    },
    /// The TLS certificates for the brokers' SSL listeners could not be made (the `openssl`
    /// command is missing or failed), or a TLS listener was asked of a cluster without them.
    #[error(
        "no TLS listeners: {detail}. The fixture makes its test certificates with the `openssl` \
         command (e.g. `apt-get install openssl`)"
    )]
    Tls {
        /// What went wrong.
        detail: String,
    },
    /// A file-system or process operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl FixtureError {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> FixtureError {
        let context = context.into();
        move |source| FixtureError::Io { context, source }
    }
}
