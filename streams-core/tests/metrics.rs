//! Streams metrics through the TopologyTestDriver: what Java's driver registers, what each
//! recording level records, and the values Java's driver gives on the same input (taken from
//! Kafka 4.4.0's `TopologyTestDriver.metrics()` on this topology; the live comparison is
//! `integration-tests/tests/streams_metrics.rs`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use streams_core::metrics::{Metric, RecordingLevel};
use streams_core::processor::{LogAndContinue, Processor, ProcessorContext, Record};
use streams_core::serde::Serdes;
use streams_core::test_driver::TopologyTestDriver;
use streams_core::topology::{Consumed, Produced, TopologyBuilder};
use streams_core::{StreamsConfig, StreamsError};

#[path = "support/forward_topology.rs"]
mod forward_topology;
use forward_topology::pipe as run;

fn driver(level: RecordingLevel) -> TopologyTestDriver {
    let config = StreamsConfig::new("app")
        .with_deserialization_handler(Arc::new(LogAndContinue))
        .with_metrics_recording_level(level);
    TopologyTestDriver::with_wall_clock(forward_topology::topology(), config, 0).expect("driver")
}

type Table = BTreeMap<(String, String, Vec<(String, String)>), (f64, &'static str)>;

fn table(metrics: Vec<Metric>) -> Table {
    metrics
        .into_iter()
        .map(|m| {
            let tags = m.name.tags.into_iter().collect();
            ((m.name.group, m.name.name, tags), (m.value, m.description))
        })
        .collect()
}

fn value(t: &Table, group: &str, name: &str, node: Option<&str>) -> f64 {
    t.iter()
        .find(|((g, n, tags), _)| {
            g == group
                && n == name
                && tags
                    .iter()
                    .find(|(k, _)| k == "processor-node-id")
                    .map(|(_, v)| v.as_str())
                    == node
        })
        .map(|(_, (v, _))| *v)
        .unwrap_or_else(|| panic!("{group} {name} {node:?} not registered"))
}

#[test]
fn debug_level_counts_processing_punctuation_and_drops_as_java_does() {
    let d = driver(RecordingLevel::Debug);
    run(&d);
    let t = table(d.metrics());
    let task = "stream-task-metrics";
    // Java 4.4.0's driver on the same input: 5 processed, 4 punctuations (stream time 0, 10, 20
    // and one wall-clock), 1 dropped; rates over 2.5 s plus one 30 s window.
    assert_eq!(value(&t, task, "process-total", None), 5.0);
    assert_eq!(value(&t, task, "process-rate", None), 5.0 / 32.5);
    assert_eq!(
        value(
            &t,
            "stream-processor-node-metrics",
            "process-total",
            Some("src")
        ),
        5.0
    );
    assert_eq!(value(&t, task, "punctuate-total", None), 4.0);
    assert_eq!(value(&t, task, "punctuate-rate", None), 4.0 / 32.5);
    assert_eq!(value(&t, task, "dropped-records-total", None), 1.0);
    assert_eq!(value(&t, task, "dropped-records-rate", None), 1.0 / 32.5);
    // The mock clock does not move while a record is processed: latency 0, as in Java's driver.
    assert_eq!(value(&t, task, "process-latency-avg", None), 0.0);
    assert_eq!(value(&t, task, "punctuate-latency-max", None), 0.0);
    // Records arrive in order (lateness 0) but Java 4.x takes the undeserializable one through
    // the partition group with timestamp -1 before dropping it: 28 - (-1) late.
    assert_eq!(value(&t, task, "record-lateness-max", None), 29.0);
    assert_eq!(value(&t, task, "record-lateness-avg", None), 29.0 / 6.0);
    assert_eq!(value(&t, task, "enforced-processing-total", None), 0.0);
    assert_eq!(d.dropped_records().deserialization, 1);
    // Java's record sizes: key + value + topic + 20 (timestamp, offset, partition) + header
    // keys and values in bytes: "k0" + 8 + "in" + 20 = 32 consumed, 33 produced to "out", and
    // k2's header ("hé", "vv") 5 more each way. The undeserializable record is consumed (Java
    // takes it as a head of size 0) but adds no bytes.
    let topic = |name: &str, node: &str| value(&t, "stream-topic-metrics", name, Some(node));
    assert_eq!(topic("records-consumed-total", "src"), 6.0);
    assert_eq!(topic("bytes-consumed-total", "src"), 165.0);
    assert_eq!(topic("records-produced-total", "sink"), 5.0);
    assert_eq!(topic("bytes-produced-total", "sink"), 170.0);
    // End-to-end latency: the mock wall clock (0) minus each processed record's timestamp (0, 7,
    // ..., 28), at the source and at the terminal sink; the dropped record is not processed.
    for node in ["src", "sink"] {
        let e2e = |stat: &str| {
            value(
                &t,
                "stream-processor-node-metrics",
                &format!("record-e2e-latency-{stat}"),
                Some(node),
            )
        };
        assert_eq!(
            (e2e("avg"), e2e("min"), e2e("max")),
            (-14.0, -28.0, 0.0),
            "{node}"
        );
    }
}

#[test]
fn info_level_registers_the_same_metrics_but_records_only_info_ones() {
    let info = driver(RecordingLevel::Info);
    let debug = driver(RecordingLevel::Debug);
    run(&info);
    run(&debug);
    let (i, d) = (table(info.metrics()), table(debug.metrics()));
    let names = |t: &Table| {
        t.iter()
            .map(|(k, (_, desc))| (k.clone(), *desc))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&i),
        names(&d),
        "Java registers DEBUG metrics at INFO too"
    );
    let task = "stream-task-metrics";
    assert_eq!(value(&i, task, "dropped-records-total", None), 1.0, "INFO");
    let node = "stream-processor-node-metrics";
    assert_eq!(
        value(&i, node, "record-e2e-latency-max", Some("sink")),
        0.0,
        "INFO"
    );
    assert_eq!(value(&i, node, "process-total", Some("src")), 0.0, "DEBUG");
    assert_eq!(value(&i, task, "process-total", None), 0.0, "DEBUG");
    assert_eq!(value(&i, task, "punctuate-total", None), 0.0, "DEBUG");
    assert!(value(&i, task, "process-latency-avg", None).is_nan());
    assert_eq!(value(&d, task, "process-total", None), 5.0);
}

#[test]
fn the_driver_shows_javas_metric_names_tags_and_descriptions() {
    let d = driver(RecordingLevel::Info);
    // After records went through: a sink's topic metrics appear at its first send.
    run(&d);
    let t = table(d.metrics());
    let thread = std::thread::current()
        .name()
        .expect("test threads are named")
        .to_owned();
    let got: Vec<(String, String)> = t
        .keys()
        .map(|(g, n, tags)| {
            let keys: Vec<&str> = tags.iter().map(|(k, _)| k.as_str()).collect();
            (format!("{g}:{n}"), keys.join(","))
        })
        .collect();
    let task_tags = "task-id,thread-id";
    let mut want: Vec<(String, String)> = [
        "active-buffer-count",
        "active-process-ratio",
        "dropped-records-rate",
        "dropped-records-total",
        "enforced-processing-rate",
        "enforced-processing-total",
        "process-latency-avg",
        "process-latency-max",
        "process-rate",
        "process-total",
        "punctuate-latency-avg",
        "punctuate-latency-max",
        "punctuate-rate",
        "punctuate-total",
        "record-lateness-avg",
        "record-lateness-max",
        "restore-rate",
        "restore-remaining-records-total",
        "restore-total",
    ]
    .iter()
    .map(|n| (format!("stream-task-metrics:{n}"), task_tags.to_owned()))
    .collect();
    // Per node: process-rate/-total of the source, record-e2e-latency of the source and of the
    // terminal sink (tags sort with the node's id, so each name appears once per node).
    for (n, nodes) in [
        ("process-rate", 1),
        ("process-total", 1),
        ("record-e2e-latency-avg", 2),
        ("record-e2e-latency-max", 2),
        ("record-e2e-latency-min", 2),
    ] {
        for _ in 0..nodes {
            want.push((
                format!("stream-processor-node-metrics:{n}"),
                "processor-node-id,task-id,thread-id".to_owned(),
            ));
        }
    }
    for n in ["task-closed-rate", "task-closed-total"] {
        want.push((format!("stream-thread-metrics:{n}"), "thread-id".to_owned()));
    }
    // The registry's own count, as every Java `Metrics` has.
    want.push(("kafka-metrics-count:count".to_owned(), String::new()));
    for n in [
        "bytes-consumed-total",
        "records-consumed-total",
        "bytes-produced-total",
        "records-produced-total",
    ] {
        want.push((
            format!("stream-topic-metrics:{n}"),
            "processor-node-id,task-id,thread-id,topic".to_owned(),
        ));
    }
    // The processor's cached in-memory store: Java's MeteredKeyValueStore metrics, its cache's
    // hit ratio and the task's cache size.
    let state_tags = "in-memory-state-id,task-id,thread-id";
    for op in [
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
    ] {
        for stat in ["rate", "latency-avg", "latency-max"] {
            want.push((
                format!("stream-state-metrics:{op}-{stat}"),
                state_tags.to_owned(),
            ));
        }
    }
    for n in [
        "record-e2e-latency-avg",
        "record-e2e-latency-min",
        "record-e2e-latency-max",
        "iterator-duration-avg",
        "iterator-duration-max",
        "num-open-iterators",
        "oldest-iterator-open-since-ms",
        "uncommitted-bytes",
        "num-keys",
    ] {
        want.push((format!("stream-state-metrics:{n}"), state_tags.to_owned()));
    }
    for n in ["hit-ratio-avg", "hit-ratio-min", "hit-ratio-max"] {
        want.push((
            format!("stream-record-cache-metrics:{n}"),
            "record-cache-id,task-id,thread-id".to_owned(),
        ));
    }
    want.push((
        "stream-task-metrics:cache-size-bytes-total".to_owned(),
        task_tags.to_owned(),
    ));
    want.sort();
    assert_eq!(got, want);
    for ((group, name, tags), (_, description)) in &t {
        assert!(!description.is_empty(), "{name}");
        if group == "kafka-metrics-count" {
            continue;
        }
        let tag = |k: &str| tags.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str());
        assert_eq!(tag("thread-id"), Some(thread.as_str()), "{name}");
        if tag("task-id").is_some() {
            assert_eq!(tag("task-id"), Some("0_0"));
        }
    }
    let desc = |name: &str| {
        t.iter()
            .find(|((g, n, _), _)| g == "stream-task-metrics" && n == name)
            .map(|(_, (_, d))| *d)
    };
    assert_eq!(
        desc("dropped-records-total"),
        Some("The total number of dropped records")
    );
    assert_eq!(
        desc("process-latency-max"),
        Some("The maximum latency of calls to process")
    );
}

#[test]
fn enforced_processing_counts_when_an_empty_partition_has_idled_out() {
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
    let config = StreamsConfig::new("app")
        .with_max_task_idle_ms(100)
        .with_metrics_recording_level(RecordingLevel::Debug);
    let d =
        TopologyTestDriver::with_wall_clock(b.build().expect("valid"), config, 0).expect("driver");
    let mut left = d.create_input_topic("left", Serdes::string(), Serdes::long());
    left.pipe_input_at("k".into(), 1, 5).expect("pipe");
    let v = |name: &str| {
        d.metrics_registry()
            .value("stream-task-metrics", name, &[("task-id", "0_0")])
    };
    d.metrics();
    assert_eq!(v("enforced-processing-total"), Some(0.0), "still idling");
    d.advance_wall_clock_time(Duration::from_millis(100))
        .expect("advance");
    d.metrics();
    let enforced = v("enforced-processing-total").expect("registered");
    assert!(enforced >= 1.0, "{enforced}");
    assert_eq!(v("process-total"), Some(1.0));
}

#[test]
fn closing_the_driver_counts_a_closed_task_and_removes_the_task_metrics() {
    let d = driver(RecordingLevel::Info);
    let registry = d.metrics_registry();
    d.close().expect("close");
    let left: Vec<String> = registry
        .snapshot()
        .into_iter()
        .map(|m| format!("{}:{}={}", m.name.group, m.name.name, m.value))
        .collect();
    assert_eq!(
        left,
        [
            "kafka-metrics-count:count=3",
            "stream-thread-metrics:task-closed-rate=0.03333333333333333",
            "stream-thread-metrics:task-closed-total=1"
        ]
    );
}

/// A task driven directly (as the runtime will): a queue of [bad, good, bad] records.
#[test]
fn an_undeserializable_record_counts_as_late_only_when_nothing_valid_follows_it() {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use streams_core::clock::MockClock;
    use streams_core::metrics::StreamsMetrics;
    use streams_core::processor::{ConsumedRecord, Headers};
    use streams_core::task::{
        CollectorError, ProducerRecord, RecordCollector, Task, TaskId, TaskSetup,
    };

    struct Discard;
    impl RecordCollector for Discard {
        fn send(&mut self, _: ProducerRecord) -> Result<(), CollectorError> {
            Ok(())
        }
        fn flush(&mut self) -> Result<(), CollectorError> {
            Ok(())
        }
        fn offset(&self, _: &str, _: i32) -> Option<i64> {
            None
        }
    }

    let mut b = TopologyBuilder::new();
    b.add_source(
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
    let clock = Arc::new(MockClock::new(0));
    let config = StreamsConfig::new("app")
        .with_deserialization_handler(Arc::new(LogAndContinue))
        .with_metrics_recording_level(RecordingLevel::Debug);
    let mut task = Task::new(
        &b.build().expect("valid"),
        &config,
        TaskSetup {
            id: TaskId {
                subtopology: 0,
                partition: 0,
            },
            subtopologies: vec![0],
            collector: Arc::new(Mutex::new(Discard)),
            clock: clock.clone(),
            global_stores: HashMap::new(),
            state_dir: None,
            metrics: None,
        },
    )
    .expect("task");
    let registry = StreamsMetrics::new(config.metrics_config(), clock);
    task.enable_metrics(&registry, "t");
    let rec = |offset: i64, ts: i64, value: &'static [u8]| ConsumedRecord {
        topic: Arc::from("in"),
        partition: 0,
        offset,
        timestamp: ts,
        key: Some(Bytes::from_static(b"k")),
        value: Some(Bytes::from_static(value)),
        headers: Headers::new(),
    };
    task.add_records(
        "in",
        0,
        [
            rec(0, 10, b"bad"),
            rec(1, 20, &[0, 0, 0, 0, 0, 0, 0, 7]),
            rec(2, 30, b"bad"),
        ],
    )
    .expect("add");
    task.mark_caught_up();
    while task.process(0).expect("process") {}
    task.fold_metrics();
    let v = |name: &str| registry.value("stream-task-metrics", name, &[]);
    assert_eq!(v("process-total"), Some(1.0));
    assert_eq!(v("dropped-records-total"), Some(2.0));
    // The good record is on time (0); the first bad one is skipped for it; the last bad one is
    // Java's CorruptedRecord head: stream time 20 minus its timestamp -1.
    assert_eq!(v("record-lateness-max"), Some(21.0));
    assert_eq!(v("record-lateness-avg"), Some(10.5));
}

/// Java's global task shows as task `-1_-1` with only dropped-records and its source's
/// process-rate/-total.
#[test]
fn the_global_task_has_javas_few_metrics_under_task_minus_one() {
    use streams_core::state::{KeyValueStore, Stores};

    struct Put(Option<KeyValueStore<String, i64>>);
    impl Processor<String, i64, (), ()> for Put {
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
        || Put(None),
    );
    let config = StreamsConfig::new("app").with_metrics_recording_level(RecordingLevel::Debug);
    let d =
        TopologyTestDriver::with_wall_clock(b.build().expect("valid"), config, 0).expect("driver");
    d.create_input_topic("gtopic", Serdes::string(), Serdes::long())
        .pipe_input_at("k".into(), 1, 3)
        .expect("pipe");
    // The global store's own metrics (stream-state-metrics) are the store tests' subject.
    let mut global: Vec<String> = d
        .metrics()
        .into_iter()
        .filter(|m| m.name.tags.get("task-id").is_some_and(|t| t == "-1_-1"))
        .filter(|m| m.name.group != "stream-state-metrics")
        .map(|m| format!("{}:{}={}", m.name.group, m.name.name, m.value))
        .collect();
    global.sort();
    assert_eq!(
        global,
        [
            "stream-processor-node-metrics:process-rate=0.03333333333333333",
            "stream-processor-node-metrics:process-total=1",
            "stream-task-metrics:dropped-records-rate=0",
            "stream-task-metrics:dropped-records-total=0",
            "stream-task-metrics:process-rate=0.03333333333333333",
            "stream-task-metrics:process-total=1",
        ]
    );
}

/// Java registers a sink's fixed topic in `stream-topic-metrics` when the task starts, so the
/// driver shows it, at zero, before any record is piped.
#[test]
fn a_fixed_sink_topic_is_shown_before_its_first_record() {
    let d = driver(RecordingLevel::Info);
    let t = table(d.metrics());
    for name in ["records-produced-total", "bytes-produced-total"] {
        assert_eq!(
            value(&t, "stream-topic-metrics", name, Some("sink")),
            0.0,
            "{name}"
        );
    }
    run(&d);
    let t = table(d.metrics());
    assert_eq!(
        value(
            &t,
            "stream-topic-metrics",
            "records-produced-total",
            Some("sink")
        ),
        5.0
    );
}

/// Drops odd values (counting them as Kafka Streams' operators count what they skip) and times
/// the rest in a sensor of its own, made in `init` through the context.
#[derive(Default)]
struct DropOdd {
    kept: Option<streams_core::metrics::StreamsSensor>,
}

impl Processor<String, i64, String, i64> for DropOdd {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, String, i64>) -> Result<(), StreamsError> {
        let node = ctx.node_name().to_owned();
        self.kept = Some(
            ctx.metrics()
                .add_latency_rate_total_sensor(
                    "filter",
                    &node,
                    "keep",
                    RecordingLevel::Info,
                    &[("rule", "even")],
                )
                .expect("a new sensor"),
        );
        Ok(())
    }

    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, i64>,
        record: Record<String, i64>,
    ) -> Result<(), StreamsError> {
        if record.value % 2 != 0 {
            ctx.record_dropped();
            return Ok(());
        }
        if let Some(s) = &self.kept {
            s.record_value(record.value as f64);
        }
        ctx.forward(record)
    }
}

#[test]
fn processors_add_sensors_through_the_context_and_count_what_they_drop() {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "src",
        Consumed::with(Serdes::string(), Serdes::long()),
        "in",
    )
    .add_processor("drop-odd", DropOdd::default, &["src"])
    .add_sink(
        "sink",
        "out",
        Produced::with(Serdes::string(), Serdes::long()),
        &["drop-odd"],
    );
    let d = TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("app"), 0)
        .unwrap();
    let mut input = d.create_input_topic("in", Serdes::string(), Serdes::long());
    let mut output = d.create_output_topic("out", Serdes::string(), Serdes::long());
    for v in [1, 2, 4, 5, 7] {
        input.pipe_input("k".to_owned(), v).unwrap();
    }
    let t = table(d.metrics());
    let thread = std::thread::current().name().unwrap_or_default().to_owned();
    let custom = |name: &str| {
        t.iter()
            .find(|((g, n, tags), _)| {
                g == "stream-filter-metrics"
                    && n == name
                    && tags
                        == &vec![
                            ("filter-id".to_owned(), "drop-odd".to_owned()),
                            ("rule".to_owned(), "even".to_owned()),
                            ("thread-id".to_owned(), thread.clone()),
                        ]
            })
            .map(|(_, (v, _))| *v)
            .unwrap_or_else(|| panic!("{name} not registered: {t:?}"))
    };
    assert_eq!(custom("keep-total"), 2.0);
    assert_eq!(custom("keep-latency-avg"), 3.0);
    assert_eq!(custom("keep-latency-max"), 4.0);
    assert_eq!(
        value(&t, "stream-task-metrics", "dropped-records-total", None),
        3.0
    );
    assert_eq!(output.read_values_to_list().unwrap(), vec![2, 4]);
}
