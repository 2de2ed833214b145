//! State stores: key-value, window and session stores, timestamped variants, persistent (redb)
//! and in-memory, with Kafka Streams' layering — a typed handle over an optional cache over
//! optional change-logging over a raw bytes store, each layer a generic over
//! [`KeyValueBytesStore`].
//!
//! Byte layouts match Java so changelogs are interchangeable: timestamped values are an 8-byte
//! big-endian timestamp then the value ([`crate::serde::ValueAndTimestampSerde`]); window and
//! session keys are described in [`key_schema`].
//!
//! Every store a builder makes is metered as Java's `Metered*Store`s are: once the task enables
//! metrics it shows Java 4.4's `stream-state-metrics` (tags `thread-id`, `task-id` and
//! `<scope>-state-id` naming the store), and a caching store its `stream-record-cache-metrics`
//! hit ratio (tag `record-cache-id`) and the task's `cache-size-bytes-total`. In-memory stores
//! are scoped `in-memory`, `in-memory-window` and `in-memory-session`, as in Java. Persistent
//! stores keep their bytes in redb where Java's keep them in RocksDB, so they are scoped `redb`,
//! `redb-window` and `redb-session` (tag `redb-state-id`) rather than `rocksdb*`, and they have
//! none of Java's RocksDB-property metrics (memtables, block cache, compaction: RocksDB's
//! internals, which redb does not have). Below `metrics.recording.level=DEBUG` an operation
//! costs one check; see [`crate::metrics`] for the levels.

mod access;
mod builder;
mod bytes;
mod caching;
mod flush_forward;
pub mod key_schema;
mod kv;
mod logging;
mod memory;
mod metered;
mod redb_store;
mod segmented;
mod session;
mod window;

use std::any::Any;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

pub use self::bytes::{FlushedEntry, KeyValueBytesStore};
pub(crate) use self::bytes::{transient_copy, with_scratch};
pub use builder::{
    KeyValueStoreBuilder, SessionStoreBuilder, StoreKind, StoreSupplier, Stores, WindowStoreBuilder,
};
pub use caching::{CacheBudget, CachingStore};
pub use kv::{KeyValueStore, TimestampedKeyValueStore};
pub use logging::LoggingStore;
pub use memory::InMemoryBytesStore;
pub use redb_store::RedbBytesStore;
pub use segmented::SegmentedBytesStore;
pub use session::SessionStore;
pub use window::{TimestampedWindowStore, Window, WindowStore, Windowed};

use crate::clock::SharedClock;
use crate::config::StoreCommitPolicy;
use crate::metrics::StreamsMetrics;
use crate::processor::{Headers, RecordMetadata};
use crate::serde::SerdeError;
use crate::task::{SharedCollector, TaskId};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// redb failed.
    #[error("redb: {0}")]
    Redb(#[source] Box<redb::Error>),
    /// File system failure.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// A key or value could not be (de)serialized.
    #[error("store {store}: serde failed")]
    Serde {
        /// The store.
        store: String,
        /// What went wrong.
        #[source]
        source: SerdeError,
    },
    /// A window or session key shorter than its time suffix.
    #[error("malformed segmented store key of {len} bytes")]
    MalformedKey {
        /// Its length.
        len: usize,
    },
    /// A timestamped store value shorter than its 8-byte timestamp.
    #[error("timestamped store value of {len} bytes is shorter than its 8-byte timestamp")]
    MalformedValue {
        /// Its length.
        len: usize,
    },
    /// Writing to the changelog failed.
    #[error("changelog write failed")]
    Changelog(#[source] Box<crate::task::CollectorError>),
    /// No store by that name.
    #[error("unknown state store {0}")]
    UnknownStore(String),
    /// A lock was poisoned by a panic elsewhere.
    #[error("store lock poisoned")]
    Poisoned,
}

/// One changelog record to restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangelogRecord {
    /// The store key bytes.
    pub key: Bytes,
    /// The value bytes; `None` deletes.
    pub value: Option<Bytes>,
    /// Its offset in the changelog partition.
    pub offset: i64,
    /// The changelog record's timestamp: a timestamped store's value timestamp, which Java
    /// writes as the record timestamp rather than inside the value.
    pub timestamp: i64,
}

use ::bytes::Bytes;

/// What a store builder gets from the task it is built for.
#[derive(Clone)]
pub struct StoreContext {
    /// `application.id`.
    pub application_id: String,
    /// The owning task.
    pub task_id: TaskId,
    /// Directory for the task's persistent stores; `None` makes persistent stores fail to build.
    pub state_dir: Option<PathBuf>,
    /// Changelog topic and partition, if logging.
    pub changelog: Option<(Arc<str>, i32)>,
    /// Where changelog records go.
    pub collector: SharedCollector,
    /// The timestamp of the record being processed, set by the task.
    pub record_timestamp: Arc<AtomicI64>,
    /// The headers and metadata of the record being processed, set by the task.
    pub record_context: Arc<RecordContext>,
    /// The task's cache budget, shared by all its caching stores.
    pub cache_budget: Arc<CacheBudget>,
    /// When persistent stores commit durably.
    pub commit_policy: StoreCommitPolicy,
    /// The wall clock.
    pub clock: SharedClock,
}

/// The headers and metadata of the record being processed, as stores see them when they write
/// (Java's record context): a cache keeps them with each entry it holds back and forwards them
/// with it when it flushes.
///
/// A cache reads it on every write, so the metadata is kept in atomics (a topic by its index in
/// a small table) and headers behind a flag: a write of a record without headers locks nothing.
#[derive(Debug)]
pub struct RecordContext {
    headers: Mutex<Headers>,
    /// Whether `headers` holds any: most records carry none, and then nothing is locked.
    has_headers: AtomicBool,
    topic: AtomicU32,
    partition: AtomicI32,
    offset: AtomicI64,
    /// Topic names by the index `topic` holds: a task reads a few topics, each named once.
    topics: Mutex<Vec<Arc<str>>>,
}

impl Default for RecordContext {
    fn default() -> Self {
        RecordContext {
            headers: Mutex::new(Headers::new()),
            has_headers: AtomicBool::new(false),
            topic: AtomicU32::new(NO_TOPIC),
            partition: AtomicI32::new(-1),
            offset: AtomicI64::new(-1),
            topics: Mutex::new(Vec::new()),
        }
    }
}

/// No topic: the record was not read from one (punctuation).
const NO_TOPIC: u32 = u32::MAX;

/// Where a record was read, as a cache keeps it with each entry: copied and compared cheaply,
/// turned back into a [`RecordMetadata`] by the [`RecordContext`] it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MetaRef {
    topic: u32,
    partition: i32,
    offset: i64,
}

impl Default for MetaRef {
    fn default() -> Self {
        MetaRef {
            topic: NO_TOPIC,
            partition: -1,
            offset: -1,
        }
    }
}

impl RecordContext {
    /// The record's headers.
    #[inline]
    pub fn headers(&self) -> Headers {
        if !self.has_headers.load(Ordering::Relaxed) {
            return Headers::new();
        }
        self.locked_headers()
    }

    #[inline(never)]
    fn locked_headers(&self) -> Headers {
        self.headers.lock().map(|h| h.clone()).unwrap_or_default()
    }

    /// Where the record was read, if it was (not for punctuation).
    pub fn metadata(&self) -> Option<RecordMetadata> {
        self.resolve(self.current())
    }

    /// Where the record was read, as a cache keeps it.
    #[inline]
    pub(crate) fn current(&self) -> MetaRef {
        MetaRef {
            topic: self.topic.load(Ordering::Relaxed),
            partition: self.partition.load(Ordering::Relaxed),
            offset: self.offset.load(Ordering::Relaxed),
        }
    }

    /// The metadata `meta` stands for.
    pub(crate) fn resolve(&self, meta: MetaRef) -> Option<RecordMetadata> {
        if meta.topic == NO_TOPIC {
            return None;
        }
        let topic = self.topics.lock().ok()?.get(meta.topic as usize)?.clone();
        Some(RecordMetadata {
            topic,
            partition: meta.partition,
            offset: meta.offset,
        })
    }

    /// Makes `headers` the current ones; returns the previous ones, for [`Self::restore_headers`].
    #[inline]
    pub(crate) fn replace_headers(&self, headers: &Headers) -> Headers {
        if headers.is_empty() && !self.has_headers.load(Ordering::Relaxed) {
            return Headers::new();
        }
        self.swap_headers(headers.clone())
    }

    /// Puts back headers [`Self::replace_headers`] returned; returns the ones it replaces.
    #[inline]
    pub(crate) fn restore_headers(&self, headers: Headers) -> Headers {
        if headers.is_empty() && !self.has_headers.load(Ordering::Relaxed) {
            return Headers::new();
        }
        self.swap_headers(headers)
    }

    #[inline(never)]
    fn swap_headers(&self, headers: Headers) -> Headers {
        self.has_headers
            .store(!headers.is_empty(), Ordering::Relaxed);
        match self.headers.lock() {
            Ok(mut h) => std::mem::replace(&mut *h, headers),
            Err(_) => Headers::new(),
        }
    }

    /// Makes `meta` the current metadata.
    pub(crate) fn set_metadata(&self, meta: Option<&RecordMetadata>) {
        let Some(m) = meta else {
            self.topic.store(NO_TOPIC, Ordering::Relaxed);
            return;
        };
        let Ok(mut topics) = self.topics.lock() else {
            return;
        };
        let id = match topics
            .iter()
            .position(|t| Arc::ptr_eq(t, &m.topic) || **t == *m.topic)
        {
            Some(i) => i,
            None => {
                topics.push(m.topic.clone());
                topics.len() - 1
            }
        };
        self.topic
            .store(u32::try_from(id).unwrap_or(NO_TOPIC), Ordering::Relaxed);
        self.partition.store(m.partition, Ordering::Relaxed);
        self.offset.store(m.offset, Ordering::Relaxed);
    }
}

/// A typed store handle as processors receive it, type-erased for the task's registry.
pub type StoreHandle = Arc<dyn Any + Send + Sync>;

/// What the task drives on a store at flush, commit, restore and close.
pub trait StoreControl: Send {
    /// Flushes caches.
    fn flush(&mut self) -> Result<(), StoreError>;
    /// See [`KeyValueBytesStore::commit`].
    fn commit(&mut self, changelog_offset: Option<i64>, force: bool) -> Result<(), StoreError>;
    /// See [`KeyValueBytesStore::checkpoint`].
    fn checkpoint(&self) -> Option<i64>;
    /// See [`KeyValueBytesStore::restore`].
    fn restore(&mut self, batch: &[ChangelogRecord]) -> Result<(), StoreError>;
    /// Sends what the store logs once per commit, after every cache has flushed and forwarded
    /// (Java's suppression buffer logs each key changed since the last commit then); by default
    /// nothing.
    fn log_changes(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Closes the store.
    fn close(&mut self) -> Result<(), StoreError>;
    /// Registers the store's metrics (`stream-state-metrics`, and `stream-record-cache-metrics`
    /// for a caching store) for the task `task_id` on thread `thread_id`, as Java's metered
    /// stores do at initialisation; a control without metrics ignores it.
    fn enable_metrics(&mut self, registry: &StreamsMetrics, thread_id: &str, task_id: &str) {
        let _ = (registry, thread_id, task_id);
    }
}

/// A store made for a task: the typed handle and its control.
pub struct BuiltStore {
    /// The typed handle (e.g. a [`KeyValueStore`]).
    pub handle: StoreHandle,
    /// The control.
    pub control: Box<dyn StoreControl>,
}

/// Makes one store instance per task (Java's `StoreBuilder`).
pub trait StoreBuilder: Send + Sync + 'static {
    /// The store name.
    fn name(&self) -> &str;
    /// Whether writes go to a changelog.
    fn logging_enabled(&self) -> bool;
    /// Builds the store for a task.
    fn build(&self, ctx: &StoreContext) -> Result<BuiltStore, StoreError>;
}

/// The shared bytes stack under a typed handle.
pub(crate) type SharedBytesStore = Arc<Mutex<Box<dyn KeyValueBytesStore>>>;

pub(crate) struct SharedControl(pub(crate) SharedBytesStore);

impl SharedControl {
    fn with<R>(
        &self,
        f: impl FnOnce(&mut Box<dyn KeyValueBytesStore>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        f(&mut *self.0.lock().map_err(|_| StoreError::Poisoned)?)
    }
}

impl StoreControl for SharedControl {
    fn flush(&mut self) -> Result<(), StoreError> {
        self.with(|s| s.flush())
    }
    fn commit(&mut self, offset: Option<i64>, force: bool) -> Result<(), StoreError> {
        self.with(|s| s.commit(offset, force))
    }
    fn checkpoint(&self) -> Option<i64> {
        self.0.lock().ok().and_then(|s| s.checkpoint())
    }
    fn restore(&mut self, batch: &[ChangelogRecord]) -> Result<(), StoreError> {
        self.with(|s| s.restore(batch))
    }
    fn close(&mut self) -> Result<(), StoreError> {
        self.with(|s| s.close())
    }
}
