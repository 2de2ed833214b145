//! Rebalance callbacks.
//!
//! Callbacks run inside [`poll`](super::Consumer::poll), in the caller's task, at the points
//! Java calls its `ConsumerRebalanceListener`: revoked before partitions are given up (so
//! offsets can be committed while the member still owns them), assigned once the new
//! assignment is in place, lost when the membership was gone before we could revoke. The
//! callbacks are synchronous; what they ask of the consumer — commits, seeks — goes through
//! the [`RebalanceContext`] and is carried out, synchronously, right after the callback returns
//! and before the rebalance goes on.

use std::collections::BTreeMap;

use super::{OffsetAndMetadata, TopicPartition};

/// What a callback can ask of the consumer.
#[derive(Debug, Default)]
pub struct RebalanceContext {
    pub(crate) positions: BTreeMap<TopicPartition, i64>,
    pub(crate) commits: BTreeMap<TopicPartition, OffsetAndMetadata>,
    pub(crate) seeks: BTreeMap<TopicPartition, i64>,
    pub(crate) generation: i32,
    pub(crate) member_id: String,
}

impl RebalanceContext {
    /// The consumer's position (next offset to read) of an owned partition.
    pub fn position(&self, tp: &TopicPartition) -> Option<i64> {
        self.positions.get(tp).copied()
    }

    /// Commits `offsets` synchronously before the rebalance continues.
    pub fn commit(
        &mut self,
        offsets: impl IntoIterator<Item = (TopicPartition, OffsetAndMetadata)>,
    ) {
        self.commits.extend(offsets);
    }

    /// Commits the current positions of `partitions` (those with a position).
    pub fn commit_positions(&mut self, partitions: &[TopicPartition]) {
        for tp in partitions {
            if let Some(&p) = self.positions.get(tp) {
                self.commits.insert(tp.clone(), OffsetAndMetadata::new(p));
            }
        }
    }

    /// Sets where to start reading a newly assigned partition.
    pub fn seek(&mut self, tp: TopicPartition, offset: i64) {
        self.seeks.insert(tp, offset);
    }

    /// The generation the callback runs in.
    pub fn generation(&self) -> i32 {
        self.generation
    }

    /// This member's id.
    pub fn member_id(&self) -> &str {
        &self.member_id
    }
}

/// Java's `ConsumerRebalanceListener`.
pub trait RebalanceListener: Send {
    /// Partitions are about to be given up; commit their offsets here.
    fn on_partitions_revoked(
        &mut self,
        _ctx: &mut RebalanceContext,
        _partitions: &[TopicPartition],
    ) {
    }

    /// Partitions were added to the assignment (called after every rebalance, possibly with
    /// none).
    fn on_partitions_assigned(
        &mut self,
        _ctx: &mut RebalanceContext,
        _partitions: &[TopicPartition],
    ) {
    }

    /// Partitions were lost: another member may own them already, so committing is pointless.
    /// Defaults to [`on_partitions_revoked`](Self::on_partitions_revoked), as in Java.
    fn on_partitions_lost(&mut self, ctx: &mut RebalanceContext, partitions: &[TopicPartition]) {
        self.on_partitions_revoked(ctx, partitions);
    }
}

/// The listener used when none is given.
#[derive(Debug, Default)]
pub struct NoopListener;

impl RebalanceListener for NoopListener {}
