use std::time::Duration;

use bytes::Bytes;
use kafka_client::config::ConfigError;

use super::*;
use crate::serde::Serdes;
use crate::test_driver::TopologyTestDriver;
use crate::topology::{Consumed, Produced, TopologyBuilder};

fn config(pairs: &[(&str, &str)]) -> Result<StreamsConfig, ConfigError> {
    let mut all = vec![("application.id", "app")];
    all.extend_from_slice(pairs);
    StreamsConfig::from_properties(all)
}

fn err(pairs: &[(&str, &str)]) -> ConfigError {
    match config(pairs) {
        Ok(c) => panic!("{pairs:?} accepted: {c:?}"),
        Err(e) => e,
    }
}

#[test]
fn typed_keys_land_in_their_fields() {
    let c = config(&[
        ("state.dir", "/var/lib/streams"),
        ("statestore.cache.max.bytes", "1024"),
        ("max.task.idle.ms", "-1"),
        ("processing.guarantee", "exactly_once_v2"),
        ("commit.interval.ms", "250"),
        ("num.stream.threads", "3"),
        ("num.standby.replicas", "1"),
        ("replication.factor", "3"),
        ("application.server", "node-1:7070"),
        ("bootstrap.servers", "b1:9092, b2:9092"),
    ])
    .unwrap();
    assert_eq!(c.application_id, "app");
    assert_eq!(c.state_dir.as_deref(), Some("/var/lib/streams".as_ref()));
    assert_eq!(c.cache_max_bytes, 1024);
    assert_eq!(c.max_task_idle_ms, -1);
    assert_eq!(c.processing_guarantee, ProcessingGuarantee::ExactlyOnceV2);
    assert_eq!(c.commit_interval(), Duration::from_millis(250));
    assert_eq!(c.num_stream_threads, 3);
    assert_eq!(c.num_standby_replicas, 1);
    assert_eq!(c.replication_factor, 3);
    assert_eq!(c.application_server.as_deref(), Some("node-1:7070"));
    assert_eq!(c.bootstrap_servers, ["b1:9092", "b2:9092"]);
    assert!(c.client_properties.is_empty());
    assert!(c.runtime_properties.is_empty());
}

#[test]
fn commit_interval_defaults_follow_the_guarantee_as_in_java() {
    let alos = config(&[]).unwrap();
    assert_eq!(alos.commit_interval(), Duration::from_secs(30));
    let eos = config(&[("processing.guarantee", "exactly_once_v2")]).unwrap();
    assert_eq!(eos.commit_interval(), Duration::from_millis(100));
}

#[test]
fn application_id_is_required_and_not_blank() {
    let e = StreamsConfig::from_properties([("bootstrap.servers", "b:9092")]).unwrap_err();
    assert!(
        matches!(
            e,
            ConfigError::Missing {
                key: "application.id",
                ..
            }
        ),
        "{e}"
    );
    let e = StreamsConfig::from_properties([("application.id", "  ")]).unwrap_err();
    assert!(matches!(e, ConfigError::InvalidValue { ref key, .. } if key == "application.id"));
}

#[test]
fn unknown_keys_are_errors_naming_the_key() {
    for key in [
        "num.streams.threads",
        "consumer.linger.ms",
        "producer.max.poll.records",
    ] {
        let e = err(&[(key, "1")]);
        assert!(
            matches!(&e, ConfigError::UnknownKey { key: k, role: "streams" } if k == key),
            "{key}: {e}"
        );
        assert!(e.to_string().contains(key), "{e}");
    }
}

#[test]
fn bad_values_are_errors_naming_key_and_value() {
    for (key, value) in [
        ("num.stream.threads", "0"),
        ("num.standby.replicas", "-1"),
        ("replication.factor", "0"),
        ("max.task.idle.ms", "-2"),
        ("statestore.cache.max.bytes", "lots"),
        ("processing.guarantee", "exactly_once"),
        ("probing.rebalance.interval.ms", "1000"),
        ("topology.optimization", "all,merge.repartition.topics"),
        ("metrics.recording.level", "info"),
        ("application.server", "no-port"),
        ("bootstrap.servers", "b1:9092,:9093"),
        ("default.key.serde", "com.example.MySerde"),
        ("default.timestamp.extractor", "WallclockTimestampExtractor"),
        ("producer.linger.ms", "soon"),
        ("max.poll.records", "0"),
    ] {
        let e = err(&[(key, value)]);
        match &e {
            ConfigError::InvalidValue {
                key: k, value: v, ..
            } => {
                assert_eq!((k.as_str(), v.as_str()), (key, value), "{e}")
            }
            other => panic!("{key}={value}: {other}"),
        }
    }
    let e = err(&[("processing.guarantee", "exactly_once_beta")]);
    assert!(e.to_string().contains("removed in Kafka 4.0"), "{e}");
}

#[test]
fn keys_streams_owns_or_cannot_honour_are_refused_with_a_reason() {
    for key in [
        "group.id",
        "consumer.enable.auto.commit",
        "main.consumer.group.id",
        "producer.transactional.id",
        "rocksdb.config.setter",
        "task.assignor.class",
    ] {
        let e = err(&[(key, "x")]);
        assert!(
            matches!(&e, ConfigError::Unsupported { key: k, .. } if k == key),
            "{key}: {e}"
        );
    }
    let e = err(&[(
        "processing.exception.handler",
        "org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler",
    )]);
    assert!(matches!(e, ConfigError::Unsupported { .. }), "{e}");
}

#[test]
fn client_keys_are_checked_by_their_client_and_kept_in_order() {
    let c = config(&[
        ("linger.ms", "5"),
        ("consumer.max.poll.records", "500"),
        ("restore.consumer.max.poll.records", "1000"),
        ("admin.request.timeout.ms", "1000"),
        ("linger.ms", "7"),
    ])
    .unwrap();
    let got: Vec<(&str, &str)> = c
        .client_properties
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("consumer.max.poll.records", "500"),
            ("restore.consumer.max.poll.records", "1000"),
            ("admin.request.timeout.ms", "1000"),
            ("linger.ms", "7"),
        ]
    );
}

#[test]
fn runtime_keys_are_checked_and_kept() {
    let c = config(&[
        ("acceptable.recovery.lag", "5000"),
        (
            "topology.optimization",
            "reuse.ktable.source.topics,merge.repartition.topics",
        ),
        ("client.tag.zone", "eu-1a"),
        ("rack.aware.assignment.tags", "zone"),
    ])
    .unwrap();
    assert_eq!(c.runtime_properties["acceptable.recovery.lag"], "5000");
    assert_eq!(c.runtime_properties["client.tag.zone"], "eu-1a");
    assert_eq!(c.runtime_properties.len(), 4);
}

#[test]
fn a_deprecated_key_yields_to_its_replacement_in_either_order() {
    for pairs in [
        [
            ("cache.max.bytes.buffering", "1"),
            ("statestore.cache.max.bytes", "2"),
        ],
        [
            ("statestore.cache.max.bytes", "2"),
            ("cache.max.bytes.buffering", "1"),
        ],
    ] {
        assert_eq!(config(&pairs).unwrap().cache_max_bytes, 2, "{pairs:?}");
    }
    assert_eq!(
        config(&[("cache.max.bytes.buffering", "1")])
            .unwrap()
            .cache_max_bytes,
        1
    );
    // A superseded line is still checked.
    let e = err(&[
        ("cache.max.bytes.buffering", "x"),
        ("statestore.cache.max.bytes", "2"),
    ]);
    assert!(matches!(e, ConfigError::InvalidValue { .. }), "{e}");
}

#[test]
fn properties_text_and_set_use_the_same_rules() {
    let c = StreamsConfig::from_properties_text(
        "# an operator's file\napplication.id = orders\nnum.stream.threads=2\n",
    )
    .unwrap();
    assert_eq!(
        (c.application_id.as_str(), c.num_stream_threads),
        ("orders", 2)
    );
    let c = c.set("num.stream.threads", "4").unwrap();
    assert_eq!(c.num_stream_threads, 4);
    assert!(c.set("num.stream.threads", "x").is_err());
}

/// A topology whose source and sink name no serdes: the defaults by Java class name serve
/// both a plain and a nullable key type, and the handler by class name skips bad bytes.
#[test]
fn java_class_names_configure_default_serdes_and_the_handler() {
    let c = config(&[
        (
            "default.key.serde",
            "org.apache.kafka.common.serialization.Serdes$StringSerde",
        ),
        (
            "default.value.serde",
            "org.apache.kafka.common.serialization.Serdes$LongSerde",
        ),
        (
            "deserialization.exception.handler",
            "org.apache.kafka.streams.errors.LogAndContinueExceptionHandler",
        ),
        (
            "default.timestamp.extractor",
            "org.apache.kafka.streams.processor.LogAndSkipOnInvalidTimestamp",
        ),
    ])
    .unwrap();
    let mut b = TopologyBuilder::new();
    b.add_source::<Option<String>, i64>("in", Consumed::default(), "input")
        .add_sink::<Option<String>, i64>("out", "output", Produced::default(), &["in"]);
    let driver = TopologyTestDriver::new(b.build().unwrap(), c).unwrap();
    let mut input = driver.create_input_topic("input", Serdes::nullable_string(), Serdes::long());
    let mut output =
        driver.create_output_topic("output", Serdes::nullable_string(), Serdes::long());
    input
        .pipe_raw(
            Some(Bytes::from_static(b"k")),
            Some(Bytes::from_static(b"bad")),
            1,
        )
        .unwrap();
    input.pipe_input_at(Some("k".to_owned()), 7, 2).unwrap();
    input.pipe_input_at(None, 8, 3).unwrap();
    input.pipe_input_at(Some("late".to_owned()), 9, -5).unwrap();
    assert_eq!(
        output.read_key_values_to_list().unwrap(),
        [(Some("k".to_owned()), 7), (None, 8)]
    );
    let dropped = driver.dropped_records();
    assert_eq!(
        (dropped.deserialization, dropped.negative_timestamp),
        (1, 1)
    );

    // A plain (non-null) key type gets the same serde.
    let c = config(&[(
        "default.key.serde",
        "org.apache.kafka.common.serialization.Serdes$StringSerde",
    )])
    .unwrap()
    .with_default_value_serde(Serdes::string());
    let mut b = TopologyBuilder::new();
    b.add_source::<String, String>("in", Consumed::default(), "input")
        .add_sink::<String, String>("out", "output", Produced::default(), &["in"]);
    assert!(b.build().unwrap().check_serdes(&c).is_ok());
}
