//! What the rebalance listener hears when a member leaves its group (`close()`,
//! `unsubscribe()`), against a scripted in-process coordinator, in both `group.protocol`s.
//!
//! What Java 4.4's consumers do (read in their bytecode), and these tests hold ours to:
//!
//! * Classic (`ConsumerCoordinator.onLeavePrepare`, run by `close()` and `unsubscribe()`): the
//!   owned partitions are reported lost when the member has no generation or no member id
//!   (expelled, or it left on the poll timeout) or a rebalance is in progress (a JoinGroup sent
//!   and its round not completed), revoked otherwise; static members (`group.instance.id`)
//!   included. Then `maybeLeaveGroup` sends LeaveGroup only for a dynamic member that has a
//!   member id and is not UNJOINED: a static member stays in the group.
//! * `consumer` (KIP-848): unsubscribing reports them revoked while the member epoch is
//!   positive (`invokeOnPartitionsRevokedOrLostToReleaseAssignment`), lost once the membership
//!   is gone (the callback queued when it went, which the unsubscribe runs). Closing decides in
//!   the application thread (`runRebalanceCallbacksOnClose`) on the group metadata's
//!   generation, which keeps the last positive epoch after a leave or a fence: revoked. Static
//!   members included, which leave with epoch -2 (dynamic ones -1).

mod scripted;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kafka_client::config::{Assignor, ConsumerConfig, GroupProtocol};
use kafka_client::consumer::group::consumer_protocol::{Assignment, CONSUMER_PROTOCOL_VERSION};
use kafka_client::consumer::{Consumer, RebalanceContext, RebalanceListener, TopicPartition};
use kafka_protocol::Message;
use kafka_protocol::Uuid;
use kafka_protocol::messages::consumer_group_heartbeat_response::{
    Assignment as Kip848Assignment, TopicPartitions as AssignedPartitions,
};
use kafka_protocol::messages::join_group_response::JoinGroupResponse;
use kafka_protocol::messages::{
    ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, FetchRequest, HeartbeatResponse,
    LeaveGroupRequest, LeaveGroupResponse, OffsetFetchRequest, SyncGroupResponse,
};
use scripted::{
    API_VERSIONS, CONSUMER_GROUP_HEARTBEAT, FETCH, FIND_COORDINATOR, HEARTBEAT, ILLEGAL_GENERATION,
    JOIN_GROUP, LEAVE_GROUP, METADATA, OFFSET_COMMIT, OFFSET_FETCH, REBALANCE_IN_PROGRESS, Reply,
    Request, SYNC_GROUP, UNKNOWN_MEMBER_ID, reply,
};

const TOPIC: &str = "leave-callbacks";
const GROUP: &str = "leave-callbacks-g";
const PROTOCOL: &str = "cooperative-sticky";
const INSTANCE: &str = "static-1";
/// The epoch a KIP-848 member gets when it joins.
const JOIN_EPOCH: i32 = 3;

fn topic_id() -> Uuid {
    Uuid::from_halves(0x1ea5e, 0xca11)
}

/// What happened, in order, as the listener and the coordinator saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Assigned(Vec<i32>),
    Revoked(Vec<i32>),
    Lost(Vec<i32>),
    /// A classic LeaveGroup, with the instance ids it names.
    LeaveGroup(Vec<Option<String>>),
    /// A KIP-848 heartbeat with a leaving epoch (-1, or -2 for a static member).
    LeaveHeartbeat(i32),
}

/// What the coordinator answers next, set by the test.
#[derive(Default)]
struct Script {
    events: Vec<Event>,
    joins: usize,
    /// Classic: the next heartbeat is answered with this error.
    heartbeat_error: Option<i16>,
    /// Classic: the JoinGroup after the first names this member leader with an assignor it
    /// does not have, so its round fails on the leader.
    unknown_assignor: bool,
    /// Heartbeats answered with an error so far.
    refused_heartbeats: usize,
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<Script>>;

fn numbers(partitions: &[TopicPartition]) -> Vec<i32> {
    partitions.iter().map(|tp| tp.partition).collect()
}

struct Recorder(Shared);

impl RebalanceListener for Recorder {
    fn on_partitions_revoked(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
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

fn join_group(s: &mut Script) -> JoinGroupResponse {
    s.joins += 1;
    let member_id = "member-1".to_owned();
    if s.joins > 1 && s.unknown_assignor {
        return JoinGroupResponse {
            generation_id: 2,
            protocol_type: Some("consumer".into()),
            protocol_name: Some("no-such-assignor".into()),
            leader: member_id.clone(),
            member_id,
            ..Default::default()
        };
    }
    JoinGroupResponse {
        generation_id: i32::try_from(s.joins).unwrap(),
        protocol_type: Some("consumer".into()),
        protocol_name: Some(PROTOCOL.into()),
        // Another member leads: ours follows and gets both partitions from SyncGroup.
        leader: "the-leader".into(),
        member_id,
        ..Default::default()
    }
}

fn sync_group() -> SyncGroupResponse {
    SyncGroupResponse {
        protocol_type: Some("consumer".into()),
        protocol_name: Some(PROTOCOL.into()),
        assignment: Assignment {
            partitions: vec![TopicPartition::new(TOPIC, 0), TopicPartition::new(TOPIC, 1)],
            user_data: None,
        }
        .encode(CONSUMER_PROTOCOL_VERSION),
        ..Default::default()
    }
}

fn kip848_heartbeat(req: &ConsumerGroupHeartbeatRequest, s: &mut Script) -> Reply {
    let mut resp = ConsumerGroupHeartbeatResponse {
        member_id: Some(req.member_id.clone()),
        member_epoch: JOIN_EPOCH,
        heartbeat_interval_ms: 50,
        ..Default::default()
    };
    match req.member_epoch {
        0 => {
            resp.assignment = Some(Kip848Assignment {
                topic_partitions: vec![AssignedPartitions {
                    topic_id: topic_id(),
                    partitions: vec![0, 1],
                    ..Default::default()
                }],
                ..Default::default()
            });
        }
        e if e < 0 => {
            s.events.push(Event::LeaveHeartbeat(e));
            resp.member_epoch = e;
        }
        _ => {}
    }
    reply(&resp, 1)
}

fn answer(req: Request, protocol: GroupProtocol, script: &Shared) -> Reply {
    let (version, mut buf) = (req.version, req.body);
    let mut s = script.lock().unwrap();
    match req.api_key {
        API_VERSIONS if protocol == GroupProtocol::Classic => {
            scripted::api_versions(version, &scripted::CLASSIC_APIS)
        }
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
        JOIN_GROUP => reply(&join_group(&mut s), version),
        SYNC_GROUP => reply(&sync_group(), version),
        HEARTBEAT => {
            let error_code = s.heartbeat_error.take().unwrap_or(0);
            if error_code != 0 {
                s.refused_heartbeats += 1;
            }
            reply(
                &HeartbeatResponse {
                    error_code,
                    ..Default::default()
                },
                version,
            )
        }
        LEAVE_GROUP => match LeaveGroupRequest::decode(&mut buf, version) {
            Ok(r) => {
                s.events.push(Event::LeaveGroup(
                    r.members
                        .iter()
                        .map(|m| m.group_instance_id.clone())
                        .collect(),
                ));
                reply(&LeaveGroupResponse::default(), version)
            }
            Err(e) => {
                s.unexpected.push(format!("LeaveGroup: {e}"));
                Reply::Hangup
            }
        },
        CONSUMER_GROUP_HEARTBEAT => {
            match ConsumerGroupHeartbeatRequest::decode(&mut buf, version) {
                Ok(hb) => kip848_heartbeat(&hb, &mut s),
                Err(e) => {
                    s.unexpected.push(format!("ConsumerGroupHeartbeat: {e}"));
                    Reply::Hangup
                }
            }
        }
        OFFSET_FETCH => match OffsetFetchRequest::decode(&mut buf, version) {
            Ok(r) if version >= 8 => reply(&scripted::grouped_committed_offsets(&r, 0), version),
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
        other => {
            // Recorded and asserted on by the test: a panic here would only end this task.
            s.unexpected.push(format!("api {other}"));
            Reply::Hangup
        }
    }
}

struct Member {
    consumer: Consumer,
    script: Shared,
}

/// A subscribed member that owns both partitions (its `on_partitions_assigned` has run).
async fn member(protocol: GroupProtocol, instance: Option<&str>) -> Member {
    member_with(protocol, instance, Duration::from_secs(300)).await
}

async fn member_with(
    protocol: GroupProtocol,
    instance: Option<&str>,
    max_poll_interval: Duration,
) -> Member {
    let script: Shared = Arc::default();
    let shared = script.clone();
    let addr = scripted::start(move |req| {
        let r = answer(req, protocol, &shared);
        async move { r }
    })
    .await;
    let mut builder = ConsumerConfig::builder()
        .bootstrap_servers([addr])
        .group_id(GROUP)
        .group_protocol(protocol)
        .enable_auto_commit(false)
        .max_poll_interval(max_poll_interval)
        .set("retry.backoff.ms", "10")
        .unwrap()
        .set("fetch.max.wait.ms", "50")
        .unwrap();
    if protocol == GroupProtocol::Classic {
        builder = builder
            .partition_assignment_strategy(vec![Assignor::CooperativeSticky])
            .heartbeat_interval(Duration::from_millis(50))
            .session_timeout(Duration::from_secs(10));
    }
    if let Some(id) = instance {
        builder = builder.group_instance_id(id);
    }
    let mut consumer = Consumer::new(builder.build().unwrap()).unwrap();
    consumer
        .subscribe([TOPIC], Some(Box::new(Recorder(script.clone()))))
        .unwrap();
    let mut m = Member { consumer, script };
    m.poll_until(|s| s.events.contains(&Event::Assigned(vec![0, 1])))
        .await;
    m
}

impl Member {
    /// Polls until `done` holds for the script (a hang guard of 30 s, not a speed check).
    async fn poll_until(&mut self, done: impl Fn(&Script) -> bool) {
        let (consumer, script) = (&mut self.consumer, &self.script);
        let r = tokio::time::timeout(Duration::from_secs(30), async {
            while !done(&script.lock().unwrap()) {
                consumer.poll(Duration::from_millis(20)).await.unwrap();
            }
        })
        .await;
        let s = script.lock().unwrap();
        assert!(r.is_ok(), "gave up waiting: {:?}", s.events);
    }

    /// Waits, without polling, until `done` holds (a hang guard of 30 s, not a speed check).
    async fn wait_until(&self, done: impl Fn(&Script) -> bool) {
        let r = tokio::time::timeout(Duration::from_secs(30), async {
            while !done(&self.script.lock().unwrap()) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        let s = self.script.lock().unwrap();
        assert!(r.is_ok(), "gave up waiting: {:?}", s.events);
    }

    /// Closes (or unsubscribes, then closes) the consumer; returns what happened from the
    /// assignment on.
    async fn leave(self, unsubscribe: bool) -> Vec<Event> {
        let Member {
            mut consumer,
            script,
        } = self;
        if unsubscribe {
            consumer.unsubscribe().await.unwrap();
            assert!(consumer.assignment().is_empty());
        }
        consumer.close().await.unwrap();
        let s = std::mem::take(&mut *script.lock().unwrap());
        assert!(s.unexpected.is_empty(), "{:?}", s.unexpected);
        s.events
    }
}

fn revoked_then(leave: Event) -> Vec<Event> {
    vec![
        Event::Assigned(vec![0, 1]),
        Event::Revoked(vec![0, 1]),
        leave,
    ]
}

// ------------------------------------------------------------------ classic

#[tokio::test]
async fn classic_dynamic_member_revokes_and_leaves() {
    for unsubscribe in [false, true] {
        let m = member(GroupProtocol::Classic, None).await;
        assert_eq!(
            m.leave(unsubscribe).await,
            revoked_then(Event::LeaveGroup(vec![None])),
            "unsubscribe {unsubscribe}"
        );
    }
}

#[tokio::test]
async fn classic_static_member_revokes_and_stays_in_the_group() {
    for unsubscribe in [false, true] {
        let m = member(GroupProtocol::Classic, Some(INSTANCE)).await;
        assert_eq!(
            m.leave(unsubscribe).await,
            vec![Event::Assigned(vec![0, 1]), Event::Revoked(vec![0, 1])],
            "revoked, and no LeaveGroup (unsubscribe {unsubscribe})"
        );
    }
}

#[tokio::test]
async fn classic_member_that_left_on_the_poll_timeout_reports_lost() {
    for unsubscribe in [false, true] {
        let m = member_with(GroupProtocol::Classic, None, Duration::from_millis(300)).await;
        // The application stops polling: the heartbeat task leaves the group.
        m.wait_until(|s| s.events.iter().any(|e| matches!(e, Event::LeaveGroup(_))))
            .await;
        assert_eq!(
            m.leave(unsubscribe).await,
            vec![
                Event::Assigned(vec![0, 1]),
                Event::LeaveGroup(vec![None]),
                Event::Lost(vec![0, 1]),
            ],
            "lost, and no second LeaveGroup (unsubscribe {unsubscribe})"
        );
    }
}

/// UNKNOWN_MEMBER_ID forgets the member id; ILLEGAL_GENERATION keeps it but resets the
/// generation, which leaves Java's member UNJOINED: no LeaveGroup either way.
#[tokio::test]
async fn classic_expelled_member_reports_lost_and_sends_no_leave_group() {
    for (unsubscribe, instance, error) in [
        (false, None, UNKNOWN_MEMBER_ID),
        (true, None, UNKNOWN_MEMBER_ID),
        (false, Some(INSTANCE), UNKNOWN_MEMBER_ID),
        (false, None, ILLEGAL_GENERATION),
        (true, None, ILLEGAL_GENERATION),
    ] {
        let m = member(GroupProtocol::Classic, instance).await;
        m.script.lock().unwrap().heartbeat_error = Some(error);
        // Until the member has heard the answer (not only the coordinator given it): its
        // generation is gone.
        let reset = tokio::time::timeout(Duration::from_secs(30), async {
            while m.consumer.group_metadata().is_none_or(|(g, _)| g != -1) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        assert!(reset.is_ok(), "the member heard the refusal");
        assert_eq!(m.script.lock().unwrap().refused_heartbeats, 1);
        assert_eq!(
            m.leave(unsubscribe).await,
            vec![Event::Assigned(vec![0, 1]), Event::Lost(vec![0, 1])],
            "unsubscribe {unsubscribe}, instance {instance:?}, error {error}"
        );
    }
}

#[tokio::test]
async fn classic_member_closing_during_a_rebalance_reports_lost() {
    for (unsubscribe, instance) in [(false, None), (true, None), (false, Some(INSTANCE))] {
        let mut m = member(GroupProtocol::Classic, instance).await;
        {
            let mut s = m.script.lock().unwrap();
            s.unknown_assignor = true;
            s.heartbeat_error = Some(REBALANCE_IN_PROGRESS);
        }
        // The next round makes this member leader with an assignor it lacks: the poll fails
        // with the round begun and not completed, the partitions still owned (cooperative).
        let r = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                if let Err(e) = m.consumer.poll(Duration::from_millis(20)).await {
                    return e;
                }
            }
        })
        .await
        .expect("the round failed");
        assert!(
            r.to_string().contains("no-such-assignor"),
            "an unknown assignor: {r}"
        );
        assert_eq!(m.script.lock().unwrap().joins, 2);
        let leave = match instance {
            None => vec![Event::LeaveGroup(vec![None])],
            Some(_) => vec![],
        };
        let mut want = vec![Event::Assigned(vec![0, 1]), Event::Lost(vec![0, 1])];
        want.extend(leave);
        assert_eq!(
            m.leave(unsubscribe).await,
            want,
            "unsubscribe {unsubscribe}, instance {instance:?}"
        );
    }
}

// ------------------------------------------------------------------ consumer (KIP-848)

#[tokio::test]
async fn consumer_protocol_dynamic_member_revokes_and_leaves() {
    for unsubscribe in [false, true] {
        let m = member(GroupProtocol::Consumer, None).await;
        assert_eq!(
            m.leave(unsubscribe).await,
            revoked_then(Event::LeaveHeartbeat(-1)),
            "unsubscribe {unsubscribe}"
        );
    }
}

#[tokio::test]
async fn consumer_protocol_static_member_revokes_and_leaves_with_epoch_minus_two() {
    for unsubscribe in [false, true] {
        let m = member(GroupProtocol::Consumer, Some(INSTANCE)).await;
        assert_eq!(
            m.leave(unsubscribe).await,
            revoked_then(Event::LeaveHeartbeat(-2)),
            "unsubscribe {unsubscribe}"
        );
    }
}

#[tokio::test]
async fn consumer_protocol_member_that_left_on_the_poll_timeout_unsubscribes_lost_closes_revoked() {
    for (unsubscribe, instance) in [
        (true, None),
        (true, Some(INSTANCE)),
        (false, None),
        (false, Some(INSTANCE)),
    ] {
        let m = member_with(
            GroupProtocol::Consumer,
            instance,
            Duration::from_millis(300),
        )
        .await;
        let epoch = if instance.is_some() { -2 } else { -1 };
        m.wait_until(|s| s.events.contains(&Event::LeaveHeartbeat(epoch)))
            .await;
        let given_up = if unsubscribe {
            Event::Lost(vec![0, 1])
        } else {
            Event::Revoked(vec![0, 1])
        };
        assert_eq!(
            m.leave(unsubscribe).await,
            vec![
                Event::Assigned(vec![0, 1]),
                Event::LeaveHeartbeat(epoch),
                given_up,
            ],
            "no second leave (unsubscribe {unsubscribe}, instance {instance:?})"
        );
    }
}
