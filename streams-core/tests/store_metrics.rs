//! State-store and record-cache metrics through the TopologyTestDriver: which metrics each kind
//! of store registers and under which scope, what INFO, DEBUG and TRACE record, and the values
//! Java's driver gives on the same input (taken from Kafka 4.4.0's
//! `TopologyTestDriver.metrics()`; the live comparison is
//! `integration-tests/tests/streams_metrics.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use streams_core::StreamsConfig;
use streams_core::StreamsError;
use streams_core::metrics::{Metric, RecordingLevel};
use streams_core::processor::{LogAndContinue, Processor, ProcessorContext, Record};
use streams_core::serde::Serdes;
use streams_core::state::{KeyValueStore, StoreKind, Stores};
use streams_core::test_driver::TopologyTestDriver;
use streams_core::topology::{Consumed, TopologyBuilder};

#[path = "support/forward_topology.rs"]
mod forward_topology;
#[path = "support/store_topology.rs"]
mod store_topology;

const STATE: &str = "stream-state-metrics";
const CACHE: &str = "stream-record-cache-metrics";

/// (group, name, the value of `tag`) → value, for the metrics with that tag.
type Values = BTreeMap<(String, String, String), f64>;

fn values(metrics: &[Metric], tag: &str) -> Values {
    metrics
        .iter()
        .filter_map(|m| {
            let v = m.name.tags.get(tag)?;
            Some((
                (m.name.group.clone(), m.name.name.clone(), v.clone()),
                m.value,
            ))
        })
        .collect()
}

fn get(v: &Values, group: &str, name: &str, id: &str) -> f64 {
    *v.get(&(group.to_owned(), name.to_owned(), id.to_owned()))
        .unwrap_or_else(|| panic!("{group} {name} of {id} not registered"))
}

fn names(v: &Values, id: &str) -> BTreeSet<String> {
    v.keys()
        .filter(|(_, _, i)| i == id)
        .map(|(_, n, _)| n.clone())
        .collect()
}

/// The names Java's metered store of `ops` registers, with `extra` gauges.
fn store_names(ops: &[&str], extra: &[&str]) -> BTreeSet<String> {
    let mut want: BTreeSet<String> = ops
        .iter()
        .flat_map(|op| ["rate", "latency-avg", "latency-max"].map(|stat| format!("{op}-{stat}")))
        .collect();
    for n in [
        "record-e2e-latency-avg",
        "record-e2e-latency-min",
        "record-e2e-latency-max",
        "iterator-duration-avg",
        "iterator-duration-max",
        "num-open-iterators",
        "oldest-iterator-open-since-ms",
    ]
    .iter()
    .chain(extra)
    {
        want.insert((*n).to_owned());
    }
    want
}

fn stores_driver(kind: StoreKind, level: RecordingLevel) -> TopologyTestDriver {
    cached_stores_driver(kind, level, false)
}

fn cached_stores_driver(
    kind: StoreKind,
    level: RecordingLevel,
    cached: bool,
) -> TopologyTestDriver {
    let config = StreamsConfig::new("app").with_metrics_recording_level(level);
    let topology = store_topology::topology(kind, cached);
    let d = TopologyTestDriver::with_wall_clock(topology, config, 0).expect("driver");
    store_topology::pipe(&d);
    d
}

/// Rates over 2.5 s of mock clock plus one 30 s window, as Java's.
const WINDOW_S: f64 = 32.5;

#[test]
fn window_and_session_stores_count_javas_operations_at_debug() {
    let d = stores_driver(StoreKind::InMemory, RecordingLevel::Debug);
    let metrics = d.metrics();
    let w = values(&metrics, "in-memory-window-state-id");
    let s = values(&metrics, "in-memory-session-state-id");
    // Java 4.4.0's driver on the same input: four records, each two window fetches (a single
    // window and a range) and a put, a session fetch and a put; six commits (one as the store
    // starts, one per record, one when the wall clock moves); a window store's start counts as
    // a restoration.
    assert_eq!(get(&w, STATE, "put-rate", "w"), 4.0 / WINDOW_S);
    assert_eq!(get(&w, STATE, "fetch-rate", "w"), 8.0 / WINDOW_S);
    assert_eq!(get(&w, STATE, "commit-rate", "w"), 6.0 / WINDOW_S);
    assert_eq!(get(&w, STATE, "restore-rate", "w"), 1.0 / WINDOW_S);
    assert_eq!(get(&w, STATE, "flush-rate", "w"), 0.0);
    assert_eq!(get(&w, STATE, "num-keys", "w"), 2.0);
    assert_eq!(get(&s, STATE, "put-rate", "s"), 4.0 / WINDOW_S);
    assert_eq!(get(&s, STATE, "fetch-rate", "s"), 4.0 / WINDOW_S);
    assert_eq!(get(&s, STATE, "remove-rate", "s"), 0.0);
    assert_eq!(get(&s, STATE, "commit-rate", "s"), 6.0 / WINDOW_S);
    assert_eq!(get(&s, STATE, "restore-rate", "s"), 0.0);
    assert_eq!(get(&s, STATE, "num-keys", "s"), 4.0);
    // The driver's mock clock does not move during an operation: latency 0, measured.
    assert_eq!(get(&w, STATE, "put-latency-max", "w"), 0.0);
    assert_eq!(get(&w, STATE, "iterator-duration-avg", "w"), 0.0);
    assert!(get(&s, STATE, "remove-latency-avg", "s").is_nan());
    // TRACE is above DEBUG: registered, not recorded.
    assert!(get(&w, STATE, "record-e2e-latency-max", "w").is_nan());
}

#[test]
fn window_and_session_stores_register_javas_names_at_info_recording_only_gauges() {
    let d = stores_driver(StoreKind::InMemory, RecordingLevel::Info);
    let metrics = d.metrics();
    let w = values(&metrics, "in-memory-window-state-id");
    let s = values(&metrics, "in-memory-session-state-id");
    assert_eq!(
        names(&w, "w"),
        store_names(
            &["put", "fetch", "flush", "commit", "restore"],
            &["num-keys"]
        )
    );
    assert_eq!(
        names(&s, "s"),
        store_names(
            &["put", "remove", "fetch", "flush", "commit", "restore"],
            &["num-keys"]
        )
    );
    assert_eq!(get(&w, STATE, "put-rate", "w"), 0.0, "DEBUG");
    assert!(get(&w, STATE, "put-latency-avg", "w").is_nan(), "DEBUG");
    assert_eq!(get(&w, STATE, "restore-rate", "w"), 0.0, "DEBUG");
    assert_eq!(get(&s, STATE, "fetch-rate", "s"), 0.0, "DEBUG");
    assert_eq!(get(&w, STATE, "num-keys", "w"), 2.0, "INFO");
    assert_eq!(get(&s, STATE, "num-open-iterators", "s"), 0.0, "INFO");
    assert_eq!(get(&s, STATE, "oldest-iterator-open-since-ms", "s"), 0.0);
}

#[test]
fn persistent_stores_are_scoped_redb_and_have_no_in_memory_or_rocksdb_metrics() {
    let d = stores_driver(StoreKind::Persistent, RecordingLevel::Debug);
    let metrics = d.metrics();
    assert!(
        metrics
            .iter()
            .all(|m| m.name.tags.keys().all(|k| !k.contains("rocksdb"))),
        "redb stores do not pretend to be RocksDB"
    );
    let w = values(&metrics, "redb-window-state-id");
    let s = values(&metrics, "redb-session-state-id");
    assert_eq!(
        names(&w, "w"),
        store_names(&["put", "fetch", "flush", "commit", "restore"], &[])
    );
    assert_eq!(
        names(&s, "s"),
        store_names(
            &["put", "remove", "fetch", "flush", "commit", "restore"],
            &[]
        )
    );
    // The operations count as on an in-memory store.
    assert_eq!(get(&w, STATE, "fetch-rate", "w"), 8.0 / WINDOW_S);
    assert_eq!(get(&s, STATE, "put-rate", "s"), 4.0 / WINDOW_S);
}

#[test]
fn cached_window_and_session_stores_count_hits_in_javas_cache_key_order() {
    let d = cached_stores_driver(StoreKind::InMemory, RecordingLevel::Debug, true);
    let metrics = d.metrics();
    let cache = values(&metrics, "record-cache-id");
    let task = values(&metrics, "task-id");
    // Java 4.4.0's driver on the same input. Window cache: a miss for each key's first single
    // fetch; hits for the later ones, for each flushed entry, and for each cached window a range
    // walks. Java's cache in front of an in-memory window store orders keys by window start
    // first, so k0's range over windows 0..100 also walks k1's window at 0 once it is cached
    // (the third record): 11 hits against 2 misses by the end.
    let ratio = |stat: &str, id: &str| get(&cache, CACHE, &format!("hit-ratio-{stat}"), id);
    assert_eq!(ratio("min", "w"), 0.5);
    assert_eq!(ratio("max", "w"), 11.0 / 13.0);
    assert_eq!(ratio("avg", "w"), 0.7248241657332566);
    // The session cache is only ever read by ranges: no miss, every ratio 1.
    assert_eq!((ratio("min", "s"), ratio("max", "s")), (1.0, 1.0));
    // The last cache written is the session cache: four sessions of key "kN" (2) + end and
    // start (16) behind an 8-byte segment id, value 8, topic "in" 2, and 45 each.
    assert_eq!(
        get(
            &task,
            "stream-task-metrics",
            "cache-size-bytes-total",
            "0_0"
        ),
        4.0 * (8.0 + 18.0 + 8.0 + 2.0 + 45.0)
    );
}

/// Puts each record into the persistent key-value store "p".
struct PutPersistent(Option<KeyValueStore<String, i64>>);

impl Processor<String, i64, (), ()> for PutPersistent {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, (), ()>) -> Result<(), StreamsError> {
        self.0 = Some(ctx.state_store("p")?);
        Ok(())
    }
    fn process(
        &mut self,
        _: &mut ProcessorContext<'_, (), ()>,
        r: Record<String, i64>,
    ) -> Result<(), StreamsError> {
        let p = self.0.as_ref().expect("init");
        p.put_all(&[(r.key.clone(), r.value), (format!("{}'", r.key), r.value)])?;
        p.delete(&r.key)?;
        p.prefix_scan(&r.key, &*Serdes::string())?;
        Ok(())
    }
}

#[test]
fn a_persistent_key_value_store_counts_put_all_once_and_has_uncommitted_bytes() {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "src",
        Consumed::with(Serdes::string(), Serdes::long()),
        "in",
    )
    .add_processor("proc", || PutPersistent(None), &["src"])
    .add_state_store(
        Stores::key_value_store_builder(
            Stores::persistent_key_value_store("p"),
            Serdes::string(),
            Serdes::long(),
        ),
        &["proc"],
    );
    let config = StreamsConfig::new("app").with_metrics_recording_level(RecordingLevel::Debug);
    let d =
        TopologyTestDriver::with_wall_clock(b.build().expect("valid"), config, 0).expect("driver");
    d.create_input_topic("in", Serdes::string(), Serdes::long())
        .pipe_input_at("k".into(), 1, 0)
        .expect("pipe");
    let metrics = d.metrics();
    let p = values(&metrics, "redb-state-id");
    assert_eq!(
        names(&p, "p"),
        store_names(
            &[
                "put",
                "put-if-absent",
                "put-all",
                "get",
                "delete",
                "range",
                "prefix-scan",
                "all",
                "flush",
                "commit",
                "restore",
            ],
            &["uncommitted-bytes"]
        )
    );
    // One put-all of two entries is one put-all and no put, as Java's metered store counts.
    assert_eq!(get(&p, STATE, "put-all-rate", "p"), 1.0 / 30.0);
    assert_eq!(get(&p, STATE, "put-rate", "p"), 0.0);
    assert_eq!(get(&p, STATE, "delete-rate", "p"), 1.0 / 30.0);
    assert_eq!(get(&p, STATE, "get-rate", "p"), 0.0);
    assert_eq!(get(&p, STATE, "prefix-scan-rate", "p"), 1.0 / 30.0);
    assert_eq!(get(&p, STATE, "iterator-duration-max", "p"), 0.0);
    assert_eq!(get(&p, STATE, "uncommitted-bytes", "p"), 0.0);
}

fn forward_driver(level: RecordingLevel) -> TopologyTestDriver {
    let config = StreamsConfig::new("app")
        .with_deserialization_handler(Arc::new(LogAndContinue))
        .with_metrics_recording_level(level);
    let d = TopologyTestDriver::with_wall_clock(forward_topology::topology(), config, 0)
        .expect("driver");
    forward_topology::pipe(&d);
    d
}

#[test]
fn a_cached_store_reports_javas_hit_ratio_and_cache_size_at_debug() {
    let d = forward_driver(RecordingLevel::Debug);
    let metrics = d.metrics();
    let state = values(&metrics, "in-memory-state-id");
    let cache = values(&metrics, "record-cache-id");
    let task = values(&metrics, "task-id");
    // Java 4.4.0's driver on the same input: five records, each a get (a miss: every key is
    // new), a put and a read of all entries; eight commits (start, six piped records, the
    // wall clock).
    for op in ["get", "put", "all"] {
        assert_eq!(
            get(&state, STATE, &format!("{op}-rate"), "seen"),
            5.0 / WINDOW_S
        );
    }
    assert_eq!(get(&state, STATE, "commit-rate", "seen"), 8.0 / WINDOW_S);
    assert_eq!(get(&state, STATE, "num-keys", "seen"), 5.0);
    // Hits: each key read back by `all` and by the commit's flush; the ratio is recorded on each.
    assert_eq!(get(&cache, CACHE, "hit-ratio-min", "seen"), 0.5);
    assert_eq!(get(&cache, CACHE, "hit-ratio-max", "seen"), 0.8);
    assert_eq!(
        get(&cache, CACHE, "hit-ratio-avg", "seen"),
        0.7195284273129543
    );
    // Five entries of Java's size: key "kN" (2) + value (8) + topic "in" (2) + 45, and k2's
    // header: its key's characters ("hé", 2) and value bytes ("vv", 2).
    assert_eq!(
        get(
            &task,
            "stream-task-metrics",
            "cache-size-bytes-total",
            "0_0"
        ),
        289.0
    );
}

#[test]
fn a_cached_store_registers_its_cache_metrics_at_info_without_recording_them() {
    let d = forward_driver(RecordingLevel::Info);
    let metrics = d.metrics();
    let state = values(&metrics, "in-memory-state-id");
    let cache = values(&metrics, "record-cache-id");
    let task = values(&metrics, "task-id");
    assert_eq!(
        names(&cache, "seen"),
        ["hit-ratio-avg", "hit-ratio-max", "hit-ratio-min"]
            .map(str::to_owned)
            .into()
    );
    assert!(get(&cache, CACHE, "hit-ratio-avg", "seen").is_nan());
    assert_eq!(
        get(
            &task,
            "stream-task-metrics",
            "cache-size-bytes-total",
            "0_0"
        ),
        0.0
    );
    assert_eq!(get(&state, STATE, "get-rate", "seen"), 0.0);
    assert_eq!(get(&state, STATE, "num-keys", "seen"), 5.0, "an INFO gauge");
}

#[test]
fn trace_records_each_puts_end_to_end_latency_on_the_mock_clock() {
    let d = forward_driver(RecordingLevel::Trace);
    let state = values(&d.metrics(), "in-memory-state-id");
    // The clock reads 0 while records stamped 0, 7, ..., 28 are put.
    let e2e = |stat: &str| get(&state, STATE, &format!("record-e2e-latency-{stat}"), "seen");
    assert_eq!((e2e("min"), e2e("avg"), e2e("max")), (-28.0, -14.0, 0.0));
}

#[test]
fn store_metrics_leave_with_the_closed_store() {
    let d = forward_driver(RecordingLevel::Debug);
    let registry = d.metrics_registry();
    assert!(
        registry
            .snapshot()
            .iter()
            .any(|m| m.name.group == STATE || m.name.group == CACHE)
    );
    d.close().expect("close");
    let left: Vec<String> = registry
        .snapshot()
        .into_iter()
        .filter(|m| {
            m.name.group == STATE || m.name.group == CACHE || m.name.name.starts_with("cache-")
        })
        .map(|m| m.name.name)
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
