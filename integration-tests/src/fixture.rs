//! The broker shared by every test in one test binary.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::probe::api_versions;
use crate::{ClusterSpec, FixtureError, KafkaCluster};

/// The broker the tests of one binary share: one the fixture started, or one named by
/// `KAFKA_BOOTSTRAP`.
#[derive(Debug)]
pub enum SharedKafka {
    /// A single-node cluster started by this process; the guard stops it when the process ends.
    Started(KafkaCluster),
    /// An existing cluster given as `KAFKA_BOOTSTRAP=host:port[,host:port...]`.
    External {
        /// The bootstrap servers as given.
        bootstrap: String,
    },
}

impl SharedKafka {
    /// `bootstrap.servers` for PLAINTEXT clients.
    pub fn bootstrap(&self) -> String {
        match self {
            SharedKafka::Started(c) => c.bootstrap(),
            SharedKafka::External { bootstrap } => bootstrap.clone(),
        }
    }

    /// [`Self::bootstrap`] as a list, the form client config builders take.
    pub fn servers(&self) -> Vec<String> {
        self.bootstrap().split(',').map(str::to_owned).collect()
    }

    /// `bootstrap.servers` for SASL_PLAINTEXT clients (users in [`crate::SASL_USERS`]); `None` for
    /// an external cluster unless `KAFKA_SASL_BOOTSTRAP` names its SASL listener.
    pub fn sasl_bootstrap(&self) -> Option<String> {
        match self {
            SharedKafka::Started(c) => Some(c.sasl_bootstrap()),
            SharedKafka::External { .. } => std::env::var("KAFKA_SASL_BOOTSTRAP").ok(),
        }
    }
}

impl SharedKafka {
    fn started(&self) -> Result<&KafkaCluster, FixtureError> {
        match self {
            SharedKafka::Started(c) => Ok(c),
            SharedKafka::External { .. } => Err(FixtureError::Tls {
                detail: "KAFKA_BOOTSTRAP names an external cluster; the TLS tests need the \
                         fixture's own broker and the certificates it makes"
                    .into(),
            }),
        }
    }

    /// `bootstrap.servers` for SSL clients (trusting [`SharedKafka::ca_pem_path`]).
    pub fn ssl_bootstrap(&self) -> Result<String, FixtureError> {
        self.started()?.ssl_bootstrap()
    }

    /// `bootstrap.servers` for SASL_SSL clients (users in [`crate::SASL_USERS`]).
    pub fn sasl_ssl_bootstrap(&self) -> Result<String, FixtureError> {
        self.started()?.sasl_ssl_bootstrap()
    }

    /// `bootstrap.servers` of the SSL listener that requires a client certificate.
    pub fn mtls_bootstrap(&self) -> Result<String, FixtureError> {
        self.started()?.mtls_bootstrap()
    }

    /// `bootstrap.servers` of the SSL listener whose certificate names another host.
    pub fn wrong_host_bootstrap(&self) -> Result<String, FixtureError> {
        self.started()?.wrong_host_bootstrap()
    }

    /// The CA certificate (PEM file) to trust for the TLS listeners.
    pub fn ca_pem_path(&self) -> Result<std::path::PathBuf, FixtureError> {
        self.started()?.ca_pem_path()
    }

    /// Every certificate file of the TLS listeners.
    pub fn tls_files(&self) -> Result<&crate::TlsFiles, FixtureError> {
        self.started()?.tls_files()
    }
}

/// The broker for this test binary, started on first use and shared by all its tests.
///
/// # Panics
///
/// When no broker can be had, with a message saying why and how to get one. Integration tests
/// never skip: a missing broker is a failure.
pub fn kafka() -> &'static SharedKafka {
    static KAFKA: OnceLock<Result<SharedKafka, String>> = OnceLock::new();
    let shared = KAFKA.get_or_init(|| start_shared().map_err(|e| e.to_string()));
    match shared {
        Ok(k) => k,
        Err(msg) => panic!("no Kafka broker for the integration tests: {msg}"),
    }
}

fn start_shared() -> Result<SharedKafka, FixtureError> {
    if let Some(bootstrap) = std::env::var("KAFKA_BOOTSTRAP")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        let first = bootstrap
            .split(',')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        return match api_versions(&first, Duration::from_secs(10)) {
            Ok(a) if a.error_code == 0 => Ok(SharedKafka::External { bootstrap }),
            Ok(a) => Err(FixtureError::External {
                bootstrap,
                detail: format!("ApiVersions error code {}", a.error_code),
            }),
            Err(e) => Err(FixtureError::External {
                bootstrap,
                detail: e.to_string(),
            }),
        };
    }
    let cluster = KafkaCluster::start(ClusterSpec::single())?;
    eprintln!(
        "integration-tests: Apache Kafka {} started; bootstrap {} (SASL_PLAINTEXT {})",
        cluster.version(),
        cluster.bootstrap(),
        cluster.sasl_bootstrap()
    );
    Ok(SharedKafka::Started(cluster))
}

/// A topic name no other test (in this or an earlier run against the same cluster) has used.
pub fn unique_topic(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!(
        "{prefix}-{}-{}-{millis}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A multi-threaded tokio runtime with two workers, which the client tests run on (the machines
/// they run on have two cores).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}
