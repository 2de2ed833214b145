//! KIP-390 compression levels: a batch built with an explicit level is compressed at that level
//! (the output differs from other levels) and still decodes to the same records.

use bytes::Bytes;
use kafka_protocol::record::{BatchBuilder, BatchOptions, Compression, RecordBatch};

/// Text from a small vocabulary in a pseudo-random order: compressible, but with enough
/// variety that a deeper match search finds more than a quick one.
fn compressible_values(count: usize) -> Vec<Vec<u8>> {
    const WORDS: [&str; 16] = [
        "kafka",
        "stream",
        "record",
        "batch",
        "offset",
        "topic",
        "partition",
        "leader",
        "replica",
        "consumer",
        "producer",
        "broker",
        "segment",
        "index",
        "epoch",
        "commit",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    (0..count)
        .map(|i| {
            let mut v = format!("{i}:").into_bytes();
            for _ in 0..40 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                v.extend_from_slice(WORDS[(state >> 60) as usize].as_bytes());
                v.push(if state & 0x100 == 0 { b' ' } else { b',' });
            }
            v
        })
        .collect()
}

fn build(codec: Compression, level: Option<i32>, values: &[Vec<u8>]) -> Bytes {
    let mut b = BatchBuilder::new(BatchOptions {
        compression: codec,
        ..BatchOptions::default()
    })
    .with_compression_level(level);
    assert_eq!(b.compression_level(), level);
    for (i, v) in values.iter().enumerate() {
        b.append(1_700_000_000_000 + i as i64, Some(b"k"), Some(v), &[])
            .unwrap();
    }
    b.build().unwrap()
}

fn decoded_values(batch: Bytes) -> Vec<Vec<u8>> {
    let batch = RecordBatch::parse(batch).unwrap();
    batch.verify_crc().unwrap();
    batch
        .records()
        .unwrap()
        .map(|r| r.unwrap().value.unwrap().to_vec())
        .collect()
}

#[test]
fn gzip_level_1_and_9_differ_and_both_decode() {
    let values = compressible_values(500);
    let fast = build(Compression::Gzip, Some(1), &values);
    let best = build(Compression::Gzip, Some(9), &values);
    assert_ne!(fast, best);
    assert!(
        best.len() < fast.len(),
        "level 9 ({}) should beat level 1 ({})",
        best.len(),
        fast.len()
    );
    assert_eq!(decoded_values(fast), values);
    assert_eq!(decoded_values(best), values);
}

#[test]
fn gzip_header_is_javas_at_every_level() {
    // GZIPOutputStream's header does not vary with the level (XFL 0, OS 0).
    for level in [None, Some(-1), Some(1), Some(5), Some(9)] {
        let mut out = Vec::new();
        Compression::Gzip
            .compress_with_level(b"hello hello hello", level, &mut out)
            .unwrap();
        assert_eq!(
            out[..10],
            [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0],
            "level {level:?}"
        );
        assert_eq!(
            Compression::Gzip.decompress(&out, 1024).unwrap(),
            b"hello hello hello"
        );
    }
}

#[test]
fn default_levels_match_compress_into() {
    let values = compressible_values(200);
    let input: Vec<u8> = values.concat();
    for (codec, same_as_default) in [
        (Compression::Gzip, [Some(-1), Some(6)]),
        (Compression::Zstd, [Some(0), Some(3)]),
    ] {
        let mut default = Vec::new();
        codec.compress_into(&input, &mut default).unwrap();
        for level in [None, same_as_default[0], same_as_default[1]] {
            let mut out = Vec::new();
            codec.compress_with_level(&input, level, &mut out).unwrap();
            assert_eq!(out, default, "{codec} at {level:?}");
        }
    }
}

#[test]
fn zstd_low_and_high_levels_differ_and_both_decode() {
    let values = compressible_values(500);
    let low = build(Compression::Zstd, Some(-5), &values);
    let high = build(Compression::Zstd, Some(19), &values);
    assert!(
        high.len() < low.len(),
        "level 19 ({}) should beat level -5 ({})",
        high.len(),
        low.len()
    );
    assert_eq!(decoded_values(low), values);
    assert_eq!(decoded_values(high), values);
}

#[test]
fn out_of_range_levels_are_clamped_not_refused() {
    let values = compressible_values(50);
    let input: Vec<u8> = values.concat();
    for (codec, outside, edge) in [
        (Compression::Gzip, 42, 9),
        (Compression::Gzip, -7, 1),
        (Compression::Zstd, 99, 22),
        (Compression::Zstd, i32::MIN, -131_072),
    ] {
        let mut a = Vec::new();
        let mut b = Vec::new();
        codec
            .compress_with_level(&input, Some(outside), &mut a)
            .unwrap();
        codec
            .compress_with_level(&input, Some(edge), &mut b)
            .unwrap();
        assert_eq!(a, b, "{codec}: {outside} should act as {edge}");
        assert_eq!(codec.decompress(&a, input.len()).unwrap(), input);
    }
}

#[test]
fn lz4_level_is_accepted_without_effect() {
    // No pure-Rust LZ4 HC encoder: every level writes the same fast-mode frame.
    let values = compressible_values(200);
    let default = build(Compression::Lz4, None, &values);
    for level in [1, 9, 17] {
        assert_eq!(build(Compression::Lz4, Some(level), &values), default);
    }
    assert_eq!(decoded_values(default), values);
}

#[test]
fn snappy_and_none_ignore_the_level() {
    let values = compressible_values(100);
    for codec in [Compression::None, Compression::Snappy] {
        let with = build(codec, Some(5), &values);
        assert_eq!(with, build(codec, None, &values));
        assert_eq!(decoded_values(with), values);
    }
}
