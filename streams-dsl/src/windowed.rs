//! Windowed aggregations: tumbling and hopping [`TimeWindows`], [`SlidingWindows`](crate::SlidingWindows) and
//! [`SessionWindows`], each with a grace period after which late records are dropped, and
//! [`Suppressed`] final results.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use streams_core::StreamsError;
use streams_core::processor::{Change, Processor, ProcessorContext, Record};
use streams_core::serde::{SharedSerde, ValueAndTimestamp};
use streams_core::state::{SessionStore, Stores, TimestampedWindowStore, Window, Windowed};

use crate::builder::DslError;
use crate::grouped::{AggFn, KGroupedStream, SkipNulls, dropped_for_nulls};
use crate::ktable::KTable;
use crate::metrics::FinalEmitMetrics;
use crate::options::Materialized;
use crate::serdes::{Data, SessionWindowedSerde, TimeWindowedSerde, pick};
use crate::suppress::{BufferConfig, SuppressProc};
use crate::suppress_buffer::SuppressBufferBuilder;

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Fixed-size windows, tumbling (advance = size) or hopping (advance < size), aligned to the
/// epoch (Java's `TimeWindows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindows {
    size: i64,
    advance: i64,
    grace: i64,
}

impl TimeWindows {
    /// Tumbling windows of `size` accepting records up to `grace` after a window ends.
    pub fn of_size_and_grace(size: Duration, grace: Duration) -> Self {
        let size = ms(size).max(1);
        TimeWindows {
            size,
            advance: size,
            grace: ms(grace),
        }
    }

    /// Tumbling windows of `size` that close as soon as stream time passes their end.
    pub fn of_size_with_no_grace(size: Duration) -> Self {
        Self::of_size_and_grace(size, Duration::ZERO)
    }

    /// Hopping windows starting every `advance` (clamped to `1..=size`).
    pub fn advance_by(mut self, advance: Duration) -> Self {
        self.advance = ms(advance).clamp(1, self.size);
        self
    }

    /// The window size in milliseconds.
    pub fn size_ms(&self) -> i64 {
        self.size
    }

    /// The grace period in milliseconds.
    pub fn grace_ms(&self) -> i64 {
        self.grace
    }

    /// Start times of the windows containing `timestamp`, earliest first.
    pub fn window_starts(&self, timestamp: i64) -> impl Iterator<Item = i64> + use<> {
        let first = ((timestamp - self.size + self.advance).max(0) / self.advance) * self.advance;
        let advance = self.advance;
        (0..)
            .map(move |i| first + i * advance)
            .take_while(move |s| *s <= timestamp)
    }
}

/// Sessions: runs of records of a key separated by less than an inactivity gap (Java's
/// `SessionWindows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionWindows {
    gap: i64,
    grace: i64,
}

impl SessionWindows {
    /// Sessions closed after `gap` of inactivity, accepting records up to `grace` late.
    pub fn of_inactivity_gap_and_grace(gap: Duration, grace: Duration) -> Self {
        SessionWindows {
            gap: ms(gap),
            grace: ms(grace),
        }
    }

    /// Sessions with no grace period.
    pub fn of_inactivity_gap_with_no_grace(gap: Duration) -> Self {
        Self::of_inactivity_gap_and_grace(gap, Duration::ZERO)
    }

    /// The inactivity gap in milliseconds.
    pub fn inactivity_gap_ms(&self) -> i64 {
        self.gap
    }

    /// The grace period in milliseconds.
    pub fn grace_ms(&self) -> i64 {
        self.grace
    }
}

/// When a windowed aggregation emits (Java's `EmitStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmitStrategy {
    /// Every update of every window (the default).
    #[default]
    OnWindowUpdate,
    /// Each window's final result once, when stream time passes its end plus grace.
    OnWindowClose,
}

/// A grouped stream cut into time windows (Java's `TimeWindowedKStream`).
pub struct TimeWindowedKStream<K, V> {
    grouped: KGroupedStream<K, V>,
    windows: TimeWindows,
    emit: EmitStrategy,
}

/// A grouped stream cut into sessions (Java's `SessionWindowedKStream`).
pub struct SessionWindowedKStream<K, V> {
    grouped: KGroupedStream<K, V>,
    windows: SessionWindows,
    emit: EmitStrategy,
}

impl<K: Data, V: Data> KGroupedStream<K, V> {
    /// Aggregates per key and time window.
    pub fn windowed_by(&self, windows: TimeWindows) -> TimeWindowedKStream<K, V> {
        TimeWindowedKStream {
            grouped: self.clone(),
            windows,
            emit: EmitStrategy::OnWindowUpdate,
        }
    }

    /// Aggregates per key and session.
    pub fn windowed_by_session(&self, windows: SessionWindows) -> SessionWindowedKStream<K, V> {
        SessionWindowedKStream {
            grouped: self.clone(),
            windows,
            emit: EmitStrategy::OnWindowUpdate,
        }
    }
}

fn missing<T>(operation: &str, which: &'static str) -> DslError {
    DslError::MissingSerde {
        operation: operation.to_owned(),
        which,
        type_name: std::any::type_name::<T>(),
    }
}

/// Java's `KStreamWindowAggregate`: folds a record into each window containing it that has not
/// closed (window end + grace after stream time).
pub(crate) struct WindowAggregateProc<K, V, VA> {
    store_name: String,
    /// Java's windowed aggregations skip (and count) a record with a null key.
    nulls: SkipNulls<K, V>,
    windows: TimeWindows,
    agg: AggFn<K, V, VA>,
    send_old: Arc<AtomicBool>,
    store: Option<TimestampedWindowStore<K, VA>>,
    emit_final: bool,
    /// The window close time up to which final results were emitted; -1 before any.
    last_emit: i64,
    /// The largest timestamp this processor has seen.
    observed: i64,
    /// Whether the store's cache forwards results when it flushes (then `process` does not).
    cached: bool,
    metrics: FinalEmitMetrics,
}

impl<K: Data, V: Data, VA: Data> Processor<K, V, Windowed<K>, Change<VA>>
    for WindowAggregateProc<K, V, VA>
{
    fn init(
        &mut self,
        ctx: &mut ProcessorContext<'_, Windowed<K>, Change<VA>>,
    ) -> Result<(), StreamsError> {
        let task = ctx.task_id().to_string();
        self.metrics = FinalEmitMetrics::register(ctx.metrics(), &task, ctx.node_name());
        let store: TimestampedWindowStore<K, VA> = ctx.state_store(&self.store_name)?;
        if !self.emit_final {
            let send_old = self.send_old.load(Ordering::Relaxed);
            self.cached = ctx.forward_timestamped_window_cache_flushes(&store, send_old)?;
        }
        self.store = Some(store);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, Windowed<K>, Change<VA>>,
        r: Record<K, V>,
    ) -> Result<(), StreamsError> {
        if self.nulls.key_null(&r.key) {
            dropped_for_nulls(ctx, true, false);
            return Ok(());
        }
        let ts = r.timestamp;
        // Java tracks the time this processor has seen, not the task's stream time (which other
        // inputs of the task also advance).
        self.observed = self.observed.max(ts);
        let close = self.observed.saturating_sub(self.windows.grace);
        let Some(store) = &self.store else {
            return Ok(());
        };
        for start in self.windows.window_starts(ts) {
            let end = start.saturating_add(self.windows.size);
            if end <= close {
                tracing::debug!(start, end, ts, "dropping record for a closed window");
                ctx.record_dropped();
                continue;
            }
            let old = store.fetch(&r.key, start)?;
            let (old_value, new_ts) = match old {
                Some(o) => (Some(o.value), ts.max(o.timestamp)),
                None => (None, ts),
            };
            let new = (self.agg)(&r.key, &r.value, old_value.clone());
            store.put(
                &r.key,
                Some(&ValueAndTimestamp {
                    value: new.clone(),
                    timestamp: new_ts,
                }),
                start,
            )?;
            if self.emit_final || self.cached {
                continue;
            }
            let old = if self.send_old.load(Ordering::Relaxed) {
                old_value
            } else {
                None
            };
            ctx.forward(Record {
                key: Windowed {
                    key: r.key.clone(),
                    window: Window { start, end },
                },
                value: Change {
                    new: Some(new),
                    old,
                },
                timestamp: new_ts,
                headers: r.headers.clone(),
            })?;
        }
        // After the writes, as Java does: the emission reads them (through the cache, whose
        // metrics count each entry read).
        if self.emit_final && close > self.last_emit {
            self.emit_closed(ctx, close, &r.headers)?;
        }
        Ok(())
    }
}

impl<K: Data, V: Data, VA: Data> WindowAggregateProc<K, V, VA> {
    /// A processor forwarding every update (Java's `EmitStrategy.onWindowUpdate()`), as each
    /// input of a windowed cogroup is built.
    pub(crate) fn on_update(
        store_name: String,
        nulls: SkipNulls<K, V>,
        windows: TimeWindows,
        agg: AggFn<K, V, VA>,
        send_old: Arc<AtomicBool>,
    ) -> Self {
        WindowAggregateProc {
            store_name,
            nulls,
            windows,
            agg,
            send_old,
            store: None,
            emit_final: false,
            last_emit: -1,
            observed: -1,
            cached: false,
            metrics: FinalEmitMetrics::default(),
        }
    }

    /// Emits the windows that closed since the last emission, by window start then key bytes
    /// (Java's time-ordered store), each with its aggregate's timestamp and `headers`: the
    /// record whose time closes them, as Java derives the final results from it.
    fn emit_closed(
        &mut self,
        ctx: &mut ProcessorContext<'_, Windowed<K>, Change<VA>>,
        close: i64,
        headers: &streams_core::processor::Headers,
    ) -> Result<(), StreamsError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        let size = self.windows.size;
        let lower = self.last_emit.saturating_sub(size).max(0);
        let upper = close.saturating_sub(size);
        if upper >= 0 {
            // Java times emissions on the system clock, not the task's.
            let started = std::time::Instant::now();
            let mut emitted = 0;
            let mut closed = store.fetch_all(lower, upper)?;
            // Stable: entries come ordered by key bytes, so this orders by (start, key).
            closed.sort_by_key(|(w, _)| w.window.start);
            for (w, vt) in closed {
                if w.window.end > self.last_emit && w.window.end <= close {
                    let change = Change {
                        new: Some(vt.value),
                        old: None,
                    };
                    let record = Record::new(w, change, vt.timestamp).with_headers(headers.clone());
                    ctx.forward(record)?;
                    emitted += 1;
                }
            }
            self.metrics.record(emitted, started.elapsed());
        }
        self.last_emit = close;
        Ok(())
    }
}

impl<K: Data, V: Data> TimeWindowedKStream<K, V> {
    /// Chooses when results are emitted; [`EmitStrategy::OnWindowClose`] gives each window's
    /// final result only, without a separate suppression buffer.
    pub fn emit_strategy(mut self, emit: EmitStrategy) -> Self {
        self.emit = emit;
        self
    }

    fn aggregate_impl<VA: Data>(
        &self,
        store_prefix: &str,
        processor_prefix: &str,
        materialized: Materialized<K, VA>,
        value_serde: Option<SharedSerde<VA>>,
        agg: AggFn<K, V, VA>,
    ) -> KTable<Windowed<K>, VA> {
        let g = &self.grouped;
        let b = &g.stream.b;
        let store = b.name_or(materialized.name.clone(), store_prefix);
        let processor = b.new_name(processor_prefix);
        let parent = g.parent_for(&store, materialized.name.is_some());
        let send_old = Arc::new(AtomicBool::new(false));
        let windows = self.windows;
        let emit_final = self.emit == EmitStrategy::OnWindowClose;
        {
            let (store, agg, send_old) = (store.clone(), agg.clone(), send_old.clone());
            let nulls = SkipNulls::<K, V>::keys_only(g.key_serde.clone());
            b.with_topology(|t| {
                t.add_processor(
                    &processor,
                    move || WindowAggregateProc {
                        store_name: store.clone(),
                        nulls: nulls.clone(),
                        windows,
                        agg: agg.clone(),
                        send_old: send_old.clone(),
                        store: None,
                        emit_final,
                        last_emit: -1,
                        observed: -1,
                        cached: false,
                        metrics: FinalEmitMetrics::default(),
                    },
                    &[&parent],
                );
            });
        }
        let key = pick(materialized.key.clone(), g.key_serde.clone());
        let value = pick(materialized.value.clone(), value_serde);
        let retention = materialized
            .retention
            .map(ms)
            .unwrap_or(0)
            .max(windows.size + windows.grace);
        match (&key, &value) {
            (Some(k), Some(v)) => {
                let supplier = Stores::window_store(
                    &store,
                    materialized.kind,
                    Duration::from_millis(retention as u64),
                    Duration::from_millis(windows.size as u64),
                    false,
                );
                let mut builder =
                    Stores::timestamped_window_store_builder(supplier, k.clone(), v.clone());
                if !materialized.logging {
                    builder = builder.with_logging_disabled();
                }
                // Emitting final results caches too, as Java's does: the cache forwards nothing
                // then (no flush forwarder), it only collapses writes between commits.
                if materialized.caching {
                    builder = builder.with_caching_enabled();
                }
                b.with_topology(|t| {
                    t.add_state_store(builder, &[&processor]);
                });
            }
            (None, _) => b.error(missing::<K>(&processor, "key")),
            (_, None) => b.error(missing::<VA>(&processor, "value")),
        }
        let windowed_key: Option<SharedSerde<Windowed<K>>> = key
            .map(|k| Arc::new(TimeWindowedSerde::new(k, windows.size)) as SharedSerde<Windowed<K>>);
        KTable::unreadable(b, processor, Some(store), windowed_key, value)
            .send_old_flag(send_old)
            .with_grace(windows.grace)
    }

    /// Counts records per key and window.
    pub fn count(&self) -> KTable<Windowed<K>, i64> {
        self.count_impl(Materialized::new())
    }

    /// [`Self::count`] stored as `materialized` says.
    pub fn count_with(&self, materialized: Materialized<K, i64>) -> KTable<Windowed<K>, i64> {
        if materialized.name.is_none() {
            // Java's count(Materialized) draws a store name it then discards: an unnamed
            // count_with shifts later generated names by one compared with count().
            let _ = self
                .grouped
                .grouped_builder()
                .new_name("KSTREAM-AGGREGATE-STATE-STORE-");
        }
        self.count_impl(materialized)
    }

    fn count_impl(&self, materialized: Materialized<K, i64>) -> KTable<Windowed<K>, i64> {
        self.aggregate_impl(
            "KSTREAM-AGGREGATE-STATE-STORE-",
            "KSTREAM-AGGREGATE-",
            materialized,
            None,
            Arc::new(|_, _, c: Option<i64>| c.unwrap_or(0) + 1),
        )
    }

    /// Combines values per key and window with `reducer`.
    pub fn reduce<F>(&self, reducer: F) -> KTable<Windowed<K>, V>
    where
        F: Fn(V, V) -> V + Send + Sync + 'static,
    {
        self.reduce_with(reducer, Materialized::new())
    }

    /// [`Self::reduce`] stored as `materialized` says.
    pub fn reduce_with<F>(
        &self,
        reducer: F,
        materialized: Materialized<K, V>,
    ) -> KTable<Windowed<K>, V>
    where
        F: Fn(V, V) -> V + Send + Sync + 'static,
    {
        self.aggregate_impl(
            "KSTREAM-REDUCE-STATE-STORE-",
            "KSTREAM-REDUCE-",
            materialized,
            self.grouped.value_serde.clone(),
            Arc::new(move |_, v: &V, old: Option<V>| match old {
                None => v.clone(),
                Some(o) => reducer(o, v.clone()),
            }),
        )
    }

    /// Folds values per key and window into an aggregate starting from `initializer()`.
    pub fn aggregate<VA: Data, I, F>(
        &self,
        initializer: I,
        aggregator: F,
    ) -> KTable<Windowed<K>, VA>
    where
        I: Fn() -> VA + Send + Sync + 'static,
        F: Fn(&K, &V, VA) -> VA + Send + Sync + 'static,
    {
        self.aggregate_with(initializer, aggregator, Materialized::new())
    }

    /// [`Self::aggregate`] stored as `materialized` says.
    pub fn aggregate_with<VA: Data, I, F>(
        &self,
        initializer: I,
        aggregator: F,
        materialized: Materialized<K, VA>,
    ) -> KTable<Windowed<K>, VA>
    where
        I: Fn() -> VA + Send + Sync + 'static,
        F: Fn(&K, &V, VA) -> VA + Send + Sync + 'static,
    {
        self.aggregate_impl(
            "KSTREAM-AGGREGATE-STATE-STORE-",
            "KSTREAM-AGGREGATE-",
            materialized,
            None,
            Arc::new(move |k, v, old: Option<VA>| {
                aggregator(k, v, old.unwrap_or_else(&initializer))
            }),
        )
    }
}

/// The running aggregate of a session merge: `None` before the first value of a reduce (Java's
/// reduce initializer gives null).
pub(crate) type SessionInit<VA> = Arc<dyn Fn() -> Option<VA> + Send + Sync>;
/// Folds one stored session's aggregate into the running one (Java's `Merger`, called as
/// `merger(key, running, stored)`).
pub(crate) type MergeFn<K, VA> = Arc<dyn Fn(&K, Option<VA>, VA) -> VA + Send + Sync>;
/// Folds the record's value into the running aggregate (Java's `Aggregator`).
pub(crate) type FoldFn<K, V, VA> = Arc<dyn Fn(&K, &V, Option<VA>) -> VA + Send + Sync>;

/// Java's `KStreamSessionWindowAggregate`: merges a record with the sessions of its key within
/// the gap, deleting the merged ones (forwarded as deletes at their end time) and writing the
/// merged session (forwarded at its end time); or, emitting final results, forwarding each
/// session once it closes.
pub(crate) struct SessionAggregateProc<K, V, VA> {
    store_name: String,
    /// Java's windowed aggregations skip (and count) a record with a null key.
    nulls: SkipNulls<K, V>,
    windows: SessionWindows,
    init: SessionInit<VA>,
    agg: FoldFn<K, V, VA>,
    merge: MergeFn<K, VA>,
    send_old: Arc<AtomicBool>,
    store: Option<SessionStore<K, VA>>,
    /// The largest timestamp this processor has seen.
    observed: i64,
    /// Whether the store's cache forwards results when it flushes (then `process` does not).
    cached: bool,
    /// Java's `EmitStrategy.onWindowClose()`: updates are not forwarded, closed sessions are.
    emit_final: bool,
    /// The close time up to which final results were emitted (Java's
    /// `lastEmitWindowCloseTime`); -1 before any.
    last_emit: i64,
    metrics: FinalEmitMetrics,
}

impl<K: Data, V: Data, VA: Data> Processor<K, V, Windowed<K>, Change<VA>>
    for SessionAggregateProc<K, V, VA>
{
    fn init(
        &mut self,
        ctx: &mut ProcessorContext<'_, Windowed<K>, Change<VA>>,
    ) -> Result<(), StreamsError> {
        let task = ctx.task_id().to_string();
        self.metrics = FinalEmitMetrics::register(ctx.metrics(), &task, ctx.node_name());
        let store: SessionStore<K, VA> = ctx.state_store(&self.store_name)?;
        // Emitting final results, Java forwards without a cache flush listener (and its store
        // has no cache).
        if !self.emit_final {
            let send_old = self.send_old.load(Ordering::Relaxed);
            self.cached = ctx.forward_session_cache_flushes_at_end(&store, send_old)?;
        }
        self.store = Some(store);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, Windowed<K>, Change<VA>>,
        r: Record<K, V>,
    ) -> Result<(), StreamsError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        if self.nulls.key_null(&r.key) {
            dropped_for_nulls(ctx, true, false);
            return Ok(());
        }
        let ts = r.timestamp;
        // Java tracks the time this processor has seen, not the task's stream time (which other
        // inputs of the task also advance).
        self.observed = self.observed.max(ts);
        // Java 4.4 closes a session once stream time passes its end by the gap plus the grace
        // period: until then a record could still extend it.
        let close = self
            .observed
            .saturating_sub(self.windows.grace)
            .saturating_sub(self.windows.gap);
        let found = store.find_sessions(
            &r.key,
            ts.saturating_sub(self.windows.gap),
            ts.saturating_add(self.windows.gap),
        )?;
        let mut window = Window { start: ts, end: ts };
        let mut agg = (self.init)();
        for (session, value) in &found {
            agg = Some((self.merge)(&r.key, agg, value.clone()));
            window.start = window.start.min(session.window.start);
            window.end = window.end.max(session.window.end);
        }
        if window.end < close {
            tracing::debug!(ts, "dropping record for a closed session");
            ctx.record_dropped();
        } else {
            let send_old = self.send_old.load(Ordering::Relaxed);
            // Emitting final results forwards no updates; the store changes all the same.
            let forward = !self.cached && !self.emit_final;
            // A merged session that keeps the span of one it replaces is an update of that
            // session, not a delete and an insert, when a cache is there: Java's session cache
            // collapses the two writes of the key before anything is forwarded or logged, so
            // it is forwarded once, as the update. Without a cache Java removes it (logging and
            // forwarding the delete) and writes it again.
            let mut replaced: Option<VA> = None;
            if window != (Window { start: ts, end: ts }) {
                for (session, value) in found {
                    if self.cached && session.window == window {
                        replaced = Some(value);
                        continue;
                    }
                    store.remove(&session)?;
                    if !forward {
                        continue;
                    }
                    let end = session.window.end;
                    // Java forwards a new Record here, which carries no headers (a cache flush
                    // forwards the writing record's).
                    ctx.forward(Record::new(
                        session,
                        Change {
                            new: None,
                            old: send_old.then_some(value),
                        },
                        end,
                    ))?;
                }
            }
            let agg = (self.agg)(&r.key, &r.value, agg);
            let session = Windowed {
                key: r.key.clone(),
                window,
            };
            store.put(&session, &agg)?;
            if forward {
                ctx.forward(Record::new(
                    session,
                    Change {
                        new: Some(agg),
                        old: replaced.filter(|_| send_old),
                    },
                    window.end,
                ))?;
            }
        }
        // Java checks for closed sessions after every record with a key, dropped or not.
        if self.emit_final {
            self.emit_closed(ctx, close, &r.headers)?;
        }
        Ok(())
    }
}

impl<K: Data, V: Data, VA: Data> SessionAggregateProc<K, V, VA> {
    /// A processor forwarding every update (Java's `EmitStrategy.onWindowUpdate()`), as each
    /// input of a session-windowed cogroup is built.
    pub(crate) fn on_update(
        store_name: String,
        nulls: SkipNulls<K, V>,
        windows: SessionWindows,
        fold: (SessionInit<VA>, FoldFn<K, V, VA>, MergeFn<K, VA>),
        send_old: Arc<AtomicBool>,
    ) -> Self {
        let (init, agg, merge) = fold;
        SessionAggregateProc {
            store_name,
            nulls,
            windows,
            init,
            agg,
            merge,
            send_old,
            store: None,
            observed: -1,
            cached: false,
            emit_final: false,
            last_emit: -1,
            metrics: FinalEmitMetrics::default(),
        }
    }

    /// Java's `maybeForwardFinalResult`: once the close time moves past the last emission's,
    /// forwards every session (of any key) that ended from that close time up to before this
    /// one, by end, start and key, each at its end with `headers` (the record whose time closes
    /// them). Java throttles this to its emit interval of wall-clock time (none under its test
    /// driver); here it runs on every record.
    fn emit_closed(
        &mut self,
        ctx: &mut ProcessorContext<'_, Windowed<K>, Change<VA>>,
        close: i64,
        headers: &streams_core::processor::Headers,
    ) -> Result<(), StreamsError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        if self.last_emit != -1 && self.last_emit >= close {
            return Ok(());
        }
        let upper = close.saturating_sub(1);
        let lower = self.last_emit.max(0);
        if upper < 0 || upper < lower {
            return Ok(());
        }
        // Java times emissions on the system clock, not the task's.
        let started = std::time::Instant::now();
        let closed = store.find_sessions_ending_within(lower, upper)?;
        let emitted = closed.len();
        for (session, value) in closed {
            let end = session.window.end;
            let change = Change {
                new: Some(value),
                old: None,
            };
            ctx.forward(Record::new(session, change, end).with_headers(headers.clone()))?;
        }
        self.metrics.record(emitted, started.elapsed());
        self.last_emit = close;
        Ok(())
    }
}

impl<K: Data, V: Data> SessionWindowedKStream<K, V> {
    /// Chooses when results are emitted: [`EmitStrategy::OnWindowClose`] forwards each
    /// session's final aggregate once, when stream time passes its end by the gap plus the
    /// grace period, without a separate suppression buffer (Java's
    /// `SessionWindowedKStream.emitStrategy`). Its store then has no cache, as Java's.
    ///
    /// ```
    /// use std::time::Duration;
    /// use streams_dsl::{EmitStrategy, SessionWindows, StreamsBuilder};
    ///
    /// let b = StreamsBuilder::new();
    /// b.stream::<String, String>("clicks")
    ///     .group_by_key()
    ///     .windowed_by_session(SessionWindows::of_inactivity_gap_with_no_grace(
    ///         Duration::from_secs(300),
    ///     ))
    ///     .emit_strategy(EmitStrategy::OnWindowClose)
    ///     .count()
    ///     .to_stream()
    ///     .to("sessions");
    /// b.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn emit_strategy(mut self, emit: EmitStrategy) -> Self {
        self.emit = emit;
        self
    }

    /// Counts records per key and session.
    pub fn count(&self) -> KTable<Windowed<K>, i64> {
        self.count_impl(Materialized::new())
    }

    /// [`Self::count`] stored as `materialized` says (name, serdes, logging, caching,
    /// retention).
    pub fn count_with(&self, materialized: Materialized<K, i64>) -> KTable<Windowed<K>, i64> {
        if materialized.name.is_none() {
            // Java's count(Materialized) draws a store name it then discards: an unnamed
            // count_with shifts later generated names by one compared with count().
            let _ = self
                .grouped
                .grouped_builder()
                .new_name("KSTREAM-AGGREGATE-STATE-STORE-");
        }
        self.count_impl(materialized)
    }

    fn count_impl(&self, materialized: Materialized<K, i64>) -> KTable<Windowed<K>, i64> {
        self.aggregate_impl(
            ("KSTREAM-AGGREGATE-STATE-STORE-", "KSTREAM-AGGREGATE-"),
            materialized,
            None,
            Arc::new(|| Some(0i64)),
            Arc::new(|_, _, c: Option<i64>| c.unwrap_or(0) + 1),
            Arc::new(|_, a: Option<i64>, b| a.unwrap_or(0) + b),
        )
    }

    /// Combines values per key and session with `reducer` (earlier value first); sessions a
    /// record bridges are combined with it too, earlier session first.
    ///
    /// ```
    /// use std::time::Duration;
    /// use streams_dsl::{SessionWindows, StreamsBuilder};
    ///
    /// let b = StreamsBuilder::new();
    /// b.stream::<String, String>("pages")
    ///     .group_by_key()
    ///     .windowed_by_session(SessionWindows::of_inactivity_gap_with_no_grace(
    ///         Duration::from_secs(60),
    ///     ))
    ///     .reduce(|a, c| format!("{a} > {c}"))
    ///     .to_stream()
    ///     .to("journeys");
    /// b.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reduce<F>(&self, reducer: F) -> KTable<Windowed<K>, V>
    where
        F: Fn(V, V) -> V + Send + Sync + 'static,
    {
        self.reduce_with(reducer, Materialized::new())
    }

    /// [`Self::reduce`] stored as `materialized` says.
    pub fn reduce_with<F>(
        &self,
        reducer: F,
        materialized: Materialized<K, V>,
    ) -> KTable<Windowed<K>, V>
    where
        F: Fn(V, V) -> V + Send + Sync + 'static,
    {
        let reducer = Arc::new(reducer);
        let merge_reducer = reducer.clone();
        // Java's reduce starts from null: the first value (or session) is taken as it is.
        self.aggregate_impl(
            ("KSTREAM-REDUCE-STATE-STORE-", "KSTREAM-REDUCE-"),
            materialized,
            self.grouped.value_serde.clone(),
            Arc::new(|| None),
            Arc::new(move |_, v: &V, agg: Option<V>| match agg {
                None => v.clone(),
                Some(a) => reducer(a, v.clone()),
            }),
            Arc::new(move |_, agg: Option<V>, session: V| match agg {
                None => session,
                Some(a) => merge_reducer(a, session),
            }),
        )
    }

    /// Folds values per session into an aggregate starting from `initializer()`; `merger`
    /// combines two sessions' aggregates (earlier session first) when a record bridges them.
    pub fn aggregate<VA: Data, I, F, M>(
        &self,
        initializer: I,
        aggregator: F,
        merger: M,
    ) -> KTable<Windowed<K>, VA>
    where
        I: Fn() -> VA + Send + Sync + 'static,
        F: Fn(&K, &V, VA) -> VA + Send + Sync + 'static,
        M: Fn(&K, VA, VA) -> VA + Send + Sync + 'static,
    {
        self.aggregate_with(initializer, aggregator, merger, Materialized::new())
    }

    /// [`Self::aggregate`] stored as `materialized` says.
    pub fn aggregate_with<VA: Data, I, F, M>(
        &self,
        initializer: I,
        aggregator: F,
        merger: M,
        materialized: Materialized<K, VA>,
    ) -> KTable<Windowed<K>, VA>
    where
        I: Fn() -> VA + Send + Sync + 'static,
        F: Fn(&K, &V, VA) -> VA + Send + Sync + 'static,
        M: Fn(&K, VA, VA) -> VA + Send + Sync + 'static,
    {
        let initializer = Arc::new(initializer);
        let (fold_init, merge_init) = (initializer.clone(), initializer.clone());
        self.aggregate_impl(
            ("KSTREAM-AGGREGATE-STATE-STORE-", "KSTREAM-AGGREGATE-"),
            materialized,
            None,
            Arc::new(move || Some(initializer())),
            Arc::new(move |k, v, agg: Option<VA>| {
                aggregator(k, v, agg.unwrap_or_else(|| fold_init()))
            }),
            Arc::new(move |k, agg: Option<VA>, session| {
                merger(k, agg.unwrap_or_else(|| merge_init()), session)
            }),
        )
    }

    /// Adds the session aggregation processor and its store, named with `prefixes` (store,
    /// processor) unless `materialized` names the store.
    fn aggregate_impl<VA: Data>(
        &self,
        prefixes: (&str, &str),
        materialized: Materialized<K, VA>,
        value_serde: Option<SharedSerde<VA>>,
        init: SessionInit<VA>,
        agg: FoldFn<K, V, VA>,
        merge: MergeFn<K, VA>,
    ) -> KTable<Windowed<K>, VA> {
        let g = &self.grouped;
        let b = &g.stream.b;
        let store = b.name_or(materialized.name.clone(), prefixes.0);
        let processor = b.new_name(prefixes.1);
        let parent = g.parent_for(&store, materialized.name.is_some());
        let send_old = Arc::new(AtomicBool::new(false));
        let windows = self.windows;
        let emit_final = self.emit == EmitStrategy::OnWindowClose;
        {
            let (store, send_old) = (store.clone(), send_old.clone());
            let nulls = SkipNulls::<K, V>::keys_only(g.key_serde.clone());
            b.with_topology(|t| {
                t.add_processor(
                    &processor,
                    move || SessionAggregateProc {
                        store_name: store.clone(),
                        nulls: nulls.clone(),
                        windows,
                        init: init.clone(),
                        agg: agg.clone(),
                        merge: merge.clone(),
                        send_old: send_old.clone(),
                        store: None,
                        observed: -1,
                        cached: false,
                        emit_final,
                        last_emit: -1,
                        metrics: FinalEmitMetrics::default(),
                    },
                    &[&parent],
                );
            });
        }
        let key = pick(materialized.key.clone(), g.key_serde.clone());
        let value = pick(materialized.value.clone(), value_serde);
        let retention = materialized
            .retention
            .map(ms)
            .unwrap_or(0)
            .max(windows.gap + windows.grace);
        match (&key, &value) {
            (Some(k), Some(v)) => {
                let supplier = Stores::session_store(
                    &store,
                    materialized.kind,
                    Duration::from_millis(retention as u64),
                );
                let mut builder = Stores::session_store_builder(supplier, k.clone(), v.clone());
                if !materialized.logging {
                    builder = builder.with_logging_disabled();
                }
                // Java's SessionStoreMaterializer leaves the cache out when emitting final
                // results, whatever the Materialized asks.
                if materialized.caching && !emit_final {
                    builder = builder.with_caching_enabled();
                }
                b.with_topology(|t| {
                    t.add_state_store(builder, &[&processor]);
                });
            }
            (None, _) => b.error(missing::<K>(&processor, "key")),
            (_, None) => b.error(missing::<VA>(&processor, "value")),
        }
        let windowed_key: Option<SharedSerde<Windowed<K>>> =
            key.map(|k| Arc::new(SessionWindowedSerde::new(k)) as SharedSerde<Windowed<K>>);
        KTable::unreadable(b, processor, Some(store), windowed_key, value)
            .send_old_flag(send_old)
            // What a suppression downstream waits for past a session's end: Java's session
            // aggregation hands on the gap plus the grace period.
            .with_grace(windows.gap + windows.grace)
    }
}

/// When a suppression emits (Java's `Suppressed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suppressed {
    /// Only each window's final result, once stream time passes its end plus grace.
    UntilWindowCloses,
    /// The same with a bounded buffer, which fails processing with
    /// [`crate::SuppressBufferFull`] when full: a final result cannot be emitted early.
    UntilWindowClosesBounded(BufferConfig),
}

impl Suppressed {
    /// Java's `Suppressed.untilWindowCloses(unbounded())`.
    pub fn until_window_closes() -> Self {
        Suppressed::UntilWindowCloses
    }

    /// Java's `Suppressed.untilWindowCloses(buffer.shutDownWhenFull())`: `buffer`'s bounds (e.g.
    /// [`BufferConfig::max_records`]), always shutting down when full, as Java's strict buffer
    /// configurations do.
    pub fn until_window_closes_bounded(buffer: BufferConfig) -> Self {
        Suppressed::UntilWindowClosesBounded(buffer.shut_down_when_full())
    }
}

impl<K: Data, V: Data> KTable<Windowed<K>, V> {
    /// Holds back updates per [`Suppressed`]: each window's final result is emitted once, when
    /// stream time passes the window end plus grace.
    pub fn suppress(&self, mode: Suppressed) -> KTable<Windowed<K>, V> {
        let buffer = match mode {
            Suppressed::UntilWindowCloses => BufferConfig::unbounded(),
            // Built by the constructor or by hand: either way final results never leave early.
            Suppressed::UntilWindowClosesBounded(b) => b.shut_down_when_full(),
        };
        let b = &self.b;
        let (name, store) = self.suppress_names();
        let grace = self.grace;
        // As Java's, the buffer logs each update's old value too.
        self.enable_send_old_values();
        match (self.key_serde.clone(), self.value_serde.clone()) {
            (Some(key), Some(value)) => {
                let names = (name.clone(), store.clone());
                b.with_topology(|t| {
                    t.add_processor(
                        &name,
                        move || {
                            SuppressProc::new(
                                names.clone(),
                                grace,
                                buffer,
                                |k: &Windowed<K>, _| k.window.end,
                                true,
                                (key.clone(), value.clone()),
                            )
                        },
                        &[&self.node],
                    );
                    // Rebuilt from its changelog, as Java's in-memory buffer is.
                    t.add_state_store(
                        SuppressBufferBuilder {
                            name: store.clone(),
                        },
                        &[&name],
                    );
                });
            }
            (None, _) => b.error(missing::<Windowed<K>>(&name, "key")),
            (_, None) => b.error(missing::<V>(&name, "value")),
        }
        KTable::unreadable(
            b,
            name,
            None,
            self.key_serde.clone(),
            self.value_serde.clone(),
        )
        .with_grace(grace)
    }
}
