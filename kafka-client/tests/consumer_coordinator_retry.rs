//! How a KIP-848 member meets a coordinator that cannot serve it yet, against a scripted
//! in-process broker: the first heartbeats are answered COORDINATOR_LOAD_IN_PROGRESS (the
//! coordinator is right but loading the group) or COORDINATOR_NOT_AVAILABLE (look again).
//!
//! Java's new consumer retries a loading coordinator after a growing backoff without looking
//! for another; for an unavailable one it looks again, with FindCoordinator requests at least
//! `retry.backoff.ms` apart, and never disconnects: the broker found again at the same address
//! is reached over the connection already open. Ours forgot the coordinator and opened a new
//! connection on every such answer, with no pause between them (98 connections in one live
//! run while a fresh `__consumer_offsets` partition loaded).

mod scripted;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kafka_client::config::{ConsumerConfig, GroupProtocol};
use kafka_client::consumer::Consumer;
use kafka_protocol::Message;
use kafka_protocol::messages::consumer_group_heartbeat_response::Assignment;
use kafka_protocol::messages::{ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse};
use scripted::{
    API_VERSIONS, CONSUMER_GROUP_HEARTBEAT, COORDINATOR_LOAD_IN_PROGRESS,
    COORDINATOR_NOT_AVAILABLE, FIND_COORDINATOR, METADATA, Reply, Request, reply,
};

const TOPIC: &str = "coordinator-retry";
const GROUP: &str = "coordinator-retry-g";
/// Heartbeats refused before the coordinator accepts the member.
const REFUSED: usize = 6;
/// `retry.backoff.ms` of the consumer.
const BACKOFF_MS: u64 = 40;

#[derive(Default)]
struct Script {
    /// The error the first [`REFUSED`] heartbeats get.
    refuse_with: i16,
    heartbeats: usize,
    lookups: Vec<Instant>,
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<Script>>;

fn answer(req: Request, script: &Shared) -> Reply {
    let (version, mut buf) = (req.version, req.body);
    let mut s = script.lock().unwrap();
    match req.api_key {
        API_VERSIONS => scripted::api_versions(
            version,
            &[
                (API_VERSIONS, 3),
                (METADATA, 12),
                (FIND_COORDINATOR, 3),
                (CONSUMER_GROUP_HEARTBEAT, 1),
            ],
        ),
        METADATA => reply(
            &scripted::one_broker_metadata(req.port, TOPIC, 1, 0),
            version,
        ),
        FIND_COORDINATOR => {
            s.lookups.push(Instant::now());
            reply(&scripted::coordinator_at(req.port), version)
        }
        CONSUMER_GROUP_HEARTBEAT => {
            match ConsumerGroupHeartbeatRequest::decode(&mut buf, version) {
                Ok(hb) => {
                    s.heartbeats += 1;
                    let resp = if s.heartbeats <= REFUSED {
                        ConsumerGroupHeartbeatResponse {
                            error_code: s.refuse_with,
                            ..Default::default()
                        }
                    } else {
                        ConsumerGroupHeartbeatResponse {
                            member_id: Some(hb.member_id.clone()),
                            member_epoch: 1,
                            heartbeat_interval_ms: 5_000,
                            assignment: Some(Assignment::default()),
                            ..Default::default()
                        }
                    };
                    reply(&resp, version)
                }
                Err(e) => {
                    s.unexpected.push(format!("ConsumerGroupHeartbeat: {e}"));
                    Reply::Hangup
                }
            }
        }
        other => {
            s.unexpected.push(format!("api {other}"));
            Reply::Hangup
        }
    }
}

/// Runs a member against a coordinator refusing its first heartbeats with `code`; returns what
/// the coordinator saw and how many connections the consumer opened.
async fn run(code: i16) -> (Script, f64) {
    let script: Shared = Arc::new(Mutex::new(Script {
        refuse_with: code,
        ..Default::default()
    }));
    let shared = script.clone();
    let addr = scripted::start(move |req| {
        let r = answer(req, &shared);
        async move { r }
    })
    .await;
    let mut consumer = Consumer::new(
        ConsumerConfig::builder()
            .bootstrap_servers([addr])
            .group_id(GROUP)
            .group_protocol(GroupProtocol::Consumer)
            .enable_auto_commit(false)
            .set("retry.backoff.ms", &BACKOFF_MS.to_string())
            .and_then(|b| b.set("retry.backoff.max.ms", "200"))
            .unwrap()
            .build()
            .unwrap(),
    )
    .unwrap();
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
    let connections = consumer
        .metrics_registry()
        .value("consumer-metrics", "connection-creation-total", &[])
        .expect("connection-creation-total");
    drop(consumer);
    let s = std::mem::take(&mut *script.lock().unwrap());
    assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
    (s, connections)
}

#[tokio::test]
async fn a_loading_coordinator_is_retried_on_the_same_connection() {
    let (s, connections) = run(COORDINATOR_LOAD_IN_PROGRESS).await;
    assert_eq!(s.heartbeats, REFUSED + 1);
    assert_eq!(s.lookups.len(), 1, "the coordinator is looked up once");
    // The bootstrap server's connection and the coordinator's, plus the broker's own once
    // metadata names it (Java's nodes -1, 1 and +1): none per refusal.
    assert!(
        (2.0..=3.0).contains(&connections),
        "{connections} connections"
    );
}

#[tokio::test]
async fn an_unavailable_coordinator_is_looked_up_again_spaced_over_the_open_connection() {
    let (s, connections) = run(COORDINATOR_NOT_AVAILABLE).await;
    assert_eq!(s.heartbeats, REFUSED + 1);
    assert_eq!(
        s.lookups.len(),
        REFUSED + 1,
        "one lookup per refusal, and the first"
    );
    // The same broker was found each time: its connection stayed open and served again (as
    // above: bootstrap, coordinator, and the broker's own once metadata names it).
    assert!(
        (2.0..=3.0).contains(&connections),
        "{connections} connections"
    );
    // Lookups at least `retry.backoff.ms` apart (less its 20 % jitter).
    let min_gap = Duration::from_millis(BACKOFF_MS * 8 / 10);
    for w in s.lookups.windows(2) {
        let gap = w[1] - w[0];
        assert!(gap >= min_gap, "lookups {gap:?} apart");
    }
}
