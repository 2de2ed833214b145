//! The consumer driver: tokio IO around the fetch, session and group state machines.
//!
//! Everything but heartbeats runs in the caller's task inside [`Consumer::poll`] and the other
//! methods: rebalances, listener callbacks, offset lookups, commits, and the handling of fetch
//! responses. Fetches are sent to every leader with fetchable partitions and stay in flight
//! (one per broker, each in its own fetch session) while the caller processes what the last
//! poll returned, so the next poll usually finds data waiting. A background task sends
//! heartbeats (classic) or drives ConsumerGroupHeartbeat (KIP-848) on a connection of its own to
//! the coordinator, so a JoinGroup that waits for other members or a long Fetch never delays a
//! heartbeat; it only sets flags the next poll acts on.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use kafka_protocol::Uuid;
use kafka_protocol::messages::fetch_response::FetchResponse;
use kafka_protocol::messages::find_coordinator_request::FindCoordinatorRequest;
use kafka_protocol::messages::find_coordinator_response::FindCoordinatorResponse;
use kafka_protocol::messages::list_offsets_request::{
    ListOffsetsPartition, ListOffsetsRequest, ListOffsetsTopic,
};
use kafka_protocol::messages::list_offsets_response::ListOffsetsResponse;
use kafka_protocol::messages::offset_commit_request::{
    OffsetCommitRequest, OffsetCommitRequestPartition, OffsetCommitRequestTopic,
};
use kafka_protocol::messages::offset_commit_response::OffsetCommitResponse;
use kafka_protocol::messages::offset_fetch_request::OffsetFetchRequest;
use kafka_protocol::messages::offset_for_leader_epoch_request::{
    OffsetForLeaderEpochRequest, OffsetForLeaderPartition, OffsetForLeaderTopic,
};
use kafka_protocol::messages::offset_for_leader_epoch_response::OffsetForLeaderEpochResponse;
use kafka_protocol::messages::{
    ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, FetchRequest, HeartbeatRequest,
    HeartbeatResponse, JoinGroupResponse, LeaveGroupRequest, LeaveGroupResponse, SyncGroupRequest,
    SyncGroupResponse,
};
use kafka_protocol::{Message, Request};
use tokio::sync::Notify;
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;

use super::assignor::{
    self, GroupMember, PartitionAssignor, PartitionsPerTopic, RebalanceProtocol,
};
use super::fetch_session::{FetchSession, PartitionFetch, SessionRequest};
use super::fetcher::{CompletedFetch, fetch_request};
use super::group::classic::{
    ClassicGroup, ClassicSettings, HeartbeatOutcome, JoinOutcome, SyncOutcome,
};
use super::group::consumer_protocol::{Assignment, CONSUMER_PROTOCOL_VERSION, Subscription};
use super::group::kip848::{IdAssignment, Kip848Group, Kip848Outcome, Kip848Settings};
use super::listener::{NoopListener, RebalanceContext, RebalanceListener};
use super::metrics::{Callback, ConsumerMetrics, GroupSensors};
use super::validation::{self, EpochEnd, FetchPosition, LeaderUpdate, Validated};
use super::{ConsumerError, ConsumerRecord, OffsetAndMetadata, TopicPartition};
use crate::backoff::ExponentialBackoff;
use crate::cluster::Cluster;
use crate::config::{AutoOffsetReset, ConsumerConfig, GroupProtocol};
use crate::connection::{ConnectOptions, Connection};
use crate::error::{Error, KafkaCode};
use crate::metrics::network::{NetworkMetrics, Timed};
use crate::metrics::{Metric, Metrics, Sensor};
use crate::offset_fetch::{self, GroupErrorAction, GroupOffsets};

type Result<T, E = ConsumerError> = std::result::Result<T, E>;

const FETCH_KEY: i16 = 1;
const LIST_OFFSETS_KEY: i16 = 2;
const OFFSET_COMMIT_KEY: i16 = 8;
const OFFSET_FETCH_KEY: i16 = 9;
const FIND_COORDINATOR_KEY: i16 = 10;
const OFFSET_FOR_LEADER_EPOCH_KEY: i16 = 23;

/// ListOffsets timestamps with special meaning.
const EARLIEST_TIMESTAMP: i64 = -2;
const LATEST_TIMESTAMP: i64 = -1;

/// The version of `api_key` to use with `conn`, at most `max`.
fn version(conn: &Connection, api_key: i16, max: i16, name: &'static str) -> Result<i16, Error> {
    conn.versions()
        .negotiate_within(api_key, 0, max)
        .ok_or_else(|| Error::UnsupportedApi {
            broker: conn.broker().to_owned(),
            api: name,
        })
}

#[derive(Debug, Clone)]
struct PartState {
    position: Option<i64>,
    /// Leader epoch of the last record returned (of the committed offset, of the reset).
    epoch: i32,
    /// The partition leader's epoch the position was last checked against (KIP-320), or -1.
    leader_epoch: i32,
    /// A leader change was seen: the position must be validated before fetching again.
    awaiting_validation: bool,
    paused: bool,
    /// A reset to apply before fetching (seek_to_beginning/end, out of range).
    reset: Option<AutoOffsetReset>,
    /// The replica the leader told us to fetch from (KIP-392) and until when; set through
    /// [`PartState::set_read_replica`], which keeps the `preferred-read-replica` gauge in step.
    read_replica: Option<(i32, Instant)>,
    /// The partition's `preferred-read-replica` gauge, once the metrics registered it.
    replica_gauge: Option<Arc<AtomicI32>>,
}

impl PartState {
    fn new() -> Self {
        PartState {
            position: None,
            epoch: -1,
            leader_epoch: -1,
            awaiting_validation: false,
            paused: false,
            reset: None,
            read_replica: None,
            replica_gauge: None,
        }
    }

    /// Reads from `replica` (`None`: the leader) from now on.
    fn set_read_replica(&mut self, replica: Option<(i32, Instant)>) {
        self.read_replica = replica;
        if let Some(g) = &self.replica_gauge {
            g.store(replica.map_or(-1, |(r, _)| r), Ordering::Relaxed);
        }
    }

    /// The position with its epochs, when there is one to validate or fetch from.
    fn fetch_position(&self) -> Option<FetchPosition> {
        Some(FetchPosition {
            offset: self.position?,
            offset_epoch: self.epoch,
            leader_epoch: self.leader_epoch,
        })
    }

    /// Moves to a new position that needs no validation (Java's `seekValidated`).
    fn seek_validated(&mut self, offset: i64, epoch: i32) {
        self.position = Some(offset);
        self.epoch = epoch;
        self.reset = None;
        self.awaiting_validation = false;
    }
}

enum Membership {
    Classic(Mutex<ClassicGroup>),
    Kip848(Mutex<Kip848Group>),
}

struct GroupShared {
    group_id: String,
    membership: Membership,
    coordinator: tokio::sync::Mutex<Option<Connection>>,
    /// A KIP-848 member's coordinator connection kept after the coordinator was forgotten:
    /// Java's new consumer never disconnects on losing the coordinator, so when the broker at
    /// the same address is found again (NOT_COORDINATOR while a partition moves back, or
    /// COORDINATOR_NOT_AVAILABLE while `__consumer_offsets` is created), its connection serves
    /// again instead of a new one being opened per lookup.
    retired: Mutex<Option<Connection>>,
    /// When the last FindCoordinator was sent: lookups are `retry.backoff.ms` apart at least, as
    /// Java spaces its FindCoordinator requests.
    last_lookup: Mutex<Option<Instant>>,
    /// `retry.backoff.ms` growing to `retry.backoff.max.ms`, for retried group requests.
    backoff: ExponentialBackoff,
    connect: ConnectOptions,
    lost: AtomicBool,
    fatal: Mutex<Option<KafkaCode>>,
    /// Whether this handle serves a subscription (group-managed partitions) rather than a
    /// manual assignment: Java's classic consumer names its generation and instance in a
    /// commit only then, and checks the generation is stable before sending.
    subscribed: bool,
    /// An asynchronous commit was answered `FENCED_INSTANCE_ID` (Java's `asyncCommitFenced`):
    /// every later commit fails with it unsent, as poll does.
    async_commit_fenced: AtomicBool,
    last_poll: Mutex<Instant>,
    max_poll_interval: Duration,
    notify: Notify,
    cluster: Arc<Cluster>,
    /// Heartbeat, join and rebalance metrics.
    sensors: GroupSensors,
}

impl GroupShared {
    fn set_fatal(&self, code: KafkaCode) {
        *self.fatal.lock().unwrap_or_else(|e| e.into_inner()) = Some(code);
        self.notify.notify_one();
    }

    /// The coordinator connection, discovering it and connecting when needed.
    async fn coordinator(&self) -> Result<Connection, Error> {
        let mut slot = self.coordinator.lock().await;
        if let Some(c) = slot.as_ref()
            && !c.is_closed()
        {
            return Ok(c.clone());
        }
        if let Some(c) = slot.take() {
            self.retire(c);
        }
        let since_last = self
            .last_lookup
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .map(|t| t.elapsed());
        let spacing = self.backoff.backoff(0, &mut rand::rng());
        if let Some(wait) = since_last.and_then(|e| spacing.checked_sub(e)) {
            tokio::time::sleep(wait).await;
        }
        *self.last_lookup.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        let conn = self.cluster.any_broker().await?;
        let v = version(&conn, FIND_COORDINATOR_KEY, 6, "FindCoordinator")?;
        let req = FindCoordinatorRequest {
            key: if v < 4 {
                self.group_id.clone()
            } else {
                String::new()
            },
            key_type: 0,
            coordinator_keys: if v >= 4 {
                vec![self.group_id.clone()]
            } else {
                vec![]
            },
            ..Default::default()
        };
        let resp: FindCoordinatorResponse = conn.send_version(&req, v).await?;
        let (code, node_id, host, port) = if v >= 4 {
            let c = resp.coordinators.first().ok_or_else(|| Error::Protocol {
                broker: conn.broker().to_owned(),
                reason: "FindCoordinator answered no coordinator".into(),
            })?;
            (c.error_code, c.node_id, c.host.clone(), c.port)
        } else {
            (resp.error_code, resp.node_id, resp.host.clone(), resp.port)
        };
        KafkaCode(code).ok()?;
        let addr = format!("{host}:{port}");
        let kept = self
            .retired
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .filter(|c| !c.is_closed() && c.broker() == addr);
        let c = match kept {
            Some(c) => c,
            // Java's consumer talks to its coordinator over a connection of its own, named
            // `+<id>` (Kafka 4.4's GroupCoordinatorNode), and its node metrics carry that name.
            None => Connection::connect_node(&addr, &format!("+{node_id}"), &self.connect).await?,
        };
        *slot = Some(c.clone());
        if let Membership::Classic(m) = &self.membership {
            m.lock()
                .unwrap_or_else(|e| e.into_inner())
                .coordinator_found(Instant::now());
        }
        Ok(c)
    }

    async fn forget_coordinator(&self) {
        if let Some(c) = self.coordinator.lock().await.take() {
            self.retire(c);
        }
    }

    /// Keeps a forgotten coordinator's connection for reuse (KIP-848 only: the classic
    /// consumer drops it, as Java's `AbstractCoordinator` disconnects).
    fn retire(&self, conn: Connection) {
        if matches!(self.membership, Membership::Kip848(_)) && !conn.is_closed() {
            *self.retired.lock().unwrap_or_else(|e| e.into_inner()) = Some(conn);
        }
    }

    /// Forgets the coordinator and drops the connection to it, failing the requests waiting
    /// on it (a SyncGroup, a heartbeat), as Java's `markCoordinatorUnknown` disconnects: they
    /// are sent again to the coordinator found next.
    async fn mark_coordinator_unknown(&self) {
        let old = self.coordinator.lock().await.take();
        if let Some(c) = old {
            c.close(Duration::ZERO).await;
        }
    }

    async fn send<R: Request>(
        &self,
        req: &R,
        api_key: i16,
        max: i16,
    ) -> Result<R::Response, Error> {
        let conn = self.coordinator().await?;
        let v = version(&conn, api_key, max, R::NAME)?;
        let r = conn.send_version(req, v).await;
        if r.is_err() {
            self.forget_coordinator().await;
        }
        r
    }

    /// Sends a LeaveGroup shaped for the version the coordinator speaks.
    async fn send_leave(&self, req: LeaveGroupRequest) -> Result<LeaveGroupResponse, Error> {
        let conn = self.coordinator().await?;
        let v = version(
            &conn,
            13,
            5,
            <LeaveGroupRequest as kafka_protocol::Message>::NAME,
        )?;
        let req = super::group::classic::leave_for_version(req, v);
        let r = conn.send_version(&req, v).await;
        if r.is_err() {
            self.forget_coordinator().await;
        }
        r
    }

    /// The member id and epoch an OffsetFetch names: those of a KIP-848 member the coordinator
    /// has given an epoch, as Java's consumer sends them. `None` (null id, epoch -1: no member
    /// check) for the classic protocol, whose consumer names no member in OffsetFetch, for a
    /// consumer without subscription, and for a KIP-848 consumer between memberships (joining,
    /// left, fenced), which has no epoch the coordinator would accept.
    fn offset_fetch_member(&self) -> Option<(String, i32)> {
        match &self.membership {
            Membership::Classic(_) => None,
            Membership::Kip848(m) => {
                let g = m.lock().unwrap_or_else(|e| e.into_inner());
                g.is_member().then(|| (g.member_id().to_owned(), g.epoch()))
            }
        }
    }

    /// The generation (classic) or member epoch (KIP-848) and the member id an OffsetCommit
    /// names, read for each attempt as Java rebuilds the request for each: a retry names the
    /// membership as it is then, so a KIP-848 member whose epoch moved on while a commit waited
    /// sends the epoch its heartbeat brought. A KIP-848 consumer without an epoch (joining,
    /// left, fenced) sends -1 with its id, as Java's new consumer does.
    fn commit_member(&self) -> (i32, String) {
        match &self.membership {
            Membership::Classic(m) => {
                let g = m.lock().unwrap_or_else(|e| e.into_inner());
                (g.generation(), g.member_id().to_owned())
            }
            Membership::Kip848(m) => {
                let g = m.lock().unwrap_or_else(|e| e.into_inner());
                let epoch = if g.is_member() { g.epoch() } else { -1 };
                (epoch, g.member_id().to_owned())
            }
        }
    }

    /// What a commit's answer is read against (see [`CommitView`]): for `protocol=classic`,
    /// whether the generation and member id are still `named`, the pair the commit was sent
    /// with, and whether the member is joining; for `protocol=consumer`, whether the consumer
    /// is a member with an epoch. A consumer without subscription always reads as unchanged
    /// and not a member.
    fn commit_view(&self, protocol: GroupProtocol, named: &(i32, String)) -> CommitView {
        match (protocol, &self.membership) {
            (GroupProtocol::Classic, Membership::Classic(m)) => {
                let g = m.lock().unwrap_or_else(|e| e.into_inner());
                CommitView::Classic {
                    generation_unchanged: g.generation() == named.0 && g.member_id() == named.1,
                    joining: g.state() == super::group::classic::MemberState::Joining,
                }
            }
            (GroupProtocol::Classic, Membership::Kip848(_)) => CommitView::Classic {
                generation_unchanged: true,
                joining: false,
            },
            (GroupProtocol::Consumer, _) => CommitView::Consumer {
                still_member: self.offset_fetch_member().is_some(),
            },
        }
    }

    /// What a classic member does when the coordinator refuses its commit with `code`, as
    /// Java's `ConsumerCoordinator` does before raising the error: a group that is rebalancing
    /// is rejoined; a member the coordinator no longer knows (`UNKNOWN_MEMBER_ID`) or whose
    /// generation is over (`ILLEGAL_GENERATION`) forgets its generation (and for the former its
    /// member id) and rejoins, its partitions lost. Nothing for the `consumer` protocol, whose
    /// heartbeat alone decides the membership.
    fn commit_refused(&self, protocol: GroupProtocol, code: KafkaCode) {
        let (GroupProtocol::Classic, Membership::Classic(m)) = (protocol, &self.membership) else {
            return;
        };
        let mut g = m.lock().unwrap_or_else(|e| e.into_inner());
        match code.0 {
            REBALANCE_IN_PROGRESS => g.request_rejoin(),
            UNKNOWN_MEMBER_ID => g.reset(true),
            ILLEGAL_GENERATION => g.reset(false),
            _ => {}
        }
    }

    /// Why a subscribed classic member may not send a commit now, if it may not: Java's
    /// `ConsumerCoordinator` commits only in a stable generation (`generationIfStable`) and
    /// fails the commit unsent otherwise. A member joining or syncing, or one whose join round
    /// failed in its generation (Java stays `PREPARING_REBALANCE` then), is rebalancing
    /// (`RebalanceInProgress`); one without a generation or member id is out of the group
    /// (`CommitFailed`). The codes are those the coordinator would answer such a commit with.
    /// Nothing for manual assignment or the `consumer` protocol, which send regardless.
    fn unstable_generation(&self, protocol: GroupProtocol) -> Option<ConsumerError> {
        let (GroupProtocol::Classic, Membership::Classic(m), true) =
            (protocol, &self.membership, self.subscribed)
        else {
            return None;
        };
        let g = m.lock().unwrap_or_else(|e| e.into_inner());
        classic_commit_gate(g.state(), g.membership_lost())
    }

    /// The error every commit fails with after an asynchronous one was fenced.
    fn fenced_by_async_commit(&self) -> Result<()> {
        if self.async_commit_fenced.load(Ordering::SeqCst) {
            return Err(ConsumerError::Group(KafkaCode(FENCED_INSTANCE_ID)));
        }
        Ok(())
    }

    /// The committed offsets of `partitions` for `group_id`, with an OffsetFetch shaped for the
    /// version the coordinator speaks.
    ///
    /// Up to v9 ([`offset_fetch::MAX_VERSION`]): v8 only moves the group into a `groups` array,
    /// which `offset_fetch` shapes and reads; v9 adds the member id and epoch, filled in from
    /// the membership as it is when the request is built ([`Self::offset_fetch_member`]), so a
    /// retry names the epoch the last heartbeat brought. v10 names topics by id, which this
    /// consumer does not track.
    async fn fetch_offsets(
        &self,
        group_id: &str,
        partitions: &[TopicPartition],
    ) -> Result<GroupOffsets, Error> {
        let conn = self.coordinator().await?;
        let v = version(
            &conn,
            OFFSET_FETCH_KEY,
            offset_fetch::MAX_VERSION,
            <OffsetFetchRequest as kafka_protocol::Message>::NAME,
        )?;
        let member = self.offset_fetch_member();
        // Stable offsets only: a partition with a pending transactional commit answers
        // UNSTABLE_OFFSET_COMMIT, which `committed` waits out, as Java's consumer does.
        let req = offset_fetch::request_as(
            v,
            group_id,
            Some(partitions),
            true,
            member
                .as_ref()
                .map(|(id, epoch)| offset_fetch::Member { id, epoch: *epoch }),
        );
        let r = conn.send_version(&req, v).await;
        if r.is_err() {
            self.forget_coordinator().await;
        }
        offset_fetch::read_response(v, group_id, r?).map_err(|e| Error::Protocol {
            broker: conn.broker().to_owned(),
            reason: e.to_string(),
        })
    }
}

struct Group {
    shared: Arc<GroupShared>,
    task: AbortHandle,
    protocol: RebalanceProtocol,
}

impl Drop for Group {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct FetchDone {
    node: i32,
    sent: SessionRequest,
    result: Result<FetchResponse, Error>,
    /// How long the request took, for `fetch-latency`.
    latency: Duration,
}

/// An Apache Kafka consumer with the Java consumer's semantics and configuration.
///
/// Use it from one task: `poll` takes `&mut self`. It must run inside a tokio runtime.
pub struct Consumer {
    config: ConsumerConfig,
    cluster: Arc<Cluster>,
    subscription: Vec<String>,
    parts: BTreeMap<TopicPartition, PartState>,
    topic_names: HashMap<String, Arc<str>>,
    sessions: HashMap<i32, FetchSession>,
    in_flight: JoinSet<FetchDone>,
    in_flight_nodes: HashSet<i32>,
    in_flight_ids: HashMap<tokio::task::Id, i32>,
    buffered: VecDeque<CompletedFetch>,
    pending_error: Option<ConsumerError>,
    /// In a mutex only so that `Consumer` is `Sync` without asking listeners to be.
    listener: Mutex<Box<dyn RebalanceListener>>,
    assignors: Vec<Arc<dyn PartitionAssignor>>,
    group: Option<Group>,
    last_auto_commit: Instant,
    /// When an interval auto-commit last failed on a retriable error (set by its task).
    auto_commit_failed: Arc<Mutex<Option<Instant>>>,
    /// Whether an interval auto-commit is unanswered (cleared by its task): a
    /// `group.protocol=consumer` consumer sends no other until it is answered.
    auto_commit_in_flight: Arc<AtomicBool>,
    metadata_stale: bool,
    /// The cluster's metadata generation when `metadata_stale` was last set.
    stale_since: u64,
    /// Whether a KIP-848 assignment was reconciled yet (the first always runs the callback).
    kip848_reconciled_once: bool,
    /// The coordinator handle of a consumer with `group.id` but no subscription (manual
    /// assignment, commits only), created on first use.
    standalone: Mutex<Option<Arc<GroupShared>>>,
    /// As leader: the partition counts the current assignment was computed from (Java's
    /// assignment snapshot); a change triggers a rebalance.
    assignment_snapshot: Option<PartitionsPerTopic>,
    /// Completion signal of the last commit issued: the next one waits for it.
    last_commit: Option<tokio::sync::oneshot::Receiver<()>>,
    /// The classic auto-commit before a JoinGroup, while it is being retried.
    join_prepare: Option<JoinPrepare>,
    metrics: ConsumerMetrics,
}

/// A classic member's auto-commit before it joins (Java's `onJoinPrepare`), retried across
/// polls until it lands or the rebalance timeout passes.
#[derive(Debug, Clone, Copy)]
struct JoinPrepare {
    /// When the member stops waiting for the commit and joins anyway: `max.poll.interval.ms`
    /// after the first attempt (Java's `joinPrepareTimer`).
    deadline: Instant,
    /// When the next attempt may go, `retry.backoff.ms` after a failed one.
    retry_at: Instant,
}

impl std::fmt::Debug for Consumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Consumer")
            .field("group_id", &self.config.group_id)
            .field("subscription", &self.subscription)
            .field("assignment", &self.parts.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Consumer {
    /// A consumer with the built-in assignors named in `partition.assignment.strategy`.
    pub fn new(config: ConsumerConfig) -> Result<Consumer> {
        let assignors = config
            .partition_assignment_strategy
            .iter()
            .map(|a| assignor::builtin(*a))
            .collect();
        Self::with_assignors(config, assignors)
    }

    /// A consumer whose classic-protocol group uses `assignors` (in preference order) instead
    /// of the configured ones.
    pub fn with_assignors(
        config: ConsumerConfig,
        assignors: Vec<Arc<dyn PartitionAssignor>>,
    ) -> Result<Consumer> {
        if assignors.is_empty() {
            return Err(ConsumerError::IllegalState(
                "at least one assignor is needed",
            ));
        }
        let registry = Metrics::with_default_tags(
            config.common.metrics,
            &[("client-id", config.common.client_id.as_str())],
        );
        let network = NetworkMetrics::new(
            &registry,
            "consumer",
            &config.common.client_id,
            Timed::Api(FetchRequest::API_KEY),
        );
        let cluster = Cluster::with_network_metrics(config.common.clone(), false, Some(network))?;
        let metrics = ConsumerMetrics::new(
            registry,
            &config.common.client_id,
            config.group_id.as_ref().map(|_| config.group_protocol),
        );
        Ok(Consumer {
            metrics,
            config,
            cluster,
            subscription: Vec::new(),
            parts: BTreeMap::new(),
            topic_names: HashMap::new(),
            sessions: HashMap::new(),
            in_flight: JoinSet::new(),
            in_flight_nodes: HashSet::new(),
            in_flight_ids: HashMap::new(),
            buffered: VecDeque::new(),
            pending_error: None,
            listener: Mutex::new(Box::new(NoopListener)),
            assignors,
            group: None,
            last_auto_commit: Instant::now(),
            auto_commit_failed: Arc::new(Mutex::new(None)),
            auto_commit_in_flight: Arc::new(AtomicBool::new(false)),
            metadata_stale: true,
            stale_since: 0,
            kip848_reconciled_once: false,
            standalone: Mutex::new(None),
            join_prepare: None,
            assignment_snapshot: None,
            last_commit: None,
        })
    }

    /// Every metric's value now, named as Java's consumer names them
    /// (`consumer-fetch-manager-metrics`, `consumer-metrics`, `consumer-coordinator-metrics`;
    /// see [`crate::metrics`]), like Java's `KafkaConsumer.metrics()`.
    ///
    /// ```no_run
    /// # async fn f(consumer: kafka_client::consumer::Consumer) {
    /// for m in consumer.metrics() {
    ///     if m.name.name == "records-lag-max" && m.name.tags.len() == 1 {
    ///         println!("{} = {}", m.name, m.value);
    ///     }
    /// }
    /// # }
    /// ```
    pub fn metrics(&self) -> Vec<Metric> {
        self.metrics.registry().snapshot()
    }

    /// The registry behind [`Self::metrics`], for reading single values
    /// ([`Metrics::value`]) or sharing with an exporter.
    pub fn metrics_registry(&self) -> &Metrics {
        self.metrics.registry()
    }

    /// The configuration.
    pub fn config(&self) -> &ConsumerConfig {
        &self.config
    }

    /// The shared cluster client (connections and metadata).
    pub fn cluster(&self) -> &Arc<Cluster> {
        &self.cluster
    }

    /// Subscribes to `topics` with the group (`group.id` required), replacing any earlier
    /// subscription; the next poll joins or rejoins.
    pub fn subscribe<I, S>(
        &mut self,
        topics: I,
        listener: Option<Box<dyn RebalanceListener>>,
    ) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let group_id = self.config.group_id.clone().ok_or(ConsumerError::NoGroup)?;
        let mut topics: Vec<String> = topics.into_iter().map(Into::into).collect();
        topics.sort();
        topics.dedup();
        if let Some(l) = listener {
            self.listener = Mutex::new(l);
        }
        self.cluster.add_interest(topics.iter().map(String::as_str));
        self.subscription = topics;
        self.mark_metadata_stale();
        match &self.group {
            Some(g) => match &g.shared.membership {
                Membership::Classic(m) => {
                    m.lock().unwrap_or_else(|e| e.into_inner()).request_rejoin()
                }
                Membership::Kip848(m) => m
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .subscribe(self.subscription.clone()),
            },
            None => self.group = Some(self.start_group(group_id)?),
        }
        Ok(())
    }

    fn start_group(&self, group_id: String) -> Result<Group> {
        // The cluster's options: the TLS stores already read, the network metrics shared.
        let mut connect = self.cluster.pool().options().clone();
        // JoinGroup may wait a whole rebalance timeout for the other members (Java allows the
        // rebalance timeout plus five seconds).
        connect.request_timeout = connect
            .request_timeout
            .max(self.config.max_poll_interval + Duration::from_secs(5));
        let rack = (!self.config.client_rack.is_empty()).then(|| self.config.client_rack.clone());
        let membership = match self.config.group_protocol {
            GroupProtocol::Classic => {
                Membership::Classic(Mutex::new(ClassicGroup::new(ClassicSettings {
                    group_id: group_id.clone(),
                    group_instance_id: self.config.group_instance_id.clone(),
                    session_timeout: self.config.session_timeout,
                    rebalance_timeout: self.config.max_poll_interval,
                    heartbeat_interval: self.config.heartbeat_interval,
                })))
            }
            GroupProtocol::Consumer => {
                let mut m = Kip848Group::new(
                    Kip848Settings {
                        group_id: group_id.clone(),
                        group_instance_id: self.config.group_instance_id.clone(),
                        rack_id: rack,
                        rebalance_timeout: self.config.max_poll_interval,
                        server_assignor: self.config.group_remote_assignor.clone(),
                    },
                    random_member_id(),
                );
                m.subscribe(self.subscription.clone());
                Membership::Kip848(Mutex::new(m))
            }
        };
        let shared = Arc::new(GroupShared {
            group_id,
            membership,
            coordinator: tokio::sync::Mutex::new(None),
            retired: Mutex::new(None),
            last_lookup: Mutex::new(None),
            backoff: self.config.common.retry_backoff_policy(),
            connect,
            lost: AtomicBool::new(false),
            fatal: Mutex::new(None),
            subscribed: true,
            async_commit_fenced: AtomicBool::new(false),
            last_poll: Mutex::new(Instant::now()),
            max_poll_interval: self.config.max_poll_interval,
            notify: Notify::new(),
            cluster: self.cluster.clone(),
            sensors: self.metrics.group_sensors(),
        });
        let task = tokio::spawn(heartbeat_loop(shared.clone())).abort_handle();
        let cooperative = self.assignors.iter().all(|a| {
            a.supported_protocols()
                .contains(&RebalanceProtocol::Cooperative)
        });
        Ok(Group {
            shared,
            task,
            protocol: if cooperative {
                RebalanceProtocol::Cooperative
            } else {
                RebalanceProtocol::Eager
            },
        })
    }

    /// Assigns `partitions` manually (no group membership), replacing any earlier assignment.
    /// With a `group.id`, start positions come from committed offsets, and with
    /// `enable.auto.commit` the consumed positions are committed to the group on the interval
    /// (an interval that is due is honoured here first, before partitions are given up) and
    /// on close, as Java 4.4's consumers do. Those commits name no generation and no member
    /// (generation or epoch -1, empty member id); the classic protocol names no
    /// `group.instance.id` either, the `consumer` protocol names the configured one.
    pub fn assign(&mut self, partitions: impl IntoIterator<Item = TopicPartition>) -> Result<()> {
        if self.group.is_some() {
            return Err(ConsumerError::IllegalState(
                "assign() after subscribe(); unsubscribe first",
            ));
        }
        // Java's `assign` gives the interval auto-commit its turn first, so that partitions
        // given up now are committed (no rebalance will commit them). Its commit is a task:
        // outside a runtime there is none to run it.
        if tokio::runtime::Handle::try_current().is_ok() {
            self.maybe_auto_commit();
        }
        let wanted: BTreeSet<TopicPartition> = partitions.into_iter().collect();
        self.parts.retain(|tp, _| wanted.contains(tp));
        for tp in wanted {
            self.cluster.add_interest([tp.topic.as_str()]);
            self.parts.entry(tp).or_insert_with(PartState::new);
        }
        let (parts, metrics) = (&self.parts, &mut self.metrics);
        self.buffered.retain(|f| {
            let keep = parts.contains_key(&f.tp);
            if !keep {
                retire(metrics, f);
            }
            keep
        });
        self.assignment_changed();
        self.mark_metadata_stale();
        Ok(())
    }

    /// The partitions currently assigned.
    pub fn assignment(&self) -> BTreeSet<TopicPartition> {
        self.parts.keys().cloned().collect()
    }

    /// The subscribed topics.
    pub fn subscription(&self) -> &[String] {
        &self.subscription
    }

    /// The group generation (classic) or member epoch (KIP-848), and the member id.
    pub fn group_metadata(&self) -> Option<(i32, String)> {
        let g = self.group.as_ref()?;
        Some(match &g.shared.membership {
            Membership::Classic(m) => {
                let m = m.lock().unwrap_or_else(|e| e.into_inner());
                (m.generation(), m.member_id().to_owned())
            }
            Membership::Kip848(m) => {
                let m = m.lock().unwrap_or_else(|e| e.into_inner());
                (m.epoch(), m.member_id().to_owned())
            }
        })
    }

    /// Fetches records, waiting up to `timeout` for some. Rebalances, listener callbacks,
    /// auto-commits and offset resets happen here.
    pub async fn poll(&mut self, timeout: Duration) -> Result<Vec<ConsumerRecord>> {
        self.metrics.poll_start(std::time::Instant::now());
        let r = self.poll_records(timeout).await;
        self.metrics.poll_end(std::time::Instant::now());
        r
    }

    async fn poll_records(&mut self, timeout: Duration) -> Result<Vec<ConsumerRecord>> {
        let deadline = Instant::now() + timeout;
        if let Some(g) = &self.group {
            *g.shared.last_poll.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        }
        self.maybe_auto_commit();
        loop {
            if let Some(e) = self.pending_error.take() {
                return Err(e);
            }
            self.ensure_group().await?;
            // An answer that came in since the metadata was found wanting (the classic leader's
            // fetch for its assignment, the KIP-848 fetch naming assigned topic ids) already
            // satisfies it, as any update after Java's `requestUpdate` does: asking again cost a
            // second Metadata per join that Java's consumer never sends. The leader's
            // metadata.max.age.ms refresh and position() still ask unconditionally.
            if self.metadata_stale
                && self.cluster.generation() > self.stale_since
                && self.metadata_covers(&self.cluster.metadata())
            {
                self.metadata_stale = false;
            }
            if self.metadata_stale {
                self.refresh_metadata().await;
            }
            self.update_positions().await?;
            self.check_leader_epochs();
            self.validate_positions().await?;
            let records = self.drain()?;
            self.send_fetches();
            if !records.is_empty() {
                return Ok(records);
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(Vec::new());
            }
            let notify = self.group.as_ref().map(|g| g.shared.clone());
            // Wake for a fetch response, a group event, or at least every 100 ms to retry
            // partitions without a leader or position.
            let wake = deadline.min(now + Duration::from_millis(100));
            tokio::select! {
                Some(done) = self.in_flight.join_next_with_id(), if !self.in_flight.is_empty() => {
                    match done {
                        Ok((id, done)) => {
                            self.in_flight_ids.remove(&id);
                            self.handle_fetch(done);
                        }
                        Err(e) => {
                            // The fetch task died: free its broker for the next fetch.
                            if let Some(node) = self.in_flight_ids.remove(&e.id()) {
                                self.in_flight_nodes.remove(&node);
                                self.sessions.entry(node).or_default().reset();
                            }
                        }
                    }
                }
                _ = async { match &notify { Some(s) => s.notify.notified().await, None => std::future::pending().await } } => {}
                _ = tokio::time::sleep_until(wake) => {}
            }
        }
    }

    fn mark_metadata_stale(&mut self) {
        self.metadata_stale = true;
        self.stale_since = self.cluster.generation();
    }

    /// Whether the cached metadata names every subscribed topic and a live leader for every
    /// assigned partition.
    fn metadata_covers(&self, md: &crate::metadata::ClusterMetadata) -> bool {
        self.subscription
            .iter()
            .all(|t| md.topic(t).is_some_and(|m| !m.partitions.is_empty()))
            && self.parts.keys().all(|tp| {
                md.topic(&tp.topic)
                    .and_then(|t| t.partition(tp.partition))
                    .is_some_and(|p| p.leader >= 0 && md.brokers.contains_key(&p.leader))
            })
    }

    async fn refresh_metadata(&mut self) {
        let mut topics: BTreeSet<String> = self.subscription.iter().cloned().collect();
        topics.extend(self.parts.keys().map(|tp| tp.topic.clone()));
        if topics.is_empty() {
            self.metadata_stale = false;
            return;
        }
        let topics: Vec<String> = topics.into_iter().collect();
        match self.cluster.fetch_metadata(Some(&topics)).await {
            Ok(_) => self.metadata_stale = false,
            Err(e) => tracing::debug!(error = %e, "consumer metadata refresh failed"),
        }
    }

    fn topic_arc(&mut self, topic: &str) -> Arc<str> {
        if let Some(t) = self.topic_names.get(topic) {
            return t.clone();
        }
        let t: Arc<str> = topic.into();
        self.topic_names.insert(topic.to_owned(), t.clone());
        t
    }

    // ---------------------------------------------------------------- fetching

    fn send_fetches(&mut self) {
        let metadata = self.cluster.metadata();
        let buffered: HashSet<&TopicPartition> = self.buffered.iter().map(|f| &f.tp).collect();
        let mut by_node: BTreeMap<i32, BTreeMap<TopicPartition, PartitionFetch>> = BTreeMap::new();
        let mut missing_leader = false;
        let now = Instant::now();
        for (tp, st) in &self.parts {
            let Some(position) = st.position else {
                continue;
            };
            if st.paused || st.reset.is_some() || st.awaiting_validation || buffered.contains(tp) {
                continue;
            }
            let Some(p) = metadata
                .topic(&tp.topic)
                .and_then(|t| t.partition(tp.partition))
            else {
                missing_leader = true;
                continue;
            };
            if p.leader < 0 || !metadata.brokers.contains_key(&p.leader) {
                missing_leader = true;
                continue;
            }
            let node = read_node(st.read_replica, p, &metadata, now);
            if self.in_flight_nodes.contains(&node) {
                continue;
            }
            by_node.entry(node).or_default().insert(
                tp.clone(),
                PartitionFetch {
                    fetch_offset: position,
                    // The epoch the position was validated against, as Java sends; the
                    // broker answers FENCED_LEADER_EPOCH if we are behind.
                    current_leader_epoch: st.leader_epoch,
                    max_bytes: self.config.max_partition_fetch_bytes as i32,
                },
            );
        }
        if missing_leader {
            self.mark_metadata_stale();
        }
        for (node, wanted) in by_node {
            let session = self.sessions.entry(node).or_default();
            let sent = session.build(wanted);
            let cluster = self.cluster.clone();
            let cfg = &self.config;
            let (iso, wait, min, max, rack) = (
                cfg.isolation_level,
                i32::try_from(cfg.fetch_max_wait.as_millis()).unwrap_or(i32::MAX),
                cfg.fetch_min_bytes as i32,
                cfg.fetch_max_bytes as i32,
                cfg.client_rack.clone(),
            );
            self.in_flight_nodes.insert(node);
            let handle = self.in_flight.spawn(async move {
                let started = Instant::now();
                let result = async {
                    let conn = cluster.broker(node).await?;
                    let v = version(&conn, FETCH_KEY, 18, "Fetch")?;
                    let mut req = fetch_request(&sent, iso, wait, min, max, &rack);
                    if v >= 13 {
                        set_topic_ids(&mut req, &cluster)?;
                    }
                    let mut resp: FetchResponse = conn.send_version(&req, v).await?;
                    if v >= 13 {
                        // Name the topics again from their ids.
                        let md = cluster.metadata();
                        for t in &mut resp.responses {
                            if let Some(tm) = md.topic_by_id(t.topic_id) {
                                t.topic = tm.name.clone();
                            }
                        }
                    }
                    Ok(resp)
                }
                .await;
                FetchDone {
                    node,
                    sent,
                    result,
                    latency: started.elapsed(),
                }
            });
            self.in_flight_ids.insert(handle.id(), node);
        }
    }

    fn handle_fetch(&mut self, done: FetchDone) {
        self.in_flight_nodes.remove(&done.node);
        let session = self.sessions.entry(done.node).or_default();
        let resp = match done.result {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(node = done.node, error = %e, "fetch failed");
                session.reset();
                self.mark_metadata_stale();
                // Back to the leader for whatever this request read from a chosen replica.
                for tp in done.sent.next.keys() {
                    if let Some(st) = self.parts.get_mut(tp) {
                        st.set_read_replica(None);
                    }
                }
                return;
            }
        };
        let wanted = done.sent.next.clone();
        let mut fetched = Vec::new();
        let (latency, throttle_ms) = (done.latency, resp.throttle_time_ms);
        if !session.handle_response(done.sent, resp.error_code, resp.session_id) {
            self.metrics.fetch_response(latency, throttle_ms, 0);
            tracing::debug!(node = done.node, code = ?KafkaCode(resp.error_code), "fetch session reset");
            return;
        }
        for t in resp.responses {
            let topic = self.topic_arc(&t.topic);
            for p in t.partitions {
                let tp = TopicPartition::new(t.topic.clone(), p.partition_index);
                let Some(fetched_at) = wanted.get(&tp).map(|f| f.fetch_offset) else {
                    continue;
                };
                let Some(st) = self.parts.get_mut(&tp) else {
                    continue;
                };
                if st.position != Some(fetched_at) || st.reset.is_some() || st.awaiting_validation {
                    continue; // seeked, reset or leader changed meanwhile: stale data
                }
                let from_replica = st.read_replica.is_some_and(|(r, _)| r == done.node);
                if p.preferred_read_replica >= 0 {
                    // The leader names the replica to read from (KIP-392), for as long as
                    // metadata stays fresh, as Java does.
                    st.set_read_replica(Some((
                        p.preferred_read_replica,
                        Instant::now() + self.config.common.metadata_max_age,
                    )));
                }
                match KafkaCode(p.error_code) {
                    KafkaCode::NONE => {
                        let Some(records) = p.records.filter(|r| !r.is_empty()) else {
                            continue;
                        };
                        let aborted = p
                            .aborted_transactions
                            .unwrap_or_default()
                            .into_iter()
                            .map(|a| (a.producer_id, a.first_offset));
                        fetched.push(
                            CompletedFetch::new(
                                tp,
                                topic.clone(),
                                fetched_at,
                                records,
                                p.high_watermark,
                                p.last_stable_offset,
                                aborted,
                                self.config.isolation_level,
                                self.config.check_crcs,
                            )
                            .with_log_start_offset(p.log_start_offset),
                        );
                    }
                    KafkaCode(1) if from_replica => {
                        // A follower may not have the offset yet: ask the leader instead.
                        tracing::debug!(%tp, node = done.node, "offset out of range at a follower; back to the leader");
                        st.set_read_replica(None);
                    }
                    KafkaCode(1) => {
                        // OFFSET_OUT_OF_RANGE: reset by policy, or tell the application.
                        match self.config.auto_offset_reset {
                            AutoOffsetReset::None => {
                                self.pending_error = Some(ConsumerError::OffsetOutOfRange {
                                    tp,
                                    offset: fetched_at,
                                });
                            }
                            policy => st.reset = Some(policy),
                        }
                    }
                    // FENCED_LEADER_EPOCH (we are behind), UNKNOWN_LEADER_EPOCH (the broker is),
                    // NOT_LEADER_OR_FOLLOWER and the like: new metadata, and the leader again.
                    code if code.invalidates_metadata() || code == KafkaCode(75) => {
                        tracing::debug!(%tp, ?code, "fetch partition error; refreshing metadata");
                        st.set_read_replica(None);
                        self.mark_metadata_stale();
                    }
                    code => {
                        tracing::debug!(%tp, ?code, "fetch partition error");
                        st.set_read_replica(None);
                    }
                }
            }
        }
        let id = self
            .metrics
            .fetch_response(latency, throttle_ms, fetched.len());
        self.buffered
            .extend(fetched.into_iter().map(|f| f.in_response(id)));
    }

    /// Returns up to `max.poll.records` buffered records, advancing positions.
    fn drain(&mut self) -> Result<Vec<ConsumerRecord>> {
        let max = self.config.max_poll_records as usize;
        let mut out = Vec::new();
        let mut keep = VecDeque::new();
        while let Some(mut f) = self.buffered.pop_front() {
            let Some(st) = self.parts.get_mut(&f.tp) else {
                retire(&mut self.metrics, &f);
                continue;
            };
            if st.position != Some(f.position()) || st.reset.is_some() || st.awaiting_validation {
                retire(&mut self.metrics, &f);
                continue;
            }
            if st.paused || out.len() >= max {
                keep.push_back(f);
                continue;
            }
            let before = out.len();
            let r = f.drain(max - out.len(), &mut out);
            st.position = Some(f.position());
            if let Some(last) = out[before..].last() {
                st.epoch = last.leader_epoch;
            }
            let (lag, lead) = f.lag_and_lead(self.config.isolation_level);
            self.metrics.partition_position(&f.tp, lag, lead);
            if let Err(source) = r {
                retire(&mut self.metrics, &f);
                let tp = f.tp.clone();
                self.buffered.extend(keep);
                if out.is_empty() {
                    return Err(ConsumerError::Records { tp, source });
                }
                self.pending_error = Some(ConsumerError::Records { tp, source });
                return Ok(out);
            }
            if f.is_done() {
                retire(&mut self.metrics, &f);
            } else {
                keep.push_back(f);
            }
        }
        self.buffered = keep;
        Ok(out)
    }

    /// Tells the metrics the assignment changed (per-partition lag metrics follow it).
    fn assignment_changed(&mut self) {
        let now: BTreeSet<TopicPartition> = self.parts.keys().cloned().collect();
        self.metrics.assignment(&now);
        for (tp, st) in self.parts.iter_mut() {
            if st.replica_gauge.is_none() {
                st.replica_gauge = self.metrics.replica_gauge(tp);
                let current = st.read_replica;
                st.set_read_replica(current);
            }
        }
    }

    // ---------------------------------------------------------------- positions and offsets

    async fn update_positions(&mut self) -> Result<()> {
        let missing: Vec<TopicPartition> = self
            .parts
            .iter()
            .filter(|(_, s)| s.position.is_none() && s.reset.is_none())
            .map(|(tp, _)| tp.clone())
            .collect();
        if !missing.is_empty() {
            let committed = if self.config.group_id.is_some() {
                self.committed(&missing).await?
            } else {
                BTreeMap::new()
            };
            for tp in missing {
                let Some(st) = self.parts.get_mut(&tp) else {
                    continue;
                };
                match committed.get(&tp) {
                    Some(o) => {
                        // Unvalidated: with a committed epoch, the position is checked against
                        // the leader's log before the first fetch (Java's `seekUnvalidated`).
                        st.position = Some(o.offset);
                        st.epoch = o.leader_epoch;
                        st.leader_epoch = -1;
                        st.awaiting_validation = false;
                    }
                    None => match self.config.auto_offset_reset {
                        AutoOffsetReset::None => return Err(ConsumerError::NoOffset(tp)),
                        policy => st.reset = Some(policy),
                    },
                }
            }
        }
        let resets: Vec<(TopicPartition, i64)> = self
            .parts
            .iter()
            .filter_map(|(tp, s)| {
                s.reset.map(|r| {
                    let ts = match r {
                        AutoOffsetReset::Earliest => EARLIEST_TIMESTAMP,
                        AutoOffsetReset::ByDuration(d) => now_ms() - d.as_millis() as i64,
                        _ => LATEST_TIMESTAMP,
                    };
                    (tp.clone(), ts)
                })
            })
            .collect();
        if resets.is_empty() {
            return Ok(());
        }
        let found = match self.list_offsets(&resets).await {
            Ok(f) => f,
            Err(e) if e_retriable(&e) => {
                self.mark_metadata_stale();
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        let md = self.cluster.metadata();
        for (tp, (offset, epoch)) in found {
            if let Some(st) = self.parts.get_mut(&tp)
                && st.reset.is_some()
            {
                if offset < 0 {
                    // by_duration past the end: the log end.
                    continue;
                }
                st.seek_validated(offset, epoch);
                // The leader just answered for this position: nothing to validate.
                st.leader_epoch = md
                    .topic(&tp.topic)
                    .and_then(|t| t.partition(tp.partition))
                    .map_or(-1, |p| p.leader_epoch);
            }
        }
        // A by_duration reset that found nothing falls back to latest.
        for st in self.parts.values_mut() {
            if matches!(st.reset, Some(AutoOffsetReset::ByDuration(_))) {
                st.reset = Some(AutoOffsetReset::Latest);
            }
        }
        Ok(())
    }

    /// Compares each position's leader epoch with the metadata's (KIP-320): a new epoch sends
    /// the position to validation when it can be validated, and back to the leader in any case.
    fn check_leader_epochs(&mut self) {
        let md = self.cluster.metadata();
        for (tp, st) in &mut self.parts {
            if st.reset.is_some() || st.awaiting_validation {
                continue;
            }
            let Some(pos) = st.fetch_position() else {
                continue;
            };
            let Some(p) = md.topic(&tp.topic).and_then(|t| t.partition(tp.partition)) else {
                continue;
            };
            if p.leader < 0 {
                continue; // no leader to ask yet
            }
            match pos.on_leader_epoch(p.leader_epoch) {
                LeaderUpdate::Unchanged => {}
                LeaderUpdate::Fetch(next) => {
                    st.leader_epoch = next.leader_epoch;
                    st.set_read_replica(None);
                }
                LeaderUpdate::Validate(next) => {
                    tracing::debug!(%tp, offset = next.offset, offset_epoch = next.offset_epoch,
                        leader_epoch = next.leader_epoch, "leader epoch changed; validating position");
                    st.leader_epoch = next.leader_epoch;
                    st.set_read_replica(None);
                    st.awaiting_validation = true;
                }
            }
        }
    }

    /// Asks the leaders of partitions awaiting validation where the epochs of their positions
    /// end (OffsetsForLeaderEpoch), and settles each position: valid, moved back to where the
    /// log diverged, reset, or a [`ConsumerError::LogTruncation`] under
    /// `auto.offset.reset=none`.
    async fn validate_positions(&mut self) -> Result<()> {
        let md = self.cluster.metadata();
        let mut by_node: BTreeMap<i32, Vec<(TopicPartition, FetchPosition)>> = BTreeMap::new();
        for (tp, st) in &self.parts {
            if !st.awaiting_validation || st.reset.is_some() {
                continue;
            }
            let (Some(pos), Some(p)) = (
                st.fetch_position(),
                md.topic(&tp.topic).and_then(|t| t.partition(tp.partition)),
            ) else {
                continue;
            };
            if p.leader >= 0 {
                by_node.entry(p.leader).or_default().push((tp.clone(), pos));
            }
        }
        if by_node.is_empty() {
            return Ok(());
        }
        let has_reset_policy = self.config.auto_offset_reset != AutoOffsetReset::None;
        let mut truncated: Vec<(TopicPartition, i64, Option<OffsetAndMetadata>)> = Vec::new();
        for (node, asked) in by_node {
            let answers = match self.offsets_for_leader_epoch(node, &asked).await {
                Ok(Some(a)) => a,
                Ok(None) => {
                    // The leader predates consumer validation (OffsetsForLeaderEpoch v3):
                    // fetch on unvalidated, as Java does.
                    for (tp, _) in &asked {
                        if let Some(st) = self.parts.get_mut(tp) {
                            st.awaiting_validation = false;
                        }
                    }
                    continue;
                }
                Err(e) if e.is_retriable() => {
                    tracing::debug!(node, error = %e, "OffsetsForLeaderEpoch failed; will retry");
                    self.mark_metadata_stale();
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            for (tp, requested) in asked {
                let Some(&(code, end)) = answers.get(&tp) else {
                    continue;
                };
                match code {
                    KafkaCode::NONE => {}
                    code if code.invalidates_metadata() || code.is_retriable() => {
                        // FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, NOT_LEADER_OR_FOLLOWER:
                        // learn the current leader and its epoch, then validate again.
                        tracing::debug!(%tp, ?code, "position validation refused; refreshing metadata");
                        self.mark_metadata_stale();
                        continue;
                    }
                    code => return Err(Error::kafka(code).into()),
                }
                let Some(st) = self.parts.get_mut(&tp) else {
                    continue;
                };
                let current = st
                    .awaiting_validation
                    .then(|| st.fetch_position())
                    .flatten();
                match validation::complete(requested, current, end, has_reset_policy) {
                    Validated::Stale => {}
                    Validated::Valid => st.awaiting_validation = false,
                    Validated::Truncated(next) => {
                        tracing::info!(%tp, from = requested.offset, to = next.offset,
                            "log truncation detected; continuing from the first offset known to diverge");
                        st.seek_validated(next.offset, next.offset_epoch);
                    }
                    Validated::Reset => {
                        tracing::info!(%tp, offset = requested.offset,
                            "log truncation detected and the leader knows no epoch for the position; resetting");
                        st.awaiting_validation = false;
                        st.position = None;
                        st.reset = Some(self.config.auto_offset_reset);
                    }
                    Validated::LogTruncation(divergent) => {
                        // The partition stays awaiting validation until the application seeks.
                        truncated.push((
                            tp,
                            requested.offset,
                            divergent.map(|(offset, leader_epoch)| OffsetAndMetadata {
                                offset,
                                leader_epoch,
                                metadata: String::new(),
                            }),
                        ));
                    }
                }
            }
        }
        if let Some((tp, offset, divergent)) = truncated.into_iter().next() {
            return Err(ConsumerError::LogTruncation {
                tp,
                offset,
                divergent,
            });
        }
        Ok(())
    }

    /// One OffsetsForLeaderEpoch exchange with `node`: the error and epoch end per partition,
    /// or None when the broker cannot answer a consumer (no v3).
    async fn offsets_for_leader_epoch(
        &self,
        node: i32,
        asked: &[(TopicPartition, FetchPosition)],
    ) -> Result<Option<HashMap<TopicPartition, (KafkaCode, EpochEnd)>>, Error> {
        let conn = self.cluster.broker(node).await?;
        let Some(v) = conn
            .versions()
            .negotiate_within(OFFSET_FOR_LEADER_EPOCH_KEY, 3, 4)
        else {
            return Ok(None);
        };
        let mut topics: BTreeMap<&str, Vec<OffsetForLeaderPartition>> = BTreeMap::new();
        for (tp, pos) in asked {
            topics
                .entry(&tp.topic)
                .or_default()
                .push(OffsetForLeaderPartition {
                    partition: tp.partition,
                    current_leader_epoch: pos.leader_epoch,
                    leader_epoch: pos.offset_epoch,
                    ..Default::default()
                });
        }
        let req = OffsetForLeaderEpochRequest {
            // A consumer, not a follower or a debugging tool.
            replica_id: -1,
            topics: topics
                .into_iter()
                .map(|(topic, partitions)| OffsetForLeaderTopic {
                    topic: topic.to_owned(),
                    partitions,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let resp: OffsetForLeaderEpochResponse = conn.send_version(&req, v).await?;
        let mut out = HashMap::new();
        for t in resp.topics {
            for p in t.partitions {
                out.insert(
                    TopicPartition::new(t.topic.clone(), p.partition),
                    (
                        KafkaCode(p.error_code),
                        EpochEnd {
                            leader_epoch: p.leader_epoch,
                            end_offset: p.end_offset,
                        },
                    ),
                );
            }
        }
        Ok(Some(out))
    }

    /// ListOffsets for `(partition, timestamp)` pairs at their leaders: offset and leader
    /// epoch for each partition that answered (-1 offset when no such record).
    async fn list_offsets(
        &self,
        query: &[(TopicPartition, i64)],
    ) -> Result<BTreeMap<TopicPartition, (i64, i32)>> {
        let md = self.cluster.metadata();
        let mut by_node: BTreeMap<i32, BTreeMap<&str, Vec<ListOffsetsPartition>>> = BTreeMap::new();
        let mut missing = false;
        for (tp, ts) in query {
            let Some(p) = md.topic(&tp.topic).and_then(|t| t.partition(tp.partition)) else {
                missing = true;
                continue;
            };
            if p.leader < 0 {
                missing = true;
                continue;
            }
            by_node
                .entry(p.leader)
                .or_default()
                .entry(&tp.topic)
                .or_default()
                .push(ListOffsetsPartition {
                    partition_index: tp.partition,
                    current_leader_epoch: p.leader_epoch,
                    timestamp: *ts,
                    ..Default::default()
                });
        }
        let mut out = BTreeMap::new();
        for (node, topics) in by_node {
            let req = ListOffsetsRequest {
                replica_id: -1,
                isolation_level: self.config.isolation_level.as_i8(),
                topics: topics
                    .into_iter()
                    .map(|(name, partitions)| ListOffsetsTopic {
                        name: name.to_owned(),
                        partitions,
                        ..Default::default()
                    })
                    .collect(),
                timeout_ms: i32::try_from(self.config.common.request_timeout.as_millis())
                    .unwrap_or(i32::MAX),
                ..Default::default()
            };
            let conn = self.cluster.broker(node).await?;
            let v = version(&conn, LIST_OFFSETS_KEY, 10, "ListOffsets")?.max(1);
            let resp: ListOffsetsResponse = conn.send_version(&req, v).await?;
            for t in resp.topics {
                for p in t.partitions {
                    let tp = TopicPartition::new(t.name.clone(), p.partition_index);
                    match KafkaCode(p.error_code) {
                        KafkaCode::NONE => {
                            out.insert(tp, (p.offset, p.leader_epoch));
                        }
                        code if code.invalidates_metadata() || code.is_retriable() => {
                            tracing::debug!(%tp, ?code, "ListOffsets partition error; will retry");
                        }
                        code => return Err(Error::kafka(code).into()),
                    }
                }
            }
        }
        if missing {
            tracing::debug!("ListOffsets: some partitions have no known leader");
        }
        Ok(out)
    }

    /// The first offset of each partition whose timestamp is at least the given one
    /// (Java's `offsetsForTimes`), with that record's timestamp unknown here: `None` when no
    /// such record exists.
    pub async fn offsets_for_times(
        &mut self,
        query: &BTreeMap<TopicPartition, i64>,
    ) -> Result<BTreeMap<TopicPartition, Option<i64>>> {
        self.refresh_for(query.keys()).await;
        let q: Vec<(TopicPartition, i64)> =
            query.iter().map(|(tp, ts)| (tp.clone(), *ts)).collect();
        let found = self.list_offsets(&q).await?;
        Ok(query
            .keys()
            .map(|tp| (tp.clone(), found.get(tp).map(|x| x.0).filter(|o| *o >= 0)))
            .collect())
    }

    /// The log start offset of each partition.
    pub async fn beginning_offsets(
        &mut self,
        partitions: &[TopicPartition],
    ) -> Result<BTreeMap<TopicPartition, i64>> {
        self.boundary_offsets(partitions, EARLIEST_TIMESTAMP).await
    }

    /// The end offset of each partition (the last stable offset under `read_committed`).
    pub async fn end_offsets(
        &mut self,
        partitions: &[TopicPartition],
    ) -> Result<BTreeMap<TopicPartition, i64>> {
        self.boundary_offsets(partitions, LATEST_TIMESTAMP).await
    }

    async fn boundary_offsets(
        &mut self,
        partitions: &[TopicPartition],
        ts: i64,
    ) -> Result<BTreeMap<TopicPartition, i64>> {
        self.refresh_for(partitions.iter()).await;
        let q: Vec<(TopicPartition, i64)> = partitions.iter().map(|tp| (tp.clone(), ts)).collect();
        Ok(self
            .list_offsets(&q)
            .await?
            .into_iter()
            .map(|(tp, (o, _))| (tp, o))
            .collect())
    }

    async fn refresh_for<'a>(&self, tps: impl Iterator<Item = &'a TopicPartition>) {
        let topics: BTreeSet<String> = tps.map(|tp| tp.topic.clone()).collect();
        let md = self.cluster.metadata();
        if topics
            .iter()
            .all(|t| md.topic(t).is_some_and(|m| !m.partitions.is_empty()))
        {
            return;
        }
        let topics: Vec<String> = topics.into_iter().collect();
        let _ = self.cluster.fetch_metadata(Some(&topics)).await;
    }

    /// Moves the position of an assigned partition.
    pub fn seek(&mut self, tp: &TopicPartition, offset: i64) -> Result<()> {
        let st = self
            .parts
            .get_mut(tp)
            .ok_or_else(|| ConsumerError::NotAssigned(tp.clone()))?;
        st.seek_validated(offset, -1);
        Ok(())
    }

    /// Moves the positions to the log start (applied at the next poll).
    pub fn seek_to_beginning(&mut self, partitions: &[TopicPartition]) -> Result<()> {
        self.seek_reset(partitions, AutoOffsetReset::Earliest)
    }

    /// Moves the positions to the log end (applied at the next poll).
    pub fn seek_to_end(&mut self, partitions: &[TopicPartition]) -> Result<()> {
        self.seek_reset(partitions, AutoOffsetReset::Latest)
    }

    fn seek_reset(&mut self, partitions: &[TopicPartition], policy: AutoOffsetReset) -> Result<()> {
        for tp in partitions {
            let st = self
                .parts
                .get_mut(tp)
                .ok_or_else(|| ConsumerError::NotAssigned(tp.clone()))?;
            st.reset = Some(policy);
            st.position = None;
            st.awaiting_validation = false;
        }
        Ok(())
    }

    /// The position (next offset to return) of an assigned partition, looking it up (committed
    /// offset, or the reset policy) if not known yet.
    pub async fn position(&mut self, tp: &TopicPartition) -> Result<i64> {
        if !self.parts.contains_key(tp) {
            return Err(ConsumerError::NotAssigned(tp.clone()));
        }
        let deadline = Instant::now() + self.config.default_api_timeout;
        loop {
            if let Some(p) = self.parts.get(tp).and_then(|s| s.position) {
                return Ok(p);
            }
            if Instant::now() >= deadline {
                return Err(Error::Timeout {
                    what: format!("position of {tp}"),
                    after: self.config.default_api_timeout,
                }
                .into());
            }
            self.refresh_metadata().await;
            self.update_positions().await?;
            if self.parts.get(tp).and_then(|s| s.position).is_none() {
                tokio::time::sleep(self.config.common.retry_backoff).await;
            }
        }
    }

    /// Stops returning records of `partitions` until resumed.
    pub fn pause(&mut self, partitions: &[TopicPartition]) {
        for tp in partitions {
            if let Some(st) = self.parts.get_mut(tp) {
                st.paused = true;
            }
        }
    }

    /// Resumes paused partitions.
    pub fn resume(&mut self, partitions: &[TopicPartition]) {
        for tp in partitions {
            if let Some(st) = self.parts.get_mut(tp) {
                st.paused = false;
            }
        }
    }

    /// The broker the leader of `tp` told this consumer to fetch from (KIP-392, with
    /// `client.rack` set and a rack-aware replica selector on the brokers), while fetches go
    /// there; `None` when they go to the leader.
    pub fn read_replica(&self, tp: &TopicPartition) -> Option<i32> {
        let (r, until) = self.parts.get(tp)?.read_replica?;
        (until > Instant::now()).then_some(r)
    }

    /// The paused partitions.
    pub fn paused(&self) -> BTreeSet<TopicPartition> {
        self.parts
            .iter()
            .filter(|(_, s)| s.paused)
            .map(|(tp, _)| tp.clone())
            .collect()
    }

    /// The committed offsets of `partitions` (absent: nothing committed).
    pub async fn committed(
        &self,
        partitions: &[TopicPartition],
    ) -> Result<BTreeMap<TopicPartition, OffsetAndMetadata>> {
        let started = Instant::now();
        let r = self.fetch_committed(partitions).await;
        self.metrics.committed(started.elapsed());
        r
    }

    async fn fetch_committed(
        &self,
        partitions: &[TopicPartition],
    ) -> Result<BTreeMap<TopicPartition, OffsetAndMetadata>> {
        let group_id = self.config.group_id.clone().ok_or(ConsumerError::NoGroup)?;
        let shared = self.group_shared_or_temp()?;
        let deadline = Instant::now() + self.config.default_api_timeout;
        // Java's new consumer (the `consumer` protocol's client) waits for a topic the
        // coordinator does not know yet while there is time for another attempt, then answers
        // for the other partitions; its classic consumer fails at once.
        let wait_for_unknown_topics = self.config.group_protocol == GroupProtocol::Consumer;
        let mut attempts = 0u32;
        loop {
            let retry = match shared.fetch_offsets(&group_id, partitions).await {
                Ok(group) if group.error_code == 0 => {
                    let mut out = BTreeMap::new();
                    let mut unstable = false;
                    let mut unknown_topic = false;
                    for p in group.partitions {
                        match p.error_code {
                            0 if p.offset >= 0 => {
                                out.insert(
                                    p.partition,
                                    OffsetAndMetadata {
                                        offset: p.offset,
                                        leader_epoch: p.leader_epoch,
                                        metadata: p.metadata,
                                    },
                                );
                            }
                            0 => {}
                            88 => unstable = true, // UNSTABLE_OFFSET_COMMIT: a transaction is pending
                            UNKNOWN_TOPIC_OR_PARTITION | UNKNOWN_TOPIC_ID
                                if wait_for_unknown_topics =>
                            {
                                unknown_topic = true;
                            }
                            c => return Err(Error::kafka(KafkaCode(c)).into()),
                        }
                    }
                    // An unstable offset fails the whole attempt, unknown topics or not; an
                    // unknown topic is waited for only while another attempt fits in the time
                    // left, then left out, as a partition without a commit.
                    let wait_again = unknown_topic
                        && deadline.saturating_duration_since(Instant::now())
                            > shared.backoff.backoff_with_factor(attempts, 1.0);
                    if !unstable && !wait_again {
                        return Ok(out);
                    }
                    true
                }
                Ok(group) => {
                    let code = KafkaCode(group.error_code);
                    // Whether the consumer is a member now, not when it sent: a member whose
                    // epoch moved on retries with the new one, one that left or was fenced meanwhile
                    // cannot.
                    let still_member = shared.offset_fetch_member().is_some();
                    match offset_fetch::consumer_group_error_action(group.error_code, still_member)
                    {
                        GroupErrorAction::Fail => return Err(Error::kafka(code).into()),
                        GroupErrorAction::RetryWithNewCoordinator => {
                            shared.forget_coordinator().await;
                        }
                        GroupErrorAction::Retry => {}
                    }
                    tracing::debug!(
                        group_id,
                        error = %code,
                        "OffsetFetch refused; retrying after the backoff"
                    );
                    true
                }
                Err(e) if e.is_retriable() => true,
                Err(e) => return Err(e.into()),
            };
            // Java's consumers (both protocols) wait `retry.backoff.ms` grown by each failed
            // attempt up to `retry.backoff.max.ms`, never past the deadline, and give up once it
            // has passed: a partition whose transaction stays pending (UNSTABLE_OFFSET_COMMIT)
            // makes the whole call time out, with no partial answer, as in Java 4.4.
            if retry && !backoff_before_retry(&shared.backoff, attempts, deadline).await {
                return Err(Error::Timeout {
                    what: "committed offsets".into(),
                    after: self.config.default_api_timeout,
                }
                .into());
            }
            attempts += 1;
        }
    }

    /// The group's coordinator handle; a consumer with `group.id` but no subscription (manual
    /// assignment) gets one on first use and keeps it.
    fn group_shared_or_temp(&self) -> Result<Arc<GroupShared>> {
        if let Some(g) = &self.group {
            return Ok(g.shared.clone());
        }
        let mut cached = self.standalone.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = cached.as_ref() {
            return Ok(s.clone());
        }
        let group_id = self.config.group_id.clone().ok_or(ConsumerError::NoGroup)?;
        let shared = Arc::new(GroupShared {
            group_id: group_id.clone(),
            membership: Membership::Classic(Mutex::new(ClassicGroup::new(ClassicSettings {
                group_id,
                group_instance_id: None,
                session_timeout: self.config.session_timeout,
                rebalance_timeout: self.config.max_poll_interval,
                heartbeat_interval: self.config.heartbeat_interval,
            }))),
            coordinator: tokio::sync::Mutex::new(None),
            retired: Mutex::new(None),
            last_lookup: Mutex::new(None),
            backoff: self.config.common.retry_backoff_policy(),
            connect: self.cluster.pool().options().clone(),
            lost: AtomicBool::new(false),
            fatal: Mutex::new(None),
            subscribed: false,
            async_commit_fenced: AtomicBool::new(false),
            last_poll: Mutex::new(Instant::now()),
            max_poll_interval: self.config.max_poll_interval,
            notify: Notify::new(),
            cluster: self.cluster.clone(),
            sensors: self.metrics.group_sensors(),
        });
        *cached = Some(shared.clone());
        Ok(shared)
    }

    /// The positions of every assigned partition that has one, as offsets to commit.
    pub fn consumed_offsets(&self) -> BTreeMap<TopicPartition, OffsetAndMetadata> {
        self.parts
            .iter()
            .filter_map(|(tp, s)| {
                s.position.map(|p| {
                    (
                        tp.clone(),
                        OffsetAndMetadata {
                            offset: p,
                            leader_epoch: s.epoch,
                            metadata: String::new(),
                        },
                    )
                })
            })
            .collect()
    }

    /// Commits `offsets` (or, with `None`, the positions of everything consumed) and waits for
    /// the coordinator's answer. Asynchronous commits issued earlier finish first.
    ///
    /// A loading, moved or missing coordinator, a request timeout, a lost connection and a
    /// topic the coordinator does not know yet are retried until `default.api.timeout.ms`
    /// passes. A refusal ends the commit with the error Java 4.4 raises for it in the
    /// consumer's `group.protocol`: see [`ConsumerError::CommitFailed`],
    /// [`ConsumerError::RebalanceInProgress`] and [`ConsumerError::Group`]; any other code is
    /// [`ConsumerError::Client`]. A classic member refused as `UNKNOWN_MEMBER_ID` or
    /// `ILLEGAL_GENERATION` also forgets its generation and joins again at its next poll, its
    /// partitions lost; one refused as `REBALANCE_IN_PROGRESS` joins again.
    ///
    /// With `group.protocol=classic`, a subscribed member commits only in a stable generation,
    /// as Java's `ConsumerCoordinator` does: while it joins or syncs (or after a join round
    /// failed) the commit fails unsent with [`ConsumerError::RebalanceInProgress`]
    /// (`REBALANCE_IN_PROGRESS`), and without a generation (expelled, not joined yet) with
    /// [`ConsumerError::CommitFailed`] (`UNKNOWN_MEMBER_ID`). After an asynchronous commit was
    /// fenced (`FENCED_INSTANCE_ID`), every commit fails unsent with
    /// [`ConsumerError::Group`], even one of no offsets.
    pub async fn commit_sync(
        &mut self,
        offsets: Option<BTreeMap<TopicPartition, OffsetAndMetadata>>,
    ) -> Result<()> {
        self.fenced_by_async_commit()?;
        let offsets = offsets.unwrap_or_else(|| self.consumed_offsets());
        let req = self.commit_request(offsets)?;
        let shared = self.group_shared_or_temp()?;
        let (previous, done) = self.commit_turn();
        let started = Instant::now();
        let _ = previous.await;
        let r = commit(
            shared,
            req,
            CommitKind::Sync,
            self.config.group_protocol,
            self.config.default_api_timeout,
            self.metrics.commit_sensor(),
        )
        .await;
        drop(done);
        self.metrics.commit_sync(started.elapsed());
        r
    }

    /// Starts a commit and returns at once; the returned task reports the outcome.
    ///
    /// Commits complete in the order they were issued, as in Java: each waits for the one
    /// before it, so a commit's completion means every earlier commit has completed too, and
    /// the group never sees an older offset overwrite a newer one.
    ///
    /// The OffsetCommit is sent once, as Java 4.4's `commitAsync` sends it in both protocols:
    /// an error [`commit_sync`](Self::commit_sync) would retry (a loading, moved or missing
    /// coordinator, a request timeout, a lost connection) ends it with
    /// [`ConsumerError::RetriableCommitFailed`] instead, and a moved or missing coordinator is
    /// forgotten so the next commit looks it up again. Before sending, the coordinator is
    /// looked up if unknown: once with `group.protocol=classic` (a failed lookup is a
    /// `RetriableCommitFailed` too), and with `group.protocol=consumer` until one is found or
    /// `default.api.timeout.ms` has passed, as Java's new consumer holds the commit until its
    /// background thread knows the coordinator. To make sure offsets land, use `commit_sync`,
    /// or commit again later.
    ///
    /// Refusals map as for `commit_sync` (see [`ConsumerError::CommitFailed`]), except that a
    /// `consumer`-protocol commit answered `STALE_MEMBER_EPOCH` fails with that code as
    /// [`ConsumerError::Client`], as Java passes its `StaleMemberEpochException` through, and
    /// that a classic member fenced by `FENCED_INSTANCE_ID` also fails its polls and later
    /// commits with [`ConsumerError::Group`]: a later `commit_async` returns that error rather
    /// than a task, as Java's `commitAsync` throws it. The classic pre-send check of
    /// [`commit_sync`](Self::commit_sync) applies too.
    pub fn commit_async(
        &mut self,
        offsets: Option<BTreeMap<TopicPartition, OffsetAndMetadata>>,
    ) -> Result<tokio::task::JoinHandle<Result<()>>> {
        self.commit_async_with(offsets, |_| {})
    }

    /// [`commit_async`](Self::commit_async) with a callback (Java's `OffsetCommitCallback`),
    /// called with the outcome once every earlier commit's callback has returned.
    pub fn commit_async_with<F>(
        &mut self,
        offsets: Option<BTreeMap<TopicPartition, OffsetAndMetadata>>,
        callback: F,
    ) -> Result<tokio::task::JoinHandle<Result<()>>>
    where
        F: FnOnce(&Result<()>) + Send + 'static,
    {
        self.fenced_by_async_commit()?;
        let offsets = offsets.unwrap_or_else(|| self.consumed_offsets());
        let req = self.commit_request(offsets)?;
        let shared = self.group_shared_or_temp()?;
        let timeout = self.config.default_api_timeout;
        let protocol = self.config.group_protocol;
        let (previous, done) = self.commit_turn();
        let latency = self.metrics.commit_sensor();
        Ok(tokio::spawn(async move {
            // An earlier commit that was dropped or failed also releases its turn.
            let _ = previous.await;
            let r = commit(shared, req, CommitKind::Async, protocol, timeout, latency).await;
            callback(&r);
            drop(done);
            r
        }))
    }

    /// Java's classic consumer fails every commit after an asynchronous one was fenced
    /// (`FENCED_INSTANCE_ID`), before looking at the offsets or sending anything.
    fn fenced_by_async_commit(&self) -> Result<()> {
        if let Some(g) = &self.group {
            g.shared.fenced_by_async_commit()?;
        }
        let standalone = self.standalone.lock().unwrap_or_else(|e| e.into_inner());
        match standalone.as_ref() {
            Some(s) => s.fenced_by_async_commit(),
            None => Ok(()),
        }
    }

    /// A place in the commit order: a future that resolves when the previous commit is done,
    /// and the token whose drop tells the next one this commit is.
    fn commit_turn(
        &mut self,
    ) -> (
        impl Future<Output = ()> + Send + 'static,
        tokio::sync::oneshot::Sender<()>,
    ) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let previous = self.last_commit.replace(rx);
        (
            async move {
                if let Some(p) = previous {
                    let _ = p.await;
                }
            },
            tx,
        )
    }

    fn commit_request(
        &self,
        offsets: BTreeMap<TopicPartition, OffsetAndMetadata>,
    ) -> Result<OffsetCommitRequest> {
        let group_id = self.config.group_id.clone().ok_or(ConsumerError::NoGroup)?;
        let mut topics: BTreeMap<String, Vec<OffsetCommitRequestPartition>> = BTreeMap::new();
        for (tp, o) in offsets {
            topics
                .entry(tp.topic)
                .or_default()
                .push(OffsetCommitRequestPartition {
                    partition_index: tp.partition,
                    committed_offset: o.offset,
                    committed_leader_epoch: o.leader_epoch,
                    committed_metadata: Some(o.metadata),
                    ..Default::default()
                });
        }
        // Java's classic consumer names its instance only for group-managed partitions; the new
        // one always names the configured instance.
        let names_instance =
            self.group.is_some() || self.config.group_protocol == GroupProtocol::Consumer;
        // The generation or epoch and the member id are filled in for each attempt
        // (`GroupShared::commit_member`).
        Ok(OffsetCommitRequest {
            group_id,
            generation_id_or_member_epoch: -1,
            group_instance_id: if names_instance {
                self.config.group_instance_id.clone()
            } else {
                None
            },
            topics: topics
                .into_iter()
                .map(|(name, partitions)| OffsetCommitRequestTopic {
                    name,
                    partitions,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        })
    }

    /// The interval auto-commit, for subscribed and manually assigned partitions alike: Java's
    /// consumers auto-commit whenever a `group.id` is set.
    fn maybe_auto_commit(&mut self) {
        if !self.config.enable_auto_commit || self.config.group_id.is_none() {
            return;
        }
        // An auto-commit that failed on a retriable error is sent again `retry.backoff.ms`
        // after its failure rather than a whole interval after it was sent, as Java resets its
        // auto-commit timer.
        let failed_at = *self
            .auto_commit_failed
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let due = match failed_at {
            Some(t) if t >= self.last_auto_commit => t + self.config.common.retry_backoff,
            _ => self.last_auto_commit + self.config.auto_commit_interval,
        };
        if Instant::now() < due {
            return;
        }
        // Java's new consumer (`CommitRequestManager`) holds an interval auto-commit back while
        // the previous one is unanswered, leaving its timer expired so the first poll after the
        // answer sends it; the classic one (`ConsumerCoordinator`) sends on every expiry, and
        // its commits queue behind each other.
        let in_flight = self.auto_commit_in_flight.clone();
        if self.config.group_protocol == GroupProtocol::Consumer && in_flight.load(Ordering::SeqCst)
        {
            return;
        }
        self.last_auto_commit = Instant::now();
        if self.parts.is_empty() {
            return;
        }
        let failed = self.auto_commit_failed.clone();
        in_flight.store(true, Ordering::SeqCst);
        let answered = in_flight.clone();
        let r = self.commit_async_with(None, move |r| {
            answered.store(false, Ordering::SeqCst);
            if let Err(e) = r {
                tracing::debug!(error = %e, "auto-commit failed");
                // Only a retriable failure brings the next one forward, as in Java.
                if matches!(e, ConsumerError::RetriableCommitFailed(_)) {
                    *failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
                }
            }
        });
        if let Err(e) = r {
            in_flight.store(false, Ordering::SeqCst);
            tracing::debug!(error = %e, "auto-commit not sent");
        }
    }

    /// Commits every consumed position synchronously if auto-commit is on (`kind`: before a
    /// rebalance, or before leaving); failures are logged, as Java does.
    async fn auto_commit_sync(&mut self, kind: CommitKind) {
        if !self.config.enable_auto_commit {
            return;
        }
        let offsets = self.consumed_offsets();
        if offsets.is_empty() {
            return;
        }
        let r = if kind == CommitKind::BeforeRebalance {
            self.commit_before_rebalance(offsets).await
        } else {
            self.commit_sync(Some(offsets)).await
        };
        match r {
            // Java's close logs its failed synchronous auto-commit at WARN and goes on.
            Err(e) if kind == CommitKind::Sync => {
                tracing::warn!(error = %e, "synchronous auto-commit on close failed");
            }
            Err(e) => tracing::debug!(error = %e, "auto-commit before rebalance failed"),
            Ok(()) => {}
        }
    }

    /// The auto-commit before a KIP-848 reconciliation takes partitions away:
    /// [`Self::commit_sync`] that also waits out an epoch that moved on
    /// ([`CommitKind::BeforeRebalance`]), with the rebalance timeout (`max.poll.interval.ms`)
    /// for it, as Java's reconciliation gives it.
    async fn commit_before_rebalance(
        &mut self,
        offsets: BTreeMap<TopicPartition, OffsetAndMetadata>,
    ) -> Result<()> {
        let req = self.commit_request(offsets)?;
        let shared = self.group_shared_or_temp()?;
        let timeout = self.config.max_poll_interval;
        let (previous, done) = self.commit_turn();
        let _ = previous.await;
        let r = commit(
            shared,
            req,
            CommitKind::BeforeRebalance,
            self.config.group_protocol,
            timeout,
            self.metrics.commit_sensor(),
        )
        .await;
        drop(done);
        r
    }

    /// The auto-commit before a classic JoinGroup, as Java's `onJoinPrepare` makes it: one
    /// asynchronous commit of everything consumed, awaited. A retriable failure (a moved or
    /// loading coordinator, a topic the coordinator does not know, deleted or not yet known)
    /// holds the join back and is tried again `retry.backoff.ms` later, at a later pass of
    /// the poll, until `max.poll.interval.ms` after the first attempt; any other outcome lets
    /// the join go ahead. False while the join must wait.
    async fn join_prepare_commit(&mut self) -> bool {
        if !self.config.enable_auto_commit {
            return true;
        }
        let now = Instant::now();
        let prep = *self.join_prepare.get_or_insert(JoinPrepare {
            deadline: now + self.config.max_poll_interval,
            retry_at: now,
        });
        if now < prep.retry_at {
            return false;
        }
        let offsets = self.consumed_offsets();
        let r = if offsets.is_empty() {
            Ok(())
        } else {
            self.commit_once_before_join(offsets).await
        };
        match r {
            Err(ConsumerError::RetriableCommitFailed(e)) if Instant::now() < prep.deadline => {
                tracing::debug!(error = %e, "auto-commit before joining failed; retrying before the join");
                self.join_prepare = Some(JoinPrepare {
                    retry_at: Instant::now() + self.config.common.retry_backoff,
                    ..prep
                });
                false
            }
            r => {
                if let Err(e) = r {
                    tracing::warn!(error = %e, "auto-commit before joining failed; joining anyway");
                }
                self.join_prepare = None;
                true
            }
        }
    }

    /// One OffsetCommit of `offsets` in the commit order, awaited: an asynchronous commit, as
    /// Java's `onJoinPrepare` sends one.
    async fn commit_once_before_join(
        &mut self,
        offsets: BTreeMap<TopicPartition, OffsetAndMetadata>,
    ) -> Result<()> {
        let req = self.commit_request(offsets)?;
        let shared = self.group_shared_or_temp()?;
        let (previous, done) = self.commit_turn();
        let _ = previous.await;
        let r = commit(
            shared,
            req,
            CommitKind::Async,
            self.config.group_protocol,
            self.config.default_api_timeout,
            self.metrics.commit_sensor(),
        )
        .await;
        drop(done);
        r
    }

    // ---------------------------------------------------------------- group membership

    fn listener_mut(&mut self) -> &mut dyn RebalanceListener {
        self.listener
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
    }

    fn context(&self) -> RebalanceContext {
        let (generation, member_id) = self.group_metadata().unwrap_or((-1, String::new()));
        RebalanceContext {
            positions: self
                .parts
                .iter()
                .filter_map(|(tp, s)| s.position.map(|p| (tp.clone(), p)))
                .collect(),
            commits: BTreeMap::new(),
            seeks: BTreeMap::new(),
            generation,
            member_id,
        }
    }

    /// Carries out what a callback asked for.
    async fn apply_context(&mut self, ctx: RebalanceContext) -> Result<()> {
        for (tp, offset) in ctx.seeks {
            if let Some(st) = self.parts.get_mut(&tp) {
                st.seek_validated(offset, -1);
            }
        }
        if !ctx.commits.is_empty()
            && let Err(e) = self.commit_sync(Some(ctx.commits)).await
        {
            // The rebalance goes on regardless, as Java's does when a commit inside a callback
            // fails; the partitions' next owner starts from the last successful commit.
            tracing::warn!(error = %e, "commit requested by a rebalance callback failed");
        }
        Ok(())
    }

    /// Gives `partitions` up: the revoked (or lost) callback, then their state goes. It commits
    /// nothing itself: the callers commit everything consumed beforehand where Java does (before
    /// a classic JoinGroup, before a KIP-848 revocation, before leaving), and once.
    async fn revoke(&mut self, partitions: Vec<TopicPartition>, lost: bool) -> Result<()> {
        if partitions.is_empty() {
            return Ok(());
        }
        let mut ctx = self.context();
        let started = Instant::now();
        if lost {
            self.listener_mut()
                .on_partitions_lost(&mut ctx, &partitions);
        } else {
            self.listener_mut()
                .on_partitions_revoked(&mut ctx, &partitions);
        }
        let which = if lost {
            Callback::Lost
        } else {
            Callback::Revoked
        };
        self.metrics.callback(which, started.elapsed());
        let r = if lost {
            Ok(())
        } else {
            self.apply_context(ctx).await
        };
        for tp in &partitions {
            self.parts.remove(tp);
        }
        let metrics = &mut self.metrics;
        self.buffered.retain(|f| {
            let keep = !partitions.contains(&f.tp);
            if !keep {
                retire(metrics, f);
            }
            keep
        });
        self.assignment_changed();
        r
    }

    async fn add_partitions(&mut self, partitions: Vec<TopicPartition>) -> Result<()> {
        for tp in &partitions {
            self.parts.entry(tp.clone()).or_insert_with(PartState::new);
        }
        // Only when the cache lacks a leader: Java's consumer asks for no metadata on an
        // assignment whose topics it already knows, and fetching finds moved leaders itself.
        if !self.metadata_covers(&self.cluster.metadata()) {
            self.mark_metadata_stale();
        }
        self.assignment_changed();
        let mut ctx = self.context();
        let started = Instant::now();
        self.listener_mut()
            .on_partitions_assigned(&mut ctx, &partitions);
        self.metrics.callback(Callback::Assigned, started.elapsed());
        self.apply_context(ctx).await
    }

    async fn ensure_group(&mut self) -> Result<()> {
        let Some(g) = &self.group else { return Ok(()) };
        let shared = g.shared.clone();
        if let Some(code) = *shared.fatal.lock().unwrap_or_else(|e| e.into_inner()) {
            return Err(ConsumerError::Group(code));
        }
        if shared.lost.swap(false, Ordering::SeqCst) {
            let owned: Vec<TopicPartition> = self.parts.keys().cloned().collect();
            self.revoke(owned, true).await?;
            self.kip848_reconciled_once = false;
        }
        match &shared.membership {
            Membership::Classic(_) => self.ensure_classic(shared).await,
            Membership::Kip848(_) => self.reconcile_kip848(shared).await,
        }
    }

    async fn ensure_classic(&mut self, shared: Arc<GroupShared>) -> Result<()> {
        let Membership::Classic(machine) = &shared.membership else {
            return Ok(());
        };
        let lock = || machine.lock().unwrap_or_else(|e| e.into_inner());
        let protocol = self
            .group
            .as_ref()
            .map_or(RebalanceProtocol::Eager, |g| g.protocol);
        let backoff = self.config.common.retry_backoff_policy();
        // The leader watches the subscribed topics' partition counts (refreshed every
        // metadata.max.age.ms) and rebalances when they change, as Java's leader does.
        if self.assignment_snapshot.is_some() && self.cluster.is_stale() {
            self.refresh_metadata().await;
            let md = self.cluster.metadata();
            let changed = self.assignment_snapshot.as_ref().is_some_and(|snap| {
                self.subscription.iter().any(|t| {
                    let now = md.topic(t).map_or(0, |m| m.partitions.len() as i32);
                    snap.get(t).copied().unwrap_or(0) != now
                })
            });
            if changed {
                self.assignment_snapshot = None;
                lock().request_rejoin();
            }
        }
        let mut attempts = 0u32;
        while lock().rejoin_needed() {
            if attempts > 0 {
                // Java's `joinGroupIfNeeded` sleeps `retry.backoff.ms`, growing to
                // `retry.backoff.max.ms`, between failed rounds.
                // Computed apart: the thread's RNG must not be held across the await.
                let wait = backoff.backoff(attempts - 1, &mut rand::rng());
                tokio::time::sleep(wait).await;
            }
            attempts += 1;
            // A forgotten generation or member id (an error answer to JoinGroup or SyncGroup, as
            // well as the heartbeat errors that raise `lost`) means the coordinator may have
            // given our partitions away already: they go as lost, not revoked (no commit, no
            // claim on them in the JoinGroup), as in Java's onJoinPrepare.
            let membership_lost = lock().membership_lost();
            if shared.lost.swap(false, Ordering::SeqCst) || membership_lost {
                let owned: Vec<TopicPartition> = self.parts.keys().cloned().collect();
                self.revoke(owned, true).await?;
            }
            if let Some(code) = *shared.fatal.lock().unwrap_or_else(|e| e.into_inner()) {
                return Err(ConsumerError::Group(code));
            }
            if let Err(e) = shared.coordinator().await {
                tracing::debug!(error = %e, "coordinator lookup failed");
                continue;
            }
            // Before joining: commit, and under eager rebalancing give everything up. While the
            // commit waits to be retried, the poll goes on with the partitions still owned, as
            // Java's poll does not wait for the join.
            if !self.join_prepare_commit().await {
                return Ok(());
            }
            if protocol == RebalanceProtocol::Eager {
                let owned: Vec<TopicPartition> = self.parts.keys().cloned().collect();
                self.revoke(owned, false).await?;
            }
            let join = {
                let (generation, owned) = (
                    lock().generation(),
                    self.parts.keys().cloned().collect::<Vec<_>>(),
                );
                let protocols = self.subscriptions(generation, owned);
                lock().join_request(protocols, "joining or rebalancing")
            };
            self.metrics.rebalance_joining();
            let sent = Instant::now();
            let resp: JoinGroupResponse = match shared.send(&join, 11, 9).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::debug!(error = %e, "JoinGroup failed");
                    lock().join_failed();
                    self.metrics.rebalance_failed();
                    continue;
                }
            };
            let join_latency = sent.elapsed();
            let outcome = {
                let mut m = lock();
                let outcome = m.handle_join_response(Instant::now(), &resp);
                if matches!(
                    outcome,
                    JoinOutcome::Leader { .. } | JoinOutcome::Follower { .. }
                ) {
                    // The poll timer restarts with the heartbeats, as Java's
                    // `Heartbeat.resetTimeouts` does on the JoinGroup answer: time spent waiting
                    // for the other members to join is not time the application failed to poll,
                    // and must not bring a poll-timeout LeaveGroup right after the round
                    // completes. Under the machine's lock, so the heartbeat task never sees the
                    // new state with the old timer.
                    *shared.last_poll.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
                }
                outcome
            };
            match outcome {
                JoinOutcome::Leader { .. } | JoinOutcome::Follower { .. } => {
                    self.metrics.joined(join_latency)
                }
                // MEMBER_ID_REQUIRED is the broker handing out the id to join with, not a
                // failure (Java raises it without recording one).
                _ if resp.error_code == 79 => {}
                _ => self.metrics.rebalance_failed(),
            }
            let assignments = match outcome {
                JoinOutcome::Rejoin => continue,
                JoinOutcome::FindCoordinator => {
                    shared.forget_coordinator().await;
                    continue;
                }
                JoinOutcome::Fatal(code) => return Err(ConsumerError::Group(code)),
                JoinOutcome::Follower { .. } => {
                    self.assignment_snapshot = None;
                    Vec::new()
                }
                JoinOutcome::Leader { protocol, members } => {
                    match self.perform_assignment(&protocol, members).await {
                        Ok(a) => a,
                        Err(e) => {
                            // As in Java: the error reaches the caller, and the next poll
                            // joins again.
                            lock().join_failed();
                            return Err(e);
                        }
                    }
                }
            };
            let sync: SyncGroupRequest = lock().sync_request(assignments);
            let sent = Instant::now();
            let resp: SyncGroupResponse = match shared.send(&sync, 14, 5).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::debug!(error = %e, "SyncGroup failed");
                    lock().join_failed();
                    self.metrics.rebalance_failed();
                    continue;
                }
            };
            let outcome = lock().handle_sync_response(Instant::now(), &resp);
            match outcome {
                SyncOutcome::Assigned(_) => self.metrics.synced(sent.elapsed()),
                _ => self.metrics.rebalance_failed(),
            }
            match outcome {
                SyncOutcome::Rejoin => continue,
                SyncOutcome::FindCoordinator => {
                    shared.forget_coordinator().await;
                    continue;
                }
                SyncOutcome::Fatal(code) => return Err(ConsumerError::Group(code)),
                SyncOutcome::Assigned(bytes) => {
                    let assignment = match Assignment::decode(bytes) {
                        Ok(a) => a,
                        Err(e) => {
                            lock().request_rejoin();
                            return Err(e.into());
                        }
                    };
                    let (generation, name) = {
                        let m = lock();
                        (m.generation(), m.protocol().unwrap_or_default().to_owned())
                    };
                    if let Some(a) = self.assignors.iter().find(|a| a.name() == name) {
                        a.on_assignment(&assignment, generation);
                    }
                    let new: BTreeSet<TopicPartition> = assignment.partitions.into_iter().collect();
                    let owned: BTreeSet<TopicPartition> = self.parts.keys().cloned().collect();
                    let revoked: Vec<TopicPartition> = owned.difference(&new).cloned().collect();
                    let added: Vec<TopicPartition> = new.difference(&owned).cloned().collect();
                    if !revoked.is_empty() {
                        self.revoke(revoked, false).await?;
                        // Cooperative: the revoked partitions go to their new owner in a
                        // follow-up rebalance.
                        lock().request_rejoin();
                    }
                    self.add_partitions(added).await?;
                    shared.notify.notify_one();
                }
            }
        }
        Ok(())
    }

    /// JoinGroup protocols: every assignor with this member's subscription.
    fn subscriptions(&self, generation: i32, owned: Vec<TopicPartition>) -> Vec<(String, Bytes)> {
        let cooperative = self
            .group
            .as_ref()
            .is_some_and(|g| g.protocol == RebalanceProtocol::Cooperative);
        let rack = (!self.config.client_rack.is_empty()).then(|| self.config.client_rack.clone());
        self.assignors
            .iter()
            .map(|a| {
                let s = Subscription {
                    topics: self.subscription.clone(),
                    user_data: a.subscription_user_data(&self.subscription),
                    owned_partitions: if cooperative {
                        owned.clone()
                    } else {
                        Vec::new()
                    },
                    generation_id: generation,
                    rack_id: rack.clone(),
                };
                (a.name().to_owned(), s.encode(CONSUMER_PROTOCOL_VERSION))
            })
            .collect()
    }

    async fn perform_assignment(
        &mut self,
        protocol: &str,
        members: Vec<(String, Option<String>, Bytes)>,
    ) -> Result<Vec<(String, Bytes)>> {
        let assignor = self
            .assignors
            .iter()
            .find(|a| a.name() == protocol)
            .cloned()
            .ok_or_else(|| ConsumerError::UnknownAssignor(protocol.to_owned()))?;
        let mut group = Vec::with_capacity(members.len());
        let mut topics = BTreeSet::new();
        for (member_id, group_instance_id, metadata) in members {
            let subscription = Subscription::decode(metadata)?;
            topics.extend(subscription.topics.iter().cloned());
            group.push(GroupMember {
                member_id,
                group_instance_id,
                subscription,
            });
        }
        let topic_list: Vec<String> = topics.iter().cloned().collect();
        let md = match self.cluster.fetch_metadata(Some(&topic_list)).await {
            Ok(md) => md,
            Err(_) => self.cluster.metadata(),
        };
        let partitions: PartitionsPerTopic = topics
            .iter()
            .filter_map(|t| {
                md.topic(t)
                    .filter(|m| !m.partitions.is_empty())
                    .map(|m| (t.clone(), m.partitions.len() as i32))
            })
            .collect();
        let out = assignor.assign(&partitions, &group)?;
        self.assignment_snapshot = Some(partitions);
        Ok(group
            .iter()
            .map(|m| {
                let a = out.get(&m.member_id).cloned().unwrap_or_default();
                (m.member_id.clone(), a.encode(CONSUMER_PROTOCOL_VERSION))
            })
            .collect())
    }

    async fn reconcile_kip848(&mut self, shared: Arc<GroupShared>) -> Result<()> {
        let Membership::Kip848(machine) = &shared.membership else {
            return Ok(());
        };
        let Some(target) = machine
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take_target()
        else {
            return Ok(());
        };
        let started = std::time::Instant::now();
        // Name the topics; unknown ids need fresh metadata.
        let mut md = self.cluster.metadata();
        if target.iter().any(|(id, _)| md.topic_by_id(*id).is_none()) {
            let topics = self.subscription.clone();
            if let Ok(m) = self.cluster.fetch_metadata(Some(&topics)).await {
                md = m;
            }
        }
        let mut new = BTreeSet::new();
        let mut resolved: IdAssignment = Vec::new();
        for (id, parts) in &target {
            match md.topic_by_id(*id) {
                Some(t) => {
                    new.extend(
                        parts
                            .iter()
                            .map(|p| TopicPartition::new(t.name.clone(), *p)),
                    );
                    resolved.push((*id, parts.clone()));
                }
                None => tracing::debug!(topic_id = %id, "assigned topic not in metadata yet"),
            }
        }
        let owned: BTreeSet<TopicPartition> = self.parts.keys().cloned().collect();
        let revoked: Vec<TopicPartition> = owned.difference(&new).cloned().collect();
        let added: Vec<TopicPartition> = new.difference(&owned).cloned().collect();
        // As in Java, an unchanged assignment (a new epoch only) runs no callbacks, and is no
        // rebalance for the metrics.
        let changed = !revoked.is_empty() || !added.is_empty() || !self.kip848_reconciled_once;
        if changed {
            self.kip848_reconciled_once = true;
            if !revoked.is_empty() {
                // Java's `autoCommitSyncBeforeRevocation`: everything consumed, not only what is
                // given up.
                self.auto_commit_sync(CommitKind::BeforeRebalance).await;
            }
            let r = match self.revoke(revoked, false).await {
                Ok(()) => self.add_partitions(added).await,
                e => e,
            };
            if let Err(e) = r {
                self.metrics.rebalance_failed();
                return Err(e);
            }
        }
        let current = machine
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .reconciled(resolved);
        if changed {
            if current {
                self.metrics.reconciled(started);
            } else {
                self.metrics.rebalance_failed();
            }
        }
        if !current {
            // The membership ended (left on poll timeout, fenced) while we reconciled: what
            // was just taken is not ours; the next poll reports it lost and rejoins.
            shared.lost.store(true, Ordering::SeqCst);
        }
        if target.len() != md_count(&target, &md) {
            // Some topic ids were unknown: ask again after the next heartbeat.
            self.mark_metadata_stale();
        }
        shared.notify.notify_one();
        Ok(())
    }

    /// Leaves the group (giving the partitions up first) and drops the subscription.
    ///
    /// The listener hears [`RebalanceListener::on_partitions_revoked`], or
    /// [`RebalanceListener::on_partitions_lost`] when the membership is already gone (expelled,
    /// or left on `max.poll.interval.ms`) or, classic protocol, a rebalance is in progress;
    /// static members (`group.instance.id`) alike, as Java 4.4's consumers do. A classic static
    /// member sends no LeaveGroup (it keeps its place until its session times out); a KIP-848
    /// static member leaves with epoch -2.
    ///
    /// Nothing is committed, auto-commit or not, as Java 4.4's consumers do not commit on
    /// `unsubscribe()` (the classic one runs `onLeavePrepare` and leaves; the `consumer`-protocol
    /// one releases its assignment and leaves): commit in
    /// [`RebalanceListener::on_partitions_revoked`] or before unsubscribing to keep what was
    /// consumed. [`close`](Self::close) does commit.
    pub async fn unsubscribe(&mut self) -> Result<()> {
        if self.group.is_some() {
            self.leave_group(false).await;
        }
        self.group = None;
        self.subscription.clear();
        self.parts.clear();
        for f in std::mem::take(&mut self.buffered) {
            retire(&mut self.metrics, &f);
        }
        self.assignment_changed();
        Ok(())
    }

    /// Gives the partitions up (revoked or lost, see `leave_loses_partitions`) and
    /// leaves the group; `commit` (closing) auto-commits first, as Java's close does
    /// (`maybeAutoCommitOffsetsSync`) and its unsubscribe does not. Static members give their
    /// partitions up too, as Java 4.4's do; classic ones then send no LeaveGroup, KIP-848 ones
    /// leave with epoch -2.
    async fn leave_group(&mut self, commit: bool) {
        let Some(g) = &self.group else { return };
        let shared = g.shared.clone();
        let task = g.task.clone();
        let owned: Vec<TopicPartition> = self.parts.keys().cloned().collect();
        if commit {
            self.auto_commit_sync(CommitKind::Sync).await;
        }
        let lost = leave_loses_partitions(&shared, commit);
        if let Err(e) = self.revoke(owned, lost).await {
            tracing::debug!(error = %e, "revocation on leave failed");
        }
        task.abort();
        match &shared.membership {
            Membership::Classic(m) => {
                let req = m
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .leave_request("the consumer is closing");
                if let Some(req) = req
                    && let Err(e) = shared.send_leave(req).await
                {
                    tracing::warn!(error = %e, "LeaveGroup failed; the member stays in the group until its session times out");
                }
            }
            Membership::Kip848(m) => {
                let req = m.lock().unwrap_or_else(|e| e.into_inner()).leave_request();
                if let Some(req) = req {
                    let r: Result<ConsumerGroupHeartbeatResponse, Error> =
                        shared.send(&req, 68, 1).await;
                    if let Err(e) = r {
                        tracing::debug!(error = %e, "leave heartbeat failed");
                    }
                }
            }
        }
    }

    /// Commits (if auto-commit is on and a `group.id` is set, subscribed or manually
    /// assigned), waits for asynchronous commits still in flight (up to
    /// `default.api.timeout.ms`, as Java's close does), gives the partitions up, static
    /// members too (classic: as [`unsubscribe`](Self::unsubscribe) does, revoked, or lost
    /// without a valid membership or during a rebalance; `consumer` protocol: revoked, even
    /// when the membership is already gone, as Java 4.4's close decides on the last positive
    /// epoch), leaves the group (a classic static member stays, to come back within the session
    /// timeout; a KIP-848 one leaves with epoch -2) and closes the connections.
    pub async fn close(mut self) -> Result<()> {
        // Commits run in issue order, so the last one finishing means all have; closing the
        // coordinator connection under them would lose offsets the application committed.
        if let Some(last) = self.last_commit.take()
            && tokio::time::timeout(self.config.default_api_timeout, last)
                .await
                .is_err()
        {
            tracing::warn!("closing with asynchronous commits still unanswered");
        }
        if self.group.is_some() {
            self.leave_group(true).await;
        } else if self.config.group_id.is_some() {
            // Manually assigned partitions are committed on close too, as Java commits
            // whatever was consumed whenever a `group.id` is set.
            self.auto_commit_sync(CommitKind::Sync).await;
        }
        self.in_flight.abort_all();
        if let Some(g) = self.group.take()
            && let Some(c) = g.shared.coordinator.lock().await.take()
        {
            c.close(Duration::from_secs(1)).await;
        }
        self.cluster.close(Duration::from_secs(1)).await;
        Ok(())
    }

    /// Drops the group state without leaving (as if the process died): for tests of static
    /// membership and session expiry.
    pub async fn abandon(mut self) {
        self.in_flight.abort_all();
        if let Some(g) = self.group.take() {
            g.task.abort();
            if let Some(c) = g.shared.coordinator.lock().await.take() {
                c.close(Duration::ZERO).await;
            }
        }
        self.cluster.close(Duration::ZERO).await;
    }
}

/// Whether a member leaving its group (`closing`, else unsubscribing) reports its partitions
/// lost rather than revoked, as Java 4.4 decides; static or not makes no difference.
///
/// Classic, either way (`ConsumerCoordinator.onLeavePrepare`): lost without a generation or
/// member id (expelled, or left on the poll timeout) or while a rebalance is in progress.
///
/// `consumer` protocol: `unsubscribe()` releases the assignment in the background thread
/// (`invokeOnPartitionsRevokedOrLostToReleaseAssignment`): revoked while the member epoch is
/// positive; a membership already gone (left on the poll timeout, fenced) has its partitions
/// reported lost by the callback queued when it went, which the unsubscribe runs. `close()`
/// decides in the application thread (`runRebalanceCallbacksOnClose`) on the group metadata's
/// generation, which keeps the last positive epoch when the membership goes (a leaving or
/// fenced epoch is not passed on): partitions still owned are reported revoked.
fn leave_loses_partitions(shared: &GroupShared, closing: bool) -> bool {
    let gone = shared.lost.load(Ordering::SeqCst);
    match &shared.membership {
        Membership::Classic(m) => {
            gone || m
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .leave_loses_partitions()
        }
        Membership::Kip848(_) if closing => false,
        Membership::Kip848(m) => gone || !m.lock().unwrap_or_else(|e| e.into_inner()).is_member(),
    }
}

/// The broker to fetch a partition from (KIP-392, Java's `selectReadReplica`): the replica the
/// leader chose for us while that choice is fresh and the replica known and online, else the
/// leader.
fn read_node(
    read_replica: Option<(i32, Instant)>,
    p: &crate::metadata::PartitionMetadata,
    metadata: &crate::metadata::ClusterMetadata,
    now: Instant,
) -> i32 {
    match read_replica {
        Some((r, until))
            if until > now
                && metadata.brokers.contains_key(&r)
                && !p.offline_replicas.contains(&r) =>
        {
            r
        }
        _ => p.leader,
    }
}

fn md_count(target: &IdAssignment, md: &crate::metadata::ClusterMetadata) -> usize {
    target
        .iter()
        .filter(|(id, _)| md.topic_by_id(*id).is_some())
        .count()
}

fn e_retriable(e: &ConsumerError) -> bool {
    matches!(e, ConsumerError::Client(c) if c.is_retriable())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A fresh member id for KIP-848 (ConsumerGroupHeartbeat v1 has the client choose it): a
/// random UUID in Kafka's text form.
fn random_member_id() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    Uuid::from_halves(rng.next_u64(), rng.next_u64()).to_string()
}

/// Fetch v13+ names topics by id.
fn set_topic_ids(req: &mut FetchRequest, cluster: &Cluster) -> Result<(), Error> {
    let md = cluster.metadata();
    let id = |name: &str| {
        md.topic(name)
            .map(|t| t.topic_id)
            .filter(|id| *id != Uuid::ZERO)
            .ok_or_else(|| Error::UnknownTopic {
                topic: name.to_owned(),
                code: KafkaCode::UNKNOWN_TOPIC_ID,
            })
    };
    for t in &mut req.topics {
        t.topic_id = id(&t.topic)?;
    }
    for t in &mut req.forgotten_topics_data {
        t.topic_id = id(&t.topic)?;
    }
    Ok(())
}

/// A partition's fetched data is finished with (drained, or dropped): what it gave the
/// application counts towards its fetch response's consumed metrics.
fn retire(metrics: &mut ConsumerMetrics, f: &CompletedFetch) {
    let (response, bytes, records) = f.consumed();
    metrics.partition_done(response, f.topic(), bytes, records);
}

/// Which of Java's commit paths a commit takes: they differ in what they retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CommitKind {
    /// `commit_sync` and the auto-commit on close: the retried errors are
    /// retried until the deadline.
    Sync,
    /// The auto-commit before a KIP-848 reconciliation gives partitions up: as `Sync`, and
    /// `STALE_MEMBER_EPOCH` is retried while the consumer is a member (the epoch it named was
    /// overtaken by one its next heartbeat brings), as Java's new consumer retries this commit
    /// only. A deleted topic (`UNKNOWN_TOPIC_OR_PARTITION`) is not waited for, as Java's
    /// `CommitRequestManager` gives this commit up on it. (The classic member's commit before
    /// joining is an `Async` one, retried by the poll: `Consumer::join_prepare_commit`.)
    BeforeRebalance,
    /// `commit_async` and the interval auto-commit: one OffsetCommit, whose retriable errors
    /// end it as `ConsumerError::RetriableCommitFailed`.
    Async,
}

/// What the consumer knows of its membership when a commit's answer arrives, for the codes
/// whose meaning depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CommitView {
    /// `group.protocol=classic`: whether the generation and member id are still those the
    /// commit named, and whether the member is joining a newer generation (Java's
    /// `PREPARING_REBALANCE`).
    Classic {
        generation_unchanged: bool,
        joining: bool,
    },
    /// `group.protocol=consumer`: whether the consumer is a member with an epoch.
    Consumer { still_member: bool },
}

/// What a commit does after a partition's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CommitErrorAction {
    /// Send it again after the backoff, naming the membership as it is then (an asynchronous
    /// commit is not sent again: `ConsumerError::RetriableCommitFailed`).
    Retry,
    /// Forget the coordinator, then as `Retry`.
    RetryWithNewCoordinator,
    /// The membership the commit was made for is gone: `ConsumerError::CommitFailed`.
    CommitFailed,
    /// The group is rebalancing: `ConsumerError::RebalanceInProgress`.
    RebalanceInProgress,
    /// The static member was fenced by another instance: `ConsumerError::Group`.
    Fenced,
    /// The error itself is the outcome (`ConsumerError::Client`, Java's generic
    /// `KafkaException` for a code the commit does not expect).
    Fail,
}

const UNKNOWN_TOPIC_OR_PARTITION: i16 = 3;
const REQUEST_TIMED_OUT: i16 = 7;
const COORDINATOR_LOAD_IN_PROGRESS: i16 = 14;
const COORDINATOR_NOT_AVAILABLE: i16 = 15;
const NOT_COORDINATOR: i16 = 16;
const ILLEGAL_GENERATION: i16 = 22;
const UNKNOWN_MEMBER_ID: i16 = 25;
const REBALANCE_IN_PROGRESS: i16 = 27;
const FENCED_INSTANCE_ID: i16 = 82;
const UNKNOWN_TOPIC_ID: i16 = 100;
#[cfg(test)]
const FENCED_MEMBER_EPOCH: i16 = 110;
const STALE_MEMBER_EPOCH: i16 = 113;

/// The reaction to OffsetCommit partition error `code` for a commit of `kind`, given what
/// `view` says of the membership when the answer arrived: Java 4.4's `ConsumerCoordinator`
/// (classic) and `CommitRequestManager` (consumer) agree on the retried codes and differ on
/// the refusals.
///
/// Only the coordinator's own troubles and a topic the broker does not know yet are retried:
/// every other code, retriable or not, ends the commit. A coordinator that moved, is missing,
/// or timed the request out is looked up again; a loading one is the right one and is asked
/// again.
///
/// A classic member's commit fails as `CommitFailed` on `UNKNOWN_MEMBER_ID` and
/// `ILLEGAL_GENERATION` unless a newer generation is already joining (then
/// `RebalanceInProgress`, as for `REBALANCE_IN_PROGRESS`); `FENCED_INSTANCE_ID` fences it when
/// its generation is the one the commit named. A `consumer`-protocol commit fails as
/// `CommitFailed` on `UNKNOWN_MEMBER_ID`, `FENCED_INSTANCE_ID`, and a synchronous commit's
/// `STALE_MEMBER_EPOCH`. Every other code (`FENCED_MEMBER_EPOCH` in both protocols) is the
/// outcome as it is.
fn commit_error_action(code: i16, kind: CommitKind, view: CommitView) -> CommitErrorAction {
    use CommitErrorAction::{
        CommitFailed, Fail, Fenced, RebalanceInProgress, Retry, RetryWithNewCoordinator,
    };
    match code {
        COORDINATOR_NOT_AVAILABLE | NOT_COORDINATOR | REQUEST_TIMED_OUT => {
            return RetryWithNewCoordinator;
        }
        COORDINATOR_LOAD_IN_PROGRESS => return Retry,
        UNKNOWN_TOPIC_OR_PARTITION | UNKNOWN_TOPIC_ID if kind == CommitKind::BeforeRebalance => {
            return Fail;
        }
        UNKNOWN_TOPIC_OR_PARTITION | UNKNOWN_TOPIC_ID => return Retry,
        _ => {}
    }
    match view {
        CommitView::Classic {
            generation_unchanged,
            joining,
        } => match code {
            REBALANCE_IN_PROGRESS => RebalanceInProgress,
            UNKNOWN_MEMBER_ID | ILLEGAL_GENERATION if !generation_unchanged && joining => {
                RebalanceInProgress
            }
            UNKNOWN_MEMBER_ID | ILLEGAL_GENERATION => CommitFailed,
            FENCED_INSTANCE_ID if generation_unchanged => Fenced,
            FENCED_INSTANCE_ID if joining => RebalanceInProgress,
            FENCED_INSTANCE_ID => CommitFailed,
            _ => Fail,
        },
        CommitView::Consumer { still_member } => match code {
            STALE_MEMBER_EPOCH if kind == CommitKind::BeforeRebalance && still_member => Retry,
            STALE_MEMBER_EPOCH if kind == CommitKind::Sync => CommitFailed,
            UNKNOWN_MEMBER_ID | FENCED_INSTANCE_ID => CommitFailed,
            _ => Fail,
        },
    }
}

/// [`GroupShared::unstable_generation`] for a classic member in `state`, `lost` when it has no
/// generation or member id.
fn classic_commit_gate(
    state: super::group::classic::MemberState,
    lost: bool,
) -> Option<ConsumerError> {
    use super::group::classic::MemberState;
    let rebalancing = Some(ConsumerError::RebalanceInProgress(KafkaCode(
        REBALANCE_IN_PROGRESS,
    )));
    match state {
        MemberState::Stable => None,
        MemberState::Joining | MemberState::Syncing => rebalancing,
        MemberState::Unjoined if lost => {
            Some(ConsumerError::CommitFailed(KafkaCode(UNKNOWN_MEMBER_ID)))
        }
        MemberState::Unjoined => rebalancing,
    }
}

/// Waits before retry number `attempts` (0 for the first): `retry.backoff.ms` grown by each
/// failed attempt up to `retry.backoff.max.ms`, jittered, and never past `deadline`. False when
/// the deadline has passed, so there is no time for another attempt (Java's `Timer.sleep`
/// followed by its expiry check).
async fn backoff_before_retry(
    backoff: &ExponentialBackoff,
    attempts: u32,
    deadline: Instant,
) -> bool {
    // Drawn apart from the await: the thread's RNG is not `Send`.
    let wait = backoff.backoff(attempts, &mut rand::rng());
    let now = Instant::now();
    if now >= deadline {
        return false;
    }
    tokio::time::sleep(wait.min(deadline - now)).await;
    Instant::now() < deadline
}

/// Looks the coordinator up for an asynchronous commit, as Java's `commitAsync` does before its
/// single attempt: a classic consumer asks once, a `consumer`-protocol one until a coordinator
/// is found or `deadline` passes. A failure the commit cannot get past is its outcome.
async fn coordinator_for_async_commit(
    shared: &GroupShared,
    protocol: GroupProtocol,
    deadline: Instant,
) -> Result<()> {
    let mut attempts = 0u32;
    loop {
        let e = match shared.coordinator().await {
            Ok(_) => return Ok(()),
            Err(e) => e,
        };
        // Java's classic consumer reports any failed lookup as retriable: the next commit
        // looks again.
        if protocol == GroupProtocol::Classic {
            return Err(ConsumerError::RetriableCommitFailed(e));
        }
        if !e.is_retriable() {
            return Err(e.into());
        }
        if !backoff_before_retry(&shared.backoff, attempts, deadline).await {
            return Err(ConsumerError::RetriableCommitFailed(e));
        }
        attempts += 1;
    }
}

async fn commit(
    shared: Arc<GroupShared>,
    mut req: OffsetCommitRequest,
    kind: CommitKind,
    protocol: GroupProtocol,
    timeout: Duration,
    latency: Sensor,
) -> Result<()> {
    if req.topics.is_empty() {
        return Ok(());
    }
    let deadline = Instant::now() + timeout;
    if kind == CommitKind::Async {
        coordinator_for_async_commit(&shared, protocol, deadline).await?;
    }
    let mut attempts = 0u32;
    loop {
        if let Some(e) = shared.unstable_generation(protocol) {
            return Err(e);
        }
        let named = shared.commit_member();
        (req.generation_id_or_member_epoch, req.member_id) = named.clone();
        let sent = Instant::now();
        let r: Result<OffsetCommitResponse, Error> = shared.send(&req, OFFSET_COMMIT_KEY, 9).await;
        if r.is_ok() {
            // Java's commit sensor: every answered OffsetCommit, in milliseconds.
            latency.record(sent.elapsed().as_secs_f64() * 1000.0);
        }
        let retriable = match r {
            Ok(resp) => {
                // The membership now, not when the commit was sent: an epoch that moved on is
                // retried with the new one, a membership that ended cannot be.
                let view = shared.commit_view(protocol, &named);
                let mut retry = None;
                let mut forget = false;
                for p in resp.topics.iter().flat_map(|t| &t.partitions) {
                    if p.error_code == 0 {
                        continue;
                    }
                    let code = KafkaCode(p.error_code);
                    match commit_error_action(p.error_code, kind, view) {
                        CommitErrorAction::Retry => retry = Some(code),
                        CommitErrorAction::RetryWithNewCoordinator => {
                            retry = Some(code);
                            forget = true;
                        }
                        CommitErrorAction::CommitFailed => {
                            shared.commit_refused(protocol, code);
                            return Err(ConsumerError::CommitFailed(code));
                        }
                        CommitErrorAction::RebalanceInProgress => {
                            // A refusal of an older generation while a newer one joins leaves
                            // the newer one alone.
                            if code.0 == REBALANCE_IN_PROGRESS {
                                shared.commit_refused(protocol, code);
                            }
                            return Err(ConsumerError::RebalanceInProgress(code));
                        }
                        CommitErrorAction::Fenced => {
                            // Java's classic consumer remembers a fenced asynchronous commit
                            // and fails the next poll with it; a synchronous one only throws.
                            if kind == CommitKind::Async {
                                shared.async_commit_fenced.store(true, Ordering::SeqCst);
                                shared.set_fatal(code);
                            }
                            return Err(ConsumerError::Group(code));
                        }
                        CommitErrorAction::Fail => return Err(Error::kafka(code).into()),
                    }
                }
                if forget {
                    shared.forget_coordinator().await;
                }
                match retry {
                    None => return Ok(()),
                    Some(code) => Error::kafka(code),
                }
            }
            // `send` has already forgotten the coordinator whose connection failed.
            Err(e) if e.is_retriable() => e,
            Err(e) => return Err(e.into()),
        };
        if kind == CommitKind::Async {
            return Err(ConsumerError::RetriableCommitFailed(retriable));
        }
        tracing::debug!(
            group_id = %shared.group_id,
            ?kind,
            error = %retriable,
            "OffsetCommit failed; retrying after the backoff"
        );
        if !backoff_before_retry(&shared.backoff, attempts, deadline).await {
            return Err(Error::Timeout {
                what: "offset commit".into(),
                after: timeout,
            }
            .into());
        }
        attempts += 1;
    }
}

/// What the membership task does next, decided under the state machine's lock.
enum Step<R, L> {
    Idle,
    Leave(Option<L>),
    Expired,
    Send(R, i32),
}

fn classic_step(
    shared: &GroupShared,
    m: &Mutex<ClassicGroup>,
    now: Instant,
) -> Step<HeartbeatRequest, LeaveGroupRequest> {
    let mut g = m.lock().unwrap_or_else(|e| e.into_inner());
    // Java's heartbeat thread checks the session before the poll timer, in STABLE and in
    // COMPLETING_REBALANCE alike; an expired session sends the member looking for the
    // coordinator, keeping its generation (see `ClassicGroup::session_expired`).
    if g.session_expired(now) {
        return Step::Expired;
    }
    // Read under the machine's lock: the JoinGroup answer restarts the timer under it too.
    let last_poll = *shared.last_poll.lock().unwrap_or_else(|e| e.into_inner());
    let poll_overdue = now.duration_since(last_poll) > shared.max_poll_interval;
    // Java's heartbeat thread checks the poll timer whenever it heartbeats: in STABLE and in
    // COMPLETING_REBALANCE (after the JoinGroup answer, which restarted the timer).
    if matches!(
        g.state(),
        super::group::classic::MemberState::Stable | super::group::classic::MemberState::Syncing
    ) && poll_overdue
    {
        // The application stopped polling: leave so the group can move on.
        return Step::Leave(g.leave_request("consumer poll timeout has expired"));
    }
    let generation = g.generation();
    match g.poll_heartbeat(now) {
        Some(req) => Step::Send(req, generation),
        None => Step::Idle,
    }
}

fn kip848_step(
    m: &Mutex<Kip848Group>,
    now: Instant,
    poll_overdue: bool,
) -> Step<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatRequest> {
    let mut g = m.lock().unwrap_or_else(|e| e.into_inner());
    if g.is_member() && poll_overdue {
        return Step::Leave(g.leave_request());
    }
    if poll_overdue {
        return Step::Idle;
    }
    match g.poll_heartbeat(now) {
        Some(req) => Step::Send(req, 0),
        None => Step::Idle,
    }
}

/// The background membership task: heartbeats (classic) or the whole KIP-848 heartbeat
/// exchange, plus the `max.poll.interval.ms` check.
async fn heartbeat_loop(shared: Arc<GroupShared>) {
    // KIP-848 heartbeats failed in a row: the next waits `retry.backoff.ms` grown by each, as
    // Java's heartbeat request state backs off.
    let mut failed_heartbeats = 0u32;
    loop {
        let now = Instant::now();
        let next = match &shared.membership {
            Membership::Classic(m) => m.lock().unwrap_or_else(|e| e.into_inner()).next_heartbeat(),
            Membership::Kip848(m) => m.lock().unwrap_or_else(|e| e.into_inner()).next_heartbeat(),
        };
        let wake = next
            .unwrap_or(now + Duration::from_millis(100))
            .min(now + Duration::from_millis(100));
        tokio::time::sleep_until(wake.max(now)).await;
        let now = Instant::now();
        let last_poll = *shared.last_poll.lock().unwrap_or_else(|e| e.into_inner());
        let poll_overdue = now.duration_since(last_poll) > shared.max_poll_interval;
        match &shared.membership {
            Membership::Classic(m) => match classic_step(&shared, m, now) {
                Step::Idle => {}
                Step::Leave(leave) => {
                    shared.lost.store(true, Ordering::SeqCst);
                    if let Some(leave) = leave
                        && let Err(e) = shared.send_leave(leave).await
                    {
                        tracing::warn!(error = %e, "LeaveGroup after the poll timeout failed");
                    }
                    shared.notify.notify_one();
                }
                Step::Expired => {
                    tracing::info!(
                        group_id = %shared.group_id,
                        "no heartbeat answered within session.timeout.ms; finding the \
                         coordinator again"
                    );
                    shared.mark_coordinator_unknown().await;
                    // Finding it restarts the session timer; until then the next round comes
                    // back here.
                    if let Err(e) = shared.coordinator().await {
                        tracing::debug!(error = %e, "coordinator lookup failed");
                    }
                }
                Step::Send(req, generation) => {
                    let sent = Instant::now();
                    // An answer later than the session deadline is no answer: the loop has to
                    // come round to the session check, as Java's heartbeat thread checks it
                    // with a heartbeat in flight.
                    let deadline = m
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .session_deadline();
                    let send = shared.send(&req, 12, 4);
                    let r: Result<HeartbeatResponse, Error> = match deadline {
                        Some(d) => tokio::time::timeout_at(d, send).await.unwrap_or_else(|_| {
                            Err(Error::Timeout {
                                what: "heartbeat".into(),
                                after: d.saturating_duration_since(sent),
                            })
                        }),
                        None => send.await,
                    };
                    if r.is_ok() {
                        shared.sensors.heartbeat(sent.elapsed());
                    }
                    let outcome = {
                        let mut g = m.lock().unwrap_or_else(|e| e.into_inner());
                        match r {
                            Err(e) => {
                                tracing::debug!(error = %e, "heartbeat failed");
                                g.heartbeat_failed();
                                None
                            }
                            Ok(resp) => {
                                Some(g.handle_heartbeat_response(Instant::now(), generation, &resp))
                            }
                        }
                    };
                    match outcome {
                        None | Some(HeartbeatOutcome::Ok | HeartbeatOutcome::Stale) => {}
                        Some(HeartbeatOutcome::Rejoin) => shared.notify.notify_one(),
                        Some(HeartbeatOutcome::Lost) => {
                            shared.lost.store(true, Ordering::SeqCst);
                            shared.notify.notify_one();
                        }
                        Some(HeartbeatOutcome::FindCoordinator) => {
                            shared.forget_coordinator().await
                        }
                        Some(HeartbeatOutcome::Fatal(code)) => shared.set_fatal(code),
                    }
                }
            },
            Membership::Kip848(m) => match kip848_step(m, now, poll_overdue) {
                Step::Idle | Step::Expired => {}
                Step::Leave(leave) => {
                    shared.lost.store(true, Ordering::SeqCst);
                    if let Some(leave) = leave {
                        let _: Result<ConsumerGroupHeartbeatResponse, Error> =
                            shared.send(&leave, 68, 1).await;
                    }
                    shared.notify.notify_one();
                }
                Step::Send(req, _) => {
                    let sent = Instant::now();
                    let r: Result<ConsumerGroupHeartbeatResponse, Error> =
                        shared.send(&req, 68, 1).await;
                    if r.is_ok() {
                        shared.sensors.heartbeat(sent.elapsed());
                    }
                    let outcome = {
                        let mut g = m.lock().unwrap_or_else(|e| e.into_inner());
                        match r {
                            Err(e) => {
                                tracing::debug!(error = %e, "consumer group heartbeat failed");
                                g.heartbeat_failed();
                                None
                            }
                            Ok(resp) => Some(g.handle_response(&resp)),
                        }
                    };
                    let backoff = shared.backoff.backoff(failed_heartbeats, &mut rand::rng());
                    failed_heartbeats = match outcome {
                        None | Some(Kip848Outcome::Retry) => failed_heartbeats.saturating_add(1),
                        _ => 0,
                    };
                    match outcome {
                        None => tokio::time::sleep(backoff).await,
                        Some(Kip848Outcome::Ok) => {}
                        Some(Kip848Outcome::Assignment) => shared.notify.notify_one(),
                        Some(Kip848Outcome::Lost) => {
                            shared.lost.store(true, Ordering::SeqCst);
                            shared.notify.notify_one();
                        }
                        // Straight on to the coordinator found next (Java skips the heartbeat
                        // backoff here); the lookup itself is spaced.
                        Some(Kip848Outcome::FindCoordinator) => {
                            shared.forget_coordinator().await;
                            m.lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .heartbeat_failed();
                        }
                        Some(Kip848Outcome::Retry) => {
                            tokio::time::sleep(backoff).await;
                            m.lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .heartbeat_failed();
                        }
                        Some(Kip848Outcome::Fatal(code)) => shared.set_fatal(code),
                    }
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::{BrokerInfo, ClusterMetadata, PartitionMetadata};

    #[test]
    fn commit_errors_are_retried_or_final_per_commit_kind_and_protocol_as_in_java() {
        use CommitErrorAction::{
            CommitFailed, Fail, Fenced, RebalanceInProgress, Retry, RetryWithNewCoordinator,
        };
        use CommitKind::{Async, BeforeRebalance, Sync};
        const ILLEGAL: i16 = ILLEGAL_GENERATION;
        // A classic member whose generation is the one the commit named, and one whose
        // generation moved on and is joining a newer one.
        let same = CommitView::Classic {
            generation_unchanged: true,
            joining: false,
        };
        let moved_joining = CommitView::Classic {
            generation_unchanged: false,
            joining: true,
        };
        let moved_stable = CommitView::Classic {
            generation_unchanged: false,
            joining: false,
        };
        let member = CommitView::Consumer { still_member: true };
        let gone = CommitView::Consumer {
            still_member: false,
        };
        let cases = [
            // The coordinator moved, is missing, or timed out: look it up again.
            (NOT_COORDINATOR, Sync, same, RetryWithNewCoordinator),
            (
                COORDINATOR_NOT_AVAILABLE,
                BeforeRebalance,
                member,
                RetryWithNewCoordinator,
            ),
            (REQUEST_TIMED_OUT, Async, gone, RetryWithNewCoordinator),
            // A loading coordinator is the right one.
            (COORDINATOR_LOAD_IN_PROGRESS, Sync, same, Retry),
            (COORDINATOR_LOAD_IN_PROGRESS, Async, member, Retry),
            // A topic the coordinator does not know yet; before a rebalance, a deleted one.
            (UNKNOWN_TOPIC_OR_PARTITION, Sync, same, Retry),
            (UNKNOWN_TOPIC_ID, Sync, member, Retry),
            (UNKNOWN_TOPIC_OR_PARTITION, BeforeRebalance, member, Fail),
            // Classic (`ConsumerCoordinator`): the generation is gone, unless a newer one is
            // joining; a rebalance under way; a static member fenced in its own generation.
            (UNKNOWN_MEMBER_ID, Sync, same, CommitFailed),
            (ILLEGAL, Async, moved_stable, CommitFailed),
            (ILLEGAL, Sync, moved_joining, RebalanceInProgress),
            (
                UNKNOWN_MEMBER_ID,
                BeforeRebalance,
                moved_joining,
                RebalanceInProgress,
            ),
            (REBALANCE_IN_PROGRESS, Sync, same, RebalanceInProgress),
            (FENCED_INSTANCE_ID, Async, same, Fenced),
            (FENCED_INSTANCE_ID, Sync, moved_joining, RebalanceInProgress),
            (FENCED_INSTANCE_ID, Sync, moved_stable, CommitFailed),
            // Codes the classic commit does not expect: Java's generic `KafkaException`.
            (FENCED_MEMBER_EPOCH, Sync, same, Fail),
            (STALE_MEMBER_EPOCH, BeforeRebalance, same, Fail),
            // Consumer protocol (`CommitRequestManager`): STALE_MEMBER_EPOCH is waited out
            // only before a rebalance, by a member; `commit_sync` reports it as a failed
            // commit, `commit_async` as it is.
            (STALE_MEMBER_EPOCH, BeforeRebalance, member, Retry),
            (STALE_MEMBER_EPOCH, BeforeRebalance, gone, Fail),
            (STALE_MEMBER_EPOCH, Sync, member, CommitFailed),
            (STALE_MEMBER_EPOCH, Async, member, Fail),
            (UNKNOWN_MEMBER_ID, Async, member, CommitFailed),
            (FENCED_INSTANCE_ID, Sync, member, CommitFailed),
            (FENCED_MEMBER_EPOCH, Sync, member, Fail),
            (ILLEGAL, Sync, member, Fail),
            (REBALANCE_IN_PROGRESS, Async, gone, Fail),
            // Anything else ends the commit, retriable or not: NOT_ENOUGH_REPLICAS,
            // OFFSET_METADATA_TOO_LARGE, GROUP_AUTHORIZATION_FAILED, an unknown code.
            (19, Sync, same, Fail),
            (12, Async, member, Fail),
            (30, BeforeRebalance, member, Fail),
            (-7, Sync, same, Fail),
        ];
        for (code, kind, view, want) in cases {
            assert_eq!(
                commit_error_action(code, kind, view),
                want,
                "code {code}, {kind:?}, {view:?}"
            );
        }
    }

    #[test]
    fn a_classic_member_commits_only_in_a_stable_generation_as_in_java() {
        use super::super::group::classic::MemberState::{Joining, Stable, Syncing, Unjoined};
        let outcome = |state, lost| match classic_commit_gate(state, lost) {
            None => "send",
            Some(ConsumerError::RebalanceInProgress(c)) if c.0 == REBALANCE_IN_PROGRESS => {
                "rebalancing"
            }
            Some(ConsumerError::CommitFailed(c)) if c.0 == UNKNOWN_MEMBER_ID => "not a member",
            Some(_) => "other",
        };
        // Java's STABLE sends, PREPARING_REBALANCE and COMPLETING_REBALANCE are a rebalance
        // in progress (a failed join round keeps its generation and stays PREPARING), and
        // UNJOINED without a generation is out of the group.
        assert_eq!(outcome(Stable, false), "send");
        assert_eq!(outcome(Joining, false), "rebalancing");
        assert_eq!(outcome(Joining, true), "rebalancing");
        assert_eq!(outcome(Syncing, false), "rebalancing");
        assert_eq!(outcome(Unjoined, false), "rebalancing");
        assert_eq!(outcome(Unjoined, true), "not a member");
    }

    fn cluster(brokers: &[i32]) -> ClusterMetadata {
        ClusterMetadata {
            brokers: brokers
                .iter()
                .map(|&id| {
                    (
                        id,
                        BrokerInfo {
                            node_id: id,
                            host: "127.0.0.1".into(),
                            port: 9092 + id,
                            rack: Some(format!("rack-{id}")),
                        },
                    )
                })
                .collect(),
            ..Default::default()
        }
    }

    fn partition(offline: &[i32]) -> PartitionMetadata {
        PartitionMetadata {
            partition: 0,
            leader: 1,
            leader_epoch: 4,
            replicas: vec![1, 2, 3],
            isr: vec![1, 2, 3],
            offline_replicas: offline.to_vec(),
            error: KafkaCode::NONE,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn preferred_replica_is_used_while_fresh_known_and_online() {
        let now = Instant::now();
        let fresh = Some((2, now + Duration::from_secs(300)));
        let md = cluster(&[1, 2, 3]);
        assert_eq!(read_node(None, &partition(&[]), &md, now), 1);
        assert_eq!(read_node(fresh, &partition(&[]), &md, now), 2);
        // Expired (metadata.max.age.ms passed): the leader again.
        let stale = Some((2, now));
        assert_eq!(read_node(stale, &partition(&[]), &md, now), 1);
        // Offline, or gone from the cluster: the leader.
        assert_eq!(read_node(fresh, &partition(&[2]), &md, now), 1);
        assert_eq!(read_node(fresh, &partition(&[]), &cluster(&[1, 3]), now), 1);
    }
}
