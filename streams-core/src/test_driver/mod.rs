//! `TopologyTestDriver`: runs a topology in-process with no broker, with Java's
//! `TopologyTestDriver` semantics.
//!
//! One task (id `0_0`) runs every non-global sub-topology, all topics have one partition (0), and
//! each piped record is processed completely: process, stream-time punctuation, then a commit
//! (cache flush, changelog offsets) after every record. Records produced to internal (repartition)
//! topics or to topics the topology reads are piped back in. Wall-clock punctuation happens only
//! when [`TopologyTestDriver::advance_wall_clock_time`] moves the mock clock.
//!
//! [`TopologyTestDriver::metrics`] gives the metrics Java's driver shows, tagged with the name of
//! the thread that made the driver (as Java's; `main` in a Java `main`), measured on the mock
//! clock.

mod topics;

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;

pub use topics::{TestInputTopic, TestOutputTopic, TestRecord};

use crate::clock::{Clock, MockClock, SystemClock};
use crate::config::StreamsConfig;
use crate::error::StreamsError;
use crate::metrics::{Metric, StreamsMetrics};
use crate::name_hash::NameMap;
use crate::processor::{ConsumedRecord, Headers};
use crate::serde::SerdeError;
use crate::task::{
    CollectorError, DroppedRecords, ProducerRecord, RecordCollector, SharedCollector, Task, TaskId,
    TaskSetup,
};
use crate::topology::Topology;

/// Why a driver call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriverError {
    /// Processing failed.
    #[error(transparent)]
    Streams(#[from] StreamsError),
    /// The topology is invalid for this configuration (for example, a missing serde).
    #[error(transparent)]
    Topology(#[from] crate::topology::TopologyError),
    /// Test data could not be (de)serialized.
    #[error(transparent)]
    Serde(#[from] SerdeError),
    /// An output topic had no record left to read.
    #[error("no more records in output topic {0}")]
    NoRecord(String),
    /// The state directory could not be created.
    #[error("state directory: {0}")]
    Io(#[from] std::io::Error),
}

/// Produced records of one topic.
#[derive(Default)]
struct TopicLog {
    unread: VecDeque<ProducerRecord>,
    next_offset: i64,
    /// Last offset per partition; a short list, as topics here have one or a few partitions.
    last: Vec<(i32, i64)>,
    /// Whether the topology reads this topic, once the driver has classified it.
    read_back: Option<bool>,
}

impl TopicLog {
    fn set_last(&mut self, partition: i32, offset: i64) {
        match self.last.iter_mut().find(|(p, _)| *p == partition) {
            Some(slot) => slot.1 = offset,
            None => self.last.push((partition, offset)),
        }
    }
}

/// Keeps produced records in memory per topic, in send order, with per-topic offsets.
#[derive(Default)]
struct DriverCollector {
    /// Per-topic logs, found through `index`.
    logs: Vec<TopicLog>,
    index: NameMap<Arc<str>, usize>,
    /// The topics of the last records sent, by `Arc` identity: a sink or changelog sends every
    /// record with the same `Arc`, so most sends find their log without hashing the name. The
    /// `Arc`s are held so their addresses cannot be reused by another name.
    recent: [Option<(Arc<str>, usize)>; 2],
    /// Records not yet considered for piping back into the topology.
    fresh: Vec<ProducerRecord>,
    /// Whether the topology reads a topic, as classified by the driver: records to topics known
    /// not to be read are not copied into `fresh`.
    read_back: NameMap<Arc<str>, bool>,
}

impl DriverCollector {
    /// The index of `topic`'s log, created on first use.
    fn log_index(&mut self, topic: &Arc<str>) -> usize {
        for (t, i) in self.recent.iter().flatten() {
            if Arc::ptr_eq(t, topic) {
                return *i;
            }
        }
        // Looked up by &str first so a topic name is cloned once per topic, not per record.
        let i = match self.index.get(&**topic) {
            Some(&i) => i,
            None => {
                self.logs.push(TopicLog::default());
                let i = self.logs.len() - 1;
                self.index.insert(topic.clone(), i);
                i
            }
        };
        self.recent.swap(0, 1);
        self.recent[0] = Some((topic.clone(), i));
        i
    }

    fn log(&self, topic: &str) -> Option<&TopicLog> {
        self.index.get(topic).map(|&i| &self.logs[i])
    }

    fn log_mut(&mut self, topic: &str) -> Option<&mut TopicLog> {
        self.index.get(topic).map(|&i| &mut self.logs[i])
    }
}

impl RecordCollector for DriverCollector {
    fn send(&mut self, record: ProducerRecord) -> Result<(), CollectorError> {
        let i = self.log_index(&record.topic);
        let log = &mut self.logs[i];
        let offset = log.next_offset;
        log.set_last(record.partition.unwrap_or(0), offset);
        log.next_offset += 1;
        let read_back = match log.read_back {
            Some(known) => known,
            None => {
                let known = self.read_back.get(&*record.topic).copied();
                log.read_back = known;
                known.unwrap_or(true)
            }
        };
        if read_back {
            self.fresh.push(record.clone());
        }
        log.unread.push_back(record);
        Ok(())
    }
    fn flush(&mut self) -> Result<(), CollectorError> {
        Ok(())
    }
    fn offset(&self, topic: &str, partition: i32) -> Option<i64> {
        // The task asks with the changelog's `Arc` it also sends with, usually one of the
        // recent topics: the same address and length is the same name, as `recent` keeps those
        // names alive. Otherwise by name.
        let recent = self
            .recent
            .iter()
            .flatten()
            .find(|(t, _)| std::ptr::eq(t.as_ptr(), topic.as_ptr()) && t.len() == topic.len());
        let log = match recent {
            Some(&(_, i)) => Some(&self.logs[i]),
            None => self.log(topic),
        };
        log.and_then(|t| t.last.iter().find(|(p, _)| *p == partition))
            .map(|(_, o)| *o)
    }
}

pub(crate) struct Inner {
    task: Option<Task>,
    global: Option<Task>,
    global_topics: Vec<String>,
    collector: Arc<Mutex<DriverCollector>>,
    clock: Arc<MockClock>,
    metrics: StreamsMetrics,
    input_offsets: NameMap<Arc<str>, i64>,
    state_dir: PathBuf,
    remove_state_dir: bool,
    closed: bool,
}

/// Runs a topology against in-memory topics; see the module docs.
pub struct TopologyTestDriver {
    pub(crate) inner: Rc<RefCell<Inner>>,
}

static DIR_COUNTER: AtomicU64 = AtomicU64::new(0);

impl TopologyTestDriver {
    /// A driver whose mock wall clock starts at the system time.
    pub fn new(topology: Topology, config: StreamsConfig) -> Result<Self, DriverError> {
        Self::with_wall_clock(topology, config, SystemClock.now_ms())
    }

    /// A driver whose mock wall clock starts at `initial_wall_clock_ms`.
    pub fn with_wall_clock(
        topology: Topology,
        config: StreamsConfig,
        initial_wall_clock_ms: i64,
    ) -> Result<Self, DriverError> {
        topology.check_serdes(&config)?;
        let (state_dir, remove_state_dir) = match &config.state_dir {
            Some(d) => (d.clone(), false),
            None => {
                let d = std::env::temp_dir().join(format!(
                    "streams-core-driver-{}-{}",
                    std::process::id(),
                    DIR_COUNTER.fetch_add(1, Ordering::Relaxed)
                ));
                (d, true)
            }
        };
        std::fs::create_dir_all(&state_dir)?;
        let clock = Arc::new(MockClock::new(initial_wall_clock_ms));
        let collector = Arc::new(Mutex::new(DriverCollector::default()));
        let shared: SharedCollector = collector.clone();
        let global_ids: Vec<u32> = topology
            .subtopologies
            .iter()
            .filter(|s| s.global)
            .map(|s| s.id)
            .collect();
        let task_ids: Vec<u32> = topology
            .subtopologies
            .iter()
            .filter(|s| !s.global)
            .map(|s| s.id)
            .collect();
        let metrics = StreamsMetrics::new(config.metrics_config(), clock.clone());
        let mut global_topics = Vec::new();
        let mut global = if global_ids.is_empty() {
            None
        } else {
            for st in topology.subtopologies.iter().filter(|s| s.global) {
                for &n in &st.nodes {
                    if let crate::topology::NodeKind::Source(
                        crate::topology::SourceTopics::Topics(t),
                    ) = &topology.nodes[n].kind
                    {
                        global_topics.extend(t.iter().cloned());
                    }
                }
            }
            Some(Task::new(
                &topology,
                &config,
                TaskSetup {
                    id: TaskId {
                        subtopology: global_ids[0],
                        partition: 0,
                    },
                    subtopologies: global_ids,
                    collector: shared.clone(),
                    clock: clock.clone(),
                    global_stores: HashMap::new(),
                    state_dir: Some(state_dir.join("global")),
                    metrics: Some(metrics.clone()),
                },
            )?)
        };
        let global_stores = global.as_ref().map(Task::store_handles).unwrap_or_default();
        let thread_id = crate::metrics::current_thread_id();
        let mut task = if task_ids.is_empty() {
            None
        } else {
            Some(Task::new(
                &topology,
                &config,
                TaskSetup {
                    id: TaskId {
                        subtopology: 0,
                        partition: 0,
                    },
                    subtopologies: task_ids,
                    collector: shared,
                    clock: clock.clone(),
                    global_stores,
                    state_dir: Some(state_dir.clone()),
                    metrics: Some(metrics.clone()),
                },
            )?)
        };
        if let Some(t) = task.as_mut() {
            t.enable_metrics(&metrics, &thread_id);
        }
        if let Some(g) = global.as_mut() {
            g.enable_metrics(&metrics, &thread_id);
        }
        Ok(TopologyTestDriver {
            inner: Rc::new(RefCell::new(Inner {
                task,
                global,
                global_topics,
                collector,
                clock,
                metrics,
                input_offsets: NameMap::default(),
                state_dir,
                remove_state_dir,
                closed: false,
            })),
        })
    }

    /// An input topic with a start time for records piped without one, and no auto-advance.
    pub fn create_input_topic<K: 'static, V: 'static>(
        &self,
        topic: &str,
        key: crate::serde::SharedSerde<K>,
        value: crate::serde::SharedSerde<V>,
    ) -> TestInputTopic<K, V> {
        let start = self.inner.borrow().clock.now_ms();
        TestInputTopic::new(self.inner.clone(), topic, key, value, start, Duration::ZERO)
    }

    /// An input topic whose records without a timestamp start at `start_ms` and advance by
    /// `auto_advance` each.
    pub fn create_input_topic_with_time<K: 'static, V: 'static>(
        &self,
        topic: &str,
        key: crate::serde::SharedSerde<K>,
        value: crate::serde::SharedSerde<V>,
        start_ms: i64,
        auto_advance: Duration,
    ) -> TestInputTopic<K, V> {
        TestInputTopic::new(
            self.inner.clone(),
            topic,
            key,
            value,
            start_ms,
            auto_advance,
        )
    }

    /// An output topic reader.
    pub fn create_output_topic<K: 'static, V: 'static>(
        &self,
        topic: &str,
        key: crate::serde::SharedSerde<K>,
        value: crate::serde::SharedSerde<V>,
    ) -> TestOutputTopic<K, V> {
        TestOutputTopic::new(self.inner.clone(), topic, key, value)
    }

    /// A store of the task (or a global store), as the typed handle it was built as.
    pub fn state_store<S: Clone + 'static>(&self, name: &str) -> Option<S> {
        let inner = self.inner.borrow();
        inner
            .task
            .as_ref()
            .and_then(|t| t.store::<S>(name))
            .or_else(|| inner.global.as_ref().and_then(|g| g.store::<S>(name)))
    }

    /// Moves the mock wall clock, fires due wall-clock punctuators, commits, and processes
    /// anything that became processable.
    pub fn advance_wall_clock_time(&self, by: Duration) -> Result<(), DriverError> {
        let mut inner = self.inner.borrow_mut();
        // Counts so far are recorded at the time they happened, as Java records them.
        inner.fold_metrics();
        inner
            .clock
            .advance(i64::try_from(by.as_millis()).unwrap_or(i64::MAX));
        if let Some(task) = inner.task.as_mut() {
            task.maybe_punctuate_system_time()?;
            task.commit()?;
        }
        inner.complete_all_processable_work()?;
        Ok(())
    }

    /// Every metric, as Java's `TopologyTestDriver.metrics()` shows them: the task's
    /// (`stream-task-metrics`), its source nodes' `process-rate`/`-total` and its source and
    /// terminal nodes' `record-e2e-latency-avg/min/max` (`stream-processor-node-metrics`, the
    /// latency against the mock wall clock) and the thread-level `task-closed` pair, with Java's
    /// names, tags and descriptions. DEBUG-level ones are present at INFO too, as in Java, but
    /// record only under `metrics.recording.level=DEBUG`.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use streams_core::serde::Serdes;
    /// # use streams_core::topology::{Consumed, Produced, TopologyBuilder};
    /// use streams_core::StreamsConfig;
    /// use streams_core::test_driver::TopologyTestDriver;
    ///
    /// # let mut b = TopologyBuilder::new();
    /// # b.add_source("src", Consumed::with(Serdes::string(), Serdes::string()), "in")
    /// #     .add_sink("sink", "out", Produced::with(Serdes::string(), Serdes::string()), &["src"]);
    /// # let topology = b.build()?;
    /// let driver = TopologyTestDriver::with_wall_clock(topology, StreamsConfig::new("app"), 0)?;
    /// let dropped = driver
    ///     .metrics()
    ///     .into_iter()
    ///     .find(|m| m.name.group == "stream-task-metrics" && m.name.name == "dropped-records-total")
    ///     .expect("registered");
    /// assert_eq!(dropped.value, 0.0);
    /// assert_eq!(dropped.name.tags["task-id"], "0_0");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn metrics(&self) -> Vec<Metric> {
        let mut inner = self.inner.borrow_mut();
        inner.fold_metrics();
        inner.metrics.snapshot()
    }

    /// The driver's metrics registry (shared, not a copy). Its values are folded in from the
    /// task when [`Self::metrics`] is called or the clock moves.
    pub fn metrics_registry(&self) -> StreamsMetrics {
        self.inner.borrow().metrics.clone()
    }

    /// The mock wall clock's time.
    pub fn wall_clock_ms(&self) -> i64 {
        self.inner.borrow().clock.now_ms()
    }

    /// Records the task skipped (deserialization errors handled with continue, negative
    /// timestamps).
    pub fn dropped_records(&self) -> DroppedRecords {
        self.inner
            .borrow()
            .task
            .as_ref()
            .map(Task::dropped_records)
            .unwrap_or_default()
    }

    /// The task's stream time.
    pub fn stream_time(&self) -> i64 {
        self.inner
            .borrow()
            .task
            .as_ref()
            .map_or(-1, Task::stream_time)
    }

    /// Producer records sent to `topic` and not yet read, discarded (to bound memory in long runs).
    pub fn discard_output(&self, topic: &str) {
        let inner = self.inner.borrow();
        let mut c = inner.collector.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = c.log_mut(topic) {
            t.unread.clear();
        }
    }

    /// Names of topics that have unread output.
    pub fn producer_topics(&self) -> Vec<String> {
        let inner = self.inner.borrow();
        let c = inner.collector.lock().unwrap_or_else(|e| e.into_inner());
        let mut t: Vec<String> = c
            .index
            .iter()
            .filter(|&(_, &i)| !c.logs[i].unread.is_empty())
            .map(|(t, _)| t.to_string())
            .collect();
        t.sort();
        t
    }

    /// Closes processors and stores, and removes a temporary state directory.
    pub fn close(self) -> Result<(), DriverError> {
        self.inner.borrow_mut().close()
    }
}

/// Closing on drop of the shared state (not the driver handle) covers topics that outlive the
/// driver: the stores close and a temporary state directory goes once the last handle is gone.
impl Drop for Inner {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

impl Inner {
    fn fold_metrics(&mut self) {
        for t in [self.task.as_mut(), self.global.as_mut()]
            .into_iter()
            .flatten()
        {
            t.fold_metrics();
        }
    }

    fn close(&mut self) -> Result<(), DriverError> {
        if self.closed {
            return Ok(());
        }
        self.closed = true;
        let mut result = Ok(());
        if let Some(t) = self.task.as_mut() {
            result = t.close();
        }
        if let Some(g) = self.global.as_mut() {
            result = result.and(g.close());
        }
        self.task = None;
        self.global = None;
        if self.remove_state_dir {
            let _ = std::fs::remove_dir_all(&self.state_dir);
        }
        Ok(result?)
    }

    /// Pipes one serialized record into `topic`, then processes everything processable.
    pub(crate) fn pipe(
        &mut self,
        topic: &str,
        key: Option<Bytes>,
        value: Option<Bytes>,
        timestamp: i64,
        headers: Headers,
    ) -> Result<(), DriverError> {
        self.enqueue(topic, key, value, timestamp, headers)?;
        self.complete_all_processable_work()
    }

    fn enqueue(
        &mut self,
        topic: &str,
        key: Option<Bytes>,
        value: Option<Bytes>,
        timestamp: i64,
        headers: Headers,
    ) -> Result<(), DriverError> {
        let (topic_arc, offset) = match self.input_offsets.get_key_value(topic) {
            Some((t, &o)) => (t.clone(), o),
            None => (Arc::<str>::from(topic), 0),
        };
        self.input_offsets.insert(topic_arc.clone(), offset + 1);
        let record = ConsumedRecord {
            topic: topic_arc,
            partition: 0,
            offset,
            timestamp,
            key,
            value,
            headers,
        };
        if self.global_topics.iter().any(|t| t == topic) {
            let g = self
                .global
                .as_mut()
                .expect("global topics imply a global task");
            g.add_records(topic, 0, [record])?;
            g.mark_caught_up();
            while g.process(self.clock.now_ms())? {}
            g.commit()?;
            return Ok(());
        }
        match self.task.as_mut() {
            // `add_records` fails with `UnknownTopic` for a topic the task does not read.
            Some(t) => {
                t.add_records(topic, 0, [record])?;
                Ok(())
            }
            None => Err(StreamsError::UnknownTopic(topic.to_owned()).into()),
        }
    }

    /// Java's `completeAllProcessableWork`: process, punctuate by stream time and commit after
    /// each record, piping produced records back when the topology reads their topic.
    fn complete_all_processable_work(&mut self) -> Result<(), DriverError> {
        self.reenqueue_produced()?;
        let now = self.clock.now_ms();
        loop {
            let Some(task) = self.task.as_mut() else {
                return Ok(());
            };
            task.mark_caught_up();
            let queued = task.has_records_queued();
            if !(queued && task.is_processable(now)?) {
                if queued && !task.has_records_queued() {
                    // The queue held only records that do not deserialize, now dropped: Java
                    // holds such a record as the queue's head, processes (drops) it and
                    // commits, which its stores' `commit-rate` shows.
                    task.commit()?;
                }
                return Ok(());
            }
            task.process(now)?;
            task.maybe_punctuate_stream_time()?;
            task.commit()?;
            self.reenqueue_produced()?;
        }
    }

    fn reenqueue_produced(&mut self) -> Result<(), DriverError> {
        let fresh = {
            let mut c = self.collector.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::take(&mut c.fresh)
        };
        if fresh.is_empty() {
            return Ok(());
        }
        let mut classified = Vec::new();
        for r in fresh {
            let reads = self.global_topics.iter().any(|t| *t == *r.topic)
                || self.task.as_mut().is_some_and(|t| t.reads_topic(&r.topic));
            classified.push((r.topic.clone(), reads));
            if reads {
                self.enqueue(&r.topic, r.key, r.value, r.timestamp, r.headers)?;
            }
        }
        let mut c = self.collector.lock().unwrap_or_else(|e| e.into_inner());
        for (topic, reads) in classified {
            c.read_back.entry(topic).or_insert(reads);
        }
        Ok(())
    }

    pub(crate) fn pop_output(&mut self, topic: &str) -> Option<ProducerRecord> {
        let mut c = self.collector.lock().unwrap_or_else(|e| e.into_inner());
        c.log_mut(topic).and_then(|t| t.unread.pop_front())
    }

    pub(crate) fn output_len(&self, topic: &str) -> usize {
        let c = self.collector.lock().unwrap_or_else(|e| e.into_inner());
        c.log(topic).map_or(0, |t| t.unread.len())
    }
}
