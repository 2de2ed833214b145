//! Thread-level metrics (`stream-thread-metrics`), as Java's `ThreadMetrics` registers them for a
//! stream thread. Java's `TopologyTestDriver` runs no stream thread, so of these it has only the
//! `task-closed` pair its task registers; the runtime's stream threads register them all.

use super::{
    Batch, Sensor, StatKind, StreamsMetrics, THREAD_ID_TAG, THREAD_LEVEL_GROUP, avg_and_max,
    metric_name, rate_and_count, rate_and_sum,
};
use kafka_client::metrics::RecordingLevel;

/// A stream thread's metrics. Java records each at the end of a loop iteration
/// (`StreamThread.runOnce`), with the iteration's counts and latencies; so do these methods.
///
/// ```
/// use std::sync::Arc;
/// use streams_core::clock::MockClock;
/// use streams_core::metrics::{MetricsConfig, StreamsMetrics, ThreadMetrics};
///
/// let registry = StreamsMetrics::new(MetricsConfig::default(), Arc::new(MockClock::new(0)));
/// let t = ThreadMetrics::new(&registry, "app-StreamThread-1");
/// t.record_process(100, 5.0);
/// let tags = [("thread-id", "app-StreamThread-1")];
/// assert_eq!(registry.value("stream-thread-metrics", "process-total", &tags), Some(100.0));
/// assert_eq!(registry.value("stream-thread-metrics", "process-latency-avg", &tags), Some(0.05));
/// ```
#[derive(Debug, Clone)]
pub struct ThreadMetrics {
    commit: Sensor,
    poll: Sensor,
    poll_records: Sensor,
    process_rate: Sensor,
    process_latency: Sensor,
    process_records: Sensor,
    punctuate: Sensor,
    task_created: Sensor,
    task_closed: Sensor,
    process_ratio: Sensor,
    punctuate_ratio: Sensor,
    poll_ratio: Sensor,
    commit_ratio: Sensor,
}

/// Java's thread-level `invocationRateAndCountAndAvgAndMaxLatencySensor`.
fn calls_with_latency(
    registry: &StreamsMetrics,
    tags: &[(&str, &str)],
    op: &str,
    d: [&'static str; 4],
) -> Sensor {
    let mut stats = rate_and_count(THREAD_LEVEL_GROUP, tags, op, d[0], d[1]);
    stats.extend(avg_and_max(
        THREAD_LEVEL_GROUP,
        tags,
        &format!("{op}-latency"),
        d[2],
        d[3],
    ));
    registry.sensor(RecordingLevel::Info, stats)
}

fn ratio(registry: &StreamsMetrics, tags: &[(&str, &str)], name: &str, d: &'static str) -> Sensor {
    registry.sensor(
        RecordingLevel::Info,
        vec![(
            metric_name(name, THREAD_LEVEL_GROUP, tags),
            d,
            StatKind::Value,
        )],
    )
}

/// The `task-closed-rate`/`-total` pair, the one thread-level sensor a task registers itself
/// (Java's driver shows it too).
pub(crate) fn task_closed_sensor(registry: &StreamsMetrics, thread_id: &str) -> Sensor {
    registry.shared_sensor(
        RecordingLevel::Info,
        rate_and_count(
            THREAD_LEVEL_GROUP,
            &[(THREAD_ID_TAG, thread_id)],
            "task-closed",
            "The average per-second number of closed tasks",
            "The total number of closed tasks",
        ),
    )
}

impl ThreadMetrics {
    /// Registers the thread-level metrics of the thread `thread_id` in `registry`.
    pub fn new(registry: &StreamsMetrics, thread_id: &str) -> ThreadMetrics {
        let tags = [(THREAD_ID_TAG, thread_id)];
        let g = THREAD_LEVEL_GROUP;
        ThreadMetrics {
            commit: calls_with_latency(
                registry,
                &tags,
                "commit",
                [
                    "The average per-second number of calls to commit",
                    "The total number of calls to commit",
                    "The average commit latency",
                    "The maximum commit latency",
                ],
            ),
            poll: calls_with_latency(
                registry,
                &tags,
                "poll",
                [
                    "The average per-second number of calls to poll",
                    "The total number of calls to poll",
                    "The average poll latency",
                    "The maximum poll latency",
                ],
            ),
            poll_records: registry.sensor(
                RecordingLevel::Info,
                avg_and_max(
                    g,
                    &tags,
                    "poll-records",
                    "The average number of records polled from consumer within an iteration",
                    "The maximum number of records polled from consumer within an iteration",
                ),
            ),
            process_rate: registry.sensor(
                RecordingLevel::Info,
                rate_and_sum(
                    g,
                    &tags,
                    "process",
                    "The average per-second number of calls to process",
                    "The total number of calls to process",
                ),
            ),
            process_latency: registry.sensor(
                RecordingLevel::Info,
                avg_and_max(
                    g,
                    &tags,
                    "process-latency",
                    "The average process latency",
                    "The maximum process latency",
                ),
            ),
            process_records: registry.sensor(
                RecordingLevel::Info,
                avg_and_max(
                    g,
                    &tags,
                    "process-records",
                    "The average number of records processed within an iteration",
                    "The maximum number of records processed within an iteration",
                ),
            ),
            punctuate: calls_with_latency(
                registry,
                &tags,
                "punctuate",
                [
                    "The average per-second number of calls to punctuate",
                    "The total number of calls to punctuate",
                    "The average punctuate latency",
                    "The maximum punctuate latency",
                ],
            ),
            task_created: registry.sensor(
                RecordingLevel::Info,
                rate_and_count(
                    g,
                    &tags,
                    "task-created",
                    "The average per-second number of newly created tasks",
                    "The total number of newly created tasks",
                ),
            ),
            task_closed: task_closed_sensor(registry, thread_id),
            process_ratio: ratio(
                registry,
                &tags,
                "process-ratio",
                "The ratio, over a rolling measurement window, of the time this thread spent \
                 processing active tasks to the total elapsed time in that window.",
            ),
            punctuate_ratio: ratio(
                registry,
                &tags,
                "punctuate-ratio",
                "The ratio, over a rolling measurement window, of the time this thread spent \
                 punctuating active tasks to the total elapsed time in that window.",
            ),
            poll_ratio: ratio(
                registry,
                &tags,
                "poll-ratio",
                "The ratio, over a rolling measurement window, of the time this thread spent \
                 polling records from the consumer to the total elapsed time in that window.",
            ),
            commit_ratio: ratio(
                registry,
                &tags,
                "commit-ratio",
                "The ratio, over a rolling measurement window, of the time this thread spent \
                 committing all tasks to the total elapsed time in that window.",
            ),
        }
    }

    /// One process round of `records` records taking `latency_ms`: `process-total` grows by
    /// `records`, `process-latency` takes the per-record latency, as Java records them.
    pub fn record_process(&self, records: u64, latency_ms: f64) {
        if records == 0 {
            return;
        }
        self.process_rate.record_batch(Batch::one(records as f64));
        self.process_latency.record(latency_ms / records as f64);
    }

    /// The records processed in a whole loop iteration (`process-records-avg`/`-max`).
    pub fn record_process_records(&self, records: u64) {
        self.process_records.record(records as f64);
    }

    /// A punctuation round that fired `punctuated` punctuators in `latency_ms`; nothing if none.
    pub fn record_punctuate(&self, punctuated: u64, latency_ms: f64) {
        if punctuated > 0 {
            self.punctuate.record(latency_ms / punctuated as f64);
        }
    }

    /// A commit round that committed `committed` tasks in `latency_ms`: one call, whose latency
    /// is the time per task, as Java records it; nothing if none was committed.
    pub fn record_commit(&self, committed: u64, latency_ms: f64) {
        if committed > 0 {
            self.commit.record(latency_ms / committed as f64);
        }
    }

    /// A consumer poll that returned `records` records in `latency_ms`.
    pub fn record_poll(&self, records: u64, latency_ms: f64) {
        self.poll.record(latency_ms);
        if records > 0 {
            self.poll_records.record(records as f64);
        }
    }

    /// The shares of a loop iteration spent processing, punctuating, polling and committing.
    pub fn record_ratios(&self, process: f64, punctuate: f64, poll: f64, commit: f64) {
        self.process_ratio.record(process);
        self.punctuate_ratio.record(punctuate);
        self.poll_ratio.record(poll);
        self.commit_ratio.record(commit);
    }

    /// `n` tasks created.
    pub fn record_tasks_created(&self, n: u64) {
        if n > 0 {
            self.task_created.record_batch(Batch::ones(n));
        }
    }

    /// `n` tasks closed.
    pub fn record_tasks_closed(&self, n: u64) {
        if n > 0 {
            self.task_closed.record_batch(Batch::ones(n));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::MockClock;
    use crate::metrics::MetricsConfig;

    #[test]
    fn a_thread_registers_javas_thread_level_metrics() {
        let r = StreamsMetrics::new(MetricsConfig::default(), Arc::new(MockClock::new(0)));
        let t = ThreadMetrics::new(&r, "t-1");
        let names: Vec<String> = r.snapshot().into_iter().map(|m| m.name.name).collect();
        for op in ["commit", "poll", "punctuate"] {
            for suffix in ["rate", "total", "latency-avg", "latency-max"] {
                let want = format!("{op}-{suffix}");
                assert!(names.contains(&want), "{want} missing from {names:?}");
            }
        }
        for n in [
            "process-rate",
            "process-total",
            "process-latency-avg",
            "process-latency-max",
            "process-records-avg",
            "poll-records-max",
            "task-created-total",
            "task-closed-rate",
            "process-ratio",
            "commit-ratio",
        ] {
            assert!(names.iter().any(|x| x == n), "{n} missing");
        }
        t.record_commit(1, 4.0);
        t.record_commit(2, 4.0);
        t.record_commit(0, 9.0);
        t.record_punctuate(0, 9.0);
        t.record_tasks_closed(2);
        let tags = [("thread-id", "t-1")];
        let v = |n: &str| r.value(THREAD_LEVEL_GROUP, n, &tags);
        assert_eq!(v("commit-total"), Some(2.0));
        assert_eq!(v("commit-latency-avg"), Some(3.0));
        assert_eq!(v("commit-latency-max"), Some(4.0));
        assert_eq!(
            v("punctuate-total"),
            Some(0.0),
            "a round with none is no call"
        );
        assert_eq!(v("task-closed-total"), Some(2.0));
    }
}
