//! Fetching from the closest replica (KIP-392) on the 3-node cluster: every node in its own
//! rack, the rack-aware replica selector on the brokers. A consumer whose `client.rack` is a
//! follower's rack is sent to that follower by the leader and reads everything from it; when
//! the follower stops, it goes back to the leader and carries on with no gap and no duplicate.

use std::time::Duration;

use integration_tests::{ClusterSpec, JavaPeer, KafkaCluster, unique_topic};
use kafka_client::config::{AutoOffsetReset, ConsumerConfig};
use kafka_client::consumer::{Consumer, ConsumerRecord, TopicPartition};

async fn poll_until(c: &mut Consumer, out: &mut Vec<ConsumerRecord>, n: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while out.len() < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} of {n} records arrived",
            out.len()
        );
        out.extend(c.poll(Duration::from_millis(500)).await.expect("poll"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumer_reads_from_the_follower_in_its_rack_then_from_the_leader() {
    let mut cluster =
        KafkaCluster::start(ClusterSpec::three_nodes().with_racks()).expect("3-node cluster");
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("follower-fetch");
    let acks_all = [("acks", "all"), ("delivery.timeout.ms", "60000")];
    peer.produce(&cluster.bootstrap(), &topic, 2000, &acks_all)
        .expect("produce");

    // Learn the leader, then pose as a client in a follower's rack.
    let tp = TopicPartition::new(topic.clone(), 0);
    let probe = Consumer::new(
        ConsumerConfig::builder()
            .bootstrap_servers(cluster.bootstrap().split(','))
            .build()
            .unwrap(),
    )
    .unwrap();
    let md = probe
        .cluster()
        .fetch_metadata(Some(std::slice::from_ref(&topic)))
        .await
        .expect("metadata");
    let p = md
        .topic(&topic)
        .and_then(|t| t.partition(0))
        .cloned()
        .expect("partition 0");
    assert_eq!(p.replicas.len(), 3, "replicated to every node");
    let follower = *p.replicas.iter().find(|r| **r != p.leader).unwrap();
    assert_eq!(
        md.brokers[&follower].rack.as_deref(),
        Some(format!("rack-{follower}").as_str()),
        "the fixture put each node in its own rack"
    );
    probe.close().await.unwrap();

    let mut c = Consumer::new(
        ConsumerConfig::builder()
            .bootstrap_servers(cluster.bootstrap().split(','))
            .auto_offset_reset(AutoOffsetReset::Earliest)
            .client_rack(format!("rack-{follower}"))
            .max_poll_records(100)
            .build()
            .unwrap(),
    )
    .unwrap();
    c.assign([tp.clone()]).unwrap();
    let mut got = Vec::new();
    poll_until(&mut c, &mut got, 2000).await;
    assert_eq!(
        c.read_replica(&tp),
        Some(follower),
        "the leader sent us to the follower in our rack"
    );
    let gauge = |c: &Consumer| {
        c.metrics_registry().value(
            "consumer-fetch-manager-metrics",
            "preferred-read-replica",
            &[("topic", tp.topic.as_str()), ("partition", "0")],
        )
    };
    assert_eq!(
        gauge(&c),
        Some(f64::from(follower)),
        "preferred-read-replica"
    );

    // The follower goes away: back to the leader, nothing lost or repeated.
    cluster.stop(follower as u32);
    let survivors: Vec<String> = cluster
        .nodes()
        .into_iter()
        .filter(|n| n.node_id != follower as u32)
        .map(|n| n.plaintext)
        .collect();
    peer.produce(&survivors.join(","), &topic, 1000, &acks_all)
        .expect("produce to the survivors");
    poll_until(&mut c, &mut got, 3000).await;
    got.extend(c.poll(Duration::from_secs(1)).await.unwrap());
    assert_ne!(
        c.read_replica(&tp),
        Some(follower),
        "not the stopped follower"
    );
    assert_ne!(
        gauge(&c),
        Some(f64::from(follower)),
        "preferred-read-replica"
    );

    let offsets: Vec<i64> = got.iter().map(|r| r.offset).collect();
    assert_eq!(
        offsets,
        (0..3000).collect::<Vec<_>>(),
        "no gap, no duplicate"
    );
    for (i, r) in got.iter().enumerate() {
        let expected = format!("value-{}", if i < 2000 { i } else { i - 2000 });
        assert_eq!(r.value.as_deref(), Some(expected.as_bytes()));
    }
    c.close().await.unwrap();
}
