//! Building a topology and checking it.

use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::marker::PhantomData;
use std::sync::Arc;

use crate::processor::{Processor, RecordMetadata, SharedTimestampExtractor};
use crate::serde::SharedSerde;
use crate::state::{BuiltStore, StoreBuilder, StoreContext, StoreError};
use crate::task::Node;

use super::nodes::{
    NodeEnv, ProcessorNode, RecordDeserializer, SinkNode, SourceNode, TypedDeserializer,
    resolve_serde,
};
use super::{TopicPattern, TopologyError};

/// What a source reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceTopics {
    /// These topics.
    Topics(Vec<String>),
    /// Every topic whose whole name matches.
    Pattern(TopicPattern),
}

impl SourceTopics {
    /// Whether this source reads `topic`.
    pub fn matches(&self, topic: &str) -> bool {
        match self {
            SourceTopics::Topics(t) => t.iter().any(|x| x == topic),
            SourceTopics::Pattern(p) => p.matches(topic),
        }
    }
}

impl From<&str> for SourceTopics {
    fn from(t: &str) -> Self {
        SourceTopics::Topics(vec![t.to_owned()])
    }
}

impl From<&[&str]> for SourceTopics {
    fn from(t: &[&str]) -> Self {
        SourceTopics::Topics(t.iter().map(|s| (*s).to_owned()).collect())
    }
}

impl<const N: usize> From<[&str; N]> for SourceTopics {
    fn from(t: [&str; N]) -> Self {
        SourceTopics::Topics(t.iter().map(|s| (*s).to_owned()).collect())
    }
}

impl From<TopicPattern> for SourceTopics {
    fn from(p: TopicPattern) -> Self {
        SourceTopics::Pattern(p)
    }
}

/// How a source reads: serdes (or the configured defaults) and an optional timestamp extractor.
pub struct Consumed<K, V> {
    pub(crate) key: Option<SharedSerde<K>>,
    pub(crate) value: Option<SharedSerde<V>>,
    pub(crate) extractor: Option<SharedTimestampExtractor>,
}

impl<K, V> Default for Consumed<K, V> {
    fn default() -> Self {
        Consumed {
            key: None,
            value: None,
            extractor: None,
        }
    }
}

impl<K, V> Consumed<K, V> {
    /// Reads with these serdes.
    pub fn with(key: SharedSerde<K>, value: SharedSerde<V>) -> Self {
        Consumed {
            key: Some(key),
            value: Some(value),
            extractor: None,
        }
    }
    /// Reads keys with `key`, leaving the value serde as it is.
    pub fn with_key_serde(mut self, key: SharedSerde<K>) -> Self {
        self.key = Some(key);
        self
    }
    /// Reads values with `value`, leaving the key serde as it is.
    pub fn with_value_serde(mut self, value: SharedSerde<V>) -> Self {
        self.value = Some(value);
        self
    }
    /// Uses this extractor instead of the configured default.
    pub fn with_timestamp_extractor(mut self, extractor: SharedTimestampExtractor) -> Self {
        self.extractor = Some(extractor);
        self
    }
}

/// A partitioner for a sink: the partition for a record, or `None` for the producer's default.
pub type SinkPartitioner<K, V> = Arc<dyn Fn(&str, &K, &V) -> Option<i32> + Send + Sync>;

/// How a sink writes: serdes (or the configured defaults) and an optional partitioner.
pub struct Produced<K, V> {
    pub(crate) key: Option<SharedSerde<K>>,
    pub(crate) value: Option<SharedSerde<V>>,
    pub(crate) partitioner: Option<SinkPartitioner<K, V>>,
}

impl<K, V> Default for Produced<K, V> {
    fn default() -> Self {
        Produced {
            key: None,
            value: None,
            partitioner: None,
        }
    }
}

impl<K, V> Produced<K, V> {
    /// Writes with these serdes.
    pub fn with(key: SharedSerde<K>, value: SharedSerde<V>) -> Self {
        Produced {
            key: Some(key),
            value: Some(value),
            partitioner: None,
        }
    }
    /// Writes keys with `key`, leaving the value serde as it is.
    pub fn with_key_serde(mut self, key: SharedSerde<K>) -> Self {
        self.key = Some(key);
        self
    }
    /// Writes values with `value`, leaving the key serde as it is.
    pub fn with_value_serde(mut self, value: SharedSerde<V>) -> Self {
        self.value = Some(value);
        self
    }
    /// Chooses partitions with `partitioner`.
    pub fn with_partitioner(mut self, partitioner: SinkPartitioner<K, V>) -> Self {
        self.partitioner = Some(partitioner);
        self
    }
}

/// Picks a sink's topic per record (Java's `TopicNameExtractor`).
pub trait TopicNameExtractor<K, V>: Send + Sync + 'static {
    /// The topic for this record; `meta` is `None` inside punctuators.
    fn extract(&self, key: &K, value: &V, meta: Option<&RecordMetadata>) -> String;
}

pub(crate) enum SinkTarget<K, V> {
    Topic(String),
    Extractor(Arc<dyn TopicNameExtractor<K, V>>, &'static str),
}

impl<K, V> Clone for SinkTarget<K, V> {
    fn clone(&self) -> Self {
        match self {
            SinkTarget::Topic(t) => SinkTarget::Topic(t.clone()),
            SinkTarget::Extractor(x, n) => SinkTarget::Extractor(x.clone(), n),
        }
    }
}

/// A record type's id and name, for checking parent and child agree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TypeTag {
    pub(crate) id: TypeId,
    pub(crate) name: &'static str,
}

impl TypeTag {
    fn of<T: 'static>() -> Self {
        TypeTag {
            id: TypeId::of::<T>(),
            name: std::any::type_name::<T>(),
        }
    }
}

/// Makes the node instance of one task and, for sources, its deserializer.
pub(crate) trait NodeFactory: Send + Sync {
    fn make(&self, name: &str, env: &NodeEnv<'_>) -> Result<Box<dyn Node>, TopologyError>;
    fn deserializer(
        &self,
        _name: &str,
        _env: &NodeEnv<'_>,
    ) -> Result<Option<Arc<dyn RecordDeserializer>>, TopologyError> {
        Ok(None)
    }
    fn extractor(&self) -> Option<SharedTimestampExtractor> {
        None
    }
}

struct SourceFactory<K, V>(Consumed<K, V>);

impl<K, V> NodeFactory for SourceFactory<K, V>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn make(&self, _: &str, _: &NodeEnv<'_>) -> Result<Box<dyn Node>, TopologyError> {
        Ok(Box::new(SourceNode::<K, V>(PhantomData)))
    }
    fn deserializer(
        &self,
        name: &str,
        env: &NodeEnv<'_>,
    ) -> Result<Option<Arc<dyn RecordDeserializer>>, TopologyError> {
        Ok(Some(Arc::new(TypedDeserializer {
            key: resolve_serde(&self.0.key, &env.defaults.key, name, "key")?,
            value: resolve_serde(&self.0.value, &env.defaults.value, name, "value")?,
        })))
    }
    fn extractor(&self) -> Option<SharedTimestampExtractor> {
        self.0.extractor.clone()
    }
}

struct ProcessorFactory<F, KIn, VIn, KOut, VOut>(F, PhantomData<fn(KIn, VIn, KOut, VOut)>);

impl<F, P, KIn, VIn, KOut, VOut> NodeFactory for ProcessorFactory<F, KIn, VIn, KOut, VOut>
where
    F: Fn() -> P + Send + Sync + 'static,
    P: Processor<KIn, VIn, KOut, VOut>,
    KIn: 'static,
    VIn: 'static,
    KOut: 'static,
    VOut: 'static,
{
    fn make(&self, _: &str, _: &NodeEnv<'_>) -> Result<Box<dyn Node>, TopologyError> {
        Ok(Box::new(ProcessorNode {
            processor: (self.0)(),
            _types: PhantomData::<fn(KIn, VIn, KOut, VOut)>,
        }))
    }
}

struct SinkFactory<K, V> {
    target: SinkTarget<K, V>,
    produced: Produced<K, V>,
}

impl<K: Send + Sync + 'static, V: Send + Sync + 'static> NodeFactory for SinkFactory<K, V> {
    fn make(&self, name: &str, env: &NodeEnv<'_>) -> Result<Box<dyn Node>, TopologyError> {
        Ok(Box::new(SinkNode {
            topic: match &self.target {
                SinkTarget::Topic(t) => Some(Arc::from(env.runtime_topic(t))),
                SinkTarget::Extractor(..) => None,
            },
            target: self.target.clone(),
            key: resolve_serde(&self.produced.key, &env.defaults.key, name, "key")?,
            value: resolve_serde(&self.produced.value, &env.defaults.value, name, "value")?,
            partitioner: self.produced.partitioner.clone(),
        }))
    }
}

/// The kind of a node and what its description shows.
#[derive(Debug, Clone)]
pub(crate) enum NodeKind {
    Source(SourceTopics),
    Processor,
    Sink(SinkDescription),
}

#[derive(Debug, Clone)]
pub(crate) enum SinkDescription {
    Topic(String),
    Extractor(&'static str),
}

/// One node as declared.
#[derive(Clone)]
pub(crate) struct NodeSpec {
    pub(crate) name: String,
    pub(crate) parents: Vec<String>,
    pub(crate) kind: NodeKind,
    pub(crate) input: Option<TypeTag>,
    pub(crate) output: Option<TypeTag>,
    pub(crate) factory: Arc<dyn NodeFactory>,
    pub(crate) global: bool,
}

/// One store as declared.
#[derive(Clone)]
pub(crate) struct StoreSpec {
    pub(crate) builder: Arc<dyn StoreBuilder>,
    pub(crate) global: bool,
}

/// Collects nodes and stores; [`TopologyBuilder::build`] checks them and makes a [`Topology`].
///
/// Adding never fails; every problem is reported by `build`, the first one found in the order the
/// nodes were added.
#[derive(Default)]
pub struct TopologyBuilder {
    nodes: Vec<NodeSpec>,
    stores: Vec<StoreSpec>,
    connections: Vec<(String, String)>,
    internal_topics: BTreeSet<String>,
    /// Stores whose changelog is a source topic, by store name.
    source_changelogs: BTreeMap<String, String>,
}

/// A store whose changelog is a source topic: it logs nothing of its own.
struct SourceTopicChangelog(Arc<dyn StoreBuilder>);

impl StoreBuilder for SourceTopicChangelog {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn logging_enabled(&self) -> bool {
        false
    }
    fn build(&self, ctx: &StoreContext) -> Result<BuiltStore, StoreError> {
        let mut ctx = ctx.clone();
        ctx.changelog = None;
        self.0.build(&ctx)
    }
}

impl TopologyBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a source reading `topics` (names or a pattern) and forwarding `Record<K, V>`.
    pub fn add_source<K, V>(
        &mut self,
        name: &str,
        consumed: Consumed<K, V>,
        topics: impl Into<SourceTopics>,
    ) -> &mut Self
    where
        K: Clone + Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
    {
        self.nodes.push(NodeSpec {
            name: name.to_owned(),
            parents: Vec::new(),
            kind: NodeKind::Source(topics.into()),
            input: None,
            output: Some(TypeTag::of::<crate::processor::Record<K, V>>()),
            factory: Arc::new(SourceFactory(consumed)),
            global: false,
        });
        self
    }

    /// Adds a processor made by `supplier` once per task, fed by `parents`.
    pub fn add_processor<P, F, KIn, VIn, KOut, VOut>(
        &mut self,
        name: &str,
        supplier: F,
        parents: &[&str],
    ) -> &mut Self
    where
        F: Fn() -> P + Send + Sync + 'static,
        P: Processor<KIn, VIn, KOut, VOut>,
        KIn: 'static,
        VIn: 'static,
        KOut: 'static,
        VOut: 'static,
    {
        self.nodes.push(NodeSpec {
            name: name.to_owned(),
            parents: parents.iter().map(|p| (*p).to_owned()).collect(),
            kind: NodeKind::Processor,
            input: Some(TypeTag::of::<crate::processor::Record<KIn, VIn>>()),
            output: Some(TypeTag::of::<crate::processor::Record<KOut, VOut>>()),
            factory: Arc::new(ProcessorFactory(supplier, PhantomData)),
            global: false,
        });
        self
    }

    /// Adds a sink writing to `topic`.
    pub fn add_sink<K, V>(
        &mut self,
        name: &str,
        topic: &str,
        produced: Produced<K, V>,
        parents: &[&str],
    ) -> &mut Self
    where
        K: Send + Sync + 'static,
        V: Send + Sync + 'static,
    {
        self.push_sink(name, SinkTarget::Topic(topic.to_owned()), produced, parents)
    }

    /// Adds a sink choosing its topic per record.
    pub fn add_sink_with_extractor<K, V, X>(
        &mut self,
        name: &str,
        extractor: X,
        produced: Produced<K, V>,
        parents: &[&str],
    ) -> &mut Self
    where
        K: Send + Sync + 'static,
        V: Send + Sync + 'static,
        X: TopicNameExtractor<K, V>,
    {
        let target = SinkTarget::Extractor(Arc::new(extractor), std::any::type_name::<X>());
        self.push_sink(name, target, produced, parents)
    }

    fn push_sink<K, V>(
        &mut self,
        name: &str,
        target: SinkTarget<K, V>,
        produced: Produced<K, V>,
        parents: &[&str],
    ) -> &mut Self
    where
        K: Send + Sync + 'static,
        V: Send + Sync + 'static,
    {
        let description = match &target {
            SinkTarget::Topic(t) => SinkDescription::Topic(t.clone()),
            SinkTarget::Extractor(_, n) => SinkDescription::Extractor(n),
        };
        self.nodes.push(NodeSpec {
            name: name.to_owned(),
            parents: parents.iter().map(|p| (*p).to_owned()).collect(),
            kind: NodeKind::Sink(description),
            input: Some(TypeTag::of::<crate::processor::Record<K, V>>()),
            output: None,
            factory: Arc::new(SinkFactory { target, produced }),
            global: false,
        });
        self
    }

    /// Adds a state store and connects it to `processors`.
    pub fn add_state_store(
        &mut self,
        builder: impl StoreBuilder,
        processors: &[&str],
    ) -> &mut Self {
        let name = builder.name().to_owned();
        self.stores.push(StoreSpec {
            builder: Arc::new(builder),
            global: false,
        });
        for p in processors {
            self.connections.push(((*p).to_owned(), name.clone()));
        }
        self
    }

    /// Connects already added stores to a processor.
    pub fn connect_processor_and_state_stores(
        &mut self,
        processor: &str,
        stores: &[&str],
    ) -> &mut Self {
        for s in stores {
            self.connections
                .push((processor.to_owned(), (*s).to_owned()));
        }
        self
    }

    /// Marks `topic` as internal: a repartition topic between sub-topologies, named
    /// `<application.id>-<topic>` at runtime.
    pub fn add_internal_topic(&mut self, topic: &str) -> &mut Self {
        self.internal_topics.insert(topic.to_owned());
        self
    }

    /// Makes the source topic `topic` the changelog of `store` (Java's
    /// `connectSourceStoreAndTopic`, which `topology.optimization=reuse.ktable.source.topics`
    /// applies to source tables): the store logs nothing of its own, and a runtime restores it
    /// from `topic` ([`Topology::changelog_topic`]). The store must be added by
    /// [`TopologyBuilder::build`].
    pub fn reuse_source_topic_as_changelog(&mut self, store: &str, topic: &str) -> &mut Self {
        self.source_changelogs
            .insert(store.to_owned(), topic.to_owned());
        self
    }

    // ---- Rewiring before build ----
    //
    // A DSL adds nodes as its operations are called; a whole-program optimization (Java's
    // `topology.optimization`, applied by streams-dsl's `build_with`) then rewires what was
    // added: drops nodes, stores and topics, moves children onto another parent, and places
    // nodes where Java's builder would have written them (insertion order numbers
    // sub-topologies and orders children). None of these checks the result; `build` does.

    /// The names of the nodes added so far, in insertion order.
    pub fn node_names(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.name.as_str())
    }

    /// The parents of node `name`, as given when it was added (or last set), or `None` without
    /// such a node.
    pub fn parents_of(&self, name: &str) -> Option<&[String]> {
        self.nodes
            .iter()
            .find(|n| n.name == name)
            .map(|n| n.parents.as_slice())
    }

    /// Replaces the parents of node `name`; `false` (and no change) without such a node.
    pub fn set_parents(&mut self, name: &str, parents: &[&str]) -> bool {
        match self.nodes.iter_mut().find(|n| n.name == name) {
            Some(n) => {
                n.parents = parents.iter().map(|p| (*p).to_owned()).collect();
                true
            }
            None => false,
        }
    }

    /// Removes node `name` and its store connections (not its children's references to it);
    /// `false` without such a node.
    pub fn remove_node(&mut self, name: &str) -> bool {
        let before = self.nodes.len();
        self.nodes.retain(|n| n.name != name);
        self.connections.retain(|(p, _)| p != name);
        self.nodes.len() != before
    }

    /// Removes state store `name` and its connections; `false` without such a store.
    pub fn remove_state_store(&mut self, name: &str) -> bool {
        let before = self.stores.len();
        self.stores.retain(|s| s.builder.name() != name);
        self.connections.retain(|(_, s)| s != name);
        self.stores.len() != before
    }

    /// Unmarks `topic` as internal ([`Self::add_internal_topic`]); `false` if it was not.
    pub fn remove_internal_topic(&mut self, topic: &str) -> bool {
        self.internal_topics.remove(topic)
    }

    /// Moves the nodes `names`, in that order, to just after node `anchor` in insertion order
    /// (which numbers sub-topologies and orders each node's children). Names not found are
    /// skipped; `false` (and no change) without the anchor or if it is one of `names`.
    pub fn move_nodes_after(&mut self, names: &[&str], anchor: &str) -> bool {
        if names.contains(&anchor) || !self.nodes.iter().any(|n| n.name == anchor) {
            return false;
        }
        let mut moved = Vec::new();
        for name in names {
            if let Some(i) = self.nodes.iter().position(|n| n.name == *name) {
                moved.push(self.nodes.remove(i));
            }
        }
        let at = self
            .nodes
            .iter()
            .position(|n| n.name == anchor)
            .map_or(self.nodes.len(), |i| i + 1);
        self.nodes.splice(at..at, moved);
        true
    }

    /// Adds a global store, filled from `topic` by `processor` on every instance; the topic is its
    /// changelog, so the store must not log.
    #[allow(clippy::too_many_arguments)]
    pub fn add_global_store<K, V, P, F>(
        &mut self,
        builder: impl StoreBuilder,
        source_name: &str,
        consumed: Consumed<K, V>,
        topic: &str,
        processor_name: &str,
        supplier: F,
    ) -> &mut Self
    where
        K: Clone + Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
        F: Fn() -> P + Send + Sync + 'static,
        P: Processor<K, V, (), ()>,
    {
        let name = builder.name().to_owned();
        self.add_source(source_name, consumed, topic);
        self.add_processor(processor_name, supplier, &[source_name]);
        let n = self.nodes.len();
        self.nodes[n - 1].global = true;
        self.nodes[n - 2].global = true;
        self.stores.push(StoreSpec {
            builder: Arc::new(builder),
            global: true,
        });
        self.connections.push((processor_name.to_owned(), name));
        self
    }

    /// Checks the topology and groups it into sub-topologies.
    pub fn build(mut self) -> Result<Topology, TopologyError> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if index.insert(&n.name, i).is_some() {
                return Err(TopologyError::DuplicateNode(n.name.clone()));
            }
        }
        let mut store_names = HashSet::new();
        for s in &self.stores {
            if !store_names.insert(s.builder.name().to_owned()) {
                return Err(TopologyError::DuplicateStore(s.builder.name().to_owned()));
            }
        }
        if let Some((store, topic)) = self
            .source_changelogs
            .iter()
            .find(|(store, _)| !store_names.contains(store.as_str()))
        {
            return Err(TopologyError::UnknownStore {
                processor: format!("(changelog source topic {topic})"),
                store: store.clone(),
            });
        }
        for s in &mut self.stores {
            if self.source_changelogs.contains_key(s.builder.name()) {
                s.builder = Arc::new(SourceTopicChangelog(s.builder.clone()));
            }
        }
        if !self
            .nodes
            .iter()
            .any(|n| matches!(n.kind, NodeKind::Source(_)))
        {
            return Err(TopologyError::NoSources);
        }
        let mut topic_owner: HashMap<&str, &str> = HashMap::new();
        for n in &self.nodes {
            match &n.kind {
                NodeKind::Source(SourceTopics::Topics(topics)) => {
                    if topics.is_empty() {
                        return Err(TopologyError::NoTopics(n.name.clone()));
                    }
                    for t in topics {
                        if let Some(owner) = topic_owner.insert(t, &n.name) {
                            return Err(TopologyError::TopicAlreadyRegistered {
                                topic: t.clone(),
                                source_node: owner.to_owned(),
                            });
                        }
                    }
                }
                NodeKind::Source(SourceTopics::Pattern(_)) => {}
                NodeKind::Processor | NodeKind::Sink(_) => {
                    if n.parents.is_empty() {
                        return Err(TopologyError::NoParent(n.name.clone()));
                    }
                    for p in &n.parents {
                        let Some(&pi) = index.get(p.as_str()) else {
                            return Err(TopologyError::UnknownParent {
                                node: n.name.clone(),
                                parent: p.clone(),
                            });
                        };
                        let parent = &self.nodes[pi];
                        if matches!(parent.kind, NodeKind::Sink(_)) {
                            return Err(TopologyError::SinkAsParent {
                                node: n.name.clone(),
                                parent: p.clone(),
                            });
                        }
                        if let (Some(out), Some(inp)) = (parent.output, n.input)
                            && out.id != inp.id
                        {
                            return Err(TopologyError::TypeMismatch {
                                parent: p.clone(),
                                child: n.name.clone(),
                                expected: inp.name,
                                found: out.name,
                            });
                        }
                    }
                }
            }
        }
        let mut node_stores: Vec<Vec<String>> = vec![Vec::new(); self.nodes.len()];
        let mut connected = HashSet::new();
        for (proc_name, store) in &self.connections {
            let is_processor = index
                .get(proc_name.as_str())
                .map(|&i| matches!(self.nodes[i].kind, NodeKind::Processor));
            if is_processor != Some(true) {
                return Err(TopologyError::UnknownProcessor {
                    store: store.clone(),
                    processor: proc_name.clone(),
                });
            }
            if !store_names.contains(store) {
                return Err(TopologyError::UnknownStore {
                    processor: proc_name.clone(),
                    store: store.clone(),
                });
            }
            let list = &mut node_stores[index[proc_name.as_str()]];
            if !list.contains(store) {
                list.push(store.clone());
            }
            connected.insert(store.as_str());
        }
        for s in &self.stores {
            if !connected.contains(s.builder.name()) {
                return Err(TopologyError::StoreNotConnected(
                    s.builder.name().to_owned(),
                ));
            }
        }
        let subtopologies = group(&self.nodes, &index, &node_stores);
        Ok(Topology {
            nodes: self.nodes,
            node_stores,
            stores: self.stores,
            subtopologies,
            internal_topics: self.internal_topics,
            source_changelogs: self.source_changelogs,
        })
    }
}

/// Unions nodes joined by an edge or a shared store, numbering groups in the order their first
/// source was added (what Kafka Streams prints for such topologies).
fn group(
    nodes: &[NodeSpec],
    index: &HashMap<&str, usize>,
    node_stores: &[Vec<String>],
) -> Vec<Subtopology> {
    let mut parent: Vec<usize> = (0..nodes.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let union = |a: usize, b: usize, p: &mut Vec<usize>| {
        let (ra, rb) = (find(p, a), find(p, b));
        if ra != rb {
            p[ra.max(rb)] = ra.min(rb);
        }
    };
    for (i, n) in nodes.iter().enumerate() {
        for par in &n.parents {
            union(i, index[par.as_str()], &mut parent);
        }
    }
    let mut by_store: HashMap<&str, usize> = HashMap::new();
    for (i, stores) in node_stores.iter().enumerate() {
        for s in stores {
            match by_store.get(s.as_str()) {
                Some(&j) => union(i, j, &mut parent),
                None => {
                    by_store.insert(s, i);
                }
            }
        }
    }
    let order = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.kind, NodeKind::Source(_)))
        .chain(
            nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| !matches!(n.kind, NodeKind::Source(_))),
        )
        .map(|(i, _)| i)
        .collect::<Vec<_>>();
    let mut root_to_id: HashMap<usize, usize> = HashMap::new();
    let mut groups: Vec<Subtopology> = Vec::new();
    for &i in &order {
        let root = find(&mut parent, i);
        let id = *root_to_id.entry(root).or_insert_with(|| {
            groups.push(Subtopology {
                id: groups.len() as u32,
                nodes: Vec::new(),
                global: nodes[i].global,
            });
            groups.len() - 1
        });
        groups[id].nodes.push(i);
    }
    for g in &mut groups {
        g.nodes.sort_unstable();
    }
    groups
}

/// A connected part of a topology; tasks are made per sub-topology and input partition.
#[derive(Debug, Clone)]
pub(crate) struct Subtopology {
    pub(crate) id: u32,
    /// Node indices in insertion order.
    pub(crate) nodes: Vec<usize>,
    pub(crate) global: bool,
}

/// A checked topology, ready to be run by tasks.
///
/// Cloning is cheap and yields an independent topology: clones share the node factories and store
/// builders, and every task (or test driver) calls those for processors and stores of its own, as
/// Kafka Streams builds each task from one topology.
#[derive(Clone)]
pub struct Topology {
    pub(crate) nodes: Vec<NodeSpec>,
    pub(crate) node_stores: Vec<Vec<String>>,
    pub(crate) stores: Vec<StoreSpec>,
    pub(crate) subtopologies: Vec<Subtopology>,
    pub(crate) internal_topics: BTreeSet<String>,
    pub(crate) source_changelogs: BTreeMap<String, String>,
}

impl std::fmt::Debug for Topology {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.describe())
    }
}

impl Topology {
    /// The topic `store` is restored from: the source topic it reuses
    /// ([`TopologyBuilder::reuse_source_topic_as_changelog`]), its own
    /// `<application.id>-<store>-changelog` when it logs, or `None` (no such store, a store
    /// that does not log, or a global store, which its source topic fills).
    pub fn changelog_topic(&self, store: &str, application_id: &str) -> Option<String> {
        if let Some(topic) = self.source_changelogs.get(store) {
            return Some(topic.clone());
        }
        let spec = self.stores.iter().find(|s| s.builder.name() == store)?;
        (!spec.global && spec.builder.logging_enabled())
            .then(|| format!("{application_id}-{store}-changelog"))
    }

    /// The number of sub-topologies that make tasks (global ones excluded).
    pub fn task_subtopology_count(&self) -> usize {
        self.subtopologies.iter().filter(|s| !s.global).count()
    }

    /// The node names in insertion order.
    pub fn node_names(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.name.as_str())
    }

    /// Internal (repartition) topics, without the application-id prefix.
    pub fn internal_topics(&self) -> &BTreeSet<String> {
        &self.internal_topics
    }

    /// Checks every source and sink has serdes, given the configured defaults.
    pub fn check_serdes(&self, config: &crate::config::StreamsConfig) -> Result<(), TopologyError> {
        let env = NodeEnv {
            defaults: &config.default_serdes,
            application_id: &config.application_id,
            internal_topics: &self.internal_topics,
        };
        for n in &self.nodes {
            n.factory.deserializer(&n.name, &env)?;
            n.factory.make(&n.name, &env)?;
        }
        Ok(())
    }

    pub(crate) fn children_of(&self, node: usize) -> Vec<usize> {
        let name = &self.nodes[node].name;
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.parents.iter().any(|p| p == name))
            .map(|(i, _)| i)
            .collect()
    }
}
