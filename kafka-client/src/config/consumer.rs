//! Consumer configuration (`ConsumerConfig` in Java).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::common::{CommonBuilder, CommonConfig, RoleDefaults, common_setters, reject_key};
use super::parse::{self, INT_MAX};
use super::values::{Assignor, AutoOffsetReset, GroupProtocol, IsolationLevel};
use super::{ConfigError, java_keys};

const DEFAULTS: RoleDefaults = RoleDefaults {
    role: "consumer",
    connections_max_idle_ms: 540_000,
    receive_buffer_bytes: 65_536,
    java_keys: java_keys::CONSUMER,
};

/// Numbers consumers without a group instance id as Java's `CONSUMER_CLIENT_ID_SEQUENCE` does.
static CLIENT_ID_SEQUENCE: AtomicU64 = AtomicU64::new(1);

/// Resolved consumer settings. Defaults are the Java client's (kafka-clients 4.4.0
/// `ConsumerConfig`): `group.protocol=classic`, `session.timeout.ms=45000`,
/// `heartbeat.interval.ms=3000`, `max.poll.interval.ms=300000`, `max.poll.records=500`,
/// `enable.auto.commit=true` (false without a `group.id`), `auto.commit.interval.ms=5000`,
/// `auto.offset.reset=latest`, `isolation.level=read_uncommitted`, `fetch.min.bytes=1`,
/// `fetch.max.bytes=52428800`, `fetch.max.wait.ms=500`, `max.partition.fetch.bytes=1048576`,
/// `partition.assignment.strategy=RangeAssignor,CooperativeStickyAssignor`, `check.crcs=true`,
/// `allow.auto.create.topics=true`, `exclude.internal.topics=true`,
/// `default.api.timeout.ms=60000`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ConsumerConfig {
    /// Shared settings.
    pub common: CommonConfig,
    /// `group.id`; `None` means no group (manual assignment only, no offset commits).
    pub group_id: Option<String>,
    /// `group.instance.id` (static membership).
    pub group_instance_id: Option<String>,
    /// `group.protocol`.
    pub group_protocol: GroupProtocol,
    /// `group.remote.assignor` (consumer protocol only).
    pub group_remote_assignor: Option<String>,
    /// `session.timeout.ms` (classic protocol).
    pub session_timeout: Duration,
    /// `heartbeat.interval.ms` (classic protocol).
    pub heartbeat_interval: Duration,
    /// `max.poll.interval.ms`.
    pub max_poll_interval: Duration,
    /// `max.poll.records`.
    pub max_poll_records: u32,
    /// `enable.auto.commit`, after Java's rule for consumers without a group.
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms`.
    pub auto_commit_interval: Duration,
    /// `auto.offset.reset`.
    pub auto_offset_reset: AutoOffsetReset,
    /// `isolation.level`.
    pub isolation_level: IsolationLevel,
    /// `fetch.min.bytes`.
    pub fetch_min_bytes: u32,
    /// `fetch.max.bytes`.
    pub fetch_max_bytes: u32,
    /// `fetch.max.wait.ms`.
    pub fetch_max_wait: Duration,
    /// `max.partition.fetch.bytes`.
    pub max_partition_fetch_bytes: u32,
    /// `partition.assignment.strategy` (classic protocol), in preference order.
    pub partition_assignment_strategy: Vec<Assignor>,
    /// `client.rack`.
    pub client_rack: String,
    /// `check.crcs`.
    pub check_crcs: bool,
    /// `allow.auto.create.topics`.
    pub allow_auto_create_topics: bool,
    /// `exclude.internal.topics`.
    pub exclude_internal_topics: bool,
    /// `default.api.timeout.ms`.
    pub default_api_timeout: Duration,
}

impl ConsumerConfig {
    /// A builder with nothing set.
    ///
    /// ```
    /// use kafka_client::config::{AutoOffsetReset, ConsumerConfig, IsolationLevel};
    ///
    /// let config = ConsumerConfig::builder()
    ///     .bootstrap_servers(["localhost:9092"])
    ///     .group_id("orders")
    ///     .auto_offset_reset(AutoOffsetReset::Earliest)
    ///     .isolation_level(IsolationLevel::ReadCommitted)
    ///     .build()
    ///     .unwrap();
    /// assert!(config.enable_auto_commit);
    /// assert_eq!(config.max_poll_records, 500);
    /// ```
    pub fn builder() -> ConsumerConfigBuilder {
        ConsumerConfigBuilder::default()
    }

    /// Builds from Java property names and string values; later duplicates win.
    ///
    /// ```
    /// use std::time::Duration;
    /// use kafka_client::config::{AutoOffsetReset, ConsumerConfig};
    ///
    /// let config = ConsumerConfig::from_properties([
    ///     ("bootstrap.servers", "localhost:9092"),
    ///     ("group.id", "g"),
    ///     ("auto.offset.reset", "by_duration:PT1H"),
    /// ])
    /// .unwrap();
    /// assert_eq!(config.auto_offset_reset, AutoOffsetReset::ByDuration(Duration::from_secs(3600)));
    /// assert!(config.common.client_id.starts_with("consumer-g-"));
    /// ```
    pub fn from_properties<I, K, V>(pairs: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut b = ConsumerConfigBuilder::default();
        for (k, v) in pairs {
            b.apply(k.as_ref(), v.as_ref())?;
        }
        b.build()
    }

    /// Builds from the text of a Java `.properties` file.
    ///
    /// ```
    /// use kafka_client::config::ConsumerConfig;
    ///
    /// let config = ConsumerConfig::from_properties_text("bootstrap.servers=b:9092\n").unwrap();
    /// // Without a group, auto-commit is off unless asked for (and asking is an error).
    /// assert!(!config.enable_auto_commit);
    /// ```
    pub fn from_properties_text(text: &str) -> Result<Self, ConfigError> {
        Self::from_properties(super::parse_properties(text)?)
    }
}

/// Builder for [`ConsumerConfig`]; unset values take the Java defaults at [`build`](Self::build).
#[derive(Debug, Clone, Default)]
pub struct ConsumerConfigBuilder {
    common: CommonBuilder,
    group_id: Option<String>,
    group_instance_id: Option<String>,
    group_protocol: Option<GroupProtocol>,
    group_remote_assignor: Option<String>,
    session_timeout: Option<Duration>,
    heartbeat_interval: Option<Duration>,
    max_poll_interval: Option<Duration>,
    max_poll_records: Option<u32>,
    enable_auto_commit: Option<bool>,
    auto_commit_interval: Option<Duration>,
    auto_offset_reset: Option<AutoOffsetReset>,
    isolation_level: Option<IsolationLevel>,
    fetch_min_bytes: Option<u32>,
    fetch_max_bytes: Option<u32>,
    fetch_max_wait: Option<Duration>,
    max_partition_fetch_bytes: Option<u32>,
    partition_assignment_strategy: Option<Vec<Assignor>>,
    client_rack: Option<String>,
    check_crcs: Option<bool>,
    allow_auto_create_topics: Option<bool>,
    exclude_internal_topics: Option<bool>,
    default_api_timeout: Option<Duration>,
}

impl ConsumerConfigBuilder {
    common_setters!();

    /// `group.id`.
    pub fn group_id(mut self, id: impl Into<String>) -> Self {
        self.group_id = Some(id.into());
        self
    }

    /// `group.instance.id`: makes this consumer a static member.
    pub fn group_instance_id(mut self, id: impl Into<String>) -> Self {
        self.group_instance_id = Some(id.into());
        self
    }

    /// `group.protocol`.
    pub fn group_protocol(mut self, p: GroupProtocol) -> Self {
        self.group_protocol = Some(p);
        self
    }

    /// `group.remote.assignor` (consumer protocol only).
    pub fn group_remote_assignor(mut self, name: impl Into<String>) -> Self {
        self.group_remote_assignor = Some(name.into());
        self
    }

    /// `session.timeout.ms` (classic protocol only).
    pub fn session_timeout(mut self, d: Duration) -> Self {
        self.session_timeout = Some(d);
        self
    }

    /// `heartbeat.interval.ms` (classic protocol only).
    pub fn heartbeat_interval(mut self, d: Duration) -> Self {
        self.heartbeat_interval = Some(d);
        self
    }

    /// `max.poll.interval.ms`.
    pub fn max_poll_interval(mut self, d: Duration) -> Self {
        self.max_poll_interval = Some(d);
        self
    }

    /// `max.poll.records`.
    pub fn max_poll_records(mut self, n: u32) -> Self {
        self.max_poll_records = Some(n);
        self
    }

    /// `enable.auto.commit`.
    pub fn enable_auto_commit(mut self, on: bool) -> Self {
        self.enable_auto_commit = Some(on);
        self
    }

    /// `auto.commit.interval.ms`.
    pub fn auto_commit_interval(mut self, d: Duration) -> Self {
        self.auto_commit_interval = Some(d);
        self
    }

    /// `auto.offset.reset`.
    pub fn auto_offset_reset(mut self, r: AutoOffsetReset) -> Self {
        self.auto_offset_reset = Some(r);
        self
    }

    /// `isolation.level`.
    pub fn isolation_level(mut self, l: IsolationLevel) -> Self {
        self.isolation_level = Some(l);
        self
    }

    /// `fetch.min.bytes`.
    pub fn fetch_min_bytes(mut self, n: u32) -> Self {
        self.fetch_min_bytes = Some(n);
        self
    }

    /// `fetch.max.bytes`.
    pub fn fetch_max_bytes(mut self, n: u32) -> Self {
        self.fetch_max_bytes = Some(n);
        self
    }

    /// `fetch.max.wait.ms`.
    pub fn fetch_max_wait(mut self, d: Duration) -> Self {
        self.fetch_max_wait = Some(d);
        self
    }

    /// `max.partition.fetch.bytes`.
    pub fn max_partition_fetch_bytes(mut self, n: u32) -> Self {
        self.max_partition_fetch_bytes = Some(n);
        self
    }

    /// `partition.assignment.strategy` (classic protocol only), in preference order.
    pub fn partition_assignment_strategy(mut self, assignors: Vec<Assignor>) -> Self {
        self.partition_assignment_strategy = Some(assignors);
        self
    }

    /// `client.rack`.
    pub fn client_rack(mut self, rack: impl Into<String>) -> Self {
        self.client_rack = Some(rack.into());
        self
    }

    /// `check.crcs`.
    pub fn check_crcs(mut self, on: bool) -> Self {
        self.check_crcs = Some(on);
        self
    }

    /// `allow.auto.create.topics`.
    pub fn allow_auto_create_topics(mut self, on: bool) -> Self {
        self.allow_auto_create_topics = Some(on);
        self
    }

    /// `exclude.internal.topics`.
    pub fn exclude_internal_topics(mut self, on: bool) -> Self {
        self.exclude_internal_topics = Some(on);
        self
    }

    /// `default.api.timeout.ms`.
    pub fn default_api_timeout(mut self, d: Duration) -> Self {
        self.default_api_timeout = Some(d);
        self
    }

    fn apply(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        if self.common.set(key, value)? {
            return Ok(());
        }
        let int = |min| parse::integer(key, value, min, INT_MAX).map(|v| v as u32);
        let ms = |min| parse::millis(key, value, min, INT_MAX);
        match key {
            // Java's group.id is a plain STRING: trimmed, and "" is a (deprecated) group name.
            "group.id" => self.group_id = Some(value.trim().to_owned()),
            "group.instance.id" => self.group_instance_id = Some(parse::non_empty(key, value)?),
            "group.protocol" => self.group_protocol = Some(GroupProtocol::parse(key, value)?),
            "group.remote.assignor" => self.group_remote_assignor = Some(value.trim().to_owned()),
            "session.timeout.ms" => self.session_timeout = Some(ms(0)?),
            "heartbeat.interval.ms" => self.heartbeat_interval = Some(ms(0)?),
            "max.poll.interval.ms" => self.max_poll_interval = Some(ms(1)?),
            "max.poll.records" => self.max_poll_records = Some(int(1)?),
            "enable.auto.commit" => self.enable_auto_commit = Some(parse::boolean(key, value)?),
            "auto.commit.interval.ms" => self.auto_commit_interval = Some(ms(0)?),
            "auto.offset.reset" => {
                self.auto_offset_reset = Some(AutoOffsetReset::parse(key, value)?)
            }
            "isolation.level" => self.isolation_level = Some(IsolationLevel::parse(key, value)?),
            "fetch.min.bytes" => self.fetch_min_bytes = Some(int(0)?),
            "fetch.max.bytes" => self.fetch_max_bytes = Some(int(0)?),
            "fetch.max.wait.ms" => self.fetch_max_wait = Some(ms(0)?),
            "max.partition.fetch.bytes" => self.max_partition_fetch_bytes = Some(int(0)?),
            "partition.assignment.strategy" => {
                self.partition_assignment_strategy = Some(Assignor::parse_list(key, value)?)
            }
            "client.rack" => self.client_rack = Some(value.trim().to_owned()),
            "check.crcs" => self.check_crcs = Some(parse::boolean(key, value)?),
            "allow.auto.create.topics" => {
                self.allow_auto_create_topics = Some(parse::boolean(key, value)?)
            }
            "exclude.internal.topics" => {
                self.exclude_internal_topics = Some(parse::boolean(key, value)?)
            }
            "default.api.timeout.ms" => self.default_api_timeout = Some(ms(0)?),
            _ => return Err(reject_key(key, &DEFAULTS)),
        }
        Ok(())
    }

    /// Resolves defaults and applies Java's validation (ranges, the auto-commit rule without a
    /// group, the settings each group protocol forbids).
    pub fn build(&self) -> Result<ConsumerConfig, ConfigError> {
        if let Some(id) = &self.group_instance_id {
            validate_group_instance_id(id)?;
        }
        // KafkaConsumer: an empty or blank group.id is rejected (InvalidGroupIdException).
        if self
            .group_id
            .as_deref()
            .is_some_and(|g| g.trim().is_empty())
        {
            return Err(ConfigError::invalid(
                "group.id",
                self.group_id.as_deref().unwrap_or(""),
                "a non-blank group name (or no group.id at all)",
            ));
        }
        let client_id = match &self.common.client_id {
            Some(id) if !id.is_empty() => id.clone(),
            _ => {
                let group = self.group_id.as_deref().unwrap_or("null");
                match &self.group_instance_id {
                    Some(instance) => format!("consumer-{group}-{instance}"),
                    None => format!(
                        "consumer-{group}-{}",
                        CLIENT_ID_SEQUENCE.fetch_add(1, Ordering::Relaxed)
                    ),
                }
            }
        };
        let common = self.common.build(&DEFAULTS, client_id)?;
        let ms = |d: Option<Duration>, default: u64, key: &str, min: i64| {
            parse::check_millis(
                key,
                d.unwrap_or(Duration::from_millis(default)),
                min,
                INT_MAX,
            )
        };
        let int = |v: Option<u32>, default: u32, key: &str, min: i64| {
            parse::check_int(key, i64::from(v.unwrap_or(default)), min, INT_MAX).map(|v| v as u32)
        };

        // ConsumerConfig.maybeOverrideEnableAutoCommit.
        let enable_auto_commit = match (self.group_id.is_some(), self.enable_auto_commit) {
            (true, explicit) => explicit.unwrap_or(true),
            (false, None) | (false, Some(false)) => false,
            (false, Some(true)) => {
                return Err(ConfigError::Inconsistent {
                    key: "enable.auto.commit",
                    reason: "cannot be set to true when no group.id is configured".to_owned(),
                });
            }
        };

        let group_protocol = self.group_protocol.unwrap_or(GroupProtocol::Classic);
        let remote_assignor = self.group_remote_assignor.clone().filter(|a| !a.is_empty());
        match group_protocol {
            GroupProtocol::Classic if remote_assignor.is_some() => {
                return Err(ConfigError::Inconsistent {
                    key: "group.remote.assignor",
                    reason: "cannot be set when group.protocol=CLASSIC".to_owned(),
                });
            }
            GroupProtocol::Consumer => {
                // The broker owns these under KIP-848; Java rejects them when set explicitly.
                let forbidden = [
                    // An explicitly empty list passes in Java 4.4.0 too.
                    (
                        "partition.assignment.strategy",
                        self.partition_assignment_strategy
                            .as_ref()
                            .is_some_and(|s| !s.is_empty()),
                    ),
                    ("session.timeout.ms", self.session_timeout.is_some()),
                    ("heartbeat.interval.ms", self.heartbeat_interval.is_some()),
                ];
                if let Some((key, _)) = forbidden.into_iter().find(|(_, set)| *set) {
                    return Err(ConfigError::Inconsistent {
                        key,
                        reason: "cannot be set when group.protocol=CONSUMER".to_owned(),
                    });
                }
            }
            GroupProtocol::Classic => {}
        }
        let strategy = self
            .partition_assignment_strategy
            .clone()
            .unwrap_or_else(|| vec![Assignor::Range, Assignor::CooperativeSticky]);

        Ok(ConsumerConfig {
            group_id: self.group_id.clone(),
            group_instance_id: self.group_instance_id.clone(),
            group_protocol,
            group_remote_assignor: remote_assignor,
            session_timeout: ms(self.session_timeout, 45_000, "session.timeout.ms", 0)?,
            heartbeat_interval: ms(self.heartbeat_interval, 3_000, "heartbeat.interval.ms", 0)?,
            max_poll_interval: ms(self.max_poll_interval, 300_000, "max.poll.interval.ms", 1)?,
            max_poll_records: int(self.max_poll_records, 500, "max.poll.records", 1)?,
            enable_auto_commit,
            auto_commit_interval: ms(
                self.auto_commit_interval,
                5_000,
                "auto.commit.interval.ms",
                0,
            )?,
            auto_offset_reset: self.auto_offset_reset.unwrap_or(AutoOffsetReset::Latest),
            isolation_level: self
                .isolation_level
                .unwrap_or(IsolationLevel::ReadUncommitted),
            fetch_min_bytes: int(self.fetch_min_bytes, 1, "fetch.min.bytes", 0)?,
            fetch_max_bytes: int(self.fetch_max_bytes, 52_428_800, "fetch.max.bytes", 0)?,
            fetch_max_wait: ms(self.fetch_max_wait, 500, "fetch.max.wait.ms", 0)?,
            max_partition_fetch_bytes: int(
                self.max_partition_fetch_bytes,
                1_048_576,
                "max.partition.fetch.bytes",
                0,
            )?,
            partition_assignment_strategy: strategy,
            client_rack: self.client_rack.clone().unwrap_or_default(),
            check_crcs: self.check_crcs.unwrap_or(true),
            allow_auto_create_topics: self.allow_auto_create_topics.unwrap_or(true),
            exclude_internal_topics: self.exclude_internal_topics.unwrap_or(true),
            default_api_timeout: ms(
                self.default_api_timeout,
                60_000,
                "default.api.timeout.ms",
                0,
            )?,
            common,
        })
    }
}

/// Java's `JoinGroupRequest.validateGroupInstanceId`: the topic-name rules.
fn validate_group_instance_id(id: &str) -> Result<(), ConfigError> {
    let legal = !id.is_empty()
        && id != "."
        && id != ".."
        && id.len() <= 249
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
    if legal {
        Ok(())
    } else {
        Err(ConfigError::invalid(
            "group.instance.id",
            id,
            "1 to 249 characters of ASCII letters, digits, '.', '_' and '-', not \".\" or \"..\"",
        ))
    }
}
