//! Java reads what we write: every batch our builder produces (all codecs, producer fields,
//! control markers) is handed to Kafka's `MemoryRecords.readableRecords` via
//! `golden/java/RecordBatchVectors.java verify`, which validates the CRCs, decompresses and
//! prints each record; its description must match ours.
//!
//! Needs `java` (17+) on PATH and the Kafka jars from `scripts/kafka-fetch`; fails, with the
//! reason, when either is missing.

mod record_common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use bytes::Bytes;
use kafka_protocol::record::{
    BatchBuilder, BatchOptions, Compression, ControlRecordType, HeaderRef,
};
use record_common::{describe, golden_vectors, kafka_libs, rebuild_set};

fn our_batches() -> Vec<(String, Bytes)> {
    let mut out = Vec::new();
    for (name, bin, _) in golden_vectors() {
        if name.starts_with("v2_") && !name.contains("log_append_time") {
            out.push((format!("ours_{name}"), rebuild_set(bin)));
        }
    }
    // Batches made from scratch, one per codec, with producer fields and odd records.
    for codec in Compression::ALL {
        let mut b = BatchBuilder::new(BatchOptions {
            base_offset: 10,
            compression: codec,
            producer_id: 1,
            producer_epoch: 0,
            base_sequence: 0,
            ..BatchOptions::default()
        });
        let big = vec![b'x'; 200_000];
        b.append(5, None, Some(&big), &[]).unwrap();
        b.append(
            -1,
            Some(b"k"),
            None,
            &[HeaderRef::new("", Some(b"")), HeaderRef::new("n", None)],
        )
        .unwrap();
        b.append(i64::MAX / 2, Some(&[0xff; 300]), Some(b"v"), &[])
            .unwrap();
        out.push((format!("ours_scratch_{codec}"), b.build().unwrap()));
    }
    // KIP-390 levels at both ends of each codec's range.
    for (codec, level) in [
        (Compression::Gzip, 1),
        (Compression::Gzip, 9),
        (Compression::Zstd, -5),
        (Compression::Zstd, 19),
        (Compression::Lz4, 17),
    ] {
        let mut b = BatchBuilder::new(BatchOptions {
            compression: codec,
            ..BatchOptions::default()
        })
        .with_compression_level(Some(level));
        for i in 0..50 {
            let value = format!("value {i} {}", "abc".repeat(i));
            b.append(i as i64, Some(b"k"), Some(value.as_bytes()), &[])
                .unwrap();
        }
        out.push((format!("ours_level_{codec}_{level}"), b.build().unwrap()));
    }
    for (kind, name) in [
        (ControlRecordType::Commit, "commit"),
        (ControlRecordType::Abort, "abort"),
    ] {
        out.push((
            format!("ours_marker_{name}"),
            BatchBuilder::end_txn_marker(42, 1000, 3, 7, 1, kind, 99).unwrap(),
        ));
    }
    out
}

#[test]
fn java_reads_every_batch_we_build() {
    let java_ok = Command::new("java").arg("-version").output();
    assert!(
        matches!(&java_ok, Ok(o) if o.status.success()),
        "this test needs `java` (17+) on PATH to check that Kafka's Java client reads our \
         batches; install a JDK (e.g. apt-get install openjdk-17-jdk-headless): {java_ok:?}"
    );
    let libs = kafka_libs()
        .unwrap_or_else(|e| panic!("this test needs the Kafka jars from scripts/kafka-fetch: {e}"));

    let dir = std::env::temp_dir().join(format!("kp-record-interop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let batches = our_batches();
    assert!(batches.len() >= 20);
    let mut expected = BTreeMap::new();
    let mut files = Vec::new();
    for (name, bytes) in &batches {
        let path = dir.join(format!("{name}.bin"));
        std::fs::write(&path, bytes).unwrap();
        files.push(path);
        expected.insert(format!("{name}.bin"), describe(bytes.clone()));
    }

    let program = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/java/RecordBatchVectors.java");
    let output = Command::new("java")
        .arg("-cp")
        .arg(format!("{}/*", libs.display()))
        .arg(&program)
        .arg("verify")
        .args(&files)
        .output()
        .expect("running java");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        output.status.success(),
        "Java failed to read our batches:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();

    let mut actual: BTreeMap<String, String> = BTreeMap::new();
    let mut current = None;
    for line in stdout.lines() {
        if let Some(name) = line.strip_prefix("file ") {
            current = Some(name.to_owned());
            actual.insert(name.to_owned(), String::new());
        } else {
            let name = current.as_ref().expect("output before the first file line");
            let text = actual.get_mut(name).unwrap();
            text.push_str(line);
            text.push('\n');
        }
    }
    assert_eq!(actual.len(), expected.len());
    for (name, ours) in &expected {
        assert_eq!(
            actual.get(name),
            Some(ours),
            "{name}: Java's reading differs from ours"
        );
    }
}
