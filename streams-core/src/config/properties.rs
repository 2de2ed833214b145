//! Kafka Streams settings by their Java property names, so an operator's `streams.properties`
//! loads as it is.
//!
//! Every key is checked when it is set: a Streams key against Java's type and range, a client key
//! (bare, or with a `consumer.`/`producer.`/`admin.` prefix) by the client it goes to. An unknown
//! key, a bad value or a key this runtime cannot honour is an error naming the key, never a
//! setting silently dropped.

use std::any::Any;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use kafka_client::config::{
    AdminConfigBuilder, BrokerAddress, ConfigError, ConsumerConfigBuilder, ProducerConfigBuilder,
    parse_properties,
};

use super::StreamsConfig;
use crate::processor::{
    FailOnInvalidTimestamp, LogAndContinue, LogAndFail, LogAndSkipOnInvalidTimestamp,
    UsePartitionTimeOnInvalidTimestamp, WallclockTimestampExtractor,
};
use crate::serde::{
    BoolSerde, ByteArraySerde, BytesSerde, DoubleSerde, FloatSerde, IntegerSerde, LongSerde,
    Nullable, Serde, SharedSerde, ShortSerde, StringSerde, UuidSerde, VoidSerde,
};

/// Named in [`ConfigError`]s.
const ROLE: &str = "streams";

/// `processing.guarantee`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProcessingGuarantee {
    /// `at_least_once` (the default).
    #[default]
    AtLeastOnce,
    /// `exactly_once_v2`: one transactional producer per stream thread (KIP-447).
    ExactlyOnceV2,
}

impl ProcessingGuarantee {
    /// The Java property value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessingGuarantee::AtLeastOnce => "at_least_once",
            ProcessingGuarantee::ExactlyOnceV2 => "exactly_once_v2",
        }
    }
}

/// Deprecated keys and the key that replaces each: when both are given, Java uses the new one.
const ALIASES: [(&str, &str); 3] = [
    ("cache.max.bytes.buffering", "statestore.cache.max.bytes"),
    (
        "default.deserialization.exception.handler",
        "deserialization.exception.handler",
    ),
    (
        "default.production.exception.handler",
        "production.exception.handler",
    ),
];

/// Client keys Kafka Streams sets itself; Java overrides or rejects a user's value.
const STREAMS_OWNED: [&str; 8] = [
    "group.id",
    "enable.auto.commit",
    "partition.assignment.strategy",
    "transactional.id",
    "key.serializer",
    "value.serializer",
    "key.deserializer",
    "value.deserializer",
];

/// Prefixes that address one client of a Streams instance.
const CLIENT_PREFIXES: [(&str, Client); 6] = [
    ("main.consumer.", Client::Consumer),
    ("restore.consumer.", Client::Consumer),
    ("global.consumer.", Client::Consumer),
    ("consumer.", Client::Consumer),
    ("producer.", Client::Producer),
    ("admin.", Client::Admin),
];

#[derive(Debug, Clone, Copy)]
enum Client {
    Consumer,
    Producer,
    Admin,
}

impl Client {
    /// Whether this client knows `key`; an invalid value is an error.
    fn accepts(self, key: &str, value: &str) -> Result<bool, ConfigError> {
        let checked = match self {
            Client::Consumer => ConsumerConfigBuilder::default().set(key, value).map(drop),
            Client::Producer => ProducerConfigBuilder::default().set(key, value).map(drop),
            Client::Admin => AdminConfigBuilder::default().set(key, value).map(drop),
        };
        match checked {
            Ok(()) => Ok(true),
            Err(ConfigError::UnknownKey { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

impl StreamsConfig {
    /// Builds from Java property names and string values; later duplicates win, and a
    /// deprecated key yields to its replacement (`cache.max.bytes.buffering` to
    /// `statestore.cache.max.bytes`, ...). `application.id` is required.
    ///
    /// ```
    /// use std::time::Duration;
    /// use streams_core::StreamsConfig;
    /// use streams_core::config::ProcessingGuarantee;
    ///
    /// let config = StreamsConfig::from_properties([
    ///     ("application.id", "wordcount"),
    ///     ("bootstrap.servers", "localhost:9092"),
    ///     ("processing.guarantee", "exactly_once_v2"),
    ///     ("statestore.cache.max.bytes", "0"),
    ///     ("producer.linger.ms", "20"),
    /// ])?;
    /// assert_eq!(config.processing_guarantee, ProcessingGuarantee::ExactlyOnceV2);
    /// assert_eq!(config.commit_interval(), Duration::from_millis(100));
    /// assert_eq!(config.cache_max_bytes, 0);
    ///
    /// let err = StreamsConfig::from_properties([("application.id", "a"), ("linger.msec", "5")])
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("linger.msec"));
    /// # Ok::<(), kafka_client::config::ConfigError>(())
    /// ```
    pub fn from_properties<I, K, V>(pairs: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(k, v)| (k.as_ref().trim().to_owned(), v.as_ref().to_owned()))
            .collect();
        let given = |key: &str| pairs.iter().any(|(k, _)| k == key);
        let id = pairs
            .iter()
            .rev()
            .find(|(k, _)| k == "application.id")
            .map(|(_, v)| v.as_str())
            .ok_or(ConfigError::Missing {
                key: "application.id",
                reason: "it names the group, the internal topics and the state directory",
            })?;
        let mut config = StreamsConfig::new(&non_empty("application.id", id)?);
        for (key, value) in &pairs {
            let superseded = ALIASES.iter().any(|(old, new)| key == old && given(new));
            if superseded {
                tracing::warn!(key, "deprecated; its replacement is also set and wins");
                // Still checked, so a typo in a superseded line is not hidden.
                StreamsConfig::new("check").apply(key, value)?;
                continue;
            }
            config.apply(key, value)?;
        }
        Ok(config)
    }

    /// Builds from the text of a Java `.properties` file.
    ///
    /// ```
    /// use streams_core::StreamsConfig;
    ///
    /// let config = StreamsConfig::from_properties_text(
    ///     "application.id=orders\nnum.stream.threads=4\nconsumer.max.poll.records=500\n",
    /// )?;
    /// assert_eq!(config.num_stream_threads, 4);
    /// assert_eq!(config.client_properties, [("consumer.max.poll.records".to_owned(), "500".to_owned())]);
    /// # Ok::<(), kafka_client::config::ConfigError>(())
    /// ```
    pub fn from_properties_text(text: &str) -> Result<Self, ConfigError> {
        Self::from_properties(parse_properties(text)?)
    }

    /// Sets one Java property by name, checked as [`Self::from_properties`] checks it.
    ///
    /// ```
    /// use streams_core::StreamsConfig;
    ///
    /// let config = StreamsConfig::new("app").set("max.task.idle.ms", "-1")?;
    /// assert_eq!(config.max_task_idle_ms, -1);
    /// assert!(StreamsConfig::new("app").set("num.stream.threads", "0").is_err());
    /// # Ok::<(), kafka_client::config::ConfigError>(())
    /// ```
    pub fn set(mut self, key: &str, value: &str) -> Result<Self, ConfigError> {
        self.apply(key.trim(), value)?;
        Ok(self)
    }

    fn apply(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let v = value.trim();
        match key {
            "application.id" => self.application_id = non_empty(key, v)?,
            "state.dir" => self.state_dir = Some(PathBuf::from(non_empty(key, v)?)),
            "statestore.cache.max.bytes" | "cache.max.bytes.buffering" => {
                let bytes = long(key, v, 0, i64::MAX)?;
                self.cache_max_bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
            }
            "max.task.idle.ms" => self.max_task_idle_ms = long(key, v, -1, i64::MAX)?,
            "default.timestamp.extractor" => {
                self.timestamp_extractor = match v {
                    "org.apache.kafka.streams.processor.FailOnInvalidTimestamp" => {
                        Arc::new(FailOnInvalidTimestamp)
                    }
                    "org.apache.kafka.streams.processor.LogAndSkipOnInvalidTimestamp" => {
                        Arc::new(LogAndSkipOnInvalidTimestamp)
                    }
                    "org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp" => {
                        Arc::new(UsePartitionTimeOnInvalidTimestamp)
                    }
                    "org.apache.kafka.streams.processor.WallclockTimestampExtractor" => {
                        Arc::new(WallclockTimestampExtractor)
                    }
                    _ => {
                        return Err(invalid(
                            key,
                            value,
                            "a built-in extractor class of org.apache.kafka.streams.processor \
                             (FailOnInvalidTimestamp, LogAndSkipOnInvalidTimestamp, \
                             UsePartitionTimeOnInvalidTimestamp, WallclockTimestampExtractor); \
                             set other extractors with with_timestamp_extractor",
                        ));
                    }
                }
            }
            "deserialization.exception.handler" | "default.deserialization.exception.handler" => {
                self.deserialization_handler = match v {
                    "org.apache.kafka.streams.errors.LogAndFailExceptionHandler" => {
                        Arc::new(LogAndFail)
                    }
                    "org.apache.kafka.streams.errors.LogAndContinueExceptionHandler" => {
                        Arc::new(LogAndContinue)
                    }
                    _ => {
                        return Err(invalid(
                            key,
                            value,
                            "org.apache.kafka.streams.errors.LogAndFailExceptionHandler or \
                             LogAndContinueExceptionHandler; set other handlers with \
                             with_deserialization_handler",
                        ));
                    }
                }
            }
            "default.key.serde" => self.default_serdes.key = java_serde(key, value)?,
            "default.value.serde" => self.default_serdes.value = java_serde(key, value)?,
            "processing.guarantee" => {
                self.processing_guarantee = match v {
                    "at_least_once" => ProcessingGuarantee::AtLeastOnce,
                    "exactly_once_v2" => ProcessingGuarantee::ExactlyOnceV2,
                    _ => {
                        return Err(invalid(
                            key,
                            value,
                            "at_least_once or exactly_once_v2 (exactly_once and \
                             exactly_once_beta were removed in Kafka 4.0)",
                        ));
                    }
                }
            }
            "commit.interval.ms" => {
                self.commit_interval_ms =
                    Some(Duration::from_millis(long(key, v, 0, i64::MAX)? as u64))
            }
            "num.stream.threads" => self.num_stream_threads = int(key, v, 1)?,
            "num.standby.replicas" => self.num_standby_replicas = int(key, v, 0)?,
            "replication.factor" => {
                let rf = long(key, v, -1, i16::MAX.into())?;
                if rf == 0 {
                    return Err(invalid(key, value, "-1 (the broker's default) or 1..32767"));
                }
                self.replication_factor = rf as i16;
            }
            "application.server" => {
                self.application_server = if v.is_empty() {
                    None
                } else {
                    Some(host_port(key, v)?)
                }
            }
            "bootstrap.servers" => {
                let servers: Vec<String> = list(v);
                for s in &servers {
                    BrokerAddress::parse(s)
                        .map_err(|_| invalid(key, value, "a comma-separated list of host:port"))?;
                }
                self.bootstrap_servers = servers;
            }
            _ => return self.apply_other(key, value),
        }
        Ok(())
    }

    /// The keys without a typed field: runtime settings, unsupported ones and client keys.
    fn apply_other(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let v = value.trim();
        let runtime = match key {
            "acceptable.recovery.lag"
            | "task.timeout.ms"
            | "repartition.purge.interval.ms"
            | "windowstore.changelog.additional.retention.ms"
            | "poll.ms"
            | "log.summary.interval.ms"
            | "metrics.sample.window.ms" => long(key, v, 0, i64::MAX).map(drop),
            "state.cleanup.delay.ms" | "window.size.ms" => {
                long(key, v, i64::MIN, i64::MAX).map(drop)
            }
            "probing.rebalance.interval.ms" => long(key, v, 60_000, i64::MAX).map(drop),
            "max.warmup.replicas" | "metrics.num.samples" => int(key, v, 1).map(drop),
            "buffered.records.per.partition"
            | "rack.aware.assignment.traffic_cost"
            | "rack.aware.assignment.non_overlap_cost" => {
                long(key, v, i32::MIN.into(), i32::MAX.into()).map(drop)
            }
            "topology.optimization" => topology_optimization(key, value),
            "rack.aware.assignment.strategy" => {
                one_of(key, value, &["none", "min_traffic", "balance_subtopology"])
            }
            "metrics.recording.level" => one_of(key, value, &["INFO", "DEBUG", "TRACE"]),
            "default.dsl.store" => one_of(key, value, &["rocksDB", "in_memory"]),
            "group.protocol" => one_of(key, value, &["classic", "streams"]),
            "ensure.explicit.internal.resource.naming" | "enable.metrics.push" => {
                one_of(key, value, &["true", "false"])
            }
            "rack.aware.assignment.tags" | "upgrade.from" => Ok(()),
            "production.exception.handler" | "default.production.exception.handler" => one_of(
                key,
                value,
                &["org.apache.kafka.streams.errors.DefaultProductionExceptionHandler"],
            ),
            "processing.exception.handler" => match v {
                "org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler" => Ok(()),
                "org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler" => {
                    Err(unsupported(
                        key,
                        "a failing processor always stops its task here (LogAndFail)",
                    ))
                }
                _ => Err(invalid(
                    key,
                    value,
                    "org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler",
                )),
            },
            _ if key.starts_with("client.tag.") => Ok(()),
            "rocksdb.config.setter" => Err(unsupported(key, "state stores are on redb")),
            "dsl.store.suppliers.class"
            | "task.assignor.class"
            | "default.client.supplier"
            | "windowed.inner.class.serde"
            | "default.list.key.serde.inner"
            | "default.list.key.serde.type"
            | "default.list.value.serde.inner"
            | "default.list.value.serde.type" => Err(unsupported(
                key,
                "it names a Java class; the Rust API takes the value itself",
            )),
            _ => return self.apply_client(key, value),
        };
        runtime?;
        self.runtime_properties.insert(key.to_owned(), v.to_owned());
        Ok(())
    }

    /// A client key: prefixed for one client, or bare for whichever clients know it.
    fn apply_client(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let (bare, clients): (&str, &[Client]) =
            match CLIENT_PREFIXES.iter().find(|(p, _)| key.starts_with(p)) {
                Some((p, c)) => (&key[p.len()..], std::slice::from_ref(c)),
                None => (key, &[Client::Consumer, Client::Producer, Client::Admin]),
            };
        if STREAMS_OWNED.contains(&bare) {
            return Err(unsupported(key, "Kafka Streams sets it itself"));
        }
        let mut known = false;
        for c in clients {
            known |= c.accepts(bare, value).map_err(|e| with_key(e, key))?;
        }
        if !known {
            return Err(ConfigError::UnknownKey {
                key: key.to_owned(),
                role: ROLE,
            });
        }
        self.client_properties.retain(|(k, _)| k != key);
        self.client_properties
            .push((key.to_owned(), value.to_owned()));
        Ok(())
    }
}

/// A serde for `T` registered for `T` and `Option<T>`.
fn both<T: 'static, S: Serde<T> + Clone + 'static>(s: S) -> Vec<Arc<dyn Any + Send + Sync>>
where
    Nullable<S>: Serde<Option<T>>,
{
    let plain: SharedSerde<T> = Arc::new(s.clone());
    let nullable: SharedSerde<Option<T>> = Arc::new(Nullable(s));
    vec![Arc::new(plain), Arc::new(nullable)]
}

/// Java's built-in serde classes (`Serdes$StringSerde`, ...) as the serdes they match byte for
/// byte.
fn java_serde(key: &str, value: &str) -> Result<Vec<Arc<dyn Any + Send + Sync>>, ConfigError> {
    let class = value.trim();
    let name = class
        .strip_prefix("org.apache.kafka.common.serialization.Serdes$")
        .unwrap_or("");
    Ok(match name {
        "StringSerde" => both(StringSerde),
        "LongSerde" => both(LongSerde),
        "IntegerSerde" => both(IntegerSerde),
        "ShortSerde" => both(ShortSerde),
        "FloatSerde" => both(FloatSerde),
        "DoubleSerde" => both(DoubleSerde),
        "BooleanSerde" => both(BoolSerde),
        "ByteArraySerde" => both(ByteArraySerde),
        "BytesSerde" | "ByteBufferSerde" => both(BytesSerde),
        "UUIDSerde" => both(UuidSerde),
        "VoidSerde" => both(VoidSerde),
        _ => {
            return Err(invalid(
                key,
                value,
                "a built-in org.apache.kafka.common.serialization.Serdes$...Serde class \
                 (String, Long, Integer, Short, Float, Double, Boolean, ByteArray, Bytes, \
                 ByteBuffer, UUID, Void); set other serdes with with_default_key_serde / \
                 with_default_value_serde",
            ));
        }
    })
}

fn topology_optimization(key: &str, value: &str) -> Result<(), ConfigError> {
    const EACH: [&str; 3] = [
        "reuse.ktable.source.topics",
        "merge.repartition.topics",
        "single.store.self.join",
    ];
    let v = value.trim();
    if v == "none" || v == "all" || list(v).iter().all(|o| EACH.contains(&o.as_str())) {
        Ok(())
    } else {
        Err(invalid(
            key,
            value,
            "none, all, or a list of reuse.ktable.source.topics, merge.repartition.topics, \
             single.store.self.join",
        ))
    }
}

fn invalid(key: &str, value: &str, expected: &str) -> ConfigError {
    ConfigError::InvalidValue {
        key: key.to_owned(),
        value: value.to_owned(),
        expected: expected.to_owned(),
    }
}

fn unsupported(key: &str, reason: &'static str) -> ConfigError {
    ConfigError::Unsupported {
        key: key.to_owned(),
        role: ROLE,
        reason,
    }
}

/// A client's error about the bare key, renamed to the key as the user wrote it.
fn with_key(e: ConfigError, key: &str) -> ConfigError {
    match e {
        ConfigError::InvalidValue {
            value, expected, ..
        } => ConfigError::InvalidValue {
            key: key.to_owned(),
            value,
            expected,
        },
        ConfigError::Unsupported { reason, .. } => ConfigError::Unsupported {
            key: key.to_owned(),
            role: ROLE,
            reason,
        },
        other => other,
    }
}

fn non_empty(key: &str, value: &str) -> Result<String, ConfigError> {
    let v = value.trim();
    if v.is_empty() {
        Err(invalid(key, value, "a non-empty string"))
    } else {
        Ok(v.to_owned())
    }
}

fn long(key: &str, value: &str, min: i64, max: i64) -> Result<i64, ConfigError> {
    match value.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ if max == i64::MAX => Err(invalid(key, value, &format!("an integer >= {min}"))),
        _ => Err(invalid(key, value, &format!("an integer in {min}..={max}"))),
    }
}

fn int(key: &str, value: &str, min: u32) -> Result<u32, ConfigError> {
    long(key, value, min.into(), i32::MAX.into()).map(|n| n as u32)
}

fn one_of(key: &str, value: &str, allowed: &[&str]) -> Result<(), ConfigError> {
    if allowed.contains(&value.trim()) {
        Ok(())
    } else {
        Err(invalid(
            key,
            value,
            &format!("one of {}", allowed.join(", ")),
        ))
    }
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn host_port(key: &str, value: &str) -> Result<String, ConfigError> {
    match value.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
            Ok(value.to_owned())
        }
        _ => Err(invalid(key, value, "host:port")),
    }
}

#[cfg(test)]
mod tests;
