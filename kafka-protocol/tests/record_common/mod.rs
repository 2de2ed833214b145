//! Helpers shared by the record test files: the text description format that
//! `golden/java/RecordBatchVectors.java` writes, rendered from our own decoding, and rebuilding
//! a decoded batch with our builder.

#![allow(dead_code, unreachable_pub)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use kafka_protocol::record::{
    Batch, BatchBuilder, BatchOptions, HeaderRef, Record, RecordBatch, RecordSet, TimestampType,
};

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/4.4.0/records")
}

/// Every golden vector: (name, record-set bytes, Java's description).
pub fn golden_vectors() -> Vec<(String, Bytes, String)> {
    let dir = golden_dir();
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {dir:?}: {e}")) {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("bin") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let bin = std::fs::read(&path).unwrap();
        let txt = std::fs::read_to_string(path.with_extension("txt")).unwrap();
        out.push((name, Bytes::from(bin), txt));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

pub fn hex(b: Option<&[u8]>) -> String {
    match b {
        None => "null".to_owned(),
        Some(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
    }
}

fn ts_name(t: TimestampType) -> &'static str {
    match t {
        TimestampType::CreateTime => "CreateTime",
        TimestampType::LogAppendTime => "LogAppendTime",
    }
}

/// Renders a record set in the Java program's description format, from our decoder.
pub fn describe(data: Bytes) -> String {
    let mut out = String::new();
    let set = RecordSet::new(data);
    let mut batches = set.batches();
    for batch in batches.by_ref() {
        let batch = batch.unwrap_or_else(|e| panic!("batch failed to decode: {e}"));
        let records: Vec<Record> = batch
            .records()
            .unwrap_or_else(|e| panic!("records failed: {e}"))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("record failed to decode: {e}"));
        match &batch {
            Batch::V2(b) => {
                writeln!(
                    out,
                    "batch base_offset={} last_offset={} magic=2 compression={} timestamp_type={} \
                     transactional={} control={} producer_id={} producer_epoch={} base_sequence={} \
                     partition_leader_epoch={} base_timestamp={} max_timestamp={} count={}",
                    b.base_offset(),
                    b.last_offset(),
                    b.compression().unwrap().name(),
                    ts_name(b.timestamp_type()),
                    b.is_transactional(),
                    b.is_control(),
                    b.producer_id(),
                    b.producer_epoch(),
                    b.base_sequence(),
                    b.partition_leader_epoch(),
                    b.base_timestamp(),
                    b.max_timestamp(),
                    records.len()
                )
                .unwrap();
            }
            Batch::Legacy(m) => {
                let ts_type = match (m.magic(), m.is_log_append_time()) {
                    (0, _) => "NoTimestampType",
                    (_, true) => "LogAppendTime",
                    _ => "CreateTime",
                };
                writeln!(
                    out,
                    "batch base_offset={} last_offset={} magic={} compression={} timestamp_type={} \
                     transactional=false control=false producer_id=-1 producer_epoch=-1 \
                     base_sequence=-1 partition_leader_epoch=-1 base_timestamp=-1 \
                     max_timestamp={} count={}",
                    records.first().map_or(m.offset(), |r| r.offset),
                    m.offset(),
                    m.magic(),
                    m.compression().unwrap().name(),
                    ts_type,
                    m.timestamp(),
                    records.len()
                )
                .unwrap();
            }
        }
        for r in &records {
            writeln!(
                out,
                "record offset={} timestamp={} key={} value={} headers={}",
                r.offset,
                r.timestamp,
                hex(r.key.as_deref()),
                hex(r.value.as_deref()),
                r.headers.len()
            )
            .unwrap();
            for h in &r.headers {
                writeln!(
                    out,
                    "header key={} value={}",
                    hex(Some(&h.key)),
                    hex(h.value.as_deref())
                )
                .unwrap();
            }
        }
    }
    assert!(
        batches.partial().is_none(),
        "unexpected partial batch {:?}",
        batches.partial()
    );
    out
}

/// Rebuilds a decoded v2 batch with our builder, with the same batch fields and records.
///
/// Only valid for batches whose offsets are consecutive and whose record timestamps are the
/// producer's (create time): log-append-time batches lose the original timestamps on decode.
pub fn rebuild(batch: &RecordBatch) -> Bytes {
    let options = BatchOptions {
        base_offset: batch.base_offset(),
        compression: batch.compression().unwrap(),
        timestamp_type: batch.timestamp_type(),
        log_append_time: batch.max_timestamp(),
        partition_leader_epoch: batch.partition_leader_epoch(),
        producer_id: batch.producer_id(),
        producer_epoch: batch.producer_epoch(),
        base_sequence: batch.base_sequence(),
        is_transactional: batch.is_transactional(),
        is_control: batch.is_control(),
        delete_horizon_ms: batch.delete_horizon_ms(),
    };
    let mut builder = BatchBuilder::new(options);
    for record in batch.records().unwrap() {
        let record = record.unwrap();
        let headers: Vec<(String, Option<Bytes>)> = record
            .headers
            .iter()
            .map(|h| (h.key_str().unwrap().to_owned(), h.value))
            .collect();
        let header_refs: Vec<HeaderRef<'_>> = headers
            .iter()
            .map(|(k, v)| HeaderRef::new(k, v.as_deref()))
            .collect();
        builder
            .append(
                record.timestamp,
                record.key.as_deref(),
                record.value.as_deref(),
                &header_refs,
            )
            .unwrap();
    }
    builder.build().unwrap()
}

/// Rebuilds every v2 batch of a record set and concatenates them.
pub fn rebuild_set(data: Bytes) -> Bytes {
    let mut out = Vec::new();
    for batch in RecordSet::new(data).batches() {
        match batch.unwrap() {
            Batch::V2(b) => out.extend_from_slice(&rebuild(&b)),
            Batch::Legacy(_) => panic!("cannot rebuild a legacy message"),
        }
    }
    Bytes::from(out)
}

/// The Kafka libs directory, via `scripts/kafka-fetch`.
pub fn kafka_libs() -> Result<PathBuf, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/kafka-fetch");
    let out = std::process::Command::new(&script)
        .output()
        .map_err(|e| format!("running {script:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{script:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let dir = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    Ok(PathBuf::from(dir))
}
