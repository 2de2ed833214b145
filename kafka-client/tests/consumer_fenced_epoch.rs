//! A fetch answered FENCED_LEADER_EPOCH (KIP-320: the consumer's metadata is behind the
//! leader's), against a scripted in-process broker. The first metadata the consumer gets names
//! leader epoch 5 while the leader is at 6. The consumer must learn the new epoch from fresh
//! metadata and fetch again at 6, losing and repeating nothing. Live clusters only reach this
//! state in a race, so it is scripted here.

mod scripted;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use kafka_client::config::ConsumerConfig;
use kafka_client::consumer::{Consumer, TopicPartition};
use kafka_protocol::Message;
use kafka_protocol::messages::fetch_response::{FetchableTopicResponse, PartitionData};
use kafka_protocol::messages::offset_for_leader_epoch_response::{
    EpochEndOffset, OffsetForLeaderTopicResult,
};
use kafka_protocol::messages::{
    FetchRequest, FetchResponse, MetadataRequest, MetadataResponse, OffsetForLeaderEpochRequest,
    OffsetForLeaderEpochResponse,
};
use kafka_protocol::record::{BatchBuilder, BatchOptions};
use scripted::{API_VERSIONS, FETCH, METADATA, OFFSET_FOR_LEADER_EPOCH, Reply, Request, reply};

const TOPIC: &str = "fenced";
/// The leader's epoch; the first metadata answer says one less.
const LEADER_EPOCH: i32 = 6;
const RECORDS: i64 = 10;
/// FENCED_LEADER_EPOCH.
const FENCED: i16 = 74;

/// What the fake broker saw.
#[derive(Default)]
struct Seen {
    metadata_calls: usize,
    /// `current_leader_epoch` of every fetch of the partition, in order.
    fetch_epochs: Vec<i32>,
    fenced_answers: usize,
    unexpected_apis: Vec<i16>,
}

/// One batch holding offsets 0..RECORDS, written in the leader's epoch.
fn batch() -> Bytes {
    let mut b = BatchBuilder::new(BatchOptions {
        partition_leader_epoch: LEADER_EPOCH,
        ..BatchOptions::default()
    });
    for i in 0..RECORDS {
        let v = format!("v{i}");
        b.append(1_700_000_000_000 + i, None, Some(v.as_bytes()), &[])
            .unwrap();
    }
    b.build().unwrap()
}

fn metadata(port: u16, seen: &Mutex<Seen>) -> MetadataResponse {
    let epoch = {
        let mut s = seen.lock().unwrap();
        s.metadata_calls += 1;
        // Stale on the first answer only.
        if s.metadata_calls == 1 {
            LEADER_EPOCH - 1
        } else {
            LEADER_EPOCH
        }
    };
    scripted::one_broker_metadata(port, TOPIC, 1, epoch)
}

/// The answer to a fetch, and whether it carries no records (so it waits first).
fn fetch(req: FetchRequest, seen: &Mutex<Seen>) -> (FetchResponse, bool) {
    let mut empty = true;
    let responses = req
        .topics
        .iter()
        .map(|t| FetchableTopicResponse {
            topic: t.topic.clone(),
            partitions: t
                .partitions
                .iter()
                .map(|p| {
                    let mut s = seen.lock().unwrap();
                    s.fetch_epochs.push(p.current_leader_epoch);
                    let mut data = PartitionData {
                        partition_index: p.partition,
                        high_watermark: RECORDS,
                        last_stable_offset: RECORDS,
                        log_start_offset: 0,
                        ..Default::default()
                    };
                    if p.current_leader_epoch >= 0 && p.current_leader_epoch < LEADER_EPOCH {
                        s.fenced_answers += 1;
                        data.error_code = FENCED;
                        data.high_watermark = -1;
                    } else if p.fetch_offset < RECORDS {
                        empty = false;
                        data.records = Some(batch());
                    } else {
                        data.records = Some(Bytes::new());
                    }
                    data
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    (
        FetchResponse {
            responses,
            ..Default::default()
        },
        empty,
    )
}

fn offset_for_leader_epoch(req: OffsetForLeaderEpochRequest) -> OffsetForLeaderEpochResponse {
    OffsetForLeaderEpochResponse {
        topics: req
            .topics
            .iter()
            .map(|t| OffsetForLeaderTopicResult {
                topic: t.topic.clone(),
                partitions: t
                    .partitions
                    .iter()
                    .map(|p| {
                        // Every record is in the current epoch; the one before it is empty.
                        let (leader_epoch, end_offset) = if p.leader_epoch >= LEADER_EPOCH {
                            (LEADER_EPOCH, RECORDS)
                        } else {
                            (LEADER_EPOCH - 1, 0)
                        };
                        EpochEndOffset {
                            partition: p.partition,
                            leader_epoch,
                            end_offset,
                            ..Default::default()
                        }
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn answer(req: Request, seen: &Mutex<Seen>) -> Reply {
    let (version, mut buf) = (req.version, req.body);
    match req.api_key {
        API_VERSIONS => scripted::api_versions(
            version,
            // Below the versions that name topics by id only.
            &[
                (API_VERSIONS, 3),
                (METADATA, 9),
                (FETCH, 12),
                (OFFSET_FOR_LEADER_EPOCH, 4),
            ],
        ),
        METADATA => {
            MetadataRequest::decode(&mut buf, version).unwrap();
            reply(&metadata(req.port, seen), version)
        }
        FETCH => {
            let fetch_req = FetchRequest::decode(&mut buf, version).unwrap();
            // Nothing to give: wait a little, as a broker waits up to max_wait_ms.
            let wait =
                Duration::from_millis(u64::try_from(fetch_req.max_wait_ms.clamp(0, 50)).unwrap());
            let (resp, empty) = fetch(fetch_req, seen);
            match reply(&resp, version) {
                Reply::Body(b) if empty => Reply::After(wait, b),
                other => other,
            }
        }
        OFFSET_FOR_LEADER_EPOCH => {
            let req = OffsetForLeaderEpochRequest::decode(&mut buf, version).unwrap();
            reply(&offset_for_leader_epoch(req), version)
        }
        other => {
            // Recorded and asserted on by the test: a panic here would only end this task.
            seen.lock().unwrap().unexpected_apis.push(other);
            Reply::Hangup
        }
    }
}

#[tokio::test]
async fn a_fenced_fetch_refreshes_metadata_and_resumes_at_the_new_epoch() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let shared = seen.clone();
    let addr = scripted::start(move |req| {
        let r = answer(req, &shared);
        async move { r }
    })
    .await;

    let config = ConsumerConfig::builder()
        .bootstrap_servers([addr])
        .set("retry.backoff.ms", "10")
        .unwrap()
        .set("fetch.max.wait.ms", "50")
        .unwrap()
        .build()
        .unwrap();
    let mut consumer = Consumer::new(config).unwrap();
    let tp = TopicPartition::new(TOPIC, 0);
    consumer.assign([tp.clone()]).unwrap();
    consumer.seek(&tp, 0).unwrap();

    let mut got = Vec::new();
    // A hang guard, not a speed check: without the refresh the consumer fetches at the stale
    // epoch forever.
    let polled = tokio::time::timeout(Duration::from_secs(30), async {
        while got.len() < RECORDS as usize {
            got.extend(consumer.poll(Duration::from_millis(200)).await.unwrap());
        }
    })
    .await;
    let s = seen.lock().unwrap();
    assert!(
        polled.is_ok(),
        "got {} of {RECORDS} records; {} fetches, the last at epochs {:?}; metadata calls {}",
        got.len(),
        s.fetch_epochs.len(),
        &s.fetch_epochs[s.fetch_epochs.len().saturating_sub(5)..],
        s.metadata_calls
    );
    assert!(s.unexpected_apis.is_empty(), "{:?}", s.unexpected_apis);

    let offsets: Vec<i64> = got.iter().map(|r| r.offset).collect();
    assert_eq!(
        offsets,
        (0..RECORDS).collect::<Vec<_>>(),
        "each once, in order"
    );
    assert!(got.iter().all(|r| r.leader_epoch == LEADER_EPOCH));
    assert_eq!(got[3].value.as_deref(), Some(&b"v3"[..]));

    assert_eq!(
        s.fetch_epochs.first(),
        Some(&(LEADER_EPOCH - 1)),
        "the first fetch carries the stale epoch: {:?}",
        s.fetch_epochs
    );
    assert!(s.fenced_answers >= 1);
    assert!(
        s.metadata_calls >= 2,
        "the fenced answer made the consumer ask for metadata again"
    );
    let last_fenced = s
        .fetch_epochs
        .iter()
        .rposition(|&e| e < LEADER_EPOCH)
        .unwrap();
    assert!(
        s.fetch_epochs[last_fenced + 1..]
            .iter()
            .all(|&e| e == LEADER_EPOCH),
        "after the refresh every fetch carries the new epoch: {:?}",
        s.fetch_epochs
    );
}
