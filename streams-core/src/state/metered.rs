//! The metered layer: Kafka Streams' `stream-state-metrics` for every store a builder makes
//! (Java's `MeteredKeyValueStore`, `MeteredWindowStore`, `MeteredSessionStore`) and the
//! `stream-record-cache-metrics` hit ratio of a caching store (Java's `NamedCache`), under
//! Java 4.4's names, tags, descriptions and recording levels.
//!
//! # What is registered
//!
//! Tags are `thread-id`, `task-id` and `<scope>-state-id` (the store name), group
//! `stream-state-metrics`. The scope says what kind of store it is. Java's in-memory stores
//! use `in-memory`, `in-memory-window` and `in-memory-session`, and so do ours. Our persistent
//! stores keep their bytes in redb, where Java's keep them in RocksDB, so they are scoped
//! `redb`, `redb-window` and `redb-session` (tag `redb-state-id`) rather than under Java's
//! `rocksdb*` names: a dashboard must not mistake one engine for the other. Java's
//! RocksDB-property metrics (KIP-471, KIP-607: memtable, block cache, compaction, ...) describe
//! RocksDB internals redb does not have, so there are none of them.
//!
//! * DEBUG, per operation: `<op>-rate`, `<op>-latency-avg`, `<op>-latency-max` (nanoseconds).
//!   Key-value stores: `put`, `put-if-absent`, `put-all`, `get`, `delete`, `range`,
//!   `prefix-scan`, `all`; window stores: `put`, `fetch`; session stores: `put`, `remove`,
//!   `fetch`. All of them: `flush` (registered, never recorded: Java 4.4's tasks commit stores
//!   rather than flush them), `commit` (each task commit) and `restore`.
//! * DEBUG: `iterator-duration-avg` / `-max` (KIP-989), for every range-like read.
//! * TRACE: `record-e2e-latency-avg` / `-min` / `-max` on each put, against the task's clock.
//! * INFO gauges: `num-open-iterators` and `oldest-iterator-open-since-ms` (KIP-989),
//!   `uncommitted-bytes` (key-value stores only) and, for in-memory stores, `num-keys`.
//!
//! Our range reads return their results whole, so no iterator outlives the call that made it:
//! `num-open-iterators` and `oldest-iterator-open-since-ms` read 0 (as Java's do with no
//! iterator open), and an iterator's duration is its read's latency. Our stores have no
//! transactional write buffer, so `uncommitted-bytes` reads 0, as Java's does for its
//! non-transactional stores.
//!
//! Java 4.4 commits each store once as it initialises it (a driver that has processed nothing
//! shows one commit per store), and times a window store's initialisation as a restoration
//! (`restore-rate` is non-zero from the start); we record both when metrics are attached, and
//! time each restored batch as a restoration too.
//!
//! # Cost
//!
//! Metrics are attached when the task enables them, after the store is built. Below DEBUG no
//! sensor is kept for the per-operation path, so an operation costs one check of an empty
//! `OnceLock`: no clock read, no allocation. The gauges are computed when metrics are read.
//!
//! Latency is measured on the task's clock ([`Clock::now_ns`]): the driver's mock clock reads 0
//! for every operation. Java's driver times its stores on the system clock, so its DEBUG store
//! latencies are real nanoseconds where ours are 0.

use std::ops::{Bound, RangeBounds};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use super::key_schema::KeySchema;
use super::{ChangelogRecord, SharedBytesStore, SharedControl, StoreControl, StoreError};
use crate::clock::SharedClock;
use crate::metrics::{
    CACHE_LEVEL_GROUP, E2E_AVG, E2E_MAX, E2E_MIN, MetricName, RECORD_CACHE_ID_TAG, RecordingLevel,
    STATE_LEVEL_GROUP, Sensor, StatKind, StreamsMetrics, TASK_ID_TAG, TASK_LEVEL_GROUP,
    THREAD_ID_TAG, metric_name,
};

/// Which of Java's metered stores a store stands for: decides its operations and scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    KeyValue,
    Window,
    Session,
}

/// A metered operation; each has its own DEBUG sensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Put,
    PutIfAbsent,
    PutAll,
    Get,
    Delete,
    Range,
    PrefixScan,
    All,
    Fetch,
    Remove,
    Flush,
    Commit,
    Restore,
}

const OPS: usize = 13;

/// `(op, metric prefix, rate, latency-avg, latency-max descriptions)`.
type OpNames = (Op, &'static str, &'static str, &'static str, &'static str);

macro_rules! op_names {
    ($op:ident, $name:literal) => {
        (
            Op::$op,
            $name,
            concat!("The average number of calls to ", $name, " per second"),
            concat!("The average latency of calls to ", $name),
            concat!("The maximum latency of calls to ", $name),
        )
    };
}

const PUT: OpNames = op_names!(Put, "put");
const PUT_IF_ABSENT: OpNames = op_names!(PutIfAbsent, "put-if-absent");
const PUT_ALL: OpNames = op_names!(PutAll, "put-all");
const GET: OpNames = op_names!(Get, "get");
const DELETE: OpNames = op_names!(Delete, "delete");
const RANGE: OpNames = op_names!(Range, "range");
const PREFIX_SCAN: OpNames = op_names!(PrefixScan, "prefix-scan");
const ALL: OpNames = op_names!(All, "all");
const FETCH: OpNames = op_names!(Fetch, "fetch");
const REMOVE: OpNames = op_names!(Remove, "remove");
const FLUSH: OpNames = op_names!(Flush, "flush");
const COMMIT: OpNames = op_names!(Commit, "commit");
const RESTORE: OpNames = (
    Op::Restore,
    "restore",
    "The average number of restorations per second",
    "The average latency of restorations",
    "The maximum latency of restorations",
);

impl Flavour {
    fn ops(self) -> &'static [OpNames] {
        match self {
            Flavour::KeyValue => &[
                PUT,
                PUT_IF_ABSENT,
                PUT_ALL,
                GET,
                DELETE,
                RANGE,
                PREFIX_SCAN,
                ALL,
                FLUSH,
                COMMIT,
                RESTORE,
            ],
            Flavour::Window => &[PUT, FETCH, FLUSH, COMMIT, RESTORE],
            Flavour::Session => &[PUT, REMOVE, FETCH, FLUSH, COMMIT, RESTORE],
        }
    }

    /// The scope naming the state-id tag (`<scope>-state-id`).
    fn scope(self, in_memory: bool) -> &'static str {
        match (self, in_memory) {
            (Flavour::KeyValue, true) => "in-memory",
            (Flavour::Window, true) => "in-memory-window",
            (Flavour::Session, true) => "in-memory-session",
            (Flavour::KeyValue, false) => "redb",
            (Flavour::Window, false) => "redb-window",
            (Flavour::Session, false) => "redb-session",
        }
    }
}

/// The sensors an operation records into, kept only when DEBUG metrics record.
struct Recording {
    ops: [Option<Sensor>; OPS],
    iterator: Sensor,
    /// Present only when TRACE metrics record.
    e2e: Option<Sensor>,
}

/// Where a registered store's metrics live, for their removal at close.
struct Registered {
    registry: StreamsMetrics,
    thread_id: String,
    task_id: String,
}

/// A store's metrics: made with the store, attached to a registry when the task enables
/// metrics, shared by its typed handles and its control.
pub(crate) struct StoreMeter {
    name: Arc<str>,
    flavour: Flavour,
    in_memory: bool,
    cached: bool,
    clock: SharedClock,
    recording: OnceLock<Recording>,
    registered: Mutex<Option<Registered>>,
    /// The sensors of the store's cache, set at registration (`None` below DEBUG).
    pub(crate) cache: Arc<OnceLock<Option<CacheSensors>>>,
}

impl std::fmt::Debug for StoreMeter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreMeter")
            .field("name", &self.name)
            .field("flavour", &self.flavour)
            .finish_non_exhaustive()
    }
}

const ITERATOR_AVG: &str =
    "The average time spent between creating an iterator and closing it, in nanoseconds";
const ITERATOR_MAX: &str =
    "The maximum time spent between creating an iterator and closing it, in nanoseconds";

impl StoreMeter {
    pub(crate) fn new(
        name: &str,
        flavour: Flavour,
        in_memory: bool,
        cached: bool,
        clock: SharedClock,
    ) -> StoreMeter {
        StoreMeter {
            name: Arc::from(name),
            flavour,
            in_memory,
            cached,
            clock,
            recording: OnceLock::new(),
            registered: Mutex::new(None),
            cache: Arc::new(OnceLock::new()),
        }
    }

    /// Registers the store's metrics (and its cache's) in `registry`, as Java does when the
    /// store is initialised; `stack` is read by the `num-keys` gauge.
    pub(crate) fn register(
        &self,
        registry: &StreamsMetrics,
        thread_id: &str,
        task_id: &str,
        stack: &SharedBytesStore,
    ) {
        let scope_tag = format!("{}-state-id", self.flavour.scope(self.in_memory));
        let tags = [
            (THREAD_ID_TAG, thread_id),
            (TASK_ID_TAG, task_id),
            (scope_tag.as_str(), &*self.name),
        ];
        let g = STATE_LEVEL_GROUP;
        let n = |name: &str| metric_name(name, g, &tags);
        let debug = registry.records(RecordingLevel::Debug);
        let mut ops: [Option<Sensor>; OPS] = Default::default();
        for &(op, prefix, rate, avg, max) in self.flavour.ops() {
            let s = registry.sensor(
                RecordingLevel::Debug,
                vec![
                    (n(&format!("{prefix}-rate")), rate, StatKind::CountRate),
                    (n(&format!("{prefix}-latency-avg")), avg, StatKind::Avg),
                    (n(&format!("{prefix}-latency-max")), max, StatKind::Max),
                ],
            );
            ops[op as usize] = Some(s);
        }
        let e2e = registry.sensor(
            RecordingLevel::Trace,
            vec![
                (n("record-e2e-latency-avg"), E2E_AVG, StatKind::Avg),
                (n("record-e2e-latency-min"), E2E_MIN, StatKind::Min),
                (n("record-e2e-latency-max"), E2E_MAX, StatKind::Max),
            ],
        );
        let iterator = registry.sensor(
            RecordingLevel::Debug,
            vec![
                (n("iterator-duration-avg"), ITERATOR_AVG, StatKind::Avg),
                (n("iterator-duration-max"), ITERATOR_MAX, StatKind::Max),
            ],
        );
        registry.gauge(
            n("num-open-iterators"),
            "The current number of iterators on the store that have been created, but not yet \
             closed",
            || 0.0,
        );
        registry.gauge(
            n("oldest-iterator-open-since-ms"),
            "The UNIX timestamp the oldest still open iterator was created, in milliseconds",
            || 0.0,
        );
        if self.flavour == Flavour::KeyValue {
            registry.gauge(
                n("uncommitted-bytes"),
                "The approximate number of uncommitted bytes in the transactional state store \
                 buffer",
                || 0.0,
            );
        }
        if self.in_memory {
            // A weak handle: the registry must not keep a closed store's bytes alive.
            let stack = Arc::downgrade(stack);
            registry.gauge(
                n("num-keys"),
                "The current number of keys in the in-memory state store",
                move || {
                    stack
                        .upgrade()
                        .and_then(|s| s.lock().ok()?.approximate_num_entries().ok())
                        .map_or(f64::NAN, |n| n as f64)
                },
            );
        }
        if self.cached {
            let tags = [
                (THREAD_ID_TAG, thread_id),
                (TASK_ID_TAG, task_id),
                (RECORD_CACHE_ID_TAG, &*self.name),
            ];
            let c =
                |stat: &str| metric_name(&format!("hit-ratio-{stat}"), CACHE_LEVEL_GROUP, &tags);
            let hit_ratio = registry.sensor(
                RecordingLevel::Debug,
                vec![
                    (c("avg"), "The average cache hit ratio", StatKind::Avg),
                    (c("min"), "The minimum cache hit ratio", StatKind::Min),
                    (c("max"), "The maximum cache hit ratio", StatKind::Max),
                ],
            );
            let size = registry.shared_sensor(
                RecordingLevel::Debug,
                vec![(
                    metric_name(
                        "cache-size-bytes-total",
                        TASK_LEVEL_GROUP,
                        &[(THREAD_ID_TAG, thread_id), (TASK_ID_TAG, task_id)],
                    ),
                    "The total size in bytes of this task's cache.",
                    StatKind::Value,
                )],
            );
            let _ = self
                .cache
                .set(debug.then_some(CacheSensors { hit_ratio, size }));
        }
        if debug {
            let recording = Recording {
                ops,
                iterator,
                e2e: registry.records(RecordingLevel::Trace).then_some(e2e),
            };
            let _ = self.recording.set(recording);
            // Java 4.4 commits every store once as it initialises it, and times a window
            // store's initialisation as a restoration; ours were initialised when built.
            self.measure(Op::Commit, || ());
            if self.flavour == Flavour::Window {
                self.measure(Op::Restore, || ());
            }
        }
        if let Ok(mut r) = self.registered.lock() {
            *r = Some(Registered {
                registry: registry.clone(),
                thread_id: thread_id.to_owned(),
                task_id: task_id.to_owned(),
            });
        }
    }

    /// Drops the store's and its cache's metrics, as Java does when the store closes.
    pub(crate) fn unregister(&self) {
        let Some(r) = self.registered.lock().ok().and_then(|mut r| r.take()) else {
            return;
        };
        let state_tag = format!("{}-state-id", self.flavour.scope(self.in_memory));
        r.registry.remove(|m: &MetricName| {
            let ours = m.tags.get(THREAD_ID_TAG) == Some(&r.thread_id)
                && m.tags.get(TASK_ID_TAG) == Some(&r.task_id);
            ours && ((m.group == STATE_LEVEL_GROUP
                && m.tags.get(&state_tag).map(String::as_str) == Some(&*self.name))
                || (m.group == CACHE_LEVEL_GROUP
                    && m.tags.get(RECORD_CACHE_ID_TAG).map(String::as_str) == Some(&*self.name)))
        });
    }

    /// Whether operations are timed: DEBUG metrics record. Callers check it and run the
    /// operation bare when not, so below DEBUG an operation costs this one check of a
    /// `OnceLock`; the `measure*` methods are the cold path.
    #[inline]
    pub(crate) fn timed(&self) -> bool {
        self.recording.get().is_some()
    }

    /// Runs `f` as operation `op`, timing it when DEBUG metrics record.
    #[cold]
    #[inline(never)]
    pub(crate) fn measure<R>(&self, op: Op, f: impl FnOnce() -> R) -> R {
        let started = self.start();
        let out = f();
        if let Some(started) = started {
            self.finish(op, started, Kind::Plain);
        }
        out
    }

    /// Like [`Self::measure`] for a read that Java serves through an iterator: also its
    /// `iterator-duration`.
    #[cold]
    #[inline(never)]
    pub(crate) fn measure_iterator<R>(&self, op: Op, f: impl FnOnce() -> R) -> R {
        let started = self.start();
        let out = f();
        if let Some(started) = started {
            self.finish(op, started, Kind::Iterator);
        }
        out
    }

    /// Like [`Self::measure`] for a write of the record whose timestamp `record_timestamp`
    /// holds: also its end-to-end latency when TRACE metrics record.
    #[cold]
    #[inline(never)]
    pub(crate) fn measure_put<R>(
        &self,
        op: Op,
        record_timestamp: &AtomicI64,
        f: impl FnOnce() -> R,
    ) -> R {
        let started = self.start();
        let out = f();
        if let Some(started) = started {
            self.finish(op, started, Kind::Put(record_timestamp));
        }
        out
    }

    /// The start of a timed operation, when DEBUG metrics record.
    #[inline]
    fn start(&self) -> Option<i64> {
        self.recording.get()?;
        Some(self.clock.now_ns())
    }

    #[inline]
    fn finish(&self, op: Op, started: i64, kind: Kind<'_>) {
        let Some(r) = self.recording.get() else {
            return;
        };
        let took = self.clock.now_ns().saturating_sub(started);
        if let Some(s) = &r.ops[op as usize] {
            s.record(took as f64);
        }
        match kind {
            Kind::Plain => {}
            Kind::Iterator => r.iterator.record(took as f64),
            Kind::Put(record_timestamp) => {
                if let Some(e2e) = &r.e2e {
                    let ts = record_timestamp.load(Ordering::Relaxed);
                    e2e.record(self.clock.now_ms().saturating_sub(ts) as f64);
                }
            }
        }
    }
}

/// What a timed operation records besides its latency.
enum Kind<'a> {
    Plain,
    Iterator,
    /// A write: the end-to-end latency of the record whose timestamp this holds (TRACE).
    Put(&'a AtomicI64),
}

/// The sensors of a caching store, set when DEBUG metrics record.
#[derive(Clone)]
pub(crate) struct CacheSensors {
    hit_ratio: Sensor,
    /// The task-level `cache-size-bytes-total`, shared by the task's caches.
    size: Sensor,
}

/// Bytes Java's cache charges an entry besides its key, value and record context: the LRU
/// node's three references (24), the dirty flag (1), and the context's timestamp, offset and
/// partition (20).
const JAVA_ENTRY_OVERHEAD: i64 = 45;

/// A caching store's metrics: its read hits and misses, whose ratio Java records on each hit,
/// and its size as Java's `NamedCache` estimates it (`cache-size-bytes-total`), both recorded
/// only when DEBUG metrics record.
#[derive(Default)]
pub(crate) struct CacheMeter {
    hits: u64,
    misses: u64,
    /// Java's estimate of the bytes this cache holds.
    java_bytes: i64,
    state: CacheState,
    /// How Java's cache orders the keys, when not by their bytes.
    java_order: Option<KeySchema>,
    /// Whether Java's cache keys carry a segment id (window and session caches).
    segmented: bool,
}

/// Whether a cache's metrics record, learnt once from its store's registration so that each
/// operation after it checks a local field only.
#[derive(Default)]
enum CacheState {
    /// Not registered yet: the store's meter fills the cell (`None` below DEBUG).
    Pending(Arc<OnceLock<Option<CacheSensors>>>),
    /// Not recording (or a cache built without metrics).
    #[default]
    Off,
    On(CacheSensors),
}

impl CacheMeter {
    /// A meter learning at registration whether to record; `java_order` is how Java's cache
    /// orders the store's keys when not by their bytes, `segmented` whether its cache keys carry
    /// a segment id.
    pub(crate) fn new(
        sensors: Arc<OnceLock<Option<CacheSensors>>>,
        java_order: Option<KeySchema>,
        segmented: bool,
    ) -> CacheMeter {
        CacheMeter {
            state: CacheState::Pending(sensors),
            java_order,
            segmented,
            ..CacheMeter::default()
        }
    }

    /// Whether Java's cache iterator over `from..to` reads the cached key `k`. Java's caches
    /// order keys by their bytes, except those in front of in-memory window and session
    /// stores: keyed by segment (the window start or session end, in segments of 1 ms) then
    /// bytes, so a range of one key's windows also walks the other keys' windows that fall
    /// between its first and last segment, each read a hit.
    pub(crate) fn in_java_range(&self, k: &[u8], from: Bound<&[u8]>, to: Bound<&[u8]>) -> bool {
        let Some(schema) = self.java_order else {
            return RangeBounds::<[u8]>::contains(&(from, to), k);
        };
        fn segmented(schema: KeySchema, b: &[u8]) -> (i64, &[u8]) {
            (schema.segment_timestamp(b).unwrap_or(0), b)
        }
        let at = |b| segmented(schema, b);
        let key = at(k);
        let above = match from {
            Bound::Included(f) => at(f) <= key,
            Bound::Excluded(f) => at(f) < key,
            Bound::Unbounded => true,
        };
        let below = match to {
            Bound::Included(t) => key <= at(t),
            Bound::Excluded(t) => key < at(t),
            Bound::Unbounded => true,
        };
        above && below
    }

    #[inline]
    fn sensors(&mut self) -> Option<&CacheSensors> {
        if let CacheState::Pending(cell) = &self.state {
            self.state = match cell.get() {
                None => return None,
                Some(None) => CacheState::Off,
                Some(Some(s)) => CacheState::On(s.clone()),
            };
        }
        match &self.state {
            CacheState::On(s) => Some(s),
            _ => None,
        }
    }

    /// A read of a key the cache did not hold.
    #[inline]
    pub(crate) fn miss(&mut self) {
        self.misses += 1;
    }

    /// `n` reads of keys the cache held, each recording the ratio so far as Java's
    /// `NamedCache` does.
    #[inline]
    pub(crate) fn hits(&mut self, n: u64) {
        self.hits += n;
        if !matches!(self.state, CacheState::Off) {
            self.record_hits(n);
        }
    }

    #[cold]
    #[inline(never)]
    fn record_hits(&mut self, n: u64) {
        let misses = self.misses;
        let mut hits = self.hits - n;
        if let Some(s) = self.sensors() {
            for _ in 0..n {
                hits += 1;
                s.hit_ratio.record(hits as f64 / (hits + misses) as f64);
            }
        }
    }

    /// Whether the cache's metrics record (DEBUG): range reads count their cached keys, and
    /// entries their Java size, only then.
    #[inline]
    pub(crate) fn recording(&mut self) -> bool {
        !matches!(self.state, CacheState::Off) && self.resolve()
    }

    #[cold]
    #[inline(never)]
    fn resolve(&mut self) -> bool {
        self.sensors().is_some()
    }

    /// Java's estimate of an entry: its cache key (a window or session cache prefixes the
    /// store key with an 8-byte segment id), value, record context's topic characters
    /// (`context`) and fixed overhead.
    #[inline]
    pub(crate) fn java_entry_size(&self, key: usize, value: usize, context: u32) -> i64 {
        let prefix = if self.segmented { 8 } else { 0 };
        prefix + key as i64 + value as i64 + i64::from(context) + JAVA_ENTRY_OVERHEAD
    }

    /// The cache's Java-estimated size changed by `added - removed`; Java records the new size
    /// into the task's `cache-size-bytes-total` after each put, eviction and removal.
    #[inline]
    pub(crate) fn resized(&mut self, added: i64, removed: i64) {
        let bytes = self.java_bytes + added - removed;
        if let Some(s) = self.sensors() {
            s.size.record(bytes as f64);
            self.java_bytes = bytes;
        }
    }
}

/// A store's control with its metrics: times commits and restorations, registers the metrics
/// when the task enables them and drops them at close.
pub(crate) struct MeteredControl {
    pub(crate) inner: SharedControl,
    pub(crate) meter: Arc<StoreMeter>,
}

impl StoreControl for MeteredControl {
    fn flush(&mut self) -> Result<(), StoreError> {
        self.inner.flush()
    }
    fn commit(&mut self, offset: Option<i64>, force: bool) -> Result<(), StoreError> {
        if !self.meter.timed() {
            return self.inner.commit(offset, force);
        }
        let inner = &mut self.inner;
        self.meter
            .measure(Op::Commit, || inner.commit(offset, force))
    }
    fn checkpoint(&self) -> Option<i64> {
        self.inner.checkpoint()
    }
    fn restore(&mut self, batch: &[ChangelogRecord]) -> Result<(), StoreError> {
        let inner = &mut self.inner;
        self.meter.measure(Op::Restore, || inner.restore(batch))
    }
    fn close(&mut self) -> Result<(), StoreError> {
        let closed = self.inner.close();
        self.meter.unregister();
        closed
    }
    fn enable_metrics(&mut self, registry: &StreamsMetrics, thread_id: &str, task_id: &str) {
        self.meter
            .register(registry, thread_id, task_id, &self.inner.0);
    }
}
