//! The classic group membership state machine (JoinGroup / SyncGroup / Heartbeat /
//! LeaveGroup), without IO.
//!
//! The driver asks for requests (`join_request`, `sync_request`, `poll_heartbeat`,
//! `leave_request`), sends them, and feeds the responses back (`handle_*`), which answer with
//! what the driver must do next. Time is an input (`now`), so tests drive it without sockets or
//! clocks. Error handling follows Java's `AbstractCoordinator`: a first join answered with
//! `MEMBER_ID_REQUIRED` rejoins at once with the given id; `UNKNOWN_MEMBER_ID` forgets the
//! member id; `ILLEGAL_GENERATION` forgets the generation; `REBALANCE_IN_PROGRESS` (on a
//! heartbeat, JoinGroup or SyncGroup) asks for a rejoin in the same generation, keeping the
//! partitions (cooperative) or after revoking them (eager); coordinator errors send the driver
//! back to FindCoordinator.
//!
//! A forgotten generation or member id means the coordinator no longer counts this member in
//! the generation its partitions came from: they may already be someone else's.
//! [`ClassicGroup::membership_lost`] tells the driver so, and the driver gives them up as lost
//! before it joins again (Java's `onJoinPrepare`).

use std::time::Duration;

use bytes::Bytes;
use kafka_protocol::messages::heartbeat_request::HeartbeatRequest;
use kafka_protocol::messages::heartbeat_response::HeartbeatResponse;
use kafka_protocol::messages::join_group_request::{JoinGroupRequest, JoinGroupRequestProtocol};
use kafka_protocol::messages::join_group_response::JoinGroupResponse;
use kafka_protocol::messages::leave_group_request::{LeaveGroupRequest, MemberIdentity};
use kafka_protocol::messages::sync_group_request::{SyncGroupRequest, SyncGroupRequestAssignment};
use kafka_protocol::messages::sync_group_response::SyncGroupResponse;
use tokio::time::Instant;

use super::consumer_protocol::PROTOCOL_TYPE;
use crate::error::KafkaCode;

/// Generation of a member not in a generation.
pub const NO_GENERATION: i32 = -1;

const MEMBER_ID_REQUIRED: i16 = 79;
const UNKNOWN_MEMBER_ID: i16 = 25;
const ILLEGAL_GENERATION: i16 = 22;
const REBALANCE_IN_PROGRESS: i16 = 27;
const FENCED_INSTANCE_ID: i16 = 82;
const COORDINATOR_LOAD_IN_PROGRESS: i16 = 14;
const COORDINATOR_NOT_AVAILABLE: i16 = 15;
const NOT_COORDINATOR: i16 = 16;

/// Where the member is in the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberState {
    /// Not in a generation; a join is needed.
    Unjoined,
    /// JoinGroup sent.
    Joining,
    /// JoinGroup answered, SyncGroup to send or sent (Java's COMPLETING_REBALANCE): heartbeats
    /// already run, in the new generation.
    Syncing,
    /// In a generation, heartbeating.
    Stable,
}

/// Settings the machine needs.
#[derive(Debug, Clone)]
pub struct ClassicSettings {
    /// `group.id`.
    pub group_id: String,
    /// `group.instance.id` (static membership).
    pub group_instance_id: Option<String>,
    /// `session.timeout.ms`.
    pub session_timeout: Duration,
    /// `max.poll.interval.ms`: the rebalance timeout.
    pub rebalance_timeout: Duration,
    /// `heartbeat.interval.ms`.
    pub heartbeat_interval: Duration,
}

/// What a JoinGroup response means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinOutcome {
    /// We lead: run `protocol` over the members, then SyncGroup with the result.
    Leader {
        /// The chosen protocol (assignor) name.
        protocol: String,
        /// `(member_id, group_instance_id, metadata)` of every member.
        members: Vec<(String, Option<String>, Bytes)>,
    },
    /// We follow: SyncGroup with no assignments.
    Follower {
        /// The chosen protocol (assignor) name.
        protocol: String,
    },
    /// Send JoinGroup again now (member id given or reset, rebalance still going on).
    Rejoin,
    /// The coordinator moved or is unavailable: find it again, then rejoin.
    FindCoordinator,
    /// Fatal for this consumer.
    Fatal(KafkaCode),
}

/// What a SyncGroup response means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutcome {
    /// The member's assignment bytes: the generation is complete.
    Assigned(Bytes),
    /// Join again.
    Rejoin,
    /// Find the coordinator again, then rejoin.
    FindCoordinator,
    /// Fatal for this consumer.
    Fatal(KafkaCode),
}

/// What a Heartbeat response means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeartbeatOutcome {
    /// All is well.
    Ok,
    /// A rebalance started: rejoin, keeping the generation.
    Rejoin,
    /// Our generation or member id is gone: the partitions are lost, rejoin.
    Lost,
    /// Find the coordinator again.
    FindCoordinator,
    /// Fatal (`FENCED_INSTANCE_ID`).
    Fatal(KafkaCode),
    /// The response came for a generation we already left; ignore it.
    Stale,
}

/// One member of a classic group.
#[derive(Debug)]
pub struct ClassicGroup {
    settings: ClassicSettings,
    member_id: String,
    generation: i32,
    protocol: Option<String>,
    state: MemberState,
    /// A JoinGroup was sent and its round has not completed (Java's PREPARING_REBALANCE or
    /// COMPLETING_REBALANCE, which a failed round leaves as they are until the next one
    /// completes or the generation is reset). `state` goes back to `Unjoined` after a failed
    /// round, so it cannot tell.
    rebalancing: bool,
    rejoin_needed: bool,
    heartbeat_in_flight: bool,
    last_heartbeat_sent: Option<Instant>,
    last_heartbeat_ok: Option<Instant>,
}

fn is_coordinator_error(code: i16) -> bool {
    matches!(
        code,
        COORDINATOR_LOAD_IN_PROGRESS | COORDINATOR_NOT_AVAILABLE | NOT_COORDINATOR
    )
}

impl ClassicGroup {
    /// A member that has not joined yet.
    pub fn new(settings: ClassicSettings) -> Self {
        ClassicGroup {
            settings,
            member_id: String::new(),
            generation: NO_GENERATION,
            protocol: None,
            state: MemberState::Unjoined,
            rebalancing: false,
            rejoin_needed: true,
            heartbeat_in_flight: false,
            last_heartbeat_sent: None,
            last_heartbeat_ok: None,
        }
    }

    /// The settings.
    pub fn settings(&self) -> &ClassicSettings {
        &self.settings
    }

    /// The member id ("" before the first join).
    pub fn member_id(&self) -> &str {
        &self.member_id
    }

    /// The current generation, or [`NO_GENERATION`].
    pub fn generation(&self) -> i32 {
        self.generation
    }

    /// The protocol (assignor) of the current generation.
    pub fn protocol(&self) -> Option<&str> {
        self.protocol.as_deref()
    }

    /// The state.
    pub fn state(&self) -> MemberState {
        self.state
    }

    /// Whether the driver must (re)join before the next fetch.
    pub fn rejoin_needed(&self) -> bool {
        self.rejoin_needed || self.state == MemberState::Unjoined
    }

    /// Asks for a rejoin (subscription changed, partitions revoked in a cooperative round).
    pub fn request_rejoin(&mut self) {
        self.rejoin_needed = true;
    }

    /// Whether the generation or the member id was forgotten (fenced, expelled, left):
    /// partitions owned from an earlier generation are lost, as another member
    /// may own them already, and must be given up before the next JoinGroup.
    pub fn membership_lost(&self) -> bool {
        self.generation == NO_GENERATION || self.member_id.is_empty()
    }

    /// Whether a rebalance is in progress: a JoinGroup was sent and its round (JoinGroup and
    /// SyncGroup) has not completed, failed rounds included (Java's `rebalanceInProgress`: the
    /// state stays PREPARING_REBALANCE or COMPLETING_REBALANCE until a round completes or the
    /// generation is reset).
    pub fn rebalance_in_progress(&self) -> bool {
        self.rebalancing
    }

    /// Whether partitions owned when the member leaves (`close`, `unsubscribe`) are reported
    /// lost rather than revoked: without a generation or a member id, or during a rebalance,
    /// as Java 4.4's `ConsumerCoordinator.onLeavePrepare` decides, static members included.
    pub fn leave_loses_partitions(&self) -> bool {
        self.membership_lost() || self.rebalancing
    }

    /// A join or sync round ended without an answer (connection lost, request timed out, the
    /// leader's assignor failed): join again in the same generation, as Java does. If the
    /// coordinator has dropped us meanwhile, its answer to the next JoinGroup says so.
    pub fn join_failed(&mut self) {
        self.rejoin_in_generation();
    }

    fn rejoin_in_generation(&mut self) {
        self.state = MemberState::Unjoined;
        self.rejoin_needed = true;
        self.heartbeat_in_flight = false;
    }

    /// Forgets the generation (and with `member_id` the member id too).
    pub fn reset(&mut self, member_id: bool) {
        self.generation = NO_GENERATION;
        self.state = MemberState::Unjoined;
        self.rebalancing = false;
        self.rejoin_needed = true;
        self.heartbeat_in_flight = false;
        if member_id {
            self.member_id.clear();
        }
    }

    /// The JoinGroup request carrying `protocols` (name, subscription bytes) in preference order.
    pub fn join_request(
        &mut self,
        protocols: Vec<(String, Bytes)>,
        reason: &str,
    ) -> JoinGroupRequest {
        self.state = MemberState::Joining;
        self.rebalancing = true;
        self.rejoin_needed = false;
        JoinGroupRequest {
            group_id: self.settings.group_id.clone(),
            session_timeout_ms: millis(self.settings.session_timeout),
            rebalance_timeout_ms: millis(self.settings.rebalance_timeout),
            member_id: self.member_id.clone(),
            group_instance_id: self.settings.group_instance_id.clone(),
            protocol_type: PROTOCOL_TYPE.into(),
            protocols: protocols
                .into_iter()
                .map(|(name, metadata)| JoinGroupRequestProtocol {
                    name,
                    metadata,
                    ..Default::default()
                })
                .collect(),
            reason: Some(reason.into()),
            ..Default::default()
        }
    }

    /// Handles the JoinGroup response received at `now`. On success heartbeats start (the
    /// first one interval after `now`) and the session timer restarts, as Java's
    /// `HeartbeatThread.enable` does on entering COMPLETING_REBALANCE: the coordinator expects
    /// them from here on, and a leader whose assignment takes longer than the session timeout
    /// would otherwise be expelled before its SyncGroup.
    pub fn handle_join_response(&mut self, now: Instant, resp: &JoinGroupResponse) -> JoinOutcome {
        match resp.error_code {
            0 => {
                self.member_id = resp.member_id.clone();
                self.generation = resp.generation_id;
                let protocol = resp.protocol_name.clone().unwrap_or_default();
                self.protocol = Some(protocol.clone());
                self.state = MemberState::Syncing;
                self.last_heartbeat_sent = Some(now);
                self.last_heartbeat_ok = Some(now);
                if resp.leader == resp.member_id && !resp.skip_assignment {
                    JoinOutcome::Leader {
                        protocol,
                        members: resp
                            .members
                            .iter()
                            .map(|m| {
                                (
                                    m.member_id.clone(),
                                    m.group_instance_id.clone(),
                                    m.metadata.clone(),
                                )
                            })
                            .collect(),
                    }
                } else {
                    JoinOutcome::Follower { protocol }
                }
            }
            MEMBER_ID_REQUIRED => {
                self.member_id = resp.member_id.clone();
                self.state = MemberState::Unjoined;
                JoinOutcome::Rejoin
            }
            UNKNOWN_MEMBER_ID => {
                self.reset(true);
                JoinOutcome::Rejoin
            }
            ILLEGAL_GENERATION => {
                self.reset(false);
                JoinOutcome::Rejoin
            }
            REBALANCE_IN_PROGRESS => {
                // Not a verdict on our membership (the coordinator may be slow to persist the
                // group); Java retries in the same generation.
                self.rejoin_in_generation();
                JoinOutcome::Rejoin
            }
            // Java's JoinGroup handler retries a loading coordinator after the backoff and
            // looks for another only when this one is not (or no longer) the coordinator.
            COORDINATOR_LOAD_IN_PROGRESS => {
                self.state = MemberState::Unjoined;
                self.rejoin_needed = true;
                JoinOutcome::Rejoin
            }
            c if is_coordinator_error(c) => {
                self.state = MemberState::Unjoined;
                self.rejoin_needed = true;
                JoinOutcome::FindCoordinator
            }
            c => {
                self.state = MemberState::Unjoined;
                self.rejoin_needed = true;
                JoinOutcome::Fatal(KafkaCode(c))
            }
        }
    }

    /// The SyncGroup request; `assignments` is empty for followers.
    pub fn sync_request(&self, assignments: Vec<(String, Bytes)>) -> SyncGroupRequest {
        SyncGroupRequest {
            group_id: self.settings.group_id.clone(),
            generation_id: self.generation,
            member_id: self.member_id.clone(),
            group_instance_id: self.settings.group_instance_id.clone(),
            protocol_type: Some(PROTOCOL_TYPE.into()),
            protocol_name: self.protocol.clone(),
            assignments: assignments
                .into_iter()
                .map(|(member_id, assignment)| SyncGroupRequestAssignment {
                    member_id,
                    assignment,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    /// Handles the SyncGroup response; on success the member is stable.
    pub fn handle_sync_response(&mut self, now: Instant, resp: &SyncGroupResponse) -> SyncOutcome {
        match resp.error_code {
            0 if self.state != MemberState::Syncing => {
                // A heartbeat error or the poll timeout reset the membership while SyncGroup was
                // out: the assignment belongs to a generation we no longer hold. Java fails the
                // round and joins again.
                self.rejoin_needed = true;
                SyncOutcome::Rejoin
            }
            0 => {
                self.state = MemberState::Stable;
                self.rebalancing = false;
                self.last_heartbeat_ok = Some(now);
                self.last_heartbeat_sent = Some(now);
                self.heartbeat_in_flight = false;
                SyncOutcome::Assigned(resp.assignment.clone())
            }
            UNKNOWN_MEMBER_ID => {
                self.reset(true);
                SyncOutcome::Rejoin
            }
            ILLEGAL_GENERATION => {
                self.reset(false);
                SyncOutcome::Rejoin
            }
            REBALANCE_IN_PROGRESS => {
                // Another member joined before this round finished: we are still a member and
                // still own what the last completed round gave us (Java keeps the generation).
                self.rejoin_in_generation();
                SyncOutcome::Rejoin
            }
            c if is_coordinator_error(c) => {
                self.state = MemberState::Unjoined;
                self.rejoin_needed = true;
                SyncOutcome::FindCoordinator
            }
            c => {
                self.state = MemberState::Unjoined;
                SyncOutcome::Fatal(KafkaCode(c))
            }
        }
    }

    /// When the next heartbeat is due: None before a JoinGroup answer (Java's heartbeat thread
    /// is disabled while UNJOINED or PREPARING_REBALANCE) or while one is in flight.
    pub fn next_heartbeat(&self) -> Option<Instant> {
        if !self.heartbeating() || self.heartbeat_in_flight {
            return None;
        }
        Some(
            self.last_heartbeat_sent
                .map_or_else(Instant::now, |t| t + self.settings.heartbeat_interval),
        )
    }

    fn heartbeating(&self) -> bool {
        matches!(self.state, MemberState::Syncing | MemberState::Stable)
    }

    /// A heartbeat if one is due at `now`.
    pub fn poll_heartbeat(&mut self, now: Instant) -> Option<HeartbeatRequest> {
        let due = self.next_heartbeat()?;
        if now < due {
            return None;
        }
        self.heartbeat_in_flight = true;
        self.last_heartbeat_sent = Some(now);
        Some(HeartbeatRequest {
            group_id: self.settings.group_id.clone(),
            generation_id: self.generation,
            member_id: self.member_id.clone(),
            group_instance_id: self.settings.group_instance_id.clone(),
            ..Default::default()
        })
    }

    /// Handles a heartbeat response to a request made for `generation`.
    pub fn handle_heartbeat_response(
        &mut self,
        now: Instant,
        generation: i32,
        resp: &HeartbeatResponse,
    ) -> HeartbeatOutcome {
        self.heartbeat_in_flight = false;
        if generation != self.generation || !self.heartbeating() {
            return HeartbeatOutcome::Stale;
        }
        match resp.error_code {
            0 => {
                self.last_heartbeat_ok = Some(now);
                HeartbeatOutcome::Ok
            }
            REBALANCE_IN_PROGRESS if self.state == MemberState::Syncing => {
                // The rebalance it reports is the one this member is completing; Java ignores
                // it outside STABLE and counts the answer as a heartbeat.
                self.last_heartbeat_ok = Some(now);
                HeartbeatOutcome::Ok
            }
            REBALANCE_IN_PROGRESS => {
                self.last_heartbeat_ok = Some(now);
                self.rejoin_needed = true;
                HeartbeatOutcome::Rejoin
            }
            ILLEGAL_GENERATION => {
                self.reset(false);
                HeartbeatOutcome::Lost
            }
            UNKNOWN_MEMBER_ID => {
                self.reset(true);
                HeartbeatOutcome::Lost
            }
            FENCED_INSTANCE_ID => {
                self.reset(true);
                HeartbeatOutcome::Fatal(KafkaCode(FENCED_INSTANCE_ID))
            }
            c if is_coordinator_error(c) => HeartbeatOutcome::FindCoordinator,
            c => HeartbeatOutcome::Fatal(KafkaCode(c)),
        }
    }

    /// A heartbeat could not be sent or answered (connection lost).
    pub fn heartbeat_failed(&mut self) {
        self.heartbeat_in_flight = false;
    }

    /// When the session runs out unless a heartbeat is answered first: a session timeout after
    /// the last answered heartbeat (or the JoinGroup answer, or finding the coordinator). `None`
    /// while the member has no session to keep (before a JoinGroup answer).
    pub fn session_deadline(&self) -> Option<Instant> {
        if !self.heartbeating() {
            return None;
        }
        self.last_heartbeat_ok
            .map(|t| t + self.settings.session_timeout)
    }

    /// Whether no heartbeat was answered for a whole session timeout, while completing a
    /// rebalance (JoinGroup answered, SyncGroup not yet) or stable, as Java's heartbeat thread
    /// checks in both.
    ///
    /// As there, this is a verdict on the coordinator, not on the membership: the driver drops
    /// the coordinator and finds it again ([`Self::coordinator_found`]), keeping the generation
    /// and the member id. Whether the coordinator has really expelled the member, its answer to
    /// the next heartbeat, SyncGroup or JoinGroup says (`UNKNOWN_MEMBER_ID`,
    /// `ILLEGAL_GENERATION`), and only then are the partitions lost.
    pub fn session_expired(&self, now: Instant) -> bool {
        self.session_deadline().is_some_and(|d| now >= d)
    }

    /// The coordinator was found (again) at `now`: the session timer restarts from here, as
    /// Java's does on every FindCoordinator answer, so a member that has just reached the
    /// coordinator gets a whole session timeout for its next heartbeat.
    pub fn coordinator_found(&mut self, now: Instant) {
        self.last_heartbeat_ok = Some(now);
    }

    /// The LeaveGroup request, or `None` for a static member (it keeps its place for a restart
    /// within the session timeout, KIP-345), a member without a member id, or one whose
    /// generation was reset and that has not sent a JoinGroup since (Java's UNJOINED), as
    /// Java 4.4's `shouldSendLeaveGroupRequest` decides. Forgets the generation either way, as
    /// Java's `maybeLeaveGroup` does.
    pub fn leave_request(&mut self, reason: &str) -> Option<LeaveGroupRequest> {
        let unjoined = self.state == MemberState::Unjoined && !self.rebalancing;
        let leave =
            (self.settings.group_instance_id.is_none() && !self.member_id.is_empty() && !unjoined)
                .then(|| LeaveGroupRequest {
                    group_id: self.settings.group_id.clone(),
                    members: vec![MemberIdentity {
                        member_id: self.member_id.clone(),
                        group_instance_id: None,
                        reason: Some(reason.into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                });
        self.reset(true);
        leave
    }
}

/// Shapes a LeaveGroup request for the version the coordinator negotiated: v0–2 carry the one
/// leaving member in `member_id`, v3+ (KIP-345) list members and have no `member_id`. The state
/// machine fills `members`; a request carrying a field its version lacks does not encode, and a
/// member that cannot send its leave lingers in the group until its session times out.
pub fn leave_for_version(mut req: LeaveGroupRequest, version: i16) -> LeaveGroupRequest {
    if version < 3 {
        if let Some(m) = req.members.pop() {
            req.member_id = m.member_id;
        }
        req.members.clear();
    } else {
        req.member_id.clear();
    }
    req
}

fn millis(d: Duration) -> i32 {
    i32::try_from(d.as_millis()).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::messages::join_group_response::JoinGroupResponseMember;

    fn group() -> ClassicGroup {
        ClassicGroup::new(ClassicSettings {
            group_id: "g".into(),
            group_instance_id: None,
            session_timeout: Duration::from_secs(10),
            rebalance_timeout: Duration::from_secs(30),
            heartbeat_interval: Duration::from_secs(3),
        })
    }

    fn joined(g: &mut ClassicGroup, generation: i32, leader: bool) -> JoinOutcome {
        g.join_request(vec![("range".into(), Bytes::new())], "test");
        g.handle_join_response(
            Instant::now(),
            &JoinGroupResponse {
                generation_id: generation,
                protocol_name: Some("range".into()),
                leader: if leader { "m-1".into() } else { "other".into() },
                member_id: "m-1".into(),
                members: vec![JoinGroupResponseMember {
                    member_id: "m-1".into(),
                    metadata: Bytes::from_static(b"sub"),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
    }

    #[tokio::test(start_paused = true)]
    async fn member_id_required_then_leader_then_stable() {
        let mut g = group();
        assert!(g.rejoin_needed());
        let req = g.join_request(vec![("range".into(), Bytes::new())], "first");
        assert_eq!(req.member_id, "");
        assert_eq!(req.rebalance_timeout_ms, 30_000);
        let out = g.handle_join_response(
            Instant::now(),
            &JoinGroupResponse {
                error_code: MEMBER_ID_REQUIRED,
                member_id: "m-1".into(),
                ..Default::default()
            },
        );
        assert_eq!(out, JoinOutcome::Rejoin);
        assert_eq!(g.join_request(vec![], "again").member_id, "m-1");
        let out = joined(&mut g, 5, true);
        let JoinOutcome::Leader { protocol, members } = out else {
            panic!("expected leader, got {out:?}");
        };
        assert_eq!(protocol, "range");
        assert_eq!(members.len(), 1);
        assert_eq!(g.state(), MemberState::Syncing);
        let sync = g.sync_request(vec![("m-1".into(), Bytes::from_static(b"a"))]);
        assert_eq!(sync.generation_id, 5);
        let now = Instant::now();
        let out = g.handle_sync_response(
            now,
            &SyncGroupResponse {
                assignment: Bytes::from_static(b"a"),
                ..Default::default()
            },
        );
        assert_eq!(out, SyncOutcome::Assigned(Bytes::from_static(b"a")));
        assert!(!g.rejoin_needed());
        // The first heartbeat waits one interval.
        assert!(g.poll_heartbeat(now).is_none());
        let hb = g.poll_heartbeat(now + Duration::from_secs(3)).expect("due");
        assert_eq!((hb.generation_id, hb.member_id.as_str()), (5, "m-1"));
        assert!(
            g.poll_heartbeat(now + Duration::from_secs(9)).is_none(),
            "one in flight"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn heartbeat_errors() {
        let mut g = group();
        joined(&mut g, 2, false);
        let now = Instant::now();
        g.handle_sync_response(now, &SyncGroupResponse::default());
        let t = now + Duration::from_secs(3);
        g.poll_heartbeat(t).unwrap();
        let rebalance = HeartbeatResponse {
            error_code: REBALANCE_IN_PROGRESS,
            ..Default::default()
        };
        assert_eq!(
            g.handle_heartbeat_response(t, 2, &rebalance),
            HeartbeatOutcome::Rejoin
        );
        assert!(g.rejoin_needed());
        assert_eq!(g.generation(), 2, "cooperative members keep the generation");
        // A response for an older generation is ignored.
        assert_eq!(
            g.handle_heartbeat_response(t, 1, &rebalance),
            HeartbeatOutcome::Stale
        );
        let unknown = HeartbeatResponse {
            error_code: UNKNOWN_MEMBER_ID,
            ..Default::default()
        };
        assert_eq!(
            g.handle_heartbeat_response(t, 2, &unknown),
            HeartbeatOutcome::Lost
        );
        assert_eq!(g.member_id(), "");
        assert_eq!(g.generation(), NO_GENERATION);
    }

    /// Java's heartbeat thread runs from the JoinGroup answer (COMPLETING_REBALANCE), in the
    /// new generation, so a leader with a slow assignment keeps its session.
    #[tokio::test(start_paused = true)]
    async fn heartbeats_run_between_join_and_sync() {
        let mut g = group();
        g.join_request(vec![], "first");
        assert!(g.next_heartbeat().is_none(), "none while JoinGroup is out");
        let joined_at = Instant::now();
        g.handle_join_response(
            joined_at,
            &JoinGroupResponse {
                generation_id: 7,
                leader: "m-1".into(),
                member_id: "m-1".into(),
                ..Default::default()
            },
        );
        assert_eq!(g.state(), MemberState::Syncing);
        assert_eq!(g.next_heartbeat(), Some(joined_at + Duration::from_secs(3)));
        let t = joined_at + Duration::from_secs(3);
        let hb = g.poll_heartbeat(t).expect("due while syncing");
        assert_eq!((hb.generation_id, hb.member_id.as_str()), (7, "m-1"));
        // The coordinator may still report the rebalance this member is completing.
        let rebalance = HeartbeatResponse {
            error_code: REBALANCE_IN_PROGRESS,
            ..Default::default()
        };
        assert_eq!(
            g.handle_heartbeat_response(t, 7, &rebalance),
            HeartbeatOutcome::Ok
        );
        assert!(!g.rejoin_needed());
        // Fenced while syncing: the SyncGroup answer that follows is for a lost generation.
        g.poll_heartbeat(t + Duration::from_secs(3)).expect("due");
        let unknown = HeartbeatResponse {
            error_code: UNKNOWN_MEMBER_ID,
            ..Default::default()
        };
        assert_eq!(
            g.handle_heartbeat_response(t, 7, &unknown),
            HeartbeatOutcome::Lost
        );
        let out = g.handle_sync_response(t, &SyncGroupResponse::default());
        assert_eq!(out, SyncOutcome::Rejoin);
        assert!(g.rejoin_needed() && g.membership_lost());
    }

    /// The close path sends the state machine's LeaveGroup at the negotiated version; it must
    /// encode at every version a broker may pick (it once failed at v5, so members never left).
    #[tokio::test(start_paused = true)]
    async fn leave_request_encodes_at_every_version() {
        use kafka_protocol::message::Message;
        for version in LeaveGroupRequest::MIN_VERSION..=LeaveGroupRequest::MAX_VERSION {
            let mut g = group();
            joined(&mut g, 1, true);
            let member = g.member_id().to_owned();
            let req = leave_for_version(g.leave_request("bye").expect("dynamic member"), version);
            let mut buf = bytes::BytesMut::new();
            req.encode(&mut buf, version)
                .unwrap_or_else(|e| panic!("LeaveGroup v{version}: {e}"));
            let back = LeaveGroupRequest::decode(&mut buf.freeze(), version).expect("decodes");
            if version < 3 {
                assert_eq!(back.member_id, member, "v{version}");
            } else {
                assert_eq!(back.members.len(), 1, "v{version}");
                assert_eq!(back.members[0].member_id, member, "v{version}");
            }
        }
    }

    /// Java's heartbeat thread checks the session timer whenever it runs, from the JoinGroup
    /// answer on (COMPLETING_REBALANCE), not only once the member is stable.
    #[tokio::test(start_paused = true)]
    async fn session_expires_while_completing_a_rebalance() {
        let mut g = group();
        let joined_at = Instant::now();
        joined(&mut g, 3, false);
        assert_eq!(g.state(), MemberState::Syncing);
        assert!(!g.session_expired(joined_at + Duration::from_secs(9)));
        assert!(
            g.session_expired(joined_at + Duration::from_secs(10)),
            "no heartbeat answered for a session timeout since the JoinGroup answer"
        );
        // Being cut off from the coordinator is no verdict on the membership.
        assert_eq!((g.generation(), g.member_id()), (3, "m-1"));
        assert!(!g.membership_lost() && !g.rejoin_needed());
    }

    /// Java's `resetSessionTimeout` on a FindCoordinator answer: the session runs again from
    /// the moment the coordinator is found, in the same generation.
    #[tokio::test(start_paused = true)]
    async fn finding_the_coordinator_restarts_the_session_timer() {
        for stable in [false, true] {
            let mut g = group();
            let t0 = Instant::now();
            joined(&mut g, 3, false);
            if stable {
                g.handle_sync_response(t0, &SyncGroupResponse::default());
            }
            let t = t0 + Duration::from_secs(10);
            assert!(g.session_expired(t), "stable: {stable}");
            assert_eq!(g.session_deadline(), Some(t), "stable: {stable}");
            g.coordinator_found(t);
            assert!(
                !g.session_expired(t + Duration::from_secs(9)),
                "stable: {stable}"
            );
            assert!(
                g.session_expired(t + Duration::from_secs(10)),
                "stable: {stable}"
            );
            assert_eq!((g.generation(), g.member_id()), (3, "m-1"));
            assert!(!g.membership_lost());
        }
        // No session before a JoinGroup answer: nothing to expire.
        let mut g = group();
        g.join_request(vec![], "first");
        let found = Instant::now();
        g.coordinator_found(found);
        assert_eq!(g.session_deadline(), None);
        assert!(!g.session_expired(found + Duration::from_secs(60)));
    }

    /// Java 4.4's `onLeavePrepare` reports the partitions lost without a generation or member
    /// id, or while a rebalance is in progress (a round begun, failed rounds included), and
    /// `shouldSendLeaveGroupRequest` sends no LeaveGroup once the generation was reset.
    #[tokio::test(start_paused = true)]
    async fn leaving_loses_partitions_without_a_generation_or_during_a_rebalance() {
        let t = Instant::now();
        let mut g = group();
        assert!(g.leave_loses_partitions(), "never joined");
        joined(&mut g, 1, false);
        assert!(g.rebalance_in_progress() && g.leave_loses_partitions());
        g.handle_sync_response(t, &SyncGroupResponse::default());
        assert!(!g.rebalance_in_progress() && !g.leave_loses_partitions());
        // A round that fails (the leader's assignor, a lost connection, REBALANCE_IN_PROGRESS)
        // leaves the rebalance in progress, as Java's state stays PREPARING or COMPLETING.
        joined(&mut g, 2, true);
        g.join_failed();
        assert_eq!(g.state(), MemberState::Unjoined);
        assert!(g.rebalance_in_progress() && g.leave_loses_partitions());
        assert!(
            g.leave_request("bye").is_some(),
            "still a member: it leaves"
        );
        // ILLEGAL_GENERATION keeps the member id but resets the generation: UNJOINED, so no
        // LeaveGroup, and the partitions are lost.
        let mut g = group();
        joined(&mut g, 1, false);
        g.handle_sync_response(t, &SyncGroupResponse::default());
        g.poll_heartbeat(t + Duration::from_secs(3)).expect("due");
        let illegal = HeartbeatResponse {
            error_code: ILLEGAL_GENERATION,
            ..Default::default()
        };
        assert_eq!(
            g.handle_heartbeat_response(t, 1, &illegal),
            HeartbeatOutcome::Lost
        );
        assert_eq!(g.member_id(), "m-1");
        assert!(g.leave_loses_partitions() && !g.rebalance_in_progress());
        assert!(g.leave_request("bye").is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn session_expiry_and_static_leave() {
        let mut g = group();
        joined(&mut g, 1, true);
        let now = Instant::now();
        g.handle_sync_response(now, &SyncGroupResponse::default());
        assert!(!g.session_expired(now + Duration::from_secs(9)));
        assert!(g.session_expired(now + Duration::from_secs(10)));
        assert!(g.leave_request("bye").is_some());
        assert_eq!(g.state(), MemberState::Unjoined);

        let mut s = ClassicGroup::new(ClassicSettings {
            group_instance_id: Some("i1".into()),
            ..group().settings
        });
        joined(&mut s, 1, true);
        assert!(
            s.leave_request("bye").is_none(),
            "static members do not leave"
        );
    }

    /// Which answers forget the membership (the driver then reports the partitions lost before
    /// joining again) and which only ask for another round in the same generation.
    #[tokio::test(start_paused = true)]
    async fn only_fencing_errors_lose_the_membership() {
        let sync_error = |code: i16| {
            let mut g = group();
            joined(&mut g, 4, false);
            g.handle_sync_response(
                Instant::now(),
                &SyncGroupResponse {
                    error_code: code,
                    ..Default::default()
                },
            );
            g
        };
        let g = sync_error(REBALANCE_IN_PROGRESS);
        assert!(g.rejoin_needed());
        assert!(!g.membership_lost(), "another member joined: still ours");
        assert_eq!((g.generation(), g.member_id()), (4, "m-1"));
        let g = sync_error(ILLEGAL_GENERATION);
        assert!(g.membership_lost());
        assert_eq!(g.member_id(), "m-1", "the member id may still be valid");
        assert!(sync_error(UNKNOWN_MEMBER_ID).membership_lost());

        let mut g = group();
        joined(&mut g, 4, false);
        g.handle_sync_response(Instant::now(), &SyncGroupResponse::default());
        g.join_request(vec![], "rebalance");
        let out = g.handle_join_response(
            Instant::now(),
            &JoinGroupResponse {
                error_code: REBALANCE_IN_PROGRESS,
                ..Default::default()
            },
        );
        assert_eq!(out, JoinOutcome::Rejoin);
        assert!(!g.membership_lost());
        assert_eq!(g.generation(), 4);
        g.join_request(vec![], "again");
        g.join_failed();
        assert!(
            g.rejoin_needed() && !g.membership_lost(),
            "no answer, no verdict"
        );
        g.join_request(vec![], "again");
        g.handle_join_response(
            Instant::now(),
            &JoinGroupResponse {
                error_code: UNKNOWN_MEMBER_ID,
                ..Default::default()
            },
        );
        assert!(g.membership_lost());
        assert!(group().membership_lost(), "never joined: nothing to keep");
    }

    #[test]
    fn coordinator_and_fatal_errors() {
        let mut g = group();
        g.join_request(vec![], "x");
        let out = g.handle_join_response(
            Instant::now(),
            &JoinGroupResponse {
                error_code: NOT_COORDINATOR,
                ..Default::default()
            },
        );
        assert_eq!(out, JoinOutcome::FindCoordinator);
        // A loading coordinator is the right one: join it again after the backoff, as Java's
        // JoinGroup handler does, rather than look for another (and reconnect).
        g.join_request(vec![], "x");
        let out = g.handle_join_response(
            Instant::now(),
            &JoinGroupResponse {
                error_code: COORDINATOR_LOAD_IN_PROGRESS,
                ..Default::default()
            },
        );
        assert_eq!(out, JoinOutcome::Rejoin);
        assert!(g.rejoin_needed());
        g.join_request(vec![], "x");
        let out = g.handle_join_response(
            Instant::now(),
            &JoinGroupResponse {
                error_code: 23, // INCONSISTENT_GROUP_PROTOCOL
                ..Default::default()
            },
        );
        assert_eq!(out, JoinOutcome::Fatal(KafkaCode(23)));
    }
}
