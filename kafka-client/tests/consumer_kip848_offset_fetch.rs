//! `committed()` of a `group.protocol=consumer` (KIP-848) member, against a scripted in-process
//! coordinator that checks OffsetFetch v9's member id and epoch the way Kafka's does
//! (`ConsumerGroup.validateOffsetFetch`: a null id with epoch -1 is not checked, an unknown id is
//! UNKNOWN_MEMBER_ID, any other epoch than the member's is STALE_MEMBER_EPOCH).
//!
//! Java's consumer names its member id and current epoch once the coordinator has given it one,
//! retries STALE_MEMBER_EPOCH with the epoch its next heartbeat brings while it is still a
//! member, and fails on UNKNOWN_MEMBER_ID. A consumer that is not a member (manual assignment)
//! names none.

mod scripted;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kafka_client::config::{ConsumerConfig, GroupProtocol};
use kafka_client::consumer::{Consumer, ConsumerError, TopicPartition};
use kafka_protocol::Message;
use kafka_protocol::messages::consumer_group_heartbeat_response::Assignment;
use kafka_protocol::messages::offset_fetch_response::{
    OffsetFetchResponseGroup, OffsetFetchResponsePartitions, OffsetFetchResponseTopics,
};
use kafka_protocol::messages::{
    ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, OffsetFetchRequest,
    OffsetFetchResponse,
};
use scripted::{
    API_VERSIONS, CONSUMER_GROUP_HEARTBEAT, FIND_COORDINATOR, METADATA, OFFSET_FETCH, Reply,
    Request, STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID, reply,
};

const TOPIC: &str = "kip848-committed";
const GROUP: &str = "kip848-committed-g";
/// The epoch the coordinator gives the member when it joins.
const JOIN_EPOCH: i32 = 5;
/// The committed offset the coordinator reports for every partition.
const OFFSET: i64 = 42;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    /// The coordinator answers every fetch it accepts.
    Plain,
    /// The coordinator moves the member to the next epoch just before the first OffsetFetch
    /// arrives; the member hears of it in its next heartbeat (every 50 ms).
    EpochMovesOn,
    /// The coordinator drops the member just before the first OffsetFetch arrives; the member
    /// would hear of it in its next heartbeat, 10 s later.
    MemberRemoved,
}

/// One OffsetFetch as the coordinator saw and answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SeenFetch {
    version: i16,
    member_id: Option<String>,
    member_epoch: i32,
    /// The group-level error code answered.
    answered: i16,
}

#[derive(Default)]
struct Script {
    /// The member id of the joining heartbeat (the consumer picks it).
    member_id: Option<String>,
    /// The member's epoch on the coordinator; 0 while there is no member.
    epoch: i32,
    fetches: Vec<SeenFetch>,
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<Script>>;

fn heartbeat(req: &ConsumerGroupHeartbeatRequest, variant: Variant, s: &mut Script) -> Reply {
    let interval_ms = match variant {
        Variant::MemberRemoved => 10_000,
        Variant::Plain | Variant::EpochMovesOn => 50,
    };
    let resp = match req.member_epoch {
        0 => {
            s.member_id = Some(req.member_id.clone());
            s.epoch = JOIN_EPOCH;
            ConsumerGroupHeartbeatResponse {
                member_id: Some(req.member_id.clone()),
                member_epoch: s.epoch,
                heartbeat_interval_ms: interval_ms,
                assignment: Some(Assignment::default()),
                ..Default::default()
            }
        }
        // Leaving.
        e if e < 0 => {
            s.epoch = 0;
            ConsumerGroupHeartbeatResponse {
                member_id: Some(req.member_id.clone()),
                member_epoch: e,
                ..Default::default()
            }
        }
        _ if s.epoch == 0 || s.member_id.as_deref() != Some(req.member_id.as_str()) => {
            ConsumerGroupHeartbeatResponse {
                error_code: UNKNOWN_MEMBER_ID,
                ..Default::default()
            }
        }
        _ => ConsumerGroupHeartbeatResponse {
            member_id: Some(req.member_id.clone()),
            member_epoch: s.epoch,
            heartbeat_interval_ms: interval_ms,
            ..Default::default()
        },
    };
    reply(&resp, 1)
}

fn offset_fetch(req: &OffsetFetchRequest, version: i16, variant: Variant, s: &mut Script) -> Reply {
    let Some(g) = req.groups.first() else {
        s.unexpected
            .push(format!("OffsetFetch v{version} without a group"));
        return Reply::Hangup;
    };
    if s.fetches.is_empty() {
        match variant {
            Variant::Plain => {}
            Variant::EpochMovesOn => s.epoch += 1,
            Variant::MemberRemoved => s.epoch = 0,
        }
    }
    // Kafka's check of a consumer group's OffsetFetch.
    let answered = if g.member_id.is_none() && g.member_epoch < 0 {
        0
    } else if s.epoch == 0 || g.member_id != s.member_id {
        UNKNOWN_MEMBER_ID
    } else if g.member_epoch != s.epoch {
        STALE_MEMBER_EPOCH
    } else {
        0
    };
    s.fetches.push(SeenFetch {
        version,
        member_id: g.member_id.clone(),
        member_epoch: g.member_epoch,
        answered,
    });
    let topics = if answered == 0 {
        g.topics
            .iter()
            .flatten()
            .map(|t| OffsetFetchResponseTopics {
                name: t.name.clone(),
                partitions: t
                    .partition_indexes
                    .iter()
                    .map(|&p| OffsetFetchResponsePartitions {
                        partition_index: p,
                        committed_offset: OFFSET,
                        committed_leader_epoch: -1,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect()
    } else {
        Vec::new()
    };
    reply(
        &OffsetFetchResponse {
            groups: vec![OffsetFetchResponseGroup {
                group_id: g.group_id.clone(),
                topics,
                error_code: answered,
                ..Default::default()
            }],
            ..Default::default()
        },
        version,
    )
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
                (OFFSET_FETCH, 9),
                (FIND_COORDINATOR, 3),
                (CONSUMER_GROUP_HEARTBEAT, 1),
            ],
        ),
        METADATA => reply(
            &scripted::one_broker_metadata(req.port, TOPIC, 2, 0),
            version,
        ),
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
        OFFSET_FETCH => match OffsetFetchRequest::decode(&mut buf, version) {
            Ok(r) => offset_fetch(&r, version, variant, &mut s),
            Err(e) => {
                s.unexpected.push(format!("OffsetFetch: {e}"));
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
        let r = answer(req, variant, &shared);
        async move { r }
    })
    .await;
    (addr, script)
}

fn config(addr: &str) -> ConsumerConfig {
    ConsumerConfig::builder()
        .bootstrap_servers([addr.to_owned()])
        .group_id(GROUP)
        .group_protocol(GroupProtocol::Consumer)
        .enable_auto_commit(false)
        .set("retry.backoff.ms", "10")
        .unwrap()
        .build()
        .unwrap()
}

fn partitions() -> Vec<TopicPartition> {
    vec![TopicPartition::new(TOPIC, 0), TopicPartition::new(TOPIC, 1)]
}

/// A subscribed consumer, once the coordinator has accepted it (its epoch is [`JOIN_EPOCH`]).
async fn member(addr: &str) -> Consumer {
    let mut consumer = Consumer::new(config(addr)).unwrap();
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

/// The script's record, once the test is done with the consumer.
fn finish(script: &Shared) -> Script {
    let s = std::mem::take(&mut *script.lock().unwrap());
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
    s
}

#[tokio::test]
async fn a_member_names_its_id_and_epoch() {
    let (addr, script) = start(Variant::Plain).await;
    let consumer = member(&addr).await;
    let committed = consumer.committed(&partitions()).await.expect("committed");
    let member_id = consumer.group_metadata().unwrap().1;
    drop(consumer);
    let s = finish(&script);
    assert_eq!(
        s.fetches,
        [SeenFetch {
            version: 9,
            member_id: Some(member_id),
            member_epoch: JOIN_EPOCH,
            answered: 0,
        }]
    );
    assert_eq!(committed.len(), 2, "{committed:?}");
    assert!(
        committed.values().all(|o| o.offset == OFFSET),
        "{committed:?}"
    );
}

#[tokio::test]
async fn a_stale_epoch_is_retried_with_the_one_the_next_heartbeat_brings() {
    let (addr, script) = start(Variant::EpochMovesOn).await;
    let consumer = member(&addr).await;
    let committed = consumer.committed(&partitions()).await;
    let (epoch, member_id) = consumer.group_metadata().unwrap();
    drop(consumer);
    let s = finish(&script);
    let committed = committed.unwrap_or_else(|e| panic!("{e}; fetches {:?}", s.fetches));
    assert!(
        committed.values().all(|o| o.offset == OFFSET),
        "{committed:?}"
    );
    assert_eq!(epoch, JOIN_EPOCH + 1, "the heartbeat brought the new epoch");
    let first = s.fetches.first().expect("fetched");
    assert_eq!(
        (first.member_epoch, first.answered),
        (JOIN_EPOCH, STALE_MEMBER_EPOCH),
        "{:?}",
        s.fetches
    );
    let last = s.fetches.last().unwrap();
    assert_eq!(
        (last.member_epoch, last.answered),
        (JOIN_EPOCH + 1, 0),
        "{:?}",
        s.fetches
    );
    // Until the heartbeat's answer, retries still name the old epoch and are refused again.
    assert!(
        s.fetches
            .iter()
            .all(|f| f.member_id.as_deref() == Some(member_id.as_str())
                && (f.member_epoch, f.answered) == (JOIN_EPOCH, STALE_MEMBER_EPOCH)
                || f == last),
        "{:?}",
        s.fetches
    );
}

#[tokio::test]
async fn an_unknown_member_fails_without_retrying() {
    let (addr, script) = start(Variant::MemberRemoved).await;
    let consumer = member(&addr).await;
    let committed = consumer.committed(&partitions()).await;
    let member_id = consumer.group_metadata().unwrap().1;
    drop(consumer);
    let s = finish(&script);
    match committed {
        Err(ConsumerError::Client(e)) => {
            assert_eq!(e.code().map(|c| c.0), Some(UNKNOWN_MEMBER_ID), "{e}");
        }
        other => panic!("expected UNKNOWN_MEMBER_ID, got {other:?}"),
    }
    assert_eq!(
        s.fetches,
        [SeenFetch {
            version: 9,
            member_id: Some(member_id),
            member_epoch: JOIN_EPOCH,
            answered: UNKNOWN_MEMBER_ID,
        }]
    );
}

#[tokio::test]
async fn a_consumer_that_is_no_member_names_none() {
    // group.protocol=consumer with manual assignment: no membership, so nothing to check, as
    // for the classic consumer's fetch.
    let (addr, script) = start(Variant::Plain).await;
    let mut consumer = Consumer::new(config(&addr)).unwrap();
    consumer.assign(partitions()).unwrap();
    let committed = consumer.committed(&partitions()).await.expect("committed");
    drop(consumer);
    let s = finish(&script);
    assert_eq!(
        s.fetches,
        [SeenFetch {
            version: 9,
            member_id: None,
            member_epoch: -1,
            answered: 0,
        }]
    );
    assert_eq!(committed.len(), 2, "{committed:?}");
}
