//! Record batch decode and encode, ours against crates.io `kafka-protocol` (its `records`
//! module), on the same input: 1000 records with 100-byte values, each codec. Also the
//! CRC32C-plus-memcpy floor over the uncompressed batch.

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ours::record::{Batch, BatchBuilder, BatchOptions, Compression, RecordSet};
use theirs::records as t;

const RECORDS: usize = 1000;
const VALUE_SIZE: usize = 100;
const T0: i64 = 1_700_000_000_000;

fn values() -> Vec<Vec<u8>> {
    (0..RECORDS)
        .map(|i| {
            let mut v = format!(
                "{{\"id\":{i},\"user\":\"user-{}\",\"event\":\"click\",\"ts\":",
                i * 7919 % 1000
            )
            .into_bytes();
            v.extend_from_slice(format!("{}}}", T0 as u64 + i as u64 * 13).as_bytes());
            v.resize(VALUE_SIZE, b' ');
            v
        })
        .collect()
}

fn ours_build(codec: Compression, values: &[Vec<u8>]) -> Bytes {
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
        b.append(T0 + i as i64, None, Some(v), &[]).unwrap();
    }
    b.build().unwrap()
}

fn theirs_codec(codec: Compression) -> t::Compression {
    match codec {
        Compression::None => t::Compression::None,
        Compression::Gzip => t::Compression::Gzip,
        Compression::Snappy => t::Compression::Snappy,
        Compression::Lz4 => t::Compression::Lz4,
        Compression::Zstd => t::Compression::Zstd,
    }
}

/// Their encoder takes fully formed `Record` values, so the records are prepared outside the
/// timed loop (as a producer would hold them) and only encoding is measured.
fn theirs_records(values: &[Vec<u8>]) -> Vec<t::Record> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| t::Record {
            transactional: false,
            control: false,
            delete_horizon: false,
            partition_leader_epoch: -1,
            producer_id: 1000,
            producer_epoch: 0,
            timestamp_type: t::TimestampType::Creation,
            offset: i as i64,
            sequence: i as i32,
            timestamp: T0 + i as i64,
            key: None,
            value: Some(Bytes::copy_from_slice(v)),
            headers: indexmap::IndexMap::new(),
        })
        .collect()
}

fn theirs_build(codec: Compression, records: &[t::Record]) -> Bytes {
    let mut buf = BytesMut::with_capacity(RECORDS * (VALUE_SIZE + 8) + 61);
    t::RecordBatchEncoder::encode(
        &mut buf,
        records,
        &t::RecordEncodeOptions {
            version: 2,
            compression: theirs_codec(codec),
        },
    )
    .unwrap();
    buf.freeze()
}

fn ours_decode(data: &Bytes) -> usize {
    let mut total = 0;
    for record in RecordSet::new(data.clone()).records() {
        let record = record.unwrap();
        total += record.value.map_or(0, |v| v.len()) + record.offset as usize;
    }
    total
}

fn ours_decode_borrowed(data: &Bytes) -> usize {
    let mut total = 0;
    for batch in RecordSet::new(data.clone()).batches() {
        let Batch::V2(batch) = batch.unwrap() else {
            unreachable!("v2 only")
        };
        let mut records = batch.records().unwrap();
        while let Some(record) = records.next_ref() {
            let record = record.unwrap();
            total += record.value.map_or(0, |v| v.len()) + record.offset as usize;
        }
    }
    total
}

fn theirs_decode(data: &Bytes) -> usize {
    let mut buf = data.clone();
    let mut total = 0;
    for set in t::RecordBatchDecoder::decode_all(&mut buf).unwrap() {
        for record in set.records {
            total += record.value.map_or(0, |v| v.len()) + record.offset as usize;
        }
    }
    total
}

fn benches(c: &mut Criterion) {
    let values = values();
    let their_records = theirs_records(&values);

    for codec in Compression::ALL {
        let ours_bytes = ours_build(codec, &values);
        let their_bytes = theirs_build(codec, &their_records);
        // Same records either way, and each decoder reads the other's bytes.
        assert_eq!(ours_decode(&ours_bytes), theirs_decode(&ours_bytes));
        assert_eq!(ours_decode(&their_bytes), theirs_decode(&their_bytes));

        let mut g = c.benchmark_group(format!("decode/{}", codec.name()));
        g.throughput(Throughput::Elements(RECORDS as u64));
        g.bench_function("ours", |b| b.iter(|| ours_decode(black_box(&ours_bytes))));
        g.bench_function("ours_borrowed", |b| {
            b.iter(|| ours_decode_borrowed(black_box(&ours_bytes)))
        });
        g.bench_function("theirs", |b| b.iter(|| theirs_decode(black_box(&ours_bytes))));
        g.finish();

        let mut g = c.benchmark_group(format!("encode/{}", codec.name()));
        g.throughput(Throughput::Elements(RECORDS as u64));
        g.bench_function("ours", |b| b.iter(|| ours_build(codec, black_box(&values))));
        g.bench_function("theirs", |b| {
            b.iter(|| theirs_build(codec, black_box(&their_records)))
        });
        g.finish();
    }

    let data = ours_build(Compression::None, &values);
    let mut scratch = vec![0u8; data.len()];
    let mut g = c.benchmark_group("decode/none");
    g.throughput(Throughput::Elements(RECORDS as u64));
    g.bench_function("bound_crc32c_plus_memcpy", |b| {
        b.iter(|| {
            let crc = crc32c::crc32c(black_box(&data[21..]));
            scratch.copy_from_slice(black_box(&data));
            black_box(&scratch);
            crc
        })
    });
    g.finish();
}

criterion_group!(compare, benches);
criterion_main!(compare);
