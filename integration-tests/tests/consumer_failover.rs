//! Our consumer across a leader change: the partition leader is killed mid-read on the 3-node
//! cluster, and the consumer carries on from the new leader with no gap and no duplicate.

use std::time::Duration;

use integration_tests::{ClusterSpec, JavaPeer, KafkaCluster, unique_topic};
use kafka_client::config::{AutoOffsetReset, ConsumerConfig};
use kafka_client::consumer::{Consumer, ConsumerRecord, TopicPartition};

async fn poll_until(c: &mut Consumer, out: &mut Vec<ConsumerRecord>, n: usize, limit: Duration) {
    let deadline = tokio::time::Instant::now() + limit;
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
async fn consumer_follows_a_new_leader_without_gaps() {
    let mut cluster = KafkaCluster::start(ClusterSpec::three_nodes()).expect("3-node cluster");
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("consumer-failover");
    let acks_all = [("acks", "all"), ("delivery.timeout.ms", "60000")];
    peer.produce(&cluster.bootstrap(), &topic, 5000, &acks_all)
        .expect("produce");

    let config = ConsumerConfig::builder()
        .bootstrap_servers(cluster.bootstrap().split(','))
        .auto_offset_reset(AutoOffsetReset::Earliest)
        .max_poll_records(100)
        .build()
        .unwrap();
    let mut c = Consumer::new(config).unwrap();
    let tp = TopicPartition::new(topic.clone(), 0);
    c.assign([tp.clone()]).unwrap();
    let mut got = Vec::new();
    poll_until(&mut c, &mut got, 1000, Duration::from_secs(60)).await;

    let leader = c
        .cluster()
        .metadata()
        .topic(&topic)
        .and_then(|t| t.partition(0))
        .map(|p| p.leader)
        .expect("leader known");
    assert!(leader > 0);
    cluster.kill(leader as u32);

    poll_until(&mut c, &mut got, 5000, Duration::from_secs(120)).await;
    // More records through the survivors, read through the new leader.
    let survivors: Vec<String> = cluster
        .nodes()
        .into_iter()
        .filter(|n| n.node_id != leader as u32)
        .map(|n| n.plaintext)
        .collect();
    peer.produce(&survivors.join(","), &topic, 1000, &acks_all)
        .expect("produce to the survivors");
    poll_until(&mut c, &mut got, 6000, Duration::from_secs(120)).await;
    let extra = c.poll(Duration::from_secs(1)).await.unwrap();
    got.extend(extra);

    let offsets: Vec<i64> = got.iter().map(|r| r.offset).collect();
    assert_eq!(
        offsets,
        (0..6000).collect::<Vec<_>>(),
        "no gap, no duplicate"
    );
    let new_leader = c
        .cluster()
        .metadata()
        .topic(&topic)
        .and_then(|t| t.partition(0))
        .map(|p| p.leader)
        .unwrap();
    assert_ne!(new_leader, leader, "the consumer learned the new leader");
    for (i, r) in got.iter().enumerate() {
        let expected = format!("value-{}", if i < 5000 { i } else { i - 5000 });
        assert_eq!(r.value.as_deref(), Some(expected.as_bytes()));
    }
}
