//! The error-code table against the one Kafka's jar holds (dumped by `scripts/golden-vectors`
//! into `tests/golden/<version>/errors.jsonl`).

use std::path::Path;

use kafka_protocol::ErrorCode;
use serde_json::Value as Json;

fn load(version: &str) -> Vec<Json> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/{version}/errors.jsonl"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

#[test]
fn table_matches_kafka_4_4_exactly() {
    let rows = load("4.4.0");
    assert_eq!(rows.len(), ErrorCode::ALL.len(), "number of error codes");
    for row in &rows {
        let code = row["code"].as_i64().expect("code") as i16;
        let e = ErrorCode::from_code(code).unwrap_or_else(|| panic!("code {code} missing"));
        assert_eq!(e.code(), code);
        assert_eq!(e.name(), row["name"].as_str().expect("name"), "code {code}");
        assert_eq!(
            e.is_retriable(),
            row["retriable"].as_bool().expect("bool"),
            "{}",
            e.name()
        );
        assert_eq!(
            e.invalidates_metadata(),
            row["invalidMetadata"].as_bool().expect("bool"),
            "{}",
            e.name()
        );
    }
}

/// The descriptions are written for this crate, not copied: none equals Kafka's default message,
/// and each is one non-empty sentence.
#[test]
fn messages_are_our_own_words() {
    for row in load("4.4.0") {
        let code = row["code"].as_i64().expect("code") as i16;
        let e = ErrorCode::from_code(code).expect("known code");
        let ours = e.message();
        assert!(
            ours.len() > 5 && ours.ends_with('.'),
            "{}: {ours:?}",
            e.name()
        );
        if let Some(kafkas) = row["message"].as_str() {
            assert_ne!(
                ours.to_ascii_lowercase(),
                kafkas.to_ascii_lowercase(),
                "{} copies Kafka's message",
                e.name()
            );
        }
    }
}

#[test]
fn older_kafka_codes_mean_the_same() {
    for row in load("3.9.1") {
        let code = row["code"].as_i64().expect("code") as i16;
        let e = ErrorCode::from_code(code).unwrap_or_else(|| panic!("3.9.1 code {code} missing"));
        assert_eq!(e.name(), row["name"].as_str().expect("name"));
        assert_eq!(
            e.is_retriable(),
            row["retriable"].as_bool().expect("bool"),
            "{}",
            e.name()
        );
    }
}

#[test]
fn lookups_and_check() {
    assert_eq!(
        ErrorCode::from_code(6),
        Some(ErrorCode::NotLeaderOrFollower)
    );
    assert_eq!(
        ErrorCode::NotLeaderOrFollower.name(),
        "NOT_LEADER_OR_FOLLOWER"
    );
    assert!(ErrorCode::NotLeaderOrFollower.is_retriable());
    assert!(ErrorCode::NotLeaderOrFollower.invalidates_metadata());
    assert!(!ErrorCode::TopicAuthorizationFailed.is_retriable());
    assert_eq!(ErrorCode::check(0), Ok(()));
    assert_eq!(
        ErrorCode::check(i16::MAX),
        Err(ErrorCode::UnknownServerError)
    );
    assert_eq!(ErrorCode::from_code(i16::MAX), None);
    for e in ErrorCode::ALL {
        assert_eq!(ErrorCode::from_code(e.code()), Some(*e));
    }
}
