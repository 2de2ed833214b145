//! The producer stall: records sent to a topic created a moment before, in a tight loop without
//! awaiting, must all be acknowledged exactly once and in send order per partition.
//!
//! A new partition's leader can refuse the first Produce requests (NOT_LEADER_OR_FOLLOWER)
//! while a later request pipelined behind them is already taken; a broker with no state for the
//! producer takes any first sequence, so the refused first batch used to be refused as out of
//! order on every retry until `delivery.timeout.ms`, and `send` stopped at `buffer.memory`.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use integration_tests::{kafka, unique_topic};
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::config::{AdminConfig, ProducerConfig};
use kafka_client::producer::{Producer, ProducerRecord};

/// Topics created and written one after the other (each a fresh chance of the race).
const TOPICS: usize = 8;
/// Records per topic: 2M in all.
const PER_TOPIC: usize = 250_000;
const PARTITIONS: i32 = 6;
/// Generous: the whole run, on a loaded machine, in a debug build.
const OVERALL: Duration = Duration::from_secs(900);

#[test]
fn records_to_fresh_topics_are_all_acknowledged_once_in_order() {
    let bootstrap = kafka().bootstrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let servers: Vec<String> = bootstrap.split(',').map(str::to_owned).collect();
    let run = async {
        let admin = Admin::new(
            AdminConfig::builder()
                .bootstrap_servers(servers.clone())
                .build()
                .expect("admin config"),
        )
        .expect("admin");
        let cfg = ProducerConfig::builder()
            .bootstrap_servers(servers)
            .set("linger.ms", "5")
            .expect("linger.ms")
            .build()
            .expect("producer config");
        let producer = Producer::new(cfg).expect("producer");
        let value = Bytes::from_static(b"0123456789");
        for t in 0..TOPICS {
            let topic = unique_topic(&format!("producer-fresh-{t}"));
            admin
                .create_topics(&[NewTopic::new(&topic, PARTITIONS)])
                .await
                .expect("create topic");
            // No wait for leaders: the first batches meet partitions still being set up.
            let mut pending = Vec::with_capacity(PER_TOPIC);
            for _ in 0..PER_TOPIC {
                let record = ProducerRecord::new(topic.as_str(), value.clone());
                pending.push(producer.send(record).await.unwrap_or_else(|e| {
                    panic!("{topic}: send refused after {} records: {e}", pending.len())
                }));
            }
            // Per partition: offsets rise in send order and are exactly 0..n.
            let mut last: HashMap<i32, i64> = HashMap::new();
            for (i, f) in pending.into_iter().enumerate() {
                let md = f
                    .await
                    .unwrap_or_else(|e| panic!("{topic}: record {i} not acknowledged: {e}"));
                let prev = last.entry(md.partition).or_insert(-1);
                assert_eq!(
                    md.offset,
                    *prev + 1,
                    "{topic}-{}: record {i} out of order or not exactly once",
                    md.partition
                );
                *prev = md.offset;
            }
            let total: i64 = last.values().map(|o| o + 1).sum();
            assert_eq!(total, PER_TOPIC as i64, "{topic}: every record once");
        }
        producer.close(Duration::from_secs(10)).await;
        admin.close().await;
    };
    rt.block_on(async {
        tokio::time::timeout(OVERALL, run)
            .await
            .unwrap_or_else(|_| panic!("producer stalled: not done after {OVERALL:?}"))
    });
}
