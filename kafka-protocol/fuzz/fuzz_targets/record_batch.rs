//! Decode arbitrary bytes as a fetched record set and walk every record of every batch.
//!
//! CRC checks are off so corrupt input reaches the record decoder and the codecs rather than
//! stopping at the checksum; decompression is capped so a "zip bomb" input is an error, not an
//! out-of-memory kill. Anything but a panic or unbounded allocation is a pass.

#![no_main]

use bytes::Bytes;
use kafka_protocol::record::{Batch, ControlRecord, RecordSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let set = RecordSet::new(Bytes::copy_from_slice(data))
        .verify_crc(false)
        .max_decompressed_bytes(8 << 20);
    let mut batches = set.batches();
    for batch in batches.by_ref() {
        let Ok(batch) = batch else { break };
        let control = matches!(&batch, Batch::V2(b) if b.is_control());
        let Ok(mut records) = batch.records_with_limit(8 << 20) else {
            continue;
        };
        for record in records.by_ref() {
            let Ok(record) = record else { break };
            for header in &record.headers {
                let _ = header.key_str();
            }
            if control {
                let _ = ControlRecord::parse(&record);
            }
        }
        // The borrowed path over the same batch must agree with the owned one.
        if let Batch::V2(b) = &batch {
            if let (Ok(mut borrowed), Ok(mut owned)) =
                (b.records_with_limit(8 << 20), b.records_with_limit(8 << 20))
            {
                while let Some(r) = borrowed.next_ref() {
                    let o = owned.next().expect("same count");
                    match (r, o) {
                        (Ok(r), Ok(o)) => {
                            assert_eq!(r.offset, o.offset);
                            assert_eq!(r.key, o.key.as_deref());
                            assert_eq!(r.value, o.value.as_deref());
                            assert_eq!(r.headers.len(), o.headers.len());
                        }
                        (Err(_), Err(_)) => break,
                        _ => panic!("borrowed and owned decoding disagree"),
                    }
                }
            }
        }
    }
    let _ = batches.partial();
});
