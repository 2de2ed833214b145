//! Configuration behaviour that is ours alone or deliberately stricter than Java, plus the
//! typed builders (the Java comparison is in `config_vectors.rs`).

use std::time::Duration;

use kafka_client::config::{
    Acks, AdminConfig, Assignor, AutoOffsetReset, Compression, ConfigError, ConsumerConfig,
    GroupProtocol, ProducerConfig, SecurityProtocol,
};
use kafka_client::sasl::{Credentials, Mechanism};

const PLAIN_JAAS: &str = r#"org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";"#;

fn producer(pairs: &[(&str, &str)]) -> Result<ProducerConfig, ConfigError> {
    ProducerConfig::from_properties(
        [("bootstrap.servers", "localhost:9092")]
            .iter()
            .chain(pairs)
            .copied(),
    )
}

#[test]
fn java_defaults_of_4_4() {
    let p = producer(&[]).unwrap();
    assert_eq!(p.acks, Acks::All);
    assert_eq!(p.linger, Duration::from_millis(5));
    assert_eq!(p.batch_size, 16_384);
    assert_eq!(p.buffer_memory, 33_554_432);
    assert_eq!(p.compression, Compression::None);
    assert!(p.enable_idempotence);
    assert_eq!(p.max_in_flight_requests_per_connection, 5);
    assert_eq!(p.retries, i32::MAX as u32);
    assert_eq!(p.delivery_timeout, Duration::from_secs(120));
    assert_eq!(p.common.request_timeout, Duration::from_secs(30));
    assert_eq!(p.common.reconnect_backoff, Duration::from_millis(50));
    assert_eq!(p.common.reconnect_backoff_max, Duration::from_secs(1));
    assert_eq!(p.common.retry_backoff, Duration::from_millis(100));
    assert_eq!(p.common.retry_backoff_max, Duration::from_secs(1));
    assert_eq!(
        p.common.connections_max_idle,
        Some(Duration::from_secs(540))
    );
    assert_eq!(p.common.security_protocol, SecurityProtocol::Plaintext);
    assert!(p.common.sasl.is_none());
    assert!(p.common.client_id.starts_with("producer-"));

    let c =
        ConsumerConfig::from_properties([("bootstrap.servers", "b:1"), ("group.id", "g")]).unwrap();
    assert_eq!(c.group_protocol, GroupProtocol::Classic);
    assert_eq!(c.session_timeout, Duration::from_secs(45));
    assert_eq!(c.heartbeat_interval, Duration::from_secs(3));
    assert_eq!(c.auto_offset_reset, AutoOffsetReset::Latest);
    assert_eq!(
        c.partition_assignment_strategy,
        vec![Assignor::Range, Assignor::CooperativeSticky]
    );
    assert_eq!(c.fetch_max_bytes, 52_428_800);
    assert!(c.enable_auto_commit);

    let a = AdminConfig::from_properties([("bootstrap.servers", "b:1")]).unwrap();
    assert_eq!(
        a.common.connections_max_idle,
        Some(Duration::from_secs(300))
    );
    assert_eq!(a.default_api_timeout, Duration::from_secs(60));
}

#[test]
fn sasl_from_jaas_line_and_from_username_password() {
    let p = producer(&[
        ("security.protocol", "SASL_SSL"),
        ("sasl.mechanism", "PLAIN"),
        ("sasl.jaas.config", PLAIN_JAAS),
    ])
    .unwrap();
    let sasl = p.common.sasl.unwrap();
    assert_eq!(sasl.mechanism, Mechanism::Plain);
    assert_eq!(sasl.credentials, Credentials::new("alice", "alice-secret"));

    let c = ConsumerConfig::builder()
        .bootstrap_servers(["b:9092"])
        .security_protocol(SecurityProtocol::SaslPlaintext)
        .sasl_mechanism(Mechanism::ScramSha256)
        .sasl_credentials(Credentials::new("bob", "pw"))
        .build()
        .unwrap();
    assert_eq!(c.common.sasl.unwrap().credentials.username, "bob");
}

#[test]
fn sasl_rules_stricter_than_java() {
    // Java defaults to GSSAPI (Kerberos), which this client does not implement.
    let err = producer(&[
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.jaas.config", PLAIN_JAAS),
    ])
    .unwrap_err();
    assert!(
        matches!(&err, ConfigError::InvalidValue { key, .. } if key == "sasl.mechanism"),
        "{err}"
    );
    let err = producer(&[
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.mechanism", "OAUTHBEARER"),
        ("sasl.jaas.config", PLAIN_JAAS),
    ])
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"),
        "{err}"
    );
    // Java fails only at login; we fail at build.
    let err = producer(&[
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.mechanism", "PLAIN"),
    ])
    .unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::Missing {
                key: "sasl.jaas.config",
                ..
            }
        ),
        "{err}"
    );
    let err = producer(&[
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.mechanism", "PLAIN"),
        ("sasl.jaas.config", PLAIN_JAAS),
        ("sasl.username", "x"),
    ])
    .unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::Inconsistent {
                key: "sasl.jaas.config",
                ..
            }
        ),
        "{err}"
    );
    // Without SASL the SASL keys are not interpreted, as in Java.
    assert!(
        producer(&[
            ("sasl.mechanism", "GSSAPI"),
            ("sasl.jaas.config", "garbage")
        ])
        .is_ok()
    );
}

#[test]
fn secrets_stay_out_of_errors() {
    let err = producer(&[
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.mechanism", "PLAIN"),
        (
            "sasl.jaas.config",
            "org.example.Nope required username=\"u\" password=\"hunter2\";",
        ),
    ])
    .unwrap_err();
    assert!(
        !err.to_string().contains("hunter2") && err.to_string().contains("[hidden]"),
        "{err}"
    );
}

#[test]
fn unknown_and_unsupported_keys_are_told_apart() {
    let err = producer(&[("lingr.ms", "5")]).unwrap_err();
    assert_eq!(
        err,
        ConfigError::UnknownKey {
            key: "lingr.ms".to_owned(),
            role: "producer"
        }
    );
    let err = producer(&[(
        "key.serializer",
        "org.apache.kafka.common.serialization.StringSerializer",
    )])
    .unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::Unsupported {
                role: "producer",
                ..
            }
        ),
        "{err}"
    );
    let err = producer(&[("ssl.engine.factory.class", "x.Y")]).unwrap_err();
    assert!(err.to_string().contains("TLS"), "{err}");
    // A consumer key is unknown to the producer.
    assert!(matches!(
        producer(&[("group.id", "g")]),
        Err(ConfigError::UnknownKey { .. })
    ));
}

#[test]
fn typed_values_are_range_checked_at_build() {
    let base = || ProducerConfig::builder().bootstrap_servers(["b:9092"]);
    let err = base()
        .request_timeout(Duration::from_millis(i32::MAX as u64 + 1))
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, ConfigError::InvalidValue { key, .. } if key == "request.timeout.ms"),
        "{err}"
    );
    assert!(base().batch_size(u32::MAX).build().is_err());
    assert!(base().buffer_memory(u64::MAX).build().is_err());
    assert_eq!(
        base().buffer_memory(1 << 40).build().unwrap().buffer_memory,
        1 << 40
    );
    assert!(
        base()
            .max_in_flight_requests_per_connection(0)
            .build()
            .is_err()
    );
    assert!(
        base()
            .compression(Compression::Zstd { level: 23 })
            .build()
            .is_err()
    );
    assert!(
        base()
            .compression(Compression::Gzip { level: 0 })
            .build()
            .is_err()
    );
    assert_eq!(
        base()
            .compression(Compression::Lz4 { level: 17 })
            .build()
            .unwrap()
            .compression,
        Compression::Lz4 { level: 17 }
    );
    assert!(
        base()
            .metadata_max_idle(Duration::from_millis(4999))
            .build()
            .is_err()
    );
    let err = base()
        .delivery_timeout(Duration::from_secs(1))
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::Inconsistent {
                key: "delivery.timeout.ms",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn builder_and_properties_agree() {
    let typed = ProducerConfig::builder()
        .bootstrap_servers(["a:1", "b:2"])
        .client_id("app")
        .acks(Acks::Leader)
        .linger(Duration::from_millis(25))
        .compression(Compression::Gzip { level: 6 })
        .enable_idempotence(false)
        .partitioner_ignore_keys(true)
        .build()
        .unwrap();
    let text = "bootstrap.servers=a:1,b:2\nclient.id=app\nacks=1\nlinger.ms=25\ncompression.type=gzip\n\
                compression.gzip.level=6\nenable.idempotence=false\npartitioner.ignore.keys=true\n";
    assert_eq!(ProducerConfig::from_properties_text(text).unwrap(), typed);
    let set = ProducerConfig::builder()
        .set("bootstrap.servers", "a:1,b:2")
        .unwrap()
        .set("acks", "0")
        .unwrap();
    assert_eq!(set.build().unwrap().acks, Acks::None);
}

#[test]
fn consumer_client_ids_follow_java() {
    let c = ConsumerConfig::from_properties([
        ("bootstrap.servers", "b:1"),
        ("group.id", "g"),
        ("group.instance.id", "i"),
    ])
    .unwrap();
    assert_eq!(c.common.client_id, "consumer-g-i");
    let c = ConsumerConfig::from_properties([("bootstrap.servers", "b:1")]).unwrap();
    assert!(
        c.common.client_id.starts_with("consumer-null-"),
        "{}",
        c.common.client_id
    );
    let p = producer(&[("client.id", "")]).unwrap();
    assert_eq!(
        p.common.client_id, "",
        "an explicit empty producer client.id stays empty, as in Java"
    );
}

#[test]
fn by_duration_reset_is_parsed() {
    let c = ConsumerConfig::from_properties([
        ("bootstrap.servers", "b:1"),
        ("auto.offset.reset", "by_duration:P1DT1H"),
    ])
    .unwrap();
    assert_eq!(
        c.auto_offset_reset,
        AutoOffsetReset::ByDuration(Duration::from_secs(90_000))
    );
}

#[test]
fn backoff_policies_come_from_config() {
    let p = producer(&[("reconnect.backoff.ms", "200")]).unwrap();
    let policy = p.common.reconnect_backoff_policy();
    // Only the initial value set: constant backoff, as Java's reconnect rule.
    assert_eq!(
        policy.backoff_with_factor(5, 1.0),
        Duration::from_millis(200)
    );
    let retry = p.common.retry_backoff_policy().with_jitter(0.0);
    assert_eq!(
        retry.backoff_with_factor(2, 1.0),
        Duration::from_millis(400)
    );
}

#[test]
fn properties_file_errors_carry_the_line() {
    let err =
        ProducerConfig::from_properties_text("bootstrap.servers=b:1\n# c\nlinger.ms=\\u00zz\n")
            .unwrap_err();
    assert!(
        matches!(err, ConfigError::MalformedProperties { line: 3, .. }),
        "{err}"
    );
}

#[test]
fn metrics_sampling_keys_reach_the_config() {
    use kafka_client::metrics::{MetricsConfig, RecordingLevel};
    let c = producer(&[
        ("metrics.sample.window.ms", "1000"),
        ("metrics.num.samples", "3"),
        ("metrics.recording.level", "DEBUG"),
    ])
    .unwrap();
    assert_eq!(
        c.common.metrics,
        MetricsConfig {
            sample_window: Duration::from_millis(1000),
            num_samples: 3,
            recording_level: RecordingLevel::Debug,
        }
    );
    assert_eq!(
        producer(&[]).unwrap().common.metrics,
        MetricsConfig::default()
    );
}

#[test]
fn metrics_push_can_only_be_turned_off() {
    // Java pushes client metrics (KIP-714) by default; this client has none to push, so asking
    // for the push is refused and turning it off is accepted.
    assert!(producer(&[("enable.metrics.push", "false")]).is_ok());
    let err = producer(&[("enable.metrics.push", "true")]).unwrap_err();
    assert!(matches!(err, ConfigError::Unsupported { .. }), "{err}");
}

#[test]
fn negative_timeouts_are_refused_where_java_has_no_validator() {
    // Java accepts session.timeout.ms=-1 and the broker then rejects the JoinGroup; a Duration
    // cannot be negative, so the value is refused here, at build time.
    let err = ConsumerConfig::from_properties([
        ("bootstrap.servers", "b:1"),
        ("session.timeout.ms", "-1"),
    ])
    .unwrap_err();
    assert!(
        matches!(&err, ConfigError::InvalidValue { key, .. } if key == "session.timeout.ms"),
        "{err}"
    );
}
