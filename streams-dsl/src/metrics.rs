//! The metrics Kafka Streams' DSL operators record beyond the runtime's own, under Java's names
//! (its `ProcessorNodeMetrics` and `StateStoreMetrics`): suppression's `suppression-emit` and
//! buffer size and count, emit-final windows' `window-aggregate-final-emit` and its latency. All
//! are DEBUG, as in Java. Dropped late records count in the task's `dropped-records` through
//! `ProcessorContext::record_dropped`.

use streams_core::metrics::{
    MetricName, PROCESSOR_NODE_ID_TAG, PROCESSOR_NODE_LEVEL_GROUP, RecordingLevel,
    STATE_LEVEL_GROUP, StatKind, StreamsMetrics, StreamsSensor, TASK_ID_TAG, THREAD_ID_TAG,
    current_thread_id,
};

/// One statistic of a sensor: name suffix, description, kind.
type Stat = (&'static str, &'static str, StatKind);

/// A DEBUG sensor named `sensor` feeding `<base><suffix>` for each of `stats` in `group` with
/// `tags`. Metrics are optional to processing: a name clash (which Java would refuse at start)
/// is logged and leaves the operator without the sensor.
fn sensor(
    registry: &StreamsMetrics,
    sensor: &str,
    group: &str,
    tags: &[(&str, &str)],
    base: &str,
    stats: &[Stat],
) -> Option<StreamsSensor> {
    let s = registry.add_sensor(sensor, RecordingLevel::Debug);
    for (suffix, description, kind) in stats {
        let name = MetricName::new(&format!("{base}{suffix}"), group, tags);
        if let Err(e) = s.add(name, description, *kind) {
            tracing::warn!(%e, sensor, "operator metric not registered");
            return None;
        }
    }
    Some(s)
}

/// A processor node's sensor (group `stream-processor-node-metrics`, tags `thread-id`, `task-id`,
/// `processor-node-id`).
fn node_sensor(
    registry: &StreamsMetrics,
    task: &str,
    node: &str,
    base: &str,
    stats: &[Stat],
) -> Option<StreamsSensor> {
    let thread = current_thread_id();
    sensor(
        registry,
        &format!("internal.{thread}.task.{task}.node.{node}.s.{base}"),
        PROCESSOR_NODE_LEVEL_GROUP,
        &[
            (THREAD_ID_TAG, &thread),
            (TASK_ID_TAG, task),
            (PROCESSOR_NODE_ID_TAG, node),
        ],
        base,
        stats,
    )
}

/// `suppression-emit-rate` / `-total`: records a suppression forwards.
pub(crate) fn suppression_emit(
    registry: &StreamsMetrics,
    task: &str,
    node: &str,
) -> Option<StreamsSensor> {
    node_sensor(
        registry,
        task,
        node,
        "suppression-emit",
        &[
            (
                "-rate",
                "The average number of emitted records from the suppression buffer per second",
                StatKind::CountRate,
            ),
            (
                "-total",
                "The total number of emitted records from the suppression buffer",
                StatKind::Count,
            ),
        ],
    )
}

/// `window-aggregate-final-emit-rate` / `-total`: records an emit-final aggregation forwards,
/// recorded as one value per emission.
pub(crate) fn final_emit(
    registry: &StreamsMetrics,
    task: &str,
    node: &str,
) -> Option<StreamsSensor> {
    node_sensor(
        registry,
        task,
        node,
        "window-aggregate-final-emit",
        &[
            (
                "-rate",
                "The average number of emit final records per second",
                StatKind::Rate,
            ),
            (
                "-total",
                "The total number of emit final records",
                StatKind::Total,
            ),
        ],
    )
}

/// `window-aggregate-final-emit-latency-avg` / `-max`: how long each emission took, in
/// milliseconds of the system clock (not the task's: Java's is real time under its driver too).
pub(crate) fn final_emit_latency(
    registry: &StreamsMetrics,
    task: &str,
    node: &str,
) -> Option<StreamsSensor> {
    node_sensor(
        registry,
        task,
        node,
        "window-aggregate-final-emit-latency",
        &[
            (
                "-avg",
                "The average latency of calls to emit final in milliseconds",
                StatKind::Avg,
            ),
            (
                "-max",
                "The maximum latency of calls to emit final in milliseconds",
                StatKind::Max,
            ),
        ],
    )
}

/// A suppression buffer's `suppression-buffer-size-*` and `suppression-buffer-count-*`
/// (group `stream-state-metrics`, scope `in-memory-suppression`).
pub(crate) fn suppression_buffer(
    registry: &StreamsMetrics,
    thread: &str,
    task: &str,
    store: &str,
) -> Option<(StreamsSensor, StreamsSensor)> {
    let tags = [
        (THREAD_ID_TAG, thread),
        (TASK_ID_TAG, task),
        ("in-memory-suppression-state-id", store),
    ];
    let prefix = format!("internal.{thread}.task.{task}.store.{store}.s.");
    let size = sensor(
        registry,
        &format!("{prefix}suppression-buffer-size"),
        STATE_LEVEL_GROUP,
        &tags,
        "suppression-buffer-size",
        &[
            (
                "-avg",
                "The average size of buffered records",
                StatKind::Avg,
            ),
            (
                "-max",
                "The maximum size of buffered records",
                StatKind::Max,
            ),
        ],
    )?;
    let count = sensor(
        registry,
        &format!("{prefix}suppression-buffer-count"),
        STATE_LEVEL_GROUP,
        &tags,
        "suppression-buffer-count",
        &[
            (
                "-avg",
                "The average count of buffered records",
                StatKind::Avg,
            ),
            (
                "-max",
                "The maximum count of buffered records",
                StatKind::Max,
            ),
        ],
    )?;
    Some((size, count))
}

/// What every windowed aggregation registers at `init`, emitting final results or not (Java's
/// time-window, sliding and session aggregate processors): `dropped-records` goes through the
/// context, these two are the node's.
#[derive(Default)]
pub(crate) struct FinalEmitMetrics {
    emitted: Option<StreamsSensor>,
    latency: Option<StreamsSensor>,
}

impl FinalEmitMetrics {
    /// Registers the node's `window-aggregate-final-emit` and `-latency` metrics.
    pub(crate) fn register(registry: &StreamsMetrics, task: &str, node: &str) -> Self {
        FinalEmitMetrics {
            emitted: final_emit(registry, task, node),
            latency: final_emit_latency(registry, task, node),
        }
    }

    /// Records one emission of `records` final results that took `latency` (whole
    /// milliseconds, as Java's clock reads them).
    pub(crate) fn record(&self, records: usize, latency: std::time::Duration) {
        if let Some(s) = &self.emitted {
            s.record_value(records as f64);
        }
        if let Some(s) = &self.latency {
            s.record_value(latency.as_millis() as f64);
        }
    }
}
