//! Throughput of the hot per-record paths: key hashing and the sticky partition choice, plus
//! one SCRAM-SHA-256/512 client computation (dominated by 4096 PBKDF2 rounds).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kafka_client::partitioner::{StickyPartitioner, TopicPartitions, murmur2, partition_for_key};
use kafka_client::sasl::{Credentials, ScramClient, ScramMechanism};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn hashing(c: &mut Criterion) {
    let mut group = c.benchmark_group("murmur2");
    for len in [16usize, 100, 1024] {
        let key: Vec<u8> = (0..len).map(|i| i as u8).collect();
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(format!("{len}B"), |b| b.iter(|| murmur2(black_box(&key))));
    }
    group.finish();
    c.bench_function("partition_for_key/16B/12", |b| {
        b.iter(|| partition_for_key(black_box(b"customer-0000042"), black_box(12)))
    });
}

fn sticky(c: &mut Criterion) {
    let available: Vec<i32> = (0..12).collect();
    let topic = TopicPartitions {
        partition_count: 12,
        available: &available,
    };
    let mut rng = StdRng::seed_from_u64(1);
    let mut p = StickyPartitioner::new(16_384);
    c.bench_function("sticky/partition+append/100B", |b| {
        b.iter(|| {
            let part = p.partition(topic, &mut rng);
            p.record_appended(100, true, topic, &mut rng);
            black_box(part)
        })
    });
}

fn scram(c: &mut Criterion) {
    for (name, mechanism) in [
        ("sha256", ScramMechanism::Sha256),
        ("sha512", ScramMechanism::Sha512),
    ] {
        c.bench_function(&format!("scram/{name}/client-final/4096-iterations"), |b| {
            b.iter(|| {
                let mut client =
                    ScramClient::with_nonce(mechanism, Credentials::new("user", "pencil"), "abc");
                client.client_first_message().unwrap();
                black_box(
                    client
                        .handle_server_first(b"r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
                        .unwrap(),
                )
            })
        });
    }
}

criterion_group!(benches, hashing, sticky, scram);
criterion_main!(benches);
