//! Sliding-window aggregations (Java's `SlidingWindows`): a window `[t - d, t]` ends at each
//! record and one `[t + 1, t + 1 + d]` starts right after it, so every distinct set of records
//! at most `d` apart is aggregated exactly once.
//!
//! Results are emitted on every update by default, or once per window when it closes with
//! [`EmitStrategy::OnWindowClose`] (Java's `emitStrategy(EmitStrategy.onWindowClose())`).

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use streams_core::StreamsError;
use streams_core::processor::{Change, Headers, Processor, ProcessorContext, Record};
use streams_core::serde::{SharedSerde, ValueAndTimestamp};
use streams_core::state::{Stores, TimestampedWindowStore, Window, Windowed};

use crate::builder::DslError;
use crate::grouped::{AggFn, KGroupedStream, SkipNulls};
use crate::ktable::KTable;
use crate::metrics::FinalEmitMetrics;
use crate::options::Materialized;
use crate::serdes::{Data, TimeWindowedSerde, pick};
use crate::windowed::EmitStrategy;

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Windows covering records at most a time difference apart, with a grace period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlidingWindows {
    difference: i64,
    grace: i64,
}

impl SlidingWindows {
    /// Windows of records at most `difference` apart, accepting records `grace` late.
    pub fn of_time_difference_and_grace(difference: Duration, grace: Duration) -> Self {
        SlidingWindows {
            difference: ms(difference),
            grace: ms(grace),
        }
    }

    /// Windows of records at most `difference` apart, with no grace period.
    pub fn of_time_difference_with_no_grace(difference: Duration) -> Self {
        Self::of_time_difference_and_grace(difference, Duration::ZERO)
    }

    /// The largest time difference between records of one window, in milliseconds.
    pub fn time_difference_ms(&self) -> i64 {
        self.difference
    }

    /// The grace period in milliseconds.
    pub fn grace_ms(&self) -> i64 {
        self.grace
    }
}

/// A grouped stream aggregated over sliding windows (Java's `SlidingWindowedKStream`).
///
/// Its tables are keyed by [`Windowed`] keys whose window is `[start, start + difference]`;
/// written with a [`TimeWindowedSerde`] of size `difference`, they read back as Java writes them.
///
/// ```
/// use std::time::Duration;
/// use streams_dsl::{EmitStrategy, SlidingWindows, StreamsBuilder};
///
/// let builder = StreamsBuilder::new();
/// builder
///     .stream::<String, String>("clicks")
///     .group_by_key()
///     .windowed_by_sliding(SlidingWindows::of_time_difference_and_grace(
///         Duration::from_secs(10),
///         Duration::from_secs(2),
///     ))
///     .emit_strategy(EmitStrategy::OnWindowClose)
///     .reduce(|a, b| format!("{a},{b}"))
///     .to_stream()
///     .map(|w, v| (format!("{}@{}", w.key, w.window.start), v))
///     .to("click-bursts");
/// let topology = builder.build()?;
/// # Ok::<(), streams_dsl::DslError>(())
/// ```
pub struct SlidingWindowedKStream<K, V> {
    grouped: KGroupedStream<K, V>,
    windows: SlidingWindows,
    emit: EmitStrategy,
}

impl<K: Data, V: Data> KGroupedStream<K, V> {
    /// Aggregates per key over sliding windows.
    pub fn windowed_by_sliding(&self, windows: SlidingWindows) -> SlidingWindowedKStream<K, V> {
        SlidingWindowedKStream {
            grouped: self.clone(),
            windows,
            emit: EmitStrategy::OnWindowUpdate,
        }
    }
}

/// A fresh window's aggregate: `None` for a reduction, whose first value is taken as is (Java's
/// reduce initializer returns null, and a null aggregate makes the window start from the record).
pub(crate) type Init<VA> = Arc<dyn Fn() -> Option<VA> + Send + Sync>;

/// Java's `KStreamSlidingWindowAggregate`, walking existing windows latest first.
pub(crate) struct SlidingAggregateProc<K, V, VA> {
    store_name: String,
    /// Java's sliding aggregation skips (and counts) a record with a null key or value.
    nulls: SkipNulls<K, V>,
    windows: SlidingWindows,
    init: Init<VA>,
    agg: AggFn<K, V, VA>,
    send_old: Arc<AtomicBool>,
    store: Option<TimestampedWindowStore<K, VA>>,
    observed: i64,
    /// Whether the store's cache forwards results when it flushes (then `process` does not).
    cached: bool,
    metrics: FinalEmitMetrics,
    /// Whether the store was asked once if it iterates backwards, as Java's processor asks it.
    probed: bool,
    /// Whether results are emitted only when their window closes (then updates are not).
    emit_final: bool,
    /// The window close time up to which final results were emitted; -1 before any.
    last_emit: i64,
}

type Ctx<'a, K, VA> = ProcessorContext<'a, Windowed<K>, Change<VA>>;

impl<K: Data, V: Data, VA: Data> SlidingAggregateProc<K, V, VA> {
    /// A processor forwarding every update (Java's `EmitStrategy.onWindowUpdate()`), as each
    /// input of a sliding-windowed cogroup is built.
    pub(crate) fn on_update(
        store_name: String,
        nulls: SkipNulls<K, V>,
        windows: SlidingWindows,
        init: Init<VA>,
        agg: AggFn<K, V, VA>,
        send_old: Arc<AtomicBool>,
    ) -> Self {
        SlidingAggregateProc {
            store_name,
            nulls,
            windows,
            init,
            agg,
            send_old,
            store: None,
            observed: -1,
            cached: false,
            metrics: FinalEmitMetrics::default(),
            probed: false,
            emit_final: false,
            last_emit: -1,
        }
    }

    /// Folds the record into the window starting at `start` (holding `current`, whose timestamp
    /// is the window's latest record) and forwards the result, unless the window closed.
    #[allow(clippy::too_many_arguments)]
    fn update(
        &self,
        ctx: &mut Ctx<'_, K, VA>,
        store: &TimestampedWindowStore<K, VA>,
        start: i64,
        current: Option<ValueAndTimestamp<VA>>,
        r: &Record<K, V>,
        close: i64,
    ) -> Result<(), StreamsError> {
        let end = start.saturating_add(self.windows.difference);
        if end < close {
            skip_expired(
                ctx,
                r.timestamp,
                close,
                self.observed,
                Window { start, end },
            );
            return Ok(());
        }
        let ts = r.timestamp;
        let (old, new_ts) = match current {
            Some(c) => (Some(c.value), ts.max(c.timestamp)),
            None => (None, ts),
        };
        let new = (self.agg)(&r.key, &r.value, old.clone());
        store.put(
            &r.key,
            Some(&ValueAndTimestamp {
                value: new.clone(),
                timestamp: new_ts,
            }),
            start,
        )?;
        if self.cached || self.emit_final {
            return Ok(());
        }
        let old = if self.send_old.load(Ordering::Relaxed) {
            old
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
        })
    }

    /// A window holding what `agg` holds, starting right after the record (its right window).
    fn create_right(
        &self,
        ctx: &mut Ctx<'_, K, VA>,
        store: &TimestampedWindowStore<K, VA>,
        r: &Record<K, V>,
        agg: ValueAndTimestamp<VA>,
    ) -> Result<(), StreamsError> {
        let start = r.timestamp + 1;
        store.put(&r.key, Some(&agg), start)?;
        if self.cached || self.emit_final {
            return Ok(());
        }
        ctx.forward(Record {
            key: Windowed {
                key: r.key.clone(),
                window: Window {
                    start,
                    end: start + self.windows.difference,
                },
            },
            value: Change {
                new: Some(agg.value),
                old: None,
            },
            timestamp: agg.timestamp,
            headers: r.headers.clone(),
        })
    }

    /// A new window's starting aggregate at `ts`; `None` for a reduction (see [`Init`]).
    fn fresh(&self, ts: i64) -> Option<ValueAndTimestamp<VA>> {
        (self.init)().map(|value| ValueAndTimestamp {
            value,
            timestamp: ts,
        })
    }

    fn process_early(
        &self,
        ctx: &mut Ctx<'_, K, VA>,
        store: &TimestampedWindowStore<K, VA>,
        r: &Record<K, V>,
        close: i64,
    ) -> Result<(), StreamsError> {
        let ts = r.timestamp;
        let mut combined: Option<ValueAndTimestamp<VA>> = None;
        let mut right_agg: Option<ValueAndTimestamp<VA>> = None;
        let mut right_exists = false;
        let mut starts = HashSet::new();
        let mut previous: Option<i64> = None;
        for (start, vt) in store.fetch_range(&r.key, 0, ts + 1)? {
            starts.insert(start);
            if start == 0 {
                if vt.timestamp < ts {
                    previous = Some(vt.timestamp);
                }
                combined = Some(vt);
            } else if start <= ts {
                right_agg = Some(vt.clone());
                self.update(ctx, store, start, Some(vt), r, close)?;
            } else if start == ts + 1 {
                right_exists = true;
            }
        }
        if right_agg.is_none() {
            right_agg = combined.clone().filter(|c| c.timestamp > ts);
        }
        if !right_exists && let Some(agg) = right_agg.filter(|a| a.timestamp > ts) {
            self.create_right(ctx, store, r, agg)?;
        }
        if let Some(p) = previous
            && !starts.contains(&(p + 1))
        {
            self.update(ctx, store, p + 1, self.fresh(ts), r, close)?;
        }
        match combined {
            None => self.update(ctx, store, 0, self.fresh(ts), r, close),
            Some(c) => self.update(ctx, store, 0, Some(c), r, close),
        }
    }
}

impl<K: Data, V: Data, VA: Data> Processor<K, V, Windowed<K>, Change<VA>>
    for SlidingAggregateProc<K, V, VA>
{
    fn init(&mut self, ctx: &mut Ctx<'_, K, VA>) -> Result<(), StreamsError> {
        let task = ctx.task_id().to_string();
        self.metrics = FinalEmitMetrics::register(ctx.metrics(), &task, ctx.node_name());
        let store: TimestampedWindowStore<K, VA> = ctx.state_store(&self.store_name)?;
        // Emitting final results reads them from the store when windows close: Java gives its
        // forwarder no cache flush listener then (and the store has no cache).
        if !self.emit_final {
            let send_old = self.send_old.load(Ordering::Relaxed);
            self.cached = ctx.forward_timestamped_window_cache_flushes(&store, send_old)?;
        }
        self.store = Some(store);
        Ok(())
    }

    fn process(&mut self, ctx: &mut Ctx<'_, K, VA>, r: Record<K, V>) -> Result<(), StreamsError> {
        let Some(store) = self.store.clone() else {
            return Ok(());
        };
        // Unlike time and session windows, Java's sliding windows skip a null value too.
        if self.nulls.skips(ctx, &r) {
            return Ok(());
        }
        let ts = r.timestamp;
        let d = self.windows.difference;
        self.observed = self.observed.max(ts);
        let close = self.observed.saturating_sub(self.windows.grace);
        if ts.saturating_add(d) < close {
            let window = Window {
                start: ts.saturating_sub(d),
                end: ts,
            };
            skip_expired(ctx, ts, close, self.observed, window);
            return Ok(());
        }
        if ts < d {
            // Java returns here without looking for closed windows: a record this early
            // cannot have closed any.
            return self.process_early(ctx, &store, &r, close);
        }
        self.process_later(ctx, &store, &r, close)?;
        if self.emit_final {
            self.emit_closed(ctx, &store, close, &r.headers)?;
        }
        Ok(())
    }
}

/// Java's `logSkippedRecordForExpiredWindow`: a record too late for `window` is logged (at
/// WARN, as Java does) and counted in the task's `dropped-records`.
fn skip_expired<K, VA>(
    ctx: &mut Ctx<'_, K, VA>,
    timestamp: i64,
    expiration: i64,
    stream_time: i64,
    window: Window,
) {
    tracing::warn!(
        timestamp,
        window_start = window.start,
        window_end = window.end,
        expiration,
        stream_time,
        "Skipping record for expired window"
    );
    ctx.record_dropped();
}

impl<K: Data, V: Data, VA: Data> SlidingAggregateProc<K, V, VA> {
    /// A record at or after the time difference (Java's `processReverse`): walks the key's
    /// windows that can hold it, latest first, then creates the windows it is missing.
    fn process_later(
        &mut self,
        ctx: &mut Ctx<'_, K, VA>,
        store: &TimestampedWindowStore<K, VA>,
        r: &Record<K, V>,
        close: i64,
    ) -> Result<(), StreamsError> {
        let ts = r.timestamp;
        let d = self.windows.difference;
        if !self.probed {
            // Java asks the store once whether it can iterate backwards (a fetch of the key at
            // 0); ours always can, but the read shows in the store's fetch metrics, so it is
            // made too.
            store.backward_fetch_range(&r.key, 0, 0)?;
            self.probed = true;
        }
        let mut starts = HashSet::new();
        let mut left_agg: Option<ValueAndTimestamp<VA>> = None;
        let mut right_agg: Option<ValueAndTimestamp<VA>> = None;
        let (mut left_exists, mut right_exists) = (false, false);
        let mut previous: Option<i64> = None;
        for (start, vt) in store.backward_fetch_range(&r.key, (ts - 2 * d).max(0), ts + 1)? {
            starts.insert(start);
            let end = start + d;
            if start == ts + 1 {
                right_exists = true;
            } else if end > ts {
                if right_agg.is_none() {
                    right_agg = Some(vt.clone());
                }
                self.update(ctx, store, start, Some(vt), r, close)?;
            } else if end == ts {
                left_exists = true;
                let max_ts = vt.timestamp;
                self.update(ctx, store, start, Some(vt), r, close)?;
                if max_ts < ts {
                    previous = Some(max_ts);
                } else {
                    return Ok(());
                }
            } else {
                previous = Some(vt.timestamp);
                left_agg = Some(vt);
                break;
            }
        }
        // The previous record's right window, if the record falls into it. When it ends at
        // the record it is also the record's left window, and Java writes (and forwards, when
        // uncached) that window twice: once here, once below.
        if let Some(p) = previous
            && !starts.contains(&(p + 1))
            && p + 1 + d >= ts
        {
            self.update(ctx, store, p + 1, self.fresh(ts), r, close)?;
        }
        // This record's left window.
        if !left_exists {
            let seed = match (previous, left_agg) {
                (Some(p), Some(agg)) if ts - d <= p => Some(ValueAndTimestamp {
                    value: agg.value,
                    timestamp: ts,
                }),
                _ => self.fresh(ts),
            };
            self.update(ctx, store, ts - d, seed, r, close)?;
        }
        // This record's right window, if later records fall into it.
        if !right_exists && let Some(agg) = right_agg.filter(|a| a.timestamp > ts) {
            self.create_right(ctx, store, r, agg)?;
        }
        Ok(())
    }

    /// Java's `maybeForwardFinalResult` for sliding windows: once stream time minus grace
    /// (`close`) passes the last emission, forwards every window that ended before `close` and
    /// was not emitted yet (window starts from the last emission's close minus the difference
    /// up to `close` minus the difference minus one), by window start then key bytes (Java's
    /// time-ordered store), each with its aggregate's timestamp and the headers of the record
    /// whose time closed it.
    fn emit_closed(
        &mut self,
        ctx: &mut Ctx<'_, K, VA>,
        store: &TimestampedWindowStore<K, VA>,
        close: i64,
        headers: &Headers,
    ) -> Result<(), StreamsError> {
        if self.last_emit != -1 && self.last_emit >= close {
            return Ok(());
        }
        let d = self.windows.difference;
        let upper = close.saturating_sub(d).saturating_sub(1);
        if upper < 0 {
            // Nothing can have closed yet; Java records no emission and keeps its last close.
            return Ok(());
        }
        let lower = if self.last_emit == -1 {
            0
        } else {
            self.last_emit.saturating_sub(d).max(0)
        };
        // Java times emissions on the system clock, not the task's.
        let started = std::time::Instant::now();
        let mut closed = store.fetch_all(lower, upper)?;
        // Stable: entries come ordered by key bytes, so this orders by (start, key).
        closed.sort_by_key(|(w, _)| w.window.start);
        let emitted = closed.len();
        for (w, vt) in closed {
            let change = Change {
                new: Some(vt.value),
                old: None,
            };
            ctx.forward(Record::new(w, change, vt.timestamp).with_headers(headers.clone()))?;
        }
        self.metrics.record(emitted, started.elapsed());
        self.last_emit = close;
        Ok(())
    }
}

impl<K: Data, V: Data> SlidingWindowedKStream<K, V> {
    fn aggregate_impl<VA: Data>(
        &self,
        store_prefix: &str,
        processor_prefix: &str,
        materialized: Materialized<K, VA>,
        value_serde: Option<SharedSerde<VA>>,
        init: Init<VA>,
        agg: AggFn<K, V, VA>,
    ) -> KTable<Windowed<K>, VA> {
        let g = &self.grouped;
        let b = g.grouped_builder();
        let store = b.name_or(materialized.name.clone(), store_prefix);
        // Java's `Named` argument names the processor; an index is drawn either way.
        let processor = b.node_name(g.processor_name.clone(), processor_prefix);
        let parent = g.parent_for(&store, materialized.name.is_some());
        let send_old = Arc::new(AtomicBool::new(false));
        let windows = self.windows;
        let emit_final = self.emit == EmitStrategy::OnWindowClose;
        {
            let (store, send_old) = (store.clone(), send_old.clone());
            let nulls = SkipNulls::<K, V>::new(g.key_serde.clone(), g.value_serde.clone());
            b.with_topology(|t| {
                t.add_processor(
                    &processor,
                    move || SlidingAggregateProc {
                        store_name: store.clone(),
                        nulls: nulls.clone(),
                        windows,
                        init: init.clone(),
                        agg: agg.clone(),
                        send_old: send_old.clone(),
                        store: None,
                        observed: -1,
                        cached: false,
                        metrics: FinalEmitMetrics::default(),
                        probed: false,
                        emit_final,
                        last_emit: -1,
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
            .max(2 * windows.difference + windows.grace);
        match (&key, &value) {
            (Some(k), Some(v)) => {
                // Emitting final results, Java keeps the windows in its time-ordered store,
                // whose reads keep a window starting exactly `retention` before its stream
                // time; Java emits such a window when the record that closes it moves stream
                // time that far.
                let supplier = Stores::window_store(
                    &store,
                    materialized.kind,
                    Duration::from_millis(retention.max(0) as u64),
                    Duration::from_millis(windows.difference.max(0) as u64),
                    false,
                );
                let supplier = if emit_final {
                    supplier.time_ordered()
                } else {
                    supplier
                };
                let mut builder =
                    Stores::timestamped_window_store_builder(supplier, k.clone(), v.clone());
                if !materialized.logging {
                    builder = builder.with_logging_disabled();
                }
                // Java's sliding-window store caches only when results are emitted on update:
                // emitting final results turns its cache off (unlike time windows').
                if materialized.caching && !emit_final {
                    builder = builder.with_caching_enabled();
                }
                b.with_topology(|t| {
                    t.add_state_store(builder, &[&processor]);
                });
            }
            (None, _) => b.error(DslError::MissingSerde {
                operation: processor.clone(),
                which: "key",
                type_name: std::any::type_name::<K>(),
            }),
            (_, None) => b.error(DslError::MissingSerde {
                operation: processor.clone(),
                which: "value",
                type_name: std::any::type_name::<VA>(),
            }),
        }
        let windowed_key: Option<SharedSerde<Windowed<K>>> = key.map(|k| {
            Arc::new(TimeWindowedSerde::new(k, windows.difference)) as SharedSerde<Windowed<K>>
        });
        KTable::unreadable(b, processor, Some(store), windowed_key, value)
            .send_old_flag(send_old)
            .with_grace(windows.grace)
    }

    /// Chooses when results are emitted (Java's `emitStrategy`): on every update (the
    /// default), or with [`EmitStrategy::OnWindowClose`] each window's final result once, when
    /// stream time passes its end plus the grace period. Final results are read from the store,
    /// which then has no cache (as Java's); records at or before the time difference never close
    /// a window, so they trigger no emission.
    pub fn emit_strategy(mut self, emit: EmitStrategy) -> Self {
        self.emit = emit;
        self
    }

    /// Names the processor of the aggregation made next (Java's `Named` argument of `count`,
    /// `reduce` and `aggregate`); the store is named with [`Materialized`].
    pub fn named(mut self, name: &str) -> Self {
        self.grouped.processor_name = Some(name.to_owned());
        self
    }

    /// Counts records per key and sliding window.
    ///
    /// ```
    /// use std::time::Duration;
    /// use streams_dsl::{SlidingWindows, StreamsBuilder};
    ///
    /// let builder = StreamsBuilder::new();
    /// builder
    ///     .stream::<String, String>("in")
    ///     .group_by_key()
    ///     .windowed_by_sliding(SlidingWindows::of_time_difference_with_no_grace(
    ///         Duration::from_millis(10),
    ///     ))
    ///     .count()
    ///     .to_stream()
    ///     .map(|w, n| (w.key, n))
    ///     .to("counts");
    /// # builder.build()?;
    /// # Ok::<(), streams_dsl::DslError>(())
    /// ```
    pub fn count(&self) -> KTable<Windowed<K>, i64> {
        self.count_with(Materialized::new())
    }

    /// [`Self::count`] stored as `materialized` says (an `i64` serde unless given). Unlike a
    /// time-windowed count, Java's sliding one draws no extra name here, so generated names
    /// after it are the same as after [`Self::count`].
    pub fn count_with(&self, materialized: Materialized<K, i64>) -> KTable<Windowed<K>, i64> {
        self.aggregate_impl(
            "KSTREAM-AGGREGATE-STATE-STORE-",
            "KSTREAM-AGGREGATE-",
            materialized,
            None,
            Arc::new(|| Some(0i64)),
            Arc::new(|_, _, c: Option<i64>| c.unwrap_or(0) + 1),
        )
    }

    /// Combines values per key and sliding window with `reducer`: a window's first value is
    /// taken as is, each later one combined as `reducer(aggregate, value)`.
    pub fn reduce<F>(&self, reducer: F) -> KTable<Windowed<K>, V>
    where
        F: Fn(V, V) -> V + Send + Sync + 'static,
    {
        self.reduce_with(reducer, Materialized::new())
    }

    /// [`Self::reduce`] stored as `materialized` says (the grouping's value serde unless
    /// given); the store is named `KSTREAM-REDUCE-STATE-STORE-<n>` unless named.
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
            Arc::new(|| None),
            Arc::new(move |_, v: &V, old: Option<V>| match old {
                None => v.clone(),
                Some(o) => reducer(o, v.clone()),
            }),
        )
    }

    /// Folds values per key and sliding window into an aggregate starting from
    /// `initializer()`, stored with the built-in serde for `VA`.
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
        let init = Arc::new(initializer);
        let fresh = init.clone();
        self.aggregate_impl(
            "KSTREAM-AGGREGATE-STATE-STORE-",
            "KSTREAM-AGGREGATE-",
            materialized,
            None,
            Arc::new(move || Some(fresh())),
            Arc::new(move |k, v, old: Option<VA>| aggregator(k, v, old.unwrap_or_else(|| init()))),
        )
    }
}
