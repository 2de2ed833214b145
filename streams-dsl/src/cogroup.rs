//! [`CogroupedKStream`]: several grouped streams folded into one aggregate per key, each with
//! its own aggregator, sharing one store (Java's `cogroup`).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::StreamsBuilder;
use crate::grouped::{AggregateProc, KGroupedStream, SkipNulls};
use crate::kstream::add_repartition;
use crate::ktable::{KTable, add_kv_store};
use crate::options::Materialized;
use crate::processors::add_fn;
use crate::serdes::{Data, pick};
use streams_core::processor::Change;
use streams_core::serde::SharedSerde;

type Init<VA> = Arc<dyn Fn() -> VA + Send + Sync>;
/// Adds one input's aggregate processor: (builder, processor name, parent, store, init,
/// old-values flag).
type AddInput<VA> = Box<dyn Fn(&StreamsBuilder, &str, &str, &str, Init<VA>, Arc<AtomicBool>)>;
/// Gives one input's parent node for a store name, repartitioning first if its key changed.
type Parent = Box<dyn Fn(&str) -> String>;

/// Grouped streams of the same key type being aggregated together.
pub struct CogroupedKStream<K, VA> {
    b: StreamsBuilder,
    key_serde: Option<SharedSerde<K>>,
    inputs: Vec<(Parent, AddInput<VA>)>,
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
            Box::new(move |store| {
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
        let nulls = SkipNulls::new(grouped.key_serde.clone(), grouped.value_serde.clone());
        let add: AddInput<VA> = Box::new(move |b, name, parent, store, init, send_old| {
            let (store, aggregator, nulls) = (store.to_owned(), aggregator.clone(), nulls.clone());
            b.with_topology(|t| {
                t.add_processor(
                    name,
                    move || {
                        let (init, aggregator) = (init.clone(), aggregator.clone());
                        AggregateProc::<K, V, VA> {
                            store_name: store.clone(),
                            nulls: nulls.clone(),
                            agg: Arc::new(move |k, v, old: Option<VA>| {
                                aggregator(k, v, old.unwrap_or_else(|| init()))
                            }),
                            send_old: send_old.clone(),
                            store: None,
                            cached: false,
                        }
                    },
                    &[parent],
                );
            });
        });
        self.inputs.push((parent, add));
        self
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
        let init: Init<VA> = Arc::new(initializer);
        let send_old = Arc::new(AtomicBool::new(false));
        for (((_, add), name), parent) in self.inputs.iter().zip(&names).zip(&parents) {
            add(b, name, parent, &store, init.clone(), send_old.clone());
        }
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
}
