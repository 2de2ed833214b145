//! The single-node fixture broker: it starts, answers, and carries records over the real wire.

use std::time::Duration;

use integration_tests::{JavaPeer, SASL_USERS, api_versions, kafka, unique_topic};

#[test]
fn broker_answers_api_versions_with_the_apis_clients_need() {
    let bootstrap = kafka().bootstrap();
    let first = bootstrap.split(',').next().unwrap();
    let answer = api_versions(first, Duration::from_secs(10)).expect("ApiVersions answered");
    assert_eq!(answer.error_code, 0);
    // Produce (0), Fetch (1), Metadata (3), ApiVersions (18), InitProducerId (22): every broker
    // version the project supports serves the flexible versions of these.
    for (key, min_max) in [(0, 9), (1, 12), (3, 9), (18, 3), (22, 2)] {
        let (_, max) = answer
            .range(key)
            .unwrap_or_else(|| panic!("api {key} missing"));
        assert!(max >= min_max, "api {key}: broker max {max} < {min_max}");
    }
}

#[test]
fn java_producer_records_read_back_by_java_consumer() {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("roundtrip");
    let acks = peer
        .produce(
            &bootstrap,
            &topic,
            50,
            &[("compression.type", "lz4"), ("linger.ms", "5")],
        )
        .expect("produce");
    assert_eq!(acks.len(), 50);
    let offsets: Vec<i64> = acks.iter().map(|a| a.1).collect();
    assert_eq!(
        offsets,
        (0..50).collect::<Vec<_>>(),
        "one partition, offsets in send order"
    );

    let records = peer
        .consume(&bootstrap, &topic, 50, Duration::from_secs(60), &[])
        .expect("consume");
    assert_eq!(records.len(), 50);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.offset, i as i64);
        assert_eq!(r.timestamp, 1_700_000_000_000 + i as i64);
        assert_eq!(r.key.as_deref(), Some(format!("key-{i}").as_bytes()));
        assert_eq!(r.value.as_deref(), Some(format!("value-{i}").as_bytes()));
        assert_eq!(
            r.headers,
            vec![("seq".to_string(), Some(i.to_string().into_bytes()))]
        );
    }
}

#[test]
fn sasl_listener_accepts_plain_and_scram_users_and_rejects_a_wrong_password() {
    let sasl = kafka().sasl_bootstrap().expect(
        "this test needs the SASL_PLAINTEXT listener: let the fixture start its own broker, or set \
         KAFKA_SASL_BOOTSTRAP for an external cluster with users alice/bob",
    );
    let peer = JavaPeer::new().expect("Java peer");
    let user = SASL_USERS[0];
    for mechanism in ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] {
        let module = if mechanism == "PLAIN" {
            "org.apache.kafka.common.security.plain.PlainLoginModule"
        } else {
            "org.apache.kafka.common.security.scram.ScramLoginModule"
        };
        let jaas = format!(
            r#"{module} required username="{}" password="{}";"#,
            user.name, user.password
        );
        let props = [
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", mechanism),
            ("sasl.jaas.config", jaas.as_str()),
        ];
        let topic = unique_topic(&format!("sasl-{}", mechanism.to_lowercase()));
        let acks = peer.produce(&sasl, &topic, 3, &props).expect(mechanism);
        assert_eq!(acks.len(), 3, "{mechanism}");
        let back = peer
            .consume(&sasl, &topic, 3, Duration::from_secs(60), &props)
            .expect(mechanism);
        assert_eq!(back.len(), 3, "{mechanism}");
    }

    let wrong = format!(
        r#"org.apache.kafka.common.security.scram.ScramLoginModule required username="{}" password="not-{}";"#,
        user.name, user.password
    );
    let err = peer
        .produce(
            &sasl,
            &unique_topic("sasl-wrong"),
            1,
            &[
                ("security.protocol", "SASL_PLAINTEXT"),
                ("sasl.mechanism", "SCRAM-SHA-512"),
                ("sasl.jaas.config", wrong.as_str()),
                ("max.block.ms", "10000"),
            ],
        )
        .expect_err("a wrong password must not authenticate");
    assert!(err.to_string().contains("Authentication failed"), "{err}");
}
