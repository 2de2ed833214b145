//! Settings every client role shares: bootstrap, identity, backoff, timeouts, security.

use std::time::Duration;

use crate::backoff::ExponentialBackoff;
use crate::metrics::{MetricsConfig, RecordingLevel};
use crate::sasl::{Credentials, Mechanism};

use super::ConfigError;
use super::jaas::parse_jaas_config;
use super::parse::{self, INT_MAX};
use super::tls::{TlsBuilder, TlsConfig, unsupported_reason};
use super::values::{ClientDnsLookup, MetadataRecoveryStrategy, SecurityProtocol};

/// A `host:port` from `bootstrap.servers`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BrokerAddress {
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl BrokerAddress {
    /// Parses `host:port`, `[v6addr]:port`, optionally behind a `LISTENER://` prefix, as Java's
    /// `ClientUtils.parseAndValidateAddresses` accepts them.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let invalid = || ConfigError::invalid("bootstrap.servers", text, "host:port entries");
        let rest = text.split_once("://").map_or(text, |(_, r)| r);
        let (host, port) = rest.rsplit_once(':').ok_or_else(invalid)?;
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-%._:".contains(c));
        let port: u16 = port.parse().map_err(|_| invalid())?;
        if !host_ok {
            return Err(invalid());
        }
        Ok(Self {
            host: host.to_owned(),
            port,
        })
    }
}

impl std::fmt::Display for BrokerAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// SASL settings, present when `security.protocol` is `SASL_PLAINTEXT` or `SASL_SSL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaslConfig {
    /// `sasl.mechanism`.
    pub mechanism: Mechanism,
    /// From `sasl.jaas.config`, or `sasl.username` / `sasl.password`.
    pub credentials: Credentials,
}

/// The resolved settings shared by producer, consumer and admin.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CommonConfig {
    /// `bootstrap.servers`.
    pub bootstrap_servers: Vec<BrokerAddress>,
    /// `client.id`, after the role's default naming.
    pub client_id: String,
    /// `reconnect.backoff.ms` (default 50 ms).
    pub reconnect_backoff: Duration,
    /// `reconnect.backoff.max.ms` (default 1 s; equal to `reconnect.backoff.ms` when only that
    /// was set, which turns exponential reconnect backoff off, as Java does).
    pub reconnect_backoff_max: Duration,
    /// `retry.backoff.ms` (default 100 ms).
    pub retry_backoff: Duration,
    /// `retry.backoff.max.ms` (default 1 s).
    pub retry_backoff_max: Duration,
    /// `request.timeout.ms` (default 30 s).
    pub request_timeout: Duration,
    /// `metadata.max.age.ms` (default 5 min).
    pub metadata_max_age: Duration,
    /// `connections.max.idle.ms` (9 min for producer and consumer, 5 min for admin); `None`
    /// when set negative, which keeps idle connections open.
    ///
    /// A connection that has written and read no frame for this long, and waits for no
    /// response, is closed (counted in `connection-close-total`, no longer in
    /// `connection-count`), as Java's selector closes it; the next request to its node
    /// connects again. Limits under 10 ms act as 10 ms, so that a connection cannot close
    /// between its connect and its first request.
    pub connections_max_idle: Option<Duration>,
    /// `socket.connection.setup.timeout.ms` (default 10 s).
    pub socket_connection_setup_timeout: Duration,
    /// `socket.connection.setup.timeout.max.ms` (default 30 s).
    pub socket_connection_setup_timeout_max: Duration,
    /// `security.protocol` (default `PLAINTEXT`).
    pub security_protocol: SecurityProtocol,
    /// SASL mechanism and credentials; `Some` exactly when the protocol uses SASL.
    pub sasl: Option<SaslConfig>,
    /// The `ssl.*` settings; `Some` exactly when the protocol uses TLS (`SSL`, `SASL_SSL`).
    pub tls: Option<TlsConfig>,
    /// `send.buffer.bytes` (default 128 KiB); `None` (-1) leaves the OS default.
    pub send_buffer_bytes: Option<u32>,
    /// `receive.buffer.bytes` (32 KiB for the producer, 64 KiB otherwise); `None` (-1) leaves
    /// the OS default.
    pub receive_buffer_bytes: Option<u32>,
    /// `client.dns.lookup` (default `use_all_dns_ips`).
    pub client_dns_lookup: ClientDnsLookup,
    /// `bootstrap.resolve.timeout.ms`.
    pub bootstrap_resolve_timeout: Duration,
    /// `metadata.recovery.strategy` (default `rebootstrap`).
    pub metadata_recovery_strategy: MetadataRecoveryStrategy,
    /// `metadata.recovery.rebootstrap.trigger.ms` (default 5 min).
    pub metadata_recovery_rebootstrap_trigger: Duration,
    /// `metadata.cluster.check.enable` (default true): fail when a broker reports another
    /// cluster id than the one first seen.
    pub metadata_cluster_check: bool,
    /// `metrics.sample.window.ms`, `metrics.num.samples` and `metrics.recording.level`: how the
    /// client's [`metrics`](crate::metrics) are sampled.
    pub metrics: MetricsConfig,
}

impl CommonConfig {
    /// The backoff between connection attempts to one broker (jitter 0.2, multiplier 2).
    pub fn reconnect_backoff_policy(&self) -> ExponentialBackoff {
        ExponentialBackoff::new(self.reconnect_backoff, self.reconnect_backoff_max)
    }

    /// The backoff between retries of a failed request (jitter 0.2, multiplier 2).
    pub fn retry_backoff_policy(&self) -> ExponentialBackoff {
        ExponentialBackoff::new(self.retry_backoff, self.retry_backoff_max)
    }

    /// The connection setup timeout, exponential per attempt (Java uses jitter 0.2 here too).
    pub fn connection_setup_timeout_policy(&self) -> ExponentialBackoff {
        ExponentialBackoff::new(
            self.socket_connection_setup_timeout,
            self.socket_connection_setup_timeout_max,
        )
    }
}

/// Per-role defaults that differ between roles.
pub(crate) struct RoleDefaults {
    pub(crate) role: &'static str,
    pub(crate) connections_max_idle_ms: u64,
    pub(crate) receive_buffer_bytes: i32,
    pub(crate) java_keys: &'static [&'static str],
}

/// Explicitly set shared values; `None` means "not configured", which the Java rules need.
#[derive(Debug, Clone, Default)]
pub(crate) struct CommonBuilder {
    pub(crate) bootstrap_servers: Option<Vec<String>>,
    pub(crate) client_id: Option<String>,
    pub(crate) reconnect_backoff: Option<Duration>,
    pub(crate) reconnect_backoff_max: Option<Duration>,
    pub(crate) retry_backoff: Option<Duration>,
    pub(crate) retry_backoff_max: Option<Duration>,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) metadata_max_age: Option<Duration>,
    pub(crate) connections_max_idle: Option<Option<Duration>>,
    pub(crate) socket_connection_setup_timeout: Option<Duration>,
    pub(crate) socket_connection_setup_timeout_max: Option<Duration>,
    pub(crate) security_protocol: Option<SecurityProtocol>,
    pub(crate) sasl_mechanism: Option<String>,
    pub(crate) sasl_jaas_config: Option<String>,
    pub(crate) sasl_username: Option<String>,
    pub(crate) sasl_password: Option<String>,
    pub(crate) send_buffer_bytes: Option<i32>,
    pub(crate) receive_buffer_bytes: Option<i32>,
    pub(crate) client_dns_lookup: Option<ClientDnsLookup>,
    pub(crate) bootstrap_resolve_timeout: Option<Duration>,
    pub(crate) metadata_recovery_strategy: Option<MetadataRecoveryStrategy>,
    pub(crate) metadata_recovery_rebootstrap_trigger: Option<Duration>,
    pub(crate) metadata_cluster_check: Option<bool>,
    pub(crate) metrics_sample_window: Option<Duration>,
    pub(crate) metrics_num_samples: Option<u32>,
    pub(crate) metrics_recording_level: Option<RecordingLevel>,
    pub(crate) ssl: TlsBuilder,
}

const LONG: i64 = i64::MAX;
/// Java's `bootstrap.resolve.timeout.ms` default (kafka-clients 4.4.0 `ConfigDef`).
const BOOTSTRAP_RESOLVE_TIMEOUT_MS: u64 = 0;

/// -1 means "leave the OS default" for socket buffer sizes.
fn buffer(v: Option<i32>, default: i32) -> Option<u32> {
    u32::try_from(v.unwrap_or(default)).ok()
}

impl CommonBuilder {
    /// Applies a shared key; `Ok(false)` if the key is not a shared one.
    pub(crate) fn set(&mut self, key: &str, value: &str) -> Result<bool, ConfigError> {
        match key {
            "bootstrap.servers" => self.bootstrap_servers = Some(parse::list(value)),
            "client.id" => self.client_id = Some(value.trim().to_owned()),
            "reconnect.backoff.ms" => {
                self.reconnect_backoff = Some(parse::millis(key, value, 0, LONG)?)
            }
            "reconnect.backoff.max.ms" => {
                self.reconnect_backoff_max = Some(parse::millis(key, value, 0, LONG)?)
            }
            "retry.backoff.ms" => self.retry_backoff = Some(parse::millis(key, value, 0, LONG)?),
            "retry.backoff.max.ms" => {
                self.retry_backoff_max = Some(parse::millis(key, value, 0, LONG)?)
            }
            "request.timeout.ms" => {
                self.request_timeout = Some(parse::millis(key, value, 0, INT_MAX)?)
            }
            "metadata.max.age.ms" => {
                self.metadata_max_age = Some(parse::millis(key, value, 0, LONG)?)
            }
            "connections.max.idle.ms" => {
                // Java has no validator here; a negative value disables idle expiry (`Selector`).
                let ms = parse::integer(key, value, i64::MIN, LONG)?;
                self.connections_max_idle =
                    Some((ms >= 0).then(|| Duration::from_millis(ms as u64)));
            }
            "socket.connection.setup.timeout.ms" => {
                self.socket_connection_setup_timeout = Some(parse::millis(key, value, 0, LONG)?)
            }
            "socket.connection.setup.timeout.max.ms" => {
                self.socket_connection_setup_timeout_max = Some(parse::millis(key, value, 0, LONG)?)
            }
            "security.protocol" => {
                self.security_protocol = Some(SecurityProtocol::parse(key, value)?)
            }
            "sasl.mechanism" => self.sasl_mechanism = Some(value.trim().to_owned()),
            // A PASSWORD type in Java: not trimmed.
            "sasl.jaas.config" => self.sasl_jaas_config = Some(value.to_owned()),
            "sasl.username" => self.sasl_username = Some(value.trim().to_owned()),
            "sasl.password" => self.sasl_password = Some(value.to_owned()),
            "send.buffer.bytes" => {
                self.send_buffer_bytes = Some(parse::integer(key, value, -1, INT_MAX)? as i32)
            }
            "receive.buffer.bytes" => {
                self.receive_buffer_bytes = Some(parse::integer(key, value, -1, INT_MAX)? as i32)
            }
            "client.dns.lookup" => {
                self.client_dns_lookup = Some(ClientDnsLookup::parse(key, value)?)
            }
            "bootstrap.resolve.timeout.ms" => {
                self.bootstrap_resolve_timeout = Some(parse::millis(key, value, 0, LONG)?)
            }
            "metadata.recovery.strategy" => {
                self.metadata_recovery_strategy = Some(MetadataRecoveryStrategy::parse(key, value)?)
            }
            "metadata.recovery.rebootstrap.trigger.ms" => {
                self.metadata_recovery_rebootstrap_trigger =
                    Some(parse::millis(key, value, 0, LONG)?)
            }
            "metadata.cluster.check.enable" => {
                self.metadata_cluster_check = Some(parse::boolean(key, value)?)
            }
            "metrics.sample.window.ms" => {
                self.metrics_sample_window = Some(parse::millis(key, value, 0, LONG)?)
            }
            "metrics.num.samples" => {
                self.metrics_num_samples = Some(parse::integer(key, value, 1, INT_MAX)? as u32)
            }
            "metrics.recording.level" => {
                self.metrics_recording_level = Some(match value.trim() {
                    "INFO" => RecordingLevel::Info,
                    "DEBUG" => RecordingLevel::Debug,
                    "TRACE" => RecordingLevel::Trace,
                    _ => return Err(ConfigError::invalid(key, value, "INFO, DEBUG or TRACE")),
                })
            }
            // This client pushes no metrics (KIP-714); turning the push off is honoured trivially.
            "enable.metrics.push" if !parse::boolean(key, value)? => {}
            _ if key.starts_with("ssl.") => return self.ssl.set(key, value),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Resolves defaults and applies the Java `CommonClientConfigs` post-parse rules.
    /// `client_id` is resolved by the role, from [`CommonBuilder::client_id`].
    pub(crate) fn build(
        &self,
        defaults: &RoleDefaults,
        client_id: String,
    ) -> Result<CommonConfig, ConfigError> {
        let servers = self.bootstrap_servers.as_deref().unwrap_or(&[]);
        let bootstrap_servers = servers
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| BrokerAddress::parse(s))
            .collect::<Result<Vec<_>, _>>()?;
        if bootstrap_servers.is_empty() {
            return Err(ConfigError::Missing {
                key: "bootstrap.servers",
                reason: "at least one host:port to fetch the cluster metadata from",
            });
        }
        let ms = |d: Option<Duration>, default: u64, key: &str, max: i64| {
            parse::check_millis(key, d.unwrap_or(Duration::from_millis(default)), 0, max)
        };
        let reconnect_backoff = ms(self.reconnect_backoff, 50, "reconnect.backoff.ms", LONG)?;
        // Java's postProcessReconnectBackoffConfigs: only the initial value set means constant backoff.
        let reconnect_backoff_max = match (self.reconnect_backoff_max, self.reconnect_backoff) {
            (None, Some(initial)) => initial,
            (max, _) => ms(max, 1000, "reconnect.backoff.max.ms", LONG)?,
        };
        let security_protocol = self
            .security_protocol
            .unwrap_or(SecurityProtocol::Plaintext);
        let sasl = if security_protocol.uses_sasl() {
            Some(self.sasl()?)
        } else {
            None
        };
        // As in Java, `ssl.*` keys are not looked at unless the protocol uses TLS.
        let tls = if security_protocol.uses_tls() {
            Some(self.ssl.build()?)
        } else {
            None
        };
        Ok(CommonConfig {
            bootstrap_servers,
            client_id,
            reconnect_backoff,
            reconnect_backoff_max,
            retry_backoff: ms(self.retry_backoff, 100, "retry.backoff.ms", LONG)?,
            retry_backoff_max: ms(self.retry_backoff_max, 1000, "retry.backoff.max.ms", LONG)?,
            request_timeout: ms(self.request_timeout, 30_000, "request.timeout.ms", INT_MAX)?,
            metadata_max_age: ms(self.metadata_max_age, 300_000, "metadata.max.age.ms", LONG)?,
            connections_max_idle: self
                .connections_max_idle
                .unwrap_or(Some(Duration::from_millis(
                    defaults.connections_max_idle_ms,
                ))),
            socket_connection_setup_timeout: ms(
                self.socket_connection_setup_timeout,
                10_000,
                "socket.connection.setup.timeout.ms",
                LONG,
            )?,
            socket_connection_setup_timeout_max: ms(
                self.socket_connection_setup_timeout_max,
                30_000,
                "socket.connection.setup.timeout.max.ms",
                LONG,
            )?,
            security_protocol,
            sasl,
            tls,
            send_buffer_bytes: buffer(self.send_buffer_bytes, 131_072),
            receive_buffer_bytes: buffer(self.receive_buffer_bytes, defaults.receive_buffer_bytes),
            client_dns_lookup: self
                .client_dns_lookup
                .unwrap_or(ClientDnsLookup::UseAllDnsIps),
            bootstrap_resolve_timeout: ms(
                self.bootstrap_resolve_timeout,
                BOOTSTRAP_RESOLVE_TIMEOUT_MS,
                "bootstrap.resolve.timeout.ms",
                LONG,
            )?,
            metadata_recovery_strategy: self
                .metadata_recovery_strategy
                .unwrap_or(MetadataRecoveryStrategy::Rebootstrap),
            metadata_recovery_rebootstrap_trigger: ms(
                self.metadata_recovery_rebootstrap_trigger,
                300_000,
                "metadata.recovery.rebootstrap.trigger.ms",
                LONG,
            )?,
            metadata_cluster_check: self.metadata_cluster_check.unwrap_or(true),
            metrics: MetricsConfig {
                sample_window: ms(
                    self.metrics_sample_window,
                    30_000,
                    "metrics.sample.window.ms",
                    LONG,
                )?,
                num_samples: self.metrics_num_samples.unwrap_or(2),
                recording_level: self.metrics_recording_level.unwrap_or_default(),
            },
        })
    }

    fn sasl(&self) -> Result<SaslConfig, ConfigError> {
        // Java's default mechanism is GSSAPI, which this client does not implement; Java's own
        // rule (postValidateSaslMechanismConfig) rejects an empty mechanism.
        let name = self.sasl_mechanism.as_deref().unwrap_or("GSSAPI");
        let mechanism = Mechanism::from_name(name).ok_or_else(|| {
            let accepted: Vec<&str> = Mechanism::ALL.iter().map(|m| m.name()).collect();
            let why = if self.sasl_mechanism.is_none() {
                " (the Java default GSSAPI is not supported)"
            } else {
                ""
            };
            ConfigError::invalid(
                "sasl.mechanism",
                name,
                format!("one of {}{why}", accepted.join(", ")),
            )
        })?;
        let credentials = match (
            &self.sasl_jaas_config,
            &self.sasl_username,
            &self.sasl_password,
        ) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(ConfigError::Inconsistent {
                    key: "sasl.jaas.config",
                    reason: "give credentials either in sasl.jaas.config or as sasl.username/sasl.password, not both"
                        .to_owned(),
                });
            }
            (Some(jaas), None, None) => parse_jaas_config(jaas)?,
            (None, Some(user), Some(password)) => Credentials::new(user.clone(), password.clone()),
            (None, Some(_), None) => {
                return Err(ConfigError::Missing {
                    key: "sasl.password",
                    reason: "sasl.username is set",
                });
            }
            (None, None, Some(_)) => {
                return Err(ConfigError::Missing {
                    key: "sasl.username",
                    reason: "sasl.password is set",
                });
            }
            (None, None, None) => {
                return Err(ConfigError::Missing {
                    key: "sasl.jaas.config",
                    reason: "security.protocol uses SASL; give sasl.jaas.config or sasl.username/sasl.password",
                });
            }
        };
        Ok(SaslConfig {
            mechanism,
            credentials,
        })
    }
}

/// The error for a key the role does not handle: unsupported if Java knows it, else unknown.
pub(crate) fn reject_key(key: &str, defaults: &RoleDefaults) -> ConfigError {
    if !defaults.java_keys.contains(&key) {
        return ConfigError::UnknownKey {
            key: key.to_owned(),
            role: defaults.role,
        };
    }
    let reason = if key.starts_with("ssl.") {
        unsupported_reason(key)
    } else if key.starts_with("sasl.") {
        "only PLAIN and SCRAM with sasl.jaas.config (or sasl.username/sasl.password) are implemented"
    } else if key.ends_with("serializer") {
        "(de)serializers are Rust types given to the client, not class names"
    } else if key.starts_with("metric") || key.contains("telemetry") || key == "enable.metrics.push"
    {
        "metric reporters and telemetry push are Java plug-ins; read the client's metrics() \
         snapshot instead"
    } else {
        "this Java setting has no counterpart in this client yet"
    };
    ConfigError::Unsupported {
        key: key.to_owned(),
        role: defaults.role,
        reason,
    }
}

/// Builder methods for the shared settings, expanded into each role's builder.
macro_rules! common_setters {
    () => {
        /// `bootstrap.servers`: `host:port` entries to fetch the cluster metadata from.
        pub fn bootstrap_servers<I, S>(mut self, servers: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.common.bootstrap_servers = Some(servers.into_iter().map(Into::into).collect());
            self
        }

        /// `client.id`: the name the brokers log and quota this client by.
        pub fn client_id(mut self, id: impl Into<String>) -> Self {
            self.common.client_id = Some(id.into());
            self
        }

        /// `reconnect.backoff.ms`: the first wait before reconnecting to a broker.
        pub fn reconnect_backoff(mut self, d: std::time::Duration) -> Self {
            self.common.reconnect_backoff = Some(d);
            self
        }

        /// `reconnect.backoff.max.ms`: the longest wait before reconnecting to a broker.
        pub fn reconnect_backoff_max(mut self, d: std::time::Duration) -> Self {
            self.common.reconnect_backoff_max = Some(d);
            self
        }

        /// `retry.backoff.ms`: the first wait before retrying a failed request.
        pub fn retry_backoff(mut self, d: std::time::Duration) -> Self {
            self.common.retry_backoff = Some(d);
            self
        }

        /// `retry.backoff.max.ms`: the longest wait before retrying a failed request.
        pub fn retry_backoff_max(mut self, d: std::time::Duration) -> Self {
            self.common.retry_backoff_max = Some(d);
            self
        }

        /// `request.timeout.ms`: how long to wait for a response before failing the request.
        pub fn request_timeout(mut self, d: std::time::Duration) -> Self {
            self.common.request_timeout = Some(d);
            self
        }

        /// `metadata.max.age.ms`: refresh metadata at least this often.
        pub fn metadata_max_age(mut self, d: std::time::Duration) -> Self {
            self.common.metadata_max_age = Some(d);
            self
        }

        /// `connections.max.idle.ms`: close connections idle this long; `None` never closes.
        pub fn connections_max_idle(mut self, d: Option<std::time::Duration>) -> Self {
            self.common.connections_max_idle = Some(d);
            self
        }

        /// `socket.connection.setup.timeout.ms`: the first connection setup timeout.
        pub fn socket_connection_setup_timeout(mut self, d: std::time::Duration) -> Self {
            self.common.socket_connection_setup_timeout = Some(d);
            self
        }

        /// `socket.connection.setup.timeout.max.ms`: the longest connection setup timeout.
        pub fn socket_connection_setup_timeout_max(mut self, d: std::time::Duration) -> Self {
            self.common.socket_connection_setup_timeout_max = Some(d);
            self
        }

        /// `security.protocol`.
        pub fn security_protocol(mut self, p: $crate::config::SecurityProtocol) -> Self {
            self.common.security_protocol = Some(p);
            self
        }

        /// `sasl.mechanism`.
        pub fn sasl_mechanism(mut self, m: $crate::sasl::Mechanism) -> Self {
            self.common.sasl_mechanism = Some(m.name().to_owned());
            self
        }

        /// SASL credentials (the `sasl.username` / `sasl.password` pair).
        pub fn sasl_credentials(mut self, c: $crate::sasl::Credentials) -> Self {
            self.common.sasl_username = Some(c.username);
            self.common.sasl_password = Some(c.password);
            self
        }

        /// `sasl.jaas.config`: a PLAIN or SCRAM login module line holding the credentials.
        pub fn sasl_jaas_config(mut self, jaas: impl Into<String>) -> Self {
            self.common.sasl_jaas_config = Some(jaas.into());
            self
        }

        /// Sets one Java property by name, as `from_properties` does for each pair; the value is
        /// parsed and checked now, cross-key rules at `build`.
        pub fn set(mut self, key: &str, value: &str) -> Result<Self, $crate::config::ConfigError> {
            self.apply(key, value)?;
            Ok(self)
        }
    };
}

pub(crate) use common_setters;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_addresses() {
        let a = BrokerAddress::parse("localhost:9092").unwrap();
        assert_eq!((a.host.as_str(), a.port), ("localhost", 9092));
        let b = BrokerAddress::parse("SASL_SSL://[::1]:9093").unwrap();
        assert_eq!((b.host.as_str(), b.port), ("::1", 9093));
        assert_eq!(b.to_string(), "[::1]:9093");
        for bad in [
            "localhost",
            "localhost:",
            ":9092",
            "host:99999",
            "ho st:1",
            "host:x",
        ] {
            assert!(BrokerAddress::parse(bad).is_err(), "{bad}");
        }
    }
}
