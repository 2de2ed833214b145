//! Runtime settings a topology needs, with Kafka Streams' defaults.

use std::any::Any;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::processor::{
    FailOnInvalidTimestamp, LogAndFail, SharedDeserializationHandler, SharedTimestampExtractor,
};
use crate::serde::SharedSerde;

mod properties;

pub use properties::ProcessingGuarantee;

/// Default serdes for sources and sinks that name none (`default.key.serde`,
/// `default.value.serde`). Each side holds `SharedSerde<T>`s for one or more `T`: a serde set by
/// its Java class name serves both `T` and `Option<T>`, as Java's serdes pass nulls through.
#[derive(Clone, Default)]
pub struct DefaultSerdes {
    pub(crate) key: Vec<Arc<dyn Any + Send + Sync>>,
    pub(crate) value: Vec<Arc<dyn Any + Send + Sync>>,
}

impl std::fmt::Debug for DefaultSerdes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultSerdes")
            .field("key", &!self.key.is_empty())
            .field("value", &!self.value.is_empty())
            .finish()
    }
}

/// When a persistent store makes its writes durable together with the changelog offset they
/// reflect. Between durable commits writes live in memory and are recovered from the changelog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreCommitPolicy {
    /// Commit after this many writes since the last durable commit (Java checkpoints after
    /// 10,000 changelog records).
    pub every_writes: u64,
    /// Commit when this much time has passed since the last durable commit.
    pub every: Option<Duration>,
}

impl Default for StoreCommitPolicy {
    fn default() -> Self {
        StoreCommitPolicy {
            every_writes: 10_000,
            every: None,
        }
    }
}

/// Settings for running a topology.
#[derive(Clone, Debug)]
pub struct StreamsConfig {
    /// `application.id`: prefixes internal topics, names changelogs.
    pub application_id: String,
    /// `state.dir`: where persistent stores keep their files; `None` keeps them in a temporary
    /// directory removed on close.
    pub state_dir: Option<PathBuf>,
    /// `statestore.cache.max.bytes` (10 MiB by default); 0 disables caching.
    pub cache_max_bytes: usize,
    /// `max.task.idle.ms` (0 by default; -1 disables waiting for empty partitions).
    pub max_task_idle_ms: i64,
    /// `default.timestamp.extractor`.
    pub timestamp_extractor: SharedTimestampExtractor,
    /// `deserialization.exception.handler`.
    pub deserialization_handler: SharedDeserializationHandler,
    /// Default serdes.
    pub default_serdes: DefaultSerdes,
    /// Durable-commit policy for persistent stores.
    pub store_commit: StoreCommitPolicy,
    /// `processing.guarantee`.
    pub processing_guarantee: ProcessingGuarantee,
    /// `commit.interval.ms`; `None` takes Java's default for the guarantee (see
    /// [`Self::commit_interval`]).
    pub commit_interval_ms: Option<Duration>,
    /// `num.stream.threads` (1 by default).
    pub num_stream_threads: u32,
    /// `num.standby.replicas` (0 by default).
    pub num_standby_replicas: u32,
    /// `replication.factor` of the internal topics; -1 (the default) takes the broker's.
    pub replication_factor: i16,
    /// `application.server`: the `host:port` this instance serves interactive queries on.
    pub application_server: Option<String>,
    /// `bootstrap.servers`. Java's driver ignores it, and so does ours.
    pub bootstrap_servers: Vec<String>,
    /// Client settings in Java property names (`linger.ms`, `consumer.max.poll.records`, ...),
    /// each checked by the client it goes to when it was set; the runtime passes them on.
    pub client_properties: Vec<(String, String)>,
    /// Other Kafka Streams settings (`acceptable.recovery.lag`, `task.timeout.ms`, ...), checked
    /// as Java checks them, for the runtime over Kafka; the test driver ignores them, as Java's
    /// does, except the `metrics.*` ones (see [`Self::metrics_config`]).
    pub runtime_properties: BTreeMap<String, String>,
}

impl std::fmt::Debug for dyn crate::processor::TimestampExtractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TimestampExtractor")
    }
}

impl std::fmt::Debug for dyn crate::processor::DeserializationExceptionHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeserializationExceptionHandler")
    }
}

impl StreamsConfig {
    /// Defaults for `application_id`.
    pub fn new(application_id: &str) -> Self {
        StreamsConfig {
            application_id: application_id.to_owned(),
            state_dir: None,
            cache_max_bytes: 10 * 1024 * 1024,
            max_task_idle_ms: 0,
            timestamp_extractor: Arc::new(FailOnInvalidTimestamp),
            deserialization_handler: Arc::new(LogAndFail),
            default_serdes: DefaultSerdes::default(),
            store_commit: StoreCommitPolicy::default(),
            processing_guarantee: ProcessingGuarantee::AtLeastOnce,
            commit_interval_ms: None,
            num_stream_threads: 1,
            num_standby_replicas: 0,
            replication_factor: -1,
            application_server: None,
            bootstrap_servers: Vec::new(),
            client_properties: Vec::new(),
            runtime_properties: BTreeMap::new(),
        }
    }
    /// `commit.interval.ms` in effect: as set, or Java's default of 30 s, 100 ms under
    /// `exactly_once_v2`.
    pub fn commit_interval(&self) -> Duration {
        self.commit_interval_ms
            .unwrap_or(match self.processing_guarantee {
                ProcessingGuarantee::AtLeastOnce => Duration::from_secs(30),
                ProcessingGuarantee::ExactlyOnceV2 => Duration::from_millis(100),
            })
    }
    /// Sets `default.key.serde`.
    pub fn with_default_key_serde<K: 'static>(mut self, serde: SharedSerde<K>) -> Self {
        self.default_serdes.key = vec![Arc::new(serde)];
        self
    }
    /// Sets `default.value.serde`.
    pub fn with_default_value_serde<V: 'static>(mut self, serde: SharedSerde<V>) -> Self {
        self.default_serdes.value = vec![Arc::new(serde)];
        self
    }
    /// Sets `processing.guarantee`.
    pub fn with_processing_guarantee(mut self, guarantee: ProcessingGuarantee) -> Self {
        self.processing_guarantee = guarantee;
        self
    }
    /// Sets `commit.interval.ms`.
    pub fn with_commit_interval(mut self, interval: Duration) -> Self {
        self.commit_interval_ms = Some(interval);
        self
    }
    /// Sets `deserialization.exception.handler`.
    pub fn with_deserialization_handler(mut self, handler: SharedDeserializationHandler) -> Self {
        self.deserialization_handler = handler;
        self
    }
    /// Sets `default.timestamp.extractor`.
    pub fn with_timestamp_extractor(mut self, extractor: SharedTimestampExtractor) -> Self {
        self.timestamp_extractor = extractor;
        self
    }
    /// Sets `statestore.cache.max.bytes`.
    pub fn with_cache_max_bytes(mut self, bytes: usize) -> Self {
        self.cache_max_bytes = bytes;
        self
    }
    /// Sets `state.dir`.
    pub fn with_state_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.state_dir = Some(dir.into());
        self
    }
    /// Sets `max.task.idle.ms`.
    pub fn with_max_task_idle_ms(mut self, ms: i64) -> Self {
        self.max_task_idle_ms = ms;
        self
    }
    /// The metrics settings: `metrics.recording.level` (`INFO`), `metrics.sample.window.ms`
    /// (30 s) and `metrics.num.samples` (2), as set (they are checked when set) or Java's
    /// defaults.
    ///
    /// ```
    /// use streams_core::StreamsConfig;
    /// use streams_core::metrics::RecordingLevel;
    ///
    /// let c = StreamsConfig::new("app").with_metrics_recording_level(RecordingLevel::Debug);
    /// assert_eq!(c.metrics_config().recording_level, RecordingLevel::Debug);
    /// assert_eq!(c.metrics_config().num_samples, 2);
    /// ```
    pub fn metrics_config(&self) -> kafka_client::metrics::MetricsConfig {
        use kafka_client::metrics::{MetricsConfig, RecordingLevel};
        let mut m = MetricsConfig::default();
        let get = |k: &str| self.runtime_properties.get(k).map(|v| v.trim());
        m.recording_level = match get("metrics.recording.level") {
            Some("DEBUG") => RecordingLevel::Debug,
            Some("TRACE") => RecordingLevel::Trace,
            _ => RecordingLevel::Info,
        };
        if let Some(ms) = get("metrics.sample.window.ms").and_then(|v| v.parse::<u64>().ok()) {
            m.sample_window = Duration::from_millis(ms);
        }
        if let Some(n) = get("metrics.num.samples").and_then(|v| v.parse::<u32>().ok()) {
            m.num_samples = n;
        }
        m
    }
    /// Sets `metrics.recording.level`.
    pub fn with_metrics_recording_level(
        mut self,
        level: kafka_client::metrics::RecordingLevel,
    ) -> Self {
        let name = match level {
            kafka_client::metrics::RecordingLevel::Info => "INFO",
            kafka_client::metrics::RecordingLevel::Debug => "DEBUG",
            kafka_client::metrics::RecordingLevel::Trace => "TRACE",
        };
        self.runtime_properties
            .insert("metrics.recording.level".to_owned(), name.to_owned());
        self
    }
    /// Sets the store commit policy.
    pub fn with_store_commit(mut self, policy: StoreCommitPolicy) -> Self {
        self.store_commit = policy;
        self
    }
}
