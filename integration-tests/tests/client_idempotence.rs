//! The idempotent producer across a leader crash: with three brokers, the leader of a partition
//! is killed mid-stream and restarted; every acknowledged record is in the log exactly once
//! and each partition keeps send order.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use integration_tests::{ClusterSpec, KafkaCluster, unique_topic};
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::config::{AdminConfig, ProducerConfig};
use kafka_client::fetch::fetch_partition;
use kafka_client::producer::{Producer, ProducerRecord, RecordMetadata};

const N: usize = 6000;
const PARTITIONS: i32 = 2;

#[test]
fn leader_crash_mid_stream_keeps_every_acked_record_once_and_in_order() {
    let mut cluster = KafkaCluster::start(ClusterSpec::three_nodes()).expect("3-node cluster");
    let bootstrap = cluster.bootstrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let topic = unique_topic("client-idempotence");
    let admin = Admin::new(
        AdminConfig::builder()
            .bootstrap_servers(bootstrap.split(',').map(str::to_owned))
            .build()
            .unwrap(),
    )
    .unwrap();
    rt.block_on(admin.create_topics(&[NewTopic::new(&topic, PARTITIONS).replication_factor(3)]))
        .expect("create topic");
    // A new topic reaches every broker's metadata shortly after CreateTopics returns.
    let described = rt.block_on(async {
        let mut attempts = 0;
        loop {
            match admin.describe_topics(&[&topic]).await {
                Ok(d) if d[0].partitions.iter().all(|p| p.leader > 0) => break d,
                Ok(_) | Err(_) if attempts < 100 => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                other => panic!("describe: {other:?}"),
            }
        }
    });
    let leader = described[0].partitions[0].leader;
    assert!(leader > 0, "partition 0 has a leader");

    let cfg = ProducerConfig::builder()
        .bootstrap_servers(bootstrap.split(',').map(str::to_owned))
        .set("acks", "all")
        .unwrap()
        .set("linger.ms", "2")
        .unwrap()
        .set("batch.size", "2000")
        .unwrap()
        .set("request.timeout.ms", "5000")
        .unwrap()
        .set("delivery.timeout.ms", "120000")
        .unwrap()
        .set("retry.backoff.ms", "50")
        .unwrap()
        .build()
        .expect("config");
    assert!(cfg.enable_idempotence, "idempotence is on by default");
    let acked = Arc::new(AtomicUsize::new(0));
    let producing = {
        let _rt = rt.enter();
        let producer = Producer::new(cfg).expect("producer");
        let topic = topic.clone();
        let acked = acked.clone();
        rt.spawn(async move {
            let mut pending = Vec::with_capacity(N);
            for i in 0..N {
                let rec =
                    ProducerRecord::new(&topic, format!("{i:06}")).partition(i as i32 % PARTITIONS);
                let fut = producer.send(rec).await.expect("queued");
                let acked = acked.clone();
                pending.push(tokio::spawn(async move {
                    let r = fut.await;
                    acked.fetch_add(1, Ordering::SeqCst);
                    r
                }));
                // Keep the stream going while the leader goes down and comes back.
                if i % 50 == 49 {
                    tokio::time::sleep(Duration::from_millis(30)).await;
                }
            }
            let mut results: Vec<Result<RecordMetadata, String>> = Vec::new();
            for p in pending {
                results.push(p.await.expect("join").map_err(|e| e.to_string()));
            }
            producer.close(Duration::from_secs(30)).await;
            results
        })
    };
    while acked.load(Ordering::SeqCst) < N / 4 {
        std::thread::sleep(Duration::from_millis(20));
    }
    cluster.kill(leader as u32);
    let done_at_kill = acked.load(Ordering::SeqCst);
    assert!(
        done_at_kill < N,
        "the leader died mid-stream ({done_at_kill} of {N} done)"
    );
    std::thread::sleep(Duration::from_secs(3));
    cluster.restart(leader as u32).expect("leader restarts");
    let results = rt.block_on(producing).expect("producer task");

    let failed: Vec<_> = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.as_ref().err().map(|e| (i, e.clone())))
        .collect();
    assert!(
        failed.is_empty(),
        "{} records failed, first: {:?}",
        failed.len(),
        failed.first()
    );

    // Read both partitions back completely. Right after a leader change the new leader's high
    // watermark can trail the acknowledged offsets for a moment (it advances once the followers
    // fetch again), so read until the watermark has passed every acknowledged offset.
    let mut last_acked: HashMap<i32, i64> = HashMap::new();
    for md in results.iter().flatten() {
        let e = last_acked.entry(md.partition).or_insert(-1);
        *e = (*e).max(md.offset);
    }
    let mut log: HashMap<i32, Vec<(i64, String)>> = HashMap::new();
    rt.block_on(async {
        for p in 0..PARTITIONS {
            let mut next = 0;
            let mut out = Vec::new();
            let must_pass = last_acked.get(&p).copied().unwrap_or(-1);
            let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
            loop {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "partition {p}: read {} records, high watermark never passed offset {must_pass}",
                    out.len()
                );
                let f =
                    fetch_partition(admin.cluster(), &topic, p, next, Duration::from_millis(200))
                        .await;
                let f = match f {
                    Ok(f) => f,
                    Err(e) if e.is_retriable() => {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        continue;
                    }
                    Err(e) => panic!("fetch: {e}"),
                };
                for r in &f.records {
                    let v = String::from_utf8(r.value.as_ref().unwrap().to_vec()).unwrap();
                    out.push((r.offset, v));
                }
                next = out.last().map_or(next, |(o, _)| o + 1);
                if next >= f.high_watermark && next > must_pass {
                    break;
                }
                if f.records.is_empty() {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            log.insert(p, out);
        }
    });
    let total: usize = log.values().map(Vec::len).sum();
    assert_eq!(
        total, N,
        "every record exactly once (no duplicates, none lost)"
    );
    for (p, records) in &log {
        let values: Vec<usize> = records.iter().map(|(_, v)| v.parse().unwrap()).collect();
        let mut sorted = values.clone();
        sorted.sort_unstable();
        assert_eq!(values, sorted, "partition {p} keeps send order");
        sorted.dedup();
        assert_eq!(sorted.len(), values.len(), "partition {p} has no duplicate");
    }
    // Each acknowledged offset holds the record that was acknowledged there.
    for (i, r) in results.iter().enumerate() {
        let md = r.as_ref().unwrap();
        if md.offset >= 0 {
            let rec = log[&md.partition]
                .iter()
                .find(|(o, _)| *o == md.offset)
                .unwrap_or_else(|| panic!("record {i}: offset {} not in the log", md.offset));
            assert_eq!(rec.1, format!("{i:06}"), "record {i} at its acked offset");
        }
    }
}
