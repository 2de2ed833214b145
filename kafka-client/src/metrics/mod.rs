//! Client metrics under the names, groups and tags Java's clients give them
//! (`producer-metrics` / `record-send-rate` / `client-id=...`), so dashboards built on the Java
//! client's metrics carry over. Each client's `metrics()` returns a [`Metric`] snapshot, as Java's
//! `KafkaProducer.metrics()` does; exporting them (Prometheus, OpenTelemetry, logs) is the
//! application's choice.
//!
//! Windowed values follow Java's rules ([`MetricsConfig`]: `metrics.sample.window.ms`,
//! `metrics.num.samples`): a rate is per second over the kept samples, an average or a maximum
//! with nothing recorded in the window is NaN, a `*-total` never resets.

pub(crate) mod network;
pub mod stats;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub use stats::Kind;
use stats::{Batch, Stat, Window};

/// A metric's identity, as Java's `MetricName`: name, group and tags (the description is not
/// part of it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MetricName {
    /// For example `record-send-rate`.
    pub name: String,
    /// For example `producer-metrics`.
    pub group: String,
    /// For example `client-id` → `producer-1`.
    pub tags: BTreeMap<String, String>,
}

impl MetricName {
    /// A name in `group` with `tags`.
    ///
    /// ```
    /// use kafka_client::metrics::MetricName;
    ///
    /// let n = MetricName::new("record-send-rate", "producer-metrics", &[("client-id", "p-1")]);
    /// assert_eq!(n.to_string(), "producer-metrics:record-send-rate{client-id=p-1}");
    /// ```
    pub fn new(name: &str, group: &str, tags: &[(&str, &str)]) -> MetricName {
        MetricName {
            name: name.to_owned(),
            group: group.to_owned(),
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }
}

impl fmt::Display for MetricName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}{{", self.group, self.name)?;
        for (i, (k, v)) in self.tags.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{k}={v}")?;
        }
        f.write_str("}")
    }
}

/// A second metric under a name the registry already holds, refused by [`Sensor::add`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a metric named {name} is already registered")]
pub struct DuplicateMetric {
    /// The name asked for.
    pub name: MetricName,
}

/// One metric's value at the moment of the snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Its identity.
    pub name: MetricName,
    /// What it measures, as Java describes it.
    pub description: &'static str,
    /// The value; NaN for an average or maximum over a window with nothing recorded.
    pub value: f64,
}

/// `metrics.recording.level`: a sensor records only at or below the configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum RecordingLevel {
    /// `INFO` (the default).
    #[default]
    Info,
    /// `DEBUG`: adds the sensors Java records only at `DEBUG` (Kafka Streams' task and processor
    /// sensors; the clients' per-topic and per-node metrics record at `INFO`, as in Java).
    Debug,
    /// `TRACE`.
    Trace,
}

/// How windowed metrics are sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsConfig {
    /// `metrics.sample.window.ms` (30 s).
    pub sample_window: Duration,
    /// `metrics.num.samples` (2).
    pub num_samples: u32,
    /// `metrics.recording.level` (`INFO`).
    pub recording_level: RecordingLevel,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            sample_window: Duration::from_secs(30),
            num_samples: 2,
            recording_level: RecordingLevel::Info,
        }
    }
}

/// A client's metrics registry; clones share it.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Registry>,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

struct Registry {
    config: MetricsConfig,
    window: Window,
    clock: Clock,
    /// Java's `MetricConfig.tags`: what the registry's own metrics are tagged with (a client's
    /// `client-id`).
    default_tags: Vec<(String, String)>,
    entries: Mutex<Vec<Entry>>,
}

/// Where a registry reads the time its windows are measured in.
enum Clock {
    /// Milliseconds since the registry was made (the clients).
    Monotonic(Instant),
    /// Milliseconds as the owner keeps them (a Streams task's clock, a test driver's mock one).
    External(Box<dyn Fn() -> i64 + Send + Sync>),
}

impl Clock {
    fn now_ms(&self) -> i64 {
        match self {
            Clock::Monotonic(epoch) => {
                i64::try_from(epoch.elapsed().as_millis()).unwrap_or(i64::MAX)
            }
            Clock::External(f) => f(),
        }
    }
}

struct Entry {
    name: MetricName,
    description: &'static str,
    source: Source,
}

enum Source {
    Stat {
        stats: Arc<Mutex<Vec<Stat>>>,
        index: usize,
    },
    Gauge(Box<dyn Fn() -> f64 + Send + Sync>),
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a metrics lock leaves plain numbers behind: still readable.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Metrics {
    /// An empty registry, measuring time since now.
    pub fn new(config: MetricsConfig) -> Metrics {
        Self::with(config, Clock::Monotonic(Instant::now()), &[])
    }

    /// An empty registry whose own metrics (`kafka-metrics-count`) carry `tags`, as a Java
    /// client's registry tags them with its `client-id`.
    pub fn with_default_tags(config: MetricsConfig, tags: &[(&str, &str)]) -> Metrics {
        Self::with(config, Clock::Monotonic(Instant::now()), tags)
    }

    /// An empty registry measuring time in milliseconds as `now_ms` reads it: Kafka Streams
    /// measures on its task's clock (a test driver's mock clock moves only when told).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicI64, Ordering};
    /// use kafka_client::metrics::{Kind, MetricName, Metrics, MetricsConfig, RecordingLevel};
    ///
    /// let clock = Arc::new(AtomicI64::new(0));
    /// let c = clock.clone();
    /// let m = Metrics::with_clock(MetricsConfig::default(), move || c.load(Ordering::Relaxed));
    /// let s = m.sensor(
    ///     RecordingLevel::Info,
    ///     vec![(MetricName::new("done-rate", "g", &[]), "per second", Kind::CountRate)],
    /// );
    /// s.record(1.0);
    /// clock.store(2_500, Ordering::Relaxed);
    /// // One event over 2.5 s plus the minimum full window (30 s), as Java's `Rate` measures.
    /// assert_eq!(m.value("g", "done-rate", &[]), Some(1.0 / 32.5));
    /// ```
    pub fn with_clock(
        config: MetricsConfig,
        now_ms: impl Fn() -> i64 + Send + Sync + 'static,
    ) -> Metrics {
        Self::with(config, Clock::External(Box::new(now_ms)), &[])
    }

    fn with(config: MetricsConfig, clock: Clock, tags: &[(&str, &str)]) -> Metrics {
        Metrics {
            inner: Arc::new(Registry {
                config,
                window: Window {
                    window_ms: i64::try_from(config.sample_window.as_millis())
                        .unwrap_or(i64::MAX)
                        .max(1),
                    samples: (config.num_samples as usize).max(1),
                },
                clock,
                default_tags: tags
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                entries: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Whether sensors of `level` record under this registry's `metrics.recording.level`.
    pub fn records(&self, level: RecordingLevel) -> bool {
        level <= self.inner.config.recording_level
    }

    /// The registry's settings.
    pub fn config(&self) -> MetricsConfig {
        self.inner.config
    }

    fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    /// Every metric's value now, ordered by group, name and tags, with the registry's own
    /// `kafka-metrics-count` as Java's `Metrics` has it (the number of metrics, itself included).
    pub fn snapshot(&self) -> Vec<Metric> {
        self.snapshot_at(self.now_ms())
    }

    fn snapshot_at(&self, now_ms: i64) -> Vec<Metric> {
        let entries = lock(&self.inner.entries);
        let mut out: Vec<Metric> = entries
            .iter()
            .map(|e| Metric {
                name: e.name.clone(),
                description: e.description,
                value: match &e.source {
                    Source::Stat { stats, index } => {
                        lock(stats)[*index].measure(now_ms, self.inner.window)
                    }
                    Source::Gauge(f) => f(),
                },
            })
            .collect();
        drop(entries);
        let tags: Vec<(&str, &str)> = self
            .inner
            .default_tags
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        out.push(Metric {
            name: MetricName::new("count", "kafka-metrics-count", &tags),
            description: "total number of registered metrics",
            value: (out.len() + 1) as f64,
        });
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// The value of the metric `name` in `group` whose tags include `tags`, if there is one.
    ///
    /// ```
    /// use kafka_client::metrics::{Metrics, MetricsConfig};
    ///
    /// let m = Metrics::new(MetricsConfig::default());
    /// assert_eq!(m.value("producer-metrics", "record-send-total", &[]), None);
    /// ```
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

    /// A sensor feeding `stats`, each registered under its name (replacing a metric of that
    /// name); it records only when `level` is at or below the configured recording level. At
    /// any level the metrics exist, as Java registers them.
    pub fn sensor(
        &self,
        level: RecordingLevel,
        stats: Vec<(MetricName, &'static str, Kind)>,
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
                source: Source::Stat {
                    stats: shared.clone(),
                    index,
                },
            });
        }
        Sensor {
            stats: shared,
            registry: self.inner.clone(),
            recording: level <= self.inner.config.recording_level,
        }
    }

    /// The sensor already feeding the metric named like `stats`' first, or a new one (Java's
    /// get-or-create sensors): a second registration must not restart the counts.
    pub fn shared_sensor(
        &self,
        level: RecordingLevel,
        stats: Vec<(MetricName, &'static str, Kind)>,
    ) -> Sensor {
        let existing = stats.first().and_then(|(first, _, _)| {
            lock(&self.inner.entries)
                .iter()
                .find_map(|e| match &e.source {
                    Source::Stat { stats, index: 0 } if e.name == *first => Some(stats.clone()),
                    _ => None,
                })
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

    /// A metric whose value `f` gives when read (Java's `Gauge`).
    pub fn gauge(
        &self,
        name: MetricName,
        description: &'static str,
        f: impl Fn() -> f64 + Send + Sync + 'static,
    ) {
        let mut entries = lock(&self.inner.entries);
        entries.retain(|e| e.name != name);
        entries.push(Entry {
            name,
            description,
            source: Source::Gauge(Box::new(f)),
        });
    }

    /// Drops the metrics `drop` selects (a partition's when it is no longer assigned, a closed
    /// task's).
    pub fn remove(&self, drop: impl Fn(&MetricName) -> bool) {
        lock(&self.inner.entries).retain(|e| !drop(&e.name));
    }
}

/// Java's `Meter`: a per-second rate of the recorded values and their running total, the pair
/// behind every `*-rate` / `*-total` metric. Recording `n` once adds `n` to both, as recording
/// 1 `n` times does.
pub(crate) fn meter(
    rate: MetricName,
    rate_description: &'static str,
    total: MetricName,
    total_description: &'static str,
) -> [(MetricName, &'static str, Kind); 2] {
    [
        (rate, rate_description, Kind::Rate),
        (total, total_description, Kind::Total),
    ]
}

/// Records values into one or more statistics, as Java's `Sensor`; made by
/// [`Metrics::sensor`].
#[derive(Clone)]
pub struct Sensor {
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
    pub fn record(&self, value: f64) {
        self.record_batch(Batch::one(value));
    }

    /// Records a batch of events now, as recording each of them now would.
    pub fn record_batch(&self, batch: Batch) {
        if self.recording {
            let now = self.registry.clock.now_ms();
            self.record_batch_at(batch, now);
        }
    }

    /// Whether this sensor records (its level is within the registry's recording level).
    pub fn recording(&self) -> bool {
        self.recording
    }

    /// Feeds a further statistic, registered as `name` (Java's `Sensor.add`). Returns false and
    /// changes nothing when this sensor already feeds `name`; fails when another sensor or gauge
    /// does, as Java's registry refuses a second metric of one name.
    ///
    /// ```
    /// use kafka_client::metrics::{Kind, MetricName, Metrics, MetricsConfig, RecordingLevel};
    ///
    /// let m = Metrics::new(MetricsConfig::default());
    /// let s = m.sensor(RecordingLevel::Info, Vec::new());
    /// let avg = MetricName::new("size-avg", "g", &[]);
    /// assert_eq!(s.add(avg.clone(), "mean size", Kind::Avg), Ok(true));
    /// assert_eq!(s.add(avg, "mean size", Kind::Avg), Ok(false));
    /// s.record(4.0);
    /// assert_eq!(m.value("g", "size-avg", &[]), Some(4.0));
    /// ```
    pub fn add(
        &self,
        name: MetricName,
        description: &'static str,
        kind: Kind,
    ) -> Result<bool, DuplicateMetric> {
        let mut entries = lock(&self.registry.entries);
        if let Some(e) = entries.iter().find(|e| e.name == name) {
            return match &e.source {
                Source::Stat { stats, .. } if Arc::ptr_eq(stats, &self.stats) => Ok(false),
                _ => Err(DuplicateMetric { name }),
            };
        }
        let mut stats = lock(&self.stats);
        stats.push(Stat::new(kind));
        entries.push(Entry {
            name,
            description,
            source: Source::Stat {
                stats: self.stats.clone(),
                index: stats.len() - 1,
            },
        });
        Ok(true)
    }

    /// The names of the metrics this sensor feeds.
    pub fn metric_names(&self) -> Vec<MetricName> {
        lock(&self.registry.entries)
            .iter()
            .filter(|e| matches!(&e.source, Source::Stat { stats, .. } if Arc::ptr_eq(stats, &self.stats)))
            .map(|e| e.name.clone())
            .collect()
    }

    fn record_batch_at(&self, batch: Batch, now_ms: i64) {
        let w = self.registry.window;
        for s in lock(&self.stats).iter_mut() {
            s.record(batch, now_ms, w);
        }
    }

    #[cfg(test)]
    fn record_at(&self, value: f64, now_ms: i64) {
        self.record_batch_at(Batch::one(value), now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> MetricName {
        MetricName::new(n, "producer-metrics", &[("client-id", "p")])
    }

    #[test]
    fn a_sensor_feeds_every_stat_registered_with_it() {
        let m = Metrics::new(MetricsConfig::default());
        let s = m.sensor(
            RecordingLevel::Info,
            vec![
                (name("batch-size-avg"), "avg", Kind::Avg),
                (name("batch-size-max"), "max", Kind::Max),
                (name("batch-total"), "total", Kind::Total),
                (name("batch-count"), "count", Kind::Count),
            ],
        );
        s.record_at(100.0, 0);
        s.record_at(300.0, 10);
        let got: Vec<(String, f64)> = m
            .snapshot_at(20)
            .into_iter()
            .filter(|x| x.name.group != "kafka-metrics-count")
            .map(|x| (x.name.name, x.value))
            .collect();
        assert_eq!(
            got,
            [
                ("batch-count".to_owned(), 2.0),
                ("batch-size-avg".to_owned(), 200.0),
                ("batch-size-max".to_owned(), 300.0),
                ("batch-total".to_owned(), 400.0),
            ]
        );
        assert_eq!(
            m.value("producer-metrics", "batch-total", &[("client-id", "p")]),
            Some(400.0)
        );
        assert_eq!(
            m.value("producer-metrics", "batch-total", &[("client-id", "q")]),
            None
        );
    }

    #[test]
    fn a_sensor_above_the_recording_level_records_nothing() {
        let m = Metrics::new(MetricsConfig::default());
        let s = m.sensor(
            RecordingLevel::Debug,
            vec![(name("per-topic-total"), "t", Kind::Total)],
        );
        s.record(5.0);
        assert_eq!(
            m.value("producer-metrics", "per-topic-total", &[]),
            Some(0.0)
        );
        let m = Metrics::new(MetricsConfig {
            recording_level: RecordingLevel::Debug,
            ..MetricsConfig::default()
        });
        let s = m.sensor(
            RecordingLevel::Debug,
            vec![(name("per-topic-total"), "t", Kind::Total)],
        );
        s.record(5.0);
        assert_eq!(
            m.value("producer-metrics", "per-topic-total", &[]),
            Some(5.0)
        );
    }

    #[test]
    fn gauges_are_read_at_snapshot_time_and_can_be_removed() {
        let m = Metrics::new(MetricsConfig::default());
        let level = Arc::new(std::sync::atomic::AtomicU64::new(7));
        let l = level.clone();
        m.gauge(name("buffer-available-bytes"), "free", move || {
            l.load(std::sync::atomic::Ordering::Relaxed) as f64
        });
        assert_eq!(
            m.value("producer-metrics", "buffer-available-bytes", &[]),
            Some(7.0)
        );
        level.store(9, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(
            m.value("producer-metrics", "buffer-available-bytes", &[]),
            Some(9.0)
        );
        m.remove(|n| n.name == "buffer-available-bytes");
        // Only the registry's own count is left, counting itself.
        let left = m.snapshot();
        assert_eq!(left.len(), 1);
        assert_eq!(
            (left[0].name.to_string(), left[0].value),
            ("kafka-metrics-count:count{}".to_owned(), 1.0)
        );
    }

    #[test]
    fn a_meter_counts_one_batch_of_n_as_n_single_records() {
        let m = Metrics::new(MetricsConfig::default());
        let batched = m.sensor(
            RecordingLevel::Info,
            meter(name("a-rate"), "r", name("a-total"), "t").to_vec(),
        );
        let single = m.sensor(
            RecordingLevel::Info,
            meter(name("b-rate"), "r", name("b-total"), "t").to_vec(),
        );
        batched.record_at(5.0, 100);
        for _ in 0..5 {
            single.record_at(1.0, 100);
        }
        let v: BTreeMap<String, f64> = m
            .snapshot_at(1_000)
            .into_iter()
            .map(|x| (x.name.name, x.value))
            .collect();
        assert_eq!(v["a-total"], 5.0);
        assert_eq!(v["a-total"], v["b-total"]);
        assert_eq!(v["a-rate"], v["b-rate"]);
        assert_eq!(
            v["a-rate"],
            5.0 / 30.9,
            "5 over the 30 s minimum window plus 0.9 s"
        );
    }

    #[test]
    fn registering_a_name_again_replaces_the_old_metric() {
        let m = Metrics::new(MetricsConfig::default());
        m.gauge(name("g"), "old", || 1.0);
        m.gauge(name("g"), "new", || 2.0);
        let all = m.snapshot();
        assert_eq!(all.len(), 2, "the gauge and kafka-metrics-count");
        assert_eq!((all[1].description, all[1].value), ("new", 2.0));
        assert_eq!(m.value("kafka-metrics-count", "count", &[]), Some(2.0));
    }
}
