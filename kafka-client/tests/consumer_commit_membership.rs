//! Commits that depend on how the consumer holds its partitions, against a scripted in-process
//! coordinator, held to what Java 4.4's consumers do:
//!
//! * Manually assigned partitions of a consumer with a `group.id` are auto-committed on the
//!   interval and on close, in both protocols. The classic consumer names no generation, no
//!   member and no instance (`ConsumerCoordinator.sendOffsetCommitRequest` uses
//!   `Generation.NO_GENERATION` and a null instance id without auto-assigned partitions); the
//!   new one names no member and epoch -1 but keeps `group.instance.id`
//!   (`CommitRequestManager.OffsetCommitRequestState.buildRequest`).
//! * A subscribed classic member outside a stable generation fails its commit without sending
//!   it (`generationIfStable`): `CommitFailed` when it has no generation.
//! * After an asynchronous commit was fenced (`FENCED_INSTANCE_ID`), the classic consumer's
//!   next commits fail with it too, unsent (`asyncCommitFenced`, checked by
//!   `invokeCompletedOffsetCommitCallbacks` at the start of `commitSync` and `commitAsync`).
//! * The classic auto-commit before a rebalance retries a topic the coordinator does not know
//!   (`onJoinPrepare` retries any retriable failure until the rebalance timeout), and the
//!   JoinGroup waits for it.

mod scripted;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kafka_client::config::{Assignor, ConsumerConfig, GroupProtocol};
use kafka_client::consumer::group::consumer_protocol::{Assignment, CONSUMER_PROTOCOL_VERSION};
use kafka_client::consumer::{
    Consumer, ConsumerError, OffsetAndMetadata, RebalanceContext, RebalanceListener, TopicPartition,
};
use kafka_protocol::Message;
use kafka_protocol::messages::join_group_response::JoinGroupResponse;
use kafka_protocol::messages::{
    FetchRequest, HeartbeatResponse, LeaveGroupResponse, OffsetCommitRequest, OffsetFetchRequest,
    SyncGroupResponse,
};
use scripted::{
    API_VERSIONS, FENCED_INSTANCE_ID, FETCH, FIND_COORDINATOR, HEARTBEAT, JOIN_GROUP, LEAVE_GROUP,
    METADATA, OFFSET_COMMIT, OFFSET_FETCH, REBALANCE_IN_PROGRESS, Reply, Request, SYNC_GROUP,
    UNKNOWN_MEMBER_ID, UNKNOWN_TOPIC_OR_PARTITION, reply,
};

const TOPIC: &str = "commit-membership";
const PROTOCOL: &str = "cooperative-sticky";
const MEMBER: &str = "member-1";
const INSTANCE: &str = "instance-1";
/// The offset OffsetFetch reports committed for every partition: where consumption starts.
const COMMITTED: i64 = 5;

/// An OffsetCommit as the coordinator received it, and the code it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Commit {
    generation: i32,
    member_id: String,
    instance_id: Option<String>,
    /// (partition, offset), in request order.
    offsets: Vec<(i32, i64)>,
    answer: i16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Join,
    Commit(i16),
    Assigned,
}

#[derive(Default)]
struct Script {
    /// Codes for the next OffsetCommits, in order; then 0.
    commit_answers: VecDeque<i16>,
    /// Codes for the next Heartbeats, in order; then 0.
    heartbeat_answers: VecDeque<i16>,
    commits: Vec<Commit>,
    events: Vec<Event>,
    joins: usize,
    fetches: usize,
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<Script>>;

struct Recorder(Shared);

impl RebalanceListener for Recorder {
    fn on_partitions_assigned(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
        if !partitions.is_empty() {
            self.0.lock().unwrap().events.push(Event::Assigned);
        }
    }
}

fn offset_commit(req: &OffsetCommitRequest, version: i16, s: &mut Script) -> Reply {
    let answer = s.commit_answers.pop_front().unwrap_or(0);
    s.commits.push(Commit {
        generation: req.generation_id_or_member_epoch,
        member_id: req.member_id.clone(),
        instance_id: req.group_instance_id.clone(),
        offsets: req
            .topics
            .iter()
            .flat_map(|t| &t.partitions)
            .map(|p| (p.partition_index, p.committed_offset))
            .collect(),
        answer,
    });
    s.events.push(Event::Commit(answer));
    reply(&scripted::commit_answer(req, answer), version)
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
        JOIN_GROUP => {
            s.joins += 1;
            s.events.push(Event::Join);
            reply(
                &JoinGroupResponse {
                    generation_id: i32::try_from(s.joins).unwrap_or(i32::MAX),
                    protocol_type: Some("consumer".into()),
                    protocol_name: Some(PROTOCOL.into()),
                    // Another member leads: ours follows and gets its assignment from SyncGroup.
                    leader: "the-leader".into(),
                    member_id: MEMBER.into(),
                    ..Default::default()
                },
                version,
            )
        }
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
        HEARTBEAT => {
            let code = s.heartbeat_answers.pop_front().unwrap_or(0);
            reply(
                &HeartbeatResponse {
                    error_code: code,
                    ..Default::default()
                },
                version,
            )
        }
        OFFSET_FETCH => match OffsetFetchRequest::decode(&mut buf, version) {
            Ok(r) => reply(&scripted::committed_offsets(&r, COMMITTED), version),
            Err(e) => {
                s.unexpected.push(format!("OffsetFetch: {e}"));
                Reply::Hangup
            }
        },
        OFFSET_COMMIT => match OffsetCommitRequest::decode(&mut buf, version) {
            Ok(r) => offset_commit(&r, version, &mut s),
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
                    Reply::Body(b) => Reply::After(Duration::from_millis(20), b),
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

/// A consumer of the scripted coordinator (auto-commit every `interval_ms` when given, with
/// `group.instance.id` set), and the script.
async fn consumer(protocol: GroupProtocol, interval_ms: Option<&str>) -> (Consumer, Shared) {
    let script: Shared = Arc::default();
    let shared = script.clone();
    let addr = scripted::start(move |req| {
        let r = answer(req, &shared);
        async move { r }
    })
    .await;
    let mut config = ConsumerConfig::builder()
        .bootstrap_servers([addr])
        .group_id("commit-membership-g")
        .group_protocol(protocol)
        .group_instance_id(INSTANCE)
        .enable_auto_commit(interval_ms.is_some())
        .set("retry.backoff.ms", "10")
        .unwrap()
        .set("fetch.max.wait.ms", "20")
        .unwrap();
    if protocol == GroupProtocol::Classic {
        config = config
            .partition_assignment_strategy(vec![Assignor::CooperativeSticky])
            .heartbeat_interval(Duration::from_millis(50))
            .session_timeout(Duration::from_secs(10));
    }
    if let Some(interval) = interval_ms {
        config = config.set("auto.commit.interval.ms", interval).unwrap();
    }
    (Consumer::new(config.build().unwrap()).unwrap(), script)
}

/// A classic member assigned both partitions.
async fn member(interval_ms: Option<&str>) -> (Consumer, Shared) {
    let (mut consumer, script) = consumer(GroupProtocol::Classic, interval_ms).await;
    consumer
        .subscribe([TOPIC], Some(Box::new(Recorder(script.clone()))))
        .unwrap();
    poll_until(&mut consumer, &script, |s| {
        s.events.contains(&Event::Assigned)
    })
    .await;
    (consumer, script)
}

/// A consumer manually assigned both partitions, polled until it has fetched from them (its
/// positions are known).
async fn assigned(protocol: GroupProtocol, interval_ms: &str) -> (Consumer, Shared) {
    let (mut consumer, script) = consumer(protocol, Some(interval_ms)).await;
    consumer
        .assign([TopicPartition::new(TOPIC, 0), TopicPartition::new(TOPIC, 1)])
        .unwrap();
    poll_until(&mut consumer, &script, |s| s.fetches >= 1).await;
    (consumer, script)
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

/// The commit a manually assigned consumer makes of both positions, as Java's consumer in
/// `protocol` names it.
fn manual_commit(protocol: GroupProtocol) -> Commit {
    Commit {
        generation: -1,
        member_id: String::new(),
        instance_id: match protocol {
            GroupProtocol::Classic => None,
            GroupProtocol::Consumer => Some(INSTANCE.into()),
        },
        offsets: vec![(0, COMMITTED), (1, COMMITTED)],
        answer: 0,
    }
}

async fn manual_assignment_auto_commits_on_the_interval(protocol: GroupProtocol) {
    let (mut consumer, script) = assigned(protocol, "50").await;
    poll_until(&mut consumer, &script, |s| !s.commits.is_empty()).await;
    let first = script.lock().unwrap().commits[0].clone();
    assert_eq!(first, manual_commit(protocol));
    drop(consumer);
}

#[tokio::test]
async fn classic_manual_assignment_auto_commits_on_the_interval() {
    manual_assignment_auto_commits_on_the_interval(GroupProtocol::Classic).await;
}

#[tokio::test]
async fn consumer_protocol_manual_assignment_auto_commits_on_the_interval() {
    manual_assignment_auto_commits_on_the_interval(GroupProtocol::Consumer).await;
}

async fn manual_assignment_auto_commits_on_close(protocol: GroupProtocol) {
    // An interval far beyond the test: only closing commits.
    let (consumer, script) = assigned(protocol, "600000").await;
    assert!(script.lock().unwrap().commits.is_empty());
    consumer.close().await.unwrap();
    let s = script.lock().unwrap();
    assert_eq!(s.commits, [manual_commit(protocol)]);
}

#[tokio::test]
async fn classic_manual_assignment_auto_commits_on_close() {
    manual_assignment_auto_commits_on_close(GroupProtocol::Classic).await;
}

#[tokio::test]
async fn consumer_protocol_manual_assignment_auto_commits_on_close() {
    manual_assignment_auto_commits_on_close(GroupProtocol::Consumer).await;
}

#[tokio::test]
async fn a_classic_member_without_a_generation_fails_its_commit_unsent() {
    let (consumer, script) = member(None).await;
    // The coordinator forgets the member: its heartbeat is answered UNKNOWN_MEMBER_ID, and the
    // member drops its generation (the next poll would join again).
    script
        .lock()
        .unwrap()
        .heartbeat_answers
        .push_back(UNKNOWN_MEMBER_ID);
    let forgotten = tokio::time::timeout(Duration::from_secs(30), async {
        while consumer.group_metadata().is_some_and(|(g, _)| g != -1) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(
        forgotten.is_ok(),
        "the heartbeat error reset the generation"
    );
    let mut consumer = consumer;
    match consumer.commit_sync(Some(offsets())).await {
        Err(ConsumerError::CommitFailed(code)) => assert_eq!(code.0, UNKNOWN_MEMBER_ID),
        other => panic!("expected CommitFailed, got {other:?}"),
    }
    match consumer
        .commit_async(Some(offsets()))
        .unwrap()
        .await
        .unwrap()
    {
        Err(ConsumerError::CommitFailed(code)) => assert_eq!(code.0, UNKNOWN_MEMBER_ID),
        other => panic!("expected CommitFailed, got {other:?}"),
    }
    drop(consumer);
    let s = script.lock().unwrap();
    assert!(s.commits.is_empty(), "nothing was sent: {:?}", s.commits);
}

#[tokio::test]
async fn a_fenced_async_commit_fails_the_next_commits_unsent() {
    let (mut consumer, script) = member(None).await;
    script
        .lock()
        .unwrap()
        .commit_answers
        .push_back(FENCED_INSTANCE_ID);
    let first = consumer
        .commit_async(Some(offsets()))
        .unwrap()
        .await
        .unwrap();
    assert!(
        matches!(first, Err(ConsumerError::Group(c)) if c.0 == FENCED_INSTANCE_ID),
        "{first:?}"
    );
    let sync = consumer.commit_sync(Some(offsets())).await;
    assert!(
        matches!(sync, Err(ConsumerError::Group(c)) if c.0 == FENCED_INSTANCE_ID),
        "{sync:?}"
    );
    // Even a commit of nothing: Java checks before looking at the offsets.
    let empty = consumer.commit_sync(Some(BTreeMap::new())).await;
    assert!(
        matches!(empty, Err(ConsumerError::Group(c)) if c.0 == FENCED_INSTANCE_ID),
        "{empty:?}"
    );
    let not_started = consumer.commit_async(Some(offsets()));
    assert!(
        matches!(not_started, Err(ConsumerError::Group(c)) if c.0 == FENCED_INSTANCE_ID),
        "{not_started:?}"
    );
    let polled = consumer.poll(Duration::from_millis(20)).await;
    assert!(
        matches!(polled, Err(ConsumerError::Group(c)) if c.0 == FENCED_INSTANCE_ID),
        "{polled:?}"
    );
    drop(consumer);
    let s = script.lock().unwrap();
    assert_eq!(
        s.commits.len(),
        1,
        "only the first was sent: {:?}",
        s.commits
    );
}

#[tokio::test]
async fn the_classic_auto_commit_before_a_rebalance_retries_an_unknown_topic() {
    // An interval far beyond the test: the only auto-commit is the one before the rebalance.
    let (mut consumer, script) = member(Some("600000")).await;
    let from = {
        let mut s = script.lock().unwrap();
        s.commit_answers.extend([UNKNOWN_TOPIC_OR_PARTITION; 3]);
        s.heartbeat_answers.push_back(REBALANCE_IN_PROGRESS);
        s.events.len()
    };
    poll_until(&mut consumer, &script, |s| s.joins >= 2).await;
    drop(consumer);
    let s = script.lock().unwrap();
    let join = s.events[from..]
        .iter()
        .position(|e| *e == Event::Join)
        .map_or(s.events.len(), |i| from + i);
    assert_eq!(
        s.events[from..join],
        [
            Event::Commit(UNKNOWN_TOPIC_OR_PARTITION),
            Event::Commit(UNKNOWN_TOPIC_OR_PARTITION),
            Event::Commit(UNKNOWN_TOPIC_OR_PARTITION),
            Event::Commit(0),
        ],
        "the commit is retried until it lands, then the member joins"
    );
}
