//! Decoding edge cases: truncated fetches, corrupt bytes, checksums, decompression limits,
//! control records.

mod record_common;

use bytes::{Bytes, BytesMut};
use kafka_protocol::record::{
    Batch, BatchBuilder, BatchOptions, Compression, CompressionError, ControlRecord,
    ControlRecordType, RecordError, RecordSet,
};
use record_common::golden_vectors;

fn golden(name: &str) -> Bytes {
    golden_vectors()
        .into_iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("no golden vector {name}"))
        .1
}

fn batch_sizes(data: &Bytes) -> Vec<usize> {
    RecordSet::new(data.clone())
        .batches()
        .map(|b| b.unwrap().size_in_bytes())
        .collect()
}

#[test]
fn truncated_trailing_batch_is_partial_not_an_error() {
    let data = golden("v2_multi_batch");
    let sizes = batch_sizes(&data);
    assert_eq!(sizes.len(), 2);
    for cut in 0..=data.len() {
        let set = RecordSet::new(data.slice(..cut));
        let mut batches = set.batches();
        let complete = batches
            .by_ref()
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
            .len();
        let expected_complete = if cut >= sizes[0] + sizes[1] {
            2
        } else if cut >= sizes[0] {
            1
        } else {
            0
        };
        assert_eq!(complete, expected_complete, "cut at {cut}");
        let at_boundary = cut == 0 || cut == sizes[0] || cut == sizes[0] + sizes[1];
        match batches.partial() {
            None => assert!(at_boundary, "cut at {cut}: no partial reported"),
            Some(p) => {
                assert!(!at_boundary, "cut at {cut}: spurious partial");
                let start = if cut > sizes[0] { sizes[0] } else { 0 };
                assert_eq!(p.position, start);
                assert_eq!(p.available, cut - start);
                if p.available >= 12 {
                    let full = if start == 0 { sizes[0] } else { sizes[1] };
                    assert_eq!(p.size, Some(full));
                }
            }
        }
        // The flattened record iterator agrees and never errors.
        let records = set.records().collect::<Result<Vec<_>, _>>().unwrap();
        assert_eq!(records.len(), [0, 2, 3][expected_complete]);
    }
}

#[test]
fn crc_mismatch_is_reported_and_can_be_skipped() {
    let data = golden("v2_none_mixed");
    let mut bad = BytesMut::from(&data[..]);
    // The byte before the last record's header count is the last byte of its value.
    let last = bad.len() - 2;
    bad[last] ^= 0x01;
    let bad = bad.freeze();
    let err = RecordSet::new(bad.clone())
        .batches()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(
            err,
            RecordError::ChecksumMismatch {
                what: "batch CRC32C",
                ..
            }
        ),
        "{err}"
    );
    // Without the check the batch decodes; the flipped bit is in the last record's value.
    let batch = RecordSet::new(bad)
        .verify_crc(false)
        .batches()
        .next()
        .unwrap()
        .unwrap();
    let last_value = batch
        .records()
        .unwrap()
        .last()
        .unwrap()
        .unwrap()
        .value
        .unwrap();
    assert_ne!(last_value.as_ref(), "значение ✓".as_bytes());
}

#[test]
fn legacy_crc_mismatch_is_reported() {
    let data = golden("v1_none_legacy");
    let mut bad = BytesMut::from(&data[..]);
    // Inside the first message's key.
    bad[35] ^= 0x80;
    let err = RecordSet::new(bad.freeze())
        .batches()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(
            err,
            RecordError::ChecksumMismatch {
                what: "message CRC32",
                ..
            }
        ),
        "{err}"
    );
}

/// Flipping any single byte of a batch (CRC checks off, so the corruption reaches the record
/// decoder and the codecs) must give an error or a decoding, never a panic.
#[test]
fn every_single_byte_corruption_is_handled() {
    let mut vectors = 0;
    for (name, data, _) in golden_vectors() {
        if data.len() > 1500 {
            continue;
        }
        vectors += 1;
        for pos in 0..data.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut bad = BytesMut::from(&data[..]);
                bad[pos] ^= flip;
                let set = RecordSet::new(bad.freeze())
                    .verify_crc(false)
                    .max_decompressed_bytes(1 << 20);
                let n = set.records().take(10_000).count();
                assert!(n <= 10_000, "{name} byte {pos}");
            }
        }
    }
    assert!(vectors >= 15, "only {vectors} small vectors");
}

#[test]
fn record_count_must_match_the_records() {
    for (delta, expect_missing) in [(1i32, true), (-1, false)] {
        let mut b = BatchBuilder::new(BatchOptions::default());
        for i in 0..3 {
            b.append(i, Some(b"k"), Some(b"v"), &[]).unwrap();
        }
        let mut bytes = BytesMut::from(&b.build().unwrap()[..]);
        let count = 3 + delta;
        bytes[57..61].copy_from_slice(&count.to_be_bytes());
        let crc = crc32c_of(&bytes[21..]);
        bytes[17..21].copy_from_slice(&crc.to_be_bytes());
        let results: Vec<_> = RecordSet::new(bytes.freeze()).records().collect();
        let err = results.last().unwrap().as_ref().unwrap_err();
        if expect_missing {
            assert!(
                matches!(
                    err,
                    RecordError::MissingRecords {
                        declared: 4,
                        found: 3
                    }
                ),
                "{err}"
            );
        } else {
            assert!(matches!(err, RecordError::TrailingBytes { .. }), "{err}");
        }
    }
}

fn crc32c_of(data: &[u8]) -> u32 {
    // The Castagnoli CRC, bitwise; independent of the crate's implementation.
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn builder_crc_matches_an_independent_crc32c() {
    let mut b = BatchBuilder::new(BatchOptions::default());
    b.append(1, Some(b"key"), Some(b"value"), &[]).unwrap();
    let bytes = b.build().unwrap();
    let stored = u32::from_be_bytes(bytes[17..21].try_into().unwrap());
    assert_eq!(stored, crc32c_of(&bytes[21..]));
}

#[test]
fn impossible_lengths_are_errors() {
    // batchLength below the minimum message size.
    let mut bytes = vec![0u8; 61];
    bytes[8..12].copy_from_slice(&5i32.to_be_bytes());
    bytes[16] = 2;
    let err = RecordSet::new(Bytes::from(bytes))
        .batches()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, RecordError::LengthTooSmall { .. }), "{err}");

    // Unknown magic.
    let mut bytes = golden("v2_none_mixed").to_vec();
    bytes[16] = 3;
    let err = RecordSet::new(Bytes::from(bytes))
        .batches()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, RecordError::UnsupportedMagic(3)), "{err}");

    // A v2 batch too short for its header.
    let mut bytes = golden("v2_none_mixed")[..40].to_vec();
    bytes[8..12].copy_from_slice(&28i32.to_be_bytes());
    let err = RecordSet::new(Bytes::from(bytes))
        .batches()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, RecordError::LengthTooSmall { .. }), "{err}");
}

#[test]
fn decompression_is_bounded() {
    let zeros = vec![0u8; 4 << 20];
    for codec in Compression::ALL {
        let mut compressed = Vec::new();
        codec.compress_into(&zeros, &mut compressed).unwrap();
        let err = codec.decompress(&compressed, 1 << 20).unwrap_err();
        assert!(
            matches!(err, CompressionError::TooLarge { limit } if limit == 1 << 20),
            "{codec}: {err}"
        );
        assert_eq!(
            codec.decompress(&compressed, 4 << 20).unwrap().len(),
            4 << 20,
            "{codec} at exactly the limit"
        );
    }
}

#[test]
fn batch_decompression_limit_applies_to_record_sets() {
    let mut b = BatchBuilder::new(BatchOptions {
        compression: Compression::Zstd,
        ..BatchOptions::default()
    });
    let big = vec![7u8; 1 << 20];
    b.append(0, None, Some(&big), &[]).unwrap();
    let set = RecordSet::new(b.build().unwrap()).max_decompressed_bytes(64 << 10);
    let err = set.records().next().unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            RecordError::Compression(CompressionError::TooLarge { .. })
        ),
        "{err}"
    );
}

#[test]
fn snappy_decodes_raw_blocks_as_well_as_xerial_frames() {
    let text = b"snappy snappy snappy snappy snappy, raw and framed".repeat(100);
    let raw = snap::raw::Encoder::new().compress_vec(&text).unwrap();
    assert_eq!(Compression::Snappy.decompress(&raw, 1 << 20).unwrap(), text);
    let mut framed = Vec::new();
    Compression::Snappy
        .compress_into(&text, &mut framed)
        .unwrap();
    assert_eq!(&framed[..8], b"\x82SNAPPY\x00");
    assert_eq!(
        Compression::Snappy.decompress(&framed, 1 << 20).unwrap(),
        text
    );
}

#[test]
fn unknown_codec_is_an_error() {
    let mut bytes = golden("v2_none_mixed").to_vec();
    bytes[22] |= 0x05; // codec id 5
    let crc = crc32c_of(&bytes[21..]);
    bytes[17..21].copy_from_slice(&crc.to_be_bytes());
    let batch = RecordSet::new(Bytes::from(bytes))
        .batches()
        .next()
        .unwrap()
        .unwrap();
    let err = batch.records().unwrap_err();
    assert!(
        matches!(
            err,
            RecordError::Compression(CompressionError::UnknownCodec(5))
        ),
        "{err}"
    );
}

#[test]
fn java_transaction_markers_decode() {
    for (name, kind, epoch) in [
        ("v2_control_commit", ControlRecordType::Commit, 17),
        ("v2_control_abort", ControlRecordType::Abort, 18),
    ] {
        let batch = RecordSet::new(golden(name))
            .batches()
            .next()
            .unwrap()
            .unwrap();
        let Batch::V2(batch) = batch else {
            panic!("not v2")
        };
        assert!(batch.is_control() && batch.is_transactional());
        let records: Vec<_> = batch.records().unwrap().map(Result::unwrap).collect();
        assert_eq!(records.len(), 1);
        let control = ControlRecord::parse(&records[0]).unwrap();
        assert_eq!(control.kind, kind);
        assert_eq!(control.version, 0);
        assert_eq!(control.marker.unwrap().coordinator_epoch, epoch);
    }
}

#[test]
fn our_markers_equal_javas() {
    let ours = BatchBuilder::end_txn_marker(
        2000,
        1_700_000_000_001,
        9,
        4242,
        7,
        ControlRecordType::Commit,
        17,
    )
    .unwrap();
    assert_eq!(ours, golden("v2_control_commit"));
    assert!(
        BatchBuilder::end_txn_marker(0, 0, 0, 0, 0, ControlRecordType::LeaderChange, 0).is_err()
    );
}

#[test]
fn sequence_numbers_wrap_like_java() {
    let batch = RecordSet::new(golden("v2_none_transactional_large"))
        .batches()
        .next()
        .unwrap()
        .unwrap();
    let Batch::V2(batch) = batch else {
        panic!("not v2")
    };
    assert_eq!(batch.base_sequence(), i32::MAX - 10);
    assert_eq!(batch.last_offset_delta(), 299);
    // Sequences i32::MAX-10 ..= i32::MAX are 11 records; the remaining 289 wrap to 0..=288.
    assert_eq!(batch.last_sequence(), 288);
}

#[test]
fn uncompressed_values_are_slices_of_the_input() {
    let data = golden("v2_none_mixed");
    let range = data.as_ptr() as usize..data.as_ptr() as usize + data.len();
    let mut checked = 0;
    for record in RecordSet::new(data.clone()).records() {
        let record = record.unwrap();
        for part in [record.key, record.value].into_iter().flatten() {
            if !part.is_empty() {
                assert!(range.contains(&(part.as_ptr() as usize)), "copied");
                checked += 1;
            }
        }
        for h in &record.headers {
            if let Some(v) = h.value.filter(|v| !v.is_empty()) {
                assert!(range.contains(&(v.as_ptr() as usize)), "header copied");
                checked += 1;
            }
        }
    }
    assert!(checked >= 10);
}
