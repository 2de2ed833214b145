//! One shared outcome per batch, and the per-record futures that read it (Java's
//! `ProduceRequestResult` and `FutureRecordMetadata`).
//!
//! A batch owns a [`BatchCompletion`]; every record appended to it gets a [`DeliveryFuture`]
//! holding an `Arc` of the batch's [`ProduceResult`], the record's index in the batch and its
//! create timestamp. A channel per record cost an allocation and several atomic operations on
//! the send path; this costs one reference count per record, and wakers are only stored for
//! futures that are actually polled.
//!
//! A batch split after `MESSAGE_TOO_LARGE` redirects its result to the pieces' results (as
//! Java's `FutureRecordMetadata.chain`), by index range, so a future polled before or after the
//! split resolves from the piece that now holds its record. A batch dropped without an outcome
//! (the producer went away) resolves its futures with [`Error::Closed`].

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use super::record::RecordMetadata;
use crate::error::{Error, Result};

/// Where a batch's records went, once known.
#[derive(Debug)]
enum Outcome {
    Pending,
    Acked {
        partition: i32,
        /// -1 when the broker did not say (`acks=0`, a recognised duplicate).
        base_offset: i64,
        /// -1 unless the topic uses log-append time.
        log_append_time: i64,
    },
    Failed(Arc<Error>),
    Closed,
    /// The batch was split: records `first..first + count` now live in `result`, at index
    /// `i - first`.
    Split(Vec<Piece>),
}

#[derive(Debug)]
struct Piece {
    first: usize,
    count: usize,
    result: Arc<ProduceResult>,
}

#[derive(Debug)]
struct State {
    outcome: Outcome,
    /// One slot per polled future; a future keeps its slot index so that polling it again
    /// replaces its waker instead of growing the list, and dropping it clears the slot.
    wakers: Vec<Option<Waker>>,
}

/// The outcome of one batch, shared by the futures of its records.
#[derive(Debug)]
pub(crate) struct ProduceResult {
    state: Mutex<State>,
}

impl ProduceResult {
    fn new() -> Self {
        ProduceResult {
            state: Mutex::new(State {
                outcome: Outcome::Pending,
                wakers: Vec::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding the lock; a poisoned one still holds a valid state.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets the outcome unless one is set already, and wakes every waiting future.
    fn settle(&self, outcome: Outcome) {
        let wakers = {
            let mut s = self.lock();
            if !matches!(s.outcome, Outcome::Pending) {
                return;
            }
            s.outcome = outcome;
            std::mem::take(&mut s.wakers)
        };
        // Woken outside the lock: a woken task may poll at once on another thread.
        for w in wakers.into_iter().flatten() {
            w.wake();
        }
    }
}

/// The owning side of a batch's [`ProduceResult`]: exactly one per batch, and the only way to
/// settle it. Dropping it unsettled resolves the batch's futures with [`Error::Closed`].
#[derive(Debug)]
pub(crate) struct BatchCompletion {
    result: Arc<ProduceResult>,
}

impl BatchCompletion {
    pub(crate) fn new() -> Self {
        BatchCompletion {
            result: Arc::new(ProduceResult::new()),
        }
    }

    /// The future of the record at `index` in the batch, created at `timestamp` (ms).
    pub(crate) fn future(&self, index: usize, timestamp: i64) -> DeliveryFuture {
        DeliveryFuture {
            result: self.result.clone(),
            index,
            timestamp,
            slot: None,
        }
    }

    /// The batch was acknowledged: record `i` is at `base_offset + i` (or -1 when
    /// `base_offset` is unknown), with the log-append time when the broker gives one (>= 0),
    /// else its create time.
    pub(crate) fn succeed(self, partition: i32, base_offset: i64, log_append_time: i64) {
        self.result.settle(Outcome::Acked {
            partition,
            base_offset,
            log_append_time,
        });
    }

    /// The batch failed for good: every record fails with `error`.
    pub(crate) fn fail(self, error: &Arc<Error>) {
        self.result.settle(Outcome::Failed(error.clone()));
    }

    /// The batch was split into `pieces`, each `(index of its first record, record count,
    /// its completion)`, in record order: every future of this batch follows its record.
    pub(crate) fn redirect(self, pieces: &[(usize, usize, &BatchCompletion)]) {
        let pieces = pieces
            .iter()
            .map(|&(first, count, c)| Piece {
                first,
                count,
                result: c.result.clone(),
            })
            .collect();
        self.result.settle(Outcome::Split(pieces));
    }

    /// The shared result (tests that poll without a future).
    #[cfg(test)]
    fn shared(&self) -> &Arc<ProduceResult> {
        &self.result
    }
}

impl Drop for BatchCompletion {
    fn drop(&mut self) {
        // A no-op after succeed, fail or redirect; otherwise the batch is gone unanswered
        // (closed producer, dropped accumulator or sink) and no future may hang.
        self.result.settle(Outcome::Closed);
    }
}

/// Resolves when the record is acknowledged or has definitely failed.
///
/// Holds a reference to its batch's shared result, not a channel of its own, so a future that
/// is dropped unpolled costs nothing beyond the reference. Any number of futures of one batch
/// may be awaited at once, from any tasks.
#[derive(Debug)]
pub struct DeliveryFuture {
    result: Arc<ProduceResult>,
    index: usize,
    /// The record's create timestamp, reported unless the broker stamps log-append time.
    timestamp: i64,
    /// This future's waker slot in `result`, once polled while pending.
    slot: Option<usize>,
}

impl Future for DeliveryFuture {
    type Output = Result<RecordMetadata>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            let next = {
                let mut guard = this.result.lock();
                // Borrowed field by field: the outcome is read while the wakers change.
                let s = &mut *guard;
                match &s.outcome {
                    Outcome::Pending => {
                        let slot = match this.slot {
                            Some(i) if i < s.wakers.len() => i,
                            _ => {
                                s.wakers.push(None);
                                s.wakers.len() - 1
                            }
                        };
                        this.slot = Some(slot);
                        match s.wakers.get_mut(slot) {
                            Some(Some(w)) if w.will_wake(cx.waker()) => {}
                            Some(w) => *w = Some(cx.waker().clone()),
                            // In range by construction just above.
                            None => {}
                        }
                        return Poll::Pending;
                    }
                    Outcome::Acked {
                        partition,
                        base_offset,
                        log_append_time,
                    } => {
                        // Saturating: the base offset comes from the broker.
                        let offset = if *base_offset < 0 {
                            -1
                        } else {
                            base_offset.saturating_add(this.index as i64)
                        };
                        let timestamp = if *log_append_time >= 0 {
                            *log_append_time
                        } else {
                            this.timestamp
                        };
                        return Poll::Ready(Ok(RecordMetadata {
                            partition: *partition,
                            offset,
                            timestamp,
                        }));
                    }
                    Outcome::Failed(e) => return Poll::Ready(Err(Error::Shared(e.clone()))),
                    Outcome::Closed => return Poll::Ready(Err(Error::Closed)),
                    Outcome::Split(pieces) => {
                        let index = this.index;
                        // The pieces cover every index of the batch; a record outside them
                        // would be untracked, and closed is the only honest answer.
                        match pieces
                            .iter()
                            .find(|p| index >= p.first && index - p.first < p.count)
                        {
                            Some(p) => (p.result.clone(), index - p.first),
                            None => return Poll::Ready(Err(Error::Closed)),
                        }
                    }
                }
            };
            // The old result's slot was emptied when it settled.
            (this.result, this.index) = next;
            this.slot = None;
        }
    }
}

impl DeliveryFuture {
    /// The outcome if there is one already, without waiting (tests of the accumulator).
    #[cfg(test)]
    pub(crate) fn try_now(&mut self) -> Option<Result<RecordMetadata>> {
        match Pin::new(self).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(r) => Some(r),
            Poll::Pending => None,
        }
    }
}

impl Drop for DeliveryFuture {
    fn drop(&mut self) {
        // Only a future that registered a waker has anything to take back; an unpolled one
        // (fire and forget) costs no lock here.
        if let Some(slot) = self.slot {
            let mut s = self.result.lock();
            if matches!(s.outcome, Outcome::Pending)
                && let Some(w) = s.wakers.get_mut(slot)
            {
                *w = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    /// Polls once with a waker that counts its wake-ups.
    fn poll_counted(f: &mut DeliveryFuture, wakes: &Arc<Counter>) -> Poll<Result<RecordMetadata>> {
        let waker = Waker::from(wakes.clone());
        Pin::new(f).poll(&mut Context::from_waker(&waker))
    }

    fn poll_once(f: &mut DeliveryFuture) -> Poll<Result<RecordMetadata>> {
        Pin::new(f).poll(&mut Context::from_waker(Waker::noop()))
    }

    #[derive(Default)]
    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    impl Counter {
        fn get(&self) -> usize {
            self.0.load(Ordering::SeqCst)
        }
    }

    fn ready(p: Poll<Result<RecordMetadata>>) -> Result<RecordMetadata> {
        match p {
            Poll::Ready(r) => r,
            Poll::Pending => panic!("still pending"),
        }
    }

    #[test]
    fn acknowledged_batch_resolves_each_record_at_its_offset() {
        let c = BatchCompletion::new();
        let mut futures: Vec<_> = (0..3).map(|i| c.future(i, 100 + i as i64)).collect();
        let wakes = Arc::new(Counter::default());
        assert!(poll_counted(&mut futures[1], &wakes).is_pending());
        c.succeed(4, 1000, -1);
        assert_eq!(wakes.get(), 1, "the waiting future is woken once");
        for (i, f) in futures.iter_mut().enumerate() {
            assert_eq!(
                ready(poll_once(f)).unwrap(),
                RecordMetadata {
                    partition: 4,
                    offset: 1000 + i as i64,
                    timestamp: 100 + i as i64,
                }
            );
        }
    }

    #[test]
    fn unknown_offset_and_log_append_time() {
        let c = BatchCompletion::new();
        let mut f = c.future(5, 7);
        c.succeed(0, -1, 99);
        assert_eq!(
            ready(poll_once(&mut f)).unwrap(),
            RecordMetadata {
                partition: 0,
                offset: -1,
                timestamp: 99,
            }
        );
    }

    #[test]
    fn failed_batch_fails_every_record_with_the_shared_error() {
        let c = BatchCompletion::new();
        let mut a = c.future(0, 1);
        let mut b = c.future(1, 1);
        assert!(poll_once(&mut a).is_pending());
        let e = Arc::new(Error::NoBroker("gone".into()));
        c.fail(&e);
        for f in [&mut a, &mut b] {
            match ready(poll_once(f)) {
                Err(Error::Shared(got)) => assert!(Arc::ptr_eq(&got, &e)),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn dropped_batch_resolves_closed() {
        let c = BatchCompletion::new();
        let mut polled = c.future(0, 1);
        let mut unpolled = c.future(1, 1);
        let wakes = Arc::new(Counter::default());
        assert!(poll_counted(&mut polled, &wakes).is_pending());
        drop(c);
        assert_eq!(wakes.get(), 1);
        assert!(matches!(ready(poll_once(&mut polled)), Err(Error::Closed)));
        assert!(matches!(
            ready(poll_once(&mut unpolled)),
            Err(Error::Closed)
        ));
    }

    #[test]
    fn settled_once_only() {
        let c = BatchCompletion::new();
        let mut f = c.future(0, 1);
        c.result.settle(Outcome::Acked {
            partition: 1,
            base_offset: 3,
            log_append_time: -1,
        });
        c.fail(&Arc::new(Error::Closed));
        assert_eq!(ready(poll_once(&mut f)).unwrap().offset, 3);
    }

    /// The completions of the two pieces a batch is split into.
    fn two_pieces() -> (BatchCompletion, BatchCompletion) {
        (BatchCompletion::new(), BatchCompletion::new())
    }

    #[test]
    fn split_redirects_futures_polled_before_it() {
        let old = BatchCompletion::new();
        let mut futures: Vec<_> = (0..5).map(|i| old.future(i, i as i64)).collect();
        let wakes = Arc::new(Counter::default());
        for f in &mut futures {
            assert!(poll_counted(f, &wakes).is_pending());
        }
        let (a, b) = two_pieces();
        old.redirect(&[(0, 2, &a), (2, 3, &b)]);
        assert_eq!(wakes.get(), 5, "waiters move on to the pieces");
        // Re-polled, each registers with its piece and waits there.
        for f in &mut futures {
            assert!(poll_counted(f, &wakes).is_pending());
        }
        b.succeed(0, 20, -1);
        assert_eq!(wakes.get(), 8, "only the second piece's three records wake");
        a.succeed(0, 10, -1);
        assert_eq!(wakes.get(), 10);
        let offsets: Vec<i64> = futures
            .iter_mut()
            .map(|f| ready(poll_once(f)).unwrap().offset)
            .collect();
        assert_eq!(offsets, [10, 11, 20, 21, 22]);
    }

    #[test]
    fn split_redirects_futures_polled_after_it_and_again() {
        let old = BatchCompletion::new();
        let mut futures: Vec<_> = (0..5).map(|i| old.future(i, i as i64)).collect();
        let (a, b) = two_pieces();
        old.redirect(&[(0, 2, &a), (2, 3, &b)]);
        // The second piece is split again: record 4 (index 2 there) ends alone.
        let (b1, b2) = two_pieces();
        b.redirect(&[(0, 2, &b1), (2, 1, &b2)]);
        a.succeed(1, 10, -1);
        b1.succeed(1, 30, -1);
        let e = Arc::new(Error::NoBroker("x".into()));
        b2.fail(&e);
        let got: Vec<_> = futures
            .iter_mut()
            .map(|f| {
                ready(poll_once(f))
                    .map(|m| m.offset)
                    .map_err(|e| e.to_string())
            })
            .collect();
        assert_eq!(
            got,
            [
                Ok(10),
                Ok(11),
                Ok(30),
                Ok(31),
                Err(Error::Shared(e).to_string())
            ]
        );
    }

    #[test]
    fn a_piece_dropped_unsettled_closes_its_records_only() {
        let old = BatchCompletion::new();
        let mut futures: Vec<_> = (0..4).map(|i| old.future(i, 0)).collect();
        let (a, b) = two_pieces();
        old.redirect(&[(0, 2, &a), (2, 2, &b)]);
        a.succeed(0, 0, -1);
        drop(b);
        let closed: Vec<bool> = futures
            .iter_mut()
            .map(|f| matches!(ready(poll_once(f)), Err(Error::Closed)))
            .collect();
        assert_eq!(closed, [false, false, true, true]);
    }

    #[test]
    fn repolling_reuses_the_slot_and_dropping_clears_it() {
        let c = BatchCompletion::new();
        let mut f = c.future(0, 0);
        let first = Arc::new(Counter::default());
        let second = Arc::new(Counter::default());
        for _ in 0..10 {
            assert!(poll_counted(&mut f, &first).is_pending());
        }
        assert!(poll_counted(&mut f, &second).is_pending());
        assert_eq!(c.shared().lock().wakers.len(), 1, "one slot per future");
        let mut g = c.future(1, 0);
        assert!(poll_counted(&mut g, &first).is_pending());
        drop(g);
        c.succeed(0, 0, -1);
        assert_eq!(
            (first.get(), second.get()),
            (0, 1),
            "only the latest waker of the live future is woken"
        );
    }

    /// Until `n` futures wait on `batches` (so the test settles what they are already
    /// awaiting); a hang guard, not a timing assert.
    async fn waiting(batches: &[&BatchCompletion], n: usize) {
        let registered = || {
            batches
                .iter()
                .map(|c| c.shared().lock().wakers.iter().flatten().count())
                .sum::<usize>()
        };
        tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while registered() < n {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the spawned futures never polled");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn many_concurrent_waiters_on_one_batch() {
        let c = BatchCompletion::new();
        let mut tasks = Vec::new();
        for i in 0..64 {
            // Several tasks per record as well as one per record.
            let f = c.future(i % 16, 7);
            tasks.push(tokio::spawn(f));
        }
        waiting(&[&c], 64).await;
        c.succeed(2, 100, -1);
        for (i, t) in tasks.into_iter().enumerate() {
            let md = t.await.unwrap().unwrap();
            assert_eq!(md.offset, 100 + (i % 16) as i64);
            assert_eq!((md.partition, md.timestamp), (2, 7));
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_waiters_across_a_split() {
        let old = BatchCompletion::new();
        let mut tasks = Vec::new();
        for i in 0..40 {
            tasks.push(tokio::spawn(old.future(i % 10, 0)));
        }
        waiting(&[&old], 40).await;
        let (a, b) = two_pieces();
        old.redirect(&[(0, 4, &a), (4, 6, &b)]);
        waiting(&[&a, &b], 40).await;
        b.succeed(0, 40, -1);
        a.succeed(0, 0, -1);
        for (i, t) in tasks.into_iter().enumerate() {
            let i = (i % 10) as i64;
            let expect = if i < 4 { i } else { 40 + i - 4 };
            assert_eq!(t.await.unwrap().unwrap().offset, expect);
        }
    }
}
