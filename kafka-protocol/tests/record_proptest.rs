//! Property tests: whatever our builder writes, our decoder reads back unchanged, for every
//! codec and any producer fields; and no input makes the decoder panic.

use bytes::Bytes;
use kafka_protocol::record::{
    Batch, BatchBuilder, BatchOptions, Compression, HeaderRef, RecordSet, TimestampType,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Rec {
    timestamp: i64,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<(String, Option<Vec<u8>>)>,
}

fn bytes_opt(max: usize) -> impl Strategy<Value = Option<Vec<u8>>> {
    proptest::option::weighted(0.8, proptest::collection::vec(any::<u8>(), 0..max))
}

fn rec() -> impl Strategy<Value = Rec> {
    (
        // Timestamps around "now" plus the extremes Java allows (-1 = none).
        prop_oneof![
            1_600_000_000_000i64..1_800_000_000_000,
            Just(-1i64),
            Just(0i64),
            0i64..(1i64 << 40),
        ],
        bytes_opt(40),
        bytes_opt(300),
        proptest::collection::vec((".{0,12}", bytes_opt(20)), 0..4),
    )
        .prop_map(|(timestamp, key, value, headers)| Rec {
            timestamp,
            key,
            value,
            headers,
        })
}

fn codec() -> impl Strategy<Value = Compression> {
    proptest::sample::select(Compression::ALL.to_vec())
}

fn options() -> impl Strategy<Value = BatchOptions> {
    (
        codec(),
        0i64..1 << 50,
        any::<bool>(),
        any::<i64>(),
        any::<i16>(),
        any::<i32>(),
        any::<bool>(),
        -1i32..1000,
    )
        .prop_map(
            |(compression, base_offset, lat, pid, epoch, seq, txn, leader_epoch)| BatchOptions {
                base_offset,
                compression,
                timestamp_type: if lat {
                    TimestampType::LogAppendTime
                } else {
                    TimestampType::CreateTime
                },
                log_append_time: 1_700_000_000_000,
                partition_leader_epoch: leader_epoch,
                producer_id: pid,
                producer_epoch: epoch,
                base_sequence: seq,
                is_transactional: txn,
                is_control: false,
                delete_horizon_ms: None,
            },
        )
}

fn build(options: BatchOptions, records: &[Rec]) -> Bytes {
    let mut builder = BatchBuilder::new(options);
    for r in records {
        let headers: Vec<HeaderRef<'_>> = r
            .headers
            .iter()
            .map(|(k, v)| HeaderRef::new(k, v.as_deref()))
            .collect();
        builder
            .append(r.timestamp, r.key.as_deref(), r.value.as_deref(), &headers)
            .unwrap();
    }
    builder.build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn build_then_decode_is_identity(
        options in options(),
        records in proptest::collection::vec(rec(), 0..40),
    ) {
        let bytes = build(options, &records);
        let set = RecordSet::new(bytes.clone());
        let batches: Vec<_> = set.batches().collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(batches.len(), 1);
        let Batch::V2(batch) = &batches[0] else { panic!("not v2") };
        prop_assert_eq!(batch.size_in_bytes(), bytes.len());
        prop_assert_eq!(batch.compression().unwrap(), options.compression);
        prop_assert_eq!(batch.base_offset(), options.base_offset);
        prop_assert_eq!(batch.producer_id(), options.producer_id);
        prop_assert_eq!(batch.producer_epoch(), options.producer_epoch);
        prop_assert_eq!(batch.base_sequence(), options.base_sequence);
        prop_assert_eq!(batch.is_transactional(), options.is_transactional);
        prop_assert_eq!(batch.partition_leader_epoch(), options.partition_leader_epoch);
        prop_assert_eq!(batch.timestamp_type(), options.timestamp_type);
        prop_assert_eq!(batch.record_count() as usize, records.len());
        prop_assert_eq!(batch.last_offset_delta(), records.len() as i32 - 1);
        let decoded: Vec<_> = batch.records().unwrap().collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(decoded.len(), records.len());
        let max_ts = records.iter().map(|r| r.timestamp).max().unwrap_or(-1);
        match options.timestamp_type {
            TimestampType::CreateTime => prop_assert_eq!(batch.max_timestamp(), max_ts),
            TimestampType::LogAppendTime => {
                prop_assert_eq!(batch.max_timestamp(), options.log_append_time)
            }
        }
        // The borrowed path sees exactly what the owned path sees.
        let mut borrowed = batch.records().unwrap();
        for d in &decoded {
            let b = borrowed.next_ref().unwrap().unwrap();
            prop_assert_eq!(b.offset, d.offset);
            prop_assert_eq!(b.timestamp, d.timestamp);
            prop_assert_eq!(b.key, d.key.as_deref());
            prop_assert_eq!(b.value, d.value.as_deref());
            let hb: Vec<_> = b.headers.iter().collect();
            let hd: Vec<_> = d.headers.iter().map(|h| (h.key, h.value)).collect();
            prop_assert_eq!(hb.len(), hd.len());
            for ((bk, bv), (dk, dv)) in hb.iter().zip(&hd) {
                prop_assert_eq!(*bk, dk.as_ref());
                prop_assert_eq!(*bv, dv.as_deref());
            }
        }
        prop_assert!(borrowed.next_ref().is_none());
        for (i, (d, r)) in decoded.iter().zip(&records).enumerate() {
            prop_assert_eq!(d.offset, options.base_offset + i as i64);
            let ts = match options.timestamp_type {
                TimestampType::CreateTime => r.timestamp,
                TimestampType::LogAppendTime => options.log_append_time,
            };
            prop_assert_eq!(d.timestamp, ts);
            prop_assert_eq!(d.key.as_deref(), r.key.as_deref());
            prop_assert_eq!(d.value.as_deref(), r.value.as_deref());
            let headers: Vec<_> = d.headers.iter().collect();
            prop_assert_eq!(headers.len(), r.headers.len());
            for (h, (k, v)) in headers.iter().zip(&r.headers) {
                prop_assert_eq!(h.key_str(), Some(k.as_str()));
                prop_assert_eq!(h.value.as_deref(), v.as_deref());
            }
        }
    }

    /// Concatenated batches, cut anywhere: every complete batch decodes, the cut one is
    /// reported as partial, nothing errors.
    #[test]
    fn concatenated_batches_cut_anywhere(
        sets in proptest::collection::vec(
            (options(), proptest::collection::vec(rec(), 1..8)), 1..5),
        cut_frac in 0.0f64..=1.0,
    ) {
        let built: Vec<Bytes> = sets.iter().map(|(o, r)| build(*o, r)).collect();
        let all: Vec<u8> = built.iter().flat_map(|b| b.iter().copied()).collect();
        let cut = (all.len() as f64 * cut_frac) as usize;
        let set = RecordSet::new(Bytes::from(all).slice(..cut));
        let mut batches = set.batches();
        let complete = batches.by_ref().collect::<Result<Vec<_>, _>>().unwrap().len();
        let mut end = 0;
        let mut fits = 0;
        for b in &built {
            if end + b.len() <= cut {
                end += b.len();
                fits += 1;
            }
            else { break; }
        }
        prop_assert_eq!(complete, fits);
        prop_assert_eq!(batches.partial().is_some(), cut != end);
        let expected_records: usize = sets[..fits].iter().map(|(_, r)| r.len()).sum();
        prop_assert_eq!(set.records().collect::<Result<Vec<_>, _>>().unwrap().len(), expected_records);
    }

    #[test]
    fn negative_timestamps_other_than_none_are_refused(ts in i64::MIN..-1) {
        let mut b = BatchBuilder::new(BatchOptions::default());
        prop_assert!(b.append(ts, None, None, &[]).is_err());
        prop_assert!(b.append(-1, None, None, &[]).is_ok());
    }

    /// Arbitrary bytes, with or without CRC checks: errors are fine, panics are not.
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        for verify in [true, false] {
            let set = RecordSet::new(Bytes::from(data.clone()))
                .verify_crc(verify)
                .max_decompressed_bytes(1 << 20);
            for r in set.records().take(1000).flatten() {
                for h in &r.headers {
                    let _ = h.key_str();
                }
            }
        }
    }
}
