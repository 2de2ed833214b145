//! Message codec benchmarks: Fetch response decode and Produce request encode (one buffer, and
//! vectored), the two hot paths of a client. Record sets are opaque `Bytes` here (the record module decodes them), so
//! these measure the message framing around them.

use bytes::{Bytes, BytesMut};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kafka_protocol::Message;
use kafka_protocol::Uuid;
use kafka_protocol::messages::fetch_response::{FetchableTopicResponse, PartitionData};
use kafka_protocol::messages::produce_request::{PartitionProduceData, TopicProduceData};
use kafka_protocol::messages::{FetchResponse, ProduceRequest};

/// 4 topics x 16 partitions, each with a 16 KiB record set.
fn fetch_response() -> FetchResponse {
    let records = Bytes::from(vec![0xabu8; 16 * 1024]);
    FetchResponse {
        responses: (0..4)
            .map(|t| FetchableTopicResponse {
                topic: format!("topic-{t}"),
                topic_id: Uuid::from_halves(t, t + 1),
                partitions: (0..16)
                    .map(|p| PartitionData {
                        partition_index: p,
                        high_watermark: 1_000_000,
                        last_stable_offset: 1_000_000,
                        log_start_offset: 0,
                        records: Some(records.clone()),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn produce_request() -> ProduceRequest {
    let records = Bytes::from(vec![0xcdu8; 16 * 1024]);
    ProduceRequest {
        acks: -1,
        timeout_ms: 30_000,
        topic_data: (0..4)
            .map(|t| TopicProduceData {
                name: format!("topic-{t}"),
                topic_id: Uuid::from_halves(t, t + 1),
                partition_data: (0..16)
                    .map(|p| PartitionProduceData {
                        index: p,
                        records: Some(records.clone()),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn bench(c: &mut Criterion) {
    for version in [12i16, 16] {
        let mut buf = BytesMut::new();
        fetch_response().encode(&mut buf, version).expect("encode");
        let bytes = buf.freeze();
        let mut g = c.benchmark_group("fetch_response_decode");
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(format!("v{version}_64_partitions_16KiB"), |b| {
            b.iter(|| FetchResponse::decode_exact(bytes.clone(), version).expect("decode"))
        });
        g.finish();
    }
    for version in [9i16, 13] {
        let req = produce_request();
        let mut g = c.benchmark_group("produce_request_encode");
        let mut probe = BytesMut::new();
        req.encode(&mut probe, version).expect("encode");
        g.throughput(Throughput::Bytes(probe.len() as u64));
        g.bench_function(format!("v{version}_64_partitions_16KiB"), |b| {
            let mut buf = BytesMut::with_capacity(probe.len());
            b.iter(|| {
                buf.clear();
                req.encode(&mut buf, version).expect("encode");
                buf.len()
            })
        });
        // The same body as chunks: framing in one buffer, record sets shared, not copied.
        g.bench_function(format!("v{version}_64_partitions_16KiB_vectored"), |b| {
            b.iter(|| {
                let chunks = req.encode_vectored(version).expect("encode");
                chunks.len()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
