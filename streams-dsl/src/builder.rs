//! [`StreamsBuilder`]: where a DSL program starts, and what turns it into a [`Topology`].

use std::cell::RefCell;
use std::rc::Rc;

use streams_core::topology::{Topology, TopologyBuilder, TopologyError};

use crate::kstream::KStream;
use crate::ktable::{GlobalKTable, KTable};
use crate::options::{Consumed, Materialized};
use crate::serdes::Data;

/// Why a DSL program could not become a topology.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DslError {
    /// An operation needs a serde (for a store or an internal topic) that was neither given, nor
    /// inherited from upstream, nor a built-in one for the type.
    #[error(
        "operation {operation} needs a {which} serde for {type_name}: give one with Grouped, \
         Materialized, Produced or Repartitioned, or use a type with a built-in serde"
    )]
    MissingSerde {
        /// The node (or store) name of the operation.
        operation: String,
        /// "key" or "value".
        which: &'static str,
        /// The Rust type needing a serde.
        type_name: &'static str,
    },
    /// A join or lookup on a table whose values cannot be read by key (a windowed table).
    #[error("operation {operation} needs to read table {table} by key, which it does not support")]
    NotReadable {
        /// The operation.
        operation: String,
        /// The table's node.
        table: String,
    },
    /// `topology.optimization` names an optimization this crate does not know (Java's are
    /// `none`, `all`, `reuse.ktable.source.topics`, `merge.repartition.topics` and
    /// `single.store.self.join`). Building without it could give a topology other than Java's
    /// (other internal topics), which Java instances of the same application could not share.
    #[error(
        "topology.optimization {optimization} is not supported (known: none, all, \
         reuse.ktable.source.topics, merge.repartition.topics, single.store.self.join)"
    )]
    UnsupportedOptimization {
        /// The optimization.
        optimization: String,
    },
    /// A `topology.optimization` rewrite met a program it cannot rewrite (where Java's
    /// `build(props)` throws too).
    #[error("topology.optimization: {reason}")]
    Optimization {
        /// What went wrong.
        reason: String,
    },
    /// The processor topology underneath is invalid.
    #[error(transparent)]
    Topology(#[from] TopologyError),
}

pub(crate) struct Inner {
    pub(crate) topology: TopologyBuilder,
    counter: u32,
    pub(crate) errors: Vec<DslError>,
    /// The stores of source tables (`table()`), with their topics, in the order added.
    pub(crate) source_table_stores: Vec<(String, String)>,
    /// What `topology.optimization` rewrites need to know.
    pub(crate) optimize: crate::optimize::Metadata,
}

/// Builds a topology with the typed DSL (Java's `StreamsBuilder`).
///
/// Every operation adds its processors (and any store or repartition topic) to the topology as it
/// is called, and generated names count up in call order exactly as Java's DSL does:
/// `KSTREAM-SOURCE-0000000000`, `KSTREAM-FILTER-0000000001`, …. Because the counter is shared,
/// **inserting an operation shifts the auto-generated names of every operation after it**, which
/// renames their stores, changelogs (`<application.id>-<store>-changelog`) and repartition topics
/// (`<application.id>-<name>-repartition`). Name stateful operations explicitly
/// ([`Materialized::as_`](crate::Materialized::as_), [`Grouped::as_`](crate::Grouped::as_),
/// [`Repartitioned::as_`](crate::Repartitioned::as_), [`KStream::named`]) before a rolling upgrade
/// changes a topology.
///
/// Repartition topics are shared where Java's default (`topology.optimization=none`) shares
/// them: all aggregations of one named grouping ([`Grouped::as_`](crate::Grouped::as_)) read one
/// topic, and unnamed stream-table joins of one key-changed stream read one topic; each
/// aggregation of an unnamed grouping gets its own topic, named after its store.
/// [`StreamsBuilder::build_with`] applies `topology.optimization` as Java's `build(props)` does,
/// which changes those names again (merged repartition topics, fewer join stores).
#[derive(Clone)]
pub struct StreamsBuilder {
    pub(crate) inner: Rc<RefCell<Inner>>,
}

impl Default for StreamsBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for StreamsBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StreamsBuilder")
    }
}

impl StreamsBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        StreamsBuilder {
            inner: Rc::new(RefCell::new(Inner {
                topology: TopologyBuilder::new(),
                counter: 0,
                errors: Vec::new(),
                source_table_stores: Vec::new(),
                optimize: crate::optimize::Metadata::default(),
            })),
        }
    }

    /// The next generated name with this prefix, e.g. `KSTREAM-MAP-0000000003`.
    pub(crate) fn new_name(&self, prefix: &str) -> String {
        let mut inner = self.inner.borrow_mut();
        let n = inner.counter;
        inner.counter += 1;
        format!("{prefix}{n:010}")
    }

    /// A processor's name, `given` or generated (Java's `NamedInternal.orElseGenerateWithPrefix`):
    /// Java draws a generated index either way, so the names generated after an operation do
    /// not depend on whether it was named.
    pub(crate) fn node_name(&self, given: Option<String>, prefix: &str) -> String {
        let generated = self.new_name(prefix);
        given.unwrap_or(generated)
    }

    /// `<given><suffix>`, or a generated name; an index is drawn either way (Java's
    /// `NamedInternal.suffixWithOrElseGet`).
    pub(crate) fn node_name_suffixed(
        &self,
        given: Option<&str>,
        suffix: &str,
        prefix: &str,
    ) -> String {
        let generated = self.new_name(prefix);
        given.map_or(generated, |g| format!("{g}{suffix}"))
    }

    /// A store's (or topic's) name, `given` or generated; Java generates, and so draws an
    /// index, only when no name is given (its `MaterializedInternal`).
    pub(crate) fn name_or(&self, given: Option<String>, prefix: &str) -> String {
        match given {
            Some(n) => n,
            None => self.new_name(prefix),
        }
    }

    pub(crate) fn with_topology<R>(&self, f: impl FnOnce(&mut TopologyBuilder) -> R) -> R {
        f(&mut self.inner.borrow_mut().topology)
    }

    pub(crate) fn error(&self, e: DslError) {
        self.inner.borrow_mut().errors.push(e);
    }

    /// Records what the optimizations need to know about an operation just added.
    pub(crate) fn optimize_metadata(&self, f: impl FnOnce(&mut crate::optimize::Metadata)) {
        f(&mut self.inner.borrow_mut().optimize);
    }

    /// A stream of the records of `topic`, read with built-in serdes for `K` and `V`.
    pub fn stream<K: Data, V: Data>(&self, topic: &str) -> KStream<K, V> {
        self.stream_with(&[topic], Consumed::new())
    }

    /// A stream of the records of several topics, read as `consumed` says.
    pub fn stream_with<K: Data, V: Data>(
        &self,
        topics: &[&str],
        consumed: Consumed<K, V>,
    ) -> KStream<K, V> {
        let name = self.node_name(consumed.name.clone(), "KSTREAM-SOURCE-");
        let (key, value) = (
            crate::serdes::pick(consumed.key.clone(), None),
            crate::serdes::pick(consumed.value.clone(), None),
        );
        let core = consumed.to_core(key.clone(), value.clone());
        self.with_topology(|t| {
            t.add_source(&name, core, topics);
        });
        KStream::new(self.clone(), name, key, value, false)
    }

    /// A stream of every topic whose whole name matches `pattern` (Java's
    /// `stream(Pattern)`), read as `consumed` says.
    pub fn stream_pattern<K: Data, V: Data>(
        &self,
        pattern: streams_core::topology::TopicPattern,
        consumed: Consumed<K, V>,
    ) -> KStream<K, V> {
        let name = self.node_name(consumed.name.clone(), "KSTREAM-SOURCE-");
        let (key, value) = (
            crate::serdes::pick(consumed.key.clone(), None),
            crate::serdes::pick(consumed.value.clone(), None),
        );
        let core = consumed.to_core(key.clone(), value.clone());
        self.with_topology(|t| {
            t.add_source(&name, core, pattern);
        });
        KStream::new(self.clone(), name, key, value, false)
    }

    /// A changelog-stream view of `topic` as a table; a null value deletes the key.
    pub fn table<K: Data, V: Data>(&self, topic: &str) -> KTable<K, V> {
        self.table_with(topic, Consumed::new(), Materialized::new())
    }

    /// [`Self::table`] with explicit serdes and store options.
    pub fn table_with<K: Data, V: Data>(
        &self,
        topic: &str,
        consumed: Consumed<K, V>,
        materialized: Materialized<K, V>,
    ) -> KTable<K, V> {
        crate::ktable::table_source(self, topic, consumed, materialized)
    }

    /// A table replicated in full on every instance, read from `topic`.
    pub fn global_table<K: Data, V: Data>(&self, topic: &str) -> GlobalKTable<K, V> {
        self.global_table_with(topic, Consumed::new(), Materialized::new())
    }

    /// [`Self::global_table`] with explicit serdes and store options.
    pub fn global_table_with<K: Data, V: Data>(
        &self,
        topic: &str,
        consumed: Consumed<K, V>,
        materialized: Materialized<K, V>,
    ) -> GlobalKTable<K, V> {
        crate::ktable::global_table_source(self, topic, consumed, materialized)
    }

    /// A global store fed from `topic` by a processor of your own (Java's
    /// `StreamsBuilder.addGlobalStore`): every instance keeps all of `topic` in `store`, which
    /// any processor can read by name. The nodes are named as Java names them: source
    /// `KSTREAM-SOURCE-<n>` and processor `KTABLE-SOURCE-<n+1>`, or `<name>-source` and `<name>`
    /// when `consumed` is named. The store logs nothing: `topic` is its changelog.
    ///
    /// ```
    /// use streams_core::processor::{Processor, ProcessorContext, Record};
    /// use streams_core::serde::Serdes;
    /// use streams_core::state::{KeyValueStore, Stores};
    /// use streams_core::StreamsError;
    /// use streams_dsl::{Consumed, StreamsBuilder};
    ///
    /// #[derive(Default)]
    /// struct Load(Option<KeyValueStore<String, String>>);
    ///
    /// impl Processor<String, String> for Load {
    ///     fn init(&mut self, ctx: &mut ProcessorContext<'_, (), ()>) -> Result<(), StreamsError> {
    ///         self.0 = Some(ctx.state_store("rates")?);
    ///         Ok(())
    ///     }
    ///     fn process(
    ///         &mut self,
    ///         _: &mut ProcessorContext<'_, (), ()>,
    ///         r: Record<String, String>,
    ///     ) -> Result<(), StreamsError> {
    ///         if let Some(s) = &self.0 {
    ///             s.put(&r.key, &r.value)?;
    ///         }
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let b = StreamsBuilder::new();
    /// b.add_global_store(
    ///     Stores::key_value_store_builder(
    ///         Stores::in_memory_key_value_store("rates"),
    ///         Serdes::string(),
    ///         Serdes::string(),
    ///     ),
    ///     "fx-rates",
    ///     Consumed::<String, String>::new(),
    ///     Load::default,
    /// );
    /// b.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_global_store<K: Data, V: Data, P, F>(
        &self,
        store: impl streams_core::state::StoreBuilder,
        topic: &str,
        consumed: Consumed<K, V>,
        supplier: F,
    ) -> &Self
    where
        F: Fn() -> P + Send + Sync + 'static,
        P: streams_core::processor::Processor<K, V, (), ()>,
    {
        let source =
            self.node_name_suffixed(consumed.name.as_deref(), "-source", "KSTREAM-SOURCE-");
        let processor = self.node_name(consumed.name.clone(), "KTABLE-SOURCE-");
        let (key, value) = (
            crate::serdes::pick(consumed.key.clone(), None),
            crate::serdes::pick(consumed.value.clone(), None),
        );
        let core = consumed.to_core(key, value);
        self.with_topology(|t| {
            t.add_global_store(store, &source, core, topic, &processor, supplier);
        });
        self
    }

    /// Adds a state store for Processor API steps ([`KStream::process`]) to use by name; it is
    /// connected to each processor that names it.
    pub fn add_state_store(&self, store: impl streams_core::state::StoreBuilder) -> &Self {
        self.with_topology(|t| {
            t.add_state_store(store, &[]);
        });
        self
    }

    /// Checks the program and returns its topology; the first recorded DSL error (e.g. a missing
    /// serde) or topology error wins.
    pub fn build(self) -> Result<Topology, DslError> {
        self.build_optimized(Optimizations::default())
    }

    /// [`StreamsBuilder::build`] with the optimizations `topology.optimization` names in
    /// `config` (`none`, `all`, or a list of the three below), as Java's
    /// `StreamsBuilder.build(props)`: the same sub-topologies, node, store and internal topic
    /// names, so instances built either way can run one application together.
    ///
    /// - `reuse.ktable.source.topics` makes each source table's topic its store's changelog: the
    ///   store logs nothing of its own (no `<application.id>-<store>-changelog` topic) and is
    ///   restored from the source topic ([`Topology::changelog_topic`]).
    /// - `merge.repartition.topics` gives the aggregations and joins fed by one key-changing
    ///   operation (`select_key`, `map`, `flat_map`, `group_by`, `process`, or a `merge` of
    ///   key-changed streams) one repartition topic, named after the first of them
    ///   (`<first>-repartition`, nodes `<first>-repartition-{filter,sink,source}`), right after
    ///   the key change; stateless operations in between (`filter`, `peek`, `split`) move behind
    ///   it. As in Java, a value change in between (`map_values`, `flat_map_values`) keeps a
    ///   repartition out of the merge, and an explicit [`KStream::repartition`] is never merged.
    /// - `single.store.self.join` makes a stream-stream join of a stream with itself keep one
    ///   window store (the this side's) and join in one processor named as the join's merge
    ///   node. Java applies it to left and outer self-joins too, which then give inner-join
    ///   results; so does this.
    ///
    /// Any other value fails with [`DslError::UnsupportedOptimization`]. A program Java's
    /// `merge.repartition.topics` rewrite throws on fails with [`DslError::Optimization`]: e.g.
    /// a key-changed stream split into branches that are grouped separately, or one merged with
    /// another and grouped both merged and on its own (Java moves the split or merge behind the
    /// first merged repartition and then finds no way up from the next one).
    ///
    /// ```
    /// use streams_core::StreamsConfig;
    /// use streams_dsl::StreamsBuilder;
    ///
    /// let config = StreamsConfig::from_properties([
    ///     ("application.id", "app"),
    ///     ("topology.optimization", "reuse.ktable.source.topics"),
    /// ])?;
    /// let b = StreamsBuilder::new();
    /// let table = b.table::<String, String>("users");
    /// b.stream::<String, String>("clicks")
    ///     .join_table(&table, |click, user| format!("{click}@{user}"))
    ///     .to("out");
    /// let topology = b.build_with(&config)?;
    /// assert_eq!(
    ///     topology.changelog_topic("users-STATE-STORE-0000000000", "app").as_deref(),
    ///     Some("users")
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build_with(self, config: &streams_core::StreamsConfig) -> Result<Topology, DslError> {
        let setting = config
            .runtime_properties
            .get("topology.optimization")
            .map_or("none", String::as_str);
        let mut o = Optimizations::default();
        for name in setting.split(',').map(str::trim).filter(|o| !o.is_empty()) {
            match name {
                "none" => {}
                "all" => {
                    o = Optimizations {
                        reuse_source_topics: true,
                        merge_repartition_topics: true,
                        single_store_self_join: true,
                    }
                }
                "reuse.ktable.source.topics" => o.reuse_source_topics = true,
                "merge.repartition.topics" => o.merge_repartition_topics = true,
                "single.store.self.join" => o.single_store_self_join = true,
                other => {
                    return Err(DslError::UnsupportedOptimization {
                        optimization: other.to_owned(),
                    });
                }
            }
        }
        self.build_optimized(o)
    }

    fn build_optimized(self, o: Optimizations) -> Result<Topology, DslError> {
        let inner = Rc::try_unwrap(self.inner)
            .map(RefCell::into_inner)
            .unwrap_or_else(|rc| {
                let mut b = rc.borrow_mut();
                Inner {
                    topology: std::mem::take(&mut b.topology),
                    counter: b.counter,
                    errors: std::mem::take(&mut b.errors),
                    source_table_stores: std::mem::take(&mut b.source_table_stores),
                    optimize: std::mem::take(&mut b.optimize),
                }
            });
        if let Some(e) = inner.errors.into_iter().next() {
            return Err(e);
        }
        let mut topology = inner.topology;
        // In Java's order: source topics, repartition topics, self-joins.
        if o.reuse_source_topics {
            for (store, topic) in &inner.source_table_stores {
                topology.reuse_source_topic_as_changelog(store, topic);
            }
        }
        if o.merge_repartition_topics {
            crate::optimize::apply_merge_repartition_topics(&mut topology, &inner.optimize)?;
        }
        if o.single_store_self_join {
            crate::optimize::apply_single_store_self_join(&mut topology, &inner.optimize);
        }
        Ok(topology.build()?)
    }
}

/// Which `topology.optimization` rewrites to apply.
#[derive(Debug, Default, Clone, Copy)]
struct Optimizations {
    reuse_source_topics: bool,
    merge_repartition_topics: bool,
    single_store_self_join: bool,
}
