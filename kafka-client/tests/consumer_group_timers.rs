//! The classic-group timers between a JoinGroup answer and the end of the round, against a
//! scripted in-process broker that keeps a member's session the way Kafka's coordinator does.
//!
//! * Slow assignment: the member leads, and its assignment (here: the metadata fetch it starts
//!   with) takes three session timeouts. Java's heartbeat thread heartbeats from the JoinGroup
//!   answer on (COMPLETING_REBALANCE), so the coordinator keeps the leader; without those
//!   heartbeats its SyncGroup is answered UNKNOWN_MEMBER_ID and the round is lost.
//! * Slow join: the JoinGroup answer comes later than `max.poll.interval.ms` after the poll that
//!   sent it (the coordinator waits for slower members). Java restarts the poll timer on the
//!   JoinGroup answer (`Heartbeat.resetTimeouts`), so an application that never stopped polling
//!   does not leave the group on a poll timeout right after the round completes.

mod scripted;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kafka_client::config::{Assignor, ConsumerConfig};
use kafka_client::consumer::group::consumer_protocol::{Assignment, CONSUMER_PROTOCOL_VERSION};
use kafka_client::consumer::{Consumer, RebalanceContext, RebalanceListener, TopicPartition};
use kafka_protocol::Message;
use kafka_protocol::messages::join_group_response::{JoinGroupResponse, JoinGroupResponseMember};
use kafka_protocol::messages::{
    FetchRequest, HeartbeatRequest, HeartbeatResponse, JoinGroupRequest, LeaveGroupResponse,
    MetadataResponse, OffsetFetchRequest, SyncGroupResponse,
};
use scripted::{
    API_VERSIONS, FETCH, FIND_COORDINATOR, HEARTBEAT, JOIN_GROUP, LEAVE_GROUP, METADATA,
    OFFSET_FETCH, Reply, Request, SYNC_GROUP, UNKNOWN_MEMBER_ID, reply,
};

const TOPIC: &str = "timers";
const PROTOCOL: &str = "cooperative-sticky";
const MEMBER: &str = "member-1";

const SESSION: Duration = Duration::from_millis(500);
const HEARTBEAT_INTERVAL: Duration = Duration::from_millis(50);
/// How long the leader's metadata fetch for its assignment takes: three session timeouts.
const ASSIGNMENT_DELAY: Duration = Duration::from_millis(1500);
/// `max.poll.interval.ms` of the slow join; the slow assignment keeps Java's default (300 s), as
/// the poll timer runs while the leader assigns too.
const MAX_POLL_INTERVAL: Duration = Duration::from_millis(1000);
/// How long the coordinator holds the JoinGroup: half a poll interval more than the interval.
const JOIN_DELAY: Duration = Duration::from_millis(1500);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    /// The member leads and its assignment outlasts the session timeout.
    SlowAssignment,
    /// The member follows and its JoinGroup is answered after `max.poll.interval.ms`.
    SlowJoin,
}

#[derive(Default)]
struct Script {
    joins: usize,
    syncs: usize,
    /// When the coordinator last heard from the member (JoinGroup answer, heartbeat): its
    /// session runs from here.
    alive: Option<Instant>,
    /// `(generation, member id)` of heartbeats between the JoinGroup answer and the SyncGroup.
    heartbeats_before_sync: Vec<(i32, String)>,
    /// SyncGroups answered UNKNOWN_MEMBER_ID because the session had expired.
    expelled: usize,
    leaves: usize,
    lost: Vec<Vec<i32>>,
    assigned: Vec<Vec<i32>>,
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<Script>>;

fn numbers(partitions: &[TopicPartition]) -> Vec<i32> {
    partitions.iter().map(|tp| tp.partition).collect()
}

struct Recorder(Shared);

impl RebalanceListener for Recorder {
    fn on_partitions_revoked(&mut self, _: &mut RebalanceContext, _: &[TopicPartition]) {}

    fn on_partitions_assigned(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
        self.0.lock().unwrap().assigned.push(numbers(partitions));
    }

    fn on_partitions_lost(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
        self.0.lock().unwrap().lost.push(numbers(partitions));
    }
}

fn metadata(port: u16) -> MetadataResponse {
    scripted::one_broker_metadata(port, TOPIC, 2, 0)
}

fn join_group(req: &JoinGroupRequest, variant: Variant, s: &mut Script) -> JoinGroupResponse {
    s.joins += 1;
    let metadata = req
        .protocols
        .iter()
        .find(|p| p.name == PROTOCOL)
        .map(|p| p.metadata.clone())
        .unwrap_or_default();
    JoinGroupResponse {
        generation_id: 1,
        protocol_type: Some("consumer".into()),
        protocol_name: Some(PROTOCOL.into()),
        leader: match variant {
            Variant::SlowAssignment => MEMBER.into(),
            Variant::SlowJoin => "the-leader".into(),
        },
        member_id: MEMBER.into(),
        members: match variant {
            Variant::SlowAssignment => vec![JoinGroupResponseMember {
                member_id: MEMBER.into(),
                metadata,
                ..Default::default()
            }],
            Variant::SlowJoin => Vec::new(),
        },
        ..Default::default()
    }
}

fn sync_group(s: &mut Script) -> SyncGroupResponse {
    s.syncs += 1;
    // Kafka's coordinator expels a member it has not heard from for a session timeout.
    if s.alive.is_some_and(|t| t.elapsed() > SESSION) {
        s.expelled += 1;
        return SyncGroupResponse {
            error_code: UNKNOWN_MEMBER_ID,
            ..Default::default()
        };
    }
    SyncGroupResponse {
        protocol_type: Some("consumer".into()),
        protocol_name: Some(PROTOCOL.into()),
        assignment: Assignment {
            partitions: (0..2).map(|p| TopicPartition::new(TOPIC, p)).collect(),
            user_data: None,
        }
        .encode(CONSUMER_PROTOCOL_VERSION),
        ..Default::default()
    }
}

fn answer(req: Request, variant: Variant, script: &Shared) -> Reply {
    let (version, mut buf) = (req.version, req.body);
    let mut s = script.lock().unwrap();
    match req.api_key {
        API_VERSIONS => scripted::api_versions(version, &scripted::CLASSIC_APIS),
        METADATA => {
            let body = reply(&metadata(req.port), version);
            // Between the JoinGroup answer and the SyncGroup only the leader's assignment asks.
            match body {
                Reply::Body(b)
                    if variant == Variant::SlowAssignment && s.joins > 0 && s.syncs == 0 =>
                {
                    Reply::After(ASSIGNMENT_DELAY, b)
                }
                other => other,
            }
        }
        FIND_COORDINATOR => reply(&scripted::coordinator_at(req.port), version),
        JOIN_GROUP => match JoinGroupRequest::decode(&mut buf, version) {
            Ok(join) => {
                let resp = join_group(&join, variant, &mut s);
                let body = reply(&resp, version);
                match (variant, body) {
                    (Variant::SlowJoin, Reply::Body(b)) => {
                        // The session starts when the answer goes out.
                        s.alive = Some(Instant::now() + JOIN_DELAY);
                        Reply::After(JOIN_DELAY, b)
                    }
                    (_, body) => {
                        s.alive = Some(Instant::now());
                        body
                    }
                }
            }
            Err(e) => {
                s.unexpected.push(format!("JoinGroup: {e}"));
                Reply::Hangup
            }
        },
        SYNC_GROUP => reply(&sync_group(&mut s), version),
        HEARTBEAT => match HeartbeatRequest::decode(&mut buf, version) {
            Ok(hb) => {
                if s.syncs == 0 {
                    s.heartbeats_before_sync
                        .push((hb.generation_id, hb.member_id.clone()));
                }
                s.alive = Some(Instant::now());
                reply(&HeartbeatResponse::default(), version)
            }
            Err(e) => {
                s.unexpected.push(format!("Heartbeat: {e}"));
                Reply::Hangup
            }
        },
        OFFSET_FETCH => match OffsetFetchRequest::decode(&mut buf, version) {
            Ok(r) => reply(&scripted::committed_offsets(&r, 0), version),
            Err(e) => {
                s.unexpected.push(format!("OffsetFetch: {e}"));
                Reply::Hangup
            }
        },
        FETCH => match FetchRequest::decode(&mut buf, version) {
            // Nothing to give: wait a little, as a broker waits up to max_wait_ms.
            Ok(f) => match reply(&scripted::empty_fetch(&f), version) {
                Reply::Body(b) => Reply::After(Duration::from_millis(50), b),
                other => other,
            },
            Err(e) => {
                s.unexpected.push(format!("Fetch: {e}"));
                Reply::Hangup
            }
        },
        LEAVE_GROUP => {
            s.leaves += 1;
            reply(&LeaveGroupResponse::default(), version)
        }
        other => {
            // Recorded and asserted on by the test: a panic here would only end this task.
            s.unexpected.push(format!("api {other}"));
            Reply::Hangup
        }
    }
}

/// Polls without pause until the first round is assigned, then processes for `processing`
/// (no poll) and polls once more; returns what the broker and the listener saw.
async fn run(variant: Variant, processing: Duration) -> Script {
    let script: Shared = Arc::default();
    let shared = script.clone();
    let addr = scripted::start(move |req| {
        let r = answer(req, variant, &shared);
        async move { r }
    })
    .await;
    let config = ConsumerConfig::builder()
        .bootstrap_servers([addr])
        .group_id("timers-g")
        .enable_auto_commit(false)
        .partition_assignment_strategy(vec![Assignor::CooperativeSticky])
        .heartbeat_interval(HEARTBEAT_INTERVAL)
        .session_timeout(SESSION)
        .max_poll_interval(match variant {
            Variant::SlowAssignment => Duration::from_secs(300),
            Variant::SlowJoin => MAX_POLL_INTERVAL,
        })
        .set("retry.backoff.ms", "10")
        .unwrap()
        .set("fetch.max.wait.ms", "50")
        .unwrap()
        .build()
        .unwrap();
    let mut consumer = Consumer::new(config).unwrap();
    consumer
        .subscribe([TOPIC], Some(Box::new(Recorder(script.clone()))))
        .unwrap();
    // A hang guard, not a speed check.
    let finished = tokio::time::timeout(Duration::from_secs(30), async {
        while script.lock().unwrap().assigned.is_empty() {
            consumer.poll(Duration::from_millis(50)).await.unwrap();
        }
        tokio::time::sleep(processing).await;
        // Runs the lost callback, if the member lost its partitions meanwhile.
        consumer.poll(Duration::from_millis(50)).await.unwrap();
    })
    .await;
    let s = std::mem::take(&mut *script.lock().unwrap());
    assert!(
        finished.is_ok(),
        "no assignment: {} joins, {} syncs, lost {:?}",
        s.joins,
        s.syncs,
        s.lost
    );
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
    s
}

#[tokio::test]
async fn a_leader_heartbeats_while_it_computes_the_assignment() {
    let s = run(Variant::SlowAssignment, Duration::ZERO).await;
    assert_eq!(
        s.expelled, 0,
        "the coordinator expelled the leader during its assignment; heartbeats before the \
         SyncGroup: {:?}",
        s.heartbeats_before_sync
    );
    assert!(
        !s.heartbeats_before_sync.is_empty(),
        "no heartbeat between the JoinGroup answer and the SyncGroup"
    );
    assert!(
        s.heartbeats_before_sync
            .iter()
            .all(|(generation, member)| *generation == 1 && member == MEMBER),
        "heartbeats carry the generation and member id the JoinGroup gave: {:?}",
        s.heartbeats_before_sync
    );
    assert_eq!((s.joins, s.syncs), (1, 1), "one round was enough");
    assert_eq!(s.assigned, [vec![0, 1]]);
}

#[tokio::test]
async fn a_slow_join_does_not_count_against_the_poll_interval() {
    // The application processes what the poll returned for well under max.poll.interval.ms
    // (counted from the JoinGroup answer), but for longer than the heartbeat task takes to
    // notice an overdue poll.
    let s = run(Variant::SlowJoin, Duration::from_millis(400)).await;
    assert_eq!(
        s.leaves, 0,
        "the member left on a poll timeout although the application polled again well within \
         max.poll.interval.ms of the JoinGroup answer"
    );
    assert!(s.lost.is_empty(), "partitions lost: {:?}", s.lost);
    assert_eq!((s.joins, s.syncs), (1, 1), "one round was enough");
    assert_eq!(s.assigned, [vec![0, 1]]);
}
