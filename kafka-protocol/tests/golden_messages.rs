//! Golden vectors from Kafka's own Java classes (see `scripts/golden-vectors`).
//!
//! Each line of `tests/golden/<kafka version>/<Api>.jsonl` holds a message Kafka's generated
//! `*Data` class serialized at one version, and the same data as its `*DataJsonConverter`
//! prints it. For every line this test decodes the bytes, compares every field with the JSON,
//! re-encodes and requires the very same bytes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bytes::{Bytes, BytesMut};
use kafka_protocol::Message;
use kafka_protocol::schema::Value;
use serde_json::Value as Json;

fn golden_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/golden exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => continue,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Fields Kafka renamed without changing the wire: (our name, the older JSON name).
const RENAMED: &[(&str, &str)] = &[
    // TxnOffsetCommitRequest, renamed in 4.0 when KIP-848 groups started sending member epochs.
    ("generationidormemberepoch", "generationid"),
];

fn same_field(json_key: &str, ours: &str) -> bool {
    let (j, o) = (norm(json_key), norm(ours));
    j == o || RENAMED.iter().any(|(new, old)| o == *new && j == *old)
}

/// Field names compared without case or underscores: `topic_id` matches `topicId`.
fn norm(name: &str) -> String {
    name.trim_start_matches("r#")
        .replace('_', "")
        .to_lowercase()
}

fn compare(path: &str, ours: &Value, theirs: &Json) -> Result<(), String> {
    let fail = || Err(format!("{path}: ours {ours:?}, Kafka's {theirs}"));
    match (ours, theirs) {
        (Value::Int(a), Json::Number(b)) if b.as_i64() == Some(*a) => Ok(()),
        (Value::Float(a), Json::Number(b)) if b.as_f64() == Some(*a) => Ok(()),
        (Value::Bool(a), Json::Bool(b)) if a == b => Ok(()),
        (Value::Str(a), Json::String(b)) if a == b => Ok(()),
        (Value::Uuid(a), Json::String(b)) if a.to_string() == *b => Ok(()),
        (Value::Null, Json::Null) => Ok(()),
        (Value::Bytes(a), Json::String(b)) => {
            if base64_decode(b).as_deref() == Some(&a[..]) {
                Ok(())
            } else if b.is_empty() && path.ends_with(".records") {
                // The converter prints record sets as an empty string once the writer has
                // consumed their buffer; their bytes are checked by the re-encode below.
                Ok(())
            } else {
                fail()
            }
        }
        (Value::Array(a), Json::Array(b)) => {
            if a.len() != b.len() {
                return fail();
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(&format!("{path}[{i}]"), x, y)?;
            }
            Ok(())
        }
        (Value::Struct(fields), Json::Object(map)) => {
            let mut seen = BTreeSet::new();
            for (name, v) in fields {
                let key = map.keys().find(|k| same_field(k, name));
                match key {
                    Some(k) => {
                        seen.insert(k.clone());
                        compare(&format!("{path}.{name}"), v, &map[k])?;
                    }
                    // The converter leaves out tagged fields holding their default; the
                    // defaults of the tagged fields in these messages are null or empty.
                    None if matches!(v, Value::Null) => {}
                    None if matches!(v, Value::Array(a) if a.is_empty()) => {}
                    None => return Err(format!("{path}.{name}: not in Kafka's JSON {theirs}")),
                }
            }
            let extra: Vec<&String> = map.keys().filter(|k| !seen.contains(*k)).collect();
            if !extra.is_empty() {
                return Err(format!(
                    "{path}: Kafka's JSON has fields we lack: {extra:?}"
                ));
            }
            Ok(())
        }
        _ => fail(),
    }
}

fn check<M: Message>(version: i16, bytes: &[u8], json: &Json) -> Result<(), String> {
    let input = Bytes::copy_from_slice(bytes);
    let msg = M::decode_exact(input, version).map_err(|e| format!("decode: {e}"))?;
    compare(M::NAME, &msg.inspect(version), json)?;
    let mut out = BytesMut::new();
    msg.encode(&mut out, version)
        .map_err(|e| format!("encode: {e}"))?;
    if &out[..] != bytes {
        return Err(format!(
            "re-encoded bytes differ:\n  kafka {}\n  ours  {}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            out.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ));
    }
    Ok(())
}

fn check_line(line: &Json) -> Result<(), String> {
    let name = line["message"].as_str().ok_or("no message")?;
    let version = line["version"].as_i64().ok_or("no version")? as i16;
    let bytes = unhex(line["hex"].as_str().ok_or("no hex")?);
    let json = &line["json"];
    macro_rules! dispatch {
        ($key:expr, $req:ty, $resp:ty) => {
            if name == <$req as Message>::NAME {
                return check::<$req>(version, &bytes, json);
            }
            if name == <$resp as Message>::NAME {
                return check::<$resp>(version, &bytes, json);
            }
        };
    }
    kafka_protocol::for_each_api!(dispatch);
    Err(format!("{name}: no Rust type"))
}

#[test]
fn golden_vectors_decode_match_and_reencode() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut apis_with_vectors = BTreeSet::new();
    for dir in golden_dirs() {
        for entry in std::fs::read_dir(&dir).expect("read golden dir") {
            let path = entry.expect("entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("jsonl") {
                continue;
            }
            let api = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_owned();
            // The jar's error and API tables, checked by error_codes.rs and drift.rs.
            if api == "errors" || api == "api-versions" {
                continue;
            }
            apis_with_vectors.insert(api);
            let text = std::fs::read_to_string(&path).expect("read vectors");
            for (n, line) in text.lines().enumerate() {
                let line: Json = serde_json::from_str(line).expect("valid JSON line");
                checked += 1;
                if let Err(e) = check_line(&line) {
                    failures.push(format!(
                        "{}:{} {} v{} {}: {e}",
                        path.display(),
                        n + 1,
                        line["message"],
                        line["version"],
                        line["variant"]
                    ));
                }
            }
        }
    }
    for api in kafka_protocol::messages::API_VERSIONS {
        if !apis_with_vectors.contains(api.name) {
            failures.push(format!("{}: implemented but no golden vectors", api.name));
        }
    }
    assert!(checked > 0, "no golden vectors found");
    assert!(
        failures.is_empty(),
        "{} of {checked} vectors failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
