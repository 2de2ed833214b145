//! Decodes the record-batch bench's uncompressed batch (1000 records, 100-byte values) a fixed
//! number of times, for instruction counting, which the shared machine's load does not disturb:
//!
//! ```sh
//! cargo build --profile bench -p kafka-protocol --example record_decode_count
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!   target/release/examples/record_decode_count owned 100
//! callgrind_annotate --inclusive=yes /tmp/cg.out | grep record_decode_count::
//! ```
//!
//! A third argument `time` also prints the fastest single pass (wall clock), a quick A/B check
//! that the machine's load disturbs less than a mean does.
//!
//! Modes: `owned` (the `Iterator` of owned records), `borrowed` (`Records::next_ref`), `bound`
//! (CRC32C over the batch plus one memcpy of it). Each pass runs in its own `#[inline(never)]`
//! function so its inclusive cost can be read off the profile and divided by the pass count.

use std::hint::black_box;

use bytes::Bytes;
use kafka_protocol::record::{Batch, BatchBuilder, BatchOptions, Compression, RecordSet};

const RECORDS: usize = 1000;
const VALUE_SIZE: usize = 100;

fn build() -> Bytes {
    let mut b = BatchBuilder::with_capacity(
        BatchOptions {
            compression: Compression::None,
            producer_id: 1000,
            producer_epoch: 0,
            base_sequence: 0,
            ..BatchOptions::default()
        },
        RECORDS * (VALUE_SIZE + 8),
    );
    for i in 0..RECORDS {
        let mut v = format!(
            "{{\"id\":{i},\"user\":\"user-{}\",\"event\":\"click\",\"ts\":",
            i * 7919 % 1000
        )
        .into_bytes();
        v.extend_from_slice(format!("{}}}", 1_700_000_000_000u64 + i as u64 * 13).as_bytes());
        v.resize(VALUE_SIZE, b' ');
        b.append(1_700_000_000_000 + i as i64, None, Some(&v), &[])
            .expect("append");
    }
    b.build().expect("build")
}

#[inline(never)]
fn decode_owned(data: &Bytes) -> usize {
    let mut total = 0;
    for record in RecordSet::new(data.clone()).records() {
        let record = record.expect("valid record");
        total += record.value.map_or(0, |v| v.len()) + record.offset as usize;
    }
    total
}

#[inline(never)]
fn decode_borrowed(data: &Bytes) -> usize {
    let mut total = 0;
    for batch in RecordSet::new(data.clone()).batches() {
        let Batch::V2(batch) = batch.expect("valid batch") else {
            return 0;
        };
        let mut records = batch.records().expect("records");
        while let Some(record) = records.next_ref() {
            let record = record.expect("valid record");
            total += record.value.map_or(0, |v| v.len()) + record.offset as usize;
        }
    }
    total
}

#[inline(never)]
fn bound(data: &Bytes, scratch: &mut [u8]) -> u32 {
    let crc = crc32c::crc32c(black_box(&data[21..]));
    scratch.copy_from_slice(black_box(data));
    black_box(&scratch);
    crc
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "owned".into());
    let passes: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100);
    let data = build();
    let mut scratch = vec![0u8; data.len()];
    let timed = args.next().as_deref() == Some("time");
    let mut sink = 0usize;
    let mut fastest = std::time::Duration::MAX;
    for _ in 0..passes {
        let started = std::time::Instant::now();
        sink += match mode.as_str() {
            "owned" => decode_owned(black_box(&data)),
            "borrowed" => decode_borrowed(black_box(&data)),
            "bound" => bound(black_box(&data), &mut scratch) as usize,
            other => {
                eprintln!("unknown mode {other}: owned | borrowed | bound");
                std::process::exit(2);
            }
        };
        fastest = fastest.min(started.elapsed());
    }
    println!("{mode} x{passes}: {sink}");
    // The fastest pass is the one least disturbed by other processes on a shared machine.
    if timed {
        println!("fastest pass: {:.1} us", fastest.as_secs_f64() * 1e6);
    }
}
