//! [`KGroupedStream`]: a stream grouped by key, and its aggregations into tables.
//!
//! A grouping after a key-changing operation (`map`, `select_key`, `flat_map`, `group_by`, …)
//! repartitions first: records go through `<application.id>-<name>-repartition`, where `<name>`
//! is the [`Grouped`] name or else the store name, so each key's records meet in one task.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use streams_core::StreamsError;
use streams_core::processor::{Change, Processor, ProcessorContext, Record};
use streams_core::serde::{SharedSerde, ValueAndTimestamp};
use streams_core::state::TimestampedKeyValueStore;

use crate::kstream::{KStream, add_key_select, add_repartition};
use crate::ktable::{KTable, add_kv_store};
use crate::options::{Grouped, Materialized};
use crate::serdes::{Data, pick};

/// Combines a record with the current aggregate (`None` before the first record of a key).
pub(crate) type AggFn<K, V, VA> = Arc<dyn Fn(&K, &V, Option<VA>) -> VA + Send + Sync>;

/// A stream grouped by key, ready to aggregate (Java's `KGroupedStream`).
pub struct KGroupedStream<K, V> {
    pub(crate) stream: KStream<K, V>,
    pub(crate) name: Option<String>,
    pub(crate) key_serde: Option<SharedSerde<K>>,
    pub(crate) value_serde: Option<SharedSerde<V>>,
    /// The source node of this grouping's repartition once an aggregation added it; reused by
    /// later aggregations only when the grouping is named (Java gives each aggregation of an
    /// unnamed grouping its own topic, named after its store). Shared by clones.
    pub(crate) repartitioned: Arc<Mutex<Option<String>>>,
    /// The next aggregation's processor name, when given ([`KGroupedStream::named`]).
    pub(crate) processor_name: Option<String>,
}

impl<K, V> Clone for KGroupedStream<K, V> {
    fn clone(&self) -> Self {
        KGroupedStream {
            stream: self.stream.clone(),
            name: self.name.clone(),
            key_serde: self.key_serde.clone(),
            value_serde: self.value_serde.clone(),
            repartitioned: self.repartitioned.clone(),
            processor_name: self.processor_name.clone(),
        }
    }
}

impl<K: Data, V: Data> KStream<K, V> {
    /// Groups by the current key; repartitions first if the key was changed upstream.
    pub fn group_by_key(&self) -> KGroupedStream<K, V> {
        self.group_by_key_with(Grouped::new())
    }

    /// [`Self::group_by_key`] with a name and serdes for the repartition topic.
    pub fn group_by_key_with(&self, grouped: Grouped<K, V>) -> KGroupedStream<K, V> {
        KGroupedStream {
            key_serde: pick(grouped.key, self.key_serde.clone()),
            value_serde: pick(grouped.value, self.value_serde.clone()),
            stream: self.clone(),
            name: grouped.name,
            repartitioned: Arc::default(),
            processor_name: None,
        }
    }

    /// Groups by a new key computed from each record; always repartitions.
    pub fn group_by<K2: Data, F>(&self, selector: F) -> KGroupedStream<K2, V>
    where
        F: Fn(&K, &V) -> K2 + Send + Sync + 'static,
    {
        self.group_by_with(selector, Grouped::new())
    }

    /// [`Self::group_by`] with a name (of the selector node and the repartition topic) and serdes.
    pub fn group_by_with<K2: Data, F>(
        &self,
        selector: F,
        grouped: Grouped<K2, V>,
    ) -> KGroupedStream<K2, V>
    where
        F: Fn(&K, &V) -> K2 + Send + Sync + 'static,
    {
        // Java draws the selector's generated name even when the grouping is named.
        let generated = self.b.new_name("KSTREAM-KEY-SELECT-");
        let name = grouped.name.clone().unwrap_or(generated);
        add_key_select(&self.b, &name, &self.node, selector);
        self.b
            .optimize_metadata(|m| m.key_changing.push(name.clone()));
        let value_serde = pick(grouped.value, self.value_serde.clone());
        let key_serde = pick(grouped.key, None);
        let stream = KStream::new(
            self.b.clone(),
            name,
            key_serde.clone(),
            value_serde.clone(),
            true,
        );
        KGroupedStream {
            stream,
            name: grouped.name,
            key_serde,
            value_serde,
            repartitioned: Arc::default(),
            processor_name: None,
        }
    }
}

/// Java's `KStreamAggregate`/`KStreamReduce`: folds each record into its key's aggregate in a
/// timestamped store and forwards the change; the result's timestamp is the largest of the
/// aggregated records'.
/// Java's stream aggregations skip, and count as dropped, a record whose key or value is null;
/// only a nullable type can hold one, and its serde says which (`Serde::is_null`).
pub(crate) struct SkipNulls<K, V> {
    key: Option<SharedSerde<K>>,
    value: Option<SharedSerde<V>>,
}

impl<K: Data, V: Data> SkipNulls<K, V> {
    /// Checks with the serdes the grouping reads with (given, else built-in).
    pub(crate) fn new(key: Option<SharedSerde<K>>, value: Option<SharedSerde<V>>) -> Self {
        SkipNulls {
            key: pick(None, key),
            value: pick(None, value),
        }
    }

    /// Tests keys only (a table source's tombstones are values, not skipped).
    pub(crate) fn keys_only(key: Option<SharedSerde<K>>) -> Self {
        SkipNulls {
            key: pick(None, key),
            value: None,
        }
    }

    /// Whether `key` is null.
    pub(crate) fn key_null(&self, key: &K) -> bool {
        self.key.as_ref().is_some_and(|s| s.is_null(key))
    }

    /// Whether `value` is null.
    pub(crate) fn value_null(&self, value: &V) -> bool {
        self.value.as_ref().is_some_and(|s| s.is_null(value))
    }

    /// Whether `r` is skipped for a null key or value; if so, logs and counts it as Java does.
    pub(crate) fn skips<KO, VO>(
        &self,
        ctx: &mut ProcessorContext<'_, KO, VO>,
        r: &Record<K, V>,
    ) -> bool {
        let (null_key, null_value) = (self.key_null(&r.key), self.value_null(&r.value));
        if null_key || null_value {
            dropped_for_nulls(ctx, null_key, null_value);
        }
        null_key || null_value
    }
}

/// Logs and counts (task `dropped-records`) a record an operator skips for a null key or value.
pub(crate) fn dropped_for_nulls<KO, VO>(
    ctx: &mut ProcessorContext<'_, KO, VO>,
    null_key: bool,
    null_value: bool,
) {
    tracing::warn!(
        null_key,
        null_value,
        "skipping record due to null key or value"
    );
    ctx.record_dropped();
}

impl<K, V> Clone for SkipNulls<K, V> {
    fn clone(&self) -> Self {
        SkipNulls {
            key: self.key.clone(),
            value: self.value.clone(),
        }
    }
}

pub(crate) struct AggregateProc<K, V, VA> {
    pub(crate) store_name: String,
    pub(crate) nulls: SkipNulls<K, V>,
    pub(crate) agg: AggFn<K, V, VA>,
    pub(crate) send_old: Arc<AtomicBool>,
    pub(crate) store: Option<TimestampedKeyValueStore<K, VA>>,
    /// Whether the store's cache forwards results when it flushes (then `process` does not).
    pub(crate) cached: bool,
}

impl<K: Data, V: Data, VA: Data> Processor<K, V, K, Change<VA>> for AggregateProc<K, V, VA> {
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
        r: Record<K, V>,
    ) -> Result<(), StreamsError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        if self.nulls.skips(ctx, &r) {
            return Ok(());
        }
        let old = store.get(&r.key)?;
        let (old_value, timestamp) = match old {
            Some(o) => (Some(o.value), r.timestamp.max(o.timestamp)),
            None => (None, r.timestamp),
        };
        let new = (self.agg)(&r.key, &r.value, old_value.clone());
        store.put(
            &r.key,
            &ValueAndTimestamp {
                value: new.clone(),
                timestamp,
            },
        )?;
        if self.cached {
            return Ok(());
        }
        let old = if self.send_old.load(Ordering::Relaxed) {
            old_value
        } else {
            None
        };
        ctx.forward(Record {
            key: r.key,
            value: Change {
                new: Some(new),
                old,
            },
            timestamp,
            headers: r.headers,
        })
    }
}

impl<K: Data, V: Data> KGroupedStream<K, V> {
    /// The node records come from, after a repartition if one is needed; `base` (the store name)
    /// names the repartition topic when the grouping is unnamed. As in Java, the repartition
    /// nodes are named after the topic when either the grouping or the store was named by the
    /// user, and get generated names otherwise.
    pub(crate) fn parent_for(&self, base: &str, store_named: bool) -> String {
        if !self.stream.repartition_required {
            return self.stream.node.clone();
        }
        let mut cache = self.repartitioned.lock().unwrap_or_else(|e| e.into_inner());
        if let (Some(_), Some(source)) = (&self.name, cache.as_ref()) {
            // Java draws the names of a repartition it then does not add.
            let _ = crate::kstream::burn_repartition_names(&self.stream.b);
            return source.clone();
        }
        let base = self.name.clone().unwrap_or_else(|| base.to_owned());
        let source = add_repartition(
            &self.stream.b,
            &self.stream.node,
            &base,
            self.name.is_some() || store_named,
            self.key_serde.clone(),
            self.value_serde.clone(),
        );
        *cache = Some(source.clone());
        source
    }

    pub(crate) fn grouped_builder(&self) -> &crate::StreamsBuilder {
        &self.stream.b
    }

    fn aggregate_impl<VA: Data>(
        &self,
        store_prefix: &str,
        processor_prefix: &str,
        materialized: Materialized<K, VA>,
        value_serde: Option<SharedSerde<VA>>,
        agg: AggFn<K, V, VA>,
    ) -> KTable<K, VA> {
        let b = &self.stream.b;
        let store = b.name_or(materialized.name.clone(), store_prefix);
        let processor = b.node_name(self.processor_name.clone(), processor_prefix);
        let parent = self.parent_for(&store, materialized.name.is_some());
        let send_old = Arc::new(AtomicBool::new(false));
        {
            let (store, agg, send_old) = (store.clone(), agg.clone(), send_old.clone());
            let nulls = SkipNulls::new(self.key_serde.clone(), self.value_serde.clone());
            b.with_topology(|t| {
                t.add_processor(
                    &processor,
                    move || AggregateProc {
                        store_name: store.clone(),
                        nulls: nulls.clone(),
                        agg: agg.clone(),
                        send_old: send_old.clone(),
                        store: None,
                        cached: false,
                    },
                    &[&parent],
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
        let table = KTable::materialized(b, processor, store, key, value);
        table.send_old_flag(send_old)
    }

    /// Names the processor of the aggregation made from the returned handle (Java's `Named`
    /// argument of `count`, `reduce` and `aggregate`); its store is named with
    /// [`Materialized`].
    pub fn named(&self, name: &str) -> Self {
        let mut g = self.clone();
        g.processor_name = Some(name.to_owned());
        g
    }

    /// Counts records per key.
    pub fn count(&self) -> KTable<K, i64> {
        self.count_impl(Materialized::new())
    }

    /// [`Self::count`] stored as `materialized` says.
    pub fn count_with(&self, materialized: Materialized<K, i64>) -> KTable<K, i64> {
        if materialized.name.is_none() {
            // Java's count(Materialized) draws a store name it then discards: an unnamed
            // count_with shifts later generated names by one compared with count().
            let _ = self
                .grouped_builder()
                .new_name("KSTREAM-AGGREGATE-STATE-STORE-");
        }
        self.count_impl(materialized)
    }

    fn count_impl(&self, materialized: Materialized<K, i64>) -> KTable<K, i64> {
        self.aggregate_impl(
            "KSTREAM-AGGREGATE-STATE-STORE-",
            "KSTREAM-AGGREGATE-",
            materialized,
            None,
            Arc::new(|_, _, c: Option<i64>| c.unwrap_or(0) + 1),
        )
    }

    /// Combines each key's values with `reducer` (the first value is taken as is).
    pub fn reduce<F>(&self, reducer: F) -> KTable<K, V>
    where
        F: Fn(V, V) -> V + Send + Sync + 'static,
    {
        self.reduce_with(reducer, Materialized::new())
    }

    /// [`Self::reduce`] stored as `materialized` says.
    pub fn reduce_with<F>(&self, reducer: F, materialized: Materialized<K, V>) -> KTable<K, V>
    where
        F: Fn(V, V) -> V + Send + Sync + 'static,
    {
        self.aggregate_impl(
            "KSTREAM-REDUCE-STATE-STORE-",
            "KSTREAM-REDUCE-",
            materialized,
            self.value_serde.clone(),
            Arc::new(move |_, v: &V, old: Option<V>| match old {
                None => v.clone(),
                Some(o) => reducer(o, v.clone()),
            }),
        )
    }

    /// Folds each key's values into an aggregate starting from `initializer()`.
    pub fn aggregate<VA: Data, I, F>(&self, initializer: I, aggregator: F) -> KTable<K, VA>
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
    ) -> KTable<K, VA>
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
