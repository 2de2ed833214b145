//! Retries of `committed()` (OffsetFetch) and `commit_sync` (OffsetCommit) against a scripted
//! in-process coordinator, for a consumer with `group.id` and manually assigned partitions.
//!
//! * Java's consumers wait `retry.backoff.ms` before the first retry and twice as long before
//!   each further one, up to `retry.backoff.max.ms` (with ±20 % jitter). The gaps between the
//!   coordinator's arrivals are checked from below only: the client may be slower, never
//!   quicker.
//! * A partition whose offset stays unstable (a pending transactional commit,
//!   UNSTABLE_OFFSET_COMMIT) until `default.api.timeout.ms` passes makes `committed()` time
//!   out, with no partial answer for the other partitions, as Java 4.4's consumers do.
//! * A partition of a topic the coordinator does not know (UNKNOWN_TOPIC_OR_PARTITION) fails
//!   `committed()` of the classic consumer at once; Java 4.4's `consumer`-protocol client asks
//!   again while there is time for another attempt, then answers for the other partitions.

mod scripted;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kafka_client::config::{ConsumerConfig, GroupProtocol};
use kafka_client::consumer::{Consumer, ConsumerError, OffsetAndMetadata, TopicPartition};
use kafka_client::error::Error;
use kafka_protocol::Message;
use kafka_protocol::messages::offset_fetch_response::{
    OffsetFetchResponseGroup, OffsetFetchResponsePartitions, OffsetFetchResponseTopics,
};
use kafka_protocol::messages::{OffsetCommitRequest, OffsetFetchRequest, OffsetFetchResponse};
use scripted::{
    API_VERSIONS, COORDINATOR_LOAD_IN_PROGRESS, FIND_COORDINATOR, METADATA, OFFSET_COMMIT,
    OFFSET_FETCH, Reply, Request, UNKNOWN_TOPIC_OR_PARTITION, UNSTABLE_OFFSET_COMMIT, reply,
};

const TOPIC: &str = "offset-retry";
const GROUP: &str = "offset-retry-g";
const OFFSET: i64 = 42;
/// `retry.backoff.ms`; `retry.backoff.max.ms` is ten times as much.
const BACKOFF_MS: u64 = 100;
/// How many answers are refused before one is given.
const REFUSALS: usize = 4;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    /// The first [`REFUSALS`] requests are answered COORDINATOR_LOAD_IN_PROGRESS.
    Loading,
    /// Partition 0's offset is unstable for good; partition 1's is [`OFFSET`].
    Unstable,
    /// Partition 0's topic is unknown for good; partition 1's offset is [`OFFSET`].
    UnknownTopic,
}

#[derive(Default)]
struct Script {
    /// When each OffsetFetch arrived.
    fetches: Vec<Instant>,
    /// When each OffsetCommit arrived.
    commits: Vec<Instant>,
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<Script>>;

fn offset_fetch(req: &OffsetFetchRequest, version: i16, variant: Variant, s: &mut Script) -> Reply {
    s.fetches.push(Instant::now());
    let refused = variant == Variant::Loading && s.fetches.len() <= REFUSALS;
    let groups = req
        .groups
        .iter()
        .map(|g| OffsetFetchResponseGroup {
            group_id: g.group_id.clone(),
            error_code: if refused {
                COORDINATOR_LOAD_IN_PROGRESS
            } else {
                0
            },
            topics: if refused {
                Vec::new()
            } else {
                g.topics
                    .iter()
                    .flatten()
                    .map(|t| OffsetFetchResponseTopics {
                        name: t.name.clone(),
                        partitions: t
                            .partition_indexes
                            .iter()
                            .map(|&p| {
                                let error_code = match variant {
                                    Variant::Unstable if p == 0 => UNSTABLE_OFFSET_COMMIT,
                                    Variant::UnknownTopic if p == 0 => UNKNOWN_TOPIC_OR_PARTITION,
                                    _ => 0,
                                };
                                OffsetFetchResponsePartitions {
                                    partition_index: p,
                                    committed_offset: if error_code == 0 { OFFSET } else { -1 },
                                    committed_leader_epoch: -1,
                                    error_code,
                                    ..Default::default()
                                }
                            })
                            .collect(),
                        ..Default::default()
                    })
                    .collect()
            },
            ..Default::default()
        })
        .collect();
    reply(
        &OffsetFetchResponse {
            groups,
            ..Default::default()
        },
        version,
    )
}

fn offset_commit(req: &OffsetCommitRequest, version: i16, s: &mut Script) -> Reply {
    s.commits.push(Instant::now());
    let code = if s.commits.len() <= REFUSALS {
        COORDINATOR_LOAD_IN_PROGRESS
    } else {
        0
    };
    reply(&scripted::commit_answer(req, code), version)
}

fn answer(req: Request, variant: Variant, script: &Shared) -> Reply {
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
            &scripted::one_broker_metadata(req.port, TOPIC, 2, 0),
            version,
        ),
        FIND_COORDINATOR => reply(&scripted::coordinator_at(req.port), version),
        OFFSET_FETCH => match OffsetFetchRequest::decode(&mut buf, version) {
            Ok(r) => offset_fetch(&r, version, variant, &mut s),
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
        other => {
            // Recorded and asserted on by the test: a panic here would only end this task.
            s.unexpected.push(format!("api {other}"));
            Reply::Hangup
        }
    }
}

async fn consumer(variant: Variant, api_timeout_ms: u64) -> (Consumer, Shared) {
    consumer_with(variant, api_timeout_ms, GroupProtocol::Classic).await
}

async fn consumer_with(
    variant: Variant,
    api_timeout_ms: u64,
    protocol: GroupProtocol,
) -> (Consumer, Shared) {
    let script: Shared = Arc::default();
    let shared = script.clone();
    let addr = scripted::start(move |req| {
        let r = answer(req, variant, &shared);
        async move { r }
    })
    .await;
    let config = ConsumerConfig::builder()
        .bootstrap_servers([addr])
        .group_id(GROUP)
        .group_protocol(protocol)
        .enable_auto_commit(false)
        .set("retry.backoff.ms", &BACKOFF_MS.to_string())
        .unwrap()
        .set("retry.backoff.max.ms", &(10 * BACKOFF_MS).to_string())
        .unwrap()
        .set("default.api.timeout.ms", &api_timeout_ms.to_string())
        .unwrap()
        .build()
        .unwrap();
    let mut consumer = Consumer::new(config).unwrap();
    consumer.assign(partitions()).unwrap();
    (consumer, script)
}

fn partitions() -> Vec<TopicPartition> {
    vec![TopicPartition::new(TOPIC, 0), TopicPartition::new(TOPIC, 1)]
}

/// The script's record, once the test is done with the consumer.
fn finish(script: &Shared) -> Script {
    let s = std::mem::take(&mut *script.lock().unwrap());
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
    s
}

/// Asserts that retry `i` (0 for the first) came no sooner than the smallest wait Java's
/// backoff allows before it: `retry.backoff.ms` · 2^i, capped at `retry.backoff.max.ms`,
/// times the lowest jitter factor 0.8.
fn assert_backs_off(arrivals: &[Instant]) {
    assert_eq!(arrivals.len(), REFUSALS + 1, "{arrivals:?}");
    let gaps: Vec<Duration> = arrivals.windows(2).map(|w| w[1] - w[0]).collect();
    for (i, gap) in gaps.iter().enumerate() {
        let term = (BACKOFF_MS << i).min(10 * BACKOFF_MS);
        let least = Duration::from_millis(term * 8 / 10);
        assert!(
            *gap >= least,
            "retry {i} came {gap:?} after the attempt before it, less than {least:?}: {gaps:?}"
        );
    }
}

#[tokio::test]
async fn committed_backs_off_exponentially() {
    let (consumer, script) = consumer(Variant::Loading, 60_000).await;
    let committed = consumer.committed(&partitions()).await;
    drop(consumer);
    let s = finish(&script);
    let committed = committed.expect("committed");
    assert_eq!(committed.len(), 2, "{committed:?}");
    assert_backs_off(&s.fetches);
}

#[tokio::test]
async fn commit_sync_backs_off_exponentially() {
    let (mut consumer, script) = consumer(Variant::Loading, 60_000).await;
    let offsets = BTreeMap::from([(
        TopicPartition::new(TOPIC, 0),
        OffsetAndMetadata {
            offset: 7,
            leader_epoch: -1,
            metadata: String::new(),
        },
    )]);
    let r = consumer.commit_sync(Some(offsets)).await;
    drop(consumer);
    let s = finish(&script);
    r.expect("commit");
    assert_backs_off(&s.commits);
}

#[tokio::test]
async fn committed_times_out_while_an_offset_stays_unstable() {
    let (consumer, script) = consumer(Variant::Unstable, 1_000).await;
    let committed = consumer.committed(&partitions()).await;
    drop(consumer);
    let s = finish(&script);
    match committed {
        Err(ConsumerError::Client(Error::Timeout { .. })) => {}
        other => panic!("expected a timeout, no partial answer; got {other:?}"),
    }
    assert!(
        s.fetches.len() >= 2,
        "the unstable offset was asked for again: {} fetches",
        s.fetches.len()
    );
}

#[tokio::test]
async fn an_unknown_topic_fails_committed_of_the_classic_consumer() {
    let (consumer, script) = consumer(Variant::UnknownTopic, 1_000).await;
    let committed = consumer.committed(&partitions()).await;
    drop(consumer);
    let s = finish(&script);
    match committed {
        Err(ConsumerError::Client(e)) => {
            assert_eq!(
                e.code().map(|c| c.0),
                Some(UNKNOWN_TOPIC_OR_PARTITION),
                "{e}"
            );
        }
        other => panic!("expected UNKNOWN_TOPIC_OR_PARTITION, got {other:?}"),
    }
    assert_eq!(s.fetches.len(), 1);
}

#[tokio::test]
async fn the_consumer_protocol_waits_for_an_unknown_topic_then_answers_for_the_rest() {
    let (consumer, script) =
        consumer_with(Variant::UnknownTopic, 1_000, GroupProtocol::Consumer).await;
    let committed = consumer.committed(&partitions()).await;
    drop(consumer);
    let s = finish(&script);
    let committed = committed.expect("a partial answer");
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        [&TopicPartition::new(TOPIC, 1)],
        "{committed:?}"
    );
    assert_eq!(committed[&TopicPartition::new(TOPIC, 1)].offset, OFFSET);
    assert!(
        s.fetches.len() >= 2,
        "the unknown topic was asked for again: {} fetches",
        s.fetches.len()
    );
}
