//! Idempotent-producer bookkeeping, without IO: producer id and epoch, the next sequence of
//! each partition, and when Kafka's rules require an epoch bump.
//!
//! Sequences are assigned when a batch is first drained for sending, in queue order, so a
//! partition's batches carry consecutive sequences; a retried batch keeps its sequence. When
//! the outcome of a sent batch can no longer be known (it expired, or the broker lost the
//! producer's state) the sequence space is unrecoverable for that producer epoch: the producer
//! bumps the epoch with InitProducerId and restarts every partition at sequence 0 (KIP-360),
//! re-sequencing what is still queued.

use std::collections::HashMap;

use super::accumulator::TopicPartition;

/// No producer id yet.
pub(crate) const NO_PRODUCER_ID: i64 = -1;

/// The sequence after `seq` advanced by `count` records (Kafka wraps at `i32::MAX` to 0).
pub(crate) fn increment_sequence(seq: i32, count: i32) -> i32 {
    if seq > i32::MAX - count {
        count - (i32::MAX - seq) - 1
    } else {
        seq + count
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct PartitionSequence {
    next: i32,
    /// Last sequence the broker acknowledged, -1 for none in this epoch.
    last_acked: Option<i32>,
}

/// Producer id, epoch and per-partition sequences.
#[derive(Debug, Clone)]
pub(crate) struct IdempotenceState {
    producer_id: i64,
    epoch: i16,
    partitions: HashMap<TopicPartition, PartitionSequence>,
    bump_needed: bool,
}

impl Default for IdempotenceState {
    fn default() -> Self {
        IdempotenceState {
            producer_id: NO_PRODUCER_ID,
            epoch: -1,
            partitions: HashMap::new(),
            bump_needed: false,
        }
    }
}

impl IdempotenceState {
    /// Whether a producer id has been obtained.
    pub(crate) fn has_producer_id(&self) -> bool {
        self.producer_id != NO_PRODUCER_ID
    }

    /// `(producer id, epoch)`.
    pub(crate) fn producer(&self) -> (i64, i16) {
        (self.producer_id, self.epoch)
    }

    /// Installs the id and epoch from InitProducerId, restarting every sequence at 0.
    pub(crate) fn set_producer(&mut self, producer_id: i64, epoch: i16) {
        self.producer_id = producer_id;
        self.epoch = epoch;
        self.partitions.clear();
        self.bump_needed = false;
    }

    /// Takes `count` sequences for a batch of `tp`, returning the base sequence.
    pub(crate) fn assign(&mut self, tp: &TopicPartition, count: i32) -> i32 {
        let p = self.partitions.entry(tp.clone()).or_default();
        let base = p.next;
        p.next = increment_sequence(base, count);
        base
    }

    /// Records the acknowledgement of a batch of `tp` with sequences `base..base+count`.
    pub(crate) fn acked(&mut self, tp: &TopicPartition, base: i32, count: i32) {
        let p = self.partitions.entry(tp.clone()).or_default();
        let last = increment_sequence(base, count - 1);
        p.last_acked = Some(match p.last_acked {
            Some(prev) if prev > last && prev - last < i32::MAX / 2 => prev,
            _ => last,
        });
    }

    /// Whether the broker has acknowledged a batch of `tp` in this epoch.
    pub(crate) fn has_acked(&self, tp: &TopicPartition) -> bool {
        self.partitions
            .get(tp)
            .is_some_and(|p| p.last_acked.is_some())
    }

    /// Whether `base` is the batch right after the last acknowledged one of `tp` (or the first
    /// of the epoch): if such a batch is rejected as out of order, the broker lost our state;
    /// otherwise an earlier batch is still unresolved and this one only has to be retried.
    pub(crate) fn is_next_expected(&self, tp: &TopicPartition, base: i32) -> bool {
        match self.partitions.get(tp).and_then(|p| p.last_acked) {
            Some(last) => increment_sequence(last, 1) == base,
            None => base == 0,
        }
    }

    /// Asks for an epoch bump before anything else is sent.
    pub(crate) fn request_bump(&mut self) {
        self.bump_needed = true;
    }

    /// Whether an epoch bump is pending.
    pub(crate) fn bump_needed(&self) -> bool {
        self.bump_needed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn tp(p: i32) -> TopicPartition {
        TopicPartition {
            topic: Arc::from("t"),
            partition: p,
        }
    }

    #[test]
    fn sequences_are_consecutive_per_partition_and_wrap() {
        let mut s = IdempotenceState::default();
        s.set_producer(7, 0);
        assert_eq!(s.assign(&tp(0), 3), 0);
        assert_eq!(s.assign(&tp(0), 2), 3);
        assert_eq!(s.assign(&tp(1), 1), 0);
        assert_eq!(increment_sequence(i32::MAX, 1), 0);
        assert_eq!(increment_sequence(i32::MAX - 1, 3), 1);
    }

    #[test]
    fn next_expected_tracks_acks_and_epoch_bump_resets() {
        let mut s = IdempotenceState::default();
        s.set_producer(7, 0);
        let b0 = s.assign(&tp(0), 5);
        let b1 = s.assign(&tp(0), 5);
        assert!(s.is_next_expected(&tp(0), b0));
        assert!(!s.is_next_expected(&tp(0), b1));
        s.acked(&tp(0), b0, 5);
        assert!(s.is_next_expected(&tp(0), b1));
        s.request_bump();
        assert!(s.bump_needed());
        s.set_producer(7, 1);
        assert!(!s.bump_needed());
        assert_eq!(s.producer(), (7, 1));
        assert_eq!(s.assign(&tp(0), 1), 0, "sequences restart after a bump");
    }
}
