//! Kafka Streams metrics under the names, groups, tags and descriptions Java's Kafka Streams gives
//! them (`built.in.metrics.version=latest`, Kafka 4.x), so dashboards built on Java's metrics
//! carry over: thread level (`stream-thread-metrics`, tag `thread-id`), task level
//! (`stream-task-metrics`, tags `thread-id` and `task-id`) and processor-node level
//! (`stream-processor-node-metrics`, plus `processor-node-id`) and topic level
//! (`stream-topic-metrics`, plus `topic`); state-store level (`stream-state-metrics`, plus
//! `<scope>-state-id`) and record-cache level (`stream-record-cache-metrics`, plus
//! `record-cache-id`), registered by the stores' metered layer.
//!
//! A [`StreamsMetrics`] registry holds them; [`TopologyTestDriver::metrics`] returns its snapshot
//! as Java's `TopologyTestDriver.metrics()` does, and the runtime's stream threads register
//! [`ThreadMetrics`] in one. Values are [`kafka_client::metrics::Metric`]s, the clients' type.
//!
//! `metrics.recording.level` decides what records, as in Java: a sensor of a level above the
//! configured one is registered (its metrics read 0, or NaN for an average or maximum) but
//! records nothing. Windowed values follow Java's rules (`metrics.sample.window.ms`,
//! `metrics.num.samples`) on the registry's clock: the driver's mock wall clock, as in Java's
//! driver.
//!
//! Tasks count on the hot path with plain counters and fold them into their sensors when metrics
//! are read, before the clock moves, and at close; a rate is therefore exact where the clock does
//! not move between folds (the driver) and otherwise slightly lumpier than Java's.
//!
//! Processors add sensors of their own through [`ProcessorContext::metrics`], as Java's
//! `context.metrics()` offers them: [`StreamsMetrics::add_latency_rate_total_sensor`],
//! [`StreamsMetrics::add_rate_total_sensor`], [`StreamsMetrics::add_sensor`] and
//! [`StreamsMetrics::remove_sensor`], under Java's names, groups and tags.
//!
//! [`ProcessorContext::metrics`]: crate::processor::ProcessorContext::metrics
//! [`TopologyTestDriver::metrics`]: crate::test_driver::TopologyTestDriver::metrics

mod custom;
mod task_level;
mod thread;

pub use custom::StreamsSensor;
pub use kafka_client::metrics::{
    DuplicateMetric, Kind as StatKind, Metric, MetricName, MetricsConfig, RecordingLevel,
};

// The statistics and their window rules are kafka-client's (one implementation of Java's
// `SampledStat` family); this registry keeps them on the task's clock and feeds them batches.
use kafka_client::metrics::Metrics;
pub(crate) use kafka_client::metrics::Sensor;
pub(crate) use kafka_client::metrics::stats::{Batch, Pending};
pub(crate) use task_level::{E2E_AVG, E2E_MAX, E2E_MIN, GroupCounts, TaskCounters, TaskMetrics};
pub use thread::ThreadMetrics;

use crate::clock::SharedClock;

/// Group of thread-level metrics.
pub const THREAD_LEVEL_GROUP: &str = "stream-thread-metrics";
/// Group of task-level metrics.
pub const TASK_LEVEL_GROUP: &str = "stream-task-metrics";
/// Group of processor-node-level metrics.
pub const PROCESSOR_NODE_LEVEL_GROUP: &str = "stream-processor-node-metrics";
/// Group of topic-level metrics (records and bytes per source or sink node and topic).
pub const TOPIC_LEVEL_GROUP: &str = "stream-topic-metrics";
/// Group of state-store metrics (Java's `Metered*Store` layer); see [`crate::state`]'s metered
/// layer for the names, the `<scope>-state-id` tag and what our redb stores report.
pub const STATE_LEVEL_GROUP: &str = "stream-state-metrics";
/// Group of record-cache metrics (a caching store's `hit-ratio-avg` / `-min` / `-max`, DEBUG).
pub const CACHE_LEVEL_GROUP: &str = "stream-record-cache-metrics";
/// Tag naming a record cache: the name of the store it fronts.
pub const RECORD_CACHE_ID_TAG: &str = "record-cache-id";
/// Tag naming the topic of a topic-level metric.
pub const TOPIC_TAG: &str = "topic";
/// Tag naming the stream thread.
pub const THREAD_ID_TAG: &str = "thread-id";
/// Tag naming the task (`0_1`).
pub const TASK_ID_TAG: &str = "task-id";
/// Tag naming the processor node.
pub const PROCESSOR_NODE_ID_TAG: &str = "processor-node-id";

/// A Streams metrics registry; clones share it.
///
/// ```
/// use std::sync::Arc;
/// use streams_core::clock::MockClock;
/// use streams_core::metrics::{MetricsConfig, StreamsMetrics, ThreadMetrics};
///
/// let registry = StreamsMetrics::new(MetricsConfig::default(), Arc::new(MockClock::new(0)));
/// let thread = ThreadMetrics::new(&registry, "app-StreamThread-1");
/// thread.record_commit(1, 3.0);
/// assert_eq!(
///     registry.value("stream-thread-metrics", "commit-total", &[("thread-id", "app-StreamThread-1")]),
///     Some(1.0)
/// );
/// ```
#[derive(Clone, Debug)]
pub struct StreamsMetrics {
    /// kafka-client's registry, on the task's clock: one implementation of Java's registry and
    /// window rules for the clients and Streams.
    inner: Metrics,
    /// Sensors made through the public API, by name.
    custom: std::sync::Arc<std::sync::Mutex<custom::CustomSensors>>,
}

impl StreamsMetrics {
    /// An empty registry measuring time on `clock`.
    pub fn new(config: MetricsConfig, clock: SharedClock) -> StreamsMetrics {
        StreamsMetrics {
            inner: Metrics::with_clock(config, move || clock.now_ms()),
            custom: Default::default(),
        }
    }

    /// The registry's settings.
    pub fn config(&self) -> MetricsConfig {
        self.inner.config()
    }

    /// Whether sensors of `level` record under this registry's `metrics.recording.level`.
    pub fn records(&self, level: RecordingLevel) -> bool {
        self.inner.records(level)
    }

    /// Every metric's value now, ordered by group, name and tags, with the registry's own
    /// `kafka-metrics-count` as Java's `Metrics` has it (the number of metrics, itself included).
    pub fn snapshot(&self) -> Vec<Metric> {
        self.inner.snapshot()
    }

    /// The value of the metric `name` in `group` whose tags include `tags`, if there is one.
    pub fn value(&self, group: &str, name: &str, tags: &[(&str, &str)]) -> Option<f64> {
        self.inner.value(group, name, tags)
    }

    /// A sensor feeding `stats`, each registered under its name (replacing a metric of the same
    /// name); it records only when `level` is at or below the configured recording level.
    pub(crate) fn sensor(
        &self,
        level: RecordingLevel,
        stats: Vec<(MetricName, &'static str, StatKind)>,
    ) -> Sensor {
        self.inner.sensor(level, stats)
    }

    /// The sensor already feeding the metric named like `stats`' first, or a new one (Java's
    /// get-or-create `threadLevelSensor`): every task of a thread records into the one
    /// `task-closed` pair, where registering it again would restart its counts.
    pub(crate) fn shared_sensor(
        &self,
        level: RecordingLevel,
        stats: Vec<(MetricName, &'static str, StatKind)>,
    ) -> Sensor {
        self.inner.shared_sensor(level, stats)
    }

    /// A metric whose value `f` gives when read (Java's `Gauge`).
    pub(crate) fn gauge(
        &self,
        name: MetricName,
        description: &'static str,
        f: impl Fn() -> f64 + Send + Sync + 'static,
    ) {
        self.inner.gauge(name, description, f)
    }

    /// Drops the metrics `drop` selects (a closed task's).
    pub(crate) fn remove(&self, drop: impl Fn(&MetricName) -> bool) {
        self.inner.remove(drop)
    }
}

/// `name` in `group` with `tags`.
pub(crate) fn metric_name(name: &str, group: &str, tags: &[(&str, &str)]) -> MetricName {
    MetricName::new(name, group, tags)
}

/// Two statistics of one sensor, `<base>-<suffix>` each, as Java's `StreamsMetricsImpl.add*`
/// helpers register them.
fn pair(
    group: &str,
    tags: &[(&str, &str)],
    base: &str,
    [(a, a_description, a_kind), (b, b_description, b_kind)]: [(&str, &'static str, StatKind); 2],
) -> Vec<(MetricName, &'static str, StatKind)> {
    vec![
        (
            metric_name(&format!("{base}-{a}"), group, tags),
            a_description,
            a_kind,
        ),
        (
            metric_name(&format!("{base}-{b}"), group, tags),
            b_description,
            b_kind,
        ),
    ]
}

/// Java's `addInvocationRateAndCountToSensor`: `<op>-rate` (events per second) and `<op>-total`
/// (events ever).
pub(crate) fn rate_and_count(
    group: &str,
    tags: &[(&str, &str)],
    op: &str,
    rate: &'static str,
    total: &'static str,
) -> Vec<(MetricName, &'static str, StatKind)> {
    pair(
        group,
        tags,
        op,
        [
            ("rate", rate, StatKind::CountRate),
            ("total", total, StatKind::Count),
        ],
    )
}

/// Java's `addRateOfSumAndSumMetricsToSensor`: `<op>-rate` (values per second) and `<op>-total`
/// (sum of values ever).
pub(crate) fn rate_and_sum(
    group: &str,
    tags: &[(&str, &str)],
    op: &str,
    rate: &'static str,
    total: &'static str,
) -> Vec<(MetricName, &'static str, StatKind)> {
    pair(
        group,
        tags,
        op,
        [
            ("rate", rate, StatKind::Rate),
            ("total", total, StatKind::Total),
        ],
    )
}

/// Java's `addAvgAndMaxToSensor`: `<prefix>-avg` and `<prefix>-max`.
pub(crate) fn avg_and_max(
    group: &str,
    tags: &[(&str, &str)],
    prefix: &str,
    avg: &'static str,
    max: &'static str,
) -> Vec<(MetricName, &'static str, StatKind)> {
    pair(
        group,
        tags,
        prefix,
        [("avg", avg, StatKind::Avg), ("max", max, StatKind::Max)],
    )
}

/// The `thread-id` Java tags metrics made on this thread with: the thread's name (its id when
/// unnamed).
pub fn current_thread_id() -> String {
    let t = std::thread::current();
    t.name()
        .map_or_else(|| format!("{:?}", t.id()), str::to_owned)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::MockClock;

    #[test]
    fn a_sensor_above_the_recording_level_is_registered_but_records_nothing() {
        let clock = Arc::new(MockClock::new(0));
        let info = StreamsMetrics::new(MetricsConfig::default(), clock.clone());
        let debug = StreamsMetrics::new(
            MetricsConfig {
                recording_level: RecordingLevel::Debug,
                ..MetricsConfig::default()
            },
            clock,
        );
        for (registry, want) in [(&info, 0.0), (&debug, 2.0)] {
            let s = registry.sensor(
                RecordingLevel::Debug,
                rate_and_count("g", &[("t", "1")], "op", "r", "t"),
            );
            s.record(5.0);
            s.record(5.0);
            assert_eq!(registry.value("g", "op-total", &[("t", "1")]), Some(want));
            assert_eq!(registry.snapshot().len(), 3, "rate, total and the count");
            assert_eq!(
                registry.value("kafka-metrics-count", "count", &[]),
                Some(3.0)
            );
        }
    }

    #[test]
    fn rates_are_measured_on_the_registry_clock() {
        let clock = Arc::new(MockClock::new(1_000));
        let m = StreamsMetrics::new(MetricsConfig::default(), clock.clone());
        let s = m.sensor(
            RecordingLevel::Info,
            rate_and_sum("g", &[], "dropped", "r", "t"),
        );
        s.record(1.0);
        clock.advance(2_500);
        assert_eq!(m.value("g", "dropped-rate", &[]), Some(1.0 / 32.5));
        let again = m.shared_sensor(
            RecordingLevel::Info,
            rate_and_sum("g", &[], "dropped", "r", "t"),
        );
        again.record(2.0);
        assert_eq!(
            m.value("g", "dropped-total", &[]),
            Some(3.0),
            "one sensor, not two"
        );
        m.remove(|n| n.name.starts_with("dropped"));
        assert_eq!(m.value("kafka-metrics-count", "count", &[]), Some(1.0));
        assert_eq!(m.snapshot().len(), 1);
    }
}
