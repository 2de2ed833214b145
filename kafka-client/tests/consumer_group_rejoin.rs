//! A classic-group member whose rejoin is answered with an error, against a scripted in-process
//! broker: the races a live cluster reaches only under load, when a member is expelled (session
//! timeout, rebalance timeout) while it still owns partitions.
//!
//! * Expelled: a heartbeat says REBALANCE_IN_PROGRESS and the JoinGroup that follows is answered
//!   UNKNOWN_MEMBER_ID. The coordinator has dropped the member, so its partitions may belong to
//!   another member already. As in Java's `onJoinPrepare`, they must be reported lost (not
//!   revoked: no commit for them) before the member joins again, and the new JoinGroup must not
//!   claim them.
//! * Interrupted: the SyncGroup of a round is answered REBALANCE_IN_PROGRESS (another member
//!   joined meanwhile). The member is still in the group and keeps its partitions: no lost or
//!   revoked callback, and the next JoinGroup claims them in the generation of that round, as
//!   Java's does.

mod scripted;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kafka_client::config::{Assignor, ConsumerConfig};
use kafka_client::consumer::group::consumer_protocol::{
    Assignment, CONSUMER_PROTOCOL_VERSION, Subscription,
};
use kafka_client::consumer::{Consumer, RebalanceContext, RebalanceListener, TopicPartition};
use kafka_protocol::Message;
use kafka_protocol::messages::join_group_response::JoinGroupResponse;
use kafka_protocol::messages::{
    FetchRequest, HeartbeatResponse, JoinGroupRequest, LeaveGroupResponse, MetadataResponse,
    OffsetCommitRequest, OffsetFetchRequest, SyncGroupResponse,
};
use scripted::{
    API_VERSIONS, FETCH, FIND_COORDINATOR, HEARTBEAT, JOIN_GROUP, LEAVE_GROUP, METADATA,
    OFFSET_COMMIT, OFFSET_FETCH, REBALANCE_IN_PROGRESS, Reply, Request, SYNC_GROUP,
    UNKNOWN_MEMBER_ID, reply,
};

const TOPIC: &str = "rejoin";
const PROTOCOL: &str = "cooperative-sticky";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    /// The second JoinGroup is answered UNKNOWN_MEMBER_ID.
    Expelled,
    /// The second round's SyncGroup is answered REBALANCE_IN_PROGRESS.
    Interrupted,
}

/// What the member did, in order, as the broker and the listener saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    /// A JoinGroup, with the generation and partitions its subscription claims.
    Join {
        generation: i32,
        owned: Vec<i32>,
    },
    /// An OffsetCommit of these partitions.
    Commit(Vec<i32>),
    Assigned(Vec<i32>),
    Revoked(Vec<i32>),
    Lost(Vec<i32>),
}

#[derive(Default)]
struct Script {
    events: Vec<Event>,
    joins: usize,
    syncs: usize,
    /// Heartbeats of generation 1 (the first is answered REBALANCE_IN_PROGRESS).
    first_generation_heartbeats: usize,
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<Script>>;

fn numbers(partitions: &[TopicPartition]) -> Vec<i32> {
    partitions.iter().map(|tp| tp.partition).collect()
}

struct Recorder(Shared);

impl RebalanceListener for Recorder {
    fn on_partitions_revoked(&mut self, ctx: &mut RebalanceContext, partitions: &[TopicPartition]) {
        // What a careful application does: commit what it consumed while it owned them.
        ctx.commit_positions(partitions);
        let mut s = self.0.lock().unwrap();
        s.events.push(Event::Revoked(numbers(partitions)));
    }

    fn on_partitions_assigned(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
        let mut s = self.0.lock().unwrap();
        s.events.push(Event::Assigned(numbers(partitions)));
    }

    fn on_partitions_lost(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
        let mut s = self.0.lock().unwrap();
        s.events.push(Event::Lost(numbers(partitions)));
    }
}

fn assignment(partitions: &[i32]) -> bytes::Bytes {
    Assignment {
        partitions: partitions
            .iter()
            .map(|&p| TopicPartition::new(TOPIC, p))
            .collect(),
        user_data: None,
    }
    .encode(CONSUMER_PROTOCOL_VERSION)
}

fn joined(generation: i32, member: &str) -> JoinGroupResponse {
    JoinGroupResponse {
        generation_id: generation,
        protocol_type: Some("consumer".into()),
        protocol_name: Some(PROTOCOL.into()),
        // Another member leads: ours follows and gets its assignment from SyncGroup.
        leader: "the-leader".into(),
        member_id: member.into(),
        ..Default::default()
    }
}

fn metadata(port: u16) -> MetadataResponse {
    scripted::one_broker_metadata(port, TOPIC, 2, 0)
}

fn join_group(req: &JoinGroupRequest, variant: Variant, s: &mut Script) -> JoinGroupResponse {
    let claim = req
        .protocols
        .iter()
        .find(|p| p.name == PROTOCOL)
        .and_then(|p| Subscription::decode(p.metadata.clone()).ok());
    let Some(claim) = claim else {
        s.unexpected
            .push("a JoinGroup without a readable subscription".into());
        return JoinGroupResponse {
            error_code: 23, // INCONSISTENT_GROUP_PROTOCOL
            ..Default::default()
        };
    };
    s.events.push(Event::Join {
        generation: claim.generation_id,
        owned: numbers(&claim.owned_partitions),
    });
    s.joins += 1;
    match (s.joins, variant) {
        (1, _) => joined(1, "member-1"),
        (2, Variant::Expelled) => JoinGroupResponse {
            error_code: UNKNOWN_MEMBER_ID,
            ..Default::default()
        },
        (2, Variant::Interrupted) => joined(2, "member-1"),
        (_, Variant::Expelled) => joined(3, "member-2"),
        (_, Variant::Interrupted) => joined(3, "member-1"),
    }
}

fn sync_group(variant: Variant, s: &mut Script) -> SyncGroupResponse {
    s.syncs += 1;
    let ok = |partitions: &[i32]| SyncGroupResponse {
        protocol_type: Some("consumer".into()),
        protocol_name: Some(PROTOCOL.into()),
        assignment: assignment(partitions),
        ..Default::default()
    };
    match (s.syncs, variant) {
        (1, _) => ok(&[0, 1]),
        // The leader gave both partitions to another member while ours was out.
        (_, Variant::Expelled) => ok(&[]),
        (2, Variant::Interrupted) => SyncGroupResponse {
            error_code: REBALANCE_IN_PROGRESS,
            ..Default::default()
        },
        (_, Variant::Interrupted) => ok(&[0, 1]),
    }
}

fn answer(req: Request, variant: Variant, script: &Shared) -> Reply {
    let (version, mut buf) = (req.version, req.body);
    let mut s = script.lock().unwrap();
    match req.api_key {
        API_VERSIONS => scripted::api_versions(version, &scripted::CLASSIC_APIS),
        METADATA => reply(&metadata(req.port), version),
        FIND_COORDINATOR => reply(&scripted::coordinator_at(req.port), version),
        JOIN_GROUP => match JoinGroupRequest::decode(&mut buf, version) {
            Ok(join) => reply(&join_group(&join, variant, &mut s), version),
            Err(e) => {
                s.unexpected.push(format!("JoinGroup: {e}"));
                Reply::Hangup
            }
        },
        SYNC_GROUP => reply(&sync_group(variant, &mut s), version),
        HEARTBEAT => {
            // The first heartbeat after the first assignment starts the rebalance.
            let error_code = if s.syncs == 1 && s.joins == 1 {
                s.first_generation_heartbeats += 1;
                if s.first_generation_heartbeats == 1 {
                    REBALANCE_IN_PROGRESS
                } else {
                    0
                }
            } else {
                0
            };
            reply(
                &HeartbeatResponse {
                    error_code,
                    ..Default::default()
                },
                version,
            )
        }
        OFFSET_FETCH => match OffsetFetchRequest::decode(&mut buf, version) {
            Ok(r) => reply(&scripted::committed_offsets(&r, 0), version),
            Err(e) => {
                s.unexpected.push(format!("OffsetFetch: {e}"));
                Reply::Hangup
            }
        },
        OFFSET_COMMIT => match OffsetCommitRequest::decode(&mut buf, version) {
            Ok(r) => {
                let partitions: Vec<i32> = r
                    .topics
                    .iter()
                    .flat_map(|t| t.partitions.iter().map(|p| p.partition_index))
                    .collect();
                s.events.push(Event::Commit(partitions));
                reply(&scripted::commit_answer(&r, 0), version)
            }
            Err(e) => {
                s.unexpected.push(format!("OffsetCommit: {e}"));
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
        LEAVE_GROUP => reply(&LeaveGroupResponse::default(), version),
        other => {
            // Recorded and asserted on by the test: a panic here would only end this task.
            s.unexpected.push(format!("api {other}"));
            Reply::Hangup
        }
    }
}

/// Runs the member until the broker has answered three JoinGroups and the round after them is
/// assigned; returns what happened.
async fn run(variant: Variant) -> Vec<Event> {
    let script: Shared = Arc::default();
    let shared = script.clone();
    let addr = scripted::start(move |req| {
        let r = answer(req, variant, &shared);
        async move { r }
    })
    .await;
    let config = ConsumerConfig::builder()
        .bootstrap_servers([addr])
        .group_id("rejoin-g")
        .enable_auto_commit(false)
        .partition_assignment_strategy(vec![Assignor::CooperativeSticky])
        .heartbeat_interval(Duration::from_millis(50))
        .session_timeout(Duration::from_secs(10))
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
    let done = || {
        let s = script.lock().unwrap();
        s.joins >= 3 && s.syncs >= 3 - usize::from(variant == Variant::Expelled)
    };
    // A hang guard, not a speed check.
    let finished = tokio::time::timeout(Duration::from_secs(30), async {
        while !done() {
            consumer.poll(Duration::from_millis(50)).await.unwrap();
        }
        // One more poll runs the callbacks of the last assignment.
        consumer.poll(Duration::from_millis(50)).await.unwrap();
    })
    .await;
    let s = script.lock().unwrap();
    assert!(
        finished.is_ok(),
        "the script did not finish: {:?}",
        s.events
    );
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
    s.events.clone()
}

#[tokio::test]
async fn an_expelled_member_reports_its_partitions_lost_before_it_joins_again() {
    let events = run(Variant::Expelled).await;
    // The third JoinGroup: the one after UNKNOWN_MEMBER_ID.
    let rejoin = events
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Event::Join { .. }))
        .nth(2)
        .map(|(i, _)| i)
        .unwrap();
    assert_eq!(
        events[rejoin],
        Event::Join {
            generation: -1,
            owned: vec![]
        },
        "the member rejoins as a new member claiming nothing: {events:?}"
    );
    assert!(
        events[..rejoin].contains(&Event::Lost(vec![0, 1])),
        "the partitions are reported lost before the rejoin: {events:?}"
    );
    assert!(
        !events.iter().any(|e| matches!(e, Event::Revoked(_))),
        "lost, not revoked: {events:?}"
    );
    assert!(
        !events.iter().any(|e| matches!(e, Event::Commit(_))),
        "nothing is committed for partitions another member may own: {events:?}"
    );
}

#[tokio::test]
async fn an_interrupted_round_keeps_the_partitions_and_the_generation() {
    let events = run(Variant::Interrupted).await;
    let joins: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e, Event::Join { .. }))
        .collect();
    assert_eq!(
        joins[2],
        &Event::Join {
            generation: 2,
            owned: vec![0, 1]
        },
        "the member still owns its partitions and claims them in the round's generation: \
         {events:?}"
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Lost(_) | Event::Revoked(_))),
        "nothing was taken from the member: {events:?}"
    );
}
