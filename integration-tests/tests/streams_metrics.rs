//! Our TopologyTestDriver's metrics against Kafka's own Java `TopologyTestDriver.metrics()` on the
//! same topology and input (`StreamsMetricsPeer`), at INFO and at DEBUG, for a forwarding topology
//! with punctuators, a dropped record and a cached key-value store, for enforced processing under
//! `max.task.idle.ms`, for a topology with a global store, for window and session stores, and
//! for the DSL operators that record metrics of their own (late drops, emit-final windows,
//! suppression):
//! every metric of ours, state-store and record-cache ones included, must be one of Java's
//! (group, name, tags with their values, description) with Java's value, and Java must have none
//! we lack.
//! Needs a JDK (java, javac) and the Kafka jars from Maven Central (`scripts/kafka-fetch`); without
//! them the test fails and says how to get them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use integration_tests::{JavaPeer, MetricsTable, parse_metrics_table};
use streams_core::metrics::{Metric, RecordingLevel};
use streams_core::processor::{LogAndContinue, Processor, ProcessorContext, Record};
use streams_core::serde::Serdes;
use streams_core::state::{KeyValueStore, StoreKind, Stores};
use streams_core::test_driver::TopologyTestDriver;
use streams_core::topology::{Consumed, Produced, TopologyBuilder};
use streams_core::{StreamsConfig, StreamsError};

// The same topology and input as the peer's `forward` mode, shared with streams-core's own
// metrics test.
#[path = "../../streams-core/tests/support/forward_topology.rs"]
mod forward_topology;
// The window- and session-store topology and input of the peer's `stores` mode, shared with
// streams-core's store metrics test.
#[path = "../../streams-core/tests/support/store_topology.rs"]
mod store_topology;

fn table(metrics: Vec<Metric>) -> MetricsTable {
    metrics
        .into_iter()
        .map(|m| {
            (
                (m.name.group, m.name.name, m.name.tags),
                (m.value, m.description.to_owned()),
            )
        })
        .collect()
}

/// Our side of the peer's run: the open driver's metrics, then the registry's after close.
fn ours(level: RecordingLevel) -> (MetricsTable, MetricsTable) {
    let topology = forward_topology::topology();
    let config = StreamsConfig::new("app")
        .with_deserialization_handler(Arc::new(LogAndContinue))
        .with_metrics_recording_level(level);
    // Both drivers tag with the name of the thread that made them: Java's runs in `main`.
    std::thread::Builder::new()
        .name("main".into())
        .spawn(move || {
            let d = TopologyTestDriver::with_wall_clock(topology, config, 0).expect("driver");
            forward_topology::pipe(&d);
            let open = table(d.metrics());
            let registry = d.metrics_registry();
            d.close().expect("close");
            (open, table(registry.snapshot()))
        })
        .expect("spawn")
        .join()
        .expect("our driver ran")
}

fn java(peer: &JavaPeer, level: &str) -> (MetricsTable, MetricsTable) {
    let out = peer
        .run_class(
            "StreamsMetricsPeer",
            &[level.to_owned(), "forward".to_owned()],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    // The marker is a line of its own: descriptions may end in "closed" too.
    let (open, closed) = out
        .split_once("\nclosed\n")
        .unwrap_or_else(|| panic!("no `closed` line from the peer: {out}"));
    (parse_metrics_table(open), parse_metrics_table(closed))
}

fn key_string(k: &(String, String, BTreeMap<String, String>)) -> String {
    let tags: Vec<String> = k.2.iter().map(|(a, b)| format!("{a}={b}")).collect();
    format!("{}:{}{{{}}}", k.0, k.1, tags.join(","))
}

/// Our side of the peer's `idle` run: two sources, `max.task.idle.ms` 100, one record on one of
/// them, then the wall clock past the idle time (enforced processing).
fn ours_idle(level: RecordingLevel) -> MetricsTable {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "a",
        Consumed::with(Serdes::string(), Serdes::long()),
        "left",
    )
    .add_source(
        "b",
        Consumed::with(Serdes::string(), Serdes::long()),
        "right",
    )
    .add_sink(
        "sink",
        "out",
        Produced::with(Serdes::string(), Serdes::long()),
        &["a", "b"],
    );
    let topology = b.build().expect("valid topology");
    let config = StreamsConfig::new("app")
        .with_max_task_idle_ms(100)
        .with_metrics_recording_level(level);
    std::thread::Builder::new()
        .name("main".into())
        .spawn(move || {
            let d = TopologyTestDriver::with_wall_clock(topology, config, 0).expect("driver");
            d.create_input_topic("left", Serdes::string(), Serdes::long())
                .pipe_input_at("k".into(), 1, 5)
                .expect("pipe");
            d.advance_wall_clock_time(Duration::from_millis(100))
                .expect("advance");
            table(d.metrics())
        })
        .expect("spawn")
        .join()
        .expect("our driver ran")
}

/// As the peer's `GlobalPut`: puts every record into the global store.
struct GlobalPut(Option<KeyValueStore<String, i64>>);

impl Processor<String, i64, (), ()> for GlobalPut {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, (), ()>) -> Result<(), StreamsError> {
        self.0 = Some(ctx.state_store("g")?);
        Ok(())
    }
    fn process(
        &mut self,
        _: &mut ProcessorContext<'_, (), ()>,
        r: Record<String, i64>,
    ) -> Result<(), StreamsError> {
        self.0.as_ref().expect("init").put(&r.key, &r.value)?;
        Ok(())
    }
}

/// Our side of the peer's `global` run: a global in-memory store beside a source-to-sink
/// sub-topology, one record to each.
fn ours_global(level: RecordingLevel) -> MetricsTable {
    let mut b = TopologyBuilder::new();
    b.add_global_store(
        Stores::key_value_store_builder(
            Stores::in_memory_key_value_store("g"),
            Serdes::string(),
            Serdes::long(),
        )
        .with_logging_disabled(),
        "gsrc",
        Consumed::with(Serdes::string(), Serdes::long()),
        "gtopic",
        "gproc",
        || GlobalPut(None),
    )
    .add_source(
        "src",
        Consumed::with(Serdes::string(), Serdes::long()),
        "in",
    )
    .add_sink(
        "sink",
        "out",
        Produced::with(Serdes::string(), Serdes::long()),
        &["src"],
    );
    let topology = b.build().expect("valid topology");
    let config = StreamsConfig::new("app").with_metrics_recording_level(level);
    std::thread::Builder::new()
        .name("main".into())
        .spawn(move || {
            let d = TopologyTestDriver::with_wall_clock(topology, config, 0).expect("driver");
            for topic in ["gtopic", "in"] {
                d.create_input_topic(topic, Serdes::string(), Serdes::long())
                    .pipe_input_at("k".into(), 1, 3)
                    .expect("pipe");
            }
            table(d.metrics())
        })
        .expect("spawn")
        .join()
        .expect("our driver ran")
}

/// Our side of the peer's `stores` (or, `cached`, `cachedstores`) run: in-memory window and
/// session stores.
fn ours_stores(level: RecordingLevel, cached: bool) -> MetricsTable {
    let topology = store_topology::topology(StoreKind::InMemory, cached);
    let config = StreamsConfig::new("app").with_metrics_recording_level(level);
    std::thread::Builder::new()
        .name("main".into())
        .spawn(move || {
            let d = TopologyTestDriver::with_wall_clock(topology, config, 0).expect("driver");
            store_topology::pipe(&d);
            table(d.metrics())
        })
        .expect("spawn")
        .join()
        .expect("our driver ran")
}

/// Whether `name` in `group` is a latency Java's driver measures on the system clock: its
/// stores are timed by `Time.SYSTEM` (the store builders' clock), not the driver's mock clock,
/// so at DEBUG they read real nanoseconds where ours, on the driver's mock clock, read 0. An
/// emit-final window aggregation times its emissions on the system clock on both sides, in
/// whole milliseconds: ours are 0, Java's first (cold) one may take a millisecond.
fn system_clock_latency(group: &str, name: &str) -> bool {
    (group == "stream-state-metrics"
        && (name.ends_with("-latency-avg")
            || name.ends_with("-latency-max")
            || name.starts_with("iterator-duration-")))
        || (group == "stream-processor-node-metrics"
            && name.starts_with("window-aggregate-final-emit-latency-"))
}

fn compare(level: &str, ours: &MetricsTable, java: &MetricsTable) {
    let missing: Vec<String> = java
        .keys()
        .filter(|k| !ours.contains_key(*k))
        .map(key_string)
        .collect();
    assert!(
        missing.is_empty(),
        "{level}: Java's metrics we lack: {missing:#?}"
    );
    for (k, (v, description)) in ours {
        let Some((jv, jd)) = java.get(k) else {
            panic!(
                "{level}: {} is ours but not Java's; Java has:\n{}",
                key_string(k),
                java.keys().map(key_string).collect::<Vec<_>>().join("\n")
            );
        };
        assert_eq!(description, jd, "{level}: description of {}", key_string(k));
        // Every value: counters, rates (the same mock-clock windows), latencies (0 on a mock
        // clock), lateness; NaN where Java's is NaN. A latency Java takes from the system clock
        // must be measured (or not) where Java's is: ours reads 0 on the mock clock (store
        // latencies) or, like Java's, whole milliseconds of the system clock (emit-final),
        // which a loaded machine can make 1 ms or more on either side.
        if system_clock_latency(&k.0, &k.1) {
            assert!(
                (v.is_nan() && jv.is_nan())
                    || (v.is_finite() && *v >= 0.0 && jv.is_finite() && *jv >= 0.0),
                "{level}: {} is {v}, Java's {jv}",
                key_string(k)
            );
            continue;
        }
        assert!(
            v == jv || (v.is_nan() && jv.is_nan()),
            "{level}: {} is {v}, Java's {jv}",
            key_string(k)
        );
    }
}

#[test]
fn driver_metrics_match_javas_topology_test_driver() {
    let peer = JavaPeer::new().unwrap_or_else(|e| {
        panic!(
            "Java's TopologyTestDriver cannot run: {e}\nThis test needs a Java 17+ JDK (java, \
             javac on PATH; e.g. `apt-get install openjdk-17-jdk-headless`) and the Kafka jars \
             including kafka-streams-test-utils, fetched from Maven Central by \
             `scripts/kafka-fetch` (Maven is used if installed, else downloaded)."
        )
    });
    for (level, ours_level) in [
        ("INFO", RecordingLevel::Info),
        ("DEBUG", RecordingLevel::Debug),
    ] {
        let (java_open, java_closed) = java(&peer, level);
        let (ours_open, ours_closed) = ours(ours_level);
        assert!(!ours_open.is_empty() && !java_open.is_empty());
        compare(level, &ours_open, &java_open);
        // After close only the thread-level task-closed pair is left, with one task closed.
        assert_eq!(
            ours_closed.keys().map(key_string).collect::<Vec<_>>(),
            java_closed.keys().map(key_string).collect::<Vec<_>>(),
            "{level}: after close"
        );
        compare(level, &ours_closed, &java_closed);
        let closed = ours_closed
            .iter()
            .find(|(k, _)| k.1 == "task-closed-total")
            .map(|(_, (v, _))| *v);
        assert_eq!(closed, Some(1.0));

        let out = peer
            .run_class("StreamsMetricsPeer", &[level.to_owned(), "idle".to_owned()])
            .unwrap_or_else(|e| panic!("{e}"));
        let java_idle = parse_metrics_table(&out);
        let ours_idle = ours_idle(ours_level);
        compare(&format!("{level} idle"), &ours_idle, &java_idle);
        let enforced = |t: &MetricsTable| {
            t.iter()
                .find(|(k, _)| k.1 == "enforced-processing-total")
                .map(|(_, (v, _))| *v)
        };
        let want = if level == "DEBUG" { 2.0 } else { 0.0 };
        assert_eq!(enforced(&ours_idle), Some(want), "{level}: as Java's");

        // A global store: Java's global task (`-1_-1`) has dropped-records and its source's
        // process-rate/-total, and no other task, node or topic metrics.
        let out = peer
            .run_class(
                "StreamsMetricsPeer",
                &[level.to_owned(), "global".to_owned()],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let java_global = parse_metrics_table(&out);
        let ours_global = ours_global(ours_level);
        compare(&format!("{level} global"), &ours_global, &java_global);
        assert!(
            ours_global
                .keys()
                .any(|k| k.2.get("task-id").is_some_and(|t| t == "-1_-1")),
            "{level}: the global task's metrics"
        );

        // Window and session stores: Java's in-memory-window and in-memory-session scopes; then
        // the same with caches in front.
        for (mode, cached) in [("stores", false), ("cachedstores", true)] {
            let out = peer
                .run_class("StreamsMetricsPeer", &[level.to_owned(), mode.to_owned()])
                .unwrap_or_else(|e| panic!("{e}"));
            let java_stores = parse_metrics_table(&out);
            let ours_stores = ours_stores(ours_level, cached);
            compare(&format!("{level} {mode}"), &ours_stores, &java_stores);
            for scope in ["in-memory-window-state-id", "in-memory-session-state-id"] {
                assert!(
                    ours_stores.keys().any(|k| k.2.contains_key(scope)),
                    "{level} {mode}: {scope}"
                );
            }
        }
    }
}

/// The peer's `dsl` mode in our DSL: the operators that record metrics of their own.
fn ours_dsl(level: RecordingLevel) -> MetricsTable {
    use streams_dsl::{
        BufferConfig, Consumed, EmitStrategy, Materialized, SessionWindows, SlidingWindows,
        StreamsBuilder, TimeWindows,
    };
    let ms = Duration::from_millis;
    let b = StreamsBuilder::new();
    let stream = b.stream::<String, i64>("in");
    let g = stream.group_by_key();
    g.windowed_by(TimeWindows::of_size_and_grace(ms(100), ms(10)))
        .emit_strategy(EmitStrategy::OnWindowClose)
        .count_with(
            Materialized::as_("final")
                .in_memory()
                .with_retention(Duration::from_secs(60)),
        )
        .to_stream()
        .foreach(|_, _| {});
    g.windowed_by_session(SessionWindows::of_inactivity_gap_with_no_grace(ms(50)))
        .aggregate_with(
            || 0i64,
            |_, _, a| a + 1,
            |_, a, b| a + b,
            Materialized::as_("sessions")
                .in_memory()
                .with_retention(Duration::from_secs(60)),
        )
        .to_stream()
        .foreach(|_, _| {});
    g.windowed_by_sliding(SlidingWindows::of_time_difference_with_no_grace(ms(20)))
        .aggregate_with(
            || 0i64,
            |_, _, a| a + 1,
            Materialized::as_("sliding")
                .in_memory()
                .with_retention(Duration::from_secs(60)),
        )
        .to_stream()
        .foreach(|_, _| {});
    g.count_with(Materialized::as_("counts").in_memory())
        .suppress_until_time_limit(
            ms(30),
            BufferConfig::max_records(100).emit_early_when_full(),
        )
        .to_stream()
        .foreach(|_, _| {});
    let tin =
        b.table_with::<String, i64>("tin", Consumed::new(), Materialized::as_("t").in_memory());
    stream.join_table(&tin, |v, t| v + t).foreach(|_, _| {});
    tin.join(&tin.map_values(|_, v| v * 2), |a, c| a + c)
        .to_stream()
        .foreach(|_, _| {});
    let topology = b.build().expect("valid program");
    let config = StreamsConfig::new("app").with_metrics_recording_level(level);
    std::thread::Builder::new()
        .name("main".into())
        .spawn(move || {
            let d = TopologyTestDriver::with_wall_clock(topology, config, 0).expect("driver");
            let long: streams_core::serde::SharedSerde<Option<i64>> = Arc::new(
                streams_core::serde::Nullable(streams_core::serde::LongSerde),
            );
            let mut tin = d.create_input_topic("tin", Serdes::string(), long);
            tin.pipe_input_at("k1".into(), Some(5), 0).expect("pipe");
            tin.pipe_input_at("k2".into(), Some(7), 0).expect("pipe");
            let mut input = d.create_input_topic("in", Serdes::string(), Serdes::long());
            for (key, ts) in [(1, 0), (1, 50), (2, 120), (1, 30), (2, 300)] {
                input.pipe_input_at(format!("k{key}"), 1, ts).expect("pipe");
            }
            tin.pipe_input_at("k1".into(), Some(5), 310).expect("pipe");
            tin.pipe_input_at("k2".into(), None, 320).expect("pipe");
            d.advance_wall_clock_time(Duration::from_millis(2_500))
                .expect("advance");
            table(d.metrics())
        })
        .expect("spawn")
        .join()
        .expect("our driver ran")
}

/// What Kafka Streams' DSL operators record beyond the runtime: late records they drop in the
/// task's `dropped-records`, emit-final windows' `window-aggregate-final-emit` and its latency,
/// suppression's `suppression-emit` and its buffer's size and count, all compared with Java's
/// driver on the same program and input, at both levels.
#[test]
fn dsl_operator_metrics_match_javas_topology_test_driver() {
    let peer = JavaPeer::new().unwrap_or_else(|e| {
        panic!(
            "Java's TopologyTestDriver cannot run: {e}\nThis test needs a Java 17+ JDK (java, \
             javac on PATH) and the Kafka jars including kafka-streams-test-utils, fetched from \
             Maven Central by `scripts/kafka-fetch`."
        )
    });
    for (level, ours_level) in [
        ("INFO", RecordingLevel::Info),
        ("DEBUG", RecordingLevel::Debug),
    ] {
        let out = peer
            .run_class("StreamsMetricsPeer", &[level.to_owned(), "dsl".to_owned()])
            .unwrap_or_else(|e| panic!("{e}"));
        let java_dsl = parse_metrics_table(&out);
        let ours_dsl = ours_dsl(ours_level);
        compare(&format!("{level} dsl"), &ours_dsl, &java_dsl);
        let value = |name: &str| {
            ours_dsl
                .iter()
                .filter(|(k, _)| k.1 == name)
                .map(|(_, (v, _))| *v)
                .sum::<f64>()
        };
        // The late k1 at 30 ms falls in one closed time window, one closed session and the
        // sliding windows' closed range: three drops.
        assert_eq!(value("dropped-records-total"), 3.0, "{level}");
        if level == "DEBUG" {
            assert!(value("window-aggregate-final-emit-total") > 0.0);
            assert!(value("suppression-emit-total") > 0.0);
            assert!(value("suppression-buffer-count-max") > 0.0);
        }
    }
}
