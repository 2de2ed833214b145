//! The consumer's metrics against a real broker and against Kafka's own Java consumer reading the
//! same records: every metric we register must exist in Java's `metrics()` under the same
//! group, tag keys and description, and what depends only on the data read (records and bytes
//! consumed, in total and per topic, and the lag left) must agree.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use bytes::Bytes;
use integration_tests::{
    JavaPeer, MetricsTable, Totals, assert_node_metrics_as_javas, kafka, parse_metrics_table,
    runtime, unique_topic,
};
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::config::{AdminConfig, ConsumerConfig, ProducerConfig};
use kafka_client::consumer::Consumer;
use kafka_client::producer::{Producer, ProducerRecord};

const N: usize = 700;
const PARTITIONS: i32 = 3;

type Table = MetricsTable;

fn servers(bootstrap: &str) -> Vec<String> {
    bootstrap.split(',').map(str::to_owned).collect()
}

/// The value of `group:name` whose tags include `tags`.
fn get(t: &Table, group: &str, name: &str, tags: &[(&str, &str)]) -> f64 {
    let matching: Vec<f64> = t
        .iter()
        .filter(|((g, n, have), _)| {
            g == group
                && n == name
                && have.len() == tags.len() + 1
                && tags
                    .iter()
                    .all(|(k, v)| have.get(*k).is_some_and(|x| x == v))
        })
        .map(|(_, (v, _))| *v)
        .collect();
    match matching[..] {
        [v] => v,
        _ => panic!("{group}:{name} {tags:?}: {matching:?}"),
    }
}

const FETCH: &str = "consumer-fetch-manager-metrics";

#[test]
fn consumer_metrics_are_named_and_counted_as_javas_classic() {
    compare_with_java("classic");
}

/// KIP-848 members have no join or sync metrics, and Java describes their rebalances otherwise.
#[test]
fn consumer_metrics_are_named_and_counted_as_javas_kip848() {
    compare_with_java("consumer");
}

/// Our consumer and Java's, both in `group.protocol` `protocol`, read the same records.
fn compare_with_java(protocol: &str) {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let rt = runtime();
    // A period in the name: Kafka 4.4 tags the topic's metrics with its name and also, deprecated,
    // with the period replaced by '_'.
    let topic = unique_topic("metrics.consumed");
    let twin = topic.replace('.', "_");
    let admin = Admin::new(
        AdminConfig::builder()
            .bootstrap_servers(servers(&bootstrap))
            .build()
            .expect("admin config"),
    )
    .expect("admin");
    rt.block_on(admin.create_topics(&[NewTopic::new(&topic, PARTITIONS)]))
        .expect("create topic");

    // The records: keyed, with a header, some large enough for several batches.
    let producer = {
        let _rt = rt.enter();
        Producer::new(
            ProducerConfig::builder()
                .bootstrap_servers(servers(&bootstrap))
                .set("linger.ms", "5")
                .and_then(|b| b.set("batch.size", "4096"))
                .expect("producer properties")
                .build()
                .expect("producer config"),
        )
        .expect("producer")
    };
    rt.block_on(async {
        let mut acks = Vec::new();
        for i in 0..N {
            let r = ProducerRecord::new(&topic, "v".repeat(i % 50))
                .key(format!("key-{i}"))
                .header("seq", Some(Bytes::from(i.to_string())));
            acks.push(producer.send(r).await.expect("queued"));
        }
        for a in acks {
            a.await.expect("acknowledged");
        }
        producer.close(Duration::from_secs(10)).await;
    });

    // Ours: subscribe, read everything, commit, poll once more at the end.
    let group = unique_topic("metrics-ours");
    let java_group = unique_topic("metrics-java");
    // Both groups' coordinators ready before either member starts: on a fresh broker the first
    // lookup creates the offsets topic, and only the member meeting that would look its
    // coordinator up again (a classic one reconnecting each time, as Java's does), which the
    // connection counts below would then hold against it.
    for g in [&group, &java_group] {
        rt.block_on(admin.list_group_offsets(g, None))
            .expect("the group's coordinator answers");
    }
    let mut consumer = {
        let _rt = rt.enter();
        Consumer::new(
            ConsumerConfig::from_properties([
                ("bootstrap.servers", bootstrap.as_str()),
                ("group.id", group.as_str()),
                ("client.id", "metrics-test"),
                ("group.protocol", protocol),
                ("auto.offset.reset", "earliest"),
                ("enable.auto.commit", "false"),
            ])
            .expect("consumer config"),
        )
        .expect("consumer")
    };
    let ours: Table = rt.block_on(async {
        consumer
            .subscribe([topic.as_str()], None)
            .expect("subscribe");
        let mut got = 0;
        // A hang guard, not a speed check: a stuck consumer fails naming what arrived.
        let read = tokio::time::timeout(Duration::from_secs(60), async {
            while got < N {
                got += consumer
                    .poll(Duration::from_millis(200))
                    .await
                    .expect("poll")
                    .len();
            }
        })
        .await;
        assert!(read.is_ok(), "only {got} of {N} records arrived");
        assert_eq!(got, N);
        consumer.commit_sync(None).await.expect("commit");
        // As long as Java's peer: an idle second of long-polling fetches and heartbeats, so
        // the request counts compared below include some.
        consumer
            .poll(Duration::from_millis(1000))
            .await
            .expect("last poll");
        let table = consumer
            .metrics()
            .into_iter()
            .map(|m| {
                (
                    (m.name.group, m.name.name, m.name.tags),
                    (m.value, m.description.to_owned()),
                )
            })
            .collect();
        consumer.close().await.expect("close");
        table
    });

    // Java's, reading the same topic in its own group.
    let java = parse_metrics_table(
        &peer
            .run_class(
                "ConsumerMetricsPeer",
                &[
                    bootstrap.clone(),
                    java_group,
                    topic.clone(),
                    N.to_string(),
                    "client.id=metrics-test".into(),
                    format!("group.protocol={protocol}"),
                ],
            )
            .expect("ConsumerMetricsPeer"),
    );
    assert!(java.len() > 40, "Java printed {} metrics", java.len());

    // Every metric of ours exists in Java's, with the same tag keys and description.
    let java_names: BTreeMap<(&str, &str, BTreeSet<&str>), &str> = java
        .iter()
        .map(|((g, n, t), (_, d))| {
            (
                (
                    g.as_str(),
                    n.as_str(),
                    t.keys().map(String::as_str).collect(),
                ),
                d.as_str(),
            )
        })
        .collect();
    let mut checked = 0;
    for ((g, n, t), (_, d)) in &ours {
        let key = (
            g.as_str(),
            n.as_str(),
            t.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        );
        let java_description = java_names
            .get(&key)
            .unwrap_or_else(|| panic!("{g}:{n} {t:?} is not one of Java's metrics"));
        assert_eq!(d, java_description, "{g}:{n}");
        checked += 1;
    }
    assert!(checked > 40, "only {checked} of our metrics");

    // What depends only on the data read agrees, in total and per topic (under both tags).
    let by_name = [("topic", topic.as_str())];
    let by_twin = [("topic", twin.as_str())];
    for (name, tags) in [
        ("records-consumed-total", &[][..]),
        ("records-consumed-total", &by_name[..]),
        ("records-consumed-total", &by_twin[..]),
        ("bytes-consumed-total", &[][..]),
        ("bytes-consumed-total", &by_name[..]),
        ("bytes-consumed-total", &by_twin[..]),
    ] {
        let (o, j) = (get(&ours, FETCH, name, tags), get(&java, FETCH, name, tags));
        assert_eq!(o, j, "{name} {tags:?}: ours {o}, Java's {j}");
    }
    assert_eq!(get(&ours, FETCH, "records-consumed-total", &[]), N as f64);
    // Everything was read: no lag left on any partition, in either client.
    for p in 0..PARTITIONS {
        let p = p.to_string();
        let tags = [("topic", topic.as_str()), ("partition", p.as_str())];
        assert_eq!(get(&ours, FETCH, "records-lag", &tags), 0.0, "ours, {p}");
        assert_eq!(get(&java, FETCH, "records-lag", &tags), 0.0, "Java's, {p}");
        assert_eq!(
            get(&ours, FETCH, "records-lead", &tags),
            get(&java, FETCH, "records-lead", &tags)
        );
        // One broker: every partition is read from its leader.
        for (side, t) in [("ours", &ours), ("Java's", &java)] {
            assert_eq!(
                get(t, FETCH, "preferred-read-replica", &tags),
                -1.0,
                "{side}, {p}"
            );
        }
    }
    // Timings are real numbers where something was timed.
    let coordinator = "consumer-coordinator-metrics";
    assert!(get(&ours, coordinator, "commit-total", &[]) >= 1.0);
    assert!(get(&ours, coordinator, "commit-latency-avg", &[]) > 0.0);
    assert_eq!(
        get(&ours, coordinator, "assigned-partitions", &[]),
        f64::from(PARTITIONS)
    );
    assert!(get(&ours, FETCH, "fetch-total", &[]) >= 1.0);
    assert!(get(&ours, FETCH, "fetch-latency-max", &[]) > 0.0);
    assert!(get(&ours, "consumer-metrics", "commit-sync-time-ns-total", &[]) > 0.0);
    assert!(get(&ours, "consumer-metrics", "last-poll-seconds-ago", &[]) >= 0.0);
    // The group was joined: one rebalance at least, timed from its JoinGroup to its SyncGroup
    // (classic) or over the reconciliation of the first assignment (KIP-848).
    let joined: &[&str] = if protocol == "classic" {
        &["rebalance-total", "join-total", "sync-total"]
    } else {
        &["rebalance-total"]
    };
    for name in joined {
        assert!(get(&ours, coordinator, name, &[]) >= 1.0, "{name}");
    }
    assert!(get(&ours, coordinator, "rebalance-latency-max", &[]) > 0.0);
    assert!(get(&ours, coordinator, "last-rebalance-seconds-ago", &[]) >= 0.0);

    // The network layer's, read while both consumers are still connected (a fetch or heartbeat
    // may be in flight, so responses may trail requests).
    const NET: &str = "consumer-metrics";
    for (side, t) in [("ours", &ours), ("Java", &java)] {
        let created = get(t, NET, "connection-creation-total", &[]);
        assert!(created >= 1.0, "{side}");
        assert_eq!(
            get(t, NET, "connection-count", &[]),
            created - get(t, NET, "connection-close-total", &[]),
            "{side}"
        );
        assert!(
            get(t, NET, "request-total", &[]) >= get(t, NET, "response-total", &[]),
            "{side}"
        );
        // The records' bytes came in inside fetch responses.
        assert!(
            get(t, NET, "incoming-byte-total", &[]) > get(t, FETCH, "bytes-consumed-total", &[]),
            "{side}"
        );
    }
    assert_eq!(
        get(&ours, NET, "network-io-total", &[]),
        get(&ours, NET, "request-total", &[]) + get(&ours, NET, "response-total", &[])
    );
    // No connection churn: a coordinator still loading the new group is retried after a
    // backoff on the same connection (a KIP-848 member opened one per lookup, up to 98 in a
    // run, and read 3.5 times Java's bytes). Both open the same nodes' connections: bootstrap,
    // leader, coordinator (see the node metrics below).
    let (ours_conns, java_conns) = (
        get(&ours, NET, "connection-creation-total", &[]),
        get(&java, NET, "connection-creation-total", &[]),
    );
    assert!(
        ours_conns <= java_conns + 2.0,
        "{protocol}: ours opened {ours_conns} connections, Java's {java_conns}"
    );
    let ratio =
        get(&ours, NET, "incoming-byte-total", &[]) / get(&java, NET, "incoming-byte-total", &[]);
    assert!(
        (0.5..=2.0).contains(&ratio),
        "{protocol}: incoming bytes ours/Java {ratio}"
    );

    // Per node (`consumer-node-metrics`), read while a heartbeat or fetch may be moving.
    let (o_nodes, j_nodes) =
        assert_node_metrics_as_javas(&ours, &java, "consumer", Totals::Settling);
    println!("{protocol} node metrics, ours: {o_nodes:?}\nJava's: {j_nodes:?}");
    // The bootstrap server, the partitions' leader and the group coordinator's connection of
    // its own (node-+<id>), in both.
    assert_eq!(
        o_nodes.keys().collect::<Vec<_>>(),
        j_nodes.keys().collect::<Vec<_>>(),
        "{protocol}"
    );
    assert!(
        o_nodes.keys().any(|n| n.starts_with("node-+")),
        "{protocol}: no coordinator node"
    );
    // No more requests than Java's to any node. Measured per API on this scenario both send
    // the same kinds: bootstrap ApiVersions, Metadata, FindCoordinator; leader ApiVersions,
    // ListOffsets and two Fetches (one pipelined after the records came in); coordinator
    // ApiVersions, JoinGroup twice (member id required), SyncGroup, OffsetFetch, OffsetCommit
    // (classic) or ApiVersions, heartbeats, OffsetFetch, OffsetCommit (KIP-848); then, idle for
    // the last poll's second, long-polling Fetches (fetch.max.wait.ms) on the leader. The
    // tolerance of one is for a background request racing the snapshot (a heartbeat or a fetch
    // sent, or not yet, when the metrics are read) on either side. A second Metadata after
    // every assignment, or a KIP-848 member acknowledging its repeated assignment at every
    // wake-up of its heartbeat task (about 10 a second), both of which we used to send, breaks
    // it, as would a fetch sent while one is in flight or one not waiting for data.
    for (node, m) in &o_nodes {
        let (o, j) = (m["request-total"].0, j_nodes[node]["request-total"].0);
        assert!(
            o <= j + 1.0,
            "{protocol} {node}: ours sent {o} requests, Java's {j}"
        );
    }
    // Fetches are the timed requests: a node that answered them sent both consumers the same
    // records.
    let mut fetched_from = 0;
    for (node, m) in &o_nodes {
        if m["request-latency-avg"].0.is_nan() {
            continue;
        }
        fetched_from += 1;
        let (ob, jb) = (
            m["incoming-byte-total"].0,
            j_nodes[node]["incoming-byte-total"].0,
        );
        assert!(
            (0.5..=2.0).contains(&(ob / jb)),
            "{protocol} {node}: incoming-byte-total ours {ob}, Java's {jb}"
        );
    }
    assert!(fetched_from >= 1, "{protocol}: no node timed a Fetch");
}
