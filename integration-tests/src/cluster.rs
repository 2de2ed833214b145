//! A Kafka cluster of one or more KRaft nodes on loopback, owned by whoever started it.

use std::fs;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::FixtureError;
use crate::broker::{Node, NodeSpec, TlsListeners};
use crate::certs::TlsFiles;
use crate::jars::{kafka_libs, which};
use crate::ports::free_ports;

/// A SASL user the brokers know, for both PLAIN and SCRAM-SHA-256/512.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaslUser {
    /// The user name.
    pub name: &'static str,
    /// The password.
    pub password: &'static str,
}

/// The users every fixture broker accepts on its SASL_PLAINTEXT listener, with PLAIN and with
/// SCRAM-SHA-256 and SCRAM-SHA-512 (their SCRAM credentials are written when storage is formatted).
pub const SASL_USERS: [SaslUser; 2] = [
    SaslUser {
        name: "alice",
        password: "alice-secret",
    },
    SaslUser {
        name: "bob",
        password: "bob-secret",
    },
];

/// How to build a cluster.
#[derive(Debug, Clone)]
pub struct ClusterSpec {
    /// Number of nodes, each a combined broker+controller in its own JVM.
    pub nodes: u32,
    /// Kafka version whose jars to run.
    pub version: String,
    /// Extra broker properties applied to every node, after the fixture's own.
    pub overrides: Vec<(String, String)>,
    /// How long each node may take to answer ApiVersions after its JVM starts.
    pub ready_timeout: Duration,
    /// Give node `n` `broker.rack=rack-n` and let leaders send consumers to a replica in their
    /// rack (KIP-392's `RackAwareReplicaSelector`).
    pub racks: bool,
}

impl ClusterSpec {
    /// A single node: replication factor 1, for most tests.
    pub fn single() -> ClusterSpec {
        ClusterSpec::with_nodes(1)
    }

    /// Three nodes with replication factor 3 and `min.insync.replicas=2`, for failover tests.
    pub fn three_nodes() -> ClusterSpec {
        ClusterSpec::with_nodes(3)
    }

    fn with_nodes(nodes: u32) -> ClusterSpec {
        ClusterSpec {
            nodes,
            version: crate::kafka_version(),
            overrides: Vec::new(),
            ready_timeout: Duration::from_secs(120),
            racks: false,
        }
    }

    /// One rack per node, with the rack-aware replica selector (see [`ClusterSpec::racks`]).
    pub fn with_racks(mut self) -> ClusterSpec {
        self.racks = true;
        self
    }

    /// Adds a broker property (e.g. `("auto.create.topics.enable", "false")`).
    pub fn with_property(mut self, key: &str, value: &str) -> ClusterSpec {
        self.overrides.push((key.to_string(), value.to_string()));
        self
    }
}

/// What a test needs to know about one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    /// The KRaft node id (1-based), which is also the broker id.
    pub node_id: u32,
    /// `127.0.0.1:port` of the PLAINTEXT listener.
    pub plaintext: String,
    /// `127.0.0.1:port` of the SASL_PLAINTEXT listener.
    pub sasl_plaintext: String,
    /// `127.0.0.1:port` of the SSL listener, when the cluster has TLS certificates.
    pub ssl: Option<String>,
    /// `127.0.0.1:port` of the SASL_SSL listener, when the cluster has TLS certificates.
    pub sasl_ssl: Option<String>,
}

/// A running cluster. Dropping it stops every JVM and removes the data directories.
///
/// A guard process watches the owning process: if it exits or is killed without dropping the
/// cluster (a static fixture, a panic in another thread, SIGKILL), the guard stops the JVMs and
/// removes the directories.
#[derive(Debug)]
pub struct KafkaCluster {
    version: String,
    dir: PathBuf,
    libs: PathBuf,
    nodes: Vec<Node>,
    guard: Option<(Child, ChildStdin)>,
    ready_timeout: Duration,
    /// The certificates of the TLS listeners, or why there are none (boxed: the cluster is
    /// held by value in `SharedKafka`).
    tls: Result<Box<TlsFiles>, String>,
}

static CLUSTERS: AtomicU32 = AtomicU32::new(0);

/// PLAINTEXT, SASL_PLAINTEXT, CONTROLLER, then SSL, SASL_SSL, MTLS and SSL_WRONGHOST.
const PORTS_PER_NODE: usize = 7;

impl KafkaCluster {
    /// Fetches the jars if needed, formats fresh storage and starts every node, returning once all
    /// of them answer ApiVersions.
    pub fn start(spec: ClusterSpec) -> Result<KafkaCluster, FixtureError> {
        which("java")?;
        let libs = kafka_libs(&spec.version)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match KafkaCluster::start_once(&spec, &libs, true) {
                Err(FixtureError::Broker { log_tail, .. })
                    if attempt < 3 && log_tail.contains("Address already in use") =>
                {
                    // Another process took one of the ports between choosing and binding it.
                    continue;
                }
                other => return other,
            }
        }
    }

    /// Starts a cluster whose JVMs outlive this process (for `just broker-up`); stop it with
    /// [`KafkaCluster::stop_detached`].
    pub fn start_detached(spec: ClusterSpec, dir: &Path) -> Result<Vec<NodeInfo>, FixtureError> {
        which("java")?;
        let libs = kafka_libs(&spec.version)?;
        let mut cluster = KafkaCluster::start_in(&spec, &libs, dir.to_path_buf(), false)?;
        let infos = cluster.nodes();
        for node in &mut cluster.nodes {
            node.detach();
        }
        // Keep the files: the detached JVMs are still using them.
        cluster.dir = PathBuf::new();
        Ok(infos)
    }

    /// Stops the JVMs of a detached cluster in `dir` and removes `dir`.
    pub fn stop_detached(dir: &Path) -> Result<usize, FixtureError> {
        let stopped = kill_recorded_jvms(dir, "-TERM");
        // Give the brokers a moment for a controlled shutdown, then make sure.
        for _ in 0..100 {
            if live_recorded_jvms(dir) == 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        kill_recorded_jvms(dir, "-KILL");
        if dir.exists() {
            fs::remove_dir_all(dir)
                .map_err(FixtureError::io(format!("removing {}", dir.display())))?;
        }
        Ok(stopped)
    }

    fn start_once(
        spec: &ClusterSpec,
        libs: &Path,
        guarded: bool,
    ) -> Result<KafkaCluster, FixtureError> {
        let n = CLUSTERS.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "kstreams-kafka-{}-{n}-{nanos:08x}",
            std::process::id()
        ));
        KafkaCluster::start_in(spec, libs, dir, guarded)
    }

    fn start_in(
        spec: &ClusterSpec,
        libs: &Path,
        dir: PathBuf,
        guarded: bool,
    ) -> Result<KafkaCluster, FixtureError> {
        fs::create_dir_all(&dir)
            .map_err(FixtureError::io(format!("creating {}", dir.display())))?;
        let mut cluster = KafkaCluster {
            version: spec.version.clone(),
            dir,
            libs: libs.to_path_buf(),
            nodes: Vec::new(),
            guard: None,
            ready_timeout: spec.ready_timeout,
            tls: Err(String::new()),
        };
        if guarded {
            cluster.guard = Some(spawn_guard(&cluster.dir)?);
        }
        // Without certificates the brokers start without their TLS listeners: every other test
        // still runs, and the TLS tests fail saying why.
        cluster.tls = TlsFiles::generate(&cluster.dir.join("tls"))
            .map(Box::new)
            .map_err(|e| e.to_string());
        if let Err(why) = &cluster.tls {
            eprintln!("integration-tests: brokers start without TLS listeners: {why}");
        }
        let ports = free_ports(PORTS_PER_NODE * spec.nodes as usize)?;
        let voters = (0..spec.nodes)
            .map(|i| {
                format!(
                    "{}@127.0.0.1:{}",
                    i + 1,
                    ports[PORTS_PER_NODE * i as usize + 2]
                )
            })
            .collect::<Vec<_>>()
            .join(",");
        let (rf, isr) = if spec.nodes >= 3 {
            (3, 2)
        } else {
            (spec.nodes as u16, 1)
        };
        for i in 0..spec.nodes {
            let p = PORTS_PER_NODE * i as usize;
            let node_spec = NodeSpec {
                node_id: i + 1,
                plaintext_port: ports[p],
                sasl_port: ports[p + 1],
                controller_port: ports[p + 2],
                tls: cluster.tls.as_ref().ok().map(|files| TlsListeners {
                    files: TlsFiles::clone(files),
                    ssl_port: ports[p + 3],
                    sasl_ssl_port: ports[p + 4],
                    mtls_port: ports[p + 5],
                    wrong_host_port: ports[p + 6],
                }),
                voters: voters.clone(),
                replication_factor: rf,
                min_insync_replicas: isr,
                overrides: node_overrides(spec, i + 1),
            };
            cluster.nodes.push(Node::new(node_spec, &cluster.dir)?);
        }
        let cluster_id = random_cluster_id();
        for node in &cluster.nodes {
            node.format(libs, &cluster_id, &SASL_USERS)?;
        }
        for node in &mut cluster.nodes {
            node.spawn(libs)?;
        }
        // The nodes form their quorum together, so start all JVMs before waiting on any.
        for node in &mut cluster.nodes {
            node.wait_ready(spec.ready_timeout)?;
        }
        Ok(cluster)
    }

    /// The Kafka version these nodes run.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The `bootstrap.servers` string for the PLAINTEXT listeners of all nodes.
    pub fn bootstrap(&self) -> String {
        self.nodes
            .iter()
            .map(Node::plaintext_addr)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The `bootstrap.servers` string for the SASL_PLAINTEXT listeners of all nodes.
    pub fn sasl_bootstrap(&self) -> String {
        self.nodes
            .iter()
            .map(Node::sasl_addr)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Addresses of every node.
    pub fn nodes(&self) -> Vec<NodeInfo> {
        self.nodes
            .iter()
            .map(|n| {
                let tls = n.tls_addrs();
                NodeInfo {
                    node_id: n.spec.node_id,
                    plaintext: n.plaintext_addr(),
                    sasl_plaintext: n.sasl_addr(),
                    ssl: tls.as_ref().map(|a| a[0].clone()),
                    sasl_ssl: tls.as_ref().map(|a| a[1].clone()),
                }
            })
            .collect()
    }

    /// The certificates the TLS listeners serve (CA, client certificate, an untrusted CA), or
    /// why the cluster has no TLS listeners.
    pub fn tls_files(&self) -> Result<&TlsFiles, FixtureError> {
        self.tls.as_deref().map_err(|why| FixtureError::Tls {
            detail: why.clone(),
        })
    }

    /// The CA certificate (PEM) that signed the brokers' certificates.
    pub fn ca_pem_path(&self) -> Result<PathBuf, FixtureError> {
        Ok(self.tls_files()?.ca.clone())
    }

    fn tls_bootstrap(&self, which: usize) -> Result<String, FixtureError> {
        self.tls_files()?;
        Ok(self
            .nodes
            .iter()
            .filter_map(|n| n.tls_addrs().map(|a| a[which].clone()))
            .collect::<Vec<_>>()
            .join(","))
    }

    /// `bootstrap.servers` for the SSL listeners (server authentication only; the certificate
    /// names `127.0.0.1` and `localhost`).
    pub fn ssl_bootstrap(&self) -> Result<String, FixtureError> {
        self.tls_bootstrap(0)
    }

    /// `bootstrap.servers` for the SASL_SSL listeners (users in [`SASL_USERS`], PLAIN and SCRAM).
    pub fn sasl_ssl_bootstrap(&self) -> Result<String, FixtureError> {
        self.tls_bootstrap(1)
    }

    /// `bootstrap.servers` for the SSL listeners with `ssl.client.auth=required` (the client
    /// certificate is in [`TlsFiles::client_chain`]).
    pub fn mtls_bootstrap(&self) -> Result<String, FixtureError> {
        self.tls_bootstrap(2)
    }

    /// `bootstrap.servers` for SSL listeners whose certificate (signed by the same CA) names
    /// only `wrong-host.invalid`: host name verification must fail there.
    pub fn wrong_host_bootstrap(&self) -> Result<String, FixtureError> {
        self.tls_bootstrap(3)
    }

    fn node_mut(&mut self, node_id: u32) -> &mut Node {
        self.nodes
            .iter_mut()
            .find(|n| n.spec.node_id == node_id)
            .unwrap_or_else(|| panic!("no node with id {node_id} in this cluster"))
    }

    /// Kills a node with SIGKILL, as in a crash. Its data stays for [`KafkaCluster::restart`].
    pub fn kill(&mut self, node_id: u32) {
        self.node_mut(node_id).kill();
    }

    /// Stops a node with SIGTERM (a controlled shutdown), waiting up to 30 s.
    pub fn stop(&mut self, node_id: u32) {
        self.node_mut(node_id).stop(Duration::from_secs(30));
    }

    /// Whether the node's JVM is alive.
    pub fn is_running(&mut self, node_id: u32) -> bool {
        self.node_mut(node_id).is_running()
    }

    /// Starts a killed or stopped node again on the same ports and data, and waits until it
    /// answers ApiVersions.
    pub fn restart(&mut self, node_id: u32) -> Result<(), FixtureError> {
        let libs = self.libs.clone();
        let timeout = self.ready_timeout;
        let node = self.node_mut(node_id);
        node.kill();
        node.spawn(&libs)?;
        node.wait_ready(timeout)
    }

    /// The log file of a node (kept until the cluster is dropped).
    pub fn log_path(&self, node_id: u32) -> Option<PathBuf> {
        self.nodes
            .iter()
            .find(|n| n.spec.node_id == node_id)
            .map(Node::log_path)
    }
}

impl Drop for KafkaCluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            node.kill();
        }
        if !self.dir.as_os_str().is_empty() {
            let _ = fs::remove_dir_all(&self.dir);
        }
        if let Some((mut child, stdin)) = self.guard.take() {
            drop(stdin);
            let _ = child.wait();
        }
    }
}

/// A shell that waits for its stdin to close, i.e. for this process to end however it ends, then
/// kills the JVMs recorded in `<dir>/node-*/pid` (checking each pid still belongs to this cluster,
/// as pids are reused) and removes `dir`.
fn spawn_guard(dir: &Path) -> Result<(Child, ChildStdin), FixtureError> {
    const SCRIPT: &str = r#"
trap '' INT HUP
cat >/dev/null
for f in "$1"/node-*/pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if grep -qs -- "$1" /proc/"$pid"/cmdline; then kill -9 "$pid" 2>/dev/null; fi
done
rm -rf -- "$1"
"#;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(SCRIPT)
        .arg("kstreams-kafka-guard")
        .arg(dir)
        // Its own process group: killing the test run's group (`kill -- -PGID`, a CI timeout)
        // must not take the guard with it, or nobody would clean up.
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(FixtureError::io("starting the broker guard process"))?;
    let stdin = child.stdin.take().expect("stdin was piped");
    Ok((child, stdin))
}

fn recorded_jvms(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| fs::read_to_string(e.path().join("pid")).ok())
        .map(|pid| pid.trim().to_string())
        .filter(|pid| {
            fs::read(format!("/proc/{pid}/cmdline"))
                .map(|cmd| String::from_utf8_lossy(&cmd).contains(&*dir.to_string_lossy()))
                .unwrap_or(false)
        })
        .collect()
}

fn live_recorded_jvms(dir: &Path) -> usize {
    recorded_jvms(dir).len()
}

fn kill_recorded_jvms(dir: &Path, signal: &str) -> usize {
    let pids = recorded_jvms(dir);
    for pid in &pids {
        let _ = Command::new("kill").args([signal, pid]).status();
    }
    pids.len()
}

/// A KRaft cluster id: 16 random bytes in URL-safe base64 without padding, as Kafka's Uuid prints.
/// Like Kafka's `Uuid.randomUuid`, never one that starts with '-': the storage tool's argument
/// parser would take `-t -xyz...` for a missing value and another option (1 start in 64 did).
fn random_cluster_id() -> String {
    loop {
        let id = random_uuid_text();
        if !id.starts_with('-') {
            return id;
        }
    }
}

fn random_uuid_text() -> String {
    let mut bytes = [0u8; 16];
    if let Ok(mut f) = fs::File::open("/dev/urandom") {
        let _ = f.read_exact(&mut bytes);
    }
    // Mix in time and pid in case /dev/urandom was unreadable; uniqueness is all that matters here.
    let salt = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
        ^ u128::from(std::process::id());
    for (b, s) in bytes.iter_mut().zip(salt.to_le_bytes()) {
        *b ^= s;
    }
    base64_url_nopad(&bytes)
}

fn base64_url_nopad(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// The spec's overrides, after the node's rack settings when the spec asks for racks.
fn node_overrides(spec: &ClusterSpec, node_id: u32) -> Vec<(String, String)> {
    let mut o = Vec::new();
    if spec.racks {
        o.push(("broker.rack".to_string(), format!("rack-{node_id}")));
        o.push((
            "replica.selector.class".to_string(),
            "org.apache.kafka.common.replica.RackAwareReplicaSelector".to_string(),
        ));
    }
    o.extend(spec.overrides.iter().cloned());
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_ids_look_like_kafka_uuids() {
        let id = random_cluster_id();
        assert_eq!(id.len(), 22, "{id}");
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(id, random_cluster_id());
    }

    #[test]
    fn cluster_ids_never_start_with_a_dash() {
        // One random id in 64 would; 2,000 draws all but certainly meet one without the rule.
        for _ in 0..2_000 {
            let id = random_cluster_id();
            assert!(!id.starts_with('-'), "{id}");
        }
    }

    #[test]
    fn base64_matches_rfc4648_url_alphabet() {
        assert_eq!(base64_url_nopad(b"f"), "Zg");
        assert_eq!(base64_url_nopad(b"fo"), "Zm8");
        assert_eq!(base64_url_nopad(b"foo"), "Zm9v");
        assert_eq!(base64_url_nopad(&[0xfb, 0xff]), "-_8");
    }
}
