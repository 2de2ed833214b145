//! OffsetCommit of a `group.protocol=consumer` (KIP-848) member against a scripted in-process
//! coordinator that checks the member id and epoch as Kafka's does (an unknown id is
//! UNKNOWN_MEMBER_ID, an epoch other than the member's STALE_MEMBER_EPOCH).
//!
//! What Java 4.4's new consumer (`CommitRequestManager`) does, and these tests hold ours to:
//!
//! * the auto-commit before a reconciliation revokes partitions retries STALE_MEMBER_EPOCH while
//!   the consumer is a member, with the epoch its next heartbeat brings, and the reconciliation
//!   goes on at that epoch;
//! * `commit_sync` fails on STALE_MEMBER_EPOCH (`CommitFailed`), without retrying;
//! * every attempt names the membership as it is when sent, so a `commit_sync` retried after a
//!   loading coordinator names the epoch that arrived meanwhile;
//! * an interval auto-commit is not sent while the previous one is unanswered
//!   (`AutoCommitState`), and goes at the first poll after the answer.

mod scripted;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kafka_client::config::{ConsumerConfig, GroupProtocol};
use kafka_client::consumer::{Consumer, ConsumerError, OffsetAndMetadata, TopicPartition};
use kafka_protocol::Message;
use kafka_protocol::Uuid;
use kafka_protocol::messages::consumer_group_heartbeat_response::{
    Assignment, TopicPartitions as AssignedPartitions,
};
use kafka_protocol::messages::fetch_response::{FetchableTopicResponse, PartitionData};
use kafka_protocol::messages::{
    ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, FetchRequest, FetchResponse,
    OffsetCommitRequest, OffsetFetchRequest,
};
use scripted::{
    API_VERSIONS, CONSUMER_GROUP_HEARTBEAT, COORDINATOR_LOAD_IN_PROGRESS, FETCH, FIND_COORDINATOR,
    METADATA, OFFSET_COMMIT, OFFSET_FETCH, Reply, Request, STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID,
    reply,
};

const TOPIC: &str = "kip848-commit";
const GROUP: &str = "kip848-commit-g";
/// The epoch the coordinator gives the member when it joins.
const JOIN_EPOCH: i32 = 5;
/// The committed offset the coordinator reports for every partition (the member's position).
const OFFSET: i64 = 42;

fn topic_id() -> Uuid {
    Uuid::from_halves(0x848, 0xc0)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    /// The member is assigned both partitions; once told to (`Script::revoke`), the coordinator
    /// takes partition 1 back at the same epoch. The first OffsetCommit finds the member moved
    /// to the next epoch (it hears of it in its next heartbeat, 50 ms later).
    Revoke,
    /// No assignment. The first OffsetCommit finds the member moved to the next epoch.
    Stale,
    /// No assignment. The first OffsetCommit finds the member moved to the next epoch, and
    /// every commit naming an older one is answered COORDINATOR_LOAD_IN_PROGRESS.
    Loading,
    /// The member is assigned both partitions and keeps its epoch; every OffsetCommit is
    /// answered only once the test opens `Script::gate`.
    Held,
}

/// One OffsetCommit as the coordinator saw and answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SeenCommit {
    member_id: String,
    epoch: i32,
    /// `(partition, offset)` in request order.
    offsets: Vec<(i32, i64)>,
    answered: i16,
}

/// One heartbeat as the coordinator saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SeenHeartbeat {
    epoch: i32,
    /// The partitions the member reported owning.
    owned: Vec<i32>,
}

#[derive(Default)]
struct Script {
    member_id: Option<String>,
    /// The member's epoch on the coordinator; 0 while there is no member.
    epoch: i32,
    /// Set by the test: the next heartbeat answer takes partition 1 back.
    revoke: bool,
    revoked: bool,
    fetches: usize,
    commits: Vec<SeenCommit>,
    heartbeats: Vec<SeenHeartbeat>,
    /// For [`Variant::Held`]: OffsetCommit answers wait for a permit.
    gate: Option<Arc<tokio::sync::Semaphore>>,
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<Script>>;

fn assignment(partitions: Vec<i32>) -> Option<Assignment> {
    Some(Assignment {
        topic_partitions: vec![AssignedPartitions {
            topic_id: topic_id(),
            partitions,
            ..Default::default()
        }],
        ..Default::default()
    })
}

fn heartbeat(req: &ConsumerGroupHeartbeatRequest, variant: Variant, s: &mut Script) -> Reply {
    s.heartbeats.push(SeenHeartbeat {
        epoch: req.member_epoch,
        owned: req
            .topic_partitions
            .iter()
            .flatten()
            .flat_map(|t| t.partitions.iter().copied())
            .collect(),
    });
    let mut resp = ConsumerGroupHeartbeatResponse {
        member_id: Some(req.member_id.clone()),
        heartbeat_interval_ms: 50,
        ..Default::default()
    };
    match req.member_epoch {
        0 => {
            s.member_id = Some(req.member_id.clone());
            s.epoch = JOIN_EPOCH;
            resp.assignment = match variant {
                Variant::Revoke | Variant::Held => assignment(vec![0, 1]),
                _ => Some(Assignment::default()),
            };
        }
        e if e < 0 => s.epoch = 0,
        _ if s.epoch == 0 || s.member_id.as_deref() != Some(req.member_id.as_str()) => {
            resp.error_code = UNKNOWN_MEMBER_ID;
        }
        _ if s.revoke && !s.revoked => {
            // Kafka keeps the epoch until the member has given the partition up.
            s.revoked = true;
            resp.assignment = assignment(vec![0]);
        }
        _ => {}
    }
    resp.member_epoch = if req.member_epoch < 0 {
        req.member_epoch
    } else {
        s.epoch
    };
    reply(&resp, 1)
}

fn offset_commit(
    req: &OffsetCommitRequest,
    version: i16,
    variant: Variant,
    s: &mut Script,
) -> Reply {
    if s.commits.is_empty() && variant != Variant::Held {
        s.epoch += 1;
    }
    let stale = req.generation_id_or_member_epoch != s.epoch;
    let answered = if stale && variant == Variant::Loading {
        COORDINATOR_LOAD_IN_PROGRESS
    } else if s.epoch == 0 || s.member_id.as_deref() != Some(req.member_id.as_str()) {
        UNKNOWN_MEMBER_ID
    } else if stale {
        STALE_MEMBER_EPOCH
    } else {
        0
    };
    s.commits.push(SeenCommit {
        member_id: req.member_id.clone(),
        epoch: req.generation_id_or_member_epoch,
        offsets: req
            .topics
            .iter()
            .flat_map(|t| {
                t.partitions
                    .iter()
                    .map(|p| (p.partition_index, p.committed_offset))
            })
            .collect(),
        answered,
    });
    reply(&scripted::commit_answer(req, answered), version)
}

fn offset_fetch(req: &OffsetFetchRequest, version: i16) -> Reply {
    reply(&scripted::grouped_committed_offsets(req, OFFSET), version)
}

/// Nothing to give, after a short wait, as a broker waits up to `max_wait_ms`.
fn fetch(req: &FetchRequest, version: i16) -> Reply {
    let resp = FetchResponse {
        responses: req
            .topics
            .iter()
            .map(|t| FetchableTopicResponse {
                topic: t.topic.clone(),
                partitions: t
                    .partitions
                    .iter()
                    .map(|p| PartitionData {
                        partition_index: p.partition,
                        high_watermark: OFFSET,
                        records: Some(bytes::Bytes::new()),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    match reply(&resp, version) {
        Reply::Body(b) => Reply::After(Duration::from_millis(50), b),
        other => other,
    }
}

fn answer(req: Request, variant: Variant, script: &Shared) -> Reply {
    let (version, mut buf) = (req.version, req.body);
    let mut s = script.lock().unwrap();
    match req.api_key {
        API_VERSIONS => scripted::api_versions(
            version,
            &[
                (API_VERSIONS, 3),
                (FETCH, 12),
                (METADATA, 12),
                (OFFSET_COMMIT, 9),
                (OFFSET_FETCH, 9),
                (FIND_COORDINATOR, 3),
                (CONSUMER_GROUP_HEARTBEAT, 1),
            ],
        ),
        METADATA => {
            let mut md = scripted::one_broker_metadata(req.port, TOPIC, 2, 0);
            md.topics[0].topic_id = topic_id();
            reply(&md, version)
        }
        FIND_COORDINATOR => reply(&scripted::coordinator_at(req.port), version),
        CONSUMER_GROUP_HEARTBEAT => {
            match ConsumerGroupHeartbeatRequest::decode(&mut buf, version) {
                Ok(hb) => heartbeat(&hb, variant, &mut s),
                Err(e) => {
                    s.unexpected.push(format!("ConsumerGroupHeartbeat: {e}"));
                    Reply::Hangup
                }
            }
        }
        OFFSET_COMMIT => match OffsetCommitRequest::decode(&mut buf, version) {
            Ok(r) => offset_commit(&r, version, variant, &mut s),
            Err(e) => {
                s.unexpected.push(format!("OffsetCommit: {e}"));
                Reply::Hangup
            }
        },
        OFFSET_FETCH => match OffsetFetchRequest::decode(&mut buf, version) {
            Ok(r) => offset_fetch(&r, version),
            Err(e) => {
                s.unexpected.push(format!("OffsetFetch: {e}"));
                Reply::Hangup
            }
        },
        FETCH => match FetchRequest::decode(&mut buf, version) {
            Ok(r) => {
                s.fetches += 1;
                fetch(&r, version)
            }
            Err(e) => {
                s.unexpected.push(format!("Fetch: {e}"));
                Reply::Hangup
            }
        },
        other => {
            // Recorded and asserted on by the test: a panic here would only end this task.
            s.unexpected.push(format!("api {other}"));
            Reply::Hangup
        }
    }
}

async fn start(variant: Variant) -> (String, Shared) {
    let script: Shared = Arc::default();
    let shared = script.clone();
    let addr = scripted::start(move |req| {
        let commit = req.api_key == OFFSET_COMMIT;
        let r = answer(req, variant, &shared);
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
    (addr, script)
}

fn config(addr: &str, auto_commit: bool) -> ConsumerConfig {
    // Only the auto-commit before the revocation: no interval commit within the test.
    config_with_interval(addr, auto_commit, "600000")
}

fn config_with_interval(addr: &str, auto_commit: bool, interval_ms: &str) -> ConsumerConfig {
    ConsumerConfig::builder()
        .bootstrap_servers([addr.to_owned()])
        .group_id(GROUP)
        .group_protocol(GroupProtocol::Consumer)
        .enable_auto_commit(auto_commit)
        .set("auto.commit.interval.ms", interval_ms)
        .unwrap()
        .set("retry.backoff.ms", "10")
        .unwrap()
        .set("default.api.timeout.ms", "5000")
        .unwrap()
        .build()
        .unwrap()
}

/// A subscribed consumer, once the coordinator has accepted it (its epoch is [`JOIN_EPOCH`]).
async fn member(addr: &str, auto_commit: bool) -> Consumer {
    let mut consumer = Consumer::new(config(addr, auto_commit)).unwrap();
    consumer.subscribe([TOPIC], None).unwrap();
    // A hang guard, not a speed check.
    tokio::time::timeout(Duration::from_secs(30), async {
        while consumer
            .group_metadata()
            .is_none_or(|(epoch, _)| epoch <= 0)
        {
            consumer.poll(Duration::from_millis(20)).await.unwrap();
        }
    })
    .await
    .expect("the coordinator accepted the member");
    assert_eq!(consumer.group_metadata().unwrap().0, JOIN_EPOCH);
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
    assert!(
        r.is_ok(),
        "gave up waiting; commits {:?}, heartbeats {:?}",
        s.commits,
        s.heartbeats
    );
}

/// The script's record, once the test is done with the consumer.
fn finish(script: &Shared) -> Script {
    let s = std::mem::take(&mut *script.lock().unwrap());
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
    s
}

fn offsets() -> BTreeMap<TopicPartition, OffsetAndMetadata> {
    BTreeMap::from([(
        TopicPartition::new(TOPIC, 0),
        OffsetAndMetadata {
            offset: 7,
            leader_epoch: -1,
            metadata: String::new(),
        },
    )])
}

#[tokio::test]
async fn the_auto_commit_before_a_revocation_waits_out_a_stale_epoch() {
    let (addr, script) = start(Variant::Revoke).await;
    let mut consumer = member(&addr, true).await;
    // Both partitions assigned, positions known (from the committed offsets): fetching.
    poll_until(&mut consumer, &script, |s| s.fetches > 0).await;
    script.lock().unwrap().revoke = true;
    // The reconciliation ends when the member reports owning partition 0 only.
    poll_until(&mut consumer, &script, |s| {
        s.revoked
            && s.heartbeats
                .last()
                .is_some_and(|h| h.epoch > 0 && h.owned == [0])
    })
    .await;
    let member_id = consumer.group_metadata().unwrap().1;
    drop(consumer);
    let s = finish(&script);
    let first = s.commits.first().expect("the auto-commit was sent");
    assert_eq!(
        (first.epoch, first.answered),
        (JOIN_EPOCH, STALE_MEMBER_EPOCH),
        "{:?}",
        s.commits
    );
    // Retried until the heartbeat brought the new epoch, then accepted; nothing after it.
    let last = s.commits.last().unwrap();
    assert_eq!(
        (last.member_id.as_str(), last.epoch, last.answered),
        (member_id.as_str(), JOIN_EPOCH + 1, 0),
        "{:?}",
        s.commits
    );
    // Everything consumed is committed before the revocation, the partition kept as well as the
    // one given up, as Java's `autoCommitSyncBeforeRevocation` commits `allConsumed()`.
    assert_eq!(last.offsets, [(0, OFFSET), (1, OFFSET)], "{:?}", s.commits);
    assert!(
        s.commits[..s.commits.len() - 1]
            .iter()
            .all(|c| (c.epoch, c.answered) == (JOIN_EPOCH, STALE_MEMBER_EPOCH)),
        "{:?}",
        s.commits
    );
    // The new epoch did not void the reconciliation: the member never rejoined.
    let joins = s.heartbeats.iter().filter(|h| h.epoch == 0).count();
    assert_eq!(joins, 1, "{:?}", s.heartbeats);
    assert_eq!(
        s.heartbeats.last().map(|h| h.epoch),
        Some(JOIN_EPOCH + 1),
        "{:?}",
        s.heartbeats
    );
}

#[tokio::test]
async fn commit_sync_fails_on_a_stale_epoch_without_retrying() {
    let (addr, script) = start(Variant::Stale).await;
    let mut consumer = member(&addr, false).await;
    let r = consumer.commit_sync(Some(offsets())).await;
    drop(consumer);
    let s = finish(&script);
    match r {
        Err(ConsumerError::CommitFailed(code)) => assert_eq!(code.0, STALE_MEMBER_EPOCH),
        other => panic!("expected CommitFailed(STALE_MEMBER_EPOCH), got {other:?}"),
    }
    assert_eq!(s.commits.len(), 1, "{:?}", s.commits);
    assert_eq!(s.commits[0].epoch, JOIN_EPOCH);
}

#[tokio::test]
async fn a_retried_commit_sync_names_the_epoch_that_arrived_meanwhile() {
    let (addr, script) = start(Variant::Loading).await;
    let mut consumer = member(&addr, false).await;
    let r = consumer.commit_sync(Some(offsets())).await;
    drop(consumer);
    let s = finish(&script);
    r.unwrap_or_else(|e| panic!("{e}; commits {:?}", s.commits));
    let (first, last) = (&s.commits[0], s.commits.last().unwrap());
    assert_eq!(
        (first.epoch, first.answered),
        (JOIN_EPOCH, COORDINATOR_LOAD_IN_PROGRESS)
    );
    assert_eq!(
        (last.epoch, last.answered, last.offsets.as_slice()),
        (JOIN_EPOCH + 1, 0, &[(0, 7)][..]),
        "{:?}",
        s.commits
    );
}

/// A member leaving (close) commits once, as Java's: the synchronous auto-commit of everything
/// consumed. Giving the partitions up afterwards commits nothing more.
#[tokio::test]
async fn closing_commits_once() {
    let (addr, script) = start(Variant::Revoke).await;
    let mut consumer = member(&addr, true).await;
    poll_until(&mut consumer, &script, |s| s.fetches > 0).await;
    // The commit's outcome does not matter here (the coordinator finds the epoch moved on and
    // refuses it); how many are sent does.
    let _ = consumer.close().await;
    let s = finish(&script);
    assert_eq!(s.commits.len(), 1, "{:?}", s.commits);
    assert_eq!(s.commits[0].offsets, [(0, OFFSET), (1, OFFSET)]);
}

/// `unsubscribe()` leaves (a heartbeat at epoch -1) without committing, auto-commit or not,
/// as Java 4.4's `AsyncKafkaConsumer` does (its UnsubscribeEvent releases the assignment and
/// leaves; only reconciliations and close commit). Closing afterwards has nothing to commit.
#[tokio::test]
async fn unsubscribing_leaves_without_committing() {
    let (addr, script) = start(Variant::Revoke).await;
    let mut consumer = member(&addr, true).await;
    poll_until(&mut consumer, &script, |s| s.fetches > 0).await;
    consumer.unsubscribe().await.expect("unsubscribe");
    assert!(consumer.assignment().is_empty());
    let _ = consumer.close().await;
    let s = finish(&script);
    assert!(s.commits.is_empty(), "{:?}", s.commits);
    assert_eq!(
        s.heartbeats.last().map(|h| h.epoch),
        Some(-1),
        "{:?}",
        s.heartbeats
    );
}

/// Java's new consumer sends no interval auto-commit while the last one is unanswered
/// (`AutoCommitState::shouldAutoCommit`), however many intervals pass; its timer stays expired,
/// so the first poll after the answer sends the next.
#[tokio::test]
async fn an_interval_auto_commit_waits_for_the_unanswered_one() {
    let (addr, script) = start(Variant::Held).await;
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    script.lock().unwrap().gate = Some(gate.clone());
    let mut consumer = Consumer::new(config_with_interval(&addr, true, "10")).unwrap();
    consumer.subscribe([TOPIC], None).unwrap();
    poll_until(&mut consumer, &script, |s| !s.commits.is_empty()).await;
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
    let sent = script.lock().unwrap().commits.len();
    assert_eq!(sent, 1, "{:?}", script.lock().unwrap().commits);
    // The interval has long passed: the next poll sends the next auto-commit.
    poll_until(&mut consumer, &script, |s| s.commits.len() >= 2).await;
    drop(consumer);
    let s = finish(&script);
    assert!(
        s.commits
            .iter()
            .all(|c| c.answered == 0 && c.epoch == JOIN_EPOCH),
        "{:?}",
        s.commits
    );
}
