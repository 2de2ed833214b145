//! Build-time errors: a missing serde or an unsupported combination fails `build()` (or the
//! driver's start) with an error naming the operation, never a run-time panic.

use std::time::Duration;

use streams_core::serde::Serdes;
use streams_core::test_driver::{DriverError, TopologyTestDriver};
use streams_core::topology::TopologyError;
use streams_core::{StreamsConfig, StreamsError};
use streams_dsl::{
    BufferConfig, DslError, StreamsBuilder, SuppressBufferFull, Suppressed, TimeWindows,
};

/// A type with no built-in serde.
#[derive(Debug, Clone, PartialEq)]
struct Sku(String);

#[test]
fn store_without_serde_fails_build_naming_the_operation() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by(|_, v| Sku(v.clone()))
        .count()
        .to_stream()
        .foreach(|_, _| {});
    match b.build() {
        Err(DslError::MissingSerde {
            operation, which, ..
        }) => {
            assert_eq!(operation, "KSTREAM-AGGREGATE-0000000003");
            assert_eq!(which, "key");
        }
        other => panic!("expected a missing key serde, got {other:?}"),
    }
}

#[test]
fn sink_without_serde_fails_driver_start_naming_the_sink() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in").map_values(Sku).to("out");
    let topology = b.build().expect("no store needs a serde");
    match TopologyTestDriver::with_wall_clock(topology, StreamsConfig::new("e"), 0) {
        Err(DriverError::Topology(TopologyError::MissingSerde { node, which, .. })) => {
            assert_eq!(node, "KSTREAM-SINK-0000000002");
            assert_eq!(which, "value");
        }
        Err(e) => panic!("expected a missing serde, got {e}"),
        Ok(_) => panic!("expected a missing serde, the driver started"),
    }
}

#[test]
fn joining_a_windowed_table_is_a_build_error() {
    let b = StreamsBuilder::new();
    let counts = b
        .stream::<String, String>("in")
        .group_by_key()
        .windowed_by(TimeWindows::of_size_with_no_grace(Duration::from_secs(1)))
        .count();
    counts.join(&counts, |a, c| a + c);
    match b.build() {
        Err(DslError::NotReadable { operation, table }) => {
            assert_eq!(operation, "KTABLE-JOINTHIS-0000000004");
            assert_eq!(table, "KSTREAM-AGGREGATE-0000000002");
        }
        other => panic!("expected NotReadable, got {other:?}"),
    }
}

#[test]
fn full_suppression_buffer_set_to_shut_down_fails_processing_typed() {
    let b = StreamsBuilder::new();
    b.table::<String, String>("t")
        .suppress_until_time_limit(
            Duration::from_secs(60),
            BufferConfig::max_records(1).shut_down_when_full(),
        )
        .to_stream()
        .to("out");
    let driver =
        TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("e"), 0)
            .unwrap();
    let mut input = driver.create_input_topic("t", Serdes::string(), Serdes::string());
    input.pipe_input_at("a".into(), "1".into(), 1).unwrap();
    match input.pipe_input_at("b".into(), "2".into(), 2) {
        Err(DriverError::Streams(StreamsError::Processor { node, source })) => {
            assert_eq!(node, "KTABLE-SUPPRESS-0000000003");
            let full = source
                .downcast_ref::<SuppressBufferFull>()
                .expect("a SuppressBufferFull");
            assert_eq!((full.max_records, full.records), (Some(1), 2));
            assert_eq!(full.store, "KTABLE-SUPPRESS-STATE-STORE-0000000004");
        }
        other => panic!("expected a full buffer, got {other:?}"),
    }
}

#[test]
fn a_full_bounded_final_results_buffer_fails_processing_instead_of_emitting_early() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by(TimeWindows::of_size_with_no_grace(Duration::from_millis(
            10,
        )))
        .count()
        .suppress(Suppressed::until_window_closes_bounded(
            // Asked to emit early, which final results cannot do.
            BufferConfig::max_records(1).emit_early_when_full(),
        ))
        .to_stream()
        .to("out");
    let driver =
        TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("w"), 0)
            .unwrap();
    let mut input = driver.create_input_topic("in", Serdes::string(), Serdes::string());
    input.pipe_input_at("a".into(), "x".into(), 1).unwrap();
    match input.pipe_input_at("b".into(), "y".into(), 2) {
        Err(DriverError::Streams(StreamsError::Processor { source, .. })) => {
            let full = source
                .downcast_ref::<SuppressBufferFull>()
                .expect("a SuppressBufferFull");
            assert_eq!((full.max_records, full.records), (Some(1), 2));
        }
        other => panic!("expected a full buffer, got {other:?}"),
    }
}

#[test]
fn an_unknown_optimization_fails_the_build_naming_it() {
    // StreamsConfig::from_properties rejects unknown values, so set one directly.
    for (setting, named) in [
        ("merge.everything", "merge.everything"),
        (
            "reuse.ktable.source.topics,merge.everything",
            "merge.everything",
        ),
    ] {
        let b = StreamsBuilder::new();
        b.table::<String, String>("t").to_stream().to("out");
        let mut config = StreamsConfig::new("o");
        config
            .runtime_properties
            .insert("topology.optimization".into(), setting.into());
        match b.build_with(&config) {
            Err(DslError::UnsupportedOptimization { optimization }) => {
                assert_eq!(optimization, named)
            }
            other => panic!("{setting}: expected an unsupported optimization, got {other:?}"),
        }
    }
}
