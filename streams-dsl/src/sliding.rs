//! Sliding-window aggregations (Java's `SlidingWindows`): a window `[t - d, t]` ends at each
//! record and one `[t + 1, t + 1 + d]` starts right after it, so every distinct set of records
//! at most `d` apart is aggregated exactly once.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use streams_core::StreamsError;
use streams_core::processor::{Change, Processor, ProcessorContext, Record};
use streams_core::serde::{SharedSerde, ValueAndTimestamp};
use streams_core::state::{Stores, TimestampedWindowStore, Window, Windowed};

use crate::builder::DslError;
use crate::grouped::{AggFn, KGroupedStream};
use crate::ktable::KTable;
use crate::metrics::FinalEmitMetrics;
use crate::options::Materialized;
use crate::serdes::{Data, TimeWindowedSerde, pick};

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
}

/// A grouped stream aggregated over sliding windows.
pub struct SlidingWindowedKStream<K, V> {
    grouped: KGroupedStream<K, V>,
    windows: SlidingWindows,
}

impl<K: Data, V: Data> KGroupedStream<K, V> {
    /// Aggregates per key over sliding windows.
    pub fn windowed_by_sliding(&self, windows: SlidingWindows) -> SlidingWindowedKStream<K, V> {
        SlidingWindowedKStream {
            grouped: self.clone(),
            windows,
        }
    }
}

type Init<VA> = Arc<dyn Fn() -> VA + Send + Sync>;

/// Java's `KStreamSlidingWindowAggregate`, walking existing windows latest first.
struct SlidingAggregateProc<K, V, VA> {
    store_name: String,
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
}

type Ctx<'a, K, VA> = ProcessorContext<'a, Windowed<K>, Change<VA>>;

impl<K: Data, V: Data, VA: Data> SlidingAggregateProc<K, V, VA> {
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
            tracing::debug!(start, end, "dropping record for a closed sliding window");
            ctx.record_dropped();
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
        if self.cached {
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
        if self.cached {
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

    fn fresh(&self, ts: i64) -> Option<ValueAndTimestamp<VA>> {
        Some(ValueAndTimestamp {
            value: (self.init)(),
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
        let send_old = self.send_old.load(Ordering::Relaxed);
        self.cached = ctx.forward_timestamped_window_cache_flushes(&store, send_old)?;
        self.store = Some(store);
        Ok(())
    }

    fn process(&mut self, ctx: &mut Ctx<'_, K, VA>, r: Record<K, V>) -> Result<(), StreamsError> {
        let Some(store) = self.store.clone() else {
            return Ok(());
        };
        let ts = r.timestamp;
        let d = self.windows.difference;
        self.observed = self.observed.max(ts);
        let close = self.observed.saturating_sub(self.windows.grace);
        if ts.saturating_add(1).saturating_add(d) <= close {
            tracing::debug!(ts, close, "dropping record for expired sliding windows");
            ctx.record_dropped();
            return Ok(());
        }
        if ts < d {
            return self.process_early(ctx, &store, &r, close);
        }
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
                self.update(ctx, &store, start, Some(vt), &r, close)?;
            } else if end == ts {
                left_exists = true;
                let max_ts = vt.timestamp;
                self.update(ctx, &store, start, Some(vt), &r, close)?;
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
        // The previous record's right window, if the record falls into it and it is not this
        // record's left window (which is made below).
        if let Some(p) = previous
            && !starts.contains(&(p + 1))
            && p + 1 + d > ts
        {
            self.update(ctx, &store, p + 1, self.fresh(ts), &r, close)?;
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
            self.update(ctx, &store, ts - d, seed, &r, close)?;
        }
        // This record's right window, if later records fall into it.
        if !right_exists && let Some(agg) = right_agg.filter(|a| a.timestamp > ts) {
            self.create_right(ctx, &store, &r, agg)?;
        }
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
        let processor = b.new_name(processor_prefix);
        let parent = g.parent_for(&store, materialized.name.is_some());
        let send_old = Arc::new(AtomicBool::new(false));
        let windows = self.windows;
        {
            let (store, send_old) = (store.clone(), send_old.clone());
            b.with_topology(|t| {
                t.add_processor(
                    &processor,
                    move || SlidingAggregateProc {
                        store_name: store.clone(),
                        windows,
                        init: init.clone(),
                        agg: agg.clone(),
                        send_old: send_old.clone(),
                        store: None,
                        observed: -1,
                        cached: false,
                        metrics: FinalEmitMetrics::default(),
                        probed: false,
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
                let supplier = Stores::window_store(
                    &store,
                    materialized.kind,
                    Duration::from_millis(retention.max(0) as u64),
                    Duration::from_millis(windows.difference.max(0) as u64),
                    false,
                );
                let mut builder =
                    Stores::timestamped_window_store_builder(supplier, k.clone(), v.clone());
                if !materialized.logging {
                    builder = builder.with_logging_disabled();
                }
                if materialized.caching {
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

    /// Counts records per key and sliding window.
    pub fn count(&self) -> KTable<Windowed<K>, i64> {
        self.aggregate_with(|| 0i64, |_, _, c| c + 1, Materialized::new())
    }

    /// Folds values per key and sliding window into an aggregate from `initializer()`.
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
        let init: Init<VA> = Arc::new(initializer);
        let i2 = init.clone();
        self.aggregate_impl(
            "KSTREAM-AGGREGATE-STATE-STORE-",
            "KSTREAM-AGGREGATE-",
            materialized,
            None,
            init,
            Arc::new(move |k, v, old: Option<VA>| aggregator(k, v, old.unwrap_or_else(|| i2()))),
        )
    }
}
