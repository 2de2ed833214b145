//! Punctuation schedules per clock type, with Java's `PunctuationQueue` semantics.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::processor::context::ErasedPunctuator;

/// One scheduled punctuator.
pub(crate) struct PunctuationSchedule {
    pub(crate) node: usize,
    pub(crate) next: i64,
    interval: i64,
    seq: u64,
    cancelled: Arc<AtomicBool>,
    pub(crate) punctuator: Box<dyn ErasedPunctuator>,
}

impl PunctuationSchedule {
    pub(crate) fn new(
        node: usize,
        first: i64,
        interval: i64,
        cancelled: Arc<AtomicBool>,
        punctuator: Box<dyn ErasedPunctuator>,
    ) -> Self {
        PunctuationSchedule {
            node,
            next: first,
            interval,
            seq: 0,
            cancelled,
            punctuator,
        }
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    /// Moves to the next due time after a punctuation at `now`, skipping missed intervals so a
    /// gap in time does not fire a burst of punctuations.
    pub(crate) fn advance(&mut self, now: i64) {
        let mut next = self.next.saturating_add(self.interval);
        if now >= next {
            let missed = (now - self.next) / self.interval;
            next = self
                .next
                .saturating_add((missed + 1).saturating_mul(self.interval));
        }
        self.next = next;
    }
}

/// The schedules of one clock type; few per task, so a vector searched for the earliest is enough.
#[derive(Default)]
pub(crate) struct PunctuationQueue {
    schedules: Vec<PunctuationSchedule>,
    next_seq: u64,
}

impl PunctuationQueue {
    pub(crate) fn push(&mut self, mut schedule: PunctuationSchedule) {
        schedule.seq = self.next_seq;
        self.next_seq += 1;
        self.schedules.push(schedule);
    }

    /// Re-inserts a schedule taken by [`Self::pop_due`], keeping its tie-break order.
    pub(crate) fn reinsert(&mut self, schedule: PunctuationSchedule) {
        self.schedules.push(schedule);
    }

    /// Removes and returns the earliest schedule due at `now` (ties in scheduling order), dropping
    /// cancelled ones on the way.
    pub(crate) fn pop_due(&mut self, now: i64) -> Option<PunctuationSchedule> {
        self.schedules.retain(|s| !s.is_cancelled());
        let idx = self
            .schedules
            .iter()
            .enumerate()
            .filter(|(_, s)| s.next <= now)
            .min_by_key(|(_, s)| (s.next, s.seq))
            .map(|(i, _)| i)?;
        Some(self.schedules.swap_remove(idx))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.schedules.is_empty()
    }
}
