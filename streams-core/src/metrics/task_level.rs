//! Task-level metrics (`stream-task-metrics`), the source nodes' `process-rate`/`-total` and the
//! source and terminal nodes' `record-e2e-latency-*` (`stream-processor-node-metrics`), as Java's
//! `StreamTask` registers them, and the plain counters the task keeps on its hot path until they
//! are folded in.

use super::{
    Batch, PROCESSOR_NODE_ID_TAG, PROCESSOR_NODE_LEVEL_GROUP, Pending, Sensor, StatKind,
    StreamsMetrics, TASK_ID_TAG, TASK_LEVEL_GROUP, THREAD_ID_TAG, TOPIC_LEVEL_GROUP, TOPIC_TAG,
    avg_and_max, metric_name, rate_and_count, rate_and_sum, thread::task_closed_sensor,
};
use kafka_client::metrics::RecordingLevel;

/// What a task counts between folds. Only plain arithmetic happens per record; the clock is read
/// only for DEBUG-level latencies, and only when DEBUG metrics record (as Java measures latency
/// only for a recording sensor).
#[derive(Debug, Default)]
pub(crate) struct TaskCounters {
    /// Whether DEBUG-level task metrics record: gates the per-record clock reads and counts.
    pub(crate) debug: bool,
    /// Latency of each record's trip through the graph (DEBUG).
    pub(crate) process_latency: Pending,
    /// Latency of each punctuator call (DEBUG).
    pub(crate) punctuate: Pending,
    /// Lateness of each record taken against stream time (DEBUG).
    pub(crate) lateness: Pending,
    /// Records processed per source node, by the task's node index (DEBUG).
    pub(crate) source_processed: Vec<u64>,
    /// Tasks closed (the thread-level `task-closed` pair).
    pub(crate) closed: u64,
}

/// The sensors of one task, fed from [`TaskCounters`] and the partition group's counts.
pub(crate) struct TaskMetrics {
    registry: StreamsMetrics,
    thread_id: String,
    task_id: String,
    dropped: Sensor,
    dropped_folded: u64,
    enforced: Sensor,
    enforced_folded: u64,
    process_latency: Sensor,
    punctuate: Sensor,
    lateness: Sensor,
    task_process: Sensor,
    /// Source nodes by task node index, with their node-level sensor.
    sources: Vec<(usize, Sensor)>,
    /// Source and terminal nodes by task node index, with their `record-e2e-latency` sensor.
    e2e: Vec<(usize, Sensor)>,
    /// `stream-topic-metrics` by node index, topic and direction (produced: true).
    topics: Vec<(usize, String, bool, Sensor)>,
    /// A global task has no topic metrics.
    global: bool,
    node_names: Vec<String>,
    task_closed: Sensor,
}

impl std::fmt::Debug for TaskMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskMetrics")
            .field("thread_id", &self.thread_id)
            .field("task_id", &self.task_id)
            .finish_non_exhaustive()
    }
}

pub(crate) const E2E_AVG: &str = "The average end-to-end latency of a record, measuring by comparing the \
                       record timestamp with the system time when it has been fully processed by \
                       the node";
pub(crate) const E2E_MIN: &str = "The minimum end-to-end latency of a record, measuring by comparing the \
                       record timestamp with the system time when it has been fully processed by \
                       the node";
pub(crate) const E2E_MAX: &str = "The maximum end-to-end latency of a record, measuring by comparing the \
                       record timestamp with the system time when it has been fully processed by \
                       the node";

/// The partition group's counts at a fold.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct GroupCounts {
    pub(crate) dropped: u64,
    pub(crate) enforced: u64,
}

impl TaskMetrics {
    /// Registers the task-level metrics Java's `StreamTask` registers, and `process-rate`/`-total`
    /// for each source node (`sources`: task node index and name).
    /// `e2e_nodes` are the source and terminal nodes (Java's `record-e2e-latency` is theirs).
    /// A `global` task (Java's `GlobalStateUpdateTask`, task id `-1_-1`) has only
    /// `dropped-records` and its sources' `process-rate`/`-total`, as in Java.
    pub(crate) fn register(
        registry: &StreamsMetrics,
        thread_id: &str,
        task_id: &str,
        sources: &[(usize, &str)],
        e2e_nodes: &[(usize, &str)],
        node_names: &[String],
        global: bool,
    ) -> (TaskMetrics, TaskCounters) {
        let tags = [(THREAD_ID_TAG, thread_id), (TASK_ID_TAG, task_id)];
        let g = TASK_LEVEL_GROUP;
        // The metrics only a StreamTask has: a global task's sensors for them feed no metric.
        let task_only =
            |level, stats| registry.sensor(level, if global { Vec::new() } else { stats });
        let debug = |stats| task_only(RecordingLevel::Debug, stats);
        let info = |stats| task_only(RecordingLevel::Info, stats);
        let value = |level, name: &str, d: &'static str| {
            task_only(
                level,
                vec![(metric_name(name, g, &tags), d, StatKind::Value)],
            )
        };
        // Registered for the names Java shows; fed only by a runtime (the driver has no thread
        // loop, restoration or process-ratio accounting, and neither has Java's).
        value(
            RecordingLevel::Debug,
            "active-buffer-count",
            "The count of buffered records that are polled from consumer and not yet processed \
             for this active task",
        );
        value(
            RecordingLevel::Info,
            "active-process-ratio",
            "The fraction of time the thread spent on processing this task among all assigned \
             active tasks",
        );
        debug(rate_and_sum(
            g,
            &tags,
            "restore",
            "The average number of records restored per second",
            "The total number of records restored",
        ));
        info(vec![(
            metric_name("restore-remaining-records-total", g, &tags),
            "The total number of records remaining to be restored",
            StatKind::Total,
        )]);

        let mut punctuate = rate_and_count(
            g,
            &tags,
            "punctuate",
            "The average number of calls to punctuate per second",
            "The total number of calls to punctuate",
        );
        punctuate.extend(avg_and_max(
            g,
            &tags,
            "punctuate-latency",
            "The average latency of calls to punctuate",
            "The maximum latency of calls to punctuate",
        ));
        let process_description = (
            "The average number of calls to process per second",
            "The total number of calls to process",
        );
        let task_process = registry.sensor(
            RecordingLevel::Debug,
            rate_and_count(
                g,
                &tags,
                "process",
                process_description.0,
                process_description.1,
            ),
        );
        let source_slots = sources.iter().map(|(i, _)| i + 1).max().unwrap_or(0);
        let sources = sources
            .iter()
            .map(|&(idx, name)| {
                let node_tags = [
                    (THREAD_ID_TAG, thread_id),
                    (TASK_ID_TAG, task_id),
                    (PROCESSOR_NODE_ID_TAG, name),
                ];
                let s = registry.sensor(
                    RecordingLevel::Debug,
                    rate_and_count(
                        PROCESSOR_NODE_LEVEL_GROUP,
                        &node_tags,
                        "process",
                        process_description.0,
                        process_description.1,
                    ),
                );
                (idx, s)
            })
            .collect();
        let e2e = e2e_nodes
            .iter()
            .map(|&(idx, name)| {
                let node_tags = [
                    (THREAD_ID_TAG, thread_id),
                    (TASK_ID_TAG, task_id),
                    (PROCESSOR_NODE_ID_TAG, name),
                ];
                let n = |stat: &str| {
                    metric_name(
                        &format!("record-e2e-latency-{stat}"),
                        PROCESSOR_NODE_LEVEL_GROUP,
                        &node_tags,
                    )
                };
                let s = info(vec![
                    (n("avg"), E2E_AVG, StatKind::Avg),
                    (n("min"), E2E_MIN, StatKind::Min),
                    (n("max"), E2E_MAX, StatKind::Max),
                ]);
                (idx, s)
            })
            .collect();
        let metrics = TaskMetrics {
            registry: registry.clone(),
            thread_id: thread_id.to_owned(),
            task_id: task_id.to_owned(),
            dropped: registry.sensor(
                RecordingLevel::Info,
                rate_and_sum(
                    g,
                    &tags,
                    "dropped-records",
                    "The average number of dropped records per second",
                    "The total number of dropped records",
                ),
            ),
            dropped_folded: 0,
            enforced: debug(rate_and_count(
                g,
                &tags,
                "enforced-processing",
                "The average number of occurrences of enforced-processing operations per second",
                "The total number of occurrences of enforced-processing operations",
            )),
            enforced_folded: 0,
            process_latency: debug(avg_and_max(
                g,
                &tags,
                "process-latency",
                "The average latency of calls to process",
                "The maximum latency of calls to process",
            )),
            punctuate: debug(punctuate),
            lateness: debug(avg_and_max(
                g,
                &tags,
                "record-lateness",
                "The observed average lateness of records in milliseconds, measured by comparing \
                 the record timestamp with the current stream time",
                "The observed maximum lateness of records in milliseconds, measured by comparing \
                 the record timestamp with the current stream time",
            )),
            task_process,
            sources,
            e2e,
            topics: Vec::new(),
            global,
            node_names: node_names.to_vec(),
            task_closed: task_closed_sensor(registry, thread_id),
        };
        let counters = TaskCounters {
            debug: registry.records(RecordingLevel::Debug),
            source_processed: vec![0; source_slots],
            ..TaskCounters::default()
        };
        (metrics, counters)
    }

    /// The `stream-topic-metrics` sensor of `node` and `topic`, registered on first use (Java's
    /// `TopicMetrics.consumedSensor` / `producedSensor`).
    fn topic_sensor(&mut self, node: usize, topic: &str, produced: bool) -> &Sensor {
        let i = match self
            .topics
            .iter()
            .position(|(n, t, p, _)| *n == node && t == topic && *p == produced)
        {
            Some(i) => i,
            None => {
                let name = self.node_names.get(node).map_or("", String::as_str);
                let tags = [
                    (THREAD_ID_TAG, self.thread_id.as_str()),
                    (TASK_ID_TAG, self.task_id.as_str()),
                    (PROCESSOR_NODE_ID_TAG, name),
                    (TOPIC_TAG, topic),
                ];
                let g = TOPIC_LEVEL_GROUP;
                let stats = if produced {
                    vec![
                        (
                            metric_name("records-produced-total", g, &tags),
                            "The total number of records produced to this topic",
                            StatKind::Count,
                        ),
                        (
                            metric_name("bytes-produced-total", g, &tags),
                            "The total number of bytes produced to this topic",
                            StatKind::Total,
                        ),
                    ]
                } else {
                    vec![
                        (
                            metric_name("records-consumed-total", g, &tags),
                            "The total number of records consumed from this topic",
                            StatKind::Count,
                        ),
                        (
                            metric_name("bytes-consumed-total", g, &tags),
                            "The total number of bytes consumed from this topic",
                            StatKind::Total,
                        ),
                    ]
                };
                let s = self.registry.sensor(RecordingLevel::Info, stats);
                self.topics.push((node, topic.to_owned(), produced, s));
                self.topics.len() - 1
            }
        };
        &self.topics[i].3
    }

    /// Records what was counted since the last fold, at the registry's time now: `e2e` are the
    /// task's per-node end-to-end latency accumulators, `consumed` and `produced` the records
    /// and bytes per (node index, topic) since the last fold (a topic seen for the first time gets
    /// its metrics even with nothing to record).
    pub(crate) fn fold<'a>(
        &mut self,
        c: &mut TaskCounters,
        group: GroupCounts,
        e2e: &mut [Pending],
        consumed: impl Iterator<Item = (usize, &'a str, u64, i64)>,
        produced: impl Iterator<Item = (usize, &'a str, u64, i64)>,
    ) {
        let directions = consumed
            .map(|x| (x, false))
            .chain(produced.map(|x| (x, true)));
        for ((node, topic, records, bytes), is_produced) in directions {
            if self.global {
                continue;
            }
            let s = self.topic_sensor(node, topic, is_produced);
            if records > 0 {
                s.record_batch(Batch {
                    events: records,
                    sum: bytes as f64,
                    // Count and Sum read only events and sum.
                    min: 0.0,
                    max: 0.0,
                    last: 0.0,
                });
            }
        }
        for (idx, sensor) in &self.e2e {
            if let Some(b) = e2e.get_mut(*idx).and_then(Pending::take) {
                sensor.record_batch(b);
            }
        }
        if group.dropped > self.dropped_folded {
            let n = group.dropped - self.dropped_folded;
            self.dropped.record_batch(Batch::ones(n));
            self.dropped_folded = group.dropped;
        }
        if group.enforced > self.enforced_folded {
            let n = group.enforced - self.enforced_folded;
            self.enforced.record_batch(Batch::ones(n));
            self.enforced_folded = group.enforced;
        }
        if let Some(b) = c.process_latency.take() {
            self.process_latency.record_batch(b);
        }
        if let Some(b) = c.punctuate.take() {
            self.punctuate.record_batch(b);
        }
        if let Some(b) = c.lateness.take() {
            self.lateness.record_batch(b);
        }
        for (idx, sensor) in &self.sources {
            let n = std::mem::take(&mut c.source_processed[*idx]);
            if n > 0 {
                sensor.record_batch(Batch::ones(n));
                // Java's source-node sensor has the task-level one as its parent.
                self.task_process.record_batch(Batch::ones(n));
            }
        }
        if c.closed > 0 {
            self.task_closed
                .record_batch(Batch::ones(std::mem::take(&mut c.closed)));
        }
    }

    /// Drops the task's task- and node-level metrics, as Java does when a task closes; the
    /// thread-level `task-closed` pair stays.
    pub(crate) fn remove(&self) {
        self.registry.remove(|n| {
            (n.group == TASK_LEVEL_GROUP
                || n.group == PROCESSOR_NODE_LEVEL_GROUP
                || n.group == TOPIC_LEVEL_GROUP)
                && n.tags.get(THREAD_ID_TAG) == Some(&self.thread_id)
                && n.tags.get(TASK_ID_TAG) == Some(&self.task_id)
        });
        tracing::debug!(task = %self.task_id, thread = %self.thread_id, "task metrics removed");
    }
}
