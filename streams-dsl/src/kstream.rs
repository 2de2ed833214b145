//! [`KStream`]: an unbounded stream of key-value records, and its stateless operations.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use streams_core::processor::{FixedKey, FixedKeyProcessor, Processor, Record, RecordMetadata};
use streams_core::serde::SharedSerde;
use streams_core::topology::TopologyBuilder;

use crate::StreamsBuilder;
use crate::optimize::{AnySerde, Rebuild, Repartition, RepartitionNodes};
use crate::options::{Produced, Repartitioned};
use crate::processors::{FnProcessor, ProcessFn, add_fn};
use crate::serdes::{Data, pick};

/// A stream of records `K -> V` (Java's `KStream`). Cheap to clone; every operation adds a node
/// whose parent is this stream's node, so one stream can feed many operations.
pub struct KStream<K, V> {
    pub(crate) b: StreamsBuilder,
    pub(crate) node: String,
    pub(crate) key_serde: Option<SharedSerde<K>>,
    pub(crate) value_serde: Option<SharedSerde<V>>,
    /// Set by key-changing operations: the next stateful operation must repartition first.
    pub(crate) repartition_required: bool,
    pub(crate) pending_name: Option<String>,
    /// The source node of the repartition a join of this (key-changed) stream added: later
    /// unnamed joins of the same stream read it too instead of adding a topic, as in Java.
    /// Shared by clones, which are the same stream.
    pub(crate) join_repartition: Arc<Mutex<Option<String>>>,
}

impl<K, V> Clone for KStream<K, V> {
    fn clone(&self) -> Self {
        KStream {
            b: self.b.clone(),
            node: self.node.clone(),
            key_serde: self.key_serde.clone(),
            value_serde: self.value_serde.clone(),
            repartition_required: self.repartition_required,
            pending_name: self.pending_name.clone(),
            join_repartition: self.join_repartition.clone(),
        }
    }
}

impl<K, V> std::fmt::Debug for KStream<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KStream({})", self.node)
    }
}

impl<K: Data, V: Data> KStream<K, V> {
    pub(crate) fn new(
        b: StreamsBuilder,
        node: String,
        key_serde: Option<SharedSerde<K>>,
        value_serde: Option<SharedSerde<V>>,
        repartition_required: bool,
    ) -> Self {
        KStream {
            b,
            node,
            key_serde,
            value_serde,
            repartition_required,
            pending_name: None,
            join_repartition: Arc::default(),
        }
    }

    /// The name of the node producing this stream.
    pub fn node_name(&self) -> &str {
        &self.node
    }

    /// Names the node the next operation on the returned handle adds (Java's `Named.as`), instead
    /// of a generated `KSTREAM-<OP>-<n>` name.
    pub fn named(&self, name: &str) -> Self {
        let mut s = self.clone();
        s.pending_name = Some(name.to_owned());
        s
    }

    /// Sets the serdes downstream operations inherit (for stores and repartition topics).
    pub fn with_serdes(mut self, key: SharedSerde<K>, value: SharedSerde<V>) -> Self {
        self.key_serde = Some(key);
        self.value_serde = Some(value);
        self
    }

    /// The node a join reads this key-changed stream from: a repartition through
    /// `<base>-repartition` (nodes named after the topic when `named`), or, for an unnamed join,
    /// the one an earlier join of this stream added (Java's `repartitionForJoin`, which draws
    /// the names either way).
    pub(crate) fn repartition_for_join(&self, base: &str, named: bool) -> String {
        let mut cache = self
            .join_repartition
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let source = match cache.as_ref() {
            Some(source) if !named => {
                let _ = burn_repartition_names(&self.b);
                source.clone()
            }
            _ => add_repartition(
                &self.b,
                &self.node,
                base,
                named,
                self.key_serde.clone(),
                self.value_serde.clone(),
            ),
        };
        *cache = Some(source.clone());
        source
    }

    pub(crate) fn op_name(&self, prefix: &str) -> String {
        self.b.node_name(self.pending_name.clone(), prefix)
    }

    fn child<K2: Data, V2: Data>(
        &self,
        name: String,
        key: Option<SharedSerde<K2>>,
        value: Option<SharedSerde<V2>>,
        repartition_required: bool,
    ) -> KStream<K2, V2> {
        KStream::new(self.b.clone(), name, key, value, repartition_required)
    }

    /// Keeps records for which `predicate` is true.
    pub fn filter<F>(&self, predicate: F) -> KStream<K, V>
    where
        F: Fn(&K, &V) -> bool + Send + Sync + 'static,
    {
        self.filter_impl(predicate, false)
    }

    /// Drops records for which `predicate` is true.
    pub fn filter_not<F>(&self, predicate: F) -> KStream<K, V>
    where
        F: Fn(&K, &V) -> bool + Send + Sync + 'static,
    {
        self.filter_impl(predicate, true)
    }

    fn filter_impl<F>(&self, predicate: F, negate: bool) -> KStream<K, V>
    where
        F: Fn(&K, &V) -> bool + Send + Sync + 'static,
    {
        let name = self.op_name("KSTREAM-FILTER-");
        add_fn::<K, V, K, V>(
            &self.b,
            &name,
            &[&self.node],
            Arc::new(move |ctx, r| {
                if predicate(&r.key, &r.value) != negate {
                    ctx.forward(r)?;
                }
                Ok(())
            }),
        );
        self.child(
            name,
            self.key_serde.clone(),
            self.value_serde.clone(),
            self.repartition_required,
        )
    }

    /// Replaces key and value; marks the stream for repartitioning before a stateful operation.
    pub fn map<K2: Data, V2: Data, F>(&self, mapper: F) -> KStream<K2, V2>
    where
        F: Fn(K, V) -> (K2, V2) + Send + Sync + 'static,
    {
        let name = self.op_name("KSTREAM-MAP-");
        add_fn::<K, V, K2, V2>(
            &self.b,
            &name,
            &[&self.node],
            Arc::new(move |ctx, r| {
                let (k, v) = mapper(r.key, r.value);
                ctx.forward(Record {
                    key: k,
                    value: v,
                    timestamp: r.timestamp,
                    headers: r.headers,
                })
            }),
        );
        self.b
            .optimize_metadata(|m| m.key_changing.push(name.clone()));
        self.child(name, None, None, true)
    }

    /// Replaces the value, keeping the key (and so the partitioning).
    pub fn map_values<V2: Data, F>(&self, mapper: F) -> KStream<K, V2>
    where
        F: Fn(V) -> V2 + Send + Sync + 'static,
    {
        self.map_values_with_key(move |_, v| mapper(v))
    }

    /// Replaces the value, computed from key and value.
    pub fn map_values_with_key<V2: Data, F>(&self, mapper: F) -> KStream<K, V2>
    where
        F: Fn(&K, V) -> V2 + Send + Sync + 'static,
    {
        let name = self.op_name("KSTREAM-MAPVALUES-");
        add_fn::<K, V, K, V2>(
            &self.b,
            &name,
            &[&self.node],
            Arc::new(move |ctx, r| {
                let v = mapper(&r.key, r.value);
                ctx.forward(Record {
                    key: r.key,
                    value: v,
                    timestamp: r.timestamp,
                    headers: r.headers,
                })
            }),
        );
        self.b.optimize_metadata(|m| {
            m.value_changing.insert(name.clone());
        });
        self.child(
            name,
            self.key_serde.clone(),
            None,
            self.repartition_required,
        )
    }

    /// Replaces each record by zero or more records; marks the stream for repartitioning.
    pub fn flat_map<K2: Data, V2: Data, I, F>(&self, mapper: F) -> KStream<K2, V2>
    where
        I: IntoIterator<Item = (K2, V2)>,
        F: Fn(K, V) -> I + Send + Sync + 'static,
    {
        let name = self.op_name("KSTREAM-FLATMAP-");
        add_fn::<K, V, K2, V2>(
            &self.b,
            &name,
            &[&self.node],
            Arc::new(move |ctx, r| {
                for (k, v) in mapper(r.key, r.value) {
                    ctx.forward(Record {
                        key: k,
                        value: v,
                        timestamp: r.timestamp,
                        headers: r.headers.clone(),
                    })?;
                }
                Ok(())
            }),
        );
        self.b
            .optimize_metadata(|m| m.key_changing.push(name.clone()));
        self.child(name, None, None, true)
    }

    /// Replaces each value by zero or more values under the same key.
    pub fn flat_map_values<V2: Data, I, F>(&self, mapper: F) -> KStream<K, V2>
    where
        I: IntoIterator<Item = V2>,
        F: Fn(V) -> I + Send + Sync + 'static,
    {
        let name = self.op_name("KSTREAM-FLATMAPVALUES-");
        add_fn::<K, V, K, V2>(
            &self.b,
            &name,
            &[&self.node],
            Arc::new(move |ctx, r| {
                for v in mapper(r.value) {
                    ctx.forward(Record {
                        key: r.key.clone(),
                        value: v,
                        timestamp: r.timestamp,
                        headers: r.headers.clone(),
                    })?;
                }
                Ok(())
            }),
        );
        self.b.optimize_metadata(|m| {
            m.value_changing.insert(name.clone());
        });
        self.child(
            name,
            self.key_serde.clone(),
            None,
            self.repartition_required,
        )
    }

    /// Sets a new key computed from the record; marks the stream for repartitioning.
    pub fn select_key<K2: Data, F>(&self, mapper: F) -> KStream<K2, V>
    where
        F: Fn(&K, &V) -> K2 + Send + Sync + 'static,
    {
        let name = self.op_name("KSTREAM-KEY-SELECT-");
        add_key_select(&self.b, &name, &self.node, mapper);
        self.b
            .optimize_metadata(|m| m.key_changing.push(name.clone()));
        self.child(name, None, self.value_serde.clone(), true)
    }

    /// Calls `action` on each record and passes it on unchanged.
    pub fn peek<F>(&self, action: F) -> KStream<K, V>
    where
        F: Fn(&K, &V) + Send + Sync + 'static,
    {
        let name = self.op_name("KSTREAM-PEEK-");
        add_fn::<K, V, K, V>(
            &self.b,
            &name,
            &[&self.node],
            Arc::new(move |ctx, r| {
                action(&r.key, &r.value);
                ctx.forward(r)
            }),
        );
        self.child(
            name,
            self.key_serde.clone(),
            self.value_serde.clone(),
            self.repartition_required,
        )
    }

    /// Calls `action` on each record; a terminal operation.
    pub fn foreach<F>(&self, action: F)
    where
        F: Fn(&K, &V) + Send + Sync + 'static,
    {
        let name = self.op_name("KSTREAM-FOREACH-");
        add_fn::<K, V, (), ()>(
            &self.b,
            &name,
            &[&self.node],
            Arc::new(move |_, r| {
                action(&r.key, &r.value);
                Ok(())
            }),
        );
    }

    /// Both streams' records in one stream.
    pub fn merge(&self, other: &KStream<K, V>) -> KStream<K, V> {
        let name = self.op_name("KSTREAM-MERGE-");
        add_fn::<K, V, K, V>(
            &self.b,
            &name,
            &[&self.node, &other.node],
            Arc::new(|ctx, r| ctx.forward(r)),
        );
        self.b.optimize_metadata(|m| m.merges.push(name.clone()));
        // Java keeps serdes only when both sides agree; without a way to compare serdes, keep
        // them only when just one side has any.
        let key = match (&self.key_serde, &other.key_serde) {
            (Some(_), Some(_)) | (None, None) => None,
            (a, b) => a.clone().or(b.clone()),
        };
        let value = match (&self.value_serde, &other.value_serde) {
            (Some(_), Some(_)) | (None, None) => None,
            (a, b) => a.clone().or(b.clone()),
        };
        self.child(
            name,
            key,
            value,
            self.repartition_required || other.repartition_required,
        )
    }

    /// Splits the stream by predicates (Java's `split()`); branches get generated names.
    pub fn split(&self) -> BranchedKStream<K, V> {
        let name = self.op_name("KSTREAM-BRANCH-");
        BranchedKStream {
            source: self.clone(),
            splitter: name.clone(),
            prefix: name,
            branches: Vec::new(),
        }
    }

    /// Splits the stream; the splitter is named `prefix` and branches `prefix` + branch name.
    pub fn split_named(&self, prefix: &str) -> BranchedKStream<K, V> {
        // Java draws a generated name even for a named split.
        let _ = self.b.new_name("KSTREAM-BRANCH-");
        BranchedKStream {
            source: self.clone(),
            splitter: prefix.to_owned(),
            prefix: prefix.to_owned(),
            branches: Vec::new(),
        }
    }

    /// Writes the stream to `topic` with the upstream (or built-in) serdes.
    pub fn to(&self, topic: &str) {
        self.to_with(topic, Produced::new());
    }

    /// Writes the stream to `topic` as `produced` says.
    pub fn to_with(&self, topic: &str, produced: Produced<K, V>) {
        let name = self.b.node_name(
            produced.name.clone().or(self.pending_name.clone()),
            "KSTREAM-SINK-",
        );
        let core = produced.to_core(
            pick(produced.key.clone(), self.key_serde.clone()),
            pick(produced.value.clone(), self.value_serde.clone()),
        );
        self.b.with_topology(|t| {
            t.add_sink(&name, topic, core, &[&self.node]);
        });
    }

    /// Writes each record to the topic `extractor` picks for it.
    pub fn to_extractor<F>(&self, extractor: F, produced: Produced<K, V>)
    where
        F: Fn(&K, &V, Option<&RecordMetadata>) -> String + Send + Sync + 'static,
    {
        let name = self.b.node_name(
            produced.name.clone().or(self.pending_name.clone()),
            "KSTREAM-SINK-",
        );
        let core = produced.to_core(
            pick(produced.key.clone(), self.key_serde.clone()),
            pick(produced.value.clone(), self.value_serde.clone()),
        );
        self.b.with_topology(|t| {
            t.add_sink_with_extractor(&name, extractor, core, &[&self.node]);
        });
    }

    /// Runs a Processor API processor on each record (Java's `process`); it may use the named
    /// stores, which must have been added with [`StreamsBuilder::add_state_store`].
    pub fn process<K2: Data, V2: Data, P, F>(&self, supplier: F, stores: &[&str]) -> KStream<K2, V2>
    where
        F: Fn() -> P + Send + Sync + 'static,
        P: Processor<K, V, K2, V2>,
    {
        let name = self.op_name("KSTREAM-PROCESSOR-");
        self.b.with_topology(|t| {
            t.add_processor(&name, supplier, &[&self.node]);
            if !stores.is_empty() {
                t.connect_processor_and_state_stores(&name, stores);
            }
        });
        self.b
            .optimize_metadata(|m| m.key_changing.push(name.clone()));
        // A processor may change keys, so Java marks the result for repartitioning.
        self.child(name, None, None, true)
    }

    /// Runs a processor that may change values but not keys on each record (Java's
    /// `processValues`, node `KSTREAM-PROCESSVALUES-<n>`); it may use the named stores, added
    /// with [`StreamsBuilder::add_state_store`]. Keys stay as they were, so unlike
    /// [`Self::process`] no repartition follows and the key serde carries on.
    ///
    /// ```
    /// use streams_core::processor::{FixedKeyProcessor, FixedKeyProcessorContext, FixedKeyRecord};
    /// use streams_core::StreamsError;
    /// use streams_dsl::StreamsBuilder;
    ///
    /// /// Numbers each key's records.
    /// #[derive(Default)]
    /// struct Seq(std::collections::HashMap<String, u64>);
    ///
    /// impl FixedKeyProcessor<String, String, String> for Seq {
    ///     fn process(
    ///         &mut self,
    ///         ctx: &mut FixedKeyProcessorContext<'_, String, String>,
    ///         r: FixedKeyRecord<String, String>,
    ///     ) -> Result<(), StreamsError> {
    ///         let n = self.0.entry(r.key().clone()).or_default();
    ///         *n += 1;
    ///         let v = format!("{}#{n}", r.value());
    ///         ctx.forward(r.with_value(v))
    ///     }
    /// }
    ///
    /// let b = StreamsBuilder::new();
    /// b.stream::<String, String>("in")
    ///     .process_values(Seq::default, &[])
    ///     .to("out");
    /// b.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn process_values<V2: Data, P, F>(&self, supplier: F, stores: &[&str]) -> KStream<K, V2>
    where
        F: Fn() -> P + Send + Sync + 'static,
        P: FixedKeyProcessor<K, V, V2>,
    {
        let name = self.op_name("KSTREAM-PROCESSVALUES-");
        self.b.with_topology(|t| {
            t.add_processor(&name, move || FixedKey(supplier()), &[&self.node]);
            if !stores.is_empty() {
                t.connect_processor_and_state_stores(&name, stores);
            }
        });
        // Java 4.4 marks it value-changing for merge.repartition.topics only under its internal
        // `__enable.process.processValue.fix__` (off by default), so it is not recorded as one.
        self.child(
            name,
            self.key_serde.clone(),
            None,
            self.repartition_required,
        )
    }

    /// Writes the stream through a repartition topic `<application.id>-<generated>-repartition`
    /// and reads it back, so downstream tasks see records partitioned by their current key.
    pub fn repartition(&self) -> KStream<K, V> {
        self.repartition_with(Repartitioned::new())
    }

    /// [`Self::repartition`] with an explicit topic name and serdes.
    pub fn repartition_with(&self, options: Repartitioned<K, V>) -> KStream<K, V> {
        let base = self.b.name_or(options.name.clone(), "KSTREAM-REPARTITION-");
        let key = pick(options.key, self.key_serde.clone());
        let value = pick(options.value, self.value_serde.clone());
        let source = add_repartition_as(
            &self.b,
            &self.node,
            &base,
            options.name.is_some(),
            key.clone(),
            value.clone(),
            false,
        );
        self.child(source, key, value, false)
    }
}

/// Adds the key selector node `name`.
pub(crate) fn add_key_select<K: Data, V: Data, K2: Data, F>(
    b: &StreamsBuilder,
    name: &str,
    parent: &str,
    mapper: F,
) where
    F: Fn(&K, &V) -> K2 + Send + Sync + 'static,
{
    add_fn::<K, V, K2, V>(
        b,
        name,
        &[parent],
        Arc::new(move |ctx, r| {
            let k = mapper(&r.key, &r.value);
            ctx.forward(r.with_key(k))
        }),
    );
}

/// Draws the three generated names a repartition takes (sink, filter, source), which Java draws
/// even where it reuses an existing repartition.
pub(crate) fn burn_repartition_names(b: &StreamsBuilder) -> (String, String, String) {
    let sink = b.new_name("KSTREAM-SINK-");
    let filter = b.new_name("KSTREAM-FILTER-");
    let source = b.new_name("KSTREAM-SOURCE-");
    (sink, filter, source)
}

/// Adds filter > sink > topic > source for a repartition through `<base>-repartition`, naming
/// the nodes `<base>-repartition-{filter,sink,source}` when `named`, else generated names (Java
/// draws three names from the counter either way). Returns the source node's name. The
/// repartition is one `merge.repartition.topics` may merge (Java's `OptimizableRepartitionNode`).
pub(crate) fn add_repartition<K: Data, V: Data>(
    b: &StreamsBuilder,
    parent: &str,
    base: &str,
    named: bool,
    key: Option<SharedSerde<K>>,
    value: Option<SharedSerde<V>>,
) -> String {
    add_repartition_as(b, parent, base, named, key, value, true)
}

/// [`add_repartition`], saying whether `merge.repartition.topics` may merge it.
fn add_repartition_as<K: Data, V: Data>(
    b: &StreamsBuilder,
    parent: &str,
    base: &str,
    named: bool,
    key: Option<SharedSerde<K>>,
    value: Option<SharedSerde<V>>,
    optimizable: bool,
) -> String {
    let topic = format!("{base}-repartition");
    let (sink, filter, source) = burn_repartition_names(b);
    let (sink, filter, source) = if named {
        (
            format!("{topic}-sink"),
            format!("{topic}-filter"),
            format!("{topic}-source"),
        )
    } else {
        (sink, filter, source)
    };
    let nodes = RepartitionNodes {
        filter,
        sink,
        source: source.clone(),
        topic,
    };
    let rebuild: Rebuild = {
        let (key, value) = (key.clone(), value.clone());
        Arc::new(move |t, nodes, parent, k, v| {
            let k = k
                .and_then(|k| k.downcast_ref::<SharedSerde<K>>().cloned())
                .or_else(|| key.clone());
            let v = v
                .and_then(|v| v.downcast_ref::<SharedSerde<V>>().cloned())
                .or_else(|| value.clone());
            write_repartition(t, nodes, parent, k, v);
        })
    };
    b.with_topology(|t| write_repartition(t, &nodes, parent, key.clone(), value.clone()));
    let key = key.map(|s| Arc::new(s) as AnySerde);
    let value = value.map(|s| Arc::new(s) as AnySerde);
    b.optimize_metadata(|m| {
        m.repartitions.push(Repartition {
            nodes,
            optimizable,
            key,
            value,
            rebuild,
        })
    });
    source
}

/// Writes a repartition's filter, sink, internal topic and source, with built-in serdes where
/// none are given.
fn write_repartition<K: Data, V: Data>(
    t: &mut TopologyBuilder,
    nodes: &RepartitionNodes,
    parent: &str,
    key: Option<SharedSerde<K>>,
    value: Option<SharedSerde<V>>,
) {
    let (key, value) = (pick(None, key), pick(None, value));
    // Java's filter drops null keys (silently: a filter counts nothing); only a nullable key
    // type has one, and its serde tells.
    let check = key.clone();
    let f: ProcessFn<K, V, K, V> = Arc::new(move |ctx, r| {
        if check.as_ref().is_some_and(|s| s.is_null(&r.key)) {
            return Ok(());
        }
        ctx.forward(r)
    });
    t.add_processor(
        &nodes.filter,
        move || FnProcessor::new(f.clone()),
        &[parent],
    );
    let produced = Produced::<K, V>::new().to_core(key.clone(), value.clone());
    let consumed = crate::options::Consumed::<K, V>::new().to_core(key, value);
    t.add_sink(&nodes.sink, &nodes.topic, produced, &[&nodes.filter]);
    t.add_internal_topic(&nodes.topic);
    t.add_source(&nodes.source, consumed, nodes.topic.as_str());
}

/// How one branch of a split is named.
#[derive(Debug, Clone, Default)]
pub struct Branched {
    name: Option<String>,
}

impl Branched {
    /// A branch named by its position (`1`, `2`, …; the default branch `0`).
    pub fn new() -> Self {
        Branched { name: None }
    }
    /// A branch named `<prefix><name>`.
    pub fn as_(name: &str) -> Self {
        Branched {
            name: Some(name.to_owned()),
        }
    }
}

type Predicate<K, V> = Arc<dyn Fn(&K, &V) -> bool + Send + Sync>;

/// A stream being split by predicates (Java's `BranchedKStream`): each record goes to the first
/// branch whose predicate matches, or to the default branch, or nowhere.
pub struct BranchedKStream<K, V> {
    source: KStream<K, V>,
    splitter: String,
    prefix: String,
    branches: Vec<(String, Predicate<K, V>)>,
}

impl<K: Data, V: Data> BranchedKStream<K, V> {
    /// Adds a branch taking records for which `predicate` is true.
    pub fn branch<F>(mut self, predicate: F, branched: Branched) -> Self
    where
        F: Fn(&K, &V) -> bool + Send + Sync + 'static,
    {
        // Java draws a generated name per branch, used or not.
        let _ = self.source.b.new_name("KSTREAM-BRANCH-");
        let index = self.branches.len() + 1;
        let name = branched.name.unwrap_or_else(|| index.to_string());
        self.branches
            .push((format!("{}{}", self.prefix, name), Arc::new(predicate)));
        self
    }

    /// Adds the branch for records no predicate matched and returns the branches by name.
    pub fn default_branch(mut self, branched: Branched) -> BTreeMap<String, KStream<K, V>> {
        let _ = self.source.b.new_name("KSTREAM-BRANCH-");
        let name = branched.name.unwrap_or_else(|| "0".to_owned());
        self.branches
            .push((format!("{}{}", self.prefix, name), Arc::new(|_, _| true)));
        self.finish()
    }

    /// Returns the branches by name; records no predicate matched are dropped.
    pub fn no_default_branch(self) -> BTreeMap<String, KStream<K, V>> {
        self.finish()
    }

    fn finish(self) -> BTreeMap<String, KStream<K, V>> {
        let b = &self.source.b;
        let branches = self.branches;
        let routes: Vec<(String, Predicate<K, V>)> = branches.clone();
        add_fn::<K, V, K, V>(
            b,
            &self.splitter,
            &[&self.source.node],
            Arc::new(move |ctx, r| {
                if let Some((child, _)) = routes.iter().find(|(_, p)| p(&r.key, &r.value)) {
                    ctx.forward_to(r, child)?;
                }
                Ok(())
            }),
        );
        let mut out = BTreeMap::new();
        for (name, _) in branches {
            add_fn::<K, V, K, V>(
                b,
                &name,
                &[&self.splitter],
                Arc::new(|ctx, r| ctx.forward(r)),
            );
            out.insert(
                name.clone(),
                KStream::new(
                    b.clone(),
                    name,
                    self.source.key_serde.clone(),
                    self.source.value_serde.clone(),
                    self.source.repartition_required,
                ),
            );
        }
        out
    }
}
