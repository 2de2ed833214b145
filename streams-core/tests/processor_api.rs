//! Forwarding to named children, punctuation by each clock, deserialization handlers, timestamp
//! extractors, record metadata.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use streams_core::processor::{
    Cancellable, LogAndContinue, LogAndSkipOnInvalidTimestamp, Processor, ProcessorContext,
    PunctuationType, Record, UsePartitionTimeOnInvalidTimestamp,
};
use streams_core::serde::{IntegerSerde, Serdes};
use streams_core::test_driver::{DriverError, TopologyTestDriver};
use streams_core::topology::{Consumed, Produced, TopologyBuilder};
use streams_core::{StreamsConfig, StreamsError};

/// Sends even numbers to "even", odd ones to "odd", multiples of 3 to both with `forward`,
/// and 13 to a child that does not exist.
struct Router;

impl Processor<String, i32, String, i32> for Router {
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, i32>,
        r: Record<String, i32>,
    ) -> Result<(), StreamsError> {
        if r.value == 13 {
            return ctx.forward_to(r, "nowhere");
        }
        if r.value % 3 == 0 {
            return ctx.forward(r);
        }
        let child = if r.value % 2 == 0 { "even" } else { "odd" };
        ctx.forward_to(r, child)
    }
}

fn int_serde() -> streams_core::serde::SharedSerde<i32> {
    Arc::new(IntegerSerde)
}

fn router_driver() -> TopologyTestDriver {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "in",
        Consumed::with(Serdes::string(), int_serde()),
        "numbers",
    )
    .add_processor("route", || Router, &["in"])
    .add_sink(
        "even",
        "evens",
        Produced::with(Serdes::string(), int_serde()),
        &["route"],
    )
    .add_sink(
        "odd",
        "odds",
        Produced::with(Serdes::string(), int_serde()),
        &["route"],
    );
    TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("r"), 0).unwrap()
}

#[test]
fn forwarding_to_named_children() {
    let driver = router_driver();
    let mut input = driver.create_input_topic("numbers", Serdes::string(), int_serde());
    let mut evens = driver.create_output_topic("evens", Serdes::string(), int_serde());
    let mut odds = driver.create_output_topic("odds", Serdes::string(), int_serde());
    for v in [1, 2, 3, 4, 5] {
        input.pipe_input("k".into(), v).unwrap();
    }
    assert_eq!(evens.read_values_to_list().unwrap(), vec![2, 3, 4]);
    assert_eq!(odds.read_values_to_list().unwrap(), vec![1, 3, 5]);
    let err = input.pipe_input("k".into(), 13).unwrap_err();
    assert!(
        matches!(&err, DriverError::Streams(StreamsError::UnknownChild { child, .. }) if child == "nowhere"),
        "{err:?}"
    );
}

/// Emits a record on each punctuation and cancels itself after `limit` firings.
struct Ticker {
    kind: PunctuationType,
    limit: usize,
}

impl Processor<String, i32, String, i32> for Ticker {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, String, i32>) -> Result<(), StreamsError> {
        let mut fired = 0;
        let limit = self.limit;
        let handle: Arc<std::sync::Mutex<Option<Cancellable>>> = Arc::default();
        let h2 = handle.clone();
        let c = ctx.schedule(Duration::from_millis(100), self.kind, move |ctx, now| {
            fired += 1;
            assert!(
                ctx.record_metadata().is_none(),
                "no record inside a punctuator"
            );
            ctx.forward(Record::new(format!("tick{fired}"), 0, now))?;
            if fired == limit {
                h2.lock().unwrap().as_ref().unwrap().cancel();
            }
            Ok(())
        })?;
        *handle.lock().unwrap() = Some(c);
        assert!(matches!(
            ctx.schedule(Duration::ZERO, self.kind, |_, _| Ok(())),
            Err(StreamsError::InvalidPunctuationInterval)
        ));
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, i32>,
        r: Record<String, i32>,
    ) -> Result<(), StreamsError> {
        let meta = ctx.record_metadata().expect("processing a record");
        let r = r.with_value(meta.offset as i32);
        ctx.forward(r)
    }
}

fn ticker_driver(kind: PunctuationType, limit: usize) -> TopologyTestDriver {
    let mut b = TopologyBuilder::new();
    b.add_source("in", Consumed::with(Serdes::string(), int_serde()), "in")
        .add_processor("tick", move || Ticker { kind, limit }, &["in"])
        .add_sink(
            "out",
            "out",
            Produced::with(Serdes::string(), int_serde()),
            &["tick"],
        );
    TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("t"), 1_000).unwrap()
}

#[test]
fn wall_clock_punctuation_fires_on_advance_skips_missed_and_cancels() {
    let driver = ticker_driver(PunctuationType::WallClockTime, 3);
    let mut out = driver.create_output_topic("out", Serdes::string(), int_serde());
    let mut input = driver.create_input_topic("in", Serdes::string(), int_serde());
    input.pipe_input_at("r".into(), 0, 5).unwrap();
    assert_eq!(
        out.read_key_value().unwrap(),
        ("r".to_owned(), 0),
        "records do not fire wall-clock punctuators"
    );
    driver
        .advance_wall_clock_time(Duration::from_millis(50))
        .unwrap();
    assert!(out.is_empty());
    driver
        .advance_wall_clock_time(Duration::from_millis(60))
        .unwrap();
    let r = out.read_record().unwrap();
    assert_eq!((r.key.as_str(), r.timestamp), ("tick1", 1_110));
    // Scheduled at 1000 + 100, then 1200; a jump to 1360 fires once and moves on to 1400.
    driver
        .advance_wall_clock_time(Duration::from_millis(250))
        .unwrap();
    let r = out.read_record().unwrap();
    assert_eq!((r.key.as_str(), r.timestamp), ("tick2", 1_360));
    assert!(out.is_empty());
    driver
        .advance_wall_clock_time(Duration::from_millis(39))
        .unwrap();
    assert!(out.is_empty());
    driver
        .advance_wall_clock_time(Duration::from_millis(1))
        .unwrap();
    assert_eq!(out.read_record().unwrap().key, "tick3");
    // Cancelled from inside after the third firing.
    driver
        .advance_wall_clock_time(Duration::from_secs(10))
        .unwrap();
    assert!(out.is_empty());
}

#[test]
fn stream_time_punctuation_follows_record_timestamps_only() {
    let driver = ticker_driver(PunctuationType::StreamTime, 10);
    let mut out = driver.create_output_topic("out", Serdes::string(), int_serde());
    let mut input = driver.create_input_topic("in", Serdes::string(), int_serde());
    driver
        .advance_wall_clock_time(Duration::from_secs(10))
        .unwrap();
    assert!(
        out.is_empty(),
        "wall-clock time does not drive stream-time punctuation"
    );
    input.pipe_input_at("r".into(), 0, 50).unwrap();
    // The record is processed first, then the due punctuation (aligned to 0) fires at 50.
    let recs = out.read_records_to_list().unwrap();
    let got: Vec<_> = recs
        .iter()
        .map(|r| (r.key.as_str(), r.value, r.timestamp))
        .collect();
    assert_eq!(got, vec![("r", 0, 50), ("tick1", 0, 50)]);
    // Fired with schedule time 0 at 50: next due at 100.
    input.pipe_input_at("r".into(), 0, 99).unwrap();
    assert_eq!(out.read_records_to_list().unwrap().len(), 1, "not yet due");
    input.pipe_input_at("r".into(), 0, 149).unwrap();
    let recs = out.read_records_to_list().unwrap();
    let got: Vec<_> = recs
        .iter()
        .map(|r| (r.key.as_str(), r.value, r.timestamp))
        .collect();
    assert_eq!(got, vec![("r", 2, 149), ("tick2", 0, 149)]);
    input.pipe_input_at("r".into(), 0, 150).unwrap();
    assert_eq!(
        out.read_records_to_list().unwrap().len(),
        1,
        "next due at 200"
    );
}

fn int_source_driver(config: StreamsConfig) -> TopologyTestDriver {
    let mut b = TopologyBuilder::new();
    b.add_source("in", Consumed::with(Serdes::string(), int_serde()), "in")
        .add_sink(
            "out",
            "out",
            Produced::with(Serdes::string(), int_serde()),
            &["in"],
        );
    TopologyTestDriver::with_wall_clock(b.build().unwrap(), config, 0).unwrap()
}

#[test]
fn deserialization_error_with_log_and_continue_skips_the_record() {
    let config = StreamsConfig::new("d").with_deserialization_handler(Arc::new(LogAndContinue));
    let driver = int_source_driver(config);
    let mut input = driver.create_input_topic("in", Serdes::string(), int_serde());
    let mut out = driver.create_output_topic("out", Serdes::string(), int_serde());
    input
        .pipe_raw(
            Some(Bytes::from_static(b"k")),
            Some(Bytes::from_static(&[1, 2, 3])),
            1,
        )
        .unwrap();
    input.pipe_input_at("k".into(), 7, 2).unwrap();
    assert_eq!(out.read_values_to_list().unwrap(), vec![7]);
    assert_eq!(driver.dropped_records().deserialization, 1);
}

#[test]
fn deserialization_error_with_log_and_fail_stops() {
    let driver = int_source_driver(StreamsConfig::new("d"));
    let mut input = driver.create_input_topic("in", Serdes::string(), int_serde());
    let err = input
        .pipe_raw(
            Some(Bytes::from_static(b"k")),
            Some(Bytes::from_static(&[1, 2, 3])),
            1,
        )
        .unwrap_err();
    assert!(
        matches!(
            &err,
            DriverError::Streams(StreamsError::Deserialization { topic, offset: 0, .. }) if topic == "in"
        ),
        "{err:?}"
    );
    assert_eq!(driver.dropped_records().deserialization, 0);
}

#[test]
fn negative_timestamps_under_each_extractor() {
    // Default FailOnInvalidTimestamp.
    let driver = int_source_driver(StreamsConfig::new("ts"));
    let mut input = driver.create_input_topic("in", Serdes::string(), int_serde());
    assert!(matches!(
        input.pipe_input_at("k".into(), 1, -5).unwrap_err(),
        DriverError::Streams(StreamsError::InvalidTimestamp { timestamp: -5, .. })
    ));

    let driver = int_source_driver(
        StreamsConfig::new("ts").with_timestamp_extractor(Arc::new(LogAndSkipOnInvalidTimestamp)),
    );
    let mut input = driver.create_input_topic("in", Serdes::string(), int_serde());
    let mut out = driver.create_output_topic("out", Serdes::string(), int_serde());
    input.pipe_input_at("k".into(), 1, -5).unwrap();
    input.pipe_input_at("k".into(), 2, 5).unwrap();
    assert_eq!(out.read_values_to_list().unwrap(), vec![2]);
    assert_eq!(driver.dropped_records().negative_timestamp, 1);

    let driver = int_source_driver(
        StreamsConfig::new("ts")
            .with_timestamp_extractor(Arc::new(UsePartitionTimeOnInvalidTimestamp)),
    );
    let mut input = driver.create_input_topic("in", Serdes::string(), int_serde());
    let mut out = driver.create_output_topic("out", Serdes::string(), int_serde());
    // No partition time yet: an error, as in Java.
    assert!(input.pipe_input_at("k".into(), 1, -5).is_err());
    input.pipe_input_at("k".into(), 2, 40).unwrap();
    input.pipe_input_at("k".into(), 3, -1).unwrap();
    let recs = out.read_records_to_list().unwrap();
    let got: Vec<_> = recs.iter().map(|r| (r.value, r.timestamp)).collect();
    assert_eq!(got, vec![(2, 40), (3, 40)]);
}

#[test]
fn repartition_topics_are_prefixed_and_piped_back() {
    let mut b = TopologyBuilder::new();
    b.add_source("in", Consumed::with(Serdes::string(), int_serde()), "in")
        .add_sink(
            "to-repart",
            "rekeyed",
            Produced::with(Serdes::string(), int_serde()),
            &["in"],
        )
        .add_source(
            "from-repart",
            Consumed::with(Serdes::string(), int_serde()),
            "rekeyed",
        )
        .add_sink(
            "out",
            "out",
            Produced::with(Serdes::string(), int_serde()),
            &["from-repart"],
        )
        .add_internal_topic("rekeyed");
    let topology = b.build().unwrap();
    assert_eq!(topology.task_subtopology_count(), 2);
    let driver =
        TopologyTestDriver::with_wall_clock(topology, StreamsConfig::new("app"), 0).unwrap();
    let mut input = driver.create_input_topic("in", Serdes::string(), int_serde());
    let mut out = driver.create_output_topic("out", Serdes::string(), int_serde());
    input.pipe_input_at("k".into(), 9, 3).unwrap();
    assert_eq!(out.read_key_value().unwrap(), ("k".to_owned(), 9));
    let mut repart = driver.create_output_topic("app-rekeyed", Serdes::string(), int_serde());
    assert_eq!(repart.read_value().unwrap(), 9);
}

/// Keeps values above a threshold it raises on every wall-clock punctuation (a fixed-key
/// processor: it can change values, never keys).
struct Threshold {
    min: Arc<std::sync::atomic::AtomicI32>,
}

impl streams_core::processor::FixedKeyProcessor<String, i32, String> for Threshold {
    fn init(
        &mut self,
        ctx: &mut streams_core::processor::FixedKeyProcessorContext<'_, String, String>,
    ) -> Result<(), StreamsError> {
        let min = self.min.clone();
        ctx.schedule(
            Duration::from_millis(10),
            PunctuationType::WallClockTime,
            move |ctx, _| {
                assert_eq!(ctx.node_name(), "threshold");
                min.fetch_add(10, std::sync::atomic::Ordering::Relaxed);
                Ok(())
            },
        )?;
        Ok(())
    }

    fn process(
        &mut self,
        ctx: &mut streams_core::processor::FixedKeyProcessorContext<'_, String, String>,
        r: streams_core::processor::FixedKeyRecord<String, i32>,
    ) -> Result<(), StreamsError> {
        if *r.value() < self.min.load(std::sync::atomic::Ordering::Relaxed) {
            ctx.record_dropped();
            return Ok(());
        }
        let v = format!("{}:{}", r.key(), r.value());
        ctx.forward(r.with_value(v))
    }
}

#[test]
fn fixed_key_processors_forward_new_values_under_their_keys_and_punctuate() {
    let min = Arc::new(std::sync::atomic::AtomicI32::new(0));
    let mut b = TopologyBuilder::new();
    let m = min.clone();
    b.add_source("src", Consumed::with(Serdes::string(), int_serde()), "in")
        .add_processor(
            "threshold",
            move || streams_core::processor::FixedKey(Threshold { min: m.clone() }),
            &["src"],
        )
        .add_sink(
            "sink",
            "out",
            Produced::with(Serdes::string(), Serdes::string()),
            &["threshold"],
        );
    let d = TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("app"), 0)
        .unwrap();
    let mut input = d.create_input_topic("in", Serdes::string(), int_serde());
    let mut out = d.create_output_topic("out", Serdes::string(), Serdes::string());
    input.pipe_input("a".into(), 5).unwrap();
    d.advance_wall_clock_time(Duration::from_millis(10))
        .unwrap();
    input.pipe_input("b".into(), 5).unwrap();
    input.pipe_input("c".into(), 12).unwrap();
    let out = out.read_key_values_to_list().unwrap();
    assert_eq!(
        out,
        vec![
            ("a".to_owned(), "a:5".to_owned()),
            ("c".to_owned(), "c:12".to_owned())
        ]
    );
    assert_eq!(min.load(std::sync::atomic::Ordering::Relaxed), 10);
}
