//! The producer: `send` appends to per-partition batches, a background sender drains them to
//! partition leaders; idempotent by default.
//!
//! * [`record`](self): [`ProducerRecord`], [`RecordMetadata`].
//! * `delivery`: [`DeliveryFuture`] and the one shared result per batch it reads.
//! * `accumulator`: the per-partition batch queues (no IO).
//! * `compression_ratio`: per-topic compression ratio estimates that size compressed batches.
//! * `idempotence`: producer id, epoch and sequences (no IO).
//! * `metrics`: the sensors behind [`Producer::metrics`], named and recorded as Java's.
//! * `sink`: one Produce request and its per-partition outcomes (no IO).
//! * [`transaction`]: the transactional state machine (no IO); `transaction_rpc`: its
//!   requests and the `init/begin/send_offsets/commit/abort` methods.
//! * this module: the [`Producer`] handle and the sender task that ties them to the network.
//!
//! Memory is bounded by `buffer.memory`: each record reserves its size before it is queued
//! and gives it back when its batch completes; `send` waits up to `max.block.ms` for room
//! (backpressure) instead of growing a queue.

mod accumulator;
mod compression_ratio;
mod delivery;
mod fast_hash;
mod idempotence;
mod metrics;
mod record;
mod sink;
pub mod transaction;
mod transaction_rpc;

pub use accumulator::TopicPartition;
pub use delivery::DeliveryFuture;
pub use record::{ProducerRecord, RecordMetadata};
pub use transaction::{ConsumerGroupMetadata, TransactionError, TxnState};

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kafka_protocol::Message;
use kafka_protocol::messages::{InitProducerIdRequest, ProduceRequest};
use kafka_protocol::record::{Compression, HeaderRef};
use tokio::sync::{Notify, Semaphore, mpsc};
use tokio::time::Instant;

use accumulator::{Accumulator, AccumulatorConfig, ProducerBatch};
use metrics::ProducerMetrics;

use crate::cluster::Cluster;
use crate::config::{Acks, ProducerConfig};
use crate::error::{Error, KafkaCode, Result};
use crate::metrics::network::{NetworkMetrics, Timed};
use crate::metrics::{Metric, Metrics};

/// Topics with at most this many partitions list their available partitions on the stack in
/// `send` (no allocation per record).
const AVAILABLE_ON_STACK: usize = 64;

/// How long the sender sleeps when nothing wakes it earlier (also the metadata-age check).
const IDLE_TICK: Duration = Duration::from_millis(100);

struct Inner {
    cluster: Arc<Cluster>,
    cfg: ProducerConfig,
    acc: Mutex<Accumulator>,
    memory: Semaphore,
    wake: Notify,
    progress: Notify,
    closed: AtomicBool,
    fatal: Mutex<Option<Arc<Error>>>,
    node_in_flight: Mutex<HashMap<i32, usize>>,
    sinks: Mutex<HashMap<i32, mpsc::UnboundedSender<Vec<ProducerBatch>>>>,
    refreshing: AtomicBool,
    /// The transaction state machine, with `transactional.id`.
    txn: Option<Mutex<transaction::TransactionManager>>,
    /// Transaction and group coordinators found so far.
    coordinators: transaction_rpc::Coordinators,
    metrics: Arc<ProducerMetrics>,
    /// `send` calls waiting for `buffer.memory` now (Java's `waiting-threads`).
    waiting_for_memory: AtomicUsize,
}

/// An asynchronous Kafka producer.
///
/// ```no_run
/// # async fn demo() -> kafka_client::error::Result<()> {
/// use kafka_client::config::ProducerConfig;
/// use kafka_client::producer::{Producer, ProducerRecord};
///
/// let cfg = ProducerConfig::builder().bootstrap_servers(["localhost:9092"]).build()?;
/// let producer = Producer::new(cfg)?;
/// let ack = producer.send(ProducerRecord::new("topic", "value").key("k")).await?.await?;
/// println!("partition {} offset {}", ack.partition, ack.offset);
/// producer.close(std::time::Duration::from_secs(5)).await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Producer {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Producer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Producer")
            .field("client_id", &self.inner.cfg.common.client_id)
            .finish()
    }
}

fn codec(c: crate::config::Compression) -> Compression {
    match c {
        crate::config::Compression::None => Compression::None,
        crate::config::Compression::Gzip { .. } => Compression::Gzip,
        crate::config::Compression::Snappy => Compression::Snappy,
        crate::config::Compression::Lz4 { .. } => Compression::Lz4,
        crate::config::Compression::Zstd { .. } => Compression::Zstd,
    }
}

/// The `compression.<codec>.level` of the configured codec, for the batch builder (which maps
/// it onto what each codec supports; lz4's has no effect there).
fn codec_level(c: crate::config::Compression) -> Option<i32> {
    match c {
        crate::config::Compression::Gzip { level }
        | crate::config::Compression::Lz4 { level }
        | crate::config::Compression::Zstd { level } => Some(level),
        crate::config::Compression::None | crate::config::Compression::Snappy => None,
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Producer {
    /// A producer for `cfg`; spawns its sender task on the current tokio runtime
    /// ([`Error::NoRuntime`] outside one).
    pub fn new(cfg: ProducerConfig) -> Result<Producer> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| Error::NoRuntime)?;
        let registry = Metrics::with_default_tags(
            cfg.common.metrics,
            &[("client-id", cfg.common.client_id.as_str())],
        );
        let network = NetworkMetrics::new(
            &registry,
            "producer",
            &cfg.common.client_id,
            Timed::Api(ProduceRequest::API_KEY),
        );
        let cluster = Cluster::with_network_metrics(cfg.common.clone(), true, Some(network))?;
        let max_in_flight = cfg.max_in_flight_requests_per_connection.max(1) as usize;
        let mut acc = Accumulator::new(AccumulatorConfig {
            batch_size: (cfg.batch_size as usize).max(1),
            linger: cfg.linger,
            compression: codec(cfg.compression),
            compression_level: codec_level(cfg.compression),
            delivery_timeout: cfg.delivery_timeout,
            retry_backoff: cfg.common.retry_backoff_policy(),
            max_in_flight,
            idempotent: cfg.enable_idempotence,
            ignore_keys: cfg.partitioner_ignore_keys,
            adaptive: cfg.partitioner_adaptive_partitioning,
            availability_timeout: if cfg.partitioner_adaptive_partitioning {
                cfg.partitioner_availability_timeout
            } else {
                Duration::ZERO
            },
        });
        acc.transactional = cfg.transactional_id.is_some();
        let metrics = Arc::new(ProducerMetrics::new(registry, &cfg.common.client_id));
        metrics.register_metadata_age(Arc::downgrade(&cluster));
        acc.metrics = Some(metrics.clone());
        let txn = cfg
            .transactional_id
            .as_ref()
            .map(|id| Mutex::new(transaction::TransactionManager::new(id.clone())));
        let memory = usize::try_from(cfg.buffer_memory)
            .unwrap_or(usize::MAX)
            .min(Semaphore::MAX_PERMITS);
        let inner = Arc::new(Inner {
            cluster,
            acc: Mutex::new(acc),
            memory: Semaphore::new(memory),
            wake: Notify::new(),
            progress: Notify::new(),
            closed: AtomicBool::new(false),
            fatal: Mutex::new(None),
            node_in_flight: Mutex::new(HashMap::new()),
            sinks: Mutex::new(HashMap::new()),
            refreshing: AtomicBool::new(false),
            txn,
            coordinators: Default::default(),
            metrics,
            waiting_for_memory: AtomicUsize::new(0),
            cfg,
        });
        register_gauges(&inner, memory);
        runtime.spawn(run_sender(inner.clone()));
        Ok(Producer { inner })
    }

    /// The shared cluster core (metadata, connections) this producer uses.
    pub fn cluster(&self) -> &Arc<Cluster> {
        &self.inner.cluster
    }

    /// Every metric's current value, as Java's `KafkaProducer.metrics()`: group
    /// `producer-metrics` (client level) and `producer-topic-metrics` (per topic, once the
    /// topic's first batch has gone out), tagged `client-id` (and `topic`), under Java's
    /// names and descriptions.
    ///
    /// ```no_run
    /// # async fn demo() -> kafka_client::error::Result<()> {
    /// use kafka_client::config::ProducerConfig;
    /// use kafka_client::producer::{Producer, ProducerRecord};
    ///
    /// let cfg = ProducerConfig::builder().bootstrap_servers(["localhost:9092"]).build()?;
    /// let producer = Producer::new(cfg)?;
    /// producer.send(ProducerRecord::new("orders", "v")).await?.await?;
    /// for m in producer.metrics() {
    ///     // e.g. "producer-metrics:record-send-total{client-id=producer-1} = 1"
    ///     println!("{} = {}", m.name, m.value);
    /// }
    /// let sent = producer
    ///     .metrics_registry()
    ///     .value("producer-topic-metrics", "record-send-total", &[("topic", "orders")]);
    /// assert_eq!(sent, Some(1.0));
    /// # Ok(()) }
    /// ```
    pub fn metrics(&self) -> Vec<Metric> {
        self.inner.metrics.registry().snapshot()
    }

    /// The registry behind [`metrics`](Self::metrics), for reading one value
    /// ([`Metrics::value`]) without a whole snapshot.
    pub fn metrics_registry(&self) -> &Metrics {
        self.inner.metrics.registry()
    }

    /// Queues `record` and returns a future of its acknowledgement.
    ///
    /// Waits (at most `max.block.ms`) for the topic's metadata and for room in
    /// `buffer.memory`. A record larger than `max.request.size` or `buffer.memory` is refused.
    pub async fn send(&self, record: ProducerRecord) -> Result<DeliveryFuture> {
        let sent = self.send_inner(record).await;
        if let Err(e) = &sent
            && !matches!(e, Error::Closed)
        {
            // Java's `doSend` counts each refused record as one `record-error`.
            self.inner.metrics.send_failed();
        }
        sent
    }

    async fn send_inner(&self, record: ProducerRecord) -> Result<DeliveryFuture> {
        let inner = &self.inner;
        if inner.closed.load(Ordering::SeqCst) {
            return Err(Error::Closed);
        }
        if let Some(f) = inner
            .fatal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            return Err(Error::Shared(f));
        }
        if let Some(t) = &inner.txn {
            t.lock().unwrap_or_else(|e| e.into_inner()).check_send()?;
        }
        let size = record.estimated_size();
        let cfg = &inner.cfg;
        if size > cfg.max_request_size as usize {
            return Err(Error::RecordTooLarge {
                size,
                limit_name: "max.request.size",
                limit: cfg.max_request_size as usize,
            });
        }
        if size as u64 > cfg.buffer_memory {
            return Err(Error::RecordTooLarge {
                size,
                limit_name: "buffer.memory",
                limit: cfg.buffer_memory as usize,
            });
        }
        // Borrowed from the shared snapshot: cloning a topic's metadata per record would cost
        // a dozen allocations.
        let snapshot = inner.cluster.metadata();
        let waited;
        let topic = match snapshot.topic(&record.topic) {
            Some(t) if !t.partitions.is_empty() => t,
            _ => {
                let started = Instant::now();
                let r = inner
                    .cluster
                    .wait_for_topic(&record.topic, cfg.max_block)
                    .await;
                // Only the waits are timed: a clock read per record showed in profiles, and
                // a topic already known costs no wait.
                if r.is_ok() {
                    inner.metrics.metadata_waited(started.elapsed());
                }
                waited = r?;
                &waited
            }
        };
        let permits = u32::try_from(size).unwrap_or(u32::MAX);
        // Acquiring through the semaphore's queue (not `try_acquire`) keeps `send` fair to
        // waiters and under tokio's cooperative budget: a caller sending in a tight loop then
        // yields now and then instead of starving the tasks that complete its records.
        // The clock is read (for the max.block.ms timer) only when the memory is not there at
        // once: a read per record showed in profiles.
        let mut acquire = std::pin::pin!(inner.memory.acquire_many(permits));
        let at_once =
            std::future::poll_fn(|cx| std::task::Poll::Ready(acquire.as_mut().poll(cx))).await;
        let acquired = match at_once {
            std::task::Poll::Ready(r) => Ok(r),
            std::task::Poll::Pending => {
                let started = Instant::now();
                inner.waiting_for_memory.fetch_add(1, Ordering::Relaxed);
                let r = tokio::time::timeout(cfg.max_block, acquire).await;
                inner.waiting_for_memory.fetch_sub(1, Ordering::Relaxed);
                inner.metrics.buffer_waited(started.elapsed());
                if r.is_err() {
                    inner.metrics.buffer_exhausted();
                }
                r
            }
        };
        match acquired {
            Ok(Ok(p)) => p.forget(),
            Ok(Err(_)) => return Err(Error::Closed),
            Err(_) => {
                return Err(Error::Timeout {
                    what: "waiting for buffer.memory".into(),
                    after: cfg.max_block,
                });
            }
        }
        let timestamp = record.timestamp.unwrap_or_else(now_ms);
        let headers: Vec<HeaderRef<'_>> = record
            .headers
            .iter()
            .map(|(k, v)| HeaderRef::new(k, v.as_deref()))
            .collect();
        let mut on_stack = [0i32; AVAILABLE_ON_STACK];
        let on_heap;
        let available: &[i32] = if topic.partitions.len() <= AVAILABLE_ON_STACK {
            let mut n = 0;
            for p in topic.partitions.iter().filter(|p| p.leader >= 0) {
                on_stack[n] = p.partition;
                n += 1;
            }
            &on_stack[..n]
        } else {
            on_heap = topic.available_partitions();
            &on_heap
        };
        let appended = inner.acc.lock().unwrap_or_else(|e| e.into_inner()).append(
            &record.topic,
            record.partition,
            topic.partitions.len() as u32,
            available,
            timestamp,
            record.key.as_deref(),
            record.value.as_deref(),
            &headers,
            size,
            Instant::now,
        );
        match appended {
            Ok((partition, wake, delivery)) => {
                if let Some(t) = &inner.txn {
                    let tp = TopicPartition {
                        topic: record.topic.as_str().into(),
                        partition,
                    };
                    t.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .record_partition(&tp);
                    inner.wake.notify_one();
                }
                if wake {
                    inner.wake.notify_one();
                }
                Ok(delivery)
            }
            Err(e) => {
                inner.memory.add_permits(size);
                Err(e)
            }
        }
    }

    /// Sends everything queued now and waits until every record sent before the call is
    /// acknowledged or failed.
    pub async fn flush(&self) {
        let started = Instant::now();
        let inner = &self.inner;
        inner
            .acc
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .set_flushing(true);
        inner.wake.notify_one();
        loop {
            let progressed = inner.progress.notified();
            if inner
                .acc
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_empty()
            {
                break;
            }
            let _ = tokio::time::timeout(IDLE_TICK, progressed).await;
        }
        inner
            .acc
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .set_flushing(false);
        inner.metrics.flushed(started.elapsed());
    }

    /// Flushes for at most `timeout`, then fails whatever is left and closes the connections.
    pub async fn close(&self, timeout: Duration) {
        let inner = &self.inner;
        let _ = tokio::time::timeout(timeout, self.flush()).await;
        inner.closed.store(true, Ordering::SeqCst);
        let left = inner
            .acc
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take_all();
        let closed = Arc::new(Error::Closed);
        for b in left {
            inner.memory.add_permits(b.memory);
            b.fail(&closed);
        }
        inner.wake.notify_one();
        // Sink tasks end when their channel closes.
        inner
            .sinks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        inner.cluster.close(Duration::ZERO).await;
    }
}

/// The gauges Java's `Sender` and `RecordAccumulator` register. They hold the producer weakly:
/// the registry lives in it, and a strong reference would keep it alive forever.
fn register_gauges(inner: &Arc<Inner>, buffer_total: usize) {
    let m = &inner.metrics;
    m.gauge(
        "buffer-total-bytes",
        "The maximum amount of buffer memory the client can use (whether or not it is currently \
         used).",
        move || buffer_total as f64,
    );
    let weak = Arc::downgrade(inner);
    m.gauge(
        "buffer-available-bytes",
        "The total amount of buffer memory that is not being used (either unallocated or in the \
         free list).",
        move || Weak::upgrade(&weak).map_or(0.0, |i| i.memory.available_permits() as f64),
    );
    let weak = Arc::downgrade(inner);
    m.gauge(
        "waiting-threads",
        "The number of user threads blocked waiting for buffer memory to enqueue their records",
        move || {
            Weak::upgrade(&weak)
                .map_or(0.0, |i| i.waiting_for_memory.load(Ordering::Relaxed) as f64)
        },
    );
    let weak = Arc::downgrade(inner);
    m.gauge(
        "requests-in-flight",
        "The current number of in-flight requests awaiting a response.",
        move || {
            Weak::upgrade(&weak).map_or(0.0, |i| {
                i.node_in_flight
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .values()
                    .sum::<usize>() as f64
            })
        },
    );
}

/// Whether the sender should stop: closed and nothing left, or the producer is dead.
fn finished(inner: &Inner) -> bool {
    inner.closed.load(Ordering::SeqCst)
        && inner
            .acc
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
}

async fn run_sender(inner: Arc<Inner>) {
    loop {
        if finished(&inner) {
            break;
        }
        let now = Instant::now();
        // A transactional producer gets its id from init_transactions, and adds partitions to
        // the transaction before their batches may go.
        transaction_rpc::add_pending_partitions(&inner).await;
        if inner.cfg.enable_idempotence && inner.txn.is_none() {
            let (need, idle) = {
                let acc = inner.acc.lock().unwrap_or_else(|e| e.into_inner());
                (
                    !acc.idem.has_producer_id() || acc.idem.bump_needed(),
                    acc.in_flight() == 0,
                )
            };
            if need
                && idle
                && has_queued(&inner)
                && let Err(e) = init_producer_id(&inner).await
            {
                if e.is_retriable() {
                    tracing::debug!(error = %e, "InitProducerId failed; retrying");
                    tokio::time::sleep(inner.cfg.common.retry_backoff).await;
                } else {
                    fail_everything(&inner, e);
                }
                expire(&inner, Instant::now());
                continue;
            }
        }
        expire(&inner, now);
        let snapshot = inner.cluster.metadata();
        let added = inner.txn.as_ref().map(|t| {
            t.lock()
                .unwrap_or_else(|e| e.into_inner())
                .added_partitions()
        });
        let leader = |tp: &TopicPartition| {
            if !transaction_rpc::may_send(added.as_ref(), tp) {
                return None;
            }
            snapshot
                .topic(&tp.topic)?
                .partition(tp.partition)
                .map(|p| p.leader)
                .filter(|&l| l >= 0)
        };
        let ready = {
            let mut acc = inner.acc.lock().unwrap_or_else(|e| e.into_inner());
            acc.update_load_stats(leader);
            acc.ready(now, leader)
        };
        if ready.unknown_leader || inner.cluster.is_stale() {
            spawn_refresh(&inner);
        }
        let max_in_flight = inner.cfg.max_in_flight_requests_per_connection.max(1) as usize;
        for node in ready.nodes {
            let at_limit = {
                let mut per_node = inner
                    .node_in_flight
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                let n = per_node.entry(node).or_default();
                let at_limit = *n >= max_in_flight;
                if !at_limit {
                    *n += 1;
                }
                at_limit
            };
            if at_limit {
                inner
                    .acc
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .node_not_drainable(node, now);
                continue;
            }
            let batches = {
                let mut acc = inner.acc.lock().unwrap_or_else(|e| e.into_inner());
                let drained = acc.drain(node, inner.cfg.max_request_size as usize, now, leader);
                // A batch that could not be sealed failed in the drain and gave its memory back.
                inner.memory.add_permits(acc.take_freed());
                drained
            };
            match batches {
                Ok(b) if !b.is_empty() => {
                    inner.metrics.drained(&b, now);
                    sink_for(&inner, node).send_to_sink(b);
                }
                Ok(_) => release_node(&inner, node),
                Err(e) => {
                    release_node(&inner, node);
                    tracing::error!(error = %e, "sealing a batch failed");
                }
            }
        }
        let wake_at = ready
            .next_wake
            .map_or(now + IDLE_TICK, |w| w.min(now + IDLE_TICK));
        tokio::select! {
            _ = inner.wake.notified() => {}
            _ = tokio::time::sleep_until(wake_at) => {}
        }
    }
}

/// True when batches are queued, i.e. a producer id is worth asking for.
fn has_queued(inner: &Inner) -> bool {
    !inner
        .acc
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_empty()
}

fn release_node(inner: &Inner, node: i32) {
    let mut per_node = inner
        .node_in_flight
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(n) = per_node.get_mut(&node) {
        *n = n.saturating_sub(1);
    }
}

fn spawn_refresh(inner: &Arc<Inner>) {
    if inner.refreshing.swap(true, Ordering::SeqCst) {
        return;
    }
    let inner = inner.clone();
    tokio::spawn(async move {
        if let Err(e) = inner.cluster.refresh().await {
            tracing::debug!(error = %e, "metadata refresh failed");
            tokio::time::sleep(inner.cfg.common.retry_backoff).await;
        }
        inner.refreshing.store(false, Ordering::SeqCst);
        inner.wake.notify_one();
    });
}

fn expire(inner: &Inner, now: Instant) {
    let expired = inner
        .acc
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .expire(now);
    if expired.is_empty() {
        return;
    }
    let e = Arc::new(Error::Timeout {
        what: "record delivery (delivery.timeout.ms)".into(),
        after: inner.cfg.delivery_timeout,
    });
    for b in expired {
        inner.memory.add_permits(b.memory);
        b.fail(&e);
    }
    inner.progress.notify_waiters();
}

fn fail_everything(inner: &Inner, e: Error) {
    let e = Arc::new(e);
    *inner.fatal.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.clone());
    let left = inner
        .acc
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take_all();
    for b in left {
        inner.memory.add_permits(b.memory);
        b.fail(&e);
    }
    inner.progress.notify_waiters();
}

/// InitProducerId: a fresh id, or (KIP-360, InitProducerId v3+) a bump of the current epoch.
async fn init_producer_id(inner: &Inner) -> Result<()> {
    let conn = inner.cluster.any_broker().await?;
    let version = conn.version_for::<InitProducerIdRequest>()?;
    let (pid, epoch) = inner
        .acc
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .idem
        .producer();
    let bump = pid >= 0 && version >= 3;
    let req = InitProducerIdRequest {
        transactional_id: None,
        transaction_timeout_ms: i32::try_from(inner.cfg.transaction_timeout.as_millis())
            .unwrap_or(i32::MAX),
        producer_id: if bump { pid } else { -1 },
        producer_epoch: if bump { epoch } else { -1 },
        ..Default::default()
    };
    let resp = conn.send_version(&req, version).await?;
    KafkaCode(resp.error_code).ok()?;
    tracing::debug!(
        producer_id = resp.producer_id,
        epoch = resp.producer_epoch,
        bump,
        "producer id"
    );
    inner
        .acc
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .idem
        .set_producer(resp.producer_id, resp.producer_epoch);
    Ok(())
}

/// The channel to `node`'s sink task, starting the task on first use.
fn sink_for(inner: &Arc<Inner>, node: i32) -> SinkHandle {
    let mut sinks = inner.sinks.lock().unwrap_or_else(|e| e.into_inner());
    let tx = sinks
        .entry(node)
        .or_insert_with(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(run_sink(inner.clone(), node, rx));
            tx
        })
        .clone();
    SinkHandle {
        tx,
        inner: inner.clone(),
        node,
    }
}

struct SinkHandle {
    tx: mpsc::UnboundedSender<Vec<ProducerBatch>>,
    inner: Arc<Inner>,
    node: i32,
}

impl SinkHandle {
    fn send_to_sink(self, batches: Vec<ProducerBatch>) {
        if let Err(mpsc::error::SendError(batches)) = self.tx.send(batches) {
            finish(&self.inner, self.node, batches, Err(Error::Closed));
        }
    }
}

/// One broker's sink: puts drained requests on the connection strictly in drain order (so a
/// partition's sequences reach the broker in order), then awaits each answer in its own task.
/// The number of queued requests is bounded by `max.in.flight.requests.per.connection`.
async fn run_sink(
    inner: Arc<Inner>,
    node: i32,
    mut rx: mpsc::UnboundedReceiver<Vec<ProducerBatch>>,
) {
    while let Some(batches) = rx.recv().await {
        let started = Instant::now();
        match start_produce(&inner, node, &batches).await {
            Ok(Started::NoAck) => finish(&inner, node, batches, Ok(None)),
            Ok(Started::Awaiting(fut, broker)) => {
                let inner = inner.clone();
                tokio::spawn(async move {
                    let r = fut.await;
                    // As Java, only a request answered counts towards request-latency.
                    if let Ok(resp) = &r {
                        inner
                            .metrics
                            .response(started.elapsed(), resp.throttle_time_ms);
                    }
                    let r = r.map(|resp| Some((resp, broker)));
                    finish(&inner, node, batches, r);
                });
            }
            Err(e) => {
                // Requests queued behind a failed one must not overtake it: they fail with it
                // and retry in sequence order.
                let shared = Arc::new(e);
                finish(&inner, node, batches, Err(Error::Shared(shared.clone())));
                while let Ok(more) = rx.try_recv() {
                    finish(&inner, node, more, Err(Error::Shared(shared.clone())));
                }
            }
        }
    }
}

type ResponseFuture = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<kafka_protocol::messages::ProduceResponse>> + Send>,
>;

enum Started {
    NoAck,
    Awaiting(ResponseFuture, String),
}

/// Handles the outcome of one Produce request.
fn finish(
    inner: &Arc<Inner>,
    node: i32,
    batches: Vec<ProducerBatch>,
    result: Result<Option<(kafka_protocol::messages::ProduceResponse, String)>>,
) {
    let now = Instant::now();
    let metadata = inner.cluster.metadata();
    let mut refresh = false;
    let mut fatal = false;
    // The request is answered: it stops counting as in flight before its batches complete, as
    // Java's network client drops it from its in-flight requests before running the callbacks.
    // Whoever sees a record acknowledged then never sees its request still in flight.
    release_node(inner, node);
    {
        let mut acc = inner.acc.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(Some((resp, broker))) => {
                let out = sink::handle_response(&mut acc, batches, &resp, &metadata, &broker, now);
                refresh = out.refresh_metadata;
                fatal = out.fatal;
            }
            Ok(None) => {
                // acks=0: nothing comes back.
                for b in batches {
                    acc.complete(b, -1, -1);
                }
            }
            Err(e) if e.is_retriable() => {
                tracing::debug!(node, error = %e, "produce request failed; retrying");
                let e = Arc::new(e);
                for b in batches {
                    acc.retry(b, Error::Shared(e.clone()), now);
                }
                refresh = true;
            }
            Err(e) => {
                let e = Arc::new(e);
                for b in batches {
                    acc.fail_batch(b, &e);
                }
            }
        }
        // Completed and failed batches give their buffer.memory back; retried ones keep it.
        inner.memory.add_permits(acc.take_freed());
    }
    if refresh {
        spawn_refresh(inner);
    }
    if fatal {
        if let Some(t) = &inner.txn {
            t.lock()
                .unwrap_or_else(|e| e.into_inner())
                .set_fatal(Arc::new(Error::FatalProducer(
                    "producer fenced or its epoch is invalid".into(),
                )));
        }
        fail_everything(
            inner,
            Error::FatalProducer("producer fenced or its epoch is invalid".into()),
        );
    }
    inner.progress.notify_waiters();
    inner.wake.notify_one();
}

/// Puts the request on the connection; the answer is awaited separately.
async fn start_produce(inner: &Inner, node: i32, batches: &[ProducerBatch]) -> Result<Started> {
    let conn = inner.cluster.broker(node).await?;
    let mut max = conn.version_for::<ProduceRequest>()?;
    if let Some(t) = &inner.txn
        && !t.lock().unwrap_or_else(|e| e.into_inner()).is_v2()
    {
        max = max.min(transaction_rpc::MAX_PRODUCE_VERSION_V1);
    }
    if max < sink::MIN_PRODUCE_VERSION {
        return Err(Error::UnsupportedApi {
            broker: conn.broker().to_owned(),
            api: "Produce v3+",
        });
    }
    let metadata = inner.cluster.metadata();
    let acks = inner.cfg.acks;
    let timeout_ms =
        i32::try_from(inner.cfg.common.request_timeout.as_millis()).unwrap_or(i32::MAX);
    let (mut req, version) =
        sink::build_request(batches, acks.as_i16(), timeout_ms, max, &metadata);
    req.transactional_id = inner.txn.as_ref().map(|t| {
        t.lock()
            .unwrap_or_else(|e| e.into_inner())
            .transactional_id()
            .to_owned()
    });
    if acks == Acks::None {
        conn.send_no_response(&req, version).await?;
        return Ok(Started::NoAck);
    }
    let fut = conn.enqueue(&req, version).await?;
    Ok(Started::Awaiting(Box::pin(fut), conn.broker().to_owned()))
}
