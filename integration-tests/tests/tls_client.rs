//! kafka-client over TLS against the fixture broker's SSL listeners: produce and consume over
//! SSL (read back by our consumer and by Java's), SASL_SSL with SCRAM-SHA-512, client
//! certificates, and the typed errors of a wrong CA and of a host name the certificate does not
//! name.

use std::time::Duration;

use bytes::Bytes;
use integration_tests::{JavaPeer, SASL_USERS, kafka, unique_topic};
use kafka_client::Error;
use kafka_client::config::{AutoOffsetReset, ConsumerConfig, ProducerConfig};
use kafka_client::connection::TlsError;
use kafka_client::consumer::{Consumer, ConsumerRecord, TopicPartition};
use kafka_client::producer::{Producer, ProducerRecord};

/// Guards against a hang: every operation below must end on its own well within this.
const NO_HANG: Duration = Duration::from_secs(90);
const TS: i64 = 1_700_000_000_000;

fn ca() -> String {
    kafka()
        .ca_pem_path()
        .expect("the fixture's CA certificate")
        .display()
        .to_string()
}

/// Properties of an SSL client trusting the fixture's CA.
fn ssl_props(ca: &str) -> Vec<(&'static str, String)> {
    vec![
        ("security.protocol", "SSL".into()),
        ("ssl.truststore.type", "PEM".into()),
        ("ssl.truststore.location", ca.into()),
    ]
}

fn producer(bootstrap: &str, props: &[(&str, String)]) -> kafka_client::error::Result<Producer> {
    let mut b =
        ProducerConfig::builder().bootstrap_servers(bootstrap.split(',').map(str::to_owned));
    for (k, v) in props {
        b = b.set(k, v).expect("valid producer property");
    }
    Producer::new(b.build().expect("producer config"))
}

/// Sends `n` keyed records with headers and timestamps; returns their offsets.
async fn produce(p: &Producer, topic: &str, n: usize) -> kafka_client::error::Result<Vec<i64>> {
    let mut pending = Vec::with_capacity(n);
    for i in 0..n {
        let r = ProducerRecord::new(topic, format!("value-{i}"))
            .key(format!("key-{i}"))
            .timestamp(TS + i as i64)
            .header("seq", Some(Bytes::from(i.to_string())));
        pending.push(p.send(r).await?);
    }
    let mut offsets = Vec::with_capacity(n);
    for f in pending {
        offsets.push(f.await?.offset);
    }
    Ok(offsets)
}

async fn poll_until(consumer: &mut Consumer, n: usize, limit: Duration) -> Vec<ConsumerRecord> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut out = Vec::new();
    while out.len() < n && tokio::time::Instant::now() < deadline {
        out.extend(
            consumer
                .poll(Duration::from_millis(500))
                .await
                .expect("poll"),
        );
    }
    out
}

fn text(b: &Option<Bytes>) -> String {
    String::from_utf8(b.as_ref().expect("non-null").to_vec()).expect("utf-8")
}

/// The TLS error inside `err`, or a panic naming what came instead.
fn tls_error(err: &Error) -> &TlsError {
    match err.root() {
        Error::Tls(t) => t,
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssl_round_trip_read_back_by_our_consumer_and_javas() {
    let bootstrap = kafka().ssl_bootstrap().expect("the fixture's SSL listener");
    let ca = ca();
    let topic = unique_topic("tls-ssl");
    let n = 500;
    let p = producer(&bootstrap, &ssl_props(&ca)).expect("producer");
    let offsets = tokio::time::timeout(NO_HANG, produce(&p, &topic, n))
        .await
        .expect("no hang")
        .expect("produced over SSL");
    assert_eq!(offsets, (0..n as i64).collect::<Vec<_>>());
    // Each connection's TLS handshake counts as an authentication, as Java's selector counts it.
    let net = |name: &str| {
        p.metrics_registry()
            .value("producer-metrics", name, &[])
            .unwrap_or_else(|| panic!("{name} is registered"))
    };
    let created = net("connection-creation-total");
    assert!(created >= 1.0);
    assert_eq!(net("successful-authentication-total"), created);
    assert_eq!(net("successful-authentication-no-reauth-total"), created);
    assert_eq!(net("failed-authentication-total"), 0.0);
    p.close(Duration::from_secs(5)).await;

    // Our consumer, also over SSL, the CA given as PEM text this time.
    let pem = std::fs::read_to_string(&ca).expect("CA file");
    let mut c = Consumer::new(
        ConsumerConfig::builder()
            .bootstrap_servers([bootstrap.clone()])
            .auto_offset_reset(AutoOffsetReset::Earliest)
            .set("security.protocol", "SSL")
            .and_then(|b| b.set("ssl.truststore.type", "PEM"))
            .and_then(|b| b.set("ssl.truststore.certificates", &pem))
            .expect("consumer properties")
            .build()
            .expect("consumer config"),
    )
    .expect("consumer");
    c.assign([TopicPartition::new(topic.clone(), 0)]).unwrap();
    let records = poll_until(&mut c, n, Duration::from_secs(60)).await;
    assert_eq!(records.len(), n);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.offset, i as i64);
        assert_eq!(r.timestamp, TS + i as i64);
        assert_eq!(text(&r.key), format!("key-{i}"));
        assert_eq!(text(&r.value), format!("value-{i}"));
        let headers: Vec<_> = r.headers.iter().collect();
        assert_eq!(headers.len(), 1);
        assert_eq!(headers[0].key_str(), Some("seq"));
    }

    // Java's consumer over SSL reads the same records.
    let peer = JavaPeer::new().expect("Java peer");
    let java = peer
        .consume(
            &bootstrap,
            &topic,
            n,
            Duration::from_secs(60),
            &[
                ("security.protocol", "SSL"),
                ("ssl.truststore.type", "PEM"),
                ("ssl.truststore.location", &ca),
            ],
        )
        .expect("Java consumer over SSL");
    assert_eq!(java.len(), n);
    for (i, r) in java.iter().enumerate() {
        assert_eq!(
            (r.partition, r.offset, r.timestamp),
            (0, i as i64, TS + i as i64)
        );
        assert_eq!(r.key.as_deref(), Some(format!("key-{i}").as_bytes()));
        assert_eq!(r.value.as_deref(), Some(format!("value-{i}").as_bytes()));
        assert_eq!(
            r.headers,
            vec![("seq".to_string(), Some(i.to_string().into_bytes()))]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localhost_is_a_name_the_broker_certificate_carries() {
    let bootstrap = kafka().ssl_bootstrap().expect("the fixture's SSL listener");
    // Bootstrap by DNS name (the certificate's DNS SAN); the metadata then points at 127.0.0.1
    // (its IP SAN).
    let by_name = bootstrap.replace("127.0.0.1", "localhost");
    let topic = unique_topic("tls-localhost");
    let p = producer(&by_name, &ssl_props(&ca())).expect("producer");
    let offsets = tokio::time::timeout(NO_HANG, produce(&p, &topic, 3))
        .await
        .expect("no hang")
        .expect("produced over SSL via localhost");
    assert_eq!(offsets, vec![0, 1, 2]);
    p.close(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sasl_ssl_with_scram_sha_512() {
    let bootstrap = kafka()
        .sasl_ssl_bootstrap()
        .expect("the fixture's SASL_SSL listener");
    let user = SASL_USERS[0];
    let mut props = ssl_props(&ca());
    props[0].1 = "SASL_SSL".into();
    props.push(("sasl.mechanism", "SCRAM-SHA-512".into()));
    props.push((
        "sasl.jaas.config",
        format!(
            r#"org.apache.kafka.common.security.scram.ScramLoginModule required username="{}" password="{}";"#,
            user.name, user.password
        ),
    ));
    let topic = unique_topic("tls-sasl-ssl");
    let p = producer(&bootstrap, &props).expect("producer");
    let offsets = tokio::time::timeout(NO_HANG, produce(&p, &topic, 10))
        .await
        .expect("no hang")
        .expect("produced over SASL_SSL");
    assert_eq!(offsets, (0..10).collect::<Vec<_>>());
    p.close(Duration::from_secs(5)).await;

    // The same listener with a wrong password: authentication fails inside TLS.
    let mut wrong = props.clone();
    wrong.last_mut().expect("jaas").1 = format!(
        r#"org.apache.kafka.common.security.scram.ScramLoginModule required username="{}" password="wrong";"#,
        user.name
    );
    let p = producer(&bootstrap, &wrong).expect("producer");
    let err = tokio::time::timeout(NO_HANG, produce(&p, &topic, 1))
        .await
        .expect("no hang")
        .expect_err("a wrong password cannot produce");
    assert!(
        matches!(err.root(), Error::Authentication { .. }),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_certificate_from_a_keystore_file_or_inline_pem() {
    let k = kafka();
    let bootstrap = k.mtls_bootstrap().expect("the fixture's mTLS listener");
    let files = k.tls_files().expect("the fixture's certificates");
    let ca = ca();
    let chain = std::fs::read_to_string(&files.client_chain).unwrap();
    let key = std::fs::read_to_string(&files.client_key).unwrap();
    let as_file = {
        let mut p = ssl_props(&ca);
        p.push(("ssl.keystore.type", "PEM".into()));
        p.push((
            "ssl.keystore.location",
            files.client_keystore.display().to_string(),
        ));
        p
    };
    let inline = {
        let mut p = ssl_props(&ca);
        p.push(("ssl.keystore.type", "PEM".into()));
        p.push(("ssl.keystore.certificate.chain", chain));
        p.push(("ssl.keystore.key", key));
        p
    };
    for (how, props) in [("keystore file", as_file), ("inline PEM", inline)] {
        let topic = unique_topic("tls-mtls");
        let p = producer(&bootstrap, &props).expect("producer");
        let offsets = tokio::time::timeout(NO_HANG, produce(&p, &topic, 5))
            .await
            .expect("no hang")
            .unwrap_or_else(|e| panic!("{how}: produced with a client certificate: {e}"));
        assert_eq!(offsets, (0..5).collect::<Vec<_>>(), "{how}");
        p.close(Duration::from_secs(5)).await;
    }

    // Without a client certificate the broker refuses the connection: an error, not a hang.
    let p = producer(&bootstrap, &ssl_props(&ca)).expect("producer");
    let err = tokio::time::timeout(NO_HANG, produce(&p, &unique_topic("tls-no-cert"), 1))
        .await
        .expect("no hang")
        .expect_err("the broker requires a client certificate");
    match tls_error(&err) {
        TlsError::Handshake { reason, .. } => assert!(reason.contains("alert"), "{reason}"),
        other => panic!("expected the broker's alert, got {other:?}"),
    }
    assert!(!err.is_retriable());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_ca_is_a_typed_untrusted_certificate_error() {
    let k = kafka();
    let bootstrap = k.ssl_bootstrap().expect("the fixture's SSL listener");
    let other_ca = k.tls_files().expect("certificates").other_ca.clone();
    let p = producer(&bootstrap, &ssl_props(&other_ca.display().to_string())).expect("producer");
    let err = tokio::time::timeout(NO_HANG, produce(&p, "any-topic", 1))
        .await
        .expect("no hang")
        .expect_err("a broker certificate from another CA is not trusted");
    match tls_error(&err) {
        TlsError::UntrustedCertificate { broker, reason } => {
            assert!(bootstrap.contains(broker.as_str()), "{broker}");
            assert!(reason.contains("UnknownIssuer"), "{reason}");
        }
        other => panic!("expected an untrusted certificate, got {other:?}"),
    }
    assert!(!err.is_retriable());
    let net = |name: &str| {
        p.metrics_registry()
            .value("producer-metrics", name, &[])
            .unwrap_or_else(|| panic!("{name} is registered"))
    };
    assert!(net("failed-authentication-total") >= 1.0);
    assert_eq!(net("successful-authentication-total"), 0.0);
    // The refused connection is closed: none stays open.
    assert_eq!(net("connection-count"), 0.0);
    assert_eq!(
        net("connection-close-total"),
        net("connection-creation-total")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_name_mismatch_fails_unless_identification_is_off() {
    let bootstrap = kafka()
        .wrong_host_bootstrap()
        .expect("the fixture's wrong-host listener");
    let ca = ca();
    let p = producer(&bootstrap, &ssl_props(&ca)).expect("producer");
    let err = tokio::time::timeout(NO_HANG, produce(&p, "any-topic", 1))
        .await
        .expect("no hang")
        .expect_err("the certificate names wrong-host.invalid, not 127.0.0.1");
    match tls_error(&err) {
        TlsError::HostnameMismatch { host, reason, .. } => {
            assert_eq!(host, "127.0.0.1");
            assert!(reason.contains("wrong-host.invalid"), "{reason}");
        }
        other => panic!("expected a host name mismatch, got {other:?}"),
    }
    assert!(!err.is_retriable());

    // Identification off: the chain is still checked (same CA), the name is not.
    let mut props = ssl_props(&ca);
    props.push(("ssl.endpoint.identification.algorithm", String::new()));
    let topic = unique_topic("tls-no-identification");
    let p = producer(&bootstrap, &props).expect("producer");
    let offsets = tokio::time::timeout(NO_HANG, produce(&p, &topic, 3))
        .await
        .expect("no hang")
        .expect("produced with host name verification off");
    assert_eq!(offsets, vec![0, 1, 2]);
    p.close(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_1_2_only_round_trip_and_the_client_certificate_alert() {
    let k = kafka();
    let mut props = ssl_props(&ca());
    props.push(("ssl.enabled.protocols", "TLSv1.2".into()));
    let topic = unique_topic("tls-1-2");
    let p = producer(&k.ssl_bootstrap().expect("SSL listener"), &props).expect("producer");
    let offsets = tokio::time::timeout(NO_HANG, produce(&p, &topic, 3))
        .await
        .expect("no hang")
        .expect("produced over TLS 1.2");
    assert_eq!(offsets, vec![0, 1, 2]);
    p.close(Duration::from_secs(5)).await;

    // With TLS 1.2 the broker refuses a missing client certificate inside the handshake.
    let p = producer(&k.mtls_bootstrap().expect("mTLS listener"), &props).expect("producer");
    let err = tokio::time::timeout(NO_HANG, produce(&p, &unique_topic("tls-1-2-no-cert"), 1))
        .await
        .expect("no hang")
        .expect_err("the broker requires a client certificate");
    match tls_error(&err) {
        TlsError::Handshake { reason, .. } => assert!(reason.contains("alert"), "{reason}"),
        other => panic!("expected the broker's alert, got {other:?}"),
    }
}

/// Set in the child process of [`system_trust_store_when_no_truststore_is_given`]: the SSL
/// bootstrap, and whether the CA in `SSL_CERT_FILE` is the one that signed the broker.
const CHILD_BOOTSTRAP: &str = "KSTREAMS_TLS_CHILD_BOOTSTRAP";
const CHILD_EXPECT: &str = "KSTREAMS_TLS_CHILD_EXPECT";

/// With no `ssl.truststore.*` the system store is used; rustls-native-certs reads it from
/// `SSL_CERT_FILE` when that is set. The environment is process-wide, so the client runs in a
/// child process (this same test binary, this same test) with `SSL_CERT_FILE` pointing at the
/// fixture's CA, then at an unrelated CA.
#[test]
fn system_trust_store_when_no_truststore_is_given() {
    if let Ok(bootstrap) = std::env::var(CHILD_BOOTSTRAP) {
        let expect_ok = std::env::var(CHILD_EXPECT).as_deref() == Ok("ok");
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let result = rt.block_on(async {
            let p = producer(&bootstrap, &[("security.protocol", "SSL".into())])?;
            let r = tokio::time::timeout(NO_HANG, produce(&p, &unique_topic("tls-system"), 2))
                .await
                .expect("no hang");
            p.close(Duration::from_secs(5)).await;
            r
        });
        if expect_ok {
            assert_eq!(result.expect("trusted through SSL_CERT_FILE"), vec![0, 1]);
        } else {
            let err = result.expect_err("the system store lacks the fixture's CA");
            assert!(
                matches!(tls_error(&err), TlsError::UntrustedCertificate { .. }),
                "{err:?}"
            );
        }
        return;
    }
    let k = kafka();
    let bootstrap = k.ssl_bootstrap().expect("SSL listener");
    let files = k.tls_files().expect("certificates");
    for (cert_file, expect) in [(&files.ca, "ok"), (&files.other_ca, "untrusted")] {
        let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--exact",
                "system_trust_store_when_no_truststore_is_given",
                "--test-threads=1",
            ])
            .env(CHILD_BOOTSTRAP, &bootstrap)
            .env(CHILD_EXPECT, expect)
            .env("SSL_CERT_FILE", cert_file)
            .env_remove("SSL_CERT_DIR")
            .output()
            .expect("run the child test");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "child ({expect}) failed: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumer_group_over_sasl_ssl_joins_reads_and_commits() {
    let k = kafka();
    let bootstrap = k
        .sasl_ssl_bootstrap()
        .expect("the fixture's SASL_SSL listener");
    let user = SASL_USERS[1];
    let mut props = ssl_props(&ca());
    props[0].1 = "SASL_SSL".into();
    props.push(("sasl.mechanism", "SCRAM-SHA-512".into()));
    props.push(("sasl.username", user.name.into()));
    props.push(("sasl.password", user.password.into()));
    let topic = unique_topic("tls-group");
    let p = producer(&bootstrap, &props).expect("producer");
    tokio::time::timeout(NO_HANG, produce(&p, &topic, 20))
        .await
        .expect("no hang")
        .expect("produced over SASL_SSL");
    p.close(Duration::from_secs(5)).await;

    // The group coordinator is reached over its own TLS + SASL connection.
    let mut b = ConsumerConfig::builder()
        .bootstrap_servers([bootstrap])
        .group_id(unique_topic("tls-group-id"))
        .auto_offset_reset(AutoOffsetReset::Earliest)
        .enable_auto_commit(false);
    for (key, value) in &props {
        b = b.set(key, value).expect("consumer property");
    }
    let mut c = Consumer::new(b.build().expect("consumer config")).expect("consumer");
    c.subscribe([topic.clone()], None).expect("subscribe");
    let records = poll_until(&mut c, 20, Duration::from_secs(60)).await;
    assert_eq!(records.len(), 20);
    c.commit_sync(None).await.expect("commit over SASL_SSL");
    let tp = TopicPartition::new(topic, 0);
    let committed = c
        .committed(std::slice::from_ref(&tp))
        .await
        .expect("committed offsets");
    assert_eq!(committed.get(&tp).map(|o| o.offset), Some(20));
    c.close().await.expect("leave the group");
}
