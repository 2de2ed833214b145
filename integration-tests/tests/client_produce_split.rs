//! kafka-client's producer when the broker refuses a batch as too large (`MESSAGE_TOO_LARGE`):
//! the batch is split and resent, as Java's producer does, and every record lands once, in order.

use std::time::Duration;

use integration_tests::{kafka, runtime, unique_topic};
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::config::{AdminConfig, ProducerConfig};
use kafka_client::error::KafkaCode;
use kafka_client::fetch::fetch_partition;
use kafka_client::producer::{Producer, ProducerRecord};

fn servers(bootstrap: &str) -> Vec<String> {
    bootstrap.split(',').map(str::to_owned).collect()
}

fn value(i: usize) -> Vec<u8> {
    let mut v = format!("value-{i:04}-").into_bytes();
    v.resize(300, b'x');
    v
}

/// A topic whose `max.message.bytes` (4 KiB) is far below `batch.size` (64 KiB): the ~30 KiB
/// batch is refused and split until the pieces fit; every record is acknowledged at its own
/// offset, and a record too large on its own fails with the broker's error.
#[test]
fn refused_batch_is_split_and_every_record_lands_in_order() {
    let bootstrap = kafka().bootstrap();
    let rt = runtime();
    let admin = Admin::new(
        AdminConfig::builder()
            .bootstrap_servers(servers(&bootstrap))
            .build()
            .expect("admin config"),
    )
    .expect("admin");
    let topic = unique_topic("client-split");
    rt.block_on(
        admin.create_topics(&[NewTopic::new(&topic, 1).config("max.message.bytes", "4096")]),
    )
    .expect("create topic");
    let producer = {
        let _runtime = rt.enter();
        let cfg = ProducerConfig::builder()
            .bootstrap_servers(servers(&bootstrap))
            .batch_size(65536)
            .linger(Duration::from_millis(200))
            .build()
            .expect("producer config");
        Producer::new(cfg).expect("producer")
    };
    const N: usize = 100;
    let offsets = rt.block_on(async {
        let mut futs = Vec::new();
        for i in 0..N {
            let r = ProducerRecord::new(topic.as_str(), value(i)).partition(0);
            futs.push(producer.send(r).await.expect("queued"));
        }
        let mut offsets = Vec::new();
        for f in futs {
            offsets.push(f.await.expect("acknowledged after the split").offset);
        }
        offsets
    });
    assert_eq!(offsets, (0..N as i64).collect::<Vec<_>>());

    let alone = rt.block_on(async {
        let r = ProducerRecord::new(topic.as_str(), vec![b'y'; 5000]).partition(0);
        producer.send(r).await.expect("queued").await
    });
    let err = alone.expect_err("a single record above max.message.bytes cannot be split");
    assert_eq!(err.code(), Some(KafkaCode::MESSAGE_TOO_LARGE), "{err}");

    let records = rt.block_on(async {
        let mut out = Vec::new();
        while out.len() < N {
            let f = fetch_partition(
                admin.cluster(),
                &topic,
                0,
                out.len() as i64,
                Duration::from_millis(500),
            )
            .await
            .expect("fetch");
            out.extend(f.records);
        }
        out
    });
    assert_eq!(records.len(), N, "no record twice");
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.offset, i as i64);
        assert_eq!(r.value.as_deref(), Some(value(i).as_slice()));
    }
    rt.block_on(producer.close(Duration::from_secs(5)));
    rt.block_on(admin.close());
}
