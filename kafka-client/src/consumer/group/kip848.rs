//! The KIP-848 consumer group protocol (`group.protocol=consumer`) without IO.
//!
//! Membership is one request, ConsumerGroupHeartbeat: the member sends its subscription and
//! the partitions it owns, the coordinator answers with the member epoch and, when it changed,
//! the member's assignment (by topic id), computed on the broker. The member reconciles —
//! revokes what it no longer has, takes what is new — and reports what it owns in the next
//! heartbeat, which the driver sends at once. Joining uses epoch 0, leaving epoch -1 (-2 for a
//! static member, which keeps its assignment for a restart within the session timeout).
//! `UNKNOWN_MEMBER_ID` and `FENCED_MEMBER_EPOCH` mean the partitions are lost and the member
//! rejoins with epoch 0.

use std::time::Duration;

use kafka_protocol::Uuid;
use kafka_protocol::messages::consumer_group_heartbeat_request::{
    ConsumerGroupHeartbeatRequest, TopicPartitions,
};
use kafka_protocol::messages::consumer_group_heartbeat_response::ConsumerGroupHeartbeatResponse;
use tokio::time::Instant;

use crate::error::KafkaCode;

const UNKNOWN_MEMBER_ID: i16 = 25;
const FENCED_MEMBER_EPOCH: i16 = 110;
const UNRELEASED_INSTANCE_ID: i16 = 111;
const COORDINATOR_LOAD_IN_PROGRESS: i16 = 14;
const COORDINATOR_NOT_AVAILABLE: i16 = 15;
const NOT_COORDINATOR: i16 = 16;

/// Epoch that leaves the group.
pub const LEAVE_EPOCH: i32 = -1;
/// Epoch a static member leaves with (it may come back).
pub const LEAVE_EPOCH_STATIC: i32 = -2;

/// An assignment by topic id: `(topic id, partitions)`.
pub type IdAssignment = Vec<(Uuid, Vec<i32>)>;

/// Settings the machine needs.
#[derive(Debug, Clone)]
pub struct Kip848Settings {
    /// `group.id`.
    pub group_id: String,
    /// `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// `client.rack`, if set.
    pub rack_id: Option<String>,
    /// `max.poll.interval.ms`.
    pub rebalance_timeout: Duration,
    /// `group.remote.assignor`, if set.
    pub server_assignor: Option<String>,
}

/// What a heartbeat response means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kip848Outcome {
    /// Nothing new.
    Ok,
    /// A new assignment to reconcile ([`Kip848Group::take_target`]).
    Assignment,
    /// Our membership was fenced: the partitions are lost; we rejoin with epoch 0.
    Lost,
    /// Find the coordinator again.
    FindCoordinator,
    /// Retry after a backoff.
    Retry,
    /// Fatal for this consumer.
    Fatal(KafkaCode),
}

/// One member of a KIP-848 group.
#[derive(Debug)]
pub struct Kip848Group {
    settings: Kip848Settings,
    subscription: Vec<String>,
    member_id: String,
    epoch: i32,
    interval: Duration,
    owned: IdAssignment,
    target: Option<IdAssignment>,
    /// The member epoch a target was taken at, cleared when the membership ends (fenced,
    /// left): a reconciliation that outlives its membership must not report partitions. A new
    /// epoch of the same membership does not void it, as Java interrupts a reconciliation
    /// only when the member left its reconciling state or rejoined.
    reconciling_at: Option<i32>,
    /// The assignment last reconciled and reported, while the membership lasts.
    reported: Option<IdAssignment>,
    in_flight: bool,
    last_sent: Option<Instant>,
    send_now: bool,
    sent: SentFields,
}

/// What the coordinator was last told, as Java's heartbeat state keeps it: a field goes out
/// again only when it changed, and every field goes out while joining and after a heartbeat
/// that failed or was refused. An unchanged assignment left out also spares the coordinator
/// repeating the member's assignment in its answer.
#[derive(Debug, Default)]
struct SentFields {
    rebalance_timeout_ms: Option<i32>,
    subscription: Option<Vec<String>>,
    server_assignor: Option<String>,
    owned: Option<IdAssignment>,
}

impl Kip848Group {
    /// A member about to join with client-generated `member_id` (ConsumerGroupHeartbeat v1
    /// expects the client to pick it).
    pub fn new(settings: Kip848Settings, member_id: String) -> Self {
        Kip848Group {
            settings,
            subscription: Vec::new(),
            member_id,
            epoch: 0,
            interval: Duration::from_secs(5),
            owned: Vec::new(),
            target: None,
            reconciling_at: None,
            reported: None,
            in_flight: false,
            last_sent: None,
            send_now: true,
            sent: SentFields::default(),
        }
    }

    /// The member id.
    pub fn member_id(&self) -> &str {
        &self.member_id
    }

    /// The member epoch (0 before the coordinator accepted us).
    pub fn epoch(&self) -> i32 {
        self.epoch
    }

    /// Whether the coordinator has accepted the member.
    pub fn is_member(&self) -> bool {
        self.epoch > 0
    }

    /// Sets the subscribed topics; a change is sent at once.
    pub fn subscribe(&mut self, mut topics: Vec<String>) {
        topics.sort();
        if topics != self.subscription {
            self.subscription = topics;
            self.send_now = true;
        }
    }

    /// The subscribed topics.
    pub fn subscription(&self) -> &[String] {
        &self.subscription
    }

    /// A heartbeat, if one is due at `now` and none is in flight.
    pub fn poll_heartbeat(&mut self, now: Instant) -> Option<ConsumerGroupHeartbeatRequest> {
        if self.in_flight {
            return None;
        }
        let due = self.send_now || self.last_sent.is_none_or(|t| now >= t + self.interval);
        if !due {
            return None;
        }
        self.in_flight = true;
        self.send_now = false;
        self.last_sent = Some(now);
        Some(self.request(self.epoch))
    }

    /// When the next heartbeat is due.
    pub fn next_heartbeat(&self) -> Option<Instant> {
        if self.in_flight {
            return None;
        }
        if self.send_now {
            return Some(Instant::now());
        }
        Some(
            self.last_sent
                .map_or_else(Instant::now, |t| t + self.interval),
        )
    }

    /// A heartbeat at `epoch` with the fields the coordinator has not been told yet (all of
    /// them while joining), which it then counts as told.
    fn request(&mut self, epoch: i32) -> ConsumerGroupHeartbeatRequest {
        let all = self.epoch == 0;
        let sent = &mut self.sent;
        let timeout =
            i32::try_from(self.settings.rebalance_timeout.as_millis()).unwrap_or(i32::MAX);
        // -1 and null are the schema's "unchanged".
        let rebalance_timeout_ms = if all || sent.rebalance_timeout_ms != Some(timeout) {
            sent.rebalance_timeout_ms = Some(timeout);
            timeout
        } else {
            -1
        };
        let subscribed_topic_names =
            if all || sent.subscription.as_ref() != Some(&self.subscription) {
                sent.subscription = Some(self.subscription.clone());
                Some(self.subscription.clone())
            } else {
                None
            };
        let server_assignor = match &self.settings.server_assignor {
            Some(a) if all || sent.server_assignor.as_ref() != Some(a) => {
                sent.server_assignor = Some(a.clone());
                Some(a.clone())
            }
            _ => None,
        };
        let topic_partitions = if all || sent.owned.as_ref() != Some(&self.owned) {
            sent.owned = Some(self.owned.clone());
            Some(
                self.owned
                    .iter()
                    .map(|(topic_id, partitions)| TopicPartitions {
                        topic_id: *topic_id,
                        partitions: partitions.clone(),
                        ..Default::default()
                    })
                    .collect(),
            )
        } else {
            None
        };
        ConsumerGroupHeartbeatRequest {
            group_id: self.settings.group_id.clone(),
            member_id: self.member_id.clone(),
            member_epoch: epoch,
            instance_id: self.settings.group_instance_id.clone(),
            rack_id: if all {
                self.settings.rack_id.clone()
            } else {
                None
            },
            rebalance_timeout_ms,
            subscribed_topic_names,
            subscribed_topic_regex: None,
            server_assignor,
            topic_partitions,
            ..Default::default()
        }
    }

    /// Handles a heartbeat response.
    pub fn handle_response(&mut self, resp: &ConsumerGroupHeartbeatResponse) -> Kip848Outcome {
        self.in_flight = false;
        if resp.error_code != 0 {
            // Whatever the refusal, the next heartbeat tells the coordinator everything again.
            self.sent = SentFields::default();
        }
        match resp.error_code {
            0 => {
                if let Some(id) = &resp.member_id
                    && !id.is_empty()
                {
                    self.member_id = id.clone();
                }
                self.epoch = resp.member_epoch;
                if resp.heartbeat_interval_ms > 0 {
                    self.interval = Duration::from_millis(resp.heartbeat_interval_ms as u64);
                }
                match &resp.assignment {
                    Some(a) => {
                        let mut target: IdAssignment = a
                            .topic_partitions
                            .iter()
                            .map(|t| {
                                let mut p = t.partitions.clone();
                                p.sort_unstable();
                                (t.topic_id, p)
                            })
                            .collect();
                        target.sort();
                        // The coordinator repeats the assignment in its answer to every full
                        // request (all fields set, as ours are). Java ignores a target equal to
                        // what it already owns; reconciling it again would acknowledge it with
                        // another heartbeat at once, whose answer repeats it again: a heartbeat
                        // every wake-up instead of one per heartbeat interval.
                        if self.reconciling_at.is_none() && self.reported.as_ref() == Some(&target)
                        {
                            self.target = None;
                            return Kip848Outcome::Ok;
                        }
                        self.target = Some(target);
                        Kip848Outcome::Assignment
                    }
                    None => Kip848Outcome::Ok,
                }
            }
            UNKNOWN_MEMBER_ID | FENCED_MEMBER_EPOCH => {
                self.epoch = 0;
                self.owned.clear();
                self.reported = None;
                self.target = None;
                self.reconciling_at = None;
                self.send_now = true;
                Kip848Outcome::Lost
            }
            // The coordinator is right but still loading the group: Java backs off and retries
            // it without looking for another.
            UNRELEASED_INSTANCE_ID | COORDINATOR_LOAD_IN_PROGRESS => Kip848Outcome::Retry,
            COORDINATOR_NOT_AVAILABLE | NOT_COORDINATOR => Kip848Outcome::FindCoordinator,
            c => Kip848Outcome::Fatal(KafkaCode(c)),
        }
    }

    /// A heartbeat failed to get an answer; the next is sent at once.
    pub fn heartbeat_failed(&mut self) {
        self.in_flight = false;
        self.send_now = true;
        self.sent = SentFields::default();
    }

    /// The assignment waiting to be reconciled, if any.
    pub fn take_target(&mut self) -> Option<IdAssignment> {
        let t = self.target.take();
        if t.is_some() {
            self.reconciling_at = Some(self.epoch);
        }
        t
    }

    /// The member now owns `owned`; the next heartbeat, sent at once, says so. Returns false,
    /// reporting nothing, when the membership was lost or left while reconciling: a joining
    /// member (epoch 0) must report no partitions, and the partitions count as lost.
    pub fn reconciled(&mut self, mut owned: IdAssignment) -> bool {
        let at = self.reconciling_at.take();
        if at.is_none() || self.epoch <= 0 {
            return false;
        }
        owned.sort();
        self.reported = Some(owned.clone());
        self.owned = owned;
        self.send_now = true;
        true
    }

    /// The leave heartbeat (epoch -1, or -2 for a static member); forgets the membership.
    pub fn leave_request(&mut self) -> Option<ConsumerGroupHeartbeatRequest> {
        if self.epoch <= 0 {
            return None;
        }
        let epoch = if self.settings.group_instance_id.is_some() {
            LEAVE_EPOCH_STATIC
        } else {
            LEAVE_EPOCH
        };
        let req = self.request(epoch);
        self.epoch = 0;
        self.owned.clear();
        self.reported = None;
        // An assignment not reconciled yet belongs to the membership being left.
        self.target = None;
        self.reconciling_at = None;
        // Rejoining (after a poll timeout) starts with the next poll, not a heartbeat later.
        self.send_now = true;
        Some(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::messages::consumer_group_heartbeat_response::{
        Assignment, TopicPartitions as RespTopicPartitions,
    };

    fn member(static_id: Option<&str>) -> Kip848Group {
        Kip848Group::new(
            Kip848Settings {
                group_id: "g".into(),
                group_instance_id: static_id.map(Into::into),
                rack_id: None,
                rebalance_timeout: Duration::from_secs(30),
                server_assignor: None,
            },
            "m1".into(),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn steady_heartbeats_leave_out_what_the_coordinator_was_told() {
        let mut g = Kip848Group::new(
            Kip848Settings {
                group_id: "g".into(),
                group_instance_id: Some("i".into()),
                rack_id: Some("r".into()),
                rebalance_timeout: Duration::from_secs(30),
                server_assignor: Some("uniform".into()),
            },
            "m1".into(),
        );
        g.subscribe(vec!["t".into()]);
        let mut now = Instant::now();
        let join = g.poll_heartbeat(now).expect("join");
        assert_eq!(join.rack_id.as_deref(), Some("r"));
        assert_eq!(join.rebalance_timeout_ms, 30_000);
        assert_eq!(join.server_assignor.as_deref(), Some("uniform"));
        assert_eq!(join.topic_partitions, Some(vec![]));
        let ok = |epoch| ConsumerGroupHeartbeatResponse {
            member_epoch: epoch,
            heartbeat_interval_ms: 1000,
            ..Default::default()
        };
        g.handle_response(&ok(1));
        now += Duration::from_secs(1);
        let steady = g.poll_heartbeat(now).expect("interval");
        assert_eq!((steady.member_epoch, steady.member_id.as_str()), (1, "m1"));
        assert_eq!(
            steady.instance_id.as_deref(),
            Some("i"),
            "sent every time, as Java"
        );
        assert_eq!(steady.rack_id, None);
        assert_eq!(steady.rebalance_timeout_ms, -1);
        assert_eq!(steady.subscribed_topic_names, None);
        assert_eq!(steady.server_assignor, None);
        assert_eq!(steady.topic_partitions, None);
        g.handle_response(&ok(1));
        // A new subscription goes out, alone.
        g.subscribe(vec!["t".into(), "u".into()]);
        let changed = g.poll_heartbeat(now).expect("at once");
        assert_eq!(changed.subscribed_topic_names.map(|t| t.len()), Some(2));
        assert_eq!(changed.topic_partitions, None);
        // A refusal (here the coordinator moved) makes the next heartbeat a full one.
        g.handle_response(&ConsumerGroupHeartbeatResponse {
            error_code: NOT_COORDINATOR,
            ..Default::default()
        });
        now += Duration::from_secs(1);
        let full = g.poll_heartbeat(now).expect("interval");
        assert_eq!(full.rebalance_timeout_ms, 30_000);
        assert!(full.subscribed_topic_names.is_some() && full.topic_partitions.is_some());
        // So does a heartbeat that got no answer.
        g.handle_response(&ok(1));
        now += Duration::from_secs(1);
        assert!(
            g.poll_heartbeat(now)
                .expect("interval")
                .topic_partitions
                .is_none()
        );
        g.heartbeat_failed();
        let again = g.poll_heartbeat(now).expect("at once");
        assert!(again.topic_partitions.is_some() && again.server_assignor.is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn join_reconcile_report() {
        let mut g = member(None);
        g.subscribe(vec!["t".into()]);
        let now = Instant::now();
        let req = g.poll_heartbeat(now).expect("first heartbeat at once");
        assert_eq!(req.member_epoch, 0);
        assert_eq!(req.subscribed_topic_names, Some(vec!["t".to_string()]));
        assert!(g.poll_heartbeat(now).is_none(), "one in flight");
        let id = Uuid::from_halves(7, 7);
        let out = g.handle_response(&ConsumerGroupHeartbeatResponse {
            member_id: Some("m1".into()),
            member_epoch: 3,
            heartbeat_interval_ms: 1000,
            assignment: Some(Assignment {
                topic_partitions: vec![RespTopicPartitions {
                    topic_id: id,
                    partitions: vec![2, 0],
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        });
        assert_eq!(out, Kip848Outcome::Assignment);
        assert_eq!(g.epoch(), 3);
        let target = g.take_target().unwrap();
        assert_eq!(target, vec![(id, vec![0, 2])]);
        // Not due until reconciled or the interval passes.
        assert!(g.poll_heartbeat(now + Duration::from_millis(10)).is_none());
        assert!(g.reconciled(target));
        let req = g
            .poll_heartbeat(now + Duration::from_millis(20))
            .expect("ack at once");
        assert_eq!(req.member_epoch, 3);
        assert_eq!(req.topic_partitions.unwrap()[0].partitions, vec![0, 2]);
    }

    #[tokio::test(start_paused = true)]
    async fn fenced_member_rejoins_with_epoch_zero() {
        let mut g = member(None);
        g.poll_heartbeat(Instant::now()).unwrap();
        g.handle_response(&ConsumerGroupHeartbeatResponse {
            member_epoch: 5,
            assignment: Some(Assignment::default()),
            ..Default::default()
        });
        g.take_target().unwrap();
        assert!(g.reconciled(vec![(Uuid::from_halves(1, 1), vec![0])]));
        g.poll_heartbeat(Instant::now()).unwrap();
        let out = g.handle_response(&ConsumerGroupHeartbeatResponse {
            error_code: FENCED_MEMBER_EPOCH,
            ..Default::default()
        });
        assert_eq!(out, Kip848Outcome::Lost);
        let req = g.poll_heartbeat(Instant::now()).unwrap();
        assert_eq!(req.member_epoch, 0);
        assert_eq!(req.topic_partitions, Some(vec![]));
    }

    /// A loading coordinator is retried after a backoff; only an unavailable or wrong one is
    /// looked up again (Java's heartbeat request manager).
    #[test]
    fn a_loading_coordinator_is_retried_and_a_moved_one_looked_up() {
        for (code, want) in [
            (14, Kip848Outcome::Retry),
            (15, Kip848Outcome::FindCoordinator),
            (16, Kip848Outcome::FindCoordinator),
        ] {
            let mut d = member(None);
            let out = d.handle_response(&ConsumerGroupHeartbeatResponse {
                error_code: code,
                ..Default::default()
            });
            assert_eq!(out, want, "error {code}");
        }
    }

    #[test]
    fn leave_epochs() {
        let mut d = member(None);
        assert!(d.leave_request().is_none(), "never joined");
        d.epoch = 4;
        assert_eq!(d.leave_request().unwrap().member_epoch, LEAVE_EPOCH);
        let mut s = member(Some("i"));
        s.epoch = 4;
        assert_eq!(s.leave_request().unwrap().member_epoch, LEAVE_EPOCH_STATIC);
    }

    /// A reconciliation that ends after the member left (poll timeout) or was fenced reports
    /// nothing: the rejoin heartbeat (epoch 0) must carry no partitions, or the coordinator
    /// refuses it with INVALID_REQUEST.
    #[tokio::test(start_paused = true)]
    async fn reconciliation_outlived_by_leave_or_fence_reports_nothing() {
        let id = Uuid::from_halves(7, 7);
        let assigned = ConsumerGroupHeartbeatResponse {
            member_epoch: 5,
            assignment: Some(Assignment {
                topic_partitions: vec![RespTopicPartitions {
                    topic_id: id,
                    partitions: vec![2, 3],
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        };
        // Left while reconciling.
        let mut g = member(None);
        g.subscribe(vec!["t".into()]);
        g.poll_heartbeat(Instant::now()).unwrap();
        g.handle_response(&assigned);
        let target = g.take_target().unwrap();
        g.leave_request().unwrap();
        assert!(!g.reconciled(target));
        let req = g.poll_heartbeat(Instant::now()).unwrap();
        assert_eq!(req.member_epoch, 0);
        assert_eq!(req.topic_partitions, Some(vec![]));

        // Left with an assignment not taken yet: it is dropped with the membership.
        let mut g = member(None);
        g.subscribe(vec!["t".into()]);
        g.poll_heartbeat(Instant::now()).unwrap();
        g.handle_response(&assigned);
        g.leave_request().unwrap();
        assert!(g.take_target().is_none());

        // Fenced while reconciling.
        let mut g = member(None);
        g.subscribe(vec!["t".into()]);
        g.poll_heartbeat(Instant::now()).unwrap();
        g.handle_response(&assigned);
        let target = g.take_target().unwrap();
        g.poll_heartbeat(Instant::now() + Duration::from_secs(10))
            .unwrap();
        g.handle_response(&ConsumerGroupHeartbeatResponse {
            error_code: FENCED_MEMBER_EPOCH,
            ..Default::default()
        });
        assert!(!g.reconciled(target));
        let req = g.poll_heartbeat(Instant::now()).unwrap();
        assert_eq!((req.member_epoch, req.topic_partitions), (0, Some(vec![])));
    }

    /// A heartbeat that brings a newer epoch while the member reconciles (say, while the
    /// auto-commit before a revocation waits for it) leaves the membership as it was: the
    /// reconciliation completes and is reported at the new epoch.
    #[tokio::test(start_paused = true)]
    async fn a_new_epoch_during_reconciliation_does_not_void_it() {
        let id = Uuid::from_halves(7, 7);
        let mut g = member(None);
        g.subscribe(vec!["t".into()]);
        g.poll_heartbeat(Instant::now()).unwrap();
        g.handle_response(&ConsumerGroupHeartbeatResponse {
            member_epoch: 5,
            assignment: Some(Assignment {
                topic_partitions: vec![RespTopicPartitions {
                    topic_id: id,
                    partitions: vec![2, 3],
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        });
        let target = g.take_target().unwrap();
        g.poll_heartbeat(Instant::now() + Duration::from_secs(10))
            .unwrap();
        g.handle_response(&ConsumerGroupHeartbeatResponse {
            member_epoch: 6,
            ..Default::default()
        });
        assert!(g.reconciled(target));
        let req = g.poll_heartbeat(Instant::now()).unwrap();
        assert_eq!(req.member_epoch, 6);
        assert_eq!(
            req.topic_partitions.map(|t| t.len()),
            Some(1),
            "the reconciled partitions are reported"
        );
    }
}
