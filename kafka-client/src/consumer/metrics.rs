//! The consumer's metrics under the names, descriptions and recording rules of Java's
//! `FetchMetricsRegistry`/`FetchMetricsManager`/`FetchMetricsAggregator` (group
//! `consumer-fetch-manager-metrics`: client, topic and partition level), `KafkaConsumerMetrics`
//! (`consumer-metrics`) and the commit and rebalance-callback part of `ConsumerCoordinator`'s
//! (`consumer-coordinator-metrics`), all tagged `client-id`.
//!
//! As in Java, what a fetch brought is recorded once every partition of that fetch response has
//! been drained or dropped: bytes and records per response feed the `fetch-size-*` and
//! `records-per-request-avg` averages, and their sums the `*-consumed-*` meters. Lag and lead are
//! recorded per partition each time records are drained from it.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, AtomicI64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::TopicPartition;
use crate::config::GroupProtocol;
use crate::metrics::{Kind, MetricName, Metrics, RecordingLevel, Sensor, meter};

/// Java's `FetchMetricsRegistry` group for the consumer.
pub(crate) const FETCH_GROUP: &str = "consumer-fetch-manager-metrics";
/// Java's `KafkaConsumerMetrics` group.
pub(crate) const CONSUMER_GROUP: &str = "consumer-metrics";
/// Java's `ConsumerCoordinator` group.
pub(crate) const COORDINATOR_GROUP: &str = "consumer-coordinator-metrics";

/// A topic or partition metric's description as Kafka 4.4 gives it (KIP-1109): the metric is
/// tagged with the topic's name, and a topic name with periods gets a deprecated twin tagged
/// with them replaced by underscores.
macro_rules! topic_description {
    ($d:literal) => {
        concat!(
            $d,
            " Note: For topic names with periods (.), an additional metric with underscores is \
             emitted. However, the periods replaced metric is deprecated. Please use the metric \
             with actual topic name instead."
        )
    };
}

/// The `topic` tag values a topic's metrics are registered under: its name, and for a name with
/// periods also the deprecated underscored form Java still emits.
fn topic_tags(topic: &str) -> Vec<String> {
    let mut tags = vec![topic.to_owned()];
    if topic.contains('.') {
        tags.push(topic.replace('.', "_"));
    }
    tags
}

/// What one fetch response brought, until each of its partitions has been drained or dropped.
#[derive(Debug, Default)]
struct Pending {
    unrecorded: usize,
    bytes: u64,
    records: u64,
    per_topic: HashMap<Arc<str>, (u64, u64)>,
}

struct TopicSensors {
    bytes: Sensor,
    records: Sensor,
}

struct PartitionSensors {
    lag: Sensor,
    lead: Sensor,
}

/// Which rebalance callback a duration belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Callback {
    Revoked,
    Assigned,
    Lost,
}

/// Nanoseconds from `epoch` to `at`, plus one, so 0 can mean "never".
fn stamp(epoch: Instant, at: Instant) -> i64 {
    at.saturating_duration_since(epoch).as_nanos() as i64 + 1
}

/// Whole seconds since a [`stamp`], or -1 for never, as Java's `*-seconds-ago` gauges read.
fn seconds_since(epoch: Instant, stamp: &AtomicI64) -> f64 {
    match stamp.load(Ordering::Relaxed) {
        0 => -1.0,
        at => ((epoch.elapsed().as_nanos() as i64 - (at - 1)) / 1_000_000_000) as f64,
    }
}

/// The group-membership sensors of Java's `GroupCoordinatorMetrics`, shared with the heartbeat
/// task.
#[derive(Clone)]
pub(crate) struct GroupSensors {
    heartbeat: Sensor,
    last_heartbeat: Arc<AtomicI64>,
    join: Sensor,
    sync: Sensor,
    rebalance: Sensor,
    failed_rebalance: Sensor,
    last_rebalance: Arc<AtomicI64>,
    epoch: Instant,
}

impl std::fmt::Debug for GroupSensors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupSensors").finish_non_exhaustive()
    }
}

impl GroupSensors {
    /// A heartbeat was answered after `latency`.
    pub(crate) fn heartbeat(&self, latency: Duration) {
        self.heartbeat.record(millis(latency));
        self.last_heartbeat
            .store(stamp(self.epoch, Instant::now()), Ordering::Relaxed);
    }
}

/// The sensors of one consumer; owned by the consumer, which uses it from one task.
pub(crate) struct ConsumerMetrics {
    registry: Metrics,
    client_id: String,
    bytes_fetched: Sensor,
    records_fetched: Sensor,
    fetch_latency: Sensor,
    records_lag: Sensor,
    records_lead: Sensor,
    throttle: Sensor,
    topics: HashMap<Arc<str>, TopicSensors>,
    partitions: HashMap<TopicPartition, PartitionSensors>,
    /// Each assigned partition's `preferred-read-replica` (-1: the leader), set by the
    /// partition's state whenever its read replica changes.
    replicas: HashMap<TopicPartition, Arc<AtomicI32>>,
    pending: HashMap<u64, Pending>,
    next_response: u64,
    time_between_poll: Sensor,
    poll_idle: Sensor,
    commit_sync: Sensor,
    committed: Sensor,
    /// Nanoseconds from `epoch` to the last poll start, plus one; 0 before any poll.
    last_poll: Arc<AtomicI64>,
    poll_start: Option<Instant>,
    since_last_poll: Duration,
    commit_latency: Sensor,
    revoked_latency: Sensor,
    assigned_latency: Sensor,
    lost_latency: Sensor,
    assigned: Arc<AtomicUsize>,
    epoch: Instant,
    group: GroupSensors,
    /// When the rebalance in progress began (Java's `lastRebalanceStartMs`).
    rebalance_started: Option<Instant>,
}

impl std::fmt::Debug for ConsumerMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsumerMetrics")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl ConsumerMetrics {
    /// Registers the client-level metrics of consumer `client_id` in `registry`. The
    /// coordinator metrics exist only for a consumer with a group (`group`: its protocol), as
    /// Java creates a coordinator only with `group.id`; join and sync times only for the classic
    /// protocol, whose rebalance metrics Java also describes differently from KIP-848's.
    pub(crate) fn new(
        registry: Metrics,
        client_id: &str,
        group: Option<GroupProtocol>,
    ) -> ConsumerMetrics {
        // Sensors that Java would not have for this consumer record into a registry nobody
        // reads, so the recording code stays the same.
        let unseen = || Metrics::new(registry.config());
        let coord = if group.is_some() {
            registry.clone()
        } else {
            unseen()
        };
        let classic = group == Some(GroupProtocol::Classic);
        let joins = if classic { coord.clone() } else { unseen() };
        let tags = [("client-id", client_id)];
        let f = |name: &str| MetricName::new(name, FETCH_GROUP, &tags);
        let c = |name: &str| MetricName::new(name, CONSUMER_GROUP, &tags);
        let k = |name: &str| MetricName::new(name, COORDINATOR_GROUP, &tags);
        let s = |stats: Vec<(MetricName, &'static str, Kind)>| {
            registry.sensor(RecordingLevel::Info, stats)
        };
        let sk = |stats: Vec<(MetricName, &'static str, Kind)>| {
            coord.sensor(RecordingLevel::Info, stats)
        };
        let avg_max = |avg: MetricName, avg_d, max: MetricName, max_d| {
            vec![(avg, avg_d, Kind::Avg), (max, max_d, Kind::Max)]
        };
        let with = |mut v: Vec<(MetricName, &'static str, Kind)>, more: [_; 2]| {
            v.extend(more);
            v
        };
        let last_poll = Arc::new(AtomicI64::new(0));
        let epoch = Instant::now();
        {
            let last = last_poll.clone();
            registry.gauge(
                c("last-poll-seconds-ago"),
                "The number of seconds since the last poll() invocation.",
                // Whole seconds, as Java's TimeUnit conversion truncates.
                move || seconds_since(epoch, &last),
            );
        }
        let assigned = Arc::new(AtomicUsize::new(0));
        {
            let n = assigned.clone();
            coord.gauge(
                k("assigned-partitions"),
                "The number of partitions currently assigned to this consumer",
                move || n.load(Ordering::Relaxed) as f64,
            );
        }
        let last_heartbeat = Arc::new(AtomicI64::new(0));
        let last_rebalance = Arc::new(AtomicI64::new(0));
        for (name, description, at) in [
            (
                "last-heartbeat-seconds-ago",
                "The number of seconds since the last coordinator heartbeat was sent",
                &last_heartbeat,
            ),
            (
                "last-rebalance-seconds-ago",
                if classic {
                    "The number of seconds since the last successful rebalance event"
                } else {
                    "The number of seconds since the last rebalance event"
                },
                &last_rebalance,
            ),
        ] {
            let at = at.clone();
            coord.gauge(k(name), description, move || seconds_since(epoch, &at));
        }
        let timed = |what: &str, avg_d, max_d, rate_d, total_d| {
            joins.sensor(
                RecordingLevel::Info,
                vec![
                    (k(&format!("{what}-time-avg")), avg_d, Kind::Avg),
                    (k(&format!("{what}-time-max")), max_d, Kind::Max),
                    (k(&format!("{what}-rate")), rate_d, Kind::CountRate),
                    (k(&format!("{what}-total")), total_d, Kind::Count),
                ],
            )
        };
        let group = GroupSensors {
            heartbeat: sk(vec![
                (
                    k("heartbeat-response-time-max"),
                    "The max time taken to receive a response to a heartbeat request",
                    Kind::Max,
                ),
                (
                    k("heartbeat-rate"),
                    "The number of heartbeats per second",
                    Kind::CountRate,
                ),
                (
                    k("heartbeat-total"),
                    "The total number of heartbeats",
                    Kind::Count,
                ),
            ]),
            last_heartbeat,
            join: timed(
                "join",
                "The average time taken for a group rejoin",
                "The max time taken for a group rejoin",
                "The number of group joins per second",
                "The total number of group joins",
            ),
            sync: timed(
                "sync",
                "The average time taken for a group sync",
                "The max time taken for a group sync",
                "The number of group syncs per second",
                "The total number of group syncs",
            ),
            rebalance: sk(if classic {
                vec![
                    (
                        k("rebalance-latency-avg"),
                        "The average time taken for a group to complete a successful rebalance, \
                         which may be composed of several failed re-trials until it succeeded",
                        Kind::Avg,
                    ),
                    (
                        k("rebalance-latency-max"),
                        "The max time taken for a group to complete a successful rebalance, \
                         which may be composed of several failed re-trials until it succeeded",
                        Kind::Max,
                    ),
                    (
                        k("rebalance-latency-total"),
                        "The total number of milliseconds this consumer has spent in successful \
                         rebalances since creation",
                        Kind::Total,
                    ),
                    (
                        k("rebalance-total"),
                        "The total number of successful rebalance events, each event is \
                         composed of several failed re-trials until it succeeded",
                        Kind::Count,
                    ),
                    (
                        k("rebalance-rate-per-hour"),
                        "The number of successful rebalance events per hour, each event is \
                         composed of several failed re-trials until it succeeded",
                        Kind::CountRatePerHour,
                    ),
                ]
            } else {
                // KIP-848: a rebalance is the reconciliation of a new target assignment.
                vec![
                    (
                        k("rebalance-latency-avg"),
                        "The average time in ms taken for a group to complete a rebalance",
                        Kind::Avg,
                    ),
                    (
                        k("rebalance-latency-max"),
                        "The max time in ms taken for a group to complete a rebalance",
                        Kind::Max,
                    ),
                    (
                        k("rebalance-latency-total"),
                        "The total number of milliseconds spent in rebalances",
                        Kind::Total,
                    ),
                    (
                        k("rebalance-total"),
                        "The total number of rebalance events",
                        Kind::Count,
                    ),
                    (
                        k("rebalance-rate-per-hour"),
                        "The number of rebalance events per hour",
                        Kind::CountRatePerHour,
                    ),
                ]
            }),
            failed_rebalance: sk(vec![
                (
                    k("failed-rebalance-total"),
                    "The total number of failed rebalance events",
                    Kind::Count,
                ),
                (
                    k("failed-rebalance-rate-per-hour"),
                    "The number of failed rebalance events per hour",
                    Kind::CountRatePerHour,
                ),
            ]),
            last_rebalance,
            epoch,
        };
        let callback = |what: &str| {
            sk(avg_max(
                k(&format!("partition-{what}-latency-avg")),
                match what {
                    "revoked" => {
                        "The average time taken for a partition-revoked rebalance listener callback"
                    }
                    "assigned" => {
                        "The average time taken for a partition-assigned rebalance listener callback"
                    }
                    _ => "The average time taken for a partition-lost rebalance listener callback",
                },
                k(&format!("partition-{what}-latency-max")),
                match what {
                    "revoked" => {
                        "The max time taken for a partition-revoked rebalance listener callback"
                    }
                    "assigned" => {
                        "The max time taken for a partition-assigned rebalance listener callback"
                    }
                    _ => "The max time taken for a partition-lost rebalance listener callback",
                },
            ))
        };
        ConsumerMetrics {
            bytes_fetched: s(with(
                avg_max(
                    f("fetch-size-avg"),
                    "The average number of bytes fetched per request",
                    f("fetch-size-max"),
                    "The maximum number of bytes fetched per request",
                ),
                meter(
                    f("bytes-consumed-rate"),
                    "The average number of bytes consumed per second",
                    f("bytes-consumed-total"),
                    "The total number of bytes consumed",
                ),
            )),
            records_fetched: s(with(
                vec![(
                    f("records-per-request-avg"),
                    "The average number of records in each request",
                    Kind::Avg,
                )],
                meter(
                    f("records-consumed-rate"),
                    "The average number of records consumed per second",
                    f("records-consumed-total"),
                    "The total number of records consumed",
                ),
            )),
            fetch_latency: s(with(
                avg_max(
                    f("fetch-latency-avg"),
                    "The average time taken for a fetch request.",
                    f("fetch-latency-max"),
                    "The max time taken for any fetch request.",
                ),
                [
                    (
                        f("fetch-rate"),
                        "The number of fetch requests per second.",
                        Kind::CountRate,
                    ),
                    (
                        f("fetch-total"),
                        "The total number of fetch requests.",
                        Kind::Count,
                    ),
                ],
            )),
            records_lag: s(vec![(
                f("records-lag-max"),
                "The maximum lag in terms of number of records for any partition in this window. \
                 NOTE: This is based on current offset and not committed offset",
                Kind::Max,
            )]),
            records_lead: s(vec![(
                f("records-lead-min"),
                "The minimum lead in terms of number of records for any partition in this window",
                Kind::Min,
            )]),
            throttle: s(avg_max(
                f("fetch-throttle-time-avg"),
                "The average throttle time in ms",
                f("fetch-throttle-time-max"),
                "The maximum throttle time in ms",
            )),
            time_between_poll: s(avg_max(
                c("time-between-poll-avg"),
                "The average delay between invocations of poll() in milliseconds.",
                c("time-between-poll-max"),
                "The max delay between invocations of poll() in milliseconds.",
            )),
            poll_idle: s(vec![(
                c("poll-idle-ratio-avg"),
                "The average fraction of time the consumer's poll() is idle as opposed to \
                 waiting for the user code to process records.",
                Kind::Avg,
            )]),
            commit_sync: s(vec![(
                c("commit-sync-time-ns-total"),
                "The total time the consumer has spent in commitSync in nanoseconds",
                Kind::Total,
            )]),
            committed: s(vec![(
                c("committed-time-ns-total"),
                "The total time the consumer has spent in committed in nanoseconds",
                Kind::Total,
            )]),
            commit_latency: sk(with(
                avg_max(
                    k("commit-latency-avg"),
                    "The average time taken for a commit request",
                    k("commit-latency-max"),
                    "The max time taken for a commit request",
                ),
                [
                    (
                        k("commit-rate"),
                        "The number of commit calls per second",
                        Kind::CountRate,
                    ),
                    (
                        k("commit-total"),
                        "The total number of commit calls",
                        Kind::Count,
                    ),
                ],
            )),
            revoked_latency: callback("revoked"),
            assigned_latency: callback("assigned"),
            lost_latency: callback("lost"),
            topics: HashMap::new(),
            partitions: HashMap::new(),
            replicas: HashMap::new(),
            pending: HashMap::new(),
            next_response: 0,
            last_poll,
            poll_start: None,
            since_last_poll: Duration::ZERO,
            assigned,
            epoch,
            group,
            rebalance_started: None,
            client_id: client_id.to_owned(),
            registry,
        }
    }

    /// The group sensors, for the heartbeat task.
    pub(crate) fn group_sensors(&self) -> GroupSensors {
        self.group.clone()
    }

    /// A JoinGroup is about to be sent: a rebalance begins unless one is already under way.
    pub(crate) fn rebalance_joining(&mut self) {
        self.rebalance_started.get_or_insert_with(Instant::now);
    }

    /// A JoinGroup was answered without error after `latency`.
    pub(crate) fn joined(&self, latency: Duration) {
        self.group.join.record(millis(latency));
    }

    /// A SyncGroup was answered with an assignment after `latency`: the rebalance is complete.
    pub(crate) fn synced(&mut self, latency: Duration) {
        self.group.sync.record(millis(latency));
        let now = Instant::now();
        if let Some(start) = self.rebalance_started.take() {
            self.group
                .rebalance
                .record(millis(now.saturating_duration_since(start)));
        }
        self.group
            .last_rebalance
            .store(stamp(self.epoch, now), Ordering::Relaxed);
    }

    /// A KIP-848 target assignment that changed ours was reconciled, having started at
    /// `started` (Java's `ConsumerRebalanceMetricsManager`: from RECONCILING to done).
    pub(crate) fn reconciled(&mut self, started: Instant) {
        let now = Instant::now();
        self.group
            .rebalance
            .record(millis(now.saturating_duration_since(started)));
        self.group
            .last_rebalance
            .store(stamp(self.epoch, now), Ordering::Relaxed);
    }

    /// A JoinGroup or SyncGroup round failed; the rebalance goes on with another.
    pub(crate) fn rebalance_failed(&self) {
        self.group.failed_rebalance.record(1.0);
    }

    /// The registry the metrics live in.
    pub(crate) fn registry(&self) -> &Metrics {
        &self.registry
    }

    /// The commit-latency sensor, for commits completed in their own task.
    pub(crate) fn commit_sensor(&self) -> Sensor {
        self.commit_latency.clone()
    }

    /// A fetch response arrived after `latency`, throttled for `throttle_ms`; returns the id its
    /// partitions' data is recorded under, with `partitions` of them to wait for (none: the
    /// response is recorded as empty now).
    pub(crate) fn fetch_response(
        &mut self,
        latency: Duration,
        throttle_ms: i32,
        partitions: usize,
    ) -> u64 {
        self.fetch_latency.record(millis(latency));
        self.throttle.record(f64::from(throttle_ms.max(0)));
        let id = self.next_response;
        self.next_response += 1;
        if partitions == 0 {
            self.emit(Pending::default());
        } else {
            self.pending.insert(
                id,
                Pending {
                    unrecorded: partitions,
                    ..Pending::default()
                },
            );
        }
        id
    }

    /// One partition of response `id` is finished with (drained, or dropped after a seek or a
    /// revocation), having given `bytes` of batches and `records` records to the application.
    pub(crate) fn partition_done(&mut self, id: u64, topic: &Arc<str>, bytes: u64, records: u64) {
        let Some(p) = self.pending.get_mut(&id) else {
            return;
        };
        p.bytes += bytes;
        p.records += records;
        let t = p.per_topic.entry(topic.clone()).or_default();
        t.0 += bytes;
        t.1 += records;
        p.unrecorded = p.unrecorded.saturating_sub(1);
        if p.unrecorded == 0
            && let Some(done) = self.pending.remove(&id)
        {
            self.emit(done);
        }
    }

    fn emit(&mut self, p: Pending) {
        self.bytes_fetched.record(p.bytes as f64);
        self.records_fetched.record(p.records as f64);
        for (topic, (bytes, records)) in p.per_topic {
            let s = self.topic(&topic);
            s.bytes.record(bytes as f64);
            s.records.record(records as f64);
        }
    }

    fn topic(&mut self, topic: &Arc<str>) -> &TopicSensors {
        let registry = &self.registry;
        let client_id = &self.client_id;
        self.topics.entry(topic.clone()).or_insert_with(|| {
            let mut bytes = Vec::new();
            let mut records = Vec::new();
            for tag in topic_tags(topic) {
                let n = |name: &str| {
                    MetricName::new(
                        name,
                        FETCH_GROUP,
                        &[("client-id", client_id), ("topic", &tag)],
                    )
                };
                bytes.extend([
                    (
                        n("fetch-size-avg"),
                        topic_description!(
                            "The average number of bytes fetched per request for a topic."
                        ),
                        Kind::Avg,
                    ),
                    (
                        n("fetch-size-max"),
                        topic_description!(
                            "The maximum number of bytes fetched per request for a topic."
                        ),
                        Kind::Max,
                    ),
                ]);
                bytes.extend(meter(
                    n("bytes-consumed-rate"),
                    topic_description!(
                        "The average number of bytes consumed per second for a topic."
                    ),
                    n("bytes-consumed-total"),
                    topic_description!("The total number of bytes consumed for a topic."),
                ));
                records.push((
                    n("records-per-request-avg"),
                    topic_description!(
                        "The average number of records in each request for a topic."
                    ),
                    Kind::Avg,
                ));
                records.extend(meter(
                    n("records-consumed-rate"),
                    topic_description!(
                        "The average number of records consumed per second for a topic."
                    ),
                    n("records-consumed-total"),
                    topic_description!("The total number of records consumed for a topic."),
                ));
            }
            TopicSensors {
                bytes: registry.sensor(RecordingLevel::Info, bytes),
                records: registry.sensor(RecordingLevel::Info, records),
            }
        })
    }

    /// Records `tp`'s lag (records between the position and the high watermark, or the last
    /// stable offset under `read_committed`) and lead (records between the log start and the
    /// position, when known), after records were drained from it.
    pub(crate) fn partition_position(&mut self, tp: &TopicPartition, lag: i64, lead: Option<i64>) {
        self.records_lag.record(lag as f64);
        if let Some(lead) = lead {
            self.records_lead.record(lead as f64);
        }
        // Looked up by reference: the key is cloned only for a partition's first drain.
        if !self.partitions.contains_key(tp) {
            let sensors = self.partition_sensors(tp);
            self.partitions.insert(tp.clone(), sensors);
        }
        let Some(s) = self.partitions.get(tp) else {
            return;
        };
        s.lag.record(lag as f64);
        if let Some(lead) = lead {
            s.lead.record(lead as f64);
        }
    }

    /// The per-partition lag and lead sensors of `tp`, registered under its topic tags.
    fn partition_sensors(&self, tp: &TopicPartition) -> PartitionSensors {
        let registry = &self.registry;
        let client_id = &self.client_id;
        let partition = tp.partition.to_string();
        let mut lag = Vec::new();
        let mut lead = Vec::new();
        for topic in topic_tags(&tp.topic) {
            let n = |name: &str| {
                MetricName::new(
                    name,
                    FETCH_GROUP,
                    &[
                        ("client-id", client_id),
                        ("topic", &topic),
                        ("partition", &partition),
                    ],
                )
            };
            lag.extend([
                (
                    n("records-lag"),
                    topic_description!("The latest lag of the partition."),
                    Kind::Value,
                ),
                (
                    n("records-lag-max"),
                    topic_description!("The max lag of the partition."),
                    Kind::Max,
                ),
                (
                    n("records-lag-avg"),
                    topic_description!("The average lag of the partition."),
                    Kind::Avg,
                ),
            ]);
            lead.extend([
                (
                    n("records-lead"),
                    topic_description!("The latest lead of the partition."),
                    Kind::Value,
                ),
                (
                    n("records-lead-min"),
                    topic_description!("The min lead of the partition."),
                    Kind::Min,
                ),
                (
                    n("records-lead-avg"),
                    topic_description!("The average lead of the partition."),
                    Kind::Avg,
                ),
            ]);
        }
        PartitionSensors {
            lag: registry.sensor(RecordingLevel::Info, lag),
            lead: registry.sensor(RecordingLevel::Info, lead),
        }
    }

    /// The assignment is now `assigned`: per-partition metrics of partitions no longer in it go,
    /// as Java's `maybeUpdateAssignment` removes them.
    ///
    /// A newly assigned partition gets its `preferred-read-replica` gauge at once (-1 until a
    /// leader names a replica), as Java registers it with the assignment.
    pub(crate) fn assignment(&mut self, assigned: &BTreeSet<TopicPartition>) {
        self.assigned.store(assigned.len(), Ordering::Relaxed);
        for tp in assigned {
            if !self.replicas.contains_key(tp) {
                let replica = Arc::new(AtomicI32::new(-1));
                let partition = tp.partition.to_string();
                for topic in topic_tags(&tp.topic) {
                    let read = replica.clone();
                    self.registry.gauge(
                        MetricName::new(
                            "preferred-read-replica",
                            FETCH_GROUP,
                            &[
                                ("client-id", &self.client_id),
                                ("topic", &topic),
                                ("partition", &partition),
                            ],
                        ),
                        topic_description!(
                            "The current read replica for the partition, or -1 if reading from \
                             leader."
                        ),
                        move || f64::from(read.load(Ordering::Relaxed)),
                    );
                }
                self.replicas.insert(tp.clone(), replica);
            }
        }
        let gone: Vec<TopicPartition> = self
            .partitions
            .keys()
            .chain(self.replicas.keys())
            .filter(|tp| !assigned.contains(*tp))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for tp in gone {
            self.partitions.remove(&tp);
            self.replicas.remove(&tp);
            let topics = topic_tags(&tp.topic);
            let partition = tp.partition.to_string();
            self.registry.remove(|n| {
                n.group == FETCH_GROUP
                    && n.tags.get("topic").is_some_and(|t| topics.contains(t))
                    && n.tags.get("partition") == Some(&partition)
            });
        }
    }

    /// The `preferred-read-replica` gauge of assigned partition `tp`, for its state to set.
    pub(crate) fn replica_gauge(&self, tp: &TopicPartition) -> Option<Arc<AtomicI32>> {
        self.replicas.get(tp).cloned()
    }

    /// `poll()` began.
    pub(crate) fn poll_start(&mut self, now: Instant) {
        let now_ns = now.saturating_duration_since(self.epoch).as_nanos() as i64;
        let last = self.last_poll.swap(now_ns + 1, Ordering::Relaxed);
        self.since_last_poll = if last == 0 {
            Duration::ZERO
        } else {
            Duration::from_nanos((now_ns - (last - 1)).max(0) as u64)
        };
        self.time_between_poll.record(millis(self.since_last_poll));
        self.poll_start = Some(now);
    }

    /// `poll()` returned.
    pub(crate) fn poll_end(&mut self, now: Instant) {
        let Some(start) = self.poll_start.take() else {
            return;
        };
        let in_poll = now.saturating_duration_since(start);
        let whole = in_poll + self.since_last_poll;
        if !whole.is_zero() {
            self.poll_idle
                .record(in_poll.as_secs_f64() / whole.as_secs_f64());
        }
    }

    /// A `commit_sync` call took `d`.
    pub(crate) fn commit_sync(&self, d: Duration) {
        self.commit_sync.record(d.as_nanos() as f64);
    }

    /// A `committed` call took `d`.
    pub(crate) fn committed(&self, d: Duration) {
        self.committed.record(d.as_nanos() as f64);
    }

    /// A rebalance callback ran for `d`.
    pub(crate) fn callback(&self, which: Callback, d: Duration) {
        match which {
            Callback::Revoked => &self.revoked_latency,
            Callback::Assigned => &self.assigned_latency,
            Callback::Lost => &self.lost_latency,
        }
        .record(millis(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::MetricsConfig;

    fn consumer() -> (Metrics, ConsumerMetrics) {
        let m = Metrics::new(MetricsConfig::default());
        let c = ConsumerMetrics::new(m.clone(), "c-1", Some(GroupProtocol::Classic));
        (m, c)
    }

    fn value(m: &Metrics, name: &str, tags: &[(&str, &str)]) -> f64 {
        m.value(FETCH_GROUP, name, tags)
            .unwrap_or_else(|| panic!("{name} {tags:?} missing"))
    }

    #[test]
    fn a_response_is_recorded_once_all_its_partitions_are_done() {
        let (m, mut c) = consumer();
        let a: Arc<str> = Arc::from("orders.eu");
        let b: Arc<str> = Arc::from("audit");
        let id = c.fetch_response(Duration::from_millis(12), 0, 3);
        c.partition_done(id, &a, 100, 4);
        c.partition_done(id, &b, 50, 1);
        // One partition still buffered: nothing consumed yet.
        assert_eq!(value(&m, "records-consumed-total", &[]), 0.0);
        assert!(value(&m, "fetch-size-avg", &[]).is_nan());
        c.partition_done(id, &a, 30, 2);
        assert_eq!(value(&m, "records-consumed-total", &[]), 7.0);
        assert_eq!(value(&m, "bytes-consumed-total", &[]), 180.0);
        assert_eq!(value(&m, "fetch-size-avg", &[]), 180.0);
        assert_eq!(value(&m, "records-per-request-avg", &[]), 7.0);
        // Per topic, under its name and, as Kafka 4.4 still does for a name with periods, the
        // deprecated underscored twin.
        for eu in [[("topic", "orders.eu")], [("topic", "orders_eu")]] {
            assert_eq!(value(&m, "records-consumed-total", &eu), 6.0);
            assert_eq!(value(&m, "fetch-size-max", &eu), 130.0);
        }
        assert_eq!(
            m.value(FETCH_GROUP, "records-consumed-total", &[("topic", "audit")]),
            Some(1.0)
        );
        let per_topic = |t: &str| {
            m.snapshot()
                .iter()
                .filter(|x| x.name.tags.get("topic").is_some_and(|y| y == t))
                .count()
        };
        // Seven per topic tag; a name without periods has no twin.
        assert_eq!(
            (
                per_topic("audit"),
                per_topic("orders.eu"),
                per_topic("orders_eu")
            ),
            (7, 7, 7)
        );
        assert_eq!(value(&m, "fetch-total", &[]), 1.0);
        assert_eq!(value(&m, "fetch-latency-max", &[]), 12.0);
        // A second, empty response counts as a request of 0 bytes.
        c.fetch_response(Duration::from_millis(500), 0, 0);
        assert_eq!(value(&m, "fetch-size-avg", &[]), 90.0);
        assert_eq!(value(&m, "fetch-total", &[]), 2.0);
    }

    #[test]
    fn partition_lag_metrics_follow_the_assignment() {
        let (m, mut c) = consumer();
        let p0 = TopicPartition::new("t", 0);
        let p1 = TopicPartition::new("t", 1);
        c.partition_position(&p0, 40, Some(10));
        c.partition_position(&p1, 5, None);
        c.partition_position(&p0, 20, Some(30));
        let t0 = [("topic", "t"), ("partition", "0")];
        assert_eq!(value(&m, "records-lag", &t0), 20.0);
        assert_eq!(value(&m, "records-lag-max", &t0), 40.0);
        assert_eq!(value(&m, "records-lag-avg", &t0), 30.0);
        assert_eq!(value(&m, "records-lead-min", &t0), 10.0);
        assert_eq!(value(&m, "records-lag-max", &[("client-id", "c-1")]), 40.0);
        c.assignment(&BTreeSet::from([p1.clone()]));
        assert_eq!(m.value(FETCH_GROUP, "records-lag", &t0), None);
        let t1 = [("topic", "t"), ("partition", "1")];
        assert_eq!(value(&m, "records-lag", &t1), 5.0);
        assert_eq!(
            m.value(COORDINATOR_GROUP, "assigned-partitions", &[]),
            Some(1.0)
        );
    }

    #[test]
    fn poll_timing_is_java_s() {
        let (m, mut c) = consumer();
        assert_eq!(
            m.value(CONSUMER_GROUP, "last-poll-seconds-ago", &[]),
            Some(-1.0)
        );
        let t = Instant::now();
        c.poll_start(t);
        c.poll_end(t + Duration::from_millis(10));
        // 90 ms of application work, then a poll that waits 30 ms.
        c.poll_start(t + Duration::from_millis(100));
        c.poll_end(t + Duration::from_millis(130));
        let between = m
            .value(CONSUMER_GROUP, "time-between-poll-max", &[])
            .unwrap();
        assert!((between - 100.0).abs() < 1.0, "{between}");
        // First poll: idle 10/10 = 1; second: 30 / (30 + 100).
        let idle = m.value(CONSUMER_GROUP, "poll-idle-ratio-avg", &[]).unwrap();
        let want = (1.0 + 30.0 / 130.0) / 2.0;
        assert!((idle - want).abs() < 0.01, "{idle} vs {want}");
    }

    #[test]
    fn a_rebalance_is_timed_from_its_first_join_to_its_sync() {
        let (m, mut c) = consumer();
        let k = |n: &str| m.value(COORDINATOR_GROUP, n, &[]).unwrap();
        assert_eq!(k("last-rebalance-seconds-ago"), -1.0);
        assert_eq!(k("last-heartbeat-seconds-ago"), -1.0);
        c.rebalance_joining();
        c.rebalance_failed();
        std::thread::sleep(Duration::from_millis(20));
        c.rebalance_joining(); // the retry belongs to the same rebalance
        c.joined(Duration::from_millis(3));
        c.synced(Duration::from_millis(2));
        assert_eq!(k("rebalance-total"), 1.0);
        assert_eq!(k("failed-rebalance-total"), 1.0);
        assert!(
            k("rebalance-latency-max") >= 20.0,
            "{}",
            k("rebalance-latency-max")
        );
        assert_eq!(k("join-total"), 1.0);
        assert_eq!(k("sync-time-max"), 2.0);
        assert_eq!(k("last-rebalance-seconds-ago"), 0.0);
        // Counted per hour over the minimum window (one 30 s sample counts as elapsed).
        assert!((k("rebalance-rate-per-hour") - 3600.0 / 30.0).abs() < 5.0);
        c.group_sensors().heartbeat(Duration::from_millis(7));
        assert_eq!(k("heartbeat-total"), 1.0);
        assert_eq!(k("heartbeat-response-time-max"), 7.0);
        assert_eq!(k("last-heartbeat-seconds-ago"), 0.0);
    }

    #[test]
    fn coordinator_metrics_follow_the_group_protocol_as_in_java() {
        let names = |group| {
            let m = Metrics::new(MetricsConfig::default());
            let _c = ConsumerMetrics::new(m.clone(), "c", group);
            m.snapshot()
                .into_iter()
                .filter(|x| x.name.group == COORDINATOR_GROUP)
                .map(|x| x.name.name)
                .collect::<BTreeSet<_>>()
        };
        // No group.id: no coordinator, no coordinator metrics.
        assert!(names(None).is_empty());
        let classic = names(Some(GroupProtocol::Classic));
        let kip848 = names(Some(GroupProtocol::Consumer));
        assert!(classic.contains("join-time-avg") && classic.contains("sync-total"));
        assert!(
            !kip848
                .iter()
                .any(|n| n.starts_with("join-") || n.starts_with("sync-"))
        );
        for both in [
            "rebalance-total",
            "heartbeat-total",
            "commit-total",
            "assigned-partitions",
        ] {
            assert!(classic.contains(both) && kip848.contains(both), "{both}");
        }
    }

    #[test]
    fn commits_and_callbacks() {
        let (m, c) = consumer();
        // What the commit task records: each answered OffsetCommit's latency in ms.
        c.commit_sensor().record(4.0);
        c.commit_sensor().record(8.0);
        c.commit_sync(Duration::from_micros(3));
        c.callback(Callback::Revoked, Duration::from_millis(2));
        assert_eq!(m.value(COORDINATOR_GROUP, "commit-total", &[]), Some(2.0));
        assert_eq!(
            m.value(COORDINATOR_GROUP, "commit-latency-avg", &[]),
            Some(6.0)
        );
        assert_eq!(
            m.value(CONSUMER_GROUP, "commit-sync-time-ns-total", &[]),
            Some(3_000.0)
        );
        assert_eq!(
            m.value(COORDINATOR_GROUP, "partition-revoked-latency-max", &[]),
            Some(2.0)
        );
        assert!(
            m.value(COORDINATOR_GROUP, "partition-lost-latency-max", &[])
                .unwrap()
                .is_nan()
        );
    }

    /// Java registers a partition's `preferred-read-replica` with the assignment, at -1 (the
    /// leader) until a leader names a replica, and drops it with the partition.
    #[test]
    fn preferred_read_replica_follows_the_assignment_and_the_replica_read() {
        let m = Metrics::new(MetricsConfig::default());
        let mut c = ConsumerMetrics::new(m.clone(), "c-1", None);
        let (t0, t1) = (TopicPartition::new("t", 0), TopicPartition::new("t", 1));
        let replica = |p: &str| {
            m.value(
                FETCH_GROUP,
                "preferred-read-replica",
                &[("topic", "t"), ("partition", p)],
            )
        };
        c.assignment(&BTreeSet::from([t0.clone(), t1.clone()]));
        assert_eq!((replica("0"), replica("1")), (Some(-1.0), Some(-1.0)));
        c.replica_gauge(&t0)
            .expect("registered")
            .store(3, Ordering::Relaxed);
        assert_eq!((replica("0"), replica("1")), (Some(3.0), Some(-1.0)));
        c.assignment(&BTreeSet::from([t1.clone()]));
        assert_eq!((replica("0"), replica("1")), (None, Some(-1.0)));
    }
}
