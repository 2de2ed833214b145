//! kafka-client: SASL authentication against the broker's SASL listener, and the errors a
//! user must get quickly and typed: bad credentials, no broker, records that are too large.

use std::time::Duration;

use integration_tests::{SASL_USERS, kafka, runtime, unique_topic};
use kafka_client::Error;
use kafka_client::KafkaCode;
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::config::{AdminConfig, ProducerConfig};
use kafka_client::producer::{Producer, ProducerRecord};

fn producer(bootstrap: &str, props: &[(&str, &str)]) -> kafka_client::error::Result<Producer> {
    let mut b =
        ProducerConfig::builder().bootstrap_servers(bootstrap.split(',').map(str::to_owned));
    for (k, v) in props {
        b = b.set(k, v).expect("valid producer property");
    }
    Producer::new(b.build().expect("producer config"))
}

fn sasl_props(mechanism: &'static str, user: &str, password: &str) -> Vec<(&'static str, String)> {
    let module = if mechanism == "PLAIN" {
        "org.apache.kafka.common.security.plain.PlainLoginModule"
    } else {
        "org.apache.kafka.common.security.scram.ScramLoginModule"
    };
    vec![
        ("security.protocol", "SASL_PLAINTEXT".to_string()),
        ("sasl.mechanism", mechanism.to_string()),
        (
            "sasl.jaas.config",
            format!(r#"{module} required username="{user}" password="{password}";"#),
        ),
    ]
}

/// Guards against a hang: the operations below must end on their own, well within this.
const NO_HANG: Duration = Duration::from_secs(90);

#[test]
fn sasl_plain_and_scram_authenticate_and_produce() {
    let sasl = kafka()
        .sasl_bootstrap()
        .expect("the fixture's SASL_PLAINTEXT listener");
    let rt = runtime();
    let user = SASL_USERS[1];
    for mechanism in ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] {
        let topic = unique_topic(&format!("client-sasl-{}", mechanism.to_lowercase()));
        let props = sasl_props(mechanism, user.name, user.password);
        let props: Vec<(&str, &str)> = props.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let ack = rt.block_on(async {
            let p = producer(&sasl, &props).expect("producer");
            let ack = p
                .send(ProducerRecord::new(&topic, "authenticated").key("k"))
                .await
                .expect("queued")
                .await
                .expect("acknowledged");
            p.close(Duration::from_secs(5)).await;
            ack
        });
        assert_eq!((ack.partition, ack.offset), (0, 0), "{mechanism}");
    }
}

#[test]
fn wrong_password_is_an_authentication_error() {
    let sasl = kafka()
        .sasl_bootstrap()
        .expect("the fixture's SASL_PLAINTEXT listener");
    let rt = runtime();
    for mechanism in ["PLAIN", "SCRAM-SHA-512"] {
        let props = sasl_props(mechanism, SASL_USERS[0].name, "not-the-password");
        let props: Vec<(&str, &str)> = props.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let err = rt.block_on(async {
            let p = producer(&sasl, &props).expect("producer");
            tokio::time::timeout(NO_HANG, p.send(ProducerRecord::new("any-topic", "x")))
                .await
                .expect("no hang")
                .expect_err("a wrong password cannot produce")
        });
        match err.root() {
            Error::Authentication { reason, .. } => {
                assert!(
                    reason.contains("SASL_AUTHENTICATION_FAILED"),
                    "{mechanism}: {reason}"
                );
            }
            other => panic!("{mechanism}: expected an authentication error, got {other:?}"),
        }
        assert!(!err.is_retriable());
    }
}

#[test]
fn unreachable_bootstrap_fails_within_max_block() {
    let rt = runtime();
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = rt.block_on(async {
        let p = producer(
            &format!("127.0.0.1:{port}"),
            &[("max.block.ms", "1500"), ("reconnect.backoff.ms", "50")],
        )
        .expect("producer");
        tokio::time::timeout(NO_HANG, p.send(ProducerRecord::new("t", "x")))
            .await
            .expect("no hang")
            .expect_err("no broker")
    });
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("metadata"), "{err}");
}

#[test]
fn too_large_records_are_refused_client_side_and_broker_side() {
    let bootstrap = kafka().bootstrap();
    let rt = runtime();
    let topic = unique_topic("client-too-large");
    let admin = Admin::new(
        AdminConfig::builder()
            .bootstrap_servers([bootstrap.clone()])
            .build()
            .unwrap(),
    )
    .unwrap();
    rt.block_on(
        admin.create_topics(&[NewTopic::new(&topic, 1).config("max.message.bytes", "10000")]),
    )
    .expect("create topic");
    // Larger than max.request.size (1 MiB by default): refused before anything is queued.
    let (client_side, broker_side) = rt.block_on(async {
        let p = producer(&bootstrap, &[("max.request.size", "4000000")]).expect("producer");
        let client = producer(&bootstrap, &[]).expect("producer");
        let c = client
            .send(ProducerRecord::new(&topic, vec![0u8; 2 << 20]))
            .await
            .expect_err("2 MiB > max.request.size");
        // Fits the producer, not the topic's max.message.bytes: the broker says no.
        let b = tokio::time::timeout(NO_HANG, async {
            p.send(ProducerRecord::new(&topic, vec![1u8; 50_000]))
                .await
                .expect("queued")
                .await
        })
        .await
        .expect("no hang")
        .expect_err("50 kB > max.message.bytes");
        (c, b)
    });
    assert!(
        matches!(
            client_side,
            Error::RecordTooLarge {
                limit_name: "max.request.size",
                ..
            }
        ),
        "{client_side:?}"
    );
    assert_eq!(
        broker_side.code(),
        Some(KafkaCode::MESSAGE_TOO_LARGE),
        "{broker_side:?}"
    );
    assert!(!broker_side.is_retriable());
}
