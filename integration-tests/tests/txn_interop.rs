//! Transactions across clients: Java's aborted transaction is invisible to our read_committed
//! consumer, and ours is invisible to Java's read_committed consumer; both are in the log
//! (read_uncommitted sees them), so the filtering is what the test proves.

mod txn_support;

use std::time::Duration;

use integration_tests::{JavaPeer, kafka, unique_topic};
use kafka_client::config::{AutoOffsetReset, ConsumerConfig, IsolationLevel, ProducerConfig};
use kafka_client::consumer::{Consumer, TopicPartition};
use kafka_client::producer::{Producer, ProducerRecord};
use txn_support::*;

async fn read_uncommitted_count(bootstrap: &str, topic: &str, want: usize) -> usize {
    let mut c = Consumer::new(
        ConsumerConfig::builder()
            .bootstrap_servers([bootstrap])
            .auto_offset_reset(AutoOffsetReset::Earliest)
            .isolation_level(IsolationLevel::ReadUncommitted)
            .build()
            .unwrap(),
    )
    .unwrap();
    c.assign([TopicPartition::new(topic, 0)]).unwrap();
    let mut n = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while n < want && tokio::time::Instant::now() < deadline {
        n += c.poll(Duration::from_millis(200)).await.unwrap().len();
    }
    n
}

#[test]
fn java_aborted_transaction_is_invisible_to_our_read_committed_consumer() {
    let bootstrap = kafka().bootstrap();
    let rt = runtime();
    let topic = unique_topic("txn-interop-java");
    rt.block_on(create_topic(&bootstrap, &topic, 1, 1));
    let peer = JavaPeer::new().expect("Java peer");
    peer.run_class(
        "TxnVerifyPeer",
        &[
            "abort".into(),
            bootstrap.clone(),
            topic.clone(),
            "25".into(),
        ],
    )
    .expect("Java transactional producer");
    let ours = rt.block_on(read_committed_ours(&bootstrap, &topic));
    let values: Vec<&str> = ours.iter().map(|(_, _, v)| v.as_str()).collect();
    assert_eq!(values, ["java-committed"]);
    assert_eq!(
        rt.block_on(read_uncommitted_count(&bootstrap, &topic, 26)),
        26,
        "the aborted records are in the log"
    );
}

#[test]
fn our_aborted_transaction_is_invisible_to_java_read_committed_consumer() {
    let bootstrap = kafka().bootstrap();
    let rt = runtime();
    let topic = unique_topic("txn-interop-ours");
    rt.block_on(async {
        create_topic(&bootstrap, &topic, 1, 1).await;
        let p = Producer::new(
            ProducerConfig::builder()
                .bootstrap_servers([bootstrap.as_str()])
                .transactional_id(unique_topic("txn-interop-ours-id"))
                .build()
                .unwrap(),
        )
        .unwrap();
        p.init_transactions().await.expect("init");
        eprintln!(
            "transaction protocol v2 (KIP-890): {:?}",
            p.transaction_protocol_v2()
        );
        p.begin_transaction().unwrap();
        let mut acks = Vec::new();
        for i in 0..20 {
            acks.push(
                p.send(ProducerRecord::new(&topic, format!("ours-aborted-{i}")).partition(0))
                    .await
                    .unwrap(),
            );
        }
        for a in acks {
            a.await.expect("aborted-to-be records are written");
        }
        p.abort_transaction().await.expect("abort");
        for t in 0..2 {
            p.begin_transaction().unwrap();
            for i in 0..5 {
                drop(
                    p.send(
                        ProducerRecord::new(&topic, format!("ours-committed-{t}-{i}")).partition(0),
                    )
                    .await
                    .unwrap(),
                );
            }
            p.commit_transaction().await.expect("commit");
        }
        p.close(Duration::from_secs(5)).await;
    });
    let want: Vec<String> = (0..2)
        .flat_map(|t| (0..5).map(move |i| format!("ours-committed-{t}-{i}")))
        .collect();
    let peer = JavaPeer::new().expect("Java peer");
    let java = read_committed_java(&peer, &bootstrap, &topic);
    let values: Vec<String> = java.into_iter().map(|(_, _, v)| v).collect();
    assert_eq!(
        values, want,
        "Java read_committed sees only committed records, in order"
    );
    let ours = rt.block_on(read_committed_ours(&bootstrap, &topic));
    let values: Vec<String> = ours.into_iter().map(|(_, _, v)| v).collect();
    assert_eq!(values, want, "our read_committed agrees");
    assert_eq!(
        rt.block_on(read_uncommitted_count(&bootstrap, &topic, 30)),
        30,
        "the aborted records are in the log"
    );
}
