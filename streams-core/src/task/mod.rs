//! Tasks: one per (sub-topology, input partition). A task owns its node instances, its stores,
//! its input buffers and stream time, and runs records through the graph depth-first.
//!
//! The task is IO-free: records come in through [`Task::add_records`], output leaves through the
//! [`RecordCollector`], and time comes from a [`Clock`](crate::clock::Clock). The stream thread
//! of the runtime and the [`TopologyTestDriver`](crate::test_driver::TopologyTestDriver) drive it
//! the same way: `process`, `maybe_punctuate_stream_time`, `commit`.

mod collector;
mod partition_group;
mod punctuation;

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

pub use collector::{CollectorError, ProducerRecord, RecordCollector, SharedCollector};
pub use partition_group::{DroppedRecords, UNKNOWN_TIME};
pub(crate) use punctuation::{PunctuationQueue, PunctuationSchedule};

use crate::clock::SharedClock;
use crate::config::StreamsConfig;
use crate::error::StreamsError;
use crate::metrics::{GroupCounts, Pending, StreamsMetrics, TaskCounters, TaskMetrics};
use crate::processor::{ConsumedRecord, Record, RecordMetadata};
use crate::state::{ChangelogRecord, StoreContext, StoreControl, StoreHandle};
use crate::topology::{NodeEnv, NodeKind, SourceTopics, Topology};
use partition_group::{PartitionGroup, SourceBinding};

/// A task's id: sub-topology and partition, shown as `0_1` like Java's `TaskId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId {
    /// The sub-topology.
    pub subtopology: u32,
    /// The input partition.
    pub partition: i32,
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.subtopology, self.partition)
    }
}

/// A node instance with its record types erased.
pub(crate) trait Node: Send {
    fn init(&mut self, _ctx: NodeCtx<'_>) -> Result<(), StreamsError> {
        Ok(())
    }
    /// `record` is an `Option<Record<K, V>>` of the node's input types.
    fn process(&mut self, ctx: NodeCtx<'_>, record: &mut dyn Any) -> Result<(), StreamsError>;
    fn close(&mut self) {}
    /// The topic a sink always writes to (none for other nodes, or a sink choosing its topic
    /// per record).
    fn fixed_topic(&self) -> Option<Arc<str>> {
        None
    }
}

/// The fixed shape of a task's graph, apart from the mutable state so both can be borrowed at once.
pub(crate) struct Graph {
    pub(crate) names: Vec<String>,
    /// Children in the order they were connected: the order records are forwarded in.
    pub(crate) children: Vec<Vec<usize>>,
    pub(crate) stores: Vec<Vec<String>>,
}

/// Forwards a record from a cache flush of a store owned by a node.
pub(crate) trait CacheForwarder: Send {
    fn forward(&mut self, ctx: NodeCtx<'_>) -> Result<(), StreamsError>;
}

pub(crate) struct StoreSlot {
    pub(crate) name: String,
    pub(crate) handle: StoreHandle,
    pub(crate) control: Box<dyn StoreControl>,
    pub(crate) changelog: Option<(Arc<str>, i32)>,
}

/// The stores of a task, in registration order (the order they are flushed in).
#[derive(Default)]
pub(crate) struct StoreRegistry(pub(crate) Vec<StoreSlot>);

impl StoreRegistry {
    pub(crate) fn get(&self, name: &str) -> Option<&StoreSlot> {
        self.0.iter().find(|s| s.name == name)
    }
    fn get_mut(&mut self, name: &str) -> Option<&mut StoreSlot> {
        self.0.iter_mut().find(|s| s.name == name)
    }
}

/// Everything of a task a node may change while it runs.
pub(crate) struct TaskState {
    pub(crate) task_id: TaskId,
    pub(crate) application_id: Arc<str>,
    pub(crate) nodes: Vec<Option<Box<dyn Node>>>,
    pub(crate) stores: StoreRegistry,
    pub(crate) global_stores: HashMap<String, StoreHandle>,
    pub(crate) record_meta: Option<RecordMetadata>,
    pub(crate) record_timestamp: Arc<AtomicI64>,
    /// The headers and metadata of the record being processed, as stores see them.
    pub(crate) record_context: Arc<crate::state::RecordContext>,
    pub(crate) stream_time: i64,
    /// What processors reach through their context's `metrics()`.
    pub(crate) metrics: StreamsMetrics,
    /// Records processors said they dropped (`ProcessorContext::record_dropped`), for the
    /// task's `dropped-records`.
    pub(crate) dropped_by_processors: u64,
    pub(crate) clock: SharedClock,
    pub(crate) collector: SharedCollector,
    pub(crate) stream_punctuations: PunctuationQueue,
    pub(crate) wall_punctuations: PunctuationQueue,
    pub(crate) commit_requested: bool,
    pub(crate) cache_forwarders: Vec<(usize, Box<dyn CacheForwarder>)>,
    /// The processing context's wall-clock time (Java's `currentSystemTimeMs`): set when a record
    /// is processed or a punctuator fires, not read from the clock per forward.
    pub(crate) now_ms: i64,
    /// End-to-end latency accumulated per node index for source and terminal nodes, folded into
    /// their metrics; empty while the task has no metrics.
    pub(crate) e2e: Vec<Pending>,
    /// Records and bytes sent per topic by sinks, for `stream-topic-metrics`; counted only once
    /// the task has metrics.
    pub(crate) produced: Vec<ProducedTopic>,
    pub(crate) count_produced: bool,
    /// A topic sent to for the first time: the next terminal node to finish is the sink that sent
    /// it, and the topic's metrics are named after it.
    pub(crate) unattributed: Option<usize>,
}

/// What sinks sent to one topic since the last fold.
#[derive(Debug)]
pub(crate) struct ProducedTopic {
    pub(crate) topic: Arc<str>,
    /// The sink the topic's metrics are tagged with, once known.
    pub(crate) node: Option<usize>,
    /// Java leaves `-changelog` topics out of its produced metrics.
    pub(crate) counted: bool,
    pub(crate) records: u64,
    pub(crate) bytes: i64,
}

impl TaskState {
    /// Sets where the record being processed was read, for processors and stores; returns the
    /// previous metadata.
    pub(crate) fn set_record_meta(
        &mut self,
        meta: Option<RecordMetadata>,
    ) -> Option<RecordMetadata> {
        self.record_context.set_metadata(meta.as_ref());
        std::mem::replace(&mut self.record_meta, meta)
    }

    pub(crate) fn set_record_timestamp(&self, ts: i64) -> i64 {
        // Only the task's thread writes it (store handles read it), so a load and a store do:
        // a swap would be a locked read-modify-write on every processor call.
        let previous = self.record_timestamp.load(Ordering::Relaxed);
        self.record_timestamp.store(ts, Ordering::Relaxed);
        previous
    }

    pub(crate) fn send(&mut self, record: ProducerRecord) -> Result<(), StreamsError> {
        if record.timestamp < 0 {
            return Err(CollectorError::NegativeTimestamp {
                topic: record.topic.to_string(),
                timestamp: record.timestamp,
            }
            .into());
        }
        if self.count_produced {
            self.count_sent(&record);
        }
        let mut c = self.collector.lock().map_err(|_| CollectorError::Closed)?;
        Ok(c.send(record)?)
    }

    /// Java's `producerRecordSizeInBytes` (null key or value: 0) into the topic's counts. A sink
    /// sends every record with the same `Arc`, so the topic is found by address first.
    fn count_sent(&mut self, record: &ProducerRecord) {
        let i = match self
            .produced
            .iter()
            .position(|p| Arc::ptr_eq(&p.topic, &record.topic))
            .or_else(|| self.produced.iter().position(|p| p.topic == record.topic))
        {
            Some(i) => i,
            None => {
                self.produced.push(ProducedTopic {
                    topic: record.topic.clone(),
                    node: None,
                    counted: !record.topic.ends_with("-changelog"),
                    records: 0,
                    bytes: 0,
                });
                self.unattributed = Some(self.produced.len() - 1);
                self.produced.len() - 1
            }
        };
        let len = |b: &Option<bytes::Bytes>| b.as_ref().map_or(0, |b| b.len() as i64);
        let p = &mut self.produced[i];
        if !p.counted {
            return;
        }
        p.records += 1;
        p.bytes += len(&record.key)
            + len(&record.value)
            + record.topic.len() as i64
            + 20
            + partition_group::headers_size(&record.headers);
    }

    /// Forwards entries flushed from caches of stores registered for forwarding by `node`
    /// (`None`: all nodes).
    pub(crate) fn forward_cache_flushes(
        &mut self,
        graph: &Graph,
        node: impl Into<Option<usize>>,
    ) -> Result<(), StreamsError> {
        let node = node.into();
        // Called after every processor call: most nodes register no forwarder, and checking
        // the (short) list is cheaper than taking it out and putting it back.
        if !self
            .cache_forwarders
            .iter()
            .any(|(n, _)| node.is_none_or(|x| x == *n))
        {
            return Ok(());
        }
        let mut forwarders = std::mem::take(&mut self.cache_forwarders);
        let mut result = Ok(());
        for (n, f) in forwarders.iter_mut() {
            if node.is_none_or(|x| x == *n) {
                result = f.forward(NodeCtx {
                    graph,
                    state: self,
                    node: *n,
                });
                if result.is_err() {
                    break;
                }
            }
        }
        forwarders.append(&mut self.cache_forwarders);
        self.cache_forwarders = forwarders;
        result
    }
}

/// A node's access to its task while it runs.
pub(crate) struct NodeCtx<'a> {
    pub(crate) graph: &'a Graph,
    pub(crate) state: &'a mut TaskState,
    pub(crate) node: usize,
}

impl NodeCtx<'_> {
    pub(crate) fn reborrow(&mut self) -> NodeCtx<'_> {
        NodeCtx {
            graph: self.graph,
            state: &mut *self.state,
            node: self.node,
        }
    }
}

/// Runs one node on a record, taking the node out of the task while it runs so its children can
/// be reached; a node reached again while out is a cycle.
pub(crate) fn run_node(
    graph: &Graph,
    state: &mut TaskState,
    idx: usize,
    record: &mut dyn Any,
) -> Result<(), StreamsError> {
    let mut node = state.nodes[idx]
        .take()
        .ok_or_else(|| StreamsError::Reentered(graph.names[idx].clone()))?;
    let result = node.process(
        NodeCtx {
            graph,
            state: &mut *state,
            node: idx,
        },
        record,
    );
    state.nodes[idx] = Some(node);
    result
}

/// Sends a record to `children` in order, cloning for all but the last.
pub(crate) fn dispatch<K: Clone + 'static, V: Clone + 'static>(
    graph: &Graph,
    state: &mut TaskState,
    children: &[usize],
    record: Record<K, V>,
) -> Result<(), StreamsError> {
    let Some((&last, rest)) = children.split_last() else {
        return Ok(());
    };
    let timestamp = record.timestamp;
    for &c in rest {
        let mut slot = Some(record.clone());
        run_node(graph, state, c, &mut slot)?;
        record_terminal_e2e(graph, state, c, timestamp);
    }
    let mut slot = Some(record);
    run_node(graph, state, last, &mut slot)?;
    record_terminal_e2e(graph, state, last, timestamp);
    Ok(())
}

/// Java's `ProcessorContextImpl.forwardInternal`: a record fully processed by a node without
/// children counts towards that node's `record-e2e-latency`.
#[inline]
fn record_terminal_e2e(graph: &Graph, state: &mut TaskState, node: usize, timestamp: i64) {
    if graph.children[node].is_empty() {
        if let Some(p) = state.e2e.get_mut(node) {
            p.add(state.now_ms.saturating_sub(timestamp) as f64);
        }
        if let Some(t) = state.unattributed.take() {
            state.produced[t].node.get_or_insert(node);
        }
    }
}

/// What makes a task beyond the topology: where it runs and what it writes to.
pub struct TaskSetup {
    /// The task id; its partition is the input (and changelog) partition.
    pub id: TaskId,
    /// The sub-topologies whose nodes the task runs. The runtime gives one; the test driver gives
    /// all non-global ones, as Java's driver runs one task for the whole topology.
    pub subtopologies: Vec<u32>,
    /// Where sink and changelog records go.
    pub collector: SharedCollector,
    /// The wall clock.
    pub clock: SharedClock,
    /// Handles of global stores, reachable from every processor.
    pub global_stores: HashMap<String, StoreHandle>,
    /// Directory for this task's persistent stores.
    pub state_dir: Option<PathBuf>,
    /// The registry processors reach through [`ProcessorContext::metrics`] from `init` on, for
    /// sensors of their own; give the one [`Task::enable_metrics`] will be given. `None` gives
    /// the task a registry of its own that nobody reads.
    ///
    /// [`ProcessorContext::metrics`]: crate::processor::ProcessorContext::metrics
    pub metrics: Option<StreamsMetrics>,
}

/// A running task.
pub struct Task {
    graph: Graph,
    state: TaskState,
    group: PartitionGroup,
    patterns: Vec<(SourceTopics, SourceBinding)>,
    partition: i32,
    global: bool,
    /// Source nodes by task node index and name, for their metrics.
    sources: Vec<(usize, String)>,
    /// Registered by [`Task::enable_metrics`]; `None` keeps the task metric-free.
    metrics: Option<TaskMetrics>,
    /// Counted on the hot path, folded into `metrics` by [`Task::fold_metrics`].
    counters: TaskCounters,
    /// The task's caches' budget, told the record's topic at DEBUG (`cache-size-bytes-total`).
    cache_budget: Arc<crate::state::CacheBudget>,
}

impl Task {
    /// Makes the nodes and stores of `setup.subtopologies`, registers their input partitions and
    /// initializes processors (which may fetch stores and schedule punctuators).
    pub fn new(
        topology: &Topology,
        config: &StreamsConfig,
        setup: TaskSetup,
    ) -> Result<Task, StreamsError> {
        let global = topology
            .subtopologies
            .iter()
            .any(|s| s.global && setup.subtopologies.contains(&s.id));
        let members: Vec<usize> = topology
            .subtopologies
            .iter()
            .filter(|s| setup.subtopologies.contains(&s.id))
            .flat_map(|s| s.nodes.iter().copied())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let local: HashMap<usize, usize> =
            members.iter().enumerate().map(|(l, &g)| (g, l)).collect();
        let env = NodeEnv {
            defaults: &config.default_serdes,
            application_id: &config.application_id,
            internal_topics: &topology.internal_topics,
        };
        let mut graph = Graph {
            names: Vec::new(),
            children: Vec::new(),
            stores: Vec::new(),
        };
        let mut nodes = Vec::new();
        for &g in &members {
            let spec = &topology.nodes[g];
            graph.names.push(spec.name.clone());
            graph.children.push(
                topology
                    .children_of(g)
                    .into_iter()
                    .filter_map(|c| local.get(&c).copied())
                    .collect(),
            );
            graph.stores.push(topology.node_stores[g].clone());
            nodes.push(Some(spec.factory.make(&spec.name, &env)?));
        }
        let record_timestamp = Arc::new(AtomicI64::new(UNKNOWN_TIME));
        let record_context = Arc::new(crate::state::RecordContext::default());
        let mut stores = StoreRegistry::default();
        let cache_budget = Arc::new(crate::state::CacheBudget::new(config.cache_max_bytes));
        let store_names: Vec<&String> = graph.stores.iter().flatten().collect();
        for spec in &topology.stores {
            let name = spec.builder.name();
            if spec.global != global || !store_names.iter().any(|s| s.as_str() == name) {
                continue;
            }
            if stores.get(name).is_some() {
                continue;
            }
            let changelog = (spec.builder.logging_enabled() && !global).then(|| {
                (
                    Arc::<str>::from(format!("{}-{}-changelog", config.application_id, name)),
                    setup.id.partition,
                )
            });
            let ctx = StoreContext {
                application_id: config.application_id.clone(),
                task_id: setup.id,
                state_dir: setup.state_dir.clone(),
                changelog: changelog.clone(),
                collector: setup.collector.clone(),
                record_timestamp: record_timestamp.clone(),
                record_context: record_context.clone(),
                cache_budget: cache_budget.clone(),
                commit_policy: config.store_commit,
                clock: setup.clock.clone(),
            };
            let built = spec.builder.build(&ctx)?;
            stores.0.push(StoreSlot {
                name: name.to_owned(),
                handle: built.handle,
                control: built.control,
                changelog,
            });
        }
        let mut group = PartitionGroup::new(
            config.max_task_idle_ms,
            config.deserialization_handler.clone(),
        );
        let mut patterns = Vec::new();
        let mut sources = Vec::new();
        for (l, &g) in members.iter().enumerate() {
            let spec = &topology.nodes[g];
            let NodeKind::Source(topics) = &spec.kind else {
                continue;
            };
            sources.push((l, spec.name.clone()));
            let binding = SourceBinding {
                node: l,
                deserializer: spec
                    .factory
                    .deserializer(&spec.name, &env)?
                    .expect("sources have deserializers"),
                extractor: spec
                    .factory
                    .extractor()
                    .unwrap_or_else(|| config.timestamp_extractor.clone()),
            };
            match topics {
                SourceTopics::Topics(ts) => {
                    for t in ts {
                        group.add_partition(
                            Arc::from(env.runtime_topic(t)),
                            setup.id.partition,
                            binding.clone(),
                        );
                    }
                }
                SourceTopics::Pattern(_) => patterns.push((topics.clone(), binding)),
            }
        }
        let mut task = Task {
            graph,
            state: TaskState {
                task_id: setup.id,
                application_id: Arc::from(config.application_id.as_str()),
                nodes,
                stores,
                global_stores: setup.global_stores,
                record_meta: None,
                record_timestamp,
                record_context,
                stream_time: UNKNOWN_TIME,
                metrics: setup.metrics.unwrap_or_else(|| {
                    StreamsMetrics::new(config.metrics_config(), setup.clock.clone())
                }),
                dropped_by_processors: 0,
                clock: setup.clock,
                collector: setup.collector,
                stream_punctuations: PunctuationQueue::default(),
                wall_punctuations: PunctuationQueue::default(),
                commit_requested: false,
                cache_forwarders: Vec::new(),
                now_ms: UNKNOWN_TIME,
                e2e: Vec::new(),
                produced: Vec::new(),
                count_produced: false,
                unattributed: None,
            },
            group,
            patterns,
            partition: setup.id.partition,
            global,
            sources,
            metrics: None,
            counters: TaskCounters::default(),
            cache_budget,
        };
        for idx in 0..task.state.nodes.len() {
            let mut node = task.state.nodes[idx].take().expect("node present at init");
            let r = node.init(NodeCtx {
                graph: &task.graph,
                state: &mut task.state,
                node: idx,
            });
            task.state.nodes[idx] = Some(node);
            r?;
        }
        Ok(task)
    }

    /// The task id.
    pub fn id(&self) -> TaskId {
        self.state.task_id
    }

    /// Whether this task runs a global sub-topology.
    pub fn is_global(&self) -> bool {
        self.global
    }

    /// The handles of this task's stores, by name.
    pub fn store_handles(&self) -> HashMap<String, StoreHandle> {
        self.state
            .stores
            .0
            .iter()
            .map(|s| (s.name.clone(), s.handle.clone()))
            .collect()
    }

    /// A store handle by name, typed as the store was built.
    pub fn store<S: Clone + 'static>(&self, name: &str) -> Option<S> {
        self.state
            .stores
            .get(name)
            .map(|s| &s.handle)
            .or_else(|| self.state.global_stores.get(name))
            .and_then(|h| h.downcast_ref::<S>())
            .cloned()
    }

    /// Whether the task reads `topic` (by name or pattern), registering a pattern match.
    pub fn reads_topic(&mut self, topic: &str) -> bool {
        if self.group.has_partition(topic, self.partition) {
            return true;
        }
        if let Some((_, binding)) = self.patterns.iter().find(|(p, _)| p.matches(topic)) {
            self.group
                .add_partition(Arc::from(topic), self.partition, binding.clone());
            return true;
        }
        false
    }

    /// Buffers consumed records of one input partition.
    pub fn add_records(
        &mut self,
        topic: &str,
        partition: i32,
        records: impl IntoIterator<Item = ConsumedRecord>,
    ) -> Result<(), StreamsError> {
        if !self.reads_topic(topic) {
            return Err(StreamsError::UnknownTopic(topic.to_owned()));
        }
        self.group.add_records(topic, partition, records)
    }

    /// Records the consumer's lag on a partition (`None` if unknown), for `max.task.idle.ms`.
    pub fn update_lag(&mut self, topic: &str, partition: i32, lag: Option<i64>) {
        self.group.update_lag(topic, partition, lag);
    }

    /// Marks every input partition caught up (lag 0), as the test driver does.
    pub fn mark_caught_up(&mut self) {
        self.group.update_all_lags(Some(0));
    }

    /// Whether records are buffered.
    pub fn has_records_queued(&self) -> bool {
        self.group.has_buffered()
    }

    /// Whether the task may process at `wall_clock_ms` under `max.task.idle.ms`.
    pub fn is_processable(&mut self, wall_clock_ms: i64) -> Result<bool, StreamsError> {
        self.group.ready_to_process(wall_clock_ms)
    }

    /// Processes the buffered record with the smallest timestamp through the graph; returns
    /// whether one was processed.
    pub fn process(&mut self, wall_clock_ms: i64) -> Result<bool, StreamsError> {
        if !self.group.ready_to_process(wall_clock_ms)? {
            return Ok(false);
        }
        let stream_time_before = self.group.stream_time();
        let Some(mut rec) = self.group.next_record()? else {
            return Ok(false);
        };
        self.state.stream_time = self.group.stream_time();
        self.state.set_record_meta(Some(rec.meta));
        self.state.set_record_timestamp(rec.timestamp);
        self.state.now_ms = wall_clock_ms;
        if let Some(p) = self.state.e2e.get_mut(rec.source) {
            p.add(wall_clock_ms.saturating_sub(rec.timestamp) as f64);
        }
        if !self.counters.debug {
            run_node(
                &self.graph,
                &mut self.state,
                rec.source,
                rec.record.as_mut(),
            )?;
            return Ok(true);
        }
        // DEBUG level: Java's PartitionGroup.nextRecord lateness, the source node's count and
        // StreamTask's process latency (in ns, at the clock's millisecond resolution).
        let lateness = if rec.timestamp > stream_time_before {
            0
        } else {
            stream_time_before - rec.timestamp
        };
        self.counters.lateness.add(lateness as f64);
        if let Some(n) = self.counters.source_processed.get_mut(rec.source) {
            *n += 1;
        }
        if let Some(meta) = &self.state.record_meta {
            self.cache_budget.set_record_topic(&meta.topic);
        }
        let start = self.state.clock.now_ms();
        let result = run_node(
            &self.graph,
            &mut self.state,
            rec.source,
            rec.record.as_mut(),
        );
        let elapsed = self.state.clock.now_ms().saturating_sub(start);
        self.counters
            .process_latency
            .add(elapsed.saturating_mul(1_000_000) as f64);
        result?;
        Ok(true)
    }

    /// The task's stream time: the largest timestamp processed, or -1.
    pub fn stream_time(&self) -> i64 {
        self.state.stream_time
    }

    /// Records skipped so far.
    pub fn dropped_records(&self) -> DroppedRecords {
        DroppedRecords {
            processor: self.state.dropped_by_processors,
            ..self.group.dropped
        }
    }

    /// Whether a processor asked for a commit since the last one.
    pub fn commit_requested(&self) -> bool {
        self.state.commit_requested
    }

    /// Fires due stream-time punctuators; returns whether any fired.
    pub fn maybe_punctuate_stream_time(&mut self) -> Result<bool, StreamsError> {
        let now = self.state.stream_time;
        if now == UNKNOWN_TIME {
            return Ok(false);
        }
        self.punctuate(now, true)
    }

    /// Fires due wall-clock punctuators at the clock's time; returns whether any fired.
    pub fn maybe_punctuate_system_time(&mut self) -> Result<bool, StreamsError> {
        let now = self.state.clock.now_ms();
        self.punctuate(now, false)
    }

    fn punctuate(&mut self, now: i64, stream: bool) -> Result<bool, StreamsError> {
        let mut fired = false;
        loop {
            let queue = if stream {
                &mut self.state.stream_punctuations
            } else {
                &mut self.state.wall_punctuations
            };
            let Some(mut sched) = queue.pop_due(now) else {
                break;
            };
            fired = true;
            self.state.set_record_meta(None);
            self.state.now_ms = self.state.clock.now_ms();
            let previous = self.state.set_record_timestamp(now);
            let start = self.counters.debug.then(|| {
                self.cache_budget.set_record_topic("");
                self.state.clock.now_ms()
            });
            let result = sched.punctuator.punctuate(
                NodeCtx {
                    graph: &self.graph,
                    state: &mut self.state,
                    node: sched.node,
                },
                now,
            );
            if let Some(start) = start {
                let elapsed = self.state.clock.now_ms().saturating_sub(start);
                self.counters
                    .punctuate
                    .add(elapsed.saturating_mul(1_000_000) as f64);
            }
            let forwarded = self.state.forward_cache_flushes(&self.graph, sched.node);
            self.state.set_record_timestamp(previous);
            if !sched.is_cancelled() {
                sched.advance(now);
                let queue = if stream {
                    &mut self.state.stream_punctuations
                } else {
                    &mut self.state.wall_punctuations
                };
                queue.reinsert(sched);
            }
            result?;
            forwarded?;
        }
        Ok(fired)
    }

    /// Whether any punctuator of either kind is scheduled.
    pub fn has_punctuators(&self) -> bool {
        !self.state.stream_punctuations.is_empty() || !self.state.wall_punctuations.is_empty()
    }

    /// Commits: flushes caches (forwarding flushed entries), flushes the collector, then hands each
    /// store the changelog offset it now reflects. [`Self::consumed_offsets`] gives the input
    /// offsets to commit with it.
    pub fn commit(&mut self) -> Result<(), StreamsError> {
        // Store by store, each store's flushed entries are forwarded before the next store
        // flushes, as Java's state manager flushes its caches: what one store's flush writes
        // into a later store's cache (a table feeding a materialized join) goes down in the
        // same commit.
        for i in 0..self.state.stores.0.len() {
            self.state.stores.0[i].control.flush()?;
            self.state.forward_cache_flushes(&self.graph, None)?;
        }
        for slot in &mut self.state.stores.0 {
            slot.control.log_changes()?;
        }
        self.commit_stores(false)?;
        self.state.commit_requested = false;
        Ok(())
    }

    /// Flushes the collector and offers each store the changelog offset it now reflects.
    fn commit_stores(&mut self, force: bool) -> Result<(), StreamsError> {
        let mut c = self
            .state
            .collector
            .lock()
            .map_err(|_| CollectorError::Closed)?;
        c.flush()?;
        for slot in &mut self.state.stores.0 {
            let offset = slot.changelog.as_ref().and_then(|(t, p)| c.offset(t, *p));
            slot.control.commit(offset, force)?;
        }
        Ok(())
    }

    /// The next offset to consume per input partition: the offsets to commit to the group.
    pub fn consumed_offsets(&self) -> HashMap<(Arc<str>, i32), i64> {
        self.group
            .consumed_offsets()
            .iter()
            .map(|(tp, o)| (tp.clone(), o + 1))
            .collect()
    }

    /// Applies changelog records to a store during restoration, bypassing caching and logging;
    /// the store checkpoints the last offset with the data.
    pub fn restore(&mut self, store: &str, batch: &[ChangelogRecord]) -> Result<(), StreamsError> {
        let slot = self
            .state
            .stores
            .get_mut(store)
            .ok_or_else(|| crate::state::StoreError::UnknownStore(store.to_owned()))?;
        Ok(slot.control.restore(batch)?)
    }

    /// The changelog offset each store's durable state reflects.
    pub fn checkpoints(&self) -> HashMap<String, Option<i64>> {
        self.state
            .stores
            .0
            .iter()
            .map(|s| (s.name.clone(), s.control.checkpoint()))
            .collect()
    }

    /// Closes processors, commits and makes every store durable, and closes the stores. The
    /// task's metrics are removed (the thread-level `task-closed-total` counts it), as in Java.
    pub fn close(&mut self) -> Result<(), StreamsError> {
        for node in self.state.nodes.iter_mut().flatten() {
            node.close();
        }
        self.commit()?;
        self.commit_stores(true)?;
        for slot in &mut self.state.stores.0 {
            slot.control.close()?;
        }
        if self.metrics.is_some() {
            // Java's global task is no StreamTask: its close counts in no task-closed.
            if !self.global {
                self.counters.closed += 1;
            }
            self.fold_metrics();
            if let Some(m) = self.metrics.take() {
                m.remove();
            }
        }
        Ok(())
    }

    /// Registers the task's metrics in `registry`, tagged with `thread_id` (Java's names: see
    /// [`crate::metrics`]). Until this is called the task counts nothing beyond
    /// [`Self::dropped_records`].
    pub fn enable_metrics(&mut self, registry: &StreamsMetrics, thread_id: &str) {
        let sources: Vec<(usize, &str)> =
            self.sources.iter().map(|(i, n)| (*i, n.as_str())).collect();
        // Java's `record-e2e-latency` nodes: sources and nodes without children (none for the
        // global task).
        let e2e_nodes: Vec<(usize, &str)> = (0..self.graph.names.len())
            .filter(|&i| self.graph.children[i].is_empty() || sources.iter().any(|s| s.0 == i))
            .filter(|_| !self.global)
            .map(|i| (i, self.graph.names[i].as_str()))
            .collect();
        // Java's global task is `-1_-1` whatever its sub-topology.
        let task_id = if self.global {
            "-1_-1".to_owned()
        } else {
            self.state.task_id.to_string()
        };
        let (metrics, counters) = TaskMetrics::register(
            registry,
            thread_id,
            &task_id,
            &sources,
            &e2e_nodes,
            &self.graph.names,
            self.global,
        );
        self.metrics = Some(metrics);
        self.counters = counters;
        for slot in &mut self.state.stores.0 {
            slot.control.enable_metrics(registry, thread_id, &task_id);
        }
        if !self.global {
            self.state.e2e = vec![Pending::default(); self.graph.names.len()];
            // Java registers a sink's fixed topic when the task starts; one chosen per record is
            // learnt at its first send.
            for (idx, node) in self.state.nodes.iter().enumerate() {
                let Some(topic) = node.as_ref().and_then(|n| n.fixed_topic()) else {
                    continue;
                };
                if !self.state.produced.iter().any(|p| p.topic == topic) {
                    self.state.produced.push(ProducedTopic {
                        counted: !topic.ends_with("-changelog"),
                        topic,
                        node: Some(idx),
                        records: 0,
                        bytes: 0,
                    });
                }
            }
            self.state.count_produced = true;
        }
        self.fold_metrics();
    }

    /// Records what the task counted since the last fold into its sensors, at the registry's
    /// time now. The runtime folds at each commit; the driver before its clock moves and when
    /// metrics are read, so its rates match Java's exactly.
    pub fn fold_metrics(&mut self) {
        if let Some(m) = self.metrics.as_mut() {
            self.counters
                .lateness
                .merge(std::mem::take(&mut self.group.corrupted_lateness));
            let d = DroppedRecords {
                processor: self.state.dropped_by_processors,
                ..self.group.dropped
            };
            let enforced = self.group.enforced_processing;
            let consumed = self
                .group
                .take_consumed()
                .map(|(node, topic, c)| (node, &**topic, c.records, c.bytes));
            let produced = self.state.produced.iter_mut().filter_map(|p| {
                let node = p.node.filter(|_| p.counted)?;
                let (records, bytes) =
                    (std::mem::take(&mut p.records), std::mem::take(&mut p.bytes));
                Some((node, &*p.topic, records, bytes))
            });
            m.fold(
                &mut self.counters,
                GroupCounts {
                    dropped: d.deserialization + d.negative_timestamp + d.processor,
                    enforced,
                },
                &mut self.state.e2e,
                consumed,
                produced,
            );
        }
    }

    /// The largest timestamp seen on an input partition, or -1; `None` if not an input.
    pub fn partition_time(&self, topic: &str, partition: i32) -> Option<i64> {
        self.group.partition_time(topic, partition)
    }
}
