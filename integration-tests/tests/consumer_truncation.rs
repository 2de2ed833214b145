//! Log truncation under the consumer (KIP-320), produced for real on the 3-node cluster.
//!
//! A one-partition topic lives on nodes 1 (leader) and 2, with `min.insync.replicas=1` and
//! unclean leader election allowed. Node 2 stops, so the leader alone acknowledges 50 more
//! records (`acks=1`), and our consumers read them. Then the leader dies and node 2 comes back
//! and is elected uncleanly: its log ends where it stopped, so those 50 records are gone and
//! new ones take their offsets. After the leader change:
//!
//! * a consumer with a reset policy validates its position, finds the log truncated below it,
//!   and continues from the first divergent offset: it reads exactly the new records (without
//!   validation it would fetch past the end, get OFFSET_OUT_OF_RANGE and start over at 0);
//! * a consumer with `auto.offset.reset=none` gets a `LogTruncation` error naming its position
//!   and the divergent offset, and continues only after it seeks.

use std::time::Duration;

use integration_tests::{ClusterSpec, JavaPeer, KafkaCluster, unique_topic};
use kafka_client::config::{AutoOffsetReset, ConsumerConfig, ProducerConfig};
use kafka_client::consumer::{Consumer, ConsumerError, ConsumerRecord, TopicPartition};
use kafka_client::producer::{Producer, ProducerRecord};

/// Writes `n` records `{prefix}-{i}` to partition 0 and returns their offsets.
async fn write(bootstrap: &str, topic: &str, prefix: &str, n: usize, acks: &str) -> Vec<i64> {
    let p = Producer::new(
        ProducerConfig::builder()
            .bootstrap_servers(bootstrap.split(','))
            .set("acks", acks)
            .unwrap()
            .set("enable.idempotence", "false")
            .unwrap()
            .set("delivery.timeout.ms", "60000")
            .unwrap()
            .build()
            .unwrap(),
    )
    .unwrap();
    let mut acks_f = Vec::new();
    for i in 0..n {
        let r = ProducerRecord::new(topic, format!("{prefix}-{i}")).partition(0);
        acks_f.push(p.send(r).await.expect("queued"));
    }
    let mut offsets = Vec::new();
    for a in acks_f {
        offsets.push(a.await.expect("acknowledged").offset);
    }
    p.close(Duration::from_secs(5)).await;
    offsets
}

/// Polls until `out` holds `n` records; a bound on the wait so a lost record fails the test
/// instead of hanging it.
async fn poll_until(c: &mut Consumer, out: &mut Vec<ConsumerRecord>, n: usize) {
    let filled = tokio::time::timeout(Duration::from_secs(120), async {
        while out.len() < n {
            out.extend(c.poll(Duration::from_millis(500)).await.expect("poll"));
        }
    })
    .await;
    assert!(filled.is_ok(), "only {} of {n} records arrived", out.len());
}

fn values(rs: &[ConsumerRecord]) -> Vec<String> {
    rs.iter()
        .map(|r| String::from_utf8_lossy(r.value.as_deref().unwrap_or_default()).into_owned())
        .collect()
}

fn consumer(bootstrap: &str, reset: AutoOffsetReset) -> Consumer {
    Consumer::new(
        ConsumerConfig::builder()
            .bootstrap_servers(bootstrap.split(','))
            .auto_offset_reset(reset)
            .max_poll_records(500)
            .build()
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_log_is_detected_after_an_unclean_leader_change() {
    let mut cluster = KafkaCluster::start(ClusterSpec::three_nodes()).expect("3-node cluster");
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("truncation");
    let bootstrap = cluster.bootstrap();
    peer.run_class(
        "GroupPeer",
        &[
            "create-replicas".into(),
            bootstrap.clone(),
            topic.clone(),
            "1,2".into(),
            "min.insync.replicas=1".into(),
            "unclean.leader.election.enable=true".into(),
        ],
    )
    .expect("create the topic on nodes 1 and 2");
    let addr = |ids: &[u32]| -> String {
        cluster
            .nodes()
            .into_iter()
            .filter(|n| ids.contains(&n.node_id))
            .map(|n| n.plaintext)
            .collect::<Vec<_>>()
            .join(",")
    };
    let (nodes_13, nodes_23) = (addr(&[1, 3]), addr(&[2, 3]));

    assert_eq!(
        write(&bootstrap, &topic, "a", 100, "all").await,
        (0..100).collect::<Vec<_>>()
    );
    let tp = TopicPartition::new(topic.clone(), 0);
    let mut resetting = consumer(&bootstrap, AutoOffsetReset::Earliest);
    resetting.assign([tp.clone()]).unwrap();
    let mut strict = consumer(&bootstrap, AutoOffsetReset::None);
    strict.assign([tp.clone()]).unwrap();
    strict.seek(&tp, 0).unwrap();
    let (mut got_r, mut got_s) = (Vec::new(), Vec::new());
    poll_until(&mut resetting, &mut got_r, 100).await;
    poll_until(&mut strict, &mut got_s, 100).await;
    let leader = |c: &Consumer| {
        c.cluster()
            .metadata()
            .topic(&topic)
            .and_then(|t| t.partition(0))
            .map(|p| (p.leader, p.leader_epoch, p.isr.clone()))
    };
    assert_eq!(leader(&resetting).map(|l| l.0), Some(1), "node 1 leads");

    // The follower stops; the leader alone takes 50 more records.
    cluster.stop(2);
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let md = resetting
                .cluster()
                .fetch_metadata(Some(std::slice::from_ref(&topic)))
                .await;
            if md.is_ok() && leader(&resetting).is_some_and(|l| l.2 == vec![1]) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await
    .expect("ISR never shrank to the leader alone");
    assert_eq!(
        write(&nodes_13, &topic, "b", 50, "1").await,
        (100..150).collect::<Vec<_>>()
    );
    poll_until(&mut resetting, &mut got_r, 150).await;
    poll_until(&mut strict, &mut got_s, 150).await;
    let epoch_before = leader(&resetting).unwrap().1;

    // The leader dies with the only copy of b-*; node 2 returns and is elected uncleanly.
    cluster.kill(1);
    cluster.restart(2).expect("node 2 back");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        match peer.run_class(
            "GroupPeer",
            &[
                "elect-unclean".into(),
                nodes_23.clone(),
                topic.clone(),
                "0".into(),
            ],
        ) {
            Ok(out) if out.trim_end().ends_with("\t2") => break,
            other => {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "node 2 was never elected: {other:?}"
                );
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
    // New records take the offsets of the lost ones.
    assert_eq!(
        write(&nodes_23, &topic, "c", 30, "1").await,
        (100..130).collect::<Vec<_>>(),
        "the new leader's log ends at 100"
    );

    // With a reset policy: continue at the divergence point, read exactly the new records.
    let mut after = Vec::new();
    poll_until(&mut resetting, &mut after, 30).await;
    after.extend(resetting.poll(Duration::from_secs(1)).await.unwrap());
    assert_eq!(
        after.iter().map(|r| r.offset).collect::<Vec<_>>(),
        (100..130).collect::<Vec<_>>()
    );
    assert_eq!(
        values(&after),
        (0..30).map(|i| format!("c-{i}")).collect::<Vec<_>>()
    );
    assert!(leader(&resetting).unwrap().1 > epoch_before);

    // Without one: a typed error, until the application seeks.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let err = loop {
        match strict.poll(Duration::from_millis(500)).await {
            Err(e) => break e,
            Ok(rs) => {
                assert!(
                    rs.is_empty(),
                    "records past a truncation: {:?}",
                    values(&rs)
                );
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "no truncation error"
                );
            }
        }
    };
    match err {
        ConsumerError::LogTruncation {
            tp: t,
            offset,
            divergent,
        } => {
            assert_eq!((t, offset), (tp.clone(), 150));
            assert_eq!(divergent.map(|d| d.offset), Some(100));
        }
        other => panic!("expected LogTruncation, got {other}"),
    }
    assert!(
        strict.poll(Duration::from_millis(500)).await.is_err(),
        "still refused before a seek"
    );
    strict.seek(&tp, 100).unwrap();
    let mut again = Vec::new();
    poll_until(&mut strict, &mut again, 30).await;
    assert_eq!(
        values(&again[..30]),
        (0..30).map(|i| format!("c-{i}")).collect::<Vec<_>>()
    );
}
