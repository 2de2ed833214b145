//! The record accumulator, without IO: one queue of batches per partition.
//!
//! `send` appends records to the open batch at the back of their partition's queue; the
//! sender drains ready batches from the front (`ready`, `drain`), one per partition per
//! request, and hands them back through `complete`, `retry` or `fail_batch`. A batch is ready
//! when it is full (a newer batch exists or it reached `batch.size`), when `linger.ms` has
//! passed since it was opened, or when a flush or close asks for everything. Sequences of the
//! idempotent producer are assigned at the first drain, in queue order (see
//! [`super::idempotence`]), and a retried batch goes back to the front of its queue in sequence
//! order and is resent alone until it succeeds, so a partition's records never reorder.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use kafka_protocol::primitives::varlong_len;
use kafka_protocol::record::{
    BatchBuilder, BatchOptions, Compression, HeaderRef, Record, RecordBatch,
};
use tokio::time::Instant;

use super::compression_ratio::{RatioEstimates, estimated_size};
use super::delivery::{BatchCompletion, DeliveryFuture};
use super::fast_hash::FastMap;
use super::idempotence::{IdempotenceState, increment_sequence};
use super::metrics::ProducerMetrics;
use crate::backoff::ExponentialBackoff;
use crate::error::{Error, Result};
use crate::partitioner::{PartitionChoice, StickyPartitioner, TopicPartitions, choose_partition};

/// A topic and partition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicPartition {
    /// The topic.
    pub topic: Arc<str>,
    /// The partition.
    pub partition: i32,
}

/// Offsets of the idempotence fields in a v2 batch header, and of the CRC and the range it
/// covers (attributes to the end), as in Kafka's `DefaultRecordBatch`.
const CRC_OFFSET: usize = 17;
const ATTRIBUTES_OFFSET: usize = 21;
const PRODUCER_ID_OFFSET: usize = 43;
const PRODUCER_EPOCH_OFFSET: usize = 51;
const BASE_SEQUENCE_OFFSET: usize = 53;
const HEADER_SIZE: usize = 61;

/// Writes producer id, epoch and base sequence into a built batch and recomputes its CRC.
///
/// A freshly sealed batch is its buffer's only owner and is stamped in place; only a batch
/// whose bytes are still shared (a request being written) is copied.
pub(crate) fn stamp(batch: Bytes, producer_id: i64, epoch: i16, base_sequence: i32) -> Bytes {
    if batch.len() < HEADER_SIZE {
        return batch;
    }
    let mut b = batch
        .try_into_mut()
        .unwrap_or_else(|shared| BytesMut::from(&shared[..]));
    b[PRODUCER_ID_OFFSET..PRODUCER_ID_OFFSET + 8].copy_from_slice(&producer_id.to_be_bytes());
    b[PRODUCER_EPOCH_OFFSET..PRODUCER_EPOCH_OFFSET + 2].copy_from_slice(&epoch.to_be_bytes());
    b[BASE_SEQUENCE_OFFSET..BASE_SEQUENCE_OFFSET + 4].copy_from_slice(&base_sequence.to_be_bytes());
    let crc = crc32c::crc32c(&b[ATTRIBUTES_OFFSET..]);
    b[CRC_OFFSET..CRC_OFFSET + 4].copy_from_slice(&crc.to_be_bytes());
    b.freeze()
}

/// One batch on its way to a partition.
#[derive(Debug)]
pub(crate) struct ProducerBatch {
    pub(crate) tp: TopicPartition,
    builder: Option<BatchBuilder>,
    /// The sealed bytes, once drained.
    pub(crate) bytes: Option<Bytes>,
    /// Whether a newer batch was opened behind this one.
    closed: bool,
    /// The outcome every record future of this batch reads.
    pub(crate) completion: BatchCompletion,
    /// Records appended.
    records: usize,
    pub(crate) created: Instant,
    /// Times sent so far.
    pub(crate) attempts: u32,
    /// `(producer id, epoch, base sequence)` stamped into the bytes.
    pub(crate) stamped: Option<(i64, i16, i32)>,
    /// `buffer.memory` bytes held.
    pub(crate) memory: usize,
    retry_at: Option<Instant>,
    /// The topic's compression ratio estimate when the batch was opened (1 uncompressed).
    ratio: f32,
    /// The largest record appended, as Java's `ProducerBatch.maxRecordSize` measures it
    /// ([`java_record_size_upper_bound`]).
    pub(crate) max_record_size: usize,
    /// Sealed records' size over their uncompressed size (Java's `compressionRatio`), 1 until
    /// sealed.
    pub(crate) compression_ratio: f64,
}

/// A sealed batch's records over their uncompressed size, headers apart, in single precision,
/// as Java's `MemoryRecordsBuilder` computes it (1 exactly when uncompressed); 1 for a batch
/// without records.
fn compression_ratio(sealed: usize, uncompressed: usize) -> f32 {
    if uncompressed <= HEADER_SIZE {
        return 1.0;
    }
    sealed.saturating_sub(HEADER_SIZE) as f32 / (uncompressed - HEADER_SIZE) as f32
}

/// Java's `AbstractRecords.estimateSizeInBytesUpperBound` for a v2 batch holding one record:
/// the batch header, the record's worst-case varint overhead, and its key, value and headers
/// with their length prefixes. `record-size-max` and `record-size-avg` are made of it.
pub(crate) fn java_record_size_upper_bound(
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: &[HeaderRef<'_>],
) -> usize {
    /// `DefaultRecord.MAX_RECORD_OVERHEAD`: size, attributes, timestamp and offset deltas.
    const MAX_RECORD_OVERHEAD: usize = 21;
    // A length or count as a zigzag varint.
    let varint_len = |n: usize| varlong_len(n as i64);
    let field = |b: Option<&[u8]>| b.map_or(1, |b| varint_len(b.len()) + b.len());
    let mut size = HEADER_SIZE + MAX_RECORD_OVERHEAD + field(key) + field(value);
    size += varint_len(headers.len());
    for h in headers {
        size += varint_len(h.key.len()) + h.key.len() + field(h.value);
    }
    size
}

impl ProducerBatch {
    pub(crate) fn record_count(&self) -> i32 {
        i32::try_from(self.records).unwrap_or(i32::MAX)
    }

    pub(crate) fn base_sequence(&self) -> Option<i32> {
        self.stamped.map(|s| s.2)
    }

    /// The sealed size (what Java's `batch-size` and `byte-rate` record once a batch is
    /// drained).
    pub(crate) fn sent_size(&self) -> usize {
        self.bytes.as_ref().map_or(0, Bytes::len)
    }

    /// The batch's size on the wire: exact once sealed, estimated while open (records times
    /// the compression ratio estimate when compressed).
    fn size(&self) -> usize {
        match (&self.bytes, &self.builder) {
            (Some(b), _) => b.len(),
            (None, Some(b)) if b.options().compression == Compression::None => {
                b.uncompressed_size()
            }
            (None, Some(b)) => estimated_size(
                HEADER_SIZE,
                b.uncompressed_size().saturating_sub(HEADER_SIZE),
                self.ratio,
            ),
            (None, None) => 0,
        }
    }

    /// Fails every record of the batch with `error`.
    pub(crate) fn fail(self, error: &Arc<Error>) {
        self.completion.fail(error);
    }
}

#[derive(Debug, Default)]
struct PartitionQueue {
    batches: VecDeque<ProducerBatch>,
    in_flight: usize,
}

/// Settings the accumulator needs.
#[derive(Debug, Clone)]
pub(crate) struct AccumulatorConfig {
    pub(crate) batch_size: usize,
    pub(crate) linger: Duration,
    pub(crate) compression: Compression,
    /// The codec's `compression.<codec>.level` (KIP-390); `None` for the codec default.
    pub(crate) compression_level: Option<i32>,
    pub(crate) delivery_timeout: Duration,
    pub(crate) retry_backoff: ExponentialBackoff,
    pub(crate) max_in_flight: usize,
    pub(crate) idempotent: bool,
    pub(crate) ignore_keys: bool,
    /// `partitioner.adaptive.partitioning.enable`: key-less records lean towards partitions
    /// with shorter queues.
    pub(crate) adaptive: bool,
    /// `partitioner.availability.timeout.ms` (adaptive only; zero turns it off): a partition
    /// whose leader had sendable batches but could not take them for longer is skipped by
    /// the sticky partitioner.
    pub(crate) availability_timeout: Duration,
}

/// When a leader last had sendable batches and when it last took them.
#[derive(Debug, Clone, Copy)]
struct NodeStats {
    ready: Instant,
    drained: Instant,
}

/// What `ready` found.
#[derive(Debug, Default)]
pub(crate) struct Ready {
    /// Leaders with at least one sendable batch.
    pub(crate) nodes: Vec<i32>,
    /// When something not yet ready becomes ready (linger or retry backoff).
    pub(crate) next_wake: Option<Instant>,
    /// Some partition with queued batches has no known leader.
    pub(crate) unknown_leader: bool,
}

/// The per-partition batch queues of one producer.
#[derive(Debug)]
pub(crate) struct Accumulator {
    cfg: AccumulatorConfig,
    queues: FastMap<TopicPartition, PartitionQueue>,
    /// Each topic's sticky partitioner and its partition count as last seen.
    sticky: FastMap<Arc<str>, (StickyPartitioner, u32)>,
    /// Per leader: when it last had sendable batches, and when it last took them (adaptive
    /// partitioning with `partitioner.availability.timeout.ms`).
    node_stats: HashMap<i32, NodeStats>,
    /// Scratch for the load stats: `(topic, partition, queued batches, usable)`.
    load_scratch: Vec<(Arc<str>, i32, u32, bool)>,
    topics: FastMap<String, Arc<str>>,
    pub(crate) idem: IdempotenceState,
    flushing: bool,
    /// `buffer.memory` bytes of batches completed or failed since the last `take_freed`.
    freed: usize,
    /// Batches get the transactional attribute (the producer has a `transactional.id`).
    pub(crate) transactional: bool,
    /// Batches failed for good so far (a transaction that lost one cannot commit).
    pub(crate) failures: u64,
    /// Compression ratio per topic, learnt from sealed batches.
    ratios: RatioEstimates,
    /// Where retries, failures and splits are counted (none in unit tests that do not look).
    pub(crate) metrics: Option<Arc<ProducerMetrics>>,
}

impl Accumulator {
    pub(crate) fn new(cfg: AccumulatorConfig) -> Self {
        Accumulator {
            cfg,
            queues: FastMap::default(),
            sticky: FastMap::default(),
            node_stats: HashMap::new(),
            load_scratch: Vec::new(),
            topics: FastMap::default(),
            idem: IdempotenceState::default(),
            flushing: false,
            freed: 0,
            transactional: false,
            failures: 0,
            ratios: RatioEstimates::default(),
            metrics: None,
        }
    }

    /// Picks the partition (explicit, key hash or sticky) and appends the record.
    ///
    /// Returns the partition, whether the sender should wake up (a batch became ready), and
    /// the record's future; `timestamp` is the record's create time, which that future reports
    /// unless the broker stamps log-append time.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn append(
        &mut self,
        topic: &str,
        explicit: Option<i32>,
        partition_count: u32,
        available: &[i32],
        timestamp: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[HeaderRef<'_>],
        memory: usize,
        now: impl FnOnce() -> Instant,
    ) -> Result<(i32, bool, DeliveryFuture)> {
        let topic: Arc<str> = match self.topics.get(topic) {
            Some(t) => t.clone(),
            None => {
                let t: Arc<str> = Arc::from(topic);
                self.topics.insert(topic.to_owned(), t.clone());
                t
            }
        };
        let choice = choose_partition(explicit, key, self.cfg.ignore_keys, partition_count)?;
        let parts = TopicPartitions {
            partition_count,
            available,
        };
        let batch_size = self.cfg.batch_size;
        let partition = match choice {
            PartitionChoice::Explicit(p) | PartitionChoice::Keyed(p) => p,
            PartitionChoice::Sticky => {
                let (s, count) = self
                    .sticky
                    .entry(topic.clone())
                    .or_insert_with(|| (StickyPartitioner::new(batch_size as u32), 0));
                *count = partition_count;
                s.partition(parts, &mut rand::rng())
            }
        };
        let tp = TopicPartition {
            topic: topic.clone(),
            partition,
        };
        let q = self.queues.entry(tp.clone()).or_default();
        let open = q
            .batches
            .back_mut()
            .filter(|b| !b.closed && b.builder.is_some());
        let mut delivery = None;
        let mut appended = 0;
        if let Some(b) = open {
            let before = b.size();
            let builder = b.builder.as_mut().expect("filtered above");
            let size = builder.record_size(timestamp, key, value, headers);
            // The record itself counts uncompressed: the estimate errs on the small side.
            if before + size <= batch_size {
                builder.append(timestamp, key, value, headers)?;
                delivery = Some(b.completion.future(b.records, timestamp));
                b.records += 1;
                b.memory += memory;
                b.max_record_size = b
                    .max_record_size
                    .max(java_record_size_upper_bound(key, value, headers));
                appended = b.size().saturating_sub(before);
            } else {
                b.closed = true;
            }
        }
        let mut wake = false;
        let delivery = if let Some(d) = delivery {
            d
        } else {
            let options = BatchOptions {
                compression: self.cfg.compression,
                is_transactional: self.transactional,
                ..BatchOptions::default()
            };
            let ratio = if self.cfg.compression == Compression::None {
                1.0
            } else {
                self.ratios.estimate(&topic)
            };
            // Room for the records an estimated-full batch holds before compression.
            let capacity = (batch_size as f32 / ratio.max(0.05)) as usize;
            let mut builder = BatchBuilder::with_capacity(options, capacity.max(memory))
                .with_compression_level(self.cfg.compression_level);
            builder.append(timestamp, key, value, headers)?;
            let completion = BatchCompletion::new();
            let delivery = completion.future(0, timestamp);
            // A batch opened behind another makes the other ready.
            wake = !q.batches.is_empty();
            q.batches.push_back(ProducerBatch {
                tp,
                builder: Some(builder),
                bytes: None,
                closed: false,
                completion,
                records: 1,
                // Only a new batch needs the time (linger and delivery timeout count from it).
                created: now(),
                attempts: 0,
                stamped: None,
                memory,
                retry_at: None,
                ratio,
                max_record_size: java_record_size_upper_bound(key, value, headers),
                compression_ratio: 1.0,
            });
            appended = q.batches.back().map_or(0, ProducerBatch::size);
            delivery
        };
        let full = q
            .batches
            .back()
            .is_some_and(|b| b.size() >= batch_size || b.closed);
        if matches!(choice, PartitionChoice::Sticky)
            && let Some((s, _)) = self.sticky.get_mut(&topic)
        {
            s.record_appended(appended as u32, full || wake, parts, &mut rand::rng());
        }
        Ok((partition, wake || full, delivery))
    }

    /// Makes every queued batch ready now (flush, close).
    pub(crate) fn set_flushing(&mut self, on: bool) {
        self.flushing = on;
    }

    fn head_ready(
        &self,
        tp: &TopicPartition,
        q: &PartitionQueue,
        now: Instant,
    ) -> Result<bool, Option<Instant>> {
        let Some(head) = q.batches.front() else {
            return Err(None);
        };
        if q.in_flight >= self.cfg.max_in_flight {
            return Err(None);
        }
        if self.cfg.idempotent && q.in_flight > 0 && !self.idem.has_acked(tp) {
            // A broker without state for this producer (a new partition, or one whose state
            // expired) takes any first sequence. Were the epoch's first batch refused (leader
            // not ready yet) while one pipelined behind it landed, the broker would expect the
            // sequence after that one, and the first batch would be out of order for good:
            // until one batch is acknowledged, the partition has one in flight.
            return Err(None);
        }
        if head.attempts > 0 && q.in_flight > 0 {
            // A retry goes alone, so nothing overtakes it.
            return Err(None);
        }
        if let Some(at) = head.retry_at
            && at > now
        {
            return Err(Some(at));
        }
        let linger_at = head.created + self.cfg.linger;
        if head.attempts > 0
            || q.batches.len() > 1
            || head.closed
            || head.size() >= self.cfg.batch_size
            || self.flushing
            || linger_at <= now
        {
            Ok(true)
        } else {
            Err(Some(linger_at))
        }
    }

    /// Leaders that have sendable batches; `leader` maps a partition to its leader's id.
    pub(crate) fn ready(
        &self,
        now: Instant,
        leader: impl Fn(&TopicPartition) -> Option<i32>,
    ) -> Ready {
        let mut r = Ready::default();
        if self.cfg.idempotent && (self.idem.bump_needed() || !self.idem.has_producer_id()) {
            return r;
        }
        for (tp, q) in &self.queues {
            match self.head_ready(tp, q, now) {
                Ok(_) => match leader(tp) {
                    Some(node) => {
                        if !r.nodes.contains(&node) {
                            r.nodes.push(node);
                        }
                    }
                    None => r.unknown_leader = true,
                },
                Err(Some(at)) => {
                    r.next_wake = Some(r.next_wake.map_or(at, |w| w.min(at)));
                }
                Err(None) => {}
            }
        }
        r
    }

    /// A leader had sendable batches but could not take them now (its requests in flight are
    /// at the limit): the time it has been unable to counts towards
    /// `partitioner.availability.timeout.ms`.
    pub(crate) fn node_not_drainable(&mut self, node: i32, now: Instant) {
        if self.cfg.adaptive && !self.cfg.availability_timeout.is_zero() {
            self.node_stats
                .entry(node)
                .or_insert(NodeStats {
                    ready: now,
                    drained: now,
                })
                .ready = now;
        }
    }

    /// Feeds each key-less topic's sticky partitioner the queue lengths of its partitions
    /// (adaptive partitioning, KIP-794), as Java's `RecordAccumulator.ready` does: only once
    /// every partition of the topic has had a batch (a partition the stats do not list would
    /// never be chosen), leaving out partitions without a leader and, with
    /// `partitioner.availability.timeout.ms`, those whose leader has been unable to take its
    /// sendable batches for longer than that.
    pub(crate) fn update_load_stats(&mut self, leader: impl Fn(&TopicPartition) -> Option<i32>) {
        if !self.cfg.adaptive || self.sticky.is_empty() {
            return;
        }
        let timeout = self.cfg.availability_timeout;
        let mut scratch = std::mem::take(&mut self.load_scratch);
        scratch.clear();
        for (tp, q) in &self.queues {
            if !self.sticky.contains_key(&tp.topic) {
                continue;
            }
            let usable = leader(tp).is_some_and(|node| {
                timeout.is_zero()
                    || self
                        .node_stats
                        .get(&node)
                        .is_none_or(|n| n.ready.saturating_duration_since(n.drained) <= timeout)
            });
            let queued = u32::try_from(q.batches.len()).unwrap_or(u32::MAX);
            scratch.push((tp.topic.clone(), tp.partition, queued, usable));
        }
        scratch.sort_unstable_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        let mut sizes = Vec::new();
        let mut ids = Vec::new();
        for group in scratch.chunk_by(|a, b| a.0 == b.0) {
            let Some((partitioner, count)) = self.sticky.get_mut(&group[0].0) else {
                continue;
            };
            if group.len() < *count as usize {
                partitioner.update_load_stats(None, 0);
                continue;
            }
            sizes.clear();
            ids.clear();
            for &(_, partition, queued, _) in group.iter().filter(|e| e.3) {
                sizes.push(queued);
                ids.push(partition);
            }
            let length = sizes.len();
            // The stats span every partition with a queue; those left out sit past `length`.
            sizes.resize(group.len(), 0);
            ids.resize(group.len(), -1);
            partitioner.update_load_stats(Some((&sizes, &ids)), length);
        }
        self.load_scratch = scratch;
    }

    /// Takes the sendable head batch of each partition led by `node`, up to `max_bytes` in all
    /// (at least one batch), sealing and stamping them.
    pub(crate) fn drain(
        &mut self,
        node: i32,
        max_bytes: usize,
        now: Instant,
        leader: impl Fn(&TopicPartition) -> Option<i32>,
    ) -> Result<Vec<ProducerBatch>> {
        let mut out = Vec::new();
        let mut total = 0;
        if self.cfg.adaptive && !self.cfg.availability_timeout.is_zero() {
            self.node_stats.insert(
                node,
                NodeStats {
                    ready: now,
                    drained: now,
                },
            );
        }
        let mut tps: Vec<TopicPartition> = self
            .queues
            .iter()
            .filter(|(tp, q)| leader(tp) == Some(node) && self.head_ready(tp, q, now).is_ok())
            .map(|(tp, _)| tp.clone())
            .collect();
        tps.sort();
        for tp in tps {
            let q = self.queues.get_mut(&tp).expect("listed above");
            let head_size = q.batches.front().map_or(0, ProducerBatch::size);
            if !out.is_empty() && total + head_size > max_bytes {
                break;
            }
            let Some(mut batch) = q.batches.pop_front() else {
                continue;
            };
            if let Some(builder) = batch.builder.take() {
                let uncompressed = builder.uncompressed_size();
                match builder.build() {
                    Ok(bytes) => {
                        let observed = compression_ratio(bytes.len(), uncompressed);
                        batch.compression_ratio = f64::from(observed);
                        if self.cfg.compression != Compression::None && uncompressed > HEADER_SIZE {
                            self.ratios.observe(&tp.topic, observed);
                        }
                        batch.bytes = Some(bytes);
                    }
                    Err(e) => {
                        // Its records fail; the rest of the queue carries on.
                        self.freed += batch.memory;
                        self.failures += 1;
                        if let Some(m) = &self.metrics {
                            m.failed(&tp.topic, batch.record_count());
                        }
                        batch.fail(&Arc::new(e.into()));
                        continue;
                    }
                }
            }
            if self.cfg.idempotent {
                let (pid, epoch) = self.idem.producer();
                let seq = match batch.stamped {
                    Some((p, e, s)) if p == pid && e == epoch => s,
                    _ => self.idem.assign(&tp, batch.record_count()),
                };
                if batch.stamped != Some((pid, epoch, seq)) {
                    let bytes = batch.bytes.take().expect("sealed above");
                    batch.bytes = Some(stamp(bytes, pid, epoch, seq));
                    batch.stamped = Some((pid, epoch, seq));
                }
            }
            batch.attempts += 1;
            total += batch.size();
            q.in_flight += 1;
            out.push(batch);
        }
        Ok(out)
    }

    fn done_in_flight(&mut self, tp: &TopicPartition) {
        if let Some(q) = self.queues.get_mut(tp) {
            q.in_flight = q.in_flight.saturating_sub(1);
        }
    }

    /// A batch came back acknowledged: its records complete, its sequences count as acked.
    pub(crate) fn complete(
        &mut self,
        batch: ProducerBatch,
        base_offset: i64,
        log_append_time: i64,
    ) {
        self.done_in_flight(&batch.tp);
        self.freed += batch.memory;
        if let Some((_, _, seq)) = batch.stamped {
            self.idem.acked(&batch.tp, seq, batch.record_count());
        }
        batch
            .completion
            .succeed(batch.tp.partition, base_offset, log_append_time);
    }

    /// A batch came back with a retriable failure: back to the front of its queue, in
    /// sequence order, after the retry backoff — unless its delivery timeout has passed.
    pub(crate) fn retry(&mut self, mut batch: ProducerBatch, error: Error, now: Instant) {
        self.done_in_flight(&batch.tp);
        if now >= batch.created + self.cfg.delivery_timeout {
            // The outcome of what was sent is unknown: an idempotent producer must not reuse
            // these sequences in this epoch.
            if self.cfg.idempotent {
                self.idem.request_bump();
            }
            let e = Arc::new(Error::Timeout {
                what: format!(
                    "delivery to {}-{} (last error: {error})",
                    batch.tp.topic, batch.tp.partition
                ),
                after: self.cfg.delivery_timeout,
            });
            self.freed += batch.memory;
            self.failures += 1;
            if let Some(m) = &self.metrics {
                m.failed(&batch.tp.topic, batch.record_count());
            }
            batch.fail(&e);
            return;
        }
        if let Some(m) = &self.metrics {
            m.retried(&batch.tp.topic, batch.record_count());
        }
        let wait = self
            .cfg
            .retry_backoff
            .backoff(batch.attempts.saturating_sub(1), &mut rand::rng());
        batch.retry_at = Some(now + wait);
        let q = self.queues.entry(batch.tp.clone()).or_default();
        let seq = batch.base_sequence();
        let pos = q
            .batches
            .iter()
            .position(|b| match (b.base_sequence(), seq) {
                (Some(other), Some(mine)) => other > mine,
                _ => true,
            })
            .unwrap_or(q.batches.len());
        q.batches.insert(pos, batch);
    }

    /// A batch failed for good.
    pub(crate) fn fail_batch(&mut self, batch: ProducerBatch, error: &Arc<Error>) {
        self.done_in_flight(&batch.tp);
        self.freed += batch.memory;
        self.failures += 1;
        if let Some(m) = &self.metrics {
            m.failed(&batch.tp.topic, batch.record_count());
        }
        batch.fail(error);
    }

    /// A batch the broker refused as too large (`MESSAGE_TOO_LARGE`): its records go back to
    /// the front of the partition's queue as smaller batches, in order, carrying the sequences
    /// the big batch had (as Java's `RecordAccumulator.splitAndReenqueue`). Hands the batch
    /// back when it cannot be split (a single record, or bytes that no longer parse).
    ///
    /// Each piece holds at most `min(batch.size, half the big batch's records)` uncompressed
    /// bytes: Java splits at `batch.size` only, which repeats forever when the topic's
    /// `max.message.bytes` is below `batch.size` (KAFKA-8350); halving always ends, at worst
    /// in single records that fail with the broker's error.
    pub(crate) fn split_and_requeue(&mut self, batch: ProducerBatch) -> Option<ProducerBatch> {
        if batch.record_count() < 2 {
            return Some(batch);
        }
        // Everything that can fail happens before the batch is taken apart.
        let Some(pieces) = batch
            .bytes
            .clone()
            .and_then(|bytes| self.split_bytes(bytes, batch.records, batch.stamped).ok())
        else {
            return Some(batch);
        };
        self.done_in_flight(&batch.tp);
        let total_records = batch.records;
        let mut memory_left = batch.memory;
        let mut split = Vec::with_capacity(pieces.len());
        for (bytes, first, count, stamped, compression_ratio) in pieces {
            // buffer.memory is shared out by record count; the last piece takes the rest.
            let memory = if first + count == total_records {
                memory_left
            } else {
                batch.memory * count / total_records
            };
            memory_left -= memory;
            split.push(ProducerBatch {
                tp: batch.tp.clone(),
                builder: None,
                bytes: Some(bytes),
                closed: true,
                completion: BatchCompletion::new(),
                records: count,
                created: batch.created,
                attempts: batch.attempts,
                stamped,
                memory,
                retry_at: None,
                ratio: batch.ratio,
                // The whole batch's: the pieces' records are among its.
                max_record_size: batch.max_record_size,
                compression_ratio,
            });
        }
        // Every future of the big batch, awaited already or not, now follows its record into
        // the piece that holds it (as Java's `FutureRecordMetadata.chain`).
        let mut first = 0;
        let redirect: Vec<_> = split
            .iter()
            .map(|piece| {
                let entry = (first, piece.records, &piece.completion);
                first += piece.records;
                entry
            })
            .collect();
        let seq = batch.base_sequence();
        batch.completion.redirect(&redirect);
        let q = self.queues.entry(batch.tp.clone()).or_default();
        let pos = q
            .batches
            .iter()
            .position(|b| match (b.base_sequence(), seq) {
                (Some(other), Some(mine)) => other > mine,
                _ => true,
            })
            .unwrap_or(q.batches.len());
        for (i, piece) in split.into_iter().enumerate() {
            q.batches.insert(pos + i, piece);
        }
        if let Some(m) = &self.metrics {
            m.split();
        }
        None
    }

    /// The records of a sealed batch rebuilt as smaller sealed batches:
    /// `(bytes, index of the first record, record count, stamp, compression ratio)` per piece.
    #[allow(clippy::type_complexity)]
    fn split_bytes(
        &self,
        bytes: Bytes,
        expected: usize,
        stamped: Option<(i64, i16, i32)>,
    ) -> Result<Vec<(Bytes, usize, usize, Option<(i64, i16, i32)>, f64)>> {
        let parsed = RecordBatch::parse(bytes)?;
        let records = parsed
            .records()?
            .collect::<std::result::Result<Vec<Record>, _>>()?;
        if records.len() != expected {
            return Err(Error::Protocol {
                broker: String::new(),
                reason: "a sealed batch holds fewer records than were appended".into(),
            });
        }
        let options = BatchOptions {
            compression: self.cfg.compression,
            is_transactional: self.transactional,
            ..BatchOptions::default()
        };
        let whole = parsed.size_in_bytes().max(
            records
                .iter()
                .map(|r| {
                    r.value.as_ref().map_or(0, Bytes::len) + r.key.as_ref().map_or(0, Bytes::len)
                })
                .sum(),
        );
        let limit = self.cfg.batch_size.min(whole / 2).max(1);
        let mut out = Vec::new();
        let mut first = 0;
        let level = self.cfg.compression_level;
        let mut builder = BatchBuilder::with_capacity(options, limit).with_compression_level(level);
        let mut seal = |builder: BatchBuilder, first: usize, count: usize| -> Result<()> {
            let stamp_of = stamped
                .map(|(pid, epoch, base)| (pid, epoch, increment_sequence(base, first as i32)));
            let uncompressed = builder.uncompressed_size();
            let mut bytes = builder.build()?;
            let ratio = f64::from(compression_ratio(bytes.len(), uncompressed));
            if let Some((pid, epoch, seq)) = stamp_of {
                bytes = stamp(bytes, pid, epoch, seq);
            }
            out.push((bytes, first, count, stamp_of, ratio));
            Ok(())
        };
        for (i, r) in records.iter().enumerate() {
            let header_list: Vec<_> = r.headers.iter().collect();
            let mut headers = Vec::with_capacity(header_list.len());
            for h in &header_list {
                let key = std::str::from_utf8(&h.key).map_err(|_| Error::Protocol {
                    broker: String::new(),
                    reason: "a header key of a sealed batch is not UTF-8".into(),
                })?;
                headers.push(HeaderRef::new(key, h.value.as_deref()));
            }
            let (key, value) = (r.key.as_deref(), r.value.as_deref());
            let size = builder.record_size(r.timestamp, key, value, &headers);
            if !builder.is_empty() && builder.uncompressed_size() + size > limit {
                let full = std::mem::replace(
                    &mut builder,
                    BatchBuilder::with_capacity(options, limit).with_compression_level(level),
                );
                seal(full, first, i - first)?;
                first = i;
            }
            builder.append(r.timestamp, key, value, &headers)?;
        }
        seal(builder, first, records.len() - first)?;
        Ok(out)
    }

    /// Memory of batches finished since the last call, for the caller to give back.
    pub(crate) fn take_freed(&mut self) -> usize {
        std::mem::take(&mut self.freed)
    }

    /// Removes batches whose delivery timeout passed while queued; returns them.
    pub(crate) fn expire(&mut self, now: Instant) -> Vec<ProducerBatch> {
        let mut out = Vec::new();
        for q in self.queues.values_mut() {
            while q
                .batches
                .front()
                .is_some_and(|b| now >= b.created + self.cfg.delivery_timeout)
            {
                let b = q.batches.pop_front().expect("checked");
                self.failures += 1;
                if let Some(m) = &self.metrics {
                    m.failed(&b.tp.topic, b.record_count());
                }
                if b.attempts > 0 && self.cfg.idempotent {
                    self.idem.request_bump();
                }
                out.push(b);
            }
        }
        out
    }

    /// Batches queued or in flight.
    pub(crate) fn is_empty(&self) -> bool {
        self.queues
            .values()
            .all(|q| q.batches.is_empty() && q.in_flight == 0)
    }

    /// Requests in flight over all partitions.
    pub(crate) fn in_flight(&self) -> usize {
        self.queues.values().map(|q| q.in_flight).sum()
    }

    /// Queued batches per partition (adaptive partitioning and tests).
    #[cfg(test)]
    pub(crate) fn queued(&self, tp: &TopicPartition) -> usize {
        self.queues.get(tp).map_or(0, |q| q.batches.len())
    }

    /// Removes every queued batch (close without flush, fatal errors).
    pub(crate) fn take_all(&mut self) -> Vec<ProducerBatch> {
        self.queues
            .values_mut()
            .flat_map(|q| q.batches.drain(..))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::record::RecordBatch;

    fn cfg(batch_size: usize, idempotent: bool) -> AccumulatorConfig {
        AccumulatorConfig {
            batch_size,
            linger: Duration::from_millis(5),
            compression: Compression::None,
            compression_level: None,
            delivery_timeout: Duration::from_secs(120),
            retry_backoff: ExponentialBackoff::new(
                Duration::from_millis(100),
                Duration::from_secs(1),
            )
            .with_jitter(0.0),
            max_in_flight: 5,
            idempotent,
            ignore_keys: false,
            adaptive: true,
            availability_timeout: Duration::ZERO,
        }
    }

    fn push(acc: &mut Accumulator, p: i32, value: &[u8], now: Instant) -> bool {
        acc.append(
            "t",
            Some(p),
            4,
            &[0, 1, 2, 3],
            42,
            None,
            Some(value),
            &[],
            value.len(),
            || now,
        )
        .unwrap()
        .1
    }

    fn tp(p: i32) -> TopicPartition {
        TopicPartition {
            topic: Arc::from("t"),
            partition: p,
        }
    }

    #[test]
    fn linger_then_ready_and_full_batches_wake_the_sender() {
        let now = Instant::now();
        let mut acc = Accumulator::new(cfg(200, false));
        assert!(!push(&mut acc, 0, &[1; 10], now));
        let r = acc.ready(now, |_| Some(1));
        assert!(r.nodes.is_empty());
        assert_eq!(r.next_wake, Some(now + Duration::from_millis(5)));
        let later = now + Duration::from_millis(5);
        assert_eq!(acc.ready(later, |_| Some(1)).nodes, vec![1]);
        // Filling past batch.size opens a second batch: the first is ready at once.
        let mut acc = Accumulator::new(cfg(200, false));
        let mut woke = false;
        for _ in 0..10 {
            woke |= push(&mut acc, 0, &[1; 40], now);
        }
        assert!(woke);
        assert!(acc.queued(&tp(0)) > 1);
        assert_eq!(acc.ready(now, |_| Some(1)).nodes, vec![1]);
    }

    #[test]
    fn idempotent_drain_stamps_consecutive_sequences_and_valid_crc() {
        let now = Instant::now();
        let mut acc = Accumulator::new(cfg(100, true));
        acc.idem.set_producer(99, 3);
        for _ in 0..6 {
            push(&mut acc, 0, &[7; 30], now);
        }
        let later = now + Duration::from_millis(10);
        let mut seqs = Vec::new();
        loop {
            let batches = acc.drain(1, 1 << 20, later, |_| Some(1)).unwrap();
            if batches.is_empty() {
                break;
            }
            for b in batches {
                let parsed = RecordBatch::parse(b.bytes.clone().unwrap()).unwrap();
                parsed.verify_crc().unwrap();
                assert_eq!(parsed.producer_id(), 99);
                assert_eq!(parsed.producer_epoch(), 3);
                seqs.push((parsed.base_sequence(), parsed.record_count()));
                acc.complete(b, 0, -1);
            }
        }
        let mut expect = 0;
        for (seq, n) in &seqs {
            assert_eq!(*seq, expect);
            expect += n;
        }
        assert_eq!(expect, 6);
    }

    /// The producer stall: a fresh partition's first Produce requests came back
    /// NOT_LEADER_OR_FOLLOWER while a later one, pipelined behind them, landed first. A broker
    /// with no state for the producer takes any first sequence, so it then expected the
    /// sequence after the later batch, and the retried first batch was refused as out of order
    /// until its delivery timeout, holding buffer.memory all along. Until a partition has one
    /// acknowledged batch in the epoch, only one of its batches may be in flight.
    #[test]
    fn first_batch_of_an_epoch_goes_alone_until_acknowledged() {
        let now = Instant::now();
        let mut acc = Accumulator::new(cfg(60, true));
        acc.idem.set_producer(1, 0);
        for _ in 0..4 {
            push(&mut acc, 0, &[1; 30], now);
        }
        let t = now + Duration::from_millis(10);
        let first = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap();
        assert_eq!(first.len(), 1);
        assert!(
            acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap().is_empty(),
            "nothing overtakes the epoch's first batch"
        );
        assert!(acc.ready(t, |_| Some(1)).nodes.is_empty());
        // Refused (leader not ready yet): it goes again, still alone.
        let b0 = first.into_iter().next().unwrap();
        acc.retry(b0, Error::Closed, t);
        let t2 = t + Duration::from_millis(100);
        let again = acc.drain(1, 1 << 20, t2, |_| Some(1)).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].base_sequence(), Some(0));
        assert!(acc.drain(1, 1 << 20, t2, |_| Some(1)).unwrap().is_empty());
        acc.complete(again.into_iter().next().unwrap(), 0, -1);
        // Acknowledged: the rest pipeline as usual.
        let a = acc.drain(1, 1 << 20, t2, |_| Some(1)).unwrap();
        let b = acc.drain(1, 1 << 20, t2, |_| Some(1)).unwrap();
        assert_eq!((a.len(), b.len()), (1, 1));
        // Without idempotence nothing is held back.
        let mut plain = Accumulator::new(cfg(60, false));
        for _ in 0..3 {
            push(&mut plain, 0, &[1; 30], now);
        }
        assert_eq!(plain.drain(1, 1 << 20, t, |_| Some(1)).unwrap().len(), 1);
        assert_eq!(plain.drain(1, 1 << 20, t, |_| Some(1)).unwrap().len(), 1);
    }

    /// Compressed batches fill close to `batch.size` once the topic's ratio is learnt, instead
    /// of closing when the records reach `batch.size` before compression.
    #[test]
    fn compressed_batches_fill_towards_batch_size() {
        let now = Instant::now();
        let mut c = cfg(16_384, false);
        c.compression = Compression::Lz4;
        let mut acc = Accumulator::new(c);
        let mut sealed = Vec::new();
        for i in 0..200_000u32 {
            let value = format!("order {i:08} from customer {:05} status SHIPPED", i % 977);
            push(&mut acc, 0, value.as_bytes(), now);
            if acc.queued(&tp(0)) > 1 {
                let b = acc.drain(1, 1 << 20, now, |_| Some(1)).unwrap().remove(0);
                sealed.push(b.bytes.as_ref().unwrap().len());
                acc.complete(b, 0, -1);
            }
        }
        assert!(sealed.len() > 200, "{} batches", sealed.len());
        let first = sealed[0];
        assert!(
            first < 16_384 / 2,
            "the first batch knows no ratio yet: {first}"
        );
        // The estimate reaches the real ratio after some 150 batches, then jumps up now and
        // then (a batch compressed worse) and creeps back: the late batches average near
        // batch.size and none goes far past it.
        let late = &sealed[sealed.len() - 50..];
        let mean = late.iter().sum::<usize>() / late.len();
        assert!(mean > 16_384 * 7 / 10, "late batches average {mean} bytes");
        assert!(
            late.iter().all(|&n| n <= 16_384 * 21 / 20),
            "late batches stay near batch.size: {late:?}"
        );
    }

    /// A producer configured with `compression.gzip.level` seals (and re-seals when splitting)
    /// its batches at that level: the same records come out smaller at 9 than at 1, and both
    /// decode to what was sent.
    #[test]
    fn configured_gzip_level_reaches_the_sealed_batches() {
        const WORDS: [&str; 8] = [
            "kafka", "stream", "record", "batch", "offset", "topic", "leader", "epoch",
        ];
        let mut state: u32 = 12345;
        let values: Vec<Vec<u8>> = (0..300)
            .map(|i| {
                let mut v = format!("{i}:").into_bytes();
                for _ in 0..30 {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    v.extend_from_slice(WORDS[(state >> 28) as usize & 7].as_bytes());
                    v.push(b' ');
                }
                v
            })
            .collect();
        // Sizes of the sealed batch and of the pieces it splits into, at a gzip level.
        let sizes = |level: &str| -> (usize, usize) {
            let pc = crate::config::ProducerConfig::from_properties([
                ("bootstrap.servers", "b:9092"),
                ("compression.type", "gzip"),
                ("compression.gzip.level", level),
            ])
            .unwrap();
            let mut c = cfg(1 << 20, false);
            c.compression = super::super::codec(pc.compression);
            c.compression_level = super::super::codec_level(pc.compression);
            assert_eq!(c.compression, Compression::Gzip);
            let mut acc = Accumulator::new(c);
            let now = Instant::now();
            for v in &values {
                push(&mut acc, 0, v, now);
            }
            let t = now + Duration::from_millis(10);
            let sealed = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap().remove(0);
            let whole = sealed.bytes.as_ref().unwrap().len();
            let decode = |bytes: &Bytes| -> Vec<Bytes> {
                let parsed = RecordBatch::parse(bytes.clone()).unwrap();
                parsed.verify_crc().unwrap();
                assert_eq!(parsed.compression().unwrap(), Compression::Gzip);
                parsed
                    .records()
                    .unwrap()
                    .map(|r| r.unwrap().value.unwrap())
                    .collect()
            };
            assert_eq!(decode(sealed.bytes.as_ref().unwrap()), values);
            assert!(acc.split_and_requeue(sealed).is_none());
            let mut pieces = 0;
            let mut split_values = Vec::new();
            while let Some(b) = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap().pop() {
                pieces += b.bytes.as_ref().unwrap().len();
                split_values.extend(decode(b.bytes.as_ref().unwrap()));
                acc.complete(b, 0, -1);
            }
            assert_eq!(split_values, values);
            (whole, pieces)
        };
        let (fast_whole, fast_pieces) = sizes("1");
        let (best_whole, best_pieces) = sizes("9");
        assert!(
            best_whole < fast_whole,
            "sealed: level 9 {best_whole} bytes, level 1 {fast_whole}"
        );
        assert!(
            best_pieces < fast_pieces,
            "split: level 9 {best_pieces} bytes, level 1 {fast_pieces}"
        );
    }

    /// Key-less appends of one full batch each (every append switches the sticky partition);
    /// returns how many went to each of the two partitions.
    fn keyless_choices(acc: &mut Accumulator, n: usize, now: Instant) -> [usize; 2] {
        let mut counts = [0; 2];
        for _ in 0..n {
            let value = [7u8; 200];
            let (p, _, _) = acc
                .append(
                    "t",
                    None,
                    2,
                    &[0, 1],
                    42,
                    None,
                    Some(&value),
                    &[],
                    200,
                    || now,
                )
                .unwrap();
            counts[p as usize] += 1;
        }
        counts
    }

    #[test]
    fn adaptive_partitioning_leans_towards_shorter_queues() {
        let now = Instant::now();
        let mut acc = Accumulator::new(cfg(200, false));
        keyless_choices(&mut acc, 1, now);
        // Partition 0 has a long queue, partition 1 an empty one.
        for _ in 0..20 {
            push(&mut acc, 0, &[1; 200], now);
        }
        push(&mut acc, 1, &[1; 10], now);
        while acc.queued(&tp(1)) > 0 {
            let b = acc.drain(1, 1 << 20, now + Duration::from_secs(1), |t| {
                (t.partition == 1).then_some(1)
            });
            for b in b.unwrap() {
                acc.complete(b, 0, -1);
            }
        }
        acc.update_load_stats(|_| Some(1));
        // Weights max + 1 - queue: about 21 or more to 1 for partition 1.
        let counts = keyless_choices(&mut acc, 200, now);
        assert!(counts[1] >= 150, "{counts:?}");
        // Turned off, the choice is uniform.
        let mut c = cfg(200, false);
        c.adaptive = false;
        let mut plain = Accumulator::new(c);
        keyless_choices(&mut plain, 1, now);
        for _ in 0..20 {
            push(&mut plain, 0, &[1; 200], now);
        }
        plain.update_load_stats(|_| Some(1));
        let counts = keyless_choices(&mut plain, 400, now);
        assert!(counts[0] >= 120 && counts[1] >= 120, "{counts:?}");
    }

    #[test]
    fn a_leader_that_cannot_take_batches_is_skipped_after_the_availability_timeout() {
        let now = Instant::now();
        let mut c = cfg(200, false);
        c.availability_timeout = Duration::from_secs(1);
        let mut acc = Accumulator::new(c);
        let leader = |t: &TopicPartition| Some(if t.partition == 0 { 1 } else { 2 });
        // The sticky choice moves at random with each full batch: keep appending until both
        // partitions hold batches (ten records left both empty-handed one run in about 16).
        for _ in 0..1_000 {
            if acc.queued(&tp(0)) > 0 && acc.queued(&tp(1)) > 0 {
                break;
            }
            keyless_choices(&mut acc, 1, now);
        }
        assert!(acc.queued(&tp(0)) > 0 && acc.queued(&tp(1)) > 0);
        acc.drain(1, 1 << 20, now, leader).unwrap();
        // Node 1 still has sendable batches two seconds later but cannot take them.
        acc.node_not_drainable(1, now + Duration::from_secs(2));
        acc.update_load_stats(leader);
        let counts = keyless_choices(&mut acc, 50, now);
        // The partition chosen before the update takes one more record, then only partition
        // 1 is chosen.
        assert!(
            counts[0] <= 1,
            "partition 0's leader is unavailable: {counts:?}"
        );
        // Once it takes batches again, partition 0 is back.
        acc.drain(1, 1 << 20, now + Duration::from_secs(2), leader)
            .unwrap();
        acc.update_load_stats(leader);
        let counts = keyless_choices(&mut acc, 200, now);
        assert!(counts[0] > 0, "{counts:?}");
    }

    #[test]
    fn retried_batch_goes_first_and_alone() {
        let now = Instant::now();
        let mut acc = Accumulator::new(cfg(60, true));
        acc.idem.set_producer(1, 0);
        for _ in 0..4 {
            push(&mut acc, 0, &[1; 30], now);
        }
        let t = now + Duration::from_millis(10);
        let acked = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap().remove(0);
        acc.complete(acked, 0, -1);
        let first = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap();
        let second = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap();
        assert_eq!((first.len(), second.len()), (1, 1));
        let (b0, b1) = (
            first.into_iter().next().unwrap(),
            second.into_iter().next().unwrap(),
        );
        assert_eq!((b0.base_sequence(), b1.base_sequence()), (Some(1), Some(2)));
        // Both fail (leader moved); the second comes back first.
        acc.retry(b1, Error::Closed, t);
        acc.retry(b0, Error::Closed, t);
        let t2 = t + Duration::from_millis(100);
        let again = acc.drain(1, 1 << 20, t2, |_| Some(1)).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].base_sequence(), Some(1), "lowest sequence first");
        // While the retry is in flight nothing else of the partition goes.
        assert!(acc.drain(1, 1 << 20, t2, |_| Some(1)).unwrap().is_empty());
    }

    #[test]
    fn epoch_bump_restamps_with_fresh_sequences() {
        let now = Instant::now();
        let mut acc = Accumulator::new(cfg(1000, true));
        acc.idem.set_producer(5, 0);
        push(&mut acc, 0, b"0", now);
        let t = now + Duration::from_millis(10);
        let acked = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap().remove(0);
        acc.complete(acked, 0, -1);
        push(&mut acc, 0, b"a", t);
        let t = t + Duration::from_millis(10);
        let b = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap().remove(0);
        push(&mut acc, 0, b"b", t);
        let b2 = acc
            .drain(1, 1 << 20, t + Duration::from_millis(10), |_| Some(1))
            .unwrap()
            .remove(0);
        assert_eq!(b2.base_sequence(), Some(2));
        acc.retry(b2, Error::Closed, t);
        acc.idem.request_bump();
        assert!(
            acc.ready(t, |_| Some(1)).nodes.is_empty(),
            "held during a bump"
        );
        acc.fail_batch(b, &Arc::new(Error::Closed));
        acc.idem.set_producer(5, 1);
        let t3 = t + Duration::from_secs(1);
        let b2 = acc.drain(1, 1 << 20, t3, |_| Some(1)).unwrap().remove(0);
        assert_eq!(b2.stamped, Some((5, 1, 0)));
        let parsed = RecordBatch::parse(b2.bytes.clone().unwrap()).unwrap();
        parsed.verify_crc().unwrap();
        assert_eq!((parsed.producer_epoch(), parsed.base_sequence()), (1, 0));
    }

    #[test]
    fn keyed_records_follow_murmur2_and_bad_partitions_are_errors() {
        let now = Instant::now();
        let mut acc = Accumulator::new(cfg(1000, false));
        let (p, _, _) = acc
            .append(
                "t",
                None,
                4,
                &[0, 1, 2, 3],
                1,
                Some(b"key-1"),
                None,
                &[],
                10,
                || now,
            )
            .unwrap();
        assert_eq!(p, crate::partitioner::partition_for_key(b"key-1", 4));
        let err = acc
            .append("t", Some(9), 4, &[0], 1, None, None, &[], 10, || now)
            .unwrap_err();
        assert!(matches!(err, Error::Partition(_)));
    }

    #[test]
    fn too_large_batch_splits_in_order_with_its_sequences() {
        let now = Instant::now();
        let mut acc = Accumulator::new(cfg(16384, true));
        acc.idem.set_producer(99, 3);
        let mut futures = Vec::new();
        for i in 0..10u8 {
            let value = [i; 100];
            let (_, _, f) = acc
                .append(
                    "t",
                    Some(0),
                    4,
                    &[0, 1, 2, 3],
                    42 + i64::from(i),
                    None,
                    Some(&value),
                    &[],
                    136,
                    || now,
                )
                .unwrap();
            futures.push(f);
        }
        // Half the futures are awaited before the split, half only after it.
        for f in futures.iter_mut().step_by(2) {
            assert!(f.try_now().is_none());
        }
        let t = now + Duration::from_millis(10);
        let big = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap().remove(0);
        assert_eq!((big.record_count(), big.base_sequence()), (10, Some(0)));
        assert!(acc.split_and_requeue(big).is_none());
        assert!(
            futures.iter_mut().all(|f| f.try_now().is_none()),
            "the split answers no record"
        );
        assert!(acc.queued(&tp(0)) >= 2, "split into several batches");
        let mut values = Vec::new();
        let mut next_seq = 0;
        let mut offset = 100;
        loop {
            let batches = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap();
            let Some(b) = batches.into_iter().next() else {
                break;
            };
            let parsed = RecordBatch::parse(b.bytes.clone().unwrap()).unwrap();
            parsed.verify_crc().unwrap();
            assert_eq!((parsed.producer_id(), parsed.producer_epoch()), (99, 3));
            assert_eq!(parsed.base_sequence(), next_seq, "sequences carry on");
            assert!(parsed.record_count() < 10);
            next_seq += parsed.record_count();
            for r in parsed.records().unwrap() {
                values.push(r.unwrap().value.unwrap()[0]);
            }
            let n = i64::from(b.record_count());
            acc.complete(b, offset, -1);
            offset += n;
            let done = (offset - 100) as usize;
            assert!(
                futures[done..].iter_mut().all(|f| f.try_now().is_none()),
                "records of later pieces wait for their own piece"
            );
        }
        assert_eq!(
            values,
            (0..10).collect::<Vec<u8>>(),
            "records keep their order"
        );
        assert_eq!(next_seq, 10);
        for (i, f) in futures.iter_mut().enumerate() {
            let md = f.try_now().unwrap().unwrap();
            assert_eq!(
                (md.partition, md.offset, md.timestamp),
                (0, 100 + i as i64, 42 + i as i64),
                "each record's future follows it"
            );
        }
        assert_eq!(
            acc.take_freed(),
            1360,
            "buffer.memory of the pieces adds up"
        );
        assert!(acc.is_empty());
    }

    /// A piece of a split batch that fails takes only its own records with it.
    #[test]
    fn a_failed_piece_fails_only_its_records() {
        let now = Instant::now();
        let mut acc = Accumulator::new(cfg(16384, false));
        let futures: Vec<_> = (0..4u8)
            .map(|i| {
                acc.append(
                    "t",
                    Some(0),
                    4,
                    &[0, 1, 2, 3],
                    1,
                    None,
                    Some(&[i; 100]),
                    &[],
                    136,
                    || now,
                )
                .unwrap()
                .2
            })
            .collect();
        let t = now + Duration::from_millis(10);
        let big = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap().remove(0);
        assert!(acc.split_and_requeue(big).is_none());
        let first = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap().remove(0);
        let n = first.record_count() as usize;
        assert!(n < 4);
        acc.fail_batch(first, &Arc::new(Error::Closed));
        while let Some(b) = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap().pop() {
            acc.complete(b, 7, -1);
        }
        let got: Vec<bool> = futures
            .into_iter()
            .map(|mut f| f.try_now().unwrap().is_ok())
            .collect();
        assert_eq!(got, (0..4).map(|i| i >= n).collect::<Vec<_>>());
    }

    /// Dropped without answers (a producer that went away), queued and drained batches alike
    /// resolve their records as closed instead of leaving them waiting.
    #[test]
    fn dropped_batches_resolve_closed() {
        let now = Instant::now();
        let mut acc = Accumulator::new(cfg(100, false));
        let mut futures: Vec<_> = (0..6)
            .map(|_| {
                acc.append(
                    "t",
                    Some(0),
                    4,
                    &[0, 1, 2, 3],
                    1,
                    None,
                    Some(&[1; 40]),
                    &[],
                    76,
                    || now,
                )
                .unwrap()
                .2
            })
            .collect();
        assert!(futures[0].try_now().is_none());
        let t = now + Duration::from_millis(10);
        let in_flight = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap();
        assert!(!in_flight.is_empty() && acc.queued(&tp(0)) > 0);
        drop(in_flight);
        drop(acc);
        for f in &mut futures {
            assert!(matches!(f.try_now(), Some(Err(Error::Closed))));
        }
    }

    #[test]
    fn a_single_record_batch_is_not_split() {
        let now = Instant::now();
        let mut acc = Accumulator::new(cfg(16384, false));
        push(&mut acc, 0, &[1; 10], now);
        let t = now + Duration::from_millis(10);
        let b = acc.drain(1, 1 << 20, t, |_| Some(1)).unwrap().remove(0);
        assert!(acc.split_and_requeue(b).is_some());
    }

    #[test]
    fn queued_batches_expire_after_delivery_timeout() {
        let now = Instant::now();
        let mut c = cfg(1000, false);
        c.delivery_timeout = Duration::from_millis(50);
        let mut acc = Accumulator::new(c);
        push(&mut acc, 0, b"x", now);
        assert!(acc.expire(now).is_empty());
        assert_eq!(acc.expire(now + Duration::from_millis(50)).len(), 1);
        assert!(acc.is_empty());
    }
}
