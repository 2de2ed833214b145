//! Record batch encode and decode: 1000 records with 100-byte values, each codec, next to the
//! floor any decoder pays for the same bytes (CRC32C over them plus one memcpy).
//!
//! Run: `cargo bench -p kafka-protocol --bench record_batch`

use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kafka_protocol::record::{Batch, BatchBuilder, BatchOptions, Compression, RecordSet};

const RECORDS: usize = 1000;
const VALUE_SIZE: usize = 100;

/// Values that look like real payloads: mostly text with a varying counter, so the codecs have
/// something to do but cannot collapse it to nothing.
fn values() -> Vec<Vec<u8>> {
    (0..RECORDS)
        .map(|i| {
            let mut v = format!(
                "{{\"id\":{i},\"user\":\"user-{}\",\"event\":\"click\",\"ts\":",
                i * 7919 % 1000
            )
            .into_bytes();
            v.extend_from_slice(format!("{}}}", 1_700_000_000_000u64 + i as u64 * 13).as_bytes());
            v.resize(VALUE_SIZE, b' ');
            v
        })
        .collect()
}

fn build(codec: Compression, values: &[Vec<u8>]) -> Bytes {
    let mut b = BatchBuilder::with_capacity(
        BatchOptions {
            compression: codec,
            producer_id: 1000,
            producer_epoch: 0,
            base_sequence: 0,
            ..BatchOptions::default()
        },
        RECORDS * (VALUE_SIZE + 8),
    );
    for (i, v) in values.iter().enumerate() {
        b.append(1_700_000_000_000 + i as i64, None, Some(v), &[])
            .unwrap();
    }
    b.build().unwrap()
}

fn decode(data: &Bytes) -> usize {
    let mut total = 0;
    for record in RecordSet::new(data.clone()).records() {
        let record = record.unwrap();
        total += record.value.map_or(0, |v| v.len()) + record.offset as usize;
    }
    total
}

/// The same walk through borrowed records: no reference counting per record.
fn decode_borrowed(data: &Bytes) -> usize {
    let mut total = 0;
    for batch in RecordSet::new(data.clone()).batches() {
        let Batch::V2(batch) = batch.unwrap() else {
            unreachable!("the bench builds v2 batches")
        };
        let mut records = batch.records().unwrap();
        while let Some(record) = records.next_ref() {
            let record = record.unwrap();
            total += record.value.map_or(0, |v| v.len()) + record.offset as usize;
        }
    }
    total
}

fn benches(c: &mut Criterion) {
    let values = values();
    let mut encode = c.benchmark_group("record_batch_encode");
    encode.throughput(Throughput::Elements(RECORDS as u64));
    for codec in Compression::ALL {
        encode.bench_function(codec.name(), |b| {
            b.iter(|| build(codec, black_box(&values)))
        });
    }
    encode.finish();

    let mut decode_group = c.benchmark_group("record_batch_decode");
    decode_group.throughput(Throughput::Elements(RECORDS as u64));
    for codec in Compression::ALL {
        let data = build(codec, &values);
        decode_group.bench_function(codec.name(), |b| b.iter(|| decode(black_box(&data))));
        decode_group.bench_function(format!("{}_borrowed", codec.name()), |b| {
            b.iter(|| decode_borrowed(black_box(&data)))
        });
    }
    decode_group.finish();

    // The floor for decoding an uncompressed batch: checksum every byte and copy it once.
    let data = build(Compression::None, &values);
    let mut bound = c.benchmark_group("record_batch_bound");
    bound.throughput(Throughput::Elements(RECORDS as u64));
    let mut scratch = vec![0u8; data.len()];
    bound.bench_function("crc32c_plus_memcpy", |b| {
        b.iter(|| {
            let crc = crc32c::crc32c(black_box(&data[21..]));
            scratch.copy_from_slice(black_box(&data));
            black_box(&scratch);
            crc
        })
    });
    bound.finish();
}

criterion_group!(record_batch, benches);
criterion_main!(record_batch);
