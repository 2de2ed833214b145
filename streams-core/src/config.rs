//! Runtime settings a topology needs, with Kafka Streams' defaults.

use std::any::Any;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::processor::{
    FailOnInvalidTimestamp, LogAndFail, SharedDeserializationHandler, SharedTimestampExtractor,
};
use crate::serde::SharedSerde;

/// Default serdes for sources and sinks that name none (`default.key.serde`,
/// `default.value.serde`); each holds a `SharedSerde<T>` for some `T`.
#[derive(Clone, Default)]
pub struct DefaultSerdes {
    pub(crate) key: Option<Arc<dyn Any + Send + Sync>>,
    pub(crate) value: Option<Arc<dyn Any + Send + Sync>>,
}

impl std::fmt::Debug for DefaultSerdes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultSerdes")
            .field("key", &self.key.is_some())
            .field("value", &self.value.is_some())
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
        }
    }
    /// Sets `default.key.serde`.
    pub fn with_default_key_serde<K: 'static>(mut self, serde: SharedSerde<K>) -> Self {
        self.default_serdes.key = Some(Arc::new(serde));
        self
    }
    /// Sets `default.value.serde`.
    pub fn with_default_value_serde<V: 'static>(mut self, serde: SharedSerde<V>) -> Self {
        self.default_serdes.value = Some(Arc::new(serde));
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
    /// Sets the store commit policy.
    pub fn with_store_commit(mut self, policy: StoreCommitPolicy) -> Self {
        self.store_commit = policy;
        self
    }
}
