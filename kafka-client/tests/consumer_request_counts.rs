//! How many requests of each kind a classic group member sends to join, be assigned and start
//! fetching, against a scripted one-broker cluster, compared with what Java 4.4's consumer
//! sends in the same situation (the live comparison is integration-tests' consumer_metrics).
//!
//! Java's consumer asks for metadata once for its subscription and not again when the
//! assignment names topics it already knows; the leader's own fetch for the assignment counts
//! as that answer. We used to ask a second time right after every assignment.
//!
//! A KIP-848 member heartbeats once to join and once to acknowledge its assignment, then once
//! per heartbeat interval. Kafka's coordinator repeats the assignment in its answer to every
//! full heartbeat (ours always are); we used to reconcile the repeat and acknowledge it at
//! once, a heartbeat every wake-up of the heartbeat task.

mod scripted;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kafka_client::config::{Assignor, ConsumerConfig, GroupProtocol};
use kafka_client::consumer::group::consumer_protocol::{Assignment, CONSUMER_PROTOCOL_VERSION};
use kafka_client::consumer::{Consumer, TopicPartition};
use kafka_protocol::messages::consumer_group_heartbeat_response::{
    Assignment as Kip848Assignment, TopicPartitions as AssignedPartitions,
};
use kafka_protocol::messages::join_group_response::{JoinGroupResponse, JoinGroupResponseMember};
use kafka_protocol::messages::{
    ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, FetchRequest, HeartbeatResponse,
    JoinGroupRequest, LeaveGroupResponse, OffsetFetchRequest, SyncGroupResponse,
};
use kafka_protocol::{Message, Uuid};
use scripted::{
    API_VERSIONS, CONSUMER_GROUP_HEARTBEAT, FETCH, FIND_COORDINATOR, HEARTBEAT, JOIN_GROUP,
    LEAVE_GROUP, LIST_OFFSETS, METADATA, OFFSET_COMMIT, OFFSET_FETCH, Reply, Request, SYNC_GROUP,
    reply,
};

const TOPIC: &str = "counted";
const PROTOCOL: &str = "cooperative-sticky";
const MEMBER: &str = "member-1";

fn topic_id() -> Uuid {
    Uuid::from_halves(0xc0, 0x17)
}

/// Kafka's answer to a heartbeat: the assignment (both partitions) is repeated in every answer
/// to a full request, which has the rebalance timeout, the subscription and the owned
/// partitions set.
fn kip848_heartbeat(req: &ConsumerGroupHeartbeatRequest) -> ConsumerGroupHeartbeatResponse {
    if req.member_epoch < 0 {
        return ConsumerGroupHeartbeatResponse {
            member_id: Some(req.member_id.clone()),
            member_epoch: req.member_epoch,
            ..Default::default()
        };
    }
    let full = req.rebalance_timeout_ms != -1
        && req.subscribed_topic_names.is_some()
        && req.topic_partitions.is_some();
    ConsumerGroupHeartbeatResponse {
        member_id: Some(req.member_id.clone()),
        member_epoch: 1,
        // Far longer than the test runs: every heartbeat after the join is an acknowledgement.
        heartbeat_interval_ms: 60_000,
        assignment: (req.member_epoch == 0 || full).then(|| Kip848Assignment {
            topic_partitions: vec![AssignedPartitions {
                topic_id: topic_id(),
                partitions: vec![0, 1],
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[derive(Default)]
struct Seen {
    /// Requests by API key.
    by_api: BTreeMap<i16, usize>,
    /// Whether the member speaks KIP-848 (the ApiVersions answer differs).
    kip848: bool,
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
                (METADATA, 12),
                (FETCH, 12),
                (LIST_OFFSETS, 7),
                (OFFSET_COMMIT, 8),
                // v9 names a KIP-848 member; the classic member is given v7.
                (OFFSET_FETCH, if s.kip848 { 9 } else { 7 }),
                (CONSUMER_GROUP_HEARTBEAT, 1),
                (FIND_COORDINATOR, 3),
                (JOIN_GROUP, 7),
                (HEARTBEAT, 4),
                (LEAVE_GROUP, 4),
                (SYNC_GROUP, 5),
            ],
        ),
        METADATA => {
            let mut md = scripted::one_broker_metadata(req.port, TOPIC, 2, 0);
            md.topics[0].topic_id = topic_id();
            reply(&md, version)
        }
        CONSUMER_GROUP_HEARTBEAT => {
            match ConsumerGroupHeartbeatRequest::decode(&mut buf, version) {
                Ok(hb) => reply(&kip848_heartbeat(&hb), version),
                Err(e) => {
                    s.unexpected.push(format!("ConsumerGroupHeartbeat: {e}"));
                    Reply::Hangup
                }
            }
        }
        FIND_COORDINATOR => reply(&scripted::coordinator_at(req.port), version),
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
            Ok(r) if version >= 8 => reply(&scripted::grouped_committed_offsets(&r, 0), version),
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

async fn start(kip848: bool) -> (String, Shared) {
    let seen: Shared = Arc::new(Mutex::new(Seen {
        kip848,
        ..Seen::default()
    }));
    let shared = seen.clone();
    let addr = scripted::start(move |req| {
        let r = answer(req, &shared);
        async move { r }
    })
    .await;
    (addr, seen)
}

#[tokio::test]
async fn a_joining_leader_asks_for_metadata_once_as_javas_consumer() {
    let (addr, seen) = start(false).await;
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

#[tokio::test]
async fn a_kip848_member_acknowledges_its_assignment_once() {
    let (addr, seen) = start(true).await;
    let config = ConsumerConfig::builder()
        .bootstrap_servers([addr])
        .group_id("counts-848")
        .group_protocol(GroupProtocol::Consumer)
        .enable_auto_commit(false)
        .set("fetch.max.wait.ms", "50")
        .unwrap()
        .build()
        .unwrap();
    let mut consumer = Consumer::new(config).unwrap();
    consumer.subscribe([TOPIC], None).unwrap();
    // A hang guard, not a speed check: polls until the assigned partitions are being fetched,
    // then for ten fetches more, each held 50 ms by the broker: long enough for the heartbeat
    // task to wake several times, far shorter than the 60 s heartbeat interval.
    let fetching = tokio::time::timeout(Duration::from_secs(30), async {
        while seen.lock().unwrap().fetches_answered < 3 {
            consumer.poll(Duration::from_millis(50)).await.unwrap();
        }
        while seen.lock().unwrap().fetches_answered < 13 {
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
        count(CONSUMER_GROUP_HEARTBEAT),
        2,
        "heartbeats (Java's consumer: one to join, one to acknowledge): {:?}",
        s.by_api
    );
    assert_eq!(count(METADATA), 1, "{:?}", s.by_api);
    assert_eq!(count(OFFSET_FETCH), 1, "{:?}", s.by_api);
}
