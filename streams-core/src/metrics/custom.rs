//! Sensors users add from their processors (Java's public `StreamsMetrics` API:
//! `addLatencyRateTotalSensor`, `addRateTotalSensor`, `addSensor`, `removeSensor`), named and
//! tagged as Java names them so custom dashboards carry over too.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use kafka_client::metrics::{DuplicateMetric, Kind, MetricName, RecordingLevel, Sensor};

use super::{StreamsMetrics, THREAD_ID_TAG, current_thread_id};

/// Sensors by name (Java's `Metrics.sensor(name)` is get-or-create by name).
#[derive(Default, Debug)]
pub(super) struct CustomSensors {
    by_name: HashMap<String, StreamsSensor>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Descriptions of user metrics are built from their operation names at run time, while the
/// registry keeps `&'static str`s: each distinct text is kept once for the process's life. Users
/// name a fixed set of operations, so this stays a handful of strings.
fn intern(text: String) -> &'static str {
    static TEXTS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut texts = lock(TEXTS.get_or_init(Default::default));
    if let Some(t) = texts.get(text.as_str()) {
        return t;
    }
    let t: &'static str = Box::leak(text.into_boxed_str());
    texts.insert(t);
    t
}

/// A sensor made through [`StreamsMetrics`]' public API (Java's `Sensor` as Kafka Streams hands
/// it out): recording into it records into every statistic it feeds, then into its parents.
/// Clones share it.
#[derive(Clone, Debug)]
pub struct StreamsSensor {
    name: Arc<str>,
    sensor: Sensor,
    parents: Vec<StreamsSensor>,
}

impl StreamsSensor {
    /// The sensor's name (Java's `Sensor.name()`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Records one event (a value of 1.0), as Java's `Sensor.record()`.
    pub fn record(&self) {
        self.record_value(1.0);
    }

    /// Records `value` now (the registry's clock: the driver's mock clock under the
    /// TopologyTestDriver), then into the parents.
    pub fn record_value(&self, value: f64) {
        self.sensor.record(value);
        for p in &self.parents {
            p.record_value(value);
        }
    }

    /// Whether the sensor records under the configured `metrics.recording.level` (Java's
    /// `shouldRecord`); a sensor above it is registered but records nothing.
    pub fn should_record(&self) -> bool {
        self.sensor.recording()
    }

    /// Feeds a further statistic `stat`, registered as `name` (Java's `Sensor.add`). Returns
    /// `Ok(false)` when the sensor already feeds `name`, and an error when another sensor or a
    /// built-in metric holds that name.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use streams_core::clock::MockClock;
    /// use streams_core::metrics::{
    ///     MetricName, MetricsConfig, RecordingLevel, StatKind, StreamsMetrics,
    /// };
    ///
    /// let registry = StreamsMetrics::new(MetricsConfig::default(), Arc::new(MockClock::new(0)));
    /// let sensor = registry.add_sensor("batch-size", RecordingLevel::Info);
    /// let name = MetricName::new("batch-size-max", "my-app-metrics", &[("store", "s")]);
    /// assert!(sensor.add(name, "The largest batch", StatKind::Max)?);
    /// sensor.record_value(12.0);
    /// assert_eq!(registry.value("my-app-metrics", "batch-size-max", &[]), Some(12.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add(
        &self,
        name: MetricName,
        description: &str,
        stat: Kind,
    ) -> Result<bool, DuplicateMetric> {
        self.sensor.add(name, intern(description.to_owned()), stat)
    }
}

/// Java's `addInvocationRateAndCountToSensor` and, for a latency sensor, `addAvgAndMaxToSensor`
/// texts.
fn rate_total(
    sensor: &StreamsSensor,
    group: &str,
    tags: &[(&str, &str)],
    operation: &str,
    latency: bool,
) -> Result<(), DuplicateMetric> {
    let stats = [
        (
            format!("{operation}-rate"),
            format!("The average number of {operation} operations per second"),
            Kind::CountRate,
        ),
        (
            format!("{operation}-total"),
            format!("The total number of {operation} operations"),
            Kind::Count,
        ),
    ];
    let latencies = [
        (
            format!("{operation}-latency-avg"),
            format!("The average latency of {operation}"),
            Kind::Avg,
        ),
        (
            format!("{operation}-latency-max"),
            format!("The maximum latency of {operation}"),
            Kind::Max,
        ),
    ];
    let extra: &[_] = if latency { &latencies } else { &[] };
    for (name, description, kind) in stats.iter().chain(extra) {
        sensor.add(MetricName::new(name, group, tags), description, *kind)?;
    }
    Ok(())
}

impl StreamsMetrics {
    fn custom(&self) -> MutexGuard<'_, CustomSensors> {
        lock(&self.custom)
    }

    /// The sensor named `name`, or a new one feeding nothing yet (Java's
    /// `StreamsMetrics.addSensor`): add statistics with [`StreamsSensor::add`]. Asking again for
    /// a name returns the existing sensor, whatever `level`.
    pub fn add_sensor(&self, name: &str, level: RecordingLevel) -> StreamsSensor {
        self.add_sensor_with_parents(name, level, &[])
    }

    /// [`Self::add_sensor`] with parents: what the sensor records, each parent records too.
    pub fn add_sensor_with_parents(
        &self,
        name: &str,
        level: RecordingLevel,
        parents: &[&StreamsSensor],
    ) -> StreamsSensor {
        let mut custom = self.custom();
        if let Some(s) = custom.by_name.get(name) {
            return s.clone();
        }
        let s = StreamsSensor {
            name: Arc::from(name),
            sensor: self.inner.sensor(level, Vec::new()),
            parents: parents.iter().map(|&p| p.clone()).collect(),
        };
        custom.by_name.insert(name.to_owned(), s.clone());
        s
    }

    /// A sensor counting `operation`s on `entity`, with their latency (Java's
    /// `addLatencyRateTotalSensor`): `<operation>-rate`, `-total`, `-latency-avg` and
    /// `-latency-max` in group `stream-<scope>-metrics`, tagged `thread-id` (the calling thread's
    /// name, as in Java), `<scope>-id` = `entity` and `tags`. Record each operation's latency
    /// into it; the unit is yours.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use streams_core::clock::MockClock;
    /// use streams_core::metrics::{MetricsConfig, RecordingLevel, StreamsMetrics};
    ///
    /// let registry = StreamsMetrics::new(MetricsConfig::default(), Arc::new(MockClock::new(0)));
    /// let lookups = registry.add_latency_rate_total_sensor(
    ///     "geo", "lookup-cache", "lookup", RecordingLevel::Info, &[("region", "eu")],
    /// )?;
    /// lookups.record_value(3.0);
    /// lookups.record_value(5.0);
    /// let value = |name| registry.value("stream-geo-metrics", name, &[("geo-id", "lookup-cache")]);
    /// assert_eq!(value("lookup-total"), Some(2.0));
    /// assert_eq!(value("lookup-latency-avg"), Some(4.0));
    /// assert_eq!(value("lookup-latency-max"), Some(5.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_latency_rate_total_sensor(
        &self,
        scope: &str,
        entity: &str,
        operation: &str,
        level: RecordingLevel,
        tags: &[(&str, &str)],
    ) -> Result<StreamsSensor, DuplicateMetric> {
        self.external_sensor(scope, entity, operation, level, tags, true)
    }

    /// A sensor counting `operation`s on `entity` (Java's `addRateTotalSensor`):
    /// `<operation>-rate` and `-total` in group `stream-<scope>-metrics`, tagged as
    /// [`Self::add_latency_rate_total_sensor`] tags them.
    pub fn add_rate_total_sensor(
        &self,
        scope: &str,
        entity: &str,
        operation: &str,
        level: RecordingLevel,
        tags: &[(&str, &str)],
    ) -> Result<StreamsSensor, DuplicateMetric> {
        self.external_sensor(scope, entity, operation, level, tags, false)
    }

    fn external_sensor(
        &self,
        scope: &str,
        entity: &str,
        operation: &str,
        level: RecordingLevel,
        tags: &[(&str, &str)],
        latency: bool,
    ) -> Result<StreamsSensor, DuplicateMetric> {
        let thread = current_thread_id();
        let group = format!("stream-{scope}-metrics");
        let scope_tag = format!("{scope}-id");
        // Java's tag map: later keys overwrite earlier ones, the user's last.
        let mut all: Vec<(&str, &str)> = vec![(THREAD_ID_TAG, &thread), (&scope_tag, entity)];
        for &(k, v) in tags {
            all.retain(|(key, _)| *key != k);
            all.push((k, v));
        }
        let sensor = self.add_sensor(
            &format!("external.{thread}.entity.{entity}.s.{operation}"),
            level,
        );
        rate_total(&sensor, &group, &all, operation, latency)?;
        Ok(sensor)
    }

    /// Removes `sensor`'s metrics, and those of the sensors made with it as a parent (Java's
    /// `removeSensor`). A later [`Self::add_sensor`] of its name makes a new one.
    pub fn remove_sensor(&self, sensor: &StreamsSensor) {
        let mut gone = vec![sensor.name.clone()];
        let mut names = Vec::new();
        {
            let mut custom = self.custom();
            while let Some(name) = gone.pop() {
                if let Some(s) = custom.by_name.remove(&*name) {
                    names.extend(s.sensor.metric_names());
                }
                gone.extend(
                    custom
                        .by_name
                        .values()
                        .filter(|s| s.parents.iter().any(|p| p.name == name))
                        .map(|s| s.name.clone()),
                );
            }
        }
        // A sensor handed out but no longer registered by name (already removed) still owns
        // its metrics.
        names.extend(sensor.sensor.metric_names());
        self.inner.remove(|n| names.contains(n));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::MockClock;
    use crate::metrics::MetricsConfig;

    fn registry(level: RecordingLevel) -> StreamsMetrics {
        StreamsMetrics::new(
            MetricsConfig {
                recording_level: level,
                ..MetricsConfig::default()
            },
            Arc::new(MockClock::new(0)),
        )
    }

    #[test]
    fn a_latency_sensor_registers_javas_four_metrics_under_javas_names_and_tags() {
        let r = registry(RecordingLevel::Info);
        let thread = current_thread_id();
        let s = r
            .add_latency_rate_total_sensor(
                "geo",
                "cache",
                "lookup",
                RecordingLevel::Info,
                &[("region", "eu"), ("geo-id", "override")],
            )
            .unwrap();
        assert_eq!(
            s.name(),
            format!("external.{thread}.entity.cache.s.lookup").as_str()
        );
        s.record_value(2.0);
        let got: Vec<_> = r
            .snapshot()
            .into_iter()
            .filter(|m| m.name.group == "stream-geo-metrics")
            .map(|m| {
                (
                    m.name.name,
                    m.name.tags.into_iter().collect::<Vec<_>>(),
                    m.description,
                    m.value,
                )
            })
            .collect();
        let tags = vec![
            ("geo-id".to_owned(), "override".to_owned()),
            ("region".to_owned(), "eu".to_owned()),
            ("thread-id".to_owned(), thread.clone()),
        ];
        assert_eq!(
            got,
            vec![
                (
                    "lookup-latency-avg".to_owned(),
                    tags.clone(),
                    "The average latency of lookup",
                    2.0
                ),
                (
                    "lookup-latency-max".to_owned(),
                    tags.clone(),
                    "The maximum latency of lookup",
                    2.0
                ),
                (
                    "lookup-rate".to_owned(),
                    tags.clone(),
                    "The average number of lookup operations per second",
                    1.0 / 30.0
                ),
                (
                    "lookup-total".to_owned(),
                    tags,
                    "The total number of lookup operations",
                    1.0
                ),
            ]
        );
    }

    #[test]
    fn asking_again_returns_the_same_sensor_and_keeps_its_counts() {
        let r = registry(RecordingLevel::Info);
        let a = r
            .add_rate_total_sensor("x", "e", "op", RecordingLevel::Info, &[])
            .unwrap();
        a.record();
        let b = r
            .add_rate_total_sensor("x", "e", "op", RecordingLevel::Info, &[])
            .unwrap();
        b.record();
        assert_eq!(r.value("stream-x-metrics", "op-total", &[]), Some(2.0));
        assert_eq!(r.value("stream-x-metrics", "op-latency-avg", &[]), None);
    }

    #[test]
    fn a_sensor_above_the_recording_level_is_registered_but_records_nothing() {
        let r = registry(RecordingLevel::Info);
        let s = r
            .add_rate_total_sensor("x", "e", "op", RecordingLevel::Debug, &[])
            .unwrap();
        assert!(!s.should_record());
        s.record();
        assert_eq!(r.value("stream-x-metrics", "op-total", &[]), Some(0.0));
    }

    #[test]
    fn parents_record_what_children_record_and_go_with_them() {
        let r = registry(RecordingLevel::Info);
        let parent = r.add_sensor("all-ops", RecordingLevel::Info);
        parent
            .add(MetricName::new("ops-total", "g", &[]), "all", Kind::Count)
            .unwrap();
        let child = r.add_sensor_with_parents("one-op", RecordingLevel::Info, &[&parent]);
        child
            .add(MetricName::new("op-total", "g", &[]), "one", Kind::Count)
            .unwrap();
        child.record();
        child.record();
        assert_eq!(r.value("g", "ops-total", &[]), Some(2.0));
        assert_eq!(r.value("g", "op-total", &[]), Some(2.0));
        r.remove_sensor(&parent);
        assert_eq!(r.value("g", "ops-total", &[]), None);
        assert_eq!(r.value("g", "op-total", &[]), None, "the child goes too");
        let again = r.add_sensor("one-op", RecordingLevel::Info);
        assert!(
            again
                .add(MetricName::new("op-total", "g", &[]), "one", Kind::Count)
                .unwrap(),
            "a new sensor after removal"
        );
    }

    #[test]
    fn a_name_another_sensor_holds_is_refused() {
        let r = registry(RecordingLevel::Info);
        let a = r.add_sensor("a", RecordingLevel::Info);
        let b = r.add_sensor("b", RecordingLevel::Info);
        let name = MetricName::new("n", "g", &[]);
        assert_eq!(a.add(name.clone(), "d", Kind::Max), Ok(true));
        assert_eq!(a.add(name.clone(), "d", Kind::Max), Ok(false));
        assert_eq!(
            b.add(name.clone(), "d", Kind::Max),
            Err(DuplicateMetric { name })
        );
    }
}
