//! What a commit's refusal becomes, for a consumer with `group.id` and manually assigned
//! partitions, against a scripted in-process coordinator that answers every OffsetCommit with
//! one error code. Both `group.protocol`s, since Java 4.4's two consumers differ here.
//!
//! * `commit_async` sends the OffsetCommit once, as Java's `commitAsync` does: an error that
//!   `commit_sync` retries (COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE,
//!   NOT_COORDINATOR, REQUEST_TIMED_OUT) ends it as `RetriableCommitFailed` (Java's
//!   `RetriableCommitFailedException`), for the callback as for the returned task. A
//!   coordinator that moved, is missing or timed out is forgotten, so the next commit looks it
//!   up again; a loading one is kept.
//! * Refusals map to the error Java raises for the code in each protocol
//!   (`ConsumerCoordinator` for classic, `CommitRequestManager` for consumer):
//!   `CommitFailedException` is `CommitFailed`, `RebalanceInProgressException`
//!   `RebalanceInProgress`, `FencedInstanceIdException` `Group`, and the generic
//!   `KafkaException` of a code the commit does not expect (FENCED_MEMBER_EPOCH in both) is
//!   `Client` with the code.

mod scripted;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use kafka_client::config::{ConsumerConfig, GroupProtocol};
use kafka_client::consumer::{Consumer, ConsumerError, OffsetAndMetadata, TopicPartition};
use kafka_protocol::Message;
use kafka_protocol::messages::OffsetCommitRequest;
use scripted::{
    API_VERSIONS, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, FENCED_INSTANCE_ID,
    FENCED_MEMBER_EPOCH, FIND_COORDINATOR, ILLEGAL_GENERATION, METADATA, NOT_COORDINATOR,
    OFFSET_COMMIT, OFFSET_FETCH, REBALANCE_IN_PROGRESS, REQUEST_TIMED_OUT, Reply, Request,
    STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID, reply,
};

const TOPIC: &str = "commit-outcomes";
const GROUP: &str = "commit-outcomes-g";

#[derive(Default)]
struct Script {
    /// The code every OffsetCommit is answered with.
    answer: i16,
    /// FindCoordinator requests seen.
    lookups: usize,
    /// OffsetCommit requests seen.
    commits: usize,
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<Script>>;

fn offset_commit(req: &OffsetCommitRequest, version: i16, code: i16) -> Reply {
    reply(&scripted::commit_answer(req, code), version)
}

fn answer(req: Request, script: &Shared) -> Reply {
    let (version, mut buf) = (req.version, req.body);
    let mut s = script.lock().unwrap();
    match req.api_key {
        API_VERSIONS => scripted::api_versions(
            version,
            &[
                (API_VERSIONS, 3),
                (METADATA, 12),
                (OFFSET_COMMIT, 9),
                (OFFSET_FETCH, 9),
                (FIND_COORDINATOR, 3),
            ],
        ),
        METADATA => reply(
            &scripted::one_broker_metadata(req.port, TOPIC, 1, 0),
            version,
        ),
        FIND_COORDINATOR => {
            s.lookups += 1;
            reply(&scripted::coordinator_at(req.port), version)
        }
        OFFSET_COMMIT => match OffsetCommitRequest::decode(&mut buf, version) {
            Ok(r) => {
                s.commits += 1;
                offset_commit(&r, version, s.answer)
            }
            Err(e) => {
                s.unexpected.push(format!("OffsetCommit: {e}"));
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

/// A consumer assigned partition 0 of [`TOPIC`], and the script of the coordinator it talks
/// to, which answers every OffsetCommit with `code`.
async fn consumer(protocol: GroupProtocol, code: i16) -> (Consumer, Shared) {
    let script: Shared = Arc::new(Mutex::new(Script {
        answer: code,
        ..Default::default()
    }));
    let shared = script.clone();
    let addr = scripted::start(move |req| {
        let r = answer(req, &shared);
        async move { r }
    })
    .await;
    let config = ConsumerConfig::builder()
        .bootstrap_servers([addr])
        .group_id(GROUP)
        .group_protocol(protocol)
        .enable_auto_commit(false)
        .set("retry.backoff.ms", "10")
        .unwrap()
        // Bounds a commit that retried what it should not have: it ends, and the test reports
        // how.
        .set("default.api.timeout.ms", "2000")
        .unwrap()
        .build()
        .unwrap();
    let mut consumer = Consumer::new(config).unwrap();
    consumer.assign([TopicPartition::new(TOPIC, 0)]).unwrap();
    (consumer, script)
}

fn offsets() -> BTreeMap<TopicPartition, OffsetAndMetadata> {
    BTreeMap::from([(TopicPartition::new(TOPIC, 0), OffsetAndMetadata::new(7))])
}

/// The script's record, once the test is done with the consumer.
fn finish(script: &Shared) -> Script {
    let s = std::mem::take(&mut *script.lock().unwrap());
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
    s
}

/// The retriable error's code, if `r` is a `RetriableCommitFailed` caused by a broker code.
fn retriable_code(r: &Result<(), ConsumerError>) -> Option<i16> {
    match r {
        Err(ConsumerError::RetriableCommitFailed(e)) => e.code().map(|c| c.0),
        _ => None,
    }
}

#[tokio::test]
async fn commit_async_sends_once_and_reports_a_retriable_failure() {
    // (code, whether the coordinator is looked up again for the next commit)
    let cases = [
        (COORDINATOR_LOAD_IN_PROGRESS, false),
        (COORDINATOR_NOT_AVAILABLE, true),
        (NOT_COORDINATOR, true),
        (REQUEST_TIMED_OUT, true),
    ];
    for protocol in [GroupProtocol::Classic, GroupProtocol::Consumer] {
        for (code, looks_again) in cases {
            let (mut consumer, script) = consumer(protocol, code).await;
            let seen: Arc<Mutex<Option<Option<i16>>>> = Arc::default();
            let record = seen.clone();
            let task = consumer
                .commit_async_with(Some(offsets()), move |r| {
                    *record.lock().unwrap() = Some(retriable_code(r));
                })
                .unwrap();
            let r = task.await.unwrap();
            let (lookups, commits) = {
                let s = script.lock().unwrap();
                (s.lookups, s.commits)
            };
            assert_eq!(
                retriable_code(&r),
                Some(code),
                "{protocol:?}, code {code}: {r:?}"
            );
            assert_eq!(
                *seen.lock().unwrap(),
                Some(Some(code)),
                "{protocol:?}, code {code}: the callback saw the same outcome"
            );
            assert_eq!(
                (lookups, commits),
                (1, 1),
                "{protocol:?}, code {code}: one lookup, one OffsetCommit"
            );

            // The next commit goes through, to the coordinator found again if the last one
            // was forgotten.
            script.lock().unwrap().answer = 0;
            let r = consumer
                .commit_async(Some(offsets()))
                .unwrap()
                .await
                .unwrap();
            drop(consumer);
            let s = finish(&script);
            assert!(r.is_ok(), "{protocol:?}, code {code}: {r:?}");
            assert_eq!(
                (s.lookups, s.commits),
                (1 + usize::from(looks_again), 2),
                "{protocol:?}, code {code}: looked up again: {looks_again}"
            );
        }
    }
}

/// Which error a refusal becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// `CommitFailed` (Java's `CommitFailedException`).
    CommitFailed,
    /// `RebalanceInProgress` (Java's `RebalanceInProgressException`).
    RebalanceInProgress,
    /// `Group` (Java's `FencedInstanceIdException`).
    Fenced,
    /// `Client` with the code (Java's generic `KafkaException`, or the code's own exception).
    Code,
}

fn outcome(r: &Result<(), ConsumerError>) -> Option<(Want, i16)> {
    match r {
        Err(ConsumerError::CommitFailed(c)) => Some((Want::CommitFailed, c.0)),
        Err(ConsumerError::RebalanceInProgress(c)) => Some((Want::RebalanceInProgress, c.0)),
        Err(ConsumerError::Group(c)) => Some((Want::Fenced, c.0)),
        Err(ConsumerError::Client(e)) => e.code().map(|c| (Want::Code, c.0)),
        _ => None,
    }
}

#[tokio::test]
async fn commit_refusals_map_to_javas_errors_per_protocol() {
    use GroupProtocol::{Classic, Consumer as Kip848};
    use Want::{Code, CommitFailed, Fenced, RebalanceInProgress};
    // (protocol, code, from commit_sync, from commit_async)
    let cases = [
        (Classic, UNKNOWN_MEMBER_ID, CommitFailed, CommitFailed),
        (Classic, ILLEGAL_GENERATION, CommitFailed, CommitFailed),
        (
            Classic,
            REBALANCE_IN_PROGRESS,
            RebalanceInProgress,
            RebalanceInProgress,
        ),
        (Classic, FENCED_INSTANCE_ID, Fenced, Fenced),
        (Classic, FENCED_MEMBER_EPOCH, Code, Code),
        (Classic, STALE_MEMBER_EPOCH, Code, Code),
        (Kip848, UNKNOWN_MEMBER_ID, CommitFailed, CommitFailed),
        (Kip848, FENCED_INSTANCE_ID, CommitFailed, CommitFailed),
        (Kip848, STALE_MEMBER_EPOCH, CommitFailed, Code),
        (Kip848, FENCED_MEMBER_EPOCH, Code, Code),
        (Kip848, ILLEGAL_GENERATION, Code, Code),
        (Kip848, REBALANCE_IN_PROGRESS, Code, Code),
    ];
    for (protocol, code, sync_want, async_want) in cases {
        let (mut consumer, script) = consumer(protocol, code).await;
        let sync = consumer.commit_sync(Some(offsets())).await;
        let asynchronous = consumer
            .commit_async(Some(offsets()))
            .unwrap()
            .await
            .unwrap();
        drop(consumer);
        let s = finish(&script);
        assert_eq!(
            outcome(&sync),
            Some((sync_want, code)),
            "{protocol:?}, code {code}, commit_sync: {sync:?}"
        );
        assert_eq!(
            outcome(&asynchronous),
            Some((async_want, code)),
            "{protocol:?}, code {code}, commit_async: {asynchronous:?}"
        );
        assert_eq!(s.commits, 2, "{protocol:?}, code {code}: none retried");
    }
}
