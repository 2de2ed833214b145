//! The KIP-1071/KIP-1331 streams-group messages beyond what the golden vectors show: which
//! version-gated fields Kafka drops silently (ignorable) and which it refuses, as the 4.4.0 JSON
//! declares them, and that no truncation or corruption of Kafka's own response bytes panics.
//!
//! The golden vectors only carry what each version holds, so they cannot tell an ignorable field
//! from a refused one; a wrong flag would make a streams member silently lose a field (or fail to
//! talk to an older broker), which is what these tests pin down.

use std::path::Path;

use bytes::{Bytes, BytesMut};
use kafka_protocol::messages::streams_group_describe_response::{
    DescribedGroup, TopologyDescription,
};
use kafka_protocol::messages::{
    StreamsGroupDescribeRequest, StreamsGroupDescribeResponse, StreamsGroupHeartbeatResponse,
    StreamsGroupTopologyDescriptionUpdateResponse,
};
use kafka_protocol::{EncodeError, Message};

fn encoded<M: Message>(m: &M, version: i16) -> Result<Bytes, EncodeError> {
    let mut buf = BytesMut::new();
    m.encode(&mut buf, version)?;
    Ok(buf.freeze())
}

fn refused(message: &'static str, field: &'static str, version: i16) -> EncodeError {
    EncodeError::FieldNotInVersion {
        message,
        field,
        version,
    }
}

#[test]
fn heartbeat_response_version_gates() {
    // AcceptableRecoveryLag (v1+) is ignorable: a v0 answer leaves it out and it reads back as
    // -1, "the broker does not say".
    let lag = StreamsGroupHeartbeatResponse {
        acceptable_recovery_lag: 10_000,
        ..Default::default()
    };
    let v0 = encoded(&lag, 0).expect("ignorable field dropped at v0");
    assert_eq!(
        v0,
        encoded(&StreamsGroupHeartbeatResponse::default(), 0).unwrap()
    );
    let back = StreamsGroupHeartbeatResponse::decode_exact(v0, 0).unwrap();
    assert_eq!(back.acceptable_recovery_lag, -1);
    let back = StreamsGroupHeartbeatResponse::decode_exact(encoded(&lag, 1).unwrap(), 1).unwrap();
    assert_eq!(back.acceptable_recovery_lag, 10_000);

    // TopologyDescriptionRequired (v1+) is not ignorable.
    let required = StreamsGroupHeartbeatResponse {
        topology_description_required: true,
        ..Default::default()
    };
    assert_eq!(
        encoded(&required, 0).unwrap_err(),
        refused(
            "StreamsGroupHeartbeatResponse",
            "topology_description_required",
            0
        )
    );
    assert!(encoded(&required, 1).is_ok());

    // AcceptableRecoveryLagLegacy exists only in v0 and is not ignorable either.
    let legacy = StreamsGroupHeartbeatResponse {
        acceptable_recovery_lag_legacy: 7,
        ..Default::default()
    };
    assert!(encoded(&legacy, 0).is_ok());
    assert_eq!(
        encoded(&legacy, 1).unwrap_err(),
        refused(
            "StreamsGroupHeartbeatResponse",
            "acceptable_recovery_lag_legacy",
            1
        )
    );
}

#[test]
fn describe_version_gates() {
    // Asking for the topology description needs v1: a v0 broker could not honour it.
    let ask = StreamsGroupDescribeRequest {
        group_ids: vec!["g".into()],
        include_topology_description: true,
        ..Default::default()
    };
    assert_eq!(
        encoded(&ask, 0).unwrap_err(),
        refused(
            "StreamsGroupDescribeRequest",
            "include_topology_description",
            0
        )
    );
    assert!(encoded(&ask, 1).is_ok());

    let group = |g: DescribedGroup| StreamsGroupDescribeResponse {
        groups: vec![g],
        ..Default::default()
    };
    // AssignorName (v1+) is ignorable; the description and its status are not.
    let named = group(DescribedGroup {
        assignor_name: Some("sticky".into()),
        ..Default::default()
    });
    assert_eq!(
        encoded(&named, 0).unwrap(),
        encoded(&group(DescribedGroup::default()), 0).unwrap()
    );
    let status = group(DescribedGroup {
        topology_description_status: 3,
        ..Default::default()
    });
    assert_eq!(
        encoded(&status, 0).unwrap_err(),
        refused("DescribedGroup", "topology_description_status", 0)
    );
    let described = group(DescribedGroup {
        topology_description: Some(TopologyDescription::default()),
        ..Default::default()
    });
    assert_eq!(
        encoded(&described, 0).unwrap_err(),
        refused("DescribedGroup", "topology_description", 0)
    );
    let back =
        StreamsGroupDescribeResponse::decode_exact(encoded(&described, 1).unwrap(), 1).unwrap();
    assert_eq!(back, described);
}

/// Kafka's own response bytes for `api` from the committed 4.4.0 golden vectors.
fn golden_responses(api: &str) -> Vec<(i16, Bytes)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/4.4.0")
        .join(format!("{api}.jsonl"));
    let text = std::fs::read_to_string(&path).expect("golden vectors");
    let mut out = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        if !v["message"].as_str().unwrap().ends_with("Response") {
            continue;
        }
        let hex = v["hex"].as_str().unwrap();
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        out.push((v["version"].as_i64().unwrap() as i16, Bytes::from(bytes)));
    }
    assert!(!out.is_empty(), "no responses in {}", path.display());
    out
}

/// Every strict prefix of a valid body is an error, and every single-byte corruption either
/// decodes to something that re-encodes and decodes equal or is an error: never a panic.
fn hostile_bytes<M: Message + PartialEq + std::fmt::Debug>(api: &str) -> usize {
    let mut decoded_corruptions = 0;
    for (version, bytes) in golden_responses(api) {
        for cut in 0..bytes.len() {
            assert!(
                M::decode_exact(bytes.slice(..cut), version).is_err(),
                "{api} v{version}: {cut} of {} bytes decoded",
                bytes.len()
            );
        }
        for at in 0..bytes.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut bad = bytes.to_vec();
                bad[at] ^= flip;
                if let Ok(m) = M::decode_exact(Bytes::from(bad), version) {
                    let again = M::decode_exact(encoded(&m, version).unwrap(), version).unwrap();
                    assert_eq!(again, m, "{api} v{version}: corruption at {at}");
                    decoded_corruptions += 1;
                }
            }
        }
    }
    decoded_corruptions
}

#[test]
fn hostile_response_bytes_never_panic() {
    // Some corruptions land in plain integers and still decode; the count only shows the
    // re-encode path ran.
    let decoded = hostile_bytes::<StreamsGroupHeartbeatResponse>("StreamsGroupHeartbeat")
        + hostile_bytes::<StreamsGroupDescribeResponse>("StreamsGroupDescribe")
        + hostile_bytes::<StreamsGroupTopologyDescriptionUpdateResponse>(
            "StreamsGroupTopologyDescriptionUpdate",
        );
    assert!(decoded > 0);
}
