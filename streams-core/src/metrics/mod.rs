//! Kafka Streams metrics under the names, groups, tags and descriptions Java's Kafka Streams gives
//! them (`built.in.metrics.version=latest`, Kafka 4.x), so dashboards built on Java's metrics
//! carry over: thread level (`stream-thread-metrics`, tag `thread-id`), task level
//! (`stream-task-metrics`, tags `thread-id` and `task-id`) and processor-node level
//! (`stream-processor-node-metrics`, plus `processor-node-id`) and topic level
//! (`stream-topic-metrics`, plus `topic`).
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
//! [`TopologyTestDriver::metrics`]: crate::test_driver::TopologyTestDriver::metrics

mod task_level;
mod thread;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

pub use kafka_client::metrics::{Metric, MetricName, MetricsConfig, RecordingLevel};

// The statistics and their window rules are kafka-client's (one implementation of Java's
// `SampledStat` family); this registry keeps them on the task's clock and feeds them batches.
pub(crate) use kafka_client::metrics::stats::{Batch, Kind as StatKind, Pending};
use kafka_client::metrics::stats::{Stat, Window};
pub(crate) use task_level::{GroupCounts, TaskCounters, TaskMetrics};
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
#[derive(Clone)]
pub struct StreamsMetrics {
    inner: Arc<Registry>,
}

impl fmt::Debug for StreamsMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamsMetrics")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

struct Registry {
    config: MetricsConfig,
    window: Window,
    clock: SharedClock,
    entries: Mutex<Vec<Entry>>,
}

struct Entry {
    name: MetricName,
    description: &'static str,
    stats: Arc<Mutex<Vec<Stat>>>,
    index: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a metrics lock leaves plain numbers behind: still readable.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl StreamsMetrics {
    /// An empty registry measuring time on `clock`.
    pub fn new(config: MetricsConfig, clock: SharedClock) -> StreamsMetrics {
        StreamsMetrics {
            inner: Arc::new(Registry {
                config,
                window: Window {
                    window_ms: i64::try_from(config.sample_window.as_millis())
                        .unwrap_or(i64::MAX)
                        .max(1),
                    samples: (config.num_samples as usize).max(1),
                },
                clock,
                entries: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The registry's settings.
    pub fn config(&self) -> MetricsConfig {
        self.inner.config
    }

    /// Whether sensors of `level` record under this registry's `metrics.recording.level`.
    pub fn records(&self, level: RecordingLevel) -> bool {
        level <= self.inner.config.recording_level
    }

    /// Every metric's value now, ordered by group, name and tags, with the registry's own
    /// `kafka-metrics-count` as Java's `Metrics` has it (the number of metrics, itself included).
    pub fn snapshot(&self) -> Vec<Metric> {
        let now = self.inner.clock.now_ms();
        let entries = lock(&self.inner.entries);
        let mut out: Vec<Metric> = entries
            .iter()
            .map(|e| Metric {
                name: e.name.clone(),
                description: e.description,
                value: lock(&e.stats)[e.index].measure(now, self.inner.window),
            })
            .collect();
        drop(entries);
        out.push(Metric {
            name: MetricName::new("count", "kafka-metrics-count", &[]),
            description: "total number of registered metrics",
            value: (out.len() + 1) as f64,
        });
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// The value of the metric `name` in `group` whose tags include `tags`, if there is one.
    pub fn value(&self, group: &str, name: &str, tags: &[(&str, &str)]) -> Option<f64> {
        self.snapshot()
            .into_iter()
            .find(|m| {
                m.name.group == group
                    && m.name.name == name
                    && tags
                        .iter()
                        .all(|(k, v)| m.name.tags.get(*k).is_some_and(|t| t == v))
            })
            .map(|m| m.value)
    }

    /// A sensor feeding `stats`, each registered under its name (replacing a metric of the same
    /// name); it records only when `level` is at or below the configured recording level.
    pub(crate) fn sensor(
        &self,
        level: RecordingLevel,
        stats: Vec<(MetricName, &'static str, StatKind)>,
    ) -> Sensor {
        let shared = Arc::new(Mutex::new(
            stats.iter().map(|(_, _, k)| Stat::new(*k)).collect(),
        ));
        let mut entries = lock(&self.inner.entries);
        for (index, (name, description, _)) in stats.into_iter().enumerate() {
            entries.retain(|e| e.name != name);
            entries.push(Entry {
                name,
                description,
                stats: shared.clone(),
                index,
            });
        }
        Sensor {
            stats: shared,
            registry: self.inner.clone(),
            recording: self.records(level),
        }
    }

    /// The sensor already feeding the metric named like `stats`' first, or a new one (Java's
    /// get-or-create `threadLevelSensor`): every task of a thread records into the one
    /// `task-closed` pair, where registering it again would restart its counts.
    pub(crate) fn shared_sensor(
        &self,
        level: RecordingLevel,
        stats: Vec<(MetricName, &'static str, StatKind)>,
    ) -> Sensor {
        let existing = stats.first().and_then(|(first, _, _)| {
            lock(&self.inner.entries)
                .iter()
                .find(|e| e.name == *first && e.index == 0)
                .map(|e| e.stats.clone())
        });
        match existing {
            Some(stats) => Sensor {
                stats,
                registry: self.inner.clone(),
                recording: self.records(level),
            },
            None => self.sensor(level, stats),
        }
    }

    /// Drops the metrics `drop` selects (a closed task's).
    pub(crate) fn remove(&self, drop: impl Fn(&MetricName) -> bool) {
        lock(&self.inner.entries).retain(|e| !drop(&e.name));
    }
}

/// Records into one or more statistics, as Java's `Sensor`.
#[derive(Clone)]
pub(crate) struct Sensor {
    stats: Arc<Mutex<Vec<Stat>>>,
    registry: Arc<Registry>,
    recording: bool,
}

impl fmt::Debug for Sensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sensor")
            .field("recording", &self.recording)
            .finish_non_exhaustive()
    }
}

impl Sensor {
    /// Records one event of `value` now.
    pub(crate) fn record(&self, value: f64) {
        self.record_batch(Batch::one(value));
    }

    /// Records a batch of events now.
    pub(crate) fn record_batch(&self, batch: Batch) {
        if !self.recording {
            return;
        }
        let now = self.registry.clock.now_ms();
        let w = self.registry.window;
        for s in lock(&self.stats).iter_mut() {
            s.record(batch, now, w);
        }
    }
}

/// `name` in `group` with `tags`.
pub(crate) fn metric_name(name: &str, group: &str, tags: &[(&str, &str)]) -> MetricName {
    MetricName::new(name, group, tags)
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
    vec![
        (
            metric_name(&format!("{op}-rate"), group, tags),
            rate,
            StatKind::CountRate,
        ),
        (
            metric_name(&format!("{op}-total"), group, tags),
            total,
            StatKind::Count,
        ),
    ]
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
    vec![
        (
            metric_name(&format!("{op}-rate"), group, tags),
            rate,
            StatKind::Rate,
        ),
        (
            metric_name(&format!("{op}-total"), group, tags),
            total,
            StatKind::Total,
        ),
    ]
}

/// Java's `addAvgAndMaxToSensor`: `<prefix>-avg` and `<prefix>-max`.
pub(crate) fn avg_and_max(
    group: &str,
    tags: &[(&str, &str)],
    prefix: &str,
    avg: &'static str,
    max: &'static str,
) -> Vec<(MetricName, &'static str, StatKind)> {
    vec![
        (
            metric_name(&format!("{prefix}-avg"), group, tags),
            avg,
            StatKind::Avg,
        ),
        (
            metric_name(&format!("{prefix}-max"), group, tags),
            max,
            StatKind::Max,
        ),
    ]
}

/// The name Java's driver tags its metrics with: the creating thread's name.
pub(crate) fn current_thread_id() -> String {
    let t = std::thread::current();
    t.name()
        .map_or_else(|| format!("{:?}", t.id()), str::to_owned)
}

#[cfg(test)]
mod tests {
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
