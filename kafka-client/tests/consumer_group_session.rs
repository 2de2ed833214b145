//! A classic-group member whose coordinator stops answering while the member completes a
//! rebalance (between the JoinGroup answer and the SyncGroup answer), against a scripted
//! in-process broker.
//!
//! Java's heartbeat thread runs from the JoinGroup answer on (COMPLETING_REBALANCE) and checks
//! the session timer every time it runs: when no heartbeat has been answered for
//! `session.timeout.ms` it marks the coordinator unknown — drops the connection, which fails
//! the SyncGroup waiting on it, and finds the coordinator again — without forgetting the
//! generation or the member id: being cut off from the coordinator is no proof of having been
//! expelled, and the coordinator's next answer says whether the member is still in the group.
//! So the member joins again in the same generation and claims the partitions it owns, and
//! nothing is reported lost.
//!
//! The script: round 1 assigns partitions 0 and 1; a heartbeat then asks for a rebalance; round
//! 2's SyncGroup is held for far longer than the session timeout (heartbeats on the same
//! connection queue behind it, unanswered); round 3, if the member comes back, completes at
//! once.

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
    FetchRequest, HeartbeatResponse, JoinGroupRequest, LeaveGroupResponse, OffsetFetchRequest,
    SyncGroupResponse,
};
use scripted::{
    API_VERSIONS, FETCH, FIND_COORDINATOR, HEARTBEAT, JOIN_GROUP, LEAVE_GROUP, METADATA,
    OFFSET_FETCH, REBALANCE_IN_PROGRESS, Reply, Request, SYNC_GROUP, reply,
};

const TOPIC: &str = "session";
const PROTOCOL: &str = "cooperative-sticky";
const MEMBER: &str = "member-1";

const SESSION: Duration = Duration::from_millis(500);
const HEARTBEAT_INTERVAL: Duration = Duration::from_millis(50);
/// How long the coordinator holds round 2's SyncGroup: ten session timeouts.
const HOLD: Duration = Duration::from_millis(5000);

/// A JoinGroup as the coordinator saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Join {
    member_id: String,
    /// The generation the member's owned partitions belong to, as its subscription says.
    generation: i32,
    owned: Vec<i32>,
}

#[derive(Default)]
struct Script {
    finds: usize,
    joins: Vec<Join>,
    syncs: usize,
    /// Round 2's SyncGroup has arrived and is not answered yet.
    holding: bool,
    /// FindCoordinator requests that arrived while round 2's SyncGroup was held.
    finds_while_holding: usize,
    /// Rounds whose SyncGroup was answered with the assignment.
    completed: usize,
    rebalance_asked: bool,
    lost: Vec<Vec<i32>>,
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<Script>>;

fn numbers(partitions: &[TopicPartition]) -> Vec<i32> {
    partitions.iter().map(|tp| tp.partition).collect()
}

struct Recorder(Shared);

impl RebalanceListener for Recorder {
    fn on_partitions_revoked(&mut self, _: &mut RebalanceContext, _: &[TopicPartition]) {}

    fn on_partitions_assigned(&mut self, _: &mut RebalanceContext, _: &[TopicPartition]) {}

    fn on_partitions_lost(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
        self.0.lock().unwrap().lost.push(numbers(partitions));
    }
}

fn join_group(req: &JoinGroupRequest, s: &mut Script) -> JoinGroupResponse {
    match req
        .protocols
        .iter()
        .find(|p| p.name == PROTOCOL)
        .and_then(|p| Subscription::decode(p.metadata.clone()).ok())
    {
        Some(sub) => s.joins.push(Join {
            member_id: req.member_id.clone(),
            generation: sub.generation_id,
            owned: numbers(&sub.owned_partitions),
        }),
        None => s
            .unexpected
            .push("a JoinGroup without a readable subscription".into()),
    }
    JoinGroupResponse {
        generation_id: i32::try_from(s.joins.len()).unwrap(),
        protocol_type: Some("consumer".into()),
        protocol_name: Some(PROTOCOL.into()),
        leader: "the-leader".into(),
        member_id: MEMBER.into(),
        ..Default::default()
    }
}

fn assigned() -> SyncGroupResponse {
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

/// The answer to `req`; round 2's SyncGroup answer comes after [`HOLD`].
async fn answer(req: Request, script: Shared) -> Reply {
    // Decided under the lock, which is not held while the answer waits.
    let (answered, hold) = decide(req, &script);
    if hold {
        tokio::time::sleep(HOLD).await;
        let mut s = script.lock().unwrap();
        s.holding = false;
        s.completed += 1;
    }
    answered
}

/// The answer to `req`, and whether it is round 2's SyncGroup, to be held.
fn decide(req: Request, script: &Shared) -> (Reply, bool) {
    let (version, mut buf) = (req.version, req.body);
    let mut s = script.lock().unwrap();
    let answered = match req.api_key {
        API_VERSIONS => scripted::api_versions(version, &scripted::CLASSIC_APIS),
        METADATA => reply(
            &scripted::one_broker_metadata(req.port, TOPIC, 2, 0),
            version,
        ),
        FIND_COORDINATOR => {
            s.finds += 1;
            if s.holding {
                s.finds_while_holding += 1;
            }
            reply(&scripted::coordinator_at(req.port), version)
        }
        JOIN_GROUP => match JoinGroupRequest::decode(&mut buf, version) {
            Ok(join) => reply(&join_group(&join, &mut s), version),
            Err(e) => {
                s.unexpected.push(format!("JoinGroup: {e}"));
                Reply::Hangup
            }
        },
        SYNC_GROUP => {
            s.syncs += 1;
            let body = reply(&assigned(), version);
            if s.syncs == 2 {
                s.holding = true;
                return (body, true);
            }
            s.completed += 1;
            body
        }
        HEARTBEAT => {
            // Once round 1 is complete, one heartbeat asks for another round.
            let code = if s.completed == 1 && !s.rebalance_asked {
                s.rebalance_asked = true;
                REBALANCE_IN_PROGRESS
            } else {
                0
            };
            reply(
                &HeartbeatResponse {
                    error_code: code,
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
    };
    (answered, false)
}

#[tokio::test]
async fn an_unanswered_member_completing_a_rebalance_finds_the_coordinator_again() {
    let script: Shared = Arc::default();
    let shared = script.clone();
    let addr = scripted::start(move |req| answer(req, shared.clone())).await;
    let config = ConsumerConfig::builder()
        .bootstrap_servers([addr])
        .group_id("session-g")
        .enable_auto_commit(false)
        .partition_assignment_strategy(vec![Assignor::CooperativeSticky])
        .heartbeat_interval(HEARTBEAT_INTERVAL)
        .session_timeout(SESSION)
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
    // Until a round after the held one has completed (with the fix: round 3, right after the
    // member found the coordinator again; without: round 2, once the hold ends). A hang guard,
    // not a speed check.
    let finished = tokio::time::timeout(Duration::from_secs(30), async {
        while script.lock().unwrap().completed < 2 {
            consumer.poll(Duration::from_millis(50)).await.unwrap();
        }
        // Runs the lost callback, if the member lost its partitions.
        consumer.poll(Duration::from_millis(50)).await.unwrap();
    })
    .await;
    drop(consumer);
    let s = std::mem::take(&mut *script.lock().unwrap());
    assert!(
        finished.is_ok(),
        "no second round: {} joins, {} syncs",
        s.joins.len(),
        s.syncs
    );
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
    assert!(
        s.finds_while_holding > 0,
        "no FindCoordinator while round 2's SyncGroup went unanswered for {HOLD:?} \
         (session timeout {SESSION:?}); {} FindCoordinator in all",
        s.finds
    );
    assert!(s.lost.is_empty(), "partitions reported lost: {:?}", s.lost);
    let rejoin = s.joins.get(2).unwrap_or_else(|| panic!("{:?}", s.joins));
    assert_eq!(
        rejoin,
        &Join {
            member_id: MEMBER.into(),
            generation: 2,
            owned: vec![0, 1],
        },
        "the member rejoins as itself, in the generation it was completing, claiming its \
         partitions; joins: {:?}",
        s.joins
    );
}
