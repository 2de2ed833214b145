//! KIP-447 group fencing: offsets sent to a transaction carry the consumer's generation and
//! member id, so a member with a stale generation (one that missed a rebalance) cannot commit
//! them even though its transactional id is its own; the transaction becomes abortable, and
//! after an abort the same producer commits with the current group metadata. The stale
//! metadata is the member's own with the previous generation number.

mod txn_support;

use std::collections::BTreeMap;
use std::time::Duration;

use integration_tests::{kafka, unique_topic};
use kafka_client::config::{AutoOffsetReset, ConsumerConfig, ProducerConfig};
use kafka_client::consumer::{Consumer, OffsetAndMetadata, TopicPartition};
use kafka_client::producer::{ConsumerGroupMetadata, Producer, TxnState};
use txn_support::*;

fn member(bootstrap: &str, group: &str) -> Consumer {
    Consumer::new(
        ConsumerConfig::builder()
            .bootstrap_servers([bootstrap])
            .group_id(group)
            .enable_auto_commit(false)
            .auto_offset_reset(AutoOffsetReset::Earliest)
            .build()
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn offsets_with_a_stale_generation_are_refused_and_the_transaction_aborts() {
    let bootstrap = kafka().bootstrap();
    let rt = runtime();
    let topic = unique_topic("txn-kip447");
    let group = unique_topic("txn-kip447-group");
    rt.block_on(async {
        create_topic(&bootstrap, &topic, 4, 1).await;
        let mut a = member(&bootstrap, &group);
        a.subscribe([topic.clone()], None).unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while a.assignment().is_empty() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "first member got no partitions"
            );
            a.poll(Duration::from_millis(200)).await.unwrap();
        }
        let current = ConsumerGroupMetadata::of(&a).expect("group metadata");
        assert!(
            current.generation_id > 0 && !current.member_id.is_empty(),
            "{current:?}"
        );
        // What a zombie that missed rebalances would carry: an older generation.
        let stale = ConsumerGroupMetadata {
            generation_id: current.generation_id - 1,
            ..current.clone()
        };

        let producer = Producer::new(
            ProducerConfig::builder()
                .bootstrap_servers([bootstrap.as_str()])
                .transactional_id(unique_topic("txn-kip447-id"))
                .build()
                .unwrap(),
        )
        .unwrap();
        producer.init_transactions().await.expect("init");
        let tp = a
            .assignment()
            .into_iter()
            .next()
            .expect("a keeps a partition");
        let offsets: BTreeMap<TopicPartition, OffsetAndMetadata> =
            [(tp.clone(), OffsetAndMetadata::new(7))].into();

        producer.begin_transaction().unwrap();
        let err = producer
            .send_offsets_to_transaction(&offsets, &stale)
            .await
            .expect_err("a stale generation must be refused");
        assert!(
            err.is_abortable(),
            "stale generation is abortable, got {err:?}"
        );
        assert!(matches!(
            producer.transaction_state(),
            Some(TxnState::AbortableError(_))
        ));
        producer.abort_transaction().await.expect("abort");

        producer.begin_transaction().unwrap();
        producer
            .send_offsets_to_transaction(&offsets, &current)
            .await
            .expect("current generation accepted");
        producer.commit_transaction().await.expect("commit");
        let committed = a.committed(std::slice::from_ref(&tp)).await.unwrap();
        assert_eq!(committed.get(&tp).map(|o| o.offset), Some(7));
        producer.close(Duration::from_secs(5)).await;
        let _ = a.close().await;
    });
}
