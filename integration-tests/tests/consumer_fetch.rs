//! Our consumer reading what Java's producers wrote: manual assignment, positions and seeks,
//! offset lookups, pause/resume, and read_committed against Java's transactional producer.

use std::collections::BTreeMap;
use std::time::Duration;

use integration_tests::{JavaPeer, kafka, unique_topic};
use kafka_client::config::{AutoOffsetReset, ConsumerConfig, IsolationLevel};
use kafka_client::consumer::{Consumer, ConsumerRecord, TopicPartition};

fn config(bootstrap: &str) -> kafka_client::config::ConsumerConfigBuilder {
    ConsumerConfig::builder()
        .bootstrap_servers([bootstrap])
        .auto_offset_reset(AutoOffsetReset::Earliest)
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

fn text(b: &Option<bytes::Bytes>) -> String {
    String::from_utf8(b.as_ref().expect("non-null").to_vec()).expect("utf-8")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_assignment_reads_java_records_with_seeks_and_lookups() {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("consumer-fetch");
    let acks = peer
        .produce(
            &bootstrap,
            &topic,
            2000,
            &[("compression.type", "lz4"), ("linger.ms", "5")],
        )
        .expect("produce");
    assert_eq!(acks.len(), 2000);

    let mut c = Consumer::new(config(&bootstrap).max_poll_records(300).build().unwrap()).unwrap();
    let tp = TopicPartition::new(topic.clone(), 0);
    c.assign([tp.clone()]).unwrap();
    let records = poll_until(&mut c, 2000, Duration::from_secs(60)).await;
    assert_eq!(records.len(), 2000);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.offset, i as i64);
        assert_eq!(&*r.topic, topic.as_str());
        assert_eq!(r.timestamp, 1_700_000_000_000 + i as i64);
        assert_eq!(text(&r.key), format!("key-{i}"));
        assert_eq!(text(&r.value), format!("value-{i}"));
        let headers: Vec<_> = r.headers.iter().collect();
        assert_eq!(headers.len(), 1);
        assert_eq!(headers[0].key_str(), Some("seq"));
    }
    assert_eq!(c.position(&tp).await.unwrap(), 2000);

    // Offset lookups.
    let begin = c
        .beginning_offsets(std::slice::from_ref(&tp))
        .await
        .unwrap();
    let end = c.end_offsets(std::slice::from_ref(&tp)).await.unwrap();
    assert_eq!((begin[&tp], end[&tp]), (0, 2000));
    let mut q = BTreeMap::new();
    q.insert(tp.clone(), 1_700_000_000_500);
    assert_eq!(c.offsets_for_times(&q).await.unwrap()[&tp], Some(500));
    q.insert(tp.clone(), 1_800_000_000_000);
    assert_eq!(c.offsets_for_times(&q).await.unwrap()[&tp], None);

    // Seek back, then pause: nothing comes until resumed.
    c.seek(&tp, 1990).unwrap();
    c.pause(std::slice::from_ref(&tp));
    assert!(c.poll(Duration::from_millis(700)).await.unwrap().is_empty());
    assert_eq!(c.paused().len(), 1);
    c.resume(std::slice::from_ref(&tp));
    let tail = poll_until(&mut c, 10, Duration::from_secs(30)).await;
    assert_eq!(
        tail.iter().map(|r| r.offset).collect::<Vec<_>>(),
        (1990..2000).collect::<Vec<_>>()
    );

    c.seek_to_beginning(std::slice::from_ref(&tp)).unwrap();
    let first = poll_until(&mut c, 1, Duration::from_secs(30)).await;
    assert_eq!(first[0].offset, 0);
    c.seek_to_end(std::slice::from_ref(&tp)).unwrap();
    assert_eq!(c.position(&tp).await.unwrap(), 2000);
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latest_reset_and_none_reset() {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("consumer-reset");
    peer.produce(&bootstrap, &topic, 10, &[]).expect("produce");
    let tp = TopicPartition::new(topic.clone(), 0);

    let mut latest = Consumer::new(
        config(&bootstrap)
            .auto_offset_reset(AutoOffsetReset::Latest)
            .build()
            .unwrap(),
    )
    .unwrap();
    latest.assign([tp.clone()]).unwrap();
    assert_eq!(latest.position(&tp).await.unwrap(), 10);

    let mut none = Consumer::new(
        config(&bootstrap)
            .group_id(unique_topic("no-commits"))
            .enable_auto_commit(false)
            .auto_offset_reset(AutoOffsetReset::None)
            .build()
            .unwrap(),
    )
    .unwrap();
    none.assign([tp.clone()]).unwrap();
    let err = none.poll(Duration::from_secs(5)).await.unwrap_err();
    assert!(
        matches!(err, kafka_client::consumer::ConsumerError::NoOffset(_)),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_commit_with_metadata_and_committed() {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("consumer-commit");
    peer.produce(&bootstrap, &topic, 100, &[]).expect("produce");
    let tp = TopicPartition::new(topic.clone(), 0);
    let group = unique_topic("commit-group");
    let mut c = Consumer::new(
        config(&bootstrap)
            .group_id(group.clone())
            .enable_auto_commit(false)
            .build()
            .unwrap(),
    )
    .unwrap();
    c.assign([tp.clone()]).unwrap();
    let got = poll_until(&mut c, 100, Duration::from_secs(30)).await;
    assert_eq!(got.len(), 100);
    let mut offsets = BTreeMap::new();
    offsets.insert(
        tp.clone(),
        kafka_client::consumer::OffsetAndMetadata::with_metadata(42, "checkpoint"),
    );
    c.commit_sync(Some(offsets)).await.unwrap();
    let committed = c.committed(std::slice::from_ref(&tp)).await.unwrap();
    assert_eq!(committed[&tp].offset, 42);
    assert_eq!(committed[&tp].metadata, "checkpoint");
    c.commit_async(None).unwrap().await.unwrap().unwrap();
    assert_eq!(
        c.committed(std::slice::from_ref(&tp)).await.unwrap()[&tp].offset,
        100
    );
    c.close().await.unwrap();

    // A new consumer in the group starts at the committed offset.
    let mut again = Consumer::new(
        config(&bootstrap)
            .group_id(group)
            .enable_auto_commit(false)
            .build()
            .unwrap(),
    )
    .unwrap();
    again.assign([tp.clone()]).unwrap();
    assert_eq!(again.position(&tp).await.unwrap(), 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_committed_sees_only_committed_java_transactions_in_order() {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("consumer-txn");
    peer.run_class(
        "GroupPeer",
        &[
            "create".into(),
            bootstrap.clone(),
            topic.clone(),
            "1".into(),
        ],
    )
    .expect("create topic");
    let out = peer
        .run_class(
            "TxnPeer",
            &[bootstrap.clone(), topic.clone(), "20".into(), "25".into()],
        )
        .expect("transactional producer");
    let expected: Vec<String> = out.lines().map(str::to_owned).collect();
    // 10 committed transactions of 25, plus 7 plain records.
    assert_eq!(expected.len(), 10 * 25 + 7);

    let tp = TopicPartition::new(topic.clone(), 0);
    let mut committed = Consumer::new(
        config(&bootstrap)
            .isolation_level(IsolationLevel::ReadCommitted)
            .build()
            .unwrap(),
    )
    .unwrap();
    committed.assign([tp.clone()]).unwrap();
    let got = poll_until(&mut committed, expected.len(), Duration::from_secs(60)).await;
    // Nothing more arrives: aborted records and markers stay hidden.
    let extra = committed.poll(Duration::from_secs(2)).await.unwrap();
    let values: Vec<String> = got.iter().chain(&extra).map(|r| text(&r.value)).collect();
    assert_eq!(values, expected);
    let end = committed
        .end_offsets(std::slice::from_ref(&tp))
        .await
        .unwrap()[&tp];
    assert_eq!(
        committed.position(&tp).await.unwrap(),
        end,
        "position moves past the markers"
    );

    // read_uncommitted sees the aborted records too, but never the control records.
    let mut all = Consumer::new(config(&bootstrap).build().unwrap()).unwrap();
    all.assign([tp.clone()]).unwrap();
    let got = poll_until(&mut all, 20 * 25 + 7, Duration::from_secs(60)).await;
    let extra = all.poll(Duration::from_secs(2)).await.unwrap();
    let values: Vec<String> = got.iter().chain(&extra).map(|r| text(&r.value)).collect();
    assert_eq!(values.len(), 20 * 25 + 7);
    assert_eq!(
        values.iter().filter(|v| v.starts_with("abort-")).count(),
        10 * 25
    );
}
