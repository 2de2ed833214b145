//! Fetch responses turned into records, lazily and without IO.
//!
//! A partition's fetched bytes become a [`CompletedFetch`]; records are decoded from it only as
//! [`CompletedFetch::drain`] asks for them, batch by batch, so a poll that returns 500 records
//! decodes 500 records however much was prefetched. Under `read_committed` it applies Java's
//! rules (`CompletedFetch.nextFetchedRecord`): the aborted-transactions list of the response says
//! which producer ids' batches from which offset on belong to aborted transactions; those
//! batches are skipped until that producer's abort marker, and control batches never reach the
//! application.

use std::collections::{BTreeMap, BinaryHeap, HashSet};
use std::sync::Arc;

use bytes::Bytes;
use kafka_protocol::messages::fetch_request::{
    FetchPartition, FetchRequest, FetchTopic, ForgottenTopic,
};
use kafka_protocol::primitives::varlong_len;
use kafka_protocol::record::{
    Batch, BatchRecords, Batches, ControlRecord, ControlRecordType, Record, RecordError, RecordSet,
};

use super::fetch_session::SessionRequest;
use super::{ConsumerRecord, TopicPartition};
use crate::config::IsolationLevel;

/// Builds the Fetch request for one broker's session request.
pub fn fetch_request(
    s: &SessionRequest,
    isolation: IsolationLevel,
    max_wait_ms: i32,
    min_bytes: i32,
    max_bytes: i32,
    rack: &str,
) -> FetchRequest {
    let mut topics: BTreeMap<&str, Vec<FetchPartition>> = BTreeMap::new();
    for (tp, f) in &s.to_send {
        topics.entry(&tp.topic).or_default().push(FetchPartition {
            partition: tp.partition,
            current_leader_epoch: f.current_leader_epoch,
            fetch_offset: f.fetch_offset,
            partition_max_bytes: f.max_bytes,
            ..Default::default()
        });
    }
    let mut forgotten: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for tp in &s.to_forget {
        forgotten.entry(&tp.topic).or_default().push(tp.partition);
    }
    FetchRequest {
        replica_id: -1,
        max_wait_ms,
        min_bytes,
        max_bytes,
        isolation_level: isolation.as_i8(),
        session_id: s.session_id,
        session_epoch: s.epoch,
        topics: topics
            .into_iter()
            .map(|(t, partitions)| FetchTopic {
                topic: t.to_owned(),
                partitions,
                ..Default::default()
            })
            .collect(),
        forgotten_topics_data: forgotten
            .into_iter()
            .map(|(t, partitions)| ForgottenTopic {
                topic: t.to_owned(),
                partitions,
                ..Default::default()
            })
            .collect(),
        rack_id: rack.to_owned(),
        ..Default::default()
    }
}

/// An aborted transaction from the response, ordered so the heap pops the lowest first offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Aborted {
    producer_id: i64,
    first_offset: i64,
}

impl Ord for Aborted {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .first_offset
            .cmp(&self.first_offset)
            .then(other.producer_id.cmp(&self.producer_id))
    }
}

impl PartialOrd for Aborted {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// One partition's fetched data, decoded on demand.
#[derive(Debug)]
pub struct CompletedFetch {
    /// The partition.
    pub tp: TopicPartition,
    topic: Arc<str>,
    /// The position the data starts at (the fetch offset of the request).
    pub fetch_offset: i64,
    /// The position after the records drained so far.
    pub next_offset: i64,
    /// The high watermark the broker reported.
    pub high_watermark: i64,
    /// The last stable offset, or -1.
    pub last_stable_offset: i64,
    read_committed: bool,
    batches: Batches,
    current: Option<(BatchRecords, i32)>,
    aborted: BinaryHeap<Aborted>,
    aborted_producers: HashSet<i64>,
    done: bool,
    /// The fetch response this came in, for metrics aggregated per response.
    response: u64,
    /// The log start offset the broker reported, or -1.
    log_start_offset: i64,
    /// The encoded size of the records handed out (as Java's `bytesRead`, uncompressed record
    /// bytes without batch headers) and their number, for the consumed metrics.
    bytes_read: u64,
    records_read: u64,
}

impl CompletedFetch {
    /// Wraps a partition's records; nothing is decoded yet.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        tp: TopicPartition,
        topic: Arc<str>,
        fetch_offset: i64,
        records: Bytes,
        high_watermark: i64,
        last_stable_offset: i64,
        aborted: impl IntoIterator<Item = (i64, i64)>,
        isolation: IsolationLevel,
        check_crcs: bool,
    ) -> Self {
        CompletedFetch {
            tp,
            topic,
            fetch_offset,
            next_offset: fetch_offset,
            high_watermark,
            last_stable_offset,
            read_committed: isolation == IsolationLevel::ReadCommitted,
            batches: RecordSet::new(records).verify_crc(check_crcs).batches(),
            current: None,
            aborted: aborted
                .into_iter()
                .map(|(producer_id, first_offset)| Aborted {
                    producer_id,
                    first_offset,
                })
                .collect(),
            aborted_producers: HashSet::new(),
            done: false,
            response: 0,
            log_start_offset: -1,
            bytes_read: 0,
            records_read: 0,
        }
    }

    /// Tags the data with the fetch response it came in (see [`Self::consumed`]).
    pub(crate) fn in_response(mut self, response: u64) -> Self {
        self.response = response;
        self
    }

    /// The response id, the encoded bytes of the records handed out and their number: what the
    /// consumed metrics record when this partition's data is finished with.
    pub(crate) fn consumed(&self) -> (u64, u64, u64) {
        (self.response, self.bytes_read, self.records_read)
    }

    /// Sets the log start offset the broker reported (-1: unknown), for the lead metrics.
    pub(crate) fn with_log_start_offset(mut self, offset: i64) -> Self {
        self.log_start_offset = offset;
        self
    }

    /// The partition's lag behind the high watermark (the last stable offset under
    /// `read_committed`, as Java's `partitionLag`) and its lead over the log start, if known,
    /// at the current position.
    pub(crate) fn lag_and_lead(&self, isolation: IsolationLevel) -> (i64, Option<i64>) {
        let position = self.position();
        let end = if isolation == IsolationLevel::ReadCommitted && self.last_stable_offset >= 0 {
            self.last_stable_offset
        } else {
            self.high_watermark
        };
        let lead = (self.log_start_offset >= 0).then(|| position - self.log_start_offset);
        (end - position, lead)
    }

    /// The topic name, shared with the records.
    pub(crate) fn topic(&self) -> &Arc<str> {
        &self.topic
    }

    /// Whether everything has been drained.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Appends up to `max` records to `out`, advancing [`next_offset`](Self::next_offset).
    /// A corrupt batch is an error; records before it have been returned.
    pub fn drain(
        &mut self,
        max: usize,
        out: &mut Vec<ConsumerRecord>,
    ) -> Result<usize, RecordError> {
        let mut n = 0;
        while n < max && !self.done {
            if let Some((records, epoch)) = &mut self.current {
                let before = records.bytes_read();
                match records.next() {
                    Some(Ok(r)) => {
                        if r.offset < self.next_offset {
                            continue; // compressed batches may start before the fetch offset
                        }
                        self.next_offset = r.offset + 1;
                        // The record's encoded size, as Java's bytesRead counts it: what the
                        // iterator just read, or for a legacy message the v2 size it would have.
                        self.bytes_read += match (before, records.bytes_read()) {
                            (Some(a), Some(b)) => (b - a) as u64,
                            _ => legacy_record_size(&r),
                        };
                        out.push(ConsumerRecord {
                            topic: self.topic.clone(),
                            partition: self.tp.partition,
                            offset: r.offset,
                            timestamp: r.timestamp,
                            leader_epoch: *epoch,
                            key: r.key,
                            value: r.value,
                            headers: r.headers,
                        });
                        n += 1;
                        self.records_read += 1;
                        continue;
                    }
                    Some(Err(e)) => {
                        self.done = true;
                        return Err(e);
                    }
                    None => {
                        self.current = None;
                        continue;
                    }
                }
            }
            match self.batches.next() {
                None => self.done = true,
                Some(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Some(Ok(batch)) => self.enter(batch)?,
            }
        }
        Ok(n)
    }

    /// Starts on a batch, or skips it (control batches, aborted transactions, already-read
    /// batches).
    fn enter(&mut self, batch: Batch) -> Result<(), RecordError> {
        let next = batch.last_offset() + 1;
        if next <= self.next_offset {
            return Ok(());
        }
        let Batch::V2(b) = &batch else {
            self.current = Some((batch.records()?, -1));
            return Ok(());
        };
        if self.read_committed && b.is_transactional() {
            while let Some(a) = self.aborted.peek() {
                if a.first_offset > b.last_offset() {
                    break;
                }
                self.aborted_producers.insert(a.producer_id);
                self.aborted.pop();
            }
            if b.is_control() {
                // An abort marker ends the producer's aborted transaction.
                if let Some(Ok(r)) = b.records()?.next()
                    && let Ok(c) = ControlRecord::parse(&r)
                    && c.kind == ControlRecordType::Abort
                {
                    self.aborted_producers.remove(&b.producer_id());
                }
                self.next_offset = next;
                return Ok(());
            }
            if self.aborted_producers.contains(&b.producer_id()) {
                self.next_offset = next;
                return Ok(());
            }
        }
        if b.is_control() {
            self.next_offset = next;
            return Ok(());
        }
        let epoch = b.partition_leader_epoch();
        self.current = Some((batch.records()?, epoch));
        // Compaction can leave gaps; once the batch is read the position is past it.
        Ok(())
    }

    /// The position after everything drained, counting batches skipped at the end.
    pub fn position(&self) -> i64 {
        self.next_offset
    }
}

/// Bytes of a zigzag varint of `n` (a length or a count).
fn varint_bytes(n: usize) -> u64 {
    varlong_len(n as i64) as u64
}

/// A legacy (magic 0/1) message's size as a v2 record would encode it, with zero deltas
/// (Java's `DefaultRecord.sizeInBytes`): an estimate for the `bytes-consumed` metrics, as Kafka 4
/// brokers no longer write such messages; v2 records are measured by what the decoder read.
fn legacy_record_size(r: &Record) -> u64 {
    let bytes = |b: Option<&[u8]>| b.map_or(1, |b| varint_bytes(b.len()) + b.len() as u64);
    // Attributes, then a one-byte zero timestamp delta and offset delta.
    let mut body =
        3 + bytes(r.key.as_deref()) + bytes(r.value.as_deref()) + varint_bytes(r.headers.len());
    for h in r.headers.iter() {
        body += bytes(Some(&h.key[..])) + bytes(h.value.as_deref());
    }
    varint_bytes(body as usize) + body
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::record::{BatchBuilder, BatchOptions, Compression, HeaderRef};

    fn batch(base: i64, n: usize, producer: i64, txn: bool) -> Bytes {
        let mut b = BatchBuilder::new(BatchOptions {
            base_offset: base,
            producer_id: producer,
            producer_epoch: if producer >= 0 { 0 } else { -1 },
            base_sequence: if producer >= 0 { 0 } else { -1 },
            is_transactional: txn,
            compression: Compression::None,
            ..Default::default()
        });
        for i in 0..n {
            let v = format!("v{}", base + i as i64);
            b.append(i as i64, None, Some(v.as_bytes()), &[]).unwrap();
        }
        b.build().unwrap()
    }

    fn marker(offset: i64, producer: i64, commit: bool) -> Bytes {
        let kind = if commit {
            ControlRecordType::Commit
        } else {
            ControlRecordType::Abort
        };
        BatchBuilder::end_txn_marker(offset, 0, 0, producer, 0, kind, 0).unwrap()
    }

    fn cat(parts: &[Bytes]) -> Bytes {
        parts.concat().into()
    }

    fn values(f: &mut CompletedFetch) -> Vec<String> {
        let mut out = Vec::new();
        f.drain(usize::MAX, &mut out).unwrap();
        out.iter()
            .map(|r| String::from_utf8(r.value.clone().unwrap().to_vec()).unwrap())
            .collect()
    }

    fn fetch(
        data: Bytes,
        from: i64,
        aborted: Vec<(i64, i64)>,
        iso: IsolationLevel,
    ) -> CompletedFetch {
        CompletedFetch::new(
            TopicPartition::new("t", 0),
            "t".into(),
            from,
            data,
            100,
            100,
            aborted,
            iso,
            true,
        )
    }

    #[test]
    fn read_committed_drops_aborted_and_control() {
        // p7 commits 0..2, p8 aborts 3..4, plain record at 6, p7 aborts at 7.., p8 commits 10.
        let data = cat(&[
            batch(0, 2, 7, true),
            marker(2, 7, true),
            batch(3, 2, 8, true),
            marker(5, 8, false),
            batch(6, 1, -1, false),
            batch(7, 2, 7, true),
            marker(9, 7, false),
            batch(10, 1, 8, true),
            marker(11, 8, true),
        ]);
        let aborted = vec![(8, 3), (7, 7)];
        let mut f = fetch(data.clone(), 0, aborted, IsolationLevel::ReadCommitted);
        assert_eq!(values(&mut f), ["v0", "v1", "v6", "v10"]);
        assert_eq!(f.position(), 12);
        assert!(f.is_done());

        let mut f = fetch(data, 0, vec![], IsolationLevel::ReadUncommitted);
        assert_eq!(
            values(&mut f),
            ["v0", "v1", "v3", "v4", "v6", "v7", "v8", "v10"]
        );
    }

    #[test]
    fn drains_lazily_and_skips_before_fetch_offset() {
        let data = cat(&[batch(0, 5, -1, false), batch(5, 5, -1, false)]);
        let mut f = fetch(data, 3, vec![], IsolationLevel::ReadUncommitted);
        let mut out = Vec::new();
        assert_eq!(f.drain(4, &mut out).unwrap(), 4);
        assert_eq!(
            out.iter().map(|r| r.offset).collect::<Vec<_>>(),
            [3, 4, 5, 6]
        );
        assert_eq!(f.position(), 7);
        assert!(!f.is_done());
        out.clear();
        assert_eq!(f.drain(100, &mut out).unwrap(), 3);
        assert_eq!(f.position(), 10);
        assert!(f.is_done());
    }

    /// Every record of `n` with a key, a value, a header (one with a null value) and growing
    /// timestamps, uncompressed.
    fn keyed_batch(base: i64, n: usize) -> Bytes {
        let mut b = BatchBuilder::new(BatchOptions {
            base_offset: base,
            compression: Compression::None,
            ..Default::default()
        });
        for i in 0..n {
            let (k, v) = (format!("key-{i}"), "x".repeat(i * 40));
            let headers = [
                HeaderRef {
                    key: "seq",
                    value: Some(k.as_bytes()),
                },
                HeaderRef {
                    key: "none",
                    value: None,
                },
            ];
            b.append(
                1_000 * i as i64,
                Some(k.as_bytes()),
                Some(v.as_bytes()),
                &headers,
            )
            .unwrap();
        }
        b.build().unwrap()
    }

    /// A v2 batch's header before its records.
    const BATCH_HEADER: usize = 61;

    #[test]
    fn counts_record_bytes_as_java_does_for_the_consumed_metrics() {
        let (a, b) = (keyed_batch(0, 5), batch(5, 5, -1, false));
        let mut f = fetch(
            cat(&[a.clone(), b.clone()]),
            0,
            vec![],
            IsolationLevel::ReadUncommitted,
        )
        .in_response(9);
        assert_eq!(f.consumed(), (9, 0, 0));
        let mut out = Vec::new();
        f.drain(5, &mut out).unwrap();
        // All of the first batch: its records' encoded sizes are the batch minus its header.
        assert_eq!(f.consumed(), (9, (a.len() - BATCH_HEADER) as u64, 5));
        f.drain(100, &mut out).unwrap();
        let all = (a.len() + b.len() - 2 * BATCH_HEADER) as u64;
        assert_eq!(f.consumed(), (9, all, 10));
        // Records before the fetch offset are not handed out, so not counted.
        let mut g = fetch(
            cat(&[a, b.clone()]),
            5,
            vec![],
            IsolationLevel::ReadUncommitted,
        );
        g.drain(100, &mut Vec::new()).unwrap();
        assert_eq!(g.consumed().1, (b.len() - BATCH_HEADER) as u64);
    }

    #[test]
    fn truncated_tail_is_not_an_error() {
        let full = cat(&[batch(0, 2, -1, false), batch(2, 2, -1, false)]);
        let cut = full.slice(..full.len() - 5);
        let mut f = fetch(cut, 0, vec![], IsolationLevel::ReadUncommitted);
        assert_eq!(values(&mut f), ["v0", "v1"]);
        assert_eq!(f.position(), 2);
    }

    #[test]
    fn corrupt_batch_is_an_error() {
        let mut data = batch(0, 2, -1, false).to_vec();
        let last = data.len() - 1;
        data[last] ^= 0xff;
        let mut f = fetch(data.into(), 0, vec![], IsolationLevel::ReadUncommitted);
        let mut out = Vec::new();
        assert!(f.drain(10, &mut out).is_err());
    }
}
