//! The producer's metrics against a real broker and against Kafka's own Java producer sending
//! the same records: every metric we register must exist in Java's `metrics()` under the same
//! group, tag keys and description, and the counters that depend only on what was sent must
//! agree.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use bytes::Bytes;
use integration_tests::{
    JavaPeer, MetricsTable, Totals, assert_node_metrics_as_javas, kafka, parse_metrics_table,
    runtime, unique_topic,
};
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::cluster::Cluster;
use kafka_client::config::{AdminConfig, ProducerConfig};
use kafka_client::producer::{Producer, ProducerRecord};

const TS: i64 = 1_700_000_000_000;
const N_A: usize = 300;
const N_B: usize = 120;
const PROPS: [(&str, &str); 3] = [
    ("compression.type", "gzip"),
    ("linger.ms", "5"),
    ("client.id", "metrics-test"),
];

fn servers(bootstrap: &str) -> Vec<String> {
    bootstrap.split(',').map(str::to_owned).collect()
}

fn producer_config(bootstrap: &str) -> ProducerConfig {
    let mut b = ProducerConfig::builder().bootstrap_servers(servers(bootstrap));
    for (k, v) in PROPS {
        b = b.set(k, v).expect("valid producer property");
    }
    b.build().expect("producer config")
}

/// As the Java peer makes them: key "key-i", value "value-i", header seq=i.
fn record(topic: &str, i: usize) -> ProducerRecord {
    ProducerRecord::new(topic, format!("value-{i}"))
        .key(format!("key-{i}"))
        .timestamp(TS + i as i64)
        .header("seq", Some(Bytes::from(i.to_string())))
}

type Table = MetricsTable;

fn get(t: &Table, group: &str, name: &str, topic: Option<&str>) -> f64 {
    t.iter()
        .find(|((g, n, tags), _)| {
            g == group
                && n == name
                && topic.is_none_or(|x| tags.get("topic").is_some_and(|y| y == x))
        })
        .map(|(_, (v, _))| *v)
        .unwrap_or_else(|| panic!("{group}:{name} (topic {topic:?}) missing"))
}

/// Until every partition of `topics` has a leader, so neither producer's first requests are
/// refused and retried (retries would make the send counters differ by chance).
async fn wait_for_leaders(bootstrap: &str, topics: &[String]) {
    let cluster = Cluster::new(producer_config(bootstrap).common, false).expect("cluster");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let md = cluster.fetch_metadata(Some(topics)).await;
        let ready = md.is_ok_and(|md| {
            topics.iter().all(|t| {
                md.topic(t).is_some_and(|t| {
                    t.partitions.len() == 3 && t.partitions.iter().all(|p| p.leader >= 0)
                })
            })
        });
        if ready {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "topics {topics:?} got no leaders"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    cluster.close(Duration::ZERO).await;
}

#[test]
fn producer_metrics_are_named_and_counted_as_javas() {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let rt = runtime();
    let admin = Admin::new(
        AdminConfig::builder()
            .bootstrap_servers(servers(&bootstrap))
            .build()
            .expect("admin config"),
    )
    .expect("admin");
    let topics: Vec<String> = ["ours-a", "ours-b", "java-a", "java-b"]
        .iter()
        .map(|t| unique_topic(&format!("metrics-{t}")))
        .collect();
    let new: Vec<NewTopic> = topics.iter().map(|t| NewTopic::new(t, 3)).collect();
    rt.block_on(admin.create_topics(&new))
        .expect("create topics");
    rt.block_on(wait_for_leaders(&bootstrap, &topics));
    let (ours_a, ours_b, java_a, java_b) = (&topics[0], &topics[1], &topics[2], &topics[3]);

    // Ours.
    let p = {
        let _rt = rt.enter();
        Producer::new(producer_config(&bootstrap)).expect("producer")
    };
    let ours: Table = rt.block_on(async {
        let mut futs = Vec::new();
        for (topic, n) in [(ours_a, N_A), (ours_b, N_B)] {
            for i in 0..n {
                futs.push(p.send(record(topic, i)).await.expect("queued"));
            }
        }
        for f in futs {
            f.await.expect("acknowledged");
        }
        p.flush().await;
        let table = p
            .metrics()
            .into_iter()
            .map(|m| {
                (
                    (m.name.group, m.name.name, m.name.tags),
                    (m.value, m.description.to_owned()),
                )
            })
            .collect();
        p.close(Duration::from_secs(10)).await;
        table
    });

    // Java's, with the same records and settings.
    let mut args = vec![
        bootstrap.clone(),
        java_a.clone(),
        N_A.to_string(),
        java_b.clone(),
        N_B.to_string(),
    ];
    args.extend(PROPS.iter().map(|(k, v)| format!("{k}={v}")));
    let java = parse_metrics_table(&peer.run_class("MetricsPeer", &args).expect("MetricsPeer"));
    assert!(
        java.len() > 40,
        "Java printed too few metrics: {}",
        java.len()
    );

    const G: &str = "producer-metrics";
    const T: &str = "producer-topic-metrics";
    let o = |name: &str, topic: Option<&str>| {
        get(&ours, if topic.is_some() { T } else { G }, name, topic)
    };
    let j = |name: &str, topic: Option<&str>| {
        get(&java, if topic.is_some() { T } else { G }, name, topic)
    };

    // Every record was delivered: nothing failed.
    for topic in [None, Some(ours_a.as_str()), Some(ours_b.as_str())] {
        assert_eq!(o("record-error-total", topic), 0.0, "ours, topic {topic:?}");
    }
    for topic in [None, Some(java_a.as_str()), Some(java_b.as_str())] {
        assert_eq!(
            j("record-error-total", topic),
            0.0,
            "Java's, topic {topic:?}"
        );
    }

    // Deterministic counters agree with what was sent, and with Java. A partition whose leader
    // is elected but not yet serving can refuse a first request; a retried batch counts as
    // sent again in both clients, so sent minus retried is what was produced.
    let produced = |f: &dyn Fn(&str, Option<&str>) -> f64, topic: Option<&str>| {
        f("record-send-total", topic) - f("record-retry-total", topic)
    };
    println!(
        "record-send-total / record-retry-total: ours {} / {}, Java's {} / {}",
        o("record-send-total", None),
        o("record-retry-total", None),
        j("record-send-total", None),
        j("record-retry-total", None)
    );
    assert_eq!(produced(&o, None), (N_A + N_B) as f64);
    assert_eq!(produced(&j, None), (N_A + N_B) as f64);
    assert_eq!(produced(&o, Some(ours_a)), N_A as f64);
    assert_eq!(produced(&o, Some(ours_b)), N_B as f64);
    assert_eq!(produced(&j, Some(java_a)), N_A as f64);
    assert_eq!(produced(&j, Some(java_b)), N_B as f64);
    if o("record-retry-total", None) == 0.0 && j("record-retry-total", None) == 0.0 {
        assert_eq!(o("record-send-total", None), j("record-send-total", None));
    }
    // The largest record is the same record on both sides, measured by Java's upper bound.
    assert_eq!(o("record-size-max", None), j("record-size-max", None));

    // Measured values are sane.
    let latency = o("request-latency-avg", None);
    assert!(
        latency.is_finite() && latency > 0.0,
        "request-latency-avg {latency}"
    );
    assert!(o("request-latency-max", None) >= latency);
    assert!(o("batch-size-max", None) > 0.0);
    let byte_total = o("byte-total", Some(ours_a)) + o("byte-total", Some(ours_b));
    assert!(byte_total >= o("batch-size-max", None));
    let compression = o("compression-rate-avg", None);
    assert!(
        compression > 0.0 && compression < 1.0,
        "gzip shrinks these records: {compression}"
    );
    assert!(o("compression-rate", Some(ours_a)) < 1.0);
    assert!(o("records-per-request-avg", None) >= 1.0);
    assert!(o("record-send-rate", None) > 0.0);
    assert!(o("flush-time-ns-total", None) > 0.0);
    assert_eq!(
        o("buffer-available-bytes", None),
        o("buffer-total-bytes", None),
        "every batch gave its memory back"
    );
    assert_eq!(o("buffer-total-bytes", None), j("buffer-total-bytes", None));
    assert_eq!(o("requests-in-flight", None), 0.0);

    // Seconds since the last metadata answer: a fresh one in both (not an epoch timestamp).
    for (side, age) in [
        ("ours", o("metadata-age", None)),
        ("Java", j("metadata-age", None)),
    ] {
        assert!((0.0..120.0).contains(&age), "{side}: metadata-age {age}");
    }

    // The network layer's. Both clients read before closing, so connections are still open.
    let created = o("connection-creation-total", None);
    assert!(created >= 1.0, "ours opened {created} connections");
    assert_eq!(
        o("connection-count", None),
        created - o("connection-close-total", None)
    );
    for (side, v) in [
        ("ours", &o as &dyn Fn(&str, Option<&str>) -> f64),
        ("Java", &j),
    ] {
        // A PLAINTEXT connection is ready as it connects: there was no authentication to
        // count (tls_client checks the counts over TLS).
        assert_eq!(v("successful-authentication-total", None), 0.0, "{side}");
        assert_eq!(
            v("successful-authentication-no-reauth-total", None),
            0.0,
            "{side}"
        );
        assert_eq!(v("failed-authentication-total", None), 0.0, "{side}");
        assert!(v("connection-count", None) >= 1.0, "{side}");
        // acks=all: each request sent before the read was answered.
        assert_eq!(
            v("request-total", None),
            v("response-total", None),
            "{side}"
        );
    }
    // One network operation per frame moved.
    assert_eq!(
        o("network-io-total", None),
        o("request-total", None) + o("response-total", None)
    );
    assert!(o("request-size-max", None) >= o("request-size-avg", None));
    // The same records went out gzip-compressed from both clients: the bytes on the wire differ
    // only by request framing and metadata traffic.
    for name in ["outgoing-byte-total", "incoming-byte-total"] {
        let ratio = o(name, None) / j(name, None);
        assert!(
            (0.5..=2.0).contains(&ratio),
            "{name}: ours {} vs Java's {}",
            o(name, None),
            j(name, None)
        );
    }
    assert!(o("outgoing-byte-total", None) >= byte_total);

    // Every metric of ours exists in Java's list: same group, same tag keys, same description.
    let java_names: BTreeMap<(String, String, BTreeSet<String>), String> = java
        .iter()
        .map(|((g, n, tags), (_, d))| {
            (
                (g.clone(), n.clone(), tags.keys().cloned().collect()),
                d.clone(),
            )
        })
        .collect();
    let mut ours_names = BTreeSet::new();
    for ((g, n, tags), (_, d)) in &ours {
        assert_eq!(
            tags.get("client-id").map(String::as_str),
            Some("metrics-test"),
            "{g}:{n} is tagged with the client.id"
        );
        let key = (
            g.clone(),
            n.clone(),
            tags.keys().cloned().collect::<BTreeSet<_>>(),
        );
        match java_names.get(&key) {
            Some(java_description) => assert_eq!(d, java_description, "description of {g}:{n}"),
            None => panic!("{g}:{n} with tags {:?} is not one of Java's metrics", key.2),
        }
        ours_names.insert((g.clone(), n.clone()));
    }
    let missing: Vec<String> = java_names
        .keys()
        .filter(|(g, n, _)| !ours_names.contains(&(g.clone(), n.clone())))
        .map(|(g, n, _)| format!("{g}:{n}"))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    println!(
        "{} of ours matched Java's; Java's we do not register: {missing:?}",
        ours_names.len()
    );

    // Per node (`producer-node-metrics`), both producers idle after their flush.
    let (o_nodes, j_nodes) = assert_node_metrics_as_javas(&ours, &java, "producer", Totals::Exact);
    println!("node metrics, ours: {o_nodes:?}\nJava's: {j_nodes:?}");
    // Both asked the bootstrap server (node--1) for the brokers, then produced to the leaders'
    // own connections: the same node ids.
    assert_eq!(
        o_nodes.keys().collect::<Vec<_>>(),
        j_nodes.keys().collect::<Vec<_>>()
    );
    assert!(o_nodes.contains_key("node--1"));
    // Produce requests are the timed ones: a node that got any carried the same gzip-compressed
    // records from both, so its bytes out differ only by framing and metadata traffic.
    let mut produced_to = 0;
    for (node, m) in &o_nodes {
        if m["request-latency-avg"].0.is_nan() {
            continue;
        }
        produced_to += 1;
        let (ob, jb) = (
            m["outgoing-byte-total"].0,
            j_nodes[node]["outgoing-byte-total"].0,
        );
        assert!(
            (0.5..=2.0).contains(&(ob / jb)),
            "{node}: outgoing-byte-total ours {ob}, Java's {jb}"
        );
    }
    assert!(produced_to >= 1, "no node timed a Produce request");
}
