//! How many requests of each kind a classic group member sends to join, be assigned and start
//! fetching, against a scripted one-broker cluster, compared with what Java 4.4's consumer
//! sends in the same situation (the live comparison is integration-tests' consumer_metrics).
//!
//! Java's consumer asks for metadata once for its subscription and not again when the
//! assignment names topics it already knows; the leader's own fetch for the assignment counts
//! as that answer. We used to ask a second time right after every assignment.

mod scripted;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kafka_client::config::{Assignor, ConsumerConfig};
use kafka_client::consumer::group::consumer_protocol::{Assignment, CONSUMER_PROTOCOL_VERSION};
use kafka_client::consumer::{Consumer, TopicPartition};
use kafka_protocol::Message;
use kafka_protocol::messages::join_group_response::{JoinGroupResponse, JoinGroupResponseMember};
use kafka_protocol::messages::{
    FetchRequest, FindCoordinatorResponse, HeartbeatResponse, JoinGroupRequest,
    LeaveGroupResponse, OffsetFetchRequest, SyncGroupResponse,
};
use scripted::{
    API_VERSIONS, FETCH, FIND_COORDINATOR, HEARTBEAT, JOIN_GROUP, LEAVE_GROUP, LIST_OFFSETS,
    METADATA, OFFSET_COMMIT, OFFSET_FETCH, Reply, Request, SYNC_GROUP, reply,
};

const TOPIC: &str = "counted";
const PROTOCOL: &str = "cooperative-sticky";
const MEMBER: &str = "member-1";

#[derive(Default)]
struct Seen {
    /// Requests by API key.
    by_api: BTreeMap<i16, usize>,
    /// Fetches answered so far.
    fetches_answered: usize,
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<Seen>>;

fn answer(req: Request, seen: &Shared) -> Reply {
    let (version, mut buf) = (req.version, req.body);
    let mut s = seen.lock().unwrap();
    *s.by_api.entry(req.api_key).or_default() += 1;
    match req.api_key {
        API_VERSIONS => scripted::api_versions(
            version,
            &[
                (API_VERSIONS, 3),
                (METADATA, 9),
                (FETCH, 12),
                (LIST_OFFSETS, 7),
                (OFFSET_COMMIT, 8),
                (OFFSET_FETCH, 7),
                (FIND_COORDINATOR, 3),
                (JOIN_GROUP, 7),
                (HEARTBEAT, 4),
                (LEAVE_GROUP, 4),
                (SYNC_GROUP, 5),
            ],
        ),
        METADATA => reply(
            &scripted::one_broker_metadata(req.port, TOPIC, 2, 0),
            version,
        ),
        FIND_COORDINATOR => reply(
            &FindCoordinatorResponse {
                node_id: 1,
                host: "127.0.0.1".into(),
                port: i32::from(req.port),
                ..Default::default()
            },
            version,
        ),
        JOIN_GROUP => match JoinGroupRequest::decode(&mut buf, version) {
            // The only member, so the leader: it fetches metadata for its assignment.
            Ok(join) => reply(
                &JoinGroupResponse {
                    generation_id: 1,
                    protocol_type: Some("consumer".into()),
                    protocol_name: Some(PROTOCOL.into()),
                    leader: MEMBER.into(),
                    member_id: MEMBER.into(),
                    members: vec![JoinGroupResponseMember {
                        member_id: MEMBER.into(),
                        metadata: join
                            .protocols
                            .iter()
                            .find(|p| p.name == PROTOCOL)
                            .map(|p| p.metadata.clone())
                            .unwrap_or_default(),
                        ..Default::default()
                    }],
                    ..Default::default()
                },
                version,
            ),
            Err(e) => {
                s.unexpected.push(format!("JoinGroup: {e}"));
                Reply::Hangup
            }
        },
        SYNC_GROUP => reply(
            &SyncGroupResponse {
                protocol_type: Some("consumer".into()),
                protocol_name: Some(PROTOCOL.into()),
                assignment: Assignment {
                    partitions: (0..2).map(|p| TopicPartition::new(TOPIC, p)).collect(),
                    user_data: None,
                }
                .encode(CONSUMER_PROTOCOL_VERSION),
                ..Default::default()
            },
            version,
        ),
        HEARTBEAT => reply(&HeartbeatResponse::default(), version),
        OFFSET_FETCH => match OffsetFetchRequest::decode(&mut buf, version) {
            Ok(r) => reply(&scripted::committed_offsets(&r, 0), version),
            Err(e) => {
                s.unexpected.push(format!("OffsetFetch: {e}"));
                Reply::Hangup
            }
        },
        FETCH => match FetchRequest::decode(&mut buf, version) {
            // Nothing to give: held a little, as a broker holds it up to max_wait_ms.
            Ok(f) => {
                s.fetches_answered += 1;
                match reply(&scripted::empty_fetch(&f), version) {
                    Reply::Body(b) => Reply::After(Duration::from_millis(50), b),
                    other => other,
                }
            }
            Err(e) => {
                s.unexpected.push(format!("Fetch: {e}"));
                Reply::Hangup
            }
        },
        LEAVE_GROUP => reply(&LeaveGroupResponse::default(), version),
        other => {
            // Recorded and asserted on by the test: a panic here would only end this task.
            s.unexpected.push(format!("api {other}"));
            Reply::Hangup
        }
    }
}

#[tokio::test]
async fn a_joining_leader_asks_for_metadata_once_as_javas_consumer() {
    let seen: Shared = Arc::default();
    let shared = seen.clone();
    let addr = scripted::start(move |req| {
        let r = answer(req, &shared);
        async move { r }
    })
    .await;
    let config = ConsumerConfig::builder()
        .bootstrap_servers([addr])
        .group_id("counts-g")
        .enable_auto_commit(false)
        .partition_assignment_strategy(vec![Assignor::CooperativeSticky])
        .set("fetch.max.wait.ms", "50")
        .unwrap()
        .build()
        .unwrap();
    let mut consumer = Consumer::new(config).unwrap();
    consumer.subscribe([TOPIC], None).unwrap();
    // A hang guard, not a speed check: polls until the assigned partitions are being fetched.
    let fetching = tokio::time::timeout(Duration::from_secs(30), async {
        while seen.lock().unwrap().fetches_answered < 3 {
            consumer.poll(Duration::from_millis(50)).await.unwrap();
        }
    })
    .await;
    let s = std::mem::take(&mut *seen.lock().unwrap());
    assert!(fetching.is_ok(), "no fetching: {:?}", s.by_api);
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
    assert_eq!(consumer.assignment().len(), 2);
    let count = |api| s.by_api.get(&api).copied().unwrap_or(0);
    assert_eq!(
        count(METADATA),
        1,
        "Metadata requests (Java's consumer sends one here): {:?}",
        s.by_api
    );
    // One round, one committed-offset lookup, and positions from it without ListOffsets.
    assert_eq!(
        (count(JOIN_GROUP), count(SYNC_GROUP), count(OFFSET_FETCH)),
        (1, 1, 1),
        "{:?}",
        s.by_api
    );
    assert_eq!(count(LIST_OFFSETS), 0, "{:?}", s.by_api);
}
