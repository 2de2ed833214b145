//! The task's input buffers: one queue per partition, the next record chosen by the smallest head
//! timestamp, stream time, and `max.task.idle.ms` (Java's `PartitionGroup` and `RecordQueue`).

use std::any::Any;
use std::collections::VecDeque;
use std::sync::Arc;

use crate::error::StreamsError;
use crate::name_hash::NameMap;
use crate::processor::{
    ConsumedRecord, DeserializationResponse, RecordMetadata, SharedDeserializationHandler,
    SharedTimestampExtractor,
};
use crate::topology::RecordDeserializer;

/// Stream time before any record: Java's `RecordQueue.UNKNOWN`.
pub const UNKNOWN_TIME: i64 = -1;

/// A deserialized record ready to process, with the timestamp it counts as.
pub(crate) struct StampedRecord {
    pub(crate) timestamp: i64,
    pub(crate) meta: RecordMetadata,
    /// `Option<Record<K, V>>` for the source node's types.
    pub(crate) record: Box<dyn Any + Send>,
    pub(crate) source: usize,
    /// Java's consumed size of the raw record (`stream-topic-metrics`).
    pub(crate) size: i64,
}

/// Java's `ClientUtils.consumerRecordSizeInBytes`: key and value sizes (-1 for null, Java's
/// `ConsumerRecord.NULL_SIZE`, so a null counts as -1 byte there too), topic, headers, and 20 for
/// timestamp, offset and partition.
fn consumed_size(r: &ConsumedRecord) -> i64 {
    let len = |b: &Option<bytes::Bytes>| b.as_ref().map_or(-1, |b| b.len() as i64);
    len(&r.key) + len(&r.value) + r.topic.len() as i64 + 20 + headers_size(&r.headers)
}

/// Header keys and values, as Java counts them in record sizes.
pub(crate) fn headers_size(h: &crate::processor::Headers) -> i64 {
    if h.is_empty() {
        return 0;
    }
    h.iter()
        .map(|h| (h.key.len() + h.value.as_ref().map_or(0, |v| v.len())) as i64)
        .sum()
}

/// Records and bytes taken from one input partition since the last fold.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Consumed {
    pub(crate) records: u64,
    pub(crate) bytes: i64,
}

/// How a partition's source turns bytes into records.
#[derive(Clone)]
pub(crate) struct SourceBinding {
    pub(crate) node: usize,
    pub(crate) deserializer: Arc<dyn RecordDeserializer>,
    pub(crate) extractor: SharedTimestampExtractor,
}

struct RecordQueue {
    topic: Arc<str>,
    partition: i32,
    raw: VecDeque<ConsumedRecord>,
    head: Option<StampedRecord>,
    partition_time: i64,
    source: SourceBinding,
    /// Lag to the end of the partition as last fetched; `None` while unknown.
    fetched_lag: Option<i64>,
    idle_deadline: Option<i64>,
    consumed: Consumed,
}

/// Records a task dropped, by cause; together they are its `dropped-records` metric.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DroppedRecords {
    /// Records skipped because they failed to deserialize and the handler said continue.
    pub deserialization: u64,
    /// Records skipped because their extracted timestamp was negative.
    pub negative_timestamp: u64,
    /// Records processors dropped and said so (`ProcessorContext::record_dropped`), as Kafka
    /// Streams' own operators do for late records and null keys.
    pub processor: u64,
}

/// The input partitions of one task.
pub(crate) struct PartitionGroup {
    queues: Vec<RecordQueue>,
    /// Queue index by topic, then partition; keyed by `Arc<str>` so lookups take a `&str`.
    index: NameMap<Arc<str>, Vec<(i32, usize)>>,
    stream_time: i64,
    max_task_idle_ms: i64,
    handler: SharedDeserializationHandler,
    pub(crate) dropped: DroppedRecords,
    /// Times the task was let process although a partition was empty, once `max.task.idle.ms`
    /// had passed for it (Java's enforced processing).
    pub(crate) enforced_processing: u64,
    /// Lateness of undeserializable records Java would take through `nextRecord`: when a queue
    /// holds nothing valid after its last undeserializable record, Java makes that one the head
    /// (a `CorruptedRecord`, timestamp -1, for the offset commit), so its lateness counts.
    pub(crate) corrupted_lateness: crate::metrics::Pending,
    /// Offset of the last record taken per partition, for the consumer commit.
    consumed: NameMap<(Arc<str>, i32), i64>,
}

impl PartitionGroup {
    pub(crate) fn new(max_task_idle_ms: i64, handler: SharedDeserializationHandler) -> Self {
        PartitionGroup {
            queues: Vec::new(),
            index: NameMap::default(),
            stream_time: UNKNOWN_TIME,
            max_task_idle_ms,
            handler,
            dropped: DroppedRecords::default(),
            enforced_processing: 0,
            corrupted_lateness: crate::metrics::Pending::default(),
            consumed: NameMap::default(),
        }
    }

    pub(crate) fn add_partition(&mut self, topic: Arc<str>, partition: i32, source: SourceBinding) {
        if self.find(&topic, partition).is_some() {
            return;
        }
        let idx = self.queues.len();
        self.index
            .entry(topic.clone())
            .or_default()
            .push((partition, idx));
        self.queues.push(RecordQueue {
            topic,
            partition,
            raw: VecDeque::new(),
            head: None,
            partition_time: UNKNOWN_TIME,
            source,
            fetched_lag: None,
            idle_deadline: None,
            consumed: Consumed::default(),
        });
    }

    fn find(&self, topic: &str, partition: i32) -> Option<usize> {
        self.index
            .get(topic)?
            .iter()
            .find(|(p, _)| *p == partition)
            .map(|(_, i)| *i)
    }

    pub(crate) fn has_partition(&self, topic: &str, partition: i32) -> bool {
        self.find(topic, partition).is_some()
    }

    pub(crate) fn stream_time(&self) -> i64 {
        self.stream_time
    }

    pub(crate) fn consumed_offsets(&self) -> &NameMap<(Arc<str>, i32), i64> {
        &self.consumed
    }

    /// Buffers records of one partition; they are deserialized lazily as they reach the head.
    pub(crate) fn add_records(
        &mut self,
        topic: &str,
        partition: i32,
        records: impl IntoIterator<Item = ConsumedRecord>,
    ) -> Result<(), StreamsError> {
        let idx = self
            .find(topic, partition)
            .ok_or_else(|| StreamsError::UnknownTopic(topic.to_owned()))?;
        self.queues[idx].raw.extend(records);
        Ok(())
    }

    /// Records how far behind the end of its partition the consumer is; 0 means caught up.
    pub(crate) fn update_lag(&mut self, topic: &str, partition: i32, lag: Option<i64>) {
        if let Some(idx) = self.find(topic, partition) {
            self.queues[idx].fetched_lag = lag;
        }
    }

    /// Sets every partition's lag; the test driver treats all partitions as caught up.
    pub(crate) fn update_all_lags(&mut self, lag: Option<i64>) {
        for q in &mut self.queues {
            q.fetched_lag = lag;
        }
    }

    /// Whether any record is buffered (deserialized or not).
    pub(crate) fn has_buffered(&self) -> bool {
        self.queues
            .iter()
            .any(|q| q.head.is_some() || !q.raw.is_empty())
    }

    fn update_head(&mut self, idx: usize) -> Result<(), StreamsError> {
        let q = &mut self.queues[idx];
        let mut corrupted_tail = false;
        while q.head.is_none() {
            let Some(mut raw) = q.raw.pop_front() else {
                if corrupted_tail {
                    // Java takes it as a head of size 0: consumed, and late against stream time.
                    let lateness = (self.stream_time - UNKNOWN_TIME).max(0);
                    self.corrupted_lateness.add(lateness as f64);
                    q.consumed.records += 1;
                }
                return Ok(());
            };
            let size = consumed_size(&raw);
            let record = match q.source.deserializer.deserialize(&mut raw) {
                Ok(r) => r,
                Err(e) => match self.handler.handle(&raw, &e) {
                    DeserializationResponse::Continue => {
                        self.dropped.deserialization += 1;
                        corrupted_tail = true;
                        continue;
                    }
                    DeserializationResponse::Fail => {
                        return Err(StreamsError::Deserialization {
                            topic: raw.topic.to_string(),
                            partition: raw.partition,
                            offset: raw.offset,
                            source: e,
                        });
                    }
                },
            };
            let timestamp = q.source.extractor.extract(&raw, q.partition_time)?;
            if timestamp < 0 {
                tracing::warn!(
                    topic = %raw.topic, partition = raw.partition, offset = raw.offset, timestamp,
                    "skipping record due to negative extracted timestamp"
                );
                self.dropped.negative_timestamp += 1;
                continue;
            }
            let mut record = record;
            q.source
                .deserializer
                .set_timestamp(record.as_mut() as &mut dyn Any, timestamp);
            q.partition_time = q.partition_time.max(timestamp);
            q.head = Some(StampedRecord {
                timestamp,
                meta: RecordMetadata {
                    topic: q.topic.clone(),
                    partition: q.partition,
                    offset: raw.offset,
                },
                record,
                source: q.source.node,
                size,
            });
        }
        Ok(())
    }

    /// Whether the task may process now (Java's `PartitionGroup.readyToProcess`): every partition
    /// has data, or each empty one is known to be caught up and has idled `max.task.idle.ms`.
    pub(crate) fn ready_to_process(&mut self, wall_clock_ms: i64) -> Result<bool, StreamsError> {
        for idx in 0..self.queues.len() {
            self.update_head(idx)?;
        }
        let any_queued = self.queues.iter().any(|q| q.head.is_some());
        if !any_queued {
            return Ok(false);
        }
        if self.max_task_idle_ms < 0 {
            return Ok(true);
        }
        let mut enforced = false;
        for q in &mut self.queues {
            if q.head.is_some() {
                q.idle_deadline = None;
                continue;
            }
            match q.fetched_lag {
                // Unknown lag, or data known to be on the broker: wait for the fetch.
                None | Some(1..) => {
                    q.idle_deadline = None;
                    return Ok(false);
                }
                Some(_) => {
                    let deadline = *q
                        .idle_deadline
                        .get_or_insert(wall_clock_ms.saturating_add(self.max_task_idle_ms));
                    if wall_clock_ms < deadline {
                        return Ok(false);
                    }
                    enforced = true;
                }
            }
        }
        if enforced {
            self.enforced_processing += 1;
        }
        Ok(true)
    }

    /// Takes the buffered record with the smallest timestamp and advances stream time.
    pub(crate) fn next_record(&mut self) -> Result<Option<StampedRecord>, StreamsError> {
        for idx in 0..self.queues.len() {
            self.update_head(idx)?;
        }
        let Some(idx) = self
            .queues
            .iter()
            .enumerate()
            .filter_map(|(i, q)| q.head.as_ref().map(|h| (h.timestamp, i)))
            .min()
            .map(|(_, i)| i)
        else {
            return Ok(None);
        };
        let rec = self.queues[idx].head.take();
        if let Some(r) = &rec {
            let c = &mut self.queues[idx].consumed;
            c.records += 1;
            c.bytes += r.size;
            self.stream_time = self.stream_time.max(r.timestamp);
            self.consumed
                .insert((r.meta.topic.clone(), r.meta.partition), r.meta.offset);
        }
        self.update_head(idx)?;
        Ok(rec)
    }

    /// Each input partition's source node, topic and what was taken from it since the last call.
    pub(crate) fn take_consumed(&mut self) -> impl Iterator<Item = (usize, &Arc<str>, Consumed)> {
        self.queues
            .iter_mut()
            .map(|q| (q.source.node, &q.topic, std::mem::take(&mut q.consumed)))
    }

    /// The largest timestamp seen on a partition, or -1.
    pub(crate) fn partition_time(&self, topic: &str, partition: i32) -> Option<i64> {
        self.find(topic, partition)
            .map(|i| self.queues[i].partition_time)
    }
}
