//! One Kafka JVM: a combined KRaft broker+controller node, its config, storage and process.

use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::FixtureError;
use crate::certs::TlsFiles;
use crate::cluster::SaslUser;
use crate::jars::classpath;
use crate::probe::api_versions;

/// The ports and settings that make one node's `server.properties`.
#[derive(Debug, Clone)]
pub(crate) struct NodeSpec {
    pub(crate) node_id: u32,
    pub(crate) plaintext_port: u16,
    pub(crate) sasl_port: u16,
    pub(crate) controller_port: u16,
    /// The TLS listeners, when the cluster has certificates.
    pub(crate) tls: Option<TlsListeners>,
    /// `controller.quorum.voters`, the same on every node.
    pub(crate) voters: String,
    /// Replication factor for internal topics and the default for new topics.
    pub(crate) replication_factor: u16,
    pub(crate) min_insync_replicas: u16,
    /// Extra `key=value` broker properties, applied last.
    pub(crate) overrides: Vec<(String, String)>,
}

/// The ports of a node's TLS listeners and the certificates they serve.
#[derive(Debug, Clone)]
pub(crate) struct TlsListeners {
    pub(crate) files: TlsFiles,
    /// `SSL`: server authentication only.
    pub(crate) ssl_port: u16,
    /// `SASL_SSL`: the SASL users over TLS.
    pub(crate) sasl_ssl_port: u16,
    /// `MTLS` (protocol SSL) with `ssl.client.auth=required`.
    pub(crate) mtls_port: u16,
    /// `SSL_WRONGHOST` (protocol SSL) serving a certificate for another host name.
    pub(crate) wrong_host_port: u16,
}

/// A node's files: `server.properties`, `broker.log`, `pid` and the `data` log dir.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) spec: NodeSpec,
    pub(crate) dir: PathBuf,
    process: Option<Child>,
}

impl Node {
    pub(crate) fn new(spec: NodeSpec, cluster_dir: &Path) -> Result<Node, FixtureError> {
        let dir = cluster_dir.join(format!("node-{}", spec.node_id));
        fs::create_dir_all(dir.join("data"))
            .map_err(FixtureError::io(format!("creating {}", dir.display())))?;
        let node = Node {
            spec,
            dir,
            process: None,
        };
        fs::write(
            node.config_path(),
            node.server_properties(&crate::cluster::SASL_USERS)?,
        )
        .map_err(FixtureError::io("writing server.properties"))?;
        Ok(node)
    }

    pub(crate) fn plaintext_addr(&self) -> String {
        format!("127.0.0.1:{}", self.spec.plaintext_port)
    }

    pub(crate) fn sasl_addr(&self) -> String {
        format!("127.0.0.1:{}", self.spec.sasl_port)
    }

    /// `127.0.0.1:port` of the `SSL`, `SASL_SSL`, client-certificate and wrong-host listeners.
    pub(crate) fn tls_addrs(&self) -> Option<[String; 4]> {
        self.spec.tls.as_ref().map(|t| {
            [t.ssl_port, t.sasl_ssl_port, t.mtls_port, t.wrong_host_port]
                .map(|p| format!("127.0.0.1:{p}"))
        })
    }

    pub(crate) fn log_path(&self) -> PathBuf {
        self.dir.join("broker.log")
    }

    fn config_path(&self) -> PathBuf {
        self.dir.join("server.properties")
    }

    fn server_properties(&self, users: &[SaslUser]) -> Result<String, FixtureError> {
        let s = &self.spec;
        let mut p = String::new();
        let mut set = |k: &str, v: &str| {
            let _ = writeln!(p, "{k}={v}");
        };
        set("process.roles", "broker,controller");
        set("node.id", &s.node_id.to_string());
        set("controller.quorum.voters", &s.voters);
        // The TLS listeners come after the others, so the first ones stay as they always were.
        let (tls_listeners, tls_map) = match &s.tls {
            Some(t) => (
                format!(
                    ",SSL://127.0.0.1:{},SASL_SSL://127.0.0.1:{},MTLS://127.0.0.1:{},SSL_WRONGHOST://127.0.0.1:{}",
                    t.ssl_port, t.sasl_ssl_port, t.mtls_port, t.wrong_host_port
                ),
                ",SSL:SSL,SASL_SSL:SASL_SSL,MTLS:SSL,SSL_WRONGHOST:SSL",
            ),
            None => (String::new(), ""),
        };
        set(
            "listeners",
            &format!(
                "PLAINTEXT://127.0.0.1:{},SASL_PLAINTEXT://127.0.0.1:{},CONTROLLER://127.0.0.1:{}{tls_listeners}",
                s.plaintext_port, s.sasl_port, s.controller_port
            ),
        );
        set(
            "advertised.listeners",
            &format!(
                "PLAINTEXT://127.0.0.1:{},SASL_PLAINTEXT://127.0.0.1:{}{tls_listeners}",
                s.plaintext_port, s.sasl_port
            ),
        );
        set("controller.listener.names", "CONTROLLER");
        set("inter.broker.listener.name", "PLAINTEXT");
        set(
            "listener.security.protocol.map",
            &format!(
                "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT{tls_map}"
            ),
        );
        set(
            "sasl.enabled.mechanisms",
            "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
        );
        let plain_users: String = users
            .iter()
            .map(|u| format!(" user_{}=\"{}\"", u.name, u.password))
            .collect();
        let sasl_listeners: &[&str] = if s.tls.is_some() {
            &["sasl_plaintext", "sasl_ssl"]
        } else {
            &["sasl_plaintext"]
        };
        for listener in sasl_listeners {
            set(
                &format!("listener.name.{listener}.plain.sasl.jaas.config"),
                &format!(
                    "org.apache.kafka.common.security.plain.PlainLoginModule required{plain_users};"
                ),
            );
            for mech in ["scram-sha-256", "scram-sha-512"] {
                set(
                    &format!("listener.name.{listener}.{mech}.sasl.jaas.config"),
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                );
            }
        }
        if let Some(t) = &s.tls {
            // PEM key stores given inline: Java reads an unencrypted key only this way (a PEM
            // key store file needs an encrypted key and ssl.key.password).
            let f = &t.files;
            set("ssl.keystore.type", "PEM");
            set(
                "ssl.keystore.certificate.chain",
                &TlsFiles::property_value(&f.broker_chain)?,
            );
            set(
                "ssl.keystore.key",
                &TlsFiles::property_value(&f.broker_key)?,
            );
            set("ssl.truststore.type", "PEM");
            set("ssl.truststore.location", &f.ca.display().to_string());
            set("listener.name.mtls.ssl.client.auth", "required");
            set("listener.name.ssl_wronghost.ssl.keystore.type", "PEM");
            set(
                "listener.name.ssl_wronghost.ssl.keystore.certificate.chain",
                &TlsFiles::property_value(&f.wrong_host_chain)?,
            );
            set(
                "listener.name.ssl_wronghost.ssl.keystore.key",
                &TlsFiles::property_value(&f.wrong_host_key)?,
            );
        }
        set("log.dirs", &self.dir.join("data").display().to_string());
        let rf = s.replication_factor.to_string();
        let isr = s.min_insync_replicas.to_string();
        set("default.replication.factor", &rf);
        set("min.insync.replicas", &isr);
        set("offsets.topic.replication.factor", &rf);
        set("transaction.state.log.replication.factor", &rf);
        set("transaction.state.log.min.isr", &isr);
        set("share.coordinator.state.topic.replication.factor", &rf);
        set("share.coordinator.state.topic.min.isr", &isr);
        // Tests create many short-lived groups; the default 3 s delay would only slow them down.
        set("group.initial.rebalance.delay.ms", "0");
        // The same for KIP-1071 streams groups (3 s by default; older brokers ignore the key).
        set("group.streams.initial.rebalance.delay.ms", "0");
        // Test records carry fixed timestamps from 2023; with time retention the broker would
        // delete them mid-test. Tests that exercise retention set it per topic.
        set("log.retention.ms", "-1");
        for (k, v) in &s.overrides {
            set(k, v);
        }
        Ok(p)
    }

    /// Formats the node's storage for `cluster_id`, with the SCRAM credentials of `users`.
    pub(crate) fn format(
        &self,
        libs: &Path,
        cluster_id: &str,
        users: &[SaslUser],
    ) -> Result<(), FixtureError> {
        let mut cmd = Command::new("java");
        cmd.arg("-cp")
            .arg(classpath(libs))
            .arg("kafka.tools.StorageTool")
            .arg("format")
            .arg("-t")
            .arg(cluster_id)
            .arg("-c")
            .arg(self.config_path());
        for u in users {
            for mech in ["SCRAM-SHA-256", "SCRAM-SHA-512"] {
                cmd.arg("--add-scram")
                    .arg(format!("{mech}=[name={},password={}]", u.name, u.password));
            }
        }
        let log = self.open_log()?;
        let status = cmd
            .stdin(Stdio::null())
            .stdout(
                log.try_clone()
                    .map_err(FixtureError::io("cloning log handle"))?,
            )
            .stderr(log)
            .status()
            .map_err(FixtureError::io("running kafka.tools.StorageTool"))?;
        if !status.success() {
            return Err(self.failure(
                "format its storage",
                format!("StorageTool exited with {status}"),
            ));
        }
        Ok(())
    }

    /// Starts the JVM in its own process group (so a Ctrl-C aimed at the test runner does not
    /// reach it; the guard or the owner stops it) and records its pid for the guard.
    pub(crate) fn spawn(&mut self, libs: &Path) -> Result<(), FixtureError> {
        let log = self.open_log()?;
        let child = Command::new("java")
            .args([
                "-Xms256m",
                "-Xmx768m",
                "-XX:+UseG1GC",
                "-Djava.awt.headless=true",
            ])
            .arg("-Dorg.slf4j.simpleLogger.showDateTime=true")
            .arg("-cp")
            .arg(classpath(libs))
            .arg("kafka.Kafka")
            .arg(self.config_path())
            .stdin(Stdio::null())
            .stdout(
                log.try_clone()
                    .map_err(FixtureError::io("cloning log handle"))?,
            )
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(FixtureError::io("starting the Kafka JVM"))?;
        fs::write(self.dir.join("pid"), child.id().to_string())
            .map_err(FixtureError::io("writing the broker pid file"))?;
        self.process = Some(child);
        Ok(())
    }

    /// Waits until the node answers ApiVersions on its PLAINTEXT listener. A KRaft broker only
    /// opens request processing once it has caught up with the metadata log and is unfenced, so an
    /// answer means it can serve clients.
    pub(crate) fn wait_ready(&mut self, timeout: Duration) -> Result<(), FixtureError> {
        let deadline = Instant::now() + timeout;
        let addr = self.plaintext_addr();
        let mut last = String::from("no answer yet");
        while Instant::now() < deadline {
            if let Some(child) = self.process.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.process = None;
                return Err(self.failure("start", format!("the JVM exited with {status}")));
            }
            match api_versions(&addr, Duration::from_secs(2)) {
                Ok(a) if a.error_code == 0 => return Ok(()),
                Ok(a) => last = format!("ApiVersions error code {}", a.error_code),
                Err(e) => last = e.to_string(),
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(self.failure(
            "become ready",
            format!("no ApiVersions answer on {addr} within {timeout:?} (last: {last})"),
        ))
    }

    pub(crate) fn is_running(&mut self) -> bool {
        match self.process.as_mut() {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// SIGKILL: the node dies as in a crash, its data dir stays for a restart.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM and wait for a controlled shutdown; SIGKILL if it takes longer than `timeout`.
    pub(crate) fn stop(&mut self, timeout: Duration) {
        if let Some(mut child) = self.process.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + timeout;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops owning the JVM without stopping it (used by `kafka-fixture up`, whose broker
    /// outlives the command; `kafka-fixture down` stops it through the pid file).
    pub(crate) fn detach(&mut self) {
        self.process = None;
    }

    fn open_log(&self) -> Result<File, FixtureError> {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .map_err(FixtureError::io("opening the broker log"))
    }

    fn failure(&self, action: &'static str, detail: String) -> FixtureError {
        FixtureError::Broker {
            node_id: self.spec.node_id,
            action,
            detail,
            log: self.log_path(),
            log_tail: log_tail(&self.log_path(), 40),
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

fn log_tail(path: &Path, lines: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
