//! Commits of a classic-group member against a scripted in-process coordinator: what Java 4.4's
//! `ConsumerCoordinator` does around a commit that the `consumer`-protocol client does not.
//!
//! * A commit answered UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION fails as `CommitFailed`, and the
//!   member forgets its generation (for UNKNOWN_MEMBER_ID its member id too) and joins again,
//!   its partitions reported lost, as `resetStateOnResponseError` has it.
//! * The interval auto-commit goes out on every expiry of its timer, even while the previous
//!   one is unanswered (`maybeAutoCommitOffsetsAsync` has no in-flight check, unlike the new
//!   consumer's `AutoCommitState`); ours queue behind it and go out once it is answered.
//! * `unsubscribe()` revokes the partitions and leaves the group without committing, as Java
//!   4.4's `ClassicKafkaConsumer.unsubscribe` (`onLeavePrepare`, then `maybeLeaveGroup`) does,
//!   auto-commit or not; `close()` commits first (`maybeAutoCommitOffsetsSync`), and a commit
//!   that fails there is logged, not returned, and the member still leaves.

mod scripted;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kafka_client::config::{Assignor, ConsumerConfig};
use kafka_client::consumer::group::consumer_protocol::{
    Assignment, CONSUMER_PROTOCOL_VERSION, Subscription,
};
use kafka_client::consumer::{
    Consumer, ConsumerError, OffsetAndMetadata, RebalanceContext, RebalanceListener, TopicPartition,
};
use kafka_protocol::Message;
use kafka_protocol::messages::join_group_response::JoinGroupResponse;
use kafka_protocol::messages::{
    FetchRequest, HeartbeatResponse, JoinGroupRequest, LeaveGroupResponse, OffsetCommitRequest,
    OffsetFetchRequest, SyncGroupResponse,
};
use scripted::{
    API_VERSIONS, FETCH, FIND_COORDINATOR, HEARTBEAT, ILLEGAL_GENERATION, JOIN_GROUP, LEAVE_GROUP,
    METADATA, OFFSET_COMMIT, OFFSET_FETCH, Reply, Request, SYNC_GROUP, UNKNOWN_MEMBER_ID, reply,
};

const TOPIC: &str = "classic-commit";
const PROTOCOL: &str = "cooperative-sticky";
const MEMBER: &str = "member-1";

/// What the member did, in order, as the broker and the listener saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    /// A JoinGroup, with the member id it named and the generation and partitions its
    /// subscription claims.
    Join {
        member_id: String,
        generation: i32,
        owned: Vec<i32>,
    },
    /// An OffsetCommit, and the code it was answered with.
    Commit(i16),
    Assigned(Vec<i32>),
    Revoked(Vec<i32>),
    Lost(Vec<i32>),
    /// A LeaveGroup.
    Leave,
}

#[derive(Default)]
struct Script {
    /// The code every OffsetCommit is answered with.
    commit_answer: i16,
    /// When set, OffsetCommit answers wait for a permit.
    gate: Option<Arc<tokio::sync::Semaphore>>,
    events: Vec<Event>,
    joins: usize,
    fetches: usize,
    unexpected: Vec<String>,
}

impl Script {
    fn commits(&self) -> usize {
        self.events
            .iter()
            .filter(|e| matches!(e, Event::Commit(_)))
            .count()
    }
}

type Shared = Arc<Mutex<Script>>;

fn numbers(partitions: &[TopicPartition]) -> Vec<i32> {
    partitions.iter().map(|tp| tp.partition).collect()
}

struct Recorder(Shared);

impl RebalanceListener for Recorder {
    fn on_partitions_assigned(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
        let mut s = self.0.lock().unwrap();
        s.events.push(Event::Assigned(numbers(partitions)));
    }
    fn on_partitions_revoked(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
        if !partitions.is_empty() {
            let mut s = self.0.lock().unwrap();
            s.events.push(Event::Revoked(numbers(partitions)));
        }
    }
    fn on_partitions_lost(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
        let mut s = self.0.lock().unwrap();
        s.events.push(Event::Lost(numbers(partitions)));
    }
}

fn join_group(req: &JoinGroupRequest, s: &mut Script) -> JoinGroupResponse {
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
        member_id: req.member_id.clone(),
        generation: claim.generation_id,
        owned: numbers(&claim.owned_partitions),
    });
    s.joins += 1;
    JoinGroupResponse {
        generation_id: i32::try_from(s.joins).unwrap_or(i32::MAX),
        protocol_type: Some("consumer".into()),
        protocol_name: Some(PROTOCOL.into()),
        // Another member leads: ours follows and gets its assignment from SyncGroup.
        leader: "the-leader".into(),
        member_id: MEMBER.into(),
        ..Default::default()
    }
}

fn offset_commit(req: &OffsetCommitRequest, version: i16, code: i16) -> Reply {
    reply(&scripted::commit_answer(req, code), version)
}

fn answer(req: Request, script: &Shared) -> Reply {
    let (version, mut buf) = (req.version, req.body);
    let mut s = script.lock().unwrap();
    match req.api_key {
        API_VERSIONS => scripted::api_versions(version, &scripted::CLASSIC_APIS),
        METADATA => reply(
            &scripted::one_broker_metadata(req.port, TOPIC, 2, 0),
            version,
        ),
        FIND_COORDINATOR => reply(&scripted::coordinator_at(req.port), version),
        JOIN_GROUP => match JoinGroupRequest::decode(&mut buf, version) {
            Ok(join) => reply(&join_group(&join, &mut s), version),
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
                    partitions: vec![TopicPartition::new(TOPIC, 0), TopicPartition::new(TOPIC, 1)],
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
        OFFSET_COMMIT => match OffsetCommitRequest::decode(&mut buf, version) {
            Ok(r) => {
                let code = s.commit_answer;
                s.events.push(Event::Commit(code));
                offset_commit(&r, version, code)
            }
            Err(e) => {
                s.unexpected.push(format!("OffsetCommit: {e}"));
                Reply::Hangup
            }
        },
        FETCH => match FetchRequest::decode(&mut buf, version) {
            // Nothing to give: wait a little, as a broker waits up to max_wait_ms.
            Ok(f) => {
                s.fetches += 1;
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
        LEAVE_GROUP => {
            s.events.push(Event::Leave);
            reply(&LeaveGroupResponse::default(), version)
        }
        other => {
            // Recorded and asserted on by the test: a panic here would only end this task.
            s.unexpected.push(format!("api {other}"));
            Reply::Hangup
        }
    }
}

/// A subscribed member, once it has been assigned both partitions, and the coordinator's
/// script; `auto_commit_interval_ms` turns auto-commit on.
async fn member(script: Shared, auto_commit_interval_ms: Option<&str>) -> Consumer {
    let shared = script.clone();
    let addr = scripted::start(move |req| {
        let commit = req.api_key == OFFSET_COMMIT;
        let r = answer(req, &shared);
        let gate = if commit {
            shared.lock().unwrap().gate.clone()
        } else {
            None
        };
        async move {
            if let Some(gate) = gate {
                // Closed only when the test drops the semaphore: then answer anyway.
                let _ = gate.acquire().await;
            }
            r
        }
    })
    .await;
    let mut config = ConsumerConfig::builder()
        .bootstrap_servers([addr])
        .group_id("classic-commit-g")
        .enable_auto_commit(auto_commit_interval_ms.is_some())
        .partition_assignment_strategy(vec![Assignor::CooperativeSticky])
        .heartbeat_interval(Duration::from_millis(50))
        .session_timeout(Duration::from_secs(10))
        .set("retry.backoff.ms", "10")
        .unwrap()
        .set("fetch.max.wait.ms", "50")
        .unwrap();
    if let Some(interval) = auto_commit_interval_ms {
        config = config.set("auto.commit.interval.ms", interval).unwrap();
    }
    let mut consumer = Consumer::new(config.build().unwrap()).unwrap();
    consumer
        .subscribe([TOPIC], Some(Box::new(Recorder(script.clone()))))
        .unwrap();
    poll_until(&mut consumer, &script, |s| {
        s.events.contains(&Event::Assigned(vec![0, 1]))
    })
    .await;
    consumer
}

/// Polls until `done` holds for the script (a hang guard of 30 s, not a speed check).
async fn poll_until(consumer: &mut Consumer, script: &Shared, done: impl Fn(&Script) -> bool) {
    let r = tokio::time::timeout(Duration::from_secs(30), async {
        while !done(&script.lock().unwrap()) {
            consumer.poll(Duration::from_millis(20)).await.unwrap();
        }
    })
    .await;
    let s = script.lock().unwrap();
    assert!(r.is_ok(), "gave up waiting: {:?}", s.events);
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
}

fn offsets() -> BTreeMap<TopicPartition, OffsetAndMetadata> {
    BTreeMap::from([(TopicPartition::new(TOPIC, 0), OffsetAndMetadata::new(7))])
}

/// Commits once, answered `code`, then polls until the member has joined again; returns the
/// events from the commit to that JoinGroup.
async fn refused_then_rejoined(code: i16) -> Vec<Event> {
    let script: Shared = Arc::default();
    let mut consumer = member(script.clone(), None).await;
    script.lock().unwrap().commit_answer = code;
    let from = script.lock().unwrap().events.len();
    match consumer.commit_sync(Some(offsets())).await {
        Err(ConsumerError::CommitFailed(c)) => assert_eq!(c.0, code),
        other => panic!("expected CommitFailed({code}), got {other:?}"),
    }
    poll_until(&mut consumer, &script, |s| s.joins >= 2).await;
    drop(consumer);
    let s = script.lock().unwrap();
    let after: Vec<Event> = s.events[from..].to_vec();
    // The round the JoinGroup starts may have been assigned within the same poll.
    let join = after
        .iter()
        .position(|e| matches!(e, Event::Join { .. }))
        .map_or(after.len(), |i| i + 1);
    after[..join].to_vec()
}

#[tokio::test]
async fn a_commit_answered_unknown_member_id_rejoins_as_a_new_member() {
    let events = refused_then_rejoined(UNKNOWN_MEMBER_ID).await;
    assert_eq!(
        events,
        [
            Event::Commit(UNKNOWN_MEMBER_ID),
            Event::Lost(vec![0, 1]),
            Event::Join {
                member_id: String::new(),
                generation: -1,
                owned: vec![],
            },
        ],
        "the generation and member id are forgotten, the partitions lost"
    );
}

#[tokio::test]
async fn a_commit_answered_illegal_generation_rejoins_with_the_member_id() {
    let events = refused_then_rejoined(ILLEGAL_GENERATION).await;
    assert_eq!(
        events,
        [
            Event::Commit(ILLEGAL_GENERATION),
            Event::Lost(vec![0, 1]),
            Event::Join {
                member_id: MEMBER.into(),
                generation: -1,
                owned: vec![],
            },
        ],
        "the generation is forgotten, the member id kept, the partitions lost"
    );
}

#[tokio::test]
async fn an_interval_auto_commit_is_issued_while_one_is_unanswered() {
    let script: Shared = Arc::default();
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    script.lock().unwrap().gate = Some(gate.clone());
    let mut consumer = member(script.clone(), Some("10")).await;
    poll_until(&mut consumer, &script, |s| s.commits() >= 1).await;
    // Each fetch is answered after 50 ms: ten of them span many 10 ms intervals, all while the
    // first auto-commit waits for its answer.
    let fetched = script.lock().unwrap().fetches;
    poll_until(&mut consumer, &script, |s| s.fetches >= fetched + 10).await;
    gate.add_permits(tokio::sync::Semaphore::MAX_PERMITS / 2);
    // Returns once every commit issued before it has been answered.
    consumer
        .commit_sync(Some(BTreeMap::new()))
        .await
        .expect("nothing to commit");
    drop(consumer);
    let s = script.lock().unwrap();
    assert!(
        s.commits() > 1,
        "the auto-commits issued while the first was unanswered went out after it: {:?}",
        s.events
    );
}

/// An auto-committing member (interval far off) that has its positions (committed offset 0
/// from OffsetFetch) and has fetched; the events after that point are what the test looks at.
async fn positioned_auto_committer(script: &Shared) -> (Consumer, usize) {
    let mut consumer = member(script.clone(), Some("600000")).await;
    poll_until(&mut consumer, script, |s| s.fetches >= 1).await;
    let from = script.lock().unwrap().events.len();
    (consumer, from)
}

#[tokio::test]
async fn unsubscribe_revokes_and_leaves_without_committing() {
    let script: Shared = Arc::default();
    let (mut consumer, from) = positioned_auto_committer(&script).await;
    consumer.unsubscribe().await.expect("unsubscribe");
    assert!(consumer.assignment().is_empty());
    let events = script.lock().unwrap().events[from..].to_vec();
    assert_eq!(
        events,
        [Event::Revoked(vec![0, 1]), Event::Leave],
        "Java's classic unsubscribe commits nothing, even with auto-commit on"
    );
    consumer.close().await.expect("close");
    // Nothing assigned after the unsubscribe: closing has nothing to commit.
    let s = script.lock().unwrap();
    assert_eq!(s.commits(), 0, "{:?}", s.events);
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
}

#[tokio::test]
async fn close_commits_the_positions_then_revokes_and_leaves() {
    let script: Shared = Arc::default();
    let (consumer, from) = positioned_auto_committer(&script).await;
    consumer.close().await.expect("close");
    let s = script.lock().unwrap();
    assert_eq!(
        s.events[from..],
        [Event::Commit(0), Event::Revoked(vec![0, 1]), Event::Leave]
    );
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
}

#[tokio::test]
async fn a_commit_failing_on_close_is_logged_and_the_member_still_leaves() {
    let script: Shared = Arc::default();
    let (consumer, from) = positioned_auto_committer(&script).await;
    // OFFSET_METADATA_TOO_LARGE: not retried; Java's close logs it (WARN) and goes on.
    script.lock().unwrap().commit_answer = 12;
    consumer
        .close()
        .await
        .expect("a failed auto-commit does not fail close, as in Java");
    let s = script.lock().unwrap();
    assert_eq!(
        s.events[from..],
        [Event::Commit(12), Event::Revoked(vec![0, 1]), Event::Leave]
    );
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
}
