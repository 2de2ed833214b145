//! [`KGroupedTable`]: a table re-grouped by a new key, and its aggregations. Each update of the
//! source table retracts the old value from its old group (the subtractor) and adds the new value
//! to its new group (the adder), through a repartition topic carrying both.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use streams_core::StreamsError;
use streams_core::processor::{Change, Processor, ProcessorContext, Record};
use streams_core::serde::{SharedSerde, ValueAndTimestamp};
use streams_core::state::TimestampedKeyValueStore;

use crate::builder::DslError;
use crate::ktable::{KTable, add_kv_store};
use crate::options::{Consumed, Grouped, Materialized, Produced};
use crate::processors::add_fn;
use crate::serdes::{ChangeSerde, Data, pick};

/// A table grouped by a new key (Java's `KGroupedTable`).
pub struct KGroupedTable<K, V> {
    b: crate::StreamsBuilder,
    select: String,
    name: Option<String>,
    key_serde: Option<SharedSerde<K>>,
    value_serde: Option<SharedSerde<V>>,
}

impl<K: Data, V: Data> KTable<K, V> {
    /// Re-groups the table by the key and value `selector` computes (Java's `KTable.groupBy`).
    ///
    /// Keys compare with `PartialEq`: an update that stays in its group is one change (subtract
    /// then add in one step), as in Java.
    pub fn group_by<K2: Data + PartialEq, V2: Data, F>(&self, selector: F) -> KGroupedTable<K2, V2>
    where
        F: Fn(&K, &V) -> (K2, V2) + Send + Sync + 'static,
    {
        self.group_by_with(selector, Grouped::new())
    }

    /// [`Self::group_by`] with a name (of the selector and the repartition topic) and serdes.
    pub fn group_by_with<K2: Data + PartialEq, V2: Data, F>(
        &self,
        selector: F,
        grouped: Grouped<K2, V2>,
    ) -> KGroupedTable<K2, V2>
    where
        F: Fn(&K, &V) -> (K2, V2) + Send + Sync + 'static,
    {
        let generated = self.b.new_name("KTABLE-SELECT-");
        let select = grouped.name.clone().unwrap_or(generated);
        // Retracting from the old group needs the old value.
        self.enable_send_old_values();
        add_fn::<K, Change<V>, K2, Change<V2>>(
            &self.b,
            &select,
            &[&self.node],
            Arc::new(move |ctx, r| {
                let new = r.value.new.as_ref().map(|v| selector(&r.key, v));
                let old = r.value.old.as_ref().map(|v| selector(&r.key, v));
                let (ts, headers) = (r.timestamp, r.headers);
                match (new, old) {
                    (Some((nk, nv)), Some((ok, ov))) if nk == ok => ctx.forward(Record {
                        key: nk,
                        value: Change {
                            new: Some(nv),
                            old: Some(ov),
                        },
                        timestamp: ts,
                        headers,
                    }),
                    (new, old) => {
                        // The old value leaves its group first, as in Java.
                        if let Some((ok, ov)) = old {
                            ctx.forward(Record {
                                key: ok,
                                value: Change {
                                    new: None,
                                    old: Some(ov),
                                },
                                timestamp: ts,
                                headers: headers.clone(),
                            })?;
                        }
                        if let Some((nk, nv)) = new {
                            ctx.forward(Record {
                                key: nk,
                                value: Change {
                                    new: Some(nv),
                                    old: None,
                                },
                                timestamp: ts,
                                headers,
                            })?;
                        }
                        Ok(())
                    }
                }
            }),
        );
        KGroupedTable {
            b: self.b.clone(),
            select,
            name: grouped.name,
            key_serde: pick(grouped.key, None),
            value_serde: pick(grouped.value, None),
        }
    }
}

type AddFn<K, V, VA> = Arc<dyn Fn(&K, &V, Option<VA>) -> VA + Send + Sync>;
type SubFn<K, V, VA> = Arc<dyn Fn(&K, &V, VA) -> VA + Send + Sync>;

/// Java's `KTableAggregate`/`KTableReduce`: subtract the old value, add the new one.
struct TableAggregateProc<K, V, VA> {
    store_name: String,
    add: AddFn<K, V, VA>,
    sub: SubFn<K, V, VA>,
    send_old: Arc<AtomicBool>,
    store: Option<TimestampedKeyValueStore<K, VA>>,
    cached: bool,
}

impl<K: Data, V: Data, VA: Data> Processor<K, Change<V>, K, Change<VA>>
    for TableAggregateProc<K, V, VA>
{
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, Change<VA>>) -> Result<(), StreamsError> {
        let store: TimestampedKeyValueStore<K, VA> = ctx.state_store(&self.store_name)?;
        self.cached =
            ctx.forward_timestamped_cache_flushes(&store, self.send_old.load(Ordering::Relaxed))?;
        self.store = Some(store);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, Change<VA>>,
        r: Record<K, Change<V>>,
    ) -> Result<(), StreamsError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        let old = store.get(&r.key)?;
        let timestamp = old
            .as_ref()
            .map_or(r.timestamp, |o| r.timestamp.max(o.timestamp));
        let old_agg = old.map(|o| o.value);
        let intermediate = match (&r.value.old, old_agg.clone()) {
            (Some(v), Some(agg)) => Some((self.sub)(&r.key, v, agg)),
            (_, agg) => agg,
        };
        let new_agg = match &r.value.new {
            Some(v) => Some((self.add)(&r.key, v, intermediate)),
            None => intermediate,
        };
        match &new_agg {
            Some(v) => store.put(
                &r.key,
                &ValueAndTimestamp {
                    value: v.clone(),
                    timestamp,
                },
            )?,
            None => {
                store.delete(&r.key)?;
            }
        }
        if self.cached {
            return Ok(());
        }
        let old = if self.send_old.load(Ordering::Relaxed) {
            old_agg
        } else {
            None
        };
        ctx.forward(Record {
            key: r.key,
            value: Change { new: new_agg, old },
            timestamp,
            headers: r.headers,
        })
    }
}

impl<K: Data, V: Data> KGroupedTable<K, V> {
    fn aggregate_impl<VA: Data>(
        &self,
        processor_prefix: &str,
        materialized: Materialized<K, VA>,
        value_serde: Option<SharedSerde<VA>>,
        add: AddFn<K, V, VA>,
        sub: SubFn<K, V, VA>,
    ) -> KTable<K, VA> {
        let b = &self.b;
        let store = b.name_or(materialized.name.clone(), "KTABLE-AGGREGATE-STATE-STORE-");
        let sink = b.new_name("KSTREAM-SINK-");
        let source = b.new_name("KSTREAM-SOURCE-");
        let processor = b.new_name(processor_prefix);
        let topic = format!("{}-repartition", self.name.as_deref().unwrap_or(&store));
        match &self.value_serde {
            Some(v) => {
                let change: SharedSerde<Change<V>> = Arc::new(ChangeSerde::new(v.clone()));
                let produced = Produced::<K, Change<V>>::new()
                    .to_core(self.key_serde.clone(), Some(change.clone()));
                let consumed =
                    Consumed::<K, Change<V>>::new().to_core(self.key_serde.clone(), Some(change));
                b.with_topology(|t| {
                    t.add_sink(&sink, &topic, produced, &[&self.select]);
                    t.add_internal_topic(&topic);
                    t.add_source(&source, consumed, topic.as_str());
                });
            }
            None => b.error(DslError::MissingSerde {
                operation: sink.clone(),
                which: "value",
                type_name: std::any::type_name::<V>(),
            }),
        }
        let send_old = Arc::new(AtomicBool::new(false));
        {
            let (store, send_old) = (store.clone(), send_old.clone());
            b.with_topology(|t| {
                t.add_processor(
                    &processor,
                    move || TableAggregateProc {
                        store_name: store.clone(),
                        add: add.clone(),
                        sub: sub.clone(),
                        send_old: send_old.clone(),
                        store: None,
                        cached: false,
                    },
                    &[&source],
                );
            });
        }
        let key = pick(materialized.key.clone(), self.key_serde.clone());
        let value = pick(materialized.value.clone(), value_serde);
        if let Err(e) = add_kv_store(
            b,
            &store,
            &processor,
            &materialized,
            key.clone(),
            value.clone(),
            &[&processor],
        ) {
            b.error(e);
        }
        KTable::materialized(b, processor, store, key, value).send_old_flag(send_old)
    }

    /// Counts the rows per group.
    pub fn count(&self) -> KTable<K, i64> {
        self.count_with(Materialized::new())
    }

    /// [`Self::count`] stored as `materialized` says.
    pub fn count_with(&self, materialized: Materialized<K, i64>) -> KTable<K, i64> {
        self.aggregate_impl(
            "KTABLE-AGGREGATE-",
            materialized,
            None,
            Arc::new(|_, _, c: Option<i64>| c.unwrap_or(0) + 1),
            Arc::new(|_, _, c: i64| c - 1),
        )
    }

    /// Combines each group's values with `adder`, retracting replaced ones with `subtractor`.
    pub fn reduce<A, S>(&self, adder: A, subtractor: S) -> KTable<K, V>
    where
        A: Fn(V, V) -> V + Send + Sync + 'static,
        S: Fn(V, V) -> V + Send + Sync + 'static,
    {
        self.reduce_with(adder, subtractor, Materialized::new())
    }

    /// [`Self::reduce`] stored as `materialized` says.
    pub fn reduce_with<A, S>(
        &self,
        adder: A,
        subtractor: S,
        materialized: Materialized<K, V>,
    ) -> KTable<K, V>
    where
        A: Fn(V, V) -> V + Send + Sync + 'static,
        S: Fn(V, V) -> V + Send + Sync + 'static,
    {
        self.aggregate_impl(
            "KTABLE-REDUCE-",
            materialized,
            self.value_serde.clone(),
            Arc::new(move |_, v: &V, agg: Option<V>| match agg {
                None => v.clone(),
                Some(a) => adder(a, v.clone()),
            }),
            Arc::new(move |_, v: &V, agg: V| subtractor(agg, v.clone())),
        )
    }

    /// Folds each group's values into an aggregate from `initializer()`, with `adder` for new
    /// values and `subtractor` for replaced or deleted ones.
    pub fn aggregate<VA: Data, I, A, S>(
        &self,
        initializer: I,
        adder: A,
        subtractor: S,
    ) -> KTable<K, VA>
    where
        I: Fn() -> VA + Send + Sync + 'static,
        A: Fn(&K, &V, VA) -> VA + Send + Sync + 'static,
        S: Fn(&K, &V, VA) -> VA + Send + Sync + 'static,
    {
        self.aggregate_with(initializer, adder, subtractor, Materialized::new())
    }

    /// [`Self::aggregate`] stored as `materialized` says.
    pub fn aggregate_with<VA: Data, I, A, S>(
        &self,
        initializer: I,
        adder: A,
        subtractor: S,
        materialized: Materialized<K, VA>,
    ) -> KTable<K, VA>
    where
        I: Fn() -> VA + Send + Sync + 'static,
        A: Fn(&K, &V, VA) -> VA + Send + Sync + 'static,
        S: Fn(&K, &V, VA) -> VA + Send + Sync + 'static,
    {
        self.aggregate_impl(
            "KTABLE-AGGREGATE-",
            materialized,
            None,
            Arc::new(move |k, v, agg: Option<VA>| adder(k, v, agg.unwrap_or_else(&initializer))),
            Arc::new(subtractor),
        )
    }
}
