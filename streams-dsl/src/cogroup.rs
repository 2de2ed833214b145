//! [`CogroupedKStream`]: several grouped streams folded into one aggregate per key, each with
//! its own aggregator, sharing one store (Java's `cogroup`), per key or per key and window
//! ([`TimeWindowedCogroupedKStream`], [`SessionWindowedCogroupedKStream`]).

use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::StreamsBuilder;
use crate::builder::DslError;
use crate::grouped::{AggFn, AggregateProc, KGroupedStream, SkipNulls};
use crate::kstream::add_repartition;
use crate::ktable::{KTable, add_kv_store};
use crate::options::Materialized;
use crate::processors::add_fn;
use crate::serdes::{Data, SessionWindowedSerde, TimeWindowedSerde, pick};
use crate::sliding::{SlidingAggregateProc, SlidingWindows};
use crate::windowed::{
    FoldFn, MergeFn, SessionAggregateProc, SessionInit, SessionWindows, TimeWindows,
    WindowAggregateProc,
};
use streams_core::processor::Change;
use streams_core::serde::SharedSerde;
use streams_core::state::{Stores, Windowed};

type Init<VA> = Arc<dyn Fn() -> VA + Send + Sync>;
/// Java's `Merger`: combines two sessions' aggregates (earlier session first).
type Merger<K, VA> = Arc<dyn Fn(&K, VA, VA) -> VA + Send + Sync>;

/// What every input's processor aggregates over: Java's `CogroupedStreamAggregateBuilder`
/// builds `KStreamAggregate`, `KStreamWindowAggregate`, `KStreamSlidingWindowAggregate` or
/// `KStreamSessionWindowAggregate` per input, all on the one store.
enum Windowing<K, VA> {
    None,
    Time(TimeWindows),
    Sliding(SlidingWindows),
    Session(SessionWindows, Merger<K, VA>),
}

/// What the inputs' processors share.
struct Shared<K, VA> {
    store: String,
    init: Init<VA>,
    send_old: Arc<AtomicBool>,
    windowing: Windowing<K, VA>,
}

/// Adds one input's aggregate processor: (builder, processor name, parent, what is shared).
type AddInput<K, VA> = Rc<dyn Fn(&StreamsBuilder, &str, &str, &Shared<K, VA>)>;
/// Gives one input's parent node for a store name, repartitioning first if its key changed.
type Parent = Rc<dyn Fn(&str) -> String>;

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// A duration from milliseconds that are never negative here (clamped, not trusted).
fn millis(n: i64) -> Duration {
    Duration::from_millis(u64::try_from(n).unwrap_or(0))
}

/// Grouped streams of the same key type being aggregated together.
pub struct CogroupedKStream<K, VA> {
    b: StreamsBuilder,
    key_serde: Option<SharedSerde<K>>,
    inputs: Vec<(Parent, AddInput<K, VA>)>,
}

impl<K, VA> Clone for CogroupedKStream<K, VA> {
    fn clone(&self) -> Self {
        CogroupedKStream {
            b: self.b.clone(),
            key_serde: self.key_serde.clone(),
            inputs: self.inputs.clone(),
        }
    }
}

impl<K: Data, V: Data> KGroupedStream<K, V> {
    /// Starts a cogroup with this stream's records folded by `aggregator`.
    pub fn cogroup<VA: Data, F>(&self, aggregator: F) -> CogroupedKStream<K, VA>
    where
        F: Fn(&K, &V, VA) -> VA + Send + Sync + 'static,
    {
        CogroupedKStream {
            b: self.stream.b.clone(),
            key_serde: self.key_serde.clone(),
            inputs: Vec::new(),
        }
        .cogroup(self, aggregator)
    }
}

impl<K: Data, VA: Data> CogroupedKStream<K, VA> {
    /// Adds another grouped stream, folded by its own `aggregator`.
    pub fn cogroup<V: Data, F>(mut self, grouped: &KGroupedStream<K, V>, aggregator: F) -> Self
    where
        F: Fn(&K, &V, VA) -> VA + Send + Sync + 'static,
    {
        if self.key_serde.is_none() {
            self.key_serde = grouped.key_serde.clone();
        }
        let parent: Parent = {
            let g = grouped.clone();
            Rc::new(move |store| {
                if !g.stream.repartition_required {
                    return g.stream.node.clone();
                }
                // Java names a cogroup's repartition nodes after the topic, named or not.
                let base = g.name.clone().unwrap_or_else(|| store.to_owned());
                add_repartition(
                    &g.stream.b,
                    &g.stream.node,
                    &base,
                    true,
                    g.key_serde.clone(),
                    g.value_serde.clone(),
                )
            })
        };
        let aggregator = Arc::new(aggregator);
        let (key_serde, value_serde) = (grouped.key_serde.clone(), grouped.value_serde.clone());
        let add: AddInput<K, VA> = Rc::new(move |b, name, parent, shared| {
            let (store, send_old) = (shared.store.clone(), shared.send_old.clone());
            let fold: AggFn<K, V, VA> = {
                let (init, aggregator) = (shared.init.clone(), aggregator.clone());
                Arc::new(move |k, v, old: Option<VA>| {
                    aggregator(k, v, old.unwrap_or_else(|| init()))
                })
            };
            // Java's key-value and sliding aggregations skip a record with a null key or value;
            // its time and session window aggregations only one with a null key.
            let nulls = SkipNulls::<K, V>::new(key_serde.clone(), value_serde.clone());
            let key_nulls = SkipNulls::<K, V>::keys_only(key_serde.clone());
            b.with_topology(|t| match &shared.windowing {
                Windowing::None => {
                    t.add_processor(
                        name,
                        move || AggregateProc::<K, V, VA> {
                            store_name: store.clone(),
                            nulls: nulls.clone(),
                            agg: fold.clone(),
                            send_old: send_old.clone(),
                            store: None,
                            cached: false,
                        },
                        &[parent],
                    );
                }
                Windowing::Time(windows) => {
                    let windows = *windows;
                    t.add_processor(
                        name,
                        move || {
                            WindowAggregateProc::on_update(
                                store.clone(),
                                key_nulls.clone(),
                                windows,
                                fold.clone(),
                                send_old.clone(),
                            )
                        },
                        &[parent],
                    );
                }
                Windowing::Sliding(windows) => {
                    let windows = *windows;
                    let init = shared.init.clone();
                    t.add_processor(
                        name,
                        move || {
                            let init = init.clone();
                            SlidingAggregateProc::on_update(
                                store.clone(),
                                nulls.clone(),
                                windows,
                                Arc::new(move || Some(init())),
                                fold.clone(),
                                send_old.clone(),
                            )
                        },
                        &[parent],
                    );
                }
                Windowing::Session(windows, merger) => {
                    let windows = *windows;
                    let init = shared.init.clone();
                    let session_init: SessionInit<VA> = {
                        let init = init.clone();
                        Arc::new(move || Some(init()))
                    };
                    let merge: MergeFn<K, VA> = {
                        let merger = merger.clone();
                        Arc::new(move |k, agg: Option<VA>, session| {
                            merger(k, agg.unwrap_or_else(|| init()), session)
                        })
                    };
                    let fold: FoldFn<K, V, VA> = fold;
                    t.add_processor(
                        name,
                        move || {
                            SessionAggregateProc::on_update(
                                store.clone(),
                                key_nulls.clone(),
                                windows,
                                (session_init.clone(), fold.clone(), merge.clone()),
                                send_old.clone(),
                            )
                        },
                        &[parent],
                    );
                }
            });
        });
        self.inputs.push((parent, add));
        self
    }

    /// Aggregates per key and time window: tumbling or hopping [`TimeWindows`] (Java's
    /// `windowedBy(Windows)`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use streams_dsl::{StreamsBuilder, TimeWindows};
    ///
    /// let b = StreamsBuilder::new();
    /// let clicks = b.stream::<String, String>("clicks").group_by_key();
    /// let views = b.stream::<String, String>("views").group_by_key();
    /// clicks
    ///     .cogroup(|_, v, agg: String| agg + "c" + v)
    ///     .cogroup(&views, |_, v, agg| agg + "v" + v)
    ///     .windowed_by(TimeWindows::of_size_with_no_grace(Duration::from_secs(60)))
    ///     .aggregate(String::new)
    ///     .to_stream()
    ///     .map(|w, v| (w.key, v))
    ///     .to("activity");
    /// b.build()?;
    /// # Ok::<(), streams_dsl::DslError>(())
    /// ```
    pub fn windowed_by(&self, windows: TimeWindows) -> TimeWindowedCogroupedKStream<K, VA> {
        TimeWindowedCogroupedKStream {
            cogroup: self.clone(),
            windows: TimeLike::Fixed(windows),
        }
    }

    /// Aggregates per key over [`SlidingWindows`] (Java's `windowedBy(SlidingWindows)`, which
    /// gives a time-windowed cogroup too).
    pub fn windowed_by_sliding(
        &self,
        windows: SlidingWindows,
    ) -> TimeWindowedCogroupedKStream<K, VA> {
        TimeWindowedCogroupedKStream {
            cogroup: self.clone(),
            windows: TimeLike::Sliding(windows),
        }
    }

    /// Aggregates per key and session (Java's `windowedBy(SessionWindows)`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use streams_dsl::{SessionWindows, StreamsBuilder};
    ///
    /// let b = StreamsBuilder::new();
    /// let clicks = b.stream::<String, String>("clicks").group_by_key();
    /// let views = b.stream::<String, String>("views").group_by_key();
    /// clicks
    ///     .cogroup(|_, v, agg: String| agg + "c" + v)
    ///     .cogroup(&views, |_, v, agg| agg + "v" + v)
    ///     .windowed_by_session(SessionWindows::of_inactivity_gap_with_no_grace(
    ///         Duration::from_secs(300),
    ///     ))
    ///     .aggregate(String::new, |_, a, b| a + &b)
    ///     .to_stream()
    ///     .map(|w, v| (w.key, v.unwrap_or_default()))
    ///     .to("visits");
    /// b.build()?;
    /// # Ok::<(), streams_dsl::DslError>(())
    /// ```
    pub fn windowed_by_session(
        &self,
        windows: SessionWindows,
    ) -> SessionWindowedCogroupedKStream<K, VA> {
        SessionWindowedCogroupedKStream {
            cogroup: self.clone(),
            windows,
        }
    }

    /// The aggregate per key, starting from `initializer()`.
    pub fn aggregate<I>(&self, initializer: I) -> KTable<K, VA>
    where
        I: Fn() -> VA + Send + Sync + 'static,
    {
        self.aggregate_with(initializer, Materialized::new())
    }

    /// [`Self::aggregate`] stored as `materialized` says.
    pub fn aggregate_with<I>(
        &self,
        initializer: I,
        materialized: Materialized<K, VA>,
    ) -> KTable<K, VA>
    where
        I: Fn() -> VA + Send + Sync + 'static,
    {
        let b = &self.b;
        let (store, names, merge, send_old) =
            self.add_inputs(&materialized, Arc::new(initializer), Windowing::None);
        let key = pick(materialized.key.clone(), self.key_serde.clone());
        let value = pick(materialized.value.clone(), None);
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        if let Err(e) = add_kv_store(
            b,
            &store,
            &merge,
            &materialized,
            key.clone(),
            value.clone(),
            &refs,
        ) {
            b.error(e);
        }
        add_fn::<K, Change<VA>, K, Change<VA>>(b, &merge, &refs, Arc::new(|ctx, r| ctx.forward(r)));
        KTable::materialized(b, merge, store, key, value).send_old_flag(send_old)
    }

    /// Names the store (unless `materialized` does), repartitions the inputs whose key changed,
    /// and adds one aggregate processor per input, in Java's order of drawing names: store,
    /// repartitions, `COGROUPKSTREAM-AGGREGATE-<n>` per input, `COGROUPKSTREAM-MERGE-<n>`.
    /// Gives the store, the processors, the merge node's name and the shared old-values flag.
    fn add_inputs(
        &self,
        materialized: &Materialized<K, VA>,
        init: Init<VA>,
        windowing: Windowing<K, VA>,
    ) -> (String, Vec<String>, String, Arc<AtomicBool>) {
        let b = &self.b;
        let store = b.name_or(
            materialized.name.clone(),
            "COGROUPKSTREAM-AGGREGATE-STATE-STORE-",
        );
        let parents: Vec<String> = self.inputs.iter().map(|(p, _)| p(&store)).collect();
        let names: Vec<String> = self
            .inputs
            .iter()
            .map(|_| b.new_name("COGROUPKSTREAM-AGGREGATE-"))
            .collect();
        let merge = b.new_name("COGROUPKSTREAM-MERGE-");
        let shared = Shared {
            store: store.clone(),
            init,
            send_old: Arc::new(AtomicBool::new(false)),
            windowing,
        };
        for (((_, add), name), parent) in self.inputs.iter().zip(&names).zip(&parents) {
            add(b, name, parent, &shared);
        }
        (store, names, merge, shared.send_old)
    }

    /// Adds the pass-through merge node over the inputs' processors and gives the windowed
    /// table it produces (Java's `KTablePassThrough`), handing on `grace` to suppressions.
    fn windowed_table(
        &self,
        names: &[String],
        merge: String,
        store: String,
        key: Option<SharedSerde<Windowed<K>>>,
        value: Option<SharedSerde<VA>>,
        (send_old, grace): (Arc<AtomicBool>, i64),
    ) -> KTable<Windowed<K>, VA> {
        let b = &self.b;
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        add_fn::<Windowed<K>, Change<VA>, Windowed<K>, Change<VA>>(
            b,
            &merge,
            &refs,
            Arc::new(|ctx, r| ctx.forward(r)),
        );
        KTable::unreadable(b, merge, Some(store), key, value)
            .send_old_flag(send_old)
            .with_grace(grace)
    }
}

fn missing<T>(operation: &str, which: &'static str) -> DslError {
    DslError::MissingSerde {
        operation: operation.to_owned(),
        which,
        type_name: std::any::type_name::<T>(),
    }
}

/// Fixed (tumbling or hopping) or sliding windows: Java gives a `TimeWindowedCogroupedKStream`
/// for both.
#[derive(Clone, Copy)]
enum TimeLike {
    Fixed(TimeWindows),
    Sliding(SlidingWindows),
}

/// A cogroup aggregated per key and time window, tumbling, hopping or sliding (Java's
/// `TimeWindowedCogroupedKStream`).
pub struct TimeWindowedCogroupedKStream<K, VA> {
    cogroup: CogroupedKStream<K, VA>,
    windows: TimeLike,
}

impl<K: Data, VA: Data> TimeWindowedCogroupedKStream<K, VA> {
    /// The aggregate per key and window, each window starting from `initializer()`.
    pub fn aggregate<I>(&self, initializer: I) -> KTable<Windowed<K>, VA>
    where
        I: Fn() -> VA + Send + Sync + 'static,
    {
        self.aggregate_with(initializer, Materialized::new())
    }

    /// [`Self::aggregate`] stored as `materialized` says: its name (else
    /// `COGROUPKSTREAM-AGGREGATE-STATE-STORE-<n>`), serdes, logging, caching and retention (at
    /// least the window size, or twice the time difference of sliding windows, plus the grace
    /// period).
    pub fn aggregate_with<I>(
        &self,
        initializer: I,
        materialized: Materialized<K, VA>,
    ) -> KTable<Windowed<K>, VA>
    where
        I: Fn() -> VA + Send + Sync + 'static,
    {
        let c = &self.cogroup;
        let b = &c.b;
        let (windowing, size, grace, span) = match self.windows {
            TimeLike::Fixed(w) => (
                Windowing::Time(w),
                w.size_ms(),
                w.grace_ms(),
                w.size_ms().saturating_add(w.grace_ms()),
            ),
            TimeLike::Sliding(w) => (
                Windowing::Sliding(w),
                w.time_difference_ms(),
                w.grace_ms(),
                w.time_difference_ms()
                    .saturating_mul(2)
                    .saturating_add(w.grace_ms()),
            ),
        };
        let (store, names, merge, send_old) =
            c.add_inputs(&materialized, Arc::new(initializer), windowing);
        let key = pick(materialized.key.clone(), c.key_serde.clone());
        let value = pick(materialized.value.clone(), None);
        let retention = materialized.retention.map(ms).unwrap_or(0).max(span);
        match (&key, &value) {
            (Some(k), Some(v)) => {
                let supplier = Stores::window_store(
                    &store,
                    materialized.kind,
                    millis(retention),
                    millis(size),
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
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                b.with_topology(|t| {
                    t.add_state_store(builder, &refs);
                });
            }
            (None, _) => b.error(missing::<K>(&merge, "key")),
            (_, None) => b.error(missing::<VA>(&merge, "value")),
        }
        let windowed_key =
            key.map(|k| Arc::new(TimeWindowedSerde::new(k, size)) as SharedSerde<Windowed<K>>);
        c.windowed_table(&names, merge, store, windowed_key, value, (send_old, grace))
    }
}

/// A cogroup aggregated per key and session (Java's `SessionWindowedCogroupedKStream`).
pub struct SessionWindowedCogroupedKStream<K, VA> {
    cogroup: CogroupedKStream<K, VA>,
    windows: SessionWindows,
}

impl<K: Data, VA: Data> SessionWindowedCogroupedKStream<K, VA> {
    /// The aggregate per key and session, each session starting from `initializer()`;
    /// `merger` combines two sessions' aggregates (earlier session first) when a record
    /// bridges them.
    pub fn aggregate<I, M>(&self, initializer: I, merger: M) -> KTable<Windowed<K>, VA>
    where
        I: Fn() -> VA + Send + Sync + 'static,
        M: Fn(&K, VA, VA) -> VA + Send + Sync + 'static,
    {
        self.aggregate_with(initializer, merger, Materialized::new())
    }

    /// [`Self::aggregate`] stored as `materialized` says: its name (else
    /// `COGROUPKSTREAM-AGGREGATE-STATE-STORE-<n>`), serdes, logging, caching and retention (at
    /// least the inactivity gap plus the grace period).
    pub fn aggregate_with<I, M>(
        &self,
        initializer: I,
        merger: M,
        materialized: Materialized<K, VA>,
    ) -> KTable<Windowed<K>, VA>
    where
        I: Fn() -> VA + Send + Sync + 'static,
        M: Fn(&K, VA, VA) -> VA + Send + Sync + 'static,
    {
        let c = &self.cogroup;
        let b = &c.b;
        let w = self.windows;
        let (store, names, merge, send_old) = c.add_inputs(
            &materialized,
            Arc::new(initializer),
            Windowing::Session(w, Arc::new(merger)),
        );
        let key = pick(materialized.key.clone(), c.key_serde.clone());
        let value = pick(materialized.value.clone(), None);
        // Java closes a session once stream time passes its end by the gap plus the grace
        // period, and hands that span on to suppressions downstream.
        let span = w.inactivity_gap_ms().saturating_add(w.grace_ms());
        let retention = materialized.retention.map(ms).unwrap_or(0).max(span);
        match (&key, &value) {
            (Some(k), Some(v)) => {
                let supplier = Stores::session_store(&store, materialized.kind, millis(retention));
                let mut builder = Stores::session_store_builder(supplier, k.clone(), v.clone());
                if !materialized.logging {
                    builder = builder.with_logging_disabled();
                }
                if materialized.caching {
                    builder = builder.with_caching_enabled();
                }
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                b.with_topology(|t| {
                    t.add_state_store(builder, &refs);
                });
            }
            (None, _) => b.error(missing::<K>(&merge, "key")),
            (_, None) => b.error(missing::<VA>(&merge, "value")),
        }
        let windowed_key =
            key.map(|k| Arc::new(SessionWindowedSerde::new(k)) as SharedSerde<Windowed<K>>);
        c.windowed_table(&names, merge, store, windowed_key, value, (send_old, span))
    }
}
