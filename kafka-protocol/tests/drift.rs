//! This crate's API keys, version ranges and flexible versions against the jar of every Kafka
//! release with golden vectors, allowing only the differences `messages::drift` declares.

use std::collections::BTreeSet;
use std::path::Path;

use kafka_protocol::messages::API_VERSIONS;
use kafka_protocol::messages::drift::{Aspect, DEVIATIONS};
use serde_json::Value as Json;

type Diff = (String, Aspect, Option<i16>, Option<i16>);

fn differences(rows: &[Json]) -> BTreeSet<Diff> {
    let mut out = BTreeSet::new();
    for ours in API_VERSIONS {
        let Some(jar) = rows
            .iter()
            .find(|r| r["apiKey"].as_i64() == Some(ours.api_key as i64))
        else {
            out.insert((ours.name.to_owned(), Aspect::Missing, None, None));
            continue;
        };
        assert_eq!(
            jar["name"].as_str(),
            Some(ours.name),
            "api key {} names",
            ours.api_key
        );
        let get = |k: &str| jar[k].as_i64().map(|v| v as i16);
        for (aspect, mine, theirs) in [
            (
                Aspect::MinVersion,
                Some(ours.min_version),
                get("minVersion"),
            ),
            (
                Aspect::MaxVersion,
                Some(ours.max_version),
                get("maxVersion"),
            ),
            (Aspect::FlexibleMin, ours.flexible_min, get("flexibleMin")),
        ] {
            if mine != theirs {
                out.insert((ours.name.to_owned(), aspect, mine, theirs));
            }
        }
    }
    out
}

#[test]
fn version_ranges_match_the_jars_except_declared_deviations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut compared = 0;
    for entry in std::fs::read_dir(&root).expect("golden dir") {
        let dir = entry.expect("entry").path();
        let file = dir.join("api-versions.jsonl");
        if !file.exists() {
            continue;
        }
        let version = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 dir")
            .to_owned();
        let rows: Vec<Json> = std::fs::read_to_string(&file)
            .expect("read")
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        let actual = differences(&rows);
        let declared: BTreeSet<Diff> = DEVIATIONS
            .iter()
            .filter(|d| d.kafka_version == version)
            .map(|d| (d.api.to_owned(), d.aspect, d.ours, d.jar))
            .collect();
        let undeclared: Vec<_> = actual.difference(&declared).collect();
        let stale: Vec<_> = declared.difference(&actual).collect();
        assert!(
            undeclared.is_empty(),
            "Kafka {version}: undeclared drift {undeclared:?}"
        );
        assert!(
            stale.is_empty(),
            "Kafka {version}: declared drift that no longer occurs {stale:?}"
        );
        compared += 1;
    }
    assert!(
        compared > 0,
        "no api-versions.jsonl found under tests/golden"
    );
}
