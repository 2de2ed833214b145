//! kafka-client's producer, admin and fetch reader against a real broker and Kafka's Java client.

use std::time::Duration;

use bytes::Bytes;
use integration_tests::{JavaPeer, kafka, runtime, unique_topic};
use kafka_client::admin::{Admin, NewTopic, OffsetSpec};
use kafka_client::config::{AdminConfig, ProducerConfig};
use kafka_client::fetch::fetch_partition;
use kafka_client::partitioner::partition_for_key;
use kafka_client::producer::{Producer, ProducerRecord};

fn servers(bootstrap: &str) -> Vec<String> {
    bootstrap.split(',').map(str::to_owned).collect()
}

fn producer(bootstrap: &str, props: &[(&str, &str)]) -> Producer {
    let mut b = ProducerConfig::builder().bootstrap_servers(servers(bootstrap));
    for (k, v) in props {
        b = b.set(k, v).expect("valid producer property");
    }
    Producer::new(b.build().expect("producer config")).expect("producer")
}

fn admin(bootstrap: &str) -> Admin {
    Admin::new(
        AdminConfig::builder()
            .bootstrap_servers(servers(bootstrap))
            .build()
            .expect("admin config"),
    )
    .expect("admin")
}

const TS: i64 = 1_700_000_000_000;

fn record(topic: &str, i: usize) -> ProducerRecord {
    let mut r = ProducerRecord::new(topic, format!("value-{i}"))
        .key(format!("key-{i}"))
        .timestamp(TS + i as i64)
        .header("seq", Some(Bytes::from(i.to_string())));
    if i.is_multiple_of(7) {
        // A null header value and a tombstone now and then.
        r = r.header("empty", None);
        r.value = None;
    }
    r
}

/// For each codec: 3 partitions, keyed records; our acks match Java's partitioning and the
/// Java consumer reads back exactly what we sent, headers and timestamps included.
#[test]
fn every_codec_round_trips_to_the_java_consumer() {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let rt = runtime();
    let admin = admin(&bootstrap);
    for codec in ["none", "gzip", "snappy", "lz4", "zstd"] {
        let topic = unique_topic(&format!("client-codec-{codec}"));
        rt.block_on(admin.create_topics(&[NewTopic::new(&topic, 3)]))
            .expect("create topic");
        let p = {
            let _runtime = rt.enter();
            producer(
                &bootstrap,
                &[("compression.type", codec), ("linger.ms", "5")],
            )
        };
        const N: usize = 60;
        let acks = rt.block_on(async {
            let mut futs = Vec::new();
            for i in 0..N {
                futs.push(p.send(record(&topic, i)).await.expect("queued"));
            }
            let mut acks = Vec::new();
            for f in futs {
                acks.push(f.await.expect("acknowledged"));
            }
            p.close(Duration::from_secs(10)).await;
            acks
        });
        for (i, a) in acks.iter().enumerate() {
            assert_eq!(
                a.partition,
                partition_for_key(format!("key-{i}").as_bytes(), 3),
                "{codec}: murmur2 partition of key-{i}"
            );
            assert_eq!(a.timestamp, TS + i as i64);
        }
        let mut records = peer
            .consume(&bootstrap, &topic, N, Duration::from_secs(60), &[])
            .expect("Java consumer");
        assert_eq!(records.len(), N, "{codec}");
        records.sort_by_key(|r| r.timestamp);
        for (i, r) in records.iter().enumerate() {
            let sent = record(&topic, i);
            assert_eq!(
                (r.partition, r.offset),
                (acks[i].partition, acks[i].offset),
                "{codec} #{i}"
            );
            assert_eq!(r.timestamp, TS + i as i64);
            assert_eq!(r.key.as_deref(), sent.key.as_deref(), "{codec} #{i}");
            assert_eq!(r.value.as_deref(), sent.value.as_deref(), "{codec} #{i}");
            let headers: Vec<(String, Option<Vec<u8>>)> = sent
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.as_ref().map(|b| b.to_vec())))
                .collect();
            assert_eq!(r.headers, headers, "{codec} #{i}");
        }
        // Per-partition offsets are dense and in send order.
        for part in 0..3 {
            let offs: Vec<i64> = acks
                .iter()
                .filter(|a| a.partition == part)
                .map(|a| a.offset)
                .collect();
            assert_eq!(
                offs,
                (0..offs.len() as i64).collect::<Vec<_>>(),
                "{codec} p{part}"
            );
        }
    }
}

/// Records written by the Java producer are read back by our Fetch-based reader, and
/// ListOffsets finds earliest, latest and by-timestamp offsets.
#[test]
fn java_producer_records_read_back_by_our_fetch() {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("client-java-to-rust");
    let n = 40;
    let acks = peer
        .produce(&bootstrap, &topic, n, &[("compression.type", "zstd")])
        .expect("Java produce");
    assert_eq!(acks.len(), n);
    let rt = runtime();
    let admin = admin(&bootstrap);
    let records = rt.block_on(async {
        let mut out = Vec::new();
        while out.len() < n {
            let next = out.len() as i64;
            let f = fetch_partition(admin.cluster(), &topic, 0, next, Duration::from_millis(500))
                .await
                .expect("fetch");
            out.extend(f.records);
        }
        out
    });
    assert_eq!(records.len(), n);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.offset, i as i64);
        assert_eq!(r.timestamp, TS + i as i64);
        assert_eq!(r.key.as_deref(), Some(format!("key-{i}").as_bytes()));
        assert_eq!(r.value.as_deref(), Some(format!("value-{i}").as_bytes()));
        let headers: Vec<_> = r.headers.iter().collect();
        assert_eq!(headers.len(), 1);
        assert_eq!(headers[0].key_str(), Some("seq"));
        assert_eq!(headers[0].value.as_deref(), Some(i.to_string().as_bytes()));
    }
    let offsets = rt
        .block_on(admin.list_offsets(&topic, &[(0, OffsetSpec::Earliest)]))
        .expect("earliest");
    assert_eq!(offsets[0].offset, 0);
    let offsets = rt
        .block_on(admin.list_offsets(&topic, &[(0, OffsetSpec::Latest)]))
        .expect("latest");
    assert_eq!(offsets[0].offset, n as i64);
    let offsets = rt
        .block_on(admin.list_offsets(&topic, &[(0, OffsetSpec::Timestamp(TS + 25))]))
        .expect("by timestamp");
    assert_eq!((offsets[0].offset, offsets[0].timestamp), (25, TS + 25));
}
