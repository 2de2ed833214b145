//! `topology.optimization` (Java's `InternalStreamsBuilder` optimizations), applied to the
//! topology the DSL operations added eagerly.
//!
//! Java's DSL builds a graph of operations and writes the processor topology only in
//! `build(props)`, after rewriting the graph. Here each operation adds its processors at once, and
//! records what the rewrites need ([`Metadata`]): which nodes change keys or values (Java's
//! `keyChangingOperation` / `valueChangingOperation`), which are merges, each repartition and how
//! to rebuild it, and each self-join. [`apply_merge_repartition_topics`] and
//! [`apply_single_store_self_join`] then redo Java's graph rewrites on a model of Java's graph
//! (core nodes, with each repartition's filter, sink and source as one node) and carry the result
//! into the core [`TopologyBuilder`].
//!
//! `merge.repartition.topics` (Java's `mergeRepartitionTopics`): the repartitions of
//! aggregations and joins that a key-changing operation (`select_key`, `map`, `flat_map`,
//! `group_by`, `process`) feeds through stateless operations that change neither key nor value
//! (a `map_values` in between keeps its own topic; so does an explicit `repartition`) become one,
//! named after the first of them: topic `<first>-repartition`, nodes `<topic>-filter`,
//! `<topic>-sink`, `<topic>-source`, written right after the key-changing node. The operations
//! between the key change and each old repartition move behind the merged one. Java checks no
//! serdes: the merged topic takes the first serdes any of them was given.
//!
//! `single.store.self.join` (Java's `rewriteSingleStoreSelfJoin`): a stream-stream join of a
//! stream with itself (inner, left or outer: Java rewrites all three, and the rewritten join
//! gives inner-join results) keeps only its this-side window store; the join becomes one
//! processor, named as the join's merge node, that joins each record with the window.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use streams_core::topology::TopologyBuilder;

use crate::builder::DslError;

/// A serde of some type, as recorded for a repartition (an `Arc<SharedSerde<T>>` inside).
pub(crate) type AnySerde = Arc<dyn Any + Send + Sync>;

/// Adds a repartition's filter, sink and source under `parent`, through `topic`, with the given
/// serdes (downcast to the repartition's types; the recorded ones where they do not fit).
pub(crate) type Rebuild = Arc<
    dyn Fn(&mut TopologyBuilder, &RepartitionNodes, &str, Option<&AnySerde>, Option<&AnySerde>)
        + Send
        + Sync,
>;

/// The three nodes and the topic of a repartition.
#[derive(Debug, Clone)]
pub(crate) struct RepartitionNodes {
    pub(crate) filter: String,
    pub(crate) sink: String,
    pub(crate) source: String,
    /// Without the application id: `<base>-repartition`.
    pub(crate) topic: String,
}

/// A repartition as added.
pub(crate) struct Repartition {
    pub(crate) nodes: RepartitionNodes,
    /// Java's `OptimizableRepartitionNode` (aggregations, joins); an explicit `repartition()` is
    /// not (Java's `UnoptimizableRepartitionNode`), but a walk up the graph still passes it.
    pub(crate) optimizable: bool,
    /// The serdes given or inherited (not the built-in fallback), as Java's node has them.
    pub(crate) key: Option<AnySerde>,
    pub(crate) value: Option<AnySerde>,
    pub(crate) rebuild: Rebuild,
}

/// A stream-stream join of one node with itself, and how to make it a single-store join.
pub(crate) struct SelfJoin {
    /// Nodes the rewrite removes: other-side window, both join sides, the merge.
    pub(crate) remove_nodes: Vec<String>,
    /// Stores the rewrite removes: the other side's window store, an outer join's shared store.
    pub(crate) remove_stores: Vec<String>,
    /// Adds the self-join processor (under the this-side window, connected to its store).
    pub(crate) install: Box<dyn Fn(&mut TopologyBuilder)>,
}

/// What the optimizations need to know about the operations added.
#[derive(Default)]
pub(crate) struct Metadata {
    /// Key-changing nodes, in the order added.
    pub(crate) key_changing: Vec<String>,
    pub(crate) value_changing: HashSet<String>,
    /// Merge nodes (`KStream::merge`), in the order added.
    pub(crate) merges: Vec<String>,
    /// Every repartition, in the order added.
    pub(crate) repartitions: Vec<Repartition>,
    pub(crate) self_joins: Vec<SelfJoin>,
}

/// Java's graph, as far as the rewrites look at it: node ids are core node names, a repartition
/// being one node named by its source.
struct Graph {
    parents: HashMap<String, Vec<String>>,
    children: HashMap<String, Vec<String>>,
}

impl Graph {
    fn of(t: &TopologyBuilder, meta: &Metadata) -> Graph {
        let mut skip: HashSet<&str> = HashSet::new();
        let mut by_filter: HashMap<&str, &str> = HashMap::new();
        for r in &meta.repartitions {
            skip.insert(&r.nodes.filter);
            skip.insert(&r.nodes.sink);
            by_filter.insert(&r.nodes.filter, &r.nodes.source);
        }
        let mut g = Graph {
            parents: HashMap::new(),
            children: HashMap::new(),
        };
        let names: Vec<String> = t.node_names().map(str::to_owned).collect();
        for name in &names {
            let parents = t.parents_of(name).unwrap_or_default();
            let id = match by_filter.get(name.as_str()) {
                Some(source) => (*source).to_owned(),
                None if skip.contains(name.as_str()) => continue,
                None => name.clone(),
            };
            for p in parents {
                g.add_child(p, &id);
            }
            g.parents.entry(id).or_default();
        }
        g
    }

    fn parents(&self, n: &str) -> &[String] {
        self.parents.get(n).map_or(&[], Vec::as_slice)
    }

    fn children(&self, n: &str) -> Vec<String> {
        self.children.get(n).cloned().unwrap_or_default()
    }

    fn add_child(&mut self, parent: &str, child: &str) {
        let c = self.children.entry(parent.to_owned()).or_default();
        if !c.iter().any(|x| x == child) {
            c.push(child.to_owned());
        }
        let p = self.parents.entry(child.to_owned()).or_default();
        if !p.iter().any(|x| x == parent) {
            p.push(parent.to_owned());
        }
    }

    fn remove_child(&mut self, parent: &str, child: &str) {
        if let Some(c) = self.children.get_mut(parent) {
            c.retain(|x| x != child);
        }
        if let Some(p) = self.parents.get_mut(child) {
            p.retain(|x| x != parent);
        }
    }

    /// Java's `findParentNodeMatching`: `start` if it matches, else the first direct parent that
    /// matches, else what the search above the *last* parent found (Java keeps overwriting).
    fn find(&self, start: &str, pred: &dyn Fn(&Graph, &str) -> bool) -> Option<String> {
        let mut seen = HashSet::new();
        self.find_inner(start, pred, &mut seen)
    }

    fn find_inner(
        &self,
        start: &str,
        pred: &dyn Fn(&Graph, &str) -> bool,
        seen: &mut HashSet<String>,
    ) -> Option<String> {
        if pred(self, start) {
            return Some(start.to_owned());
        }
        // Java's graph has no cycles; guard against looping on a malformed one anyway.
        if !seen.insert(start.to_owned()) {
            return None;
        }
        let mut found = None;
        for p in self.parents(start).to_vec() {
            if pred(self, &p) {
                return Some(p);
            }
            found = self.find_inner(&p, pred, seen);
        }
        found
    }
}

/// Applies `merge.repartition.topics` to `t`.
pub(crate) fn apply_merge_repartition_topics(
    t: &mut TopologyBuilder,
    meta: &Metadata,
) -> Result<(), DslError> {
    let mut g = Graph::of(t, meta);
    let kc: HashSet<&str> = meta.key_changing.iter().map(String::as_str).collect();
    let by_source: HashMap<&str, &Repartition> = meta
        .repartitions
        .iter()
        .map(|r| (r.nodes.source.as_str(), r))
        .collect();
    // Java's keyChangingOperationsToOptimizableRepartitionNodes, filled as nodes are added.
    let mut map: Vec<(String, Vec<String>)> = meta
        .key_changing
        .iter()
        .map(|k| (k.clone(), Vec::new()))
        .collect();
    for r in meta.repartitions.iter().filter(|r| r.optimizable) {
        let id = &r.nodes.source;
        let either = g.find(id, &|_, n| {
            kc.contains(n) || meta.value_changing.contains(n)
        });
        let key_changer = g.find(id, &|_, n| kc.contains(n));
        if let (Some(e), Some(k)) = (either, key_changer)
            && e == k
            && let Some((_, rs)) = map.iter_mut().find(|(n, _)| *n == k)
            && !rs.contains(id)
        {
            rs.push(id.clone());
        }
    }
    // Java's maybeUpdateKeyChangingRepartitionNodeMap: a merge node with all of a key changer's
    // repartitions below it takes them over.
    let mut from_merges: Vec<(String, Vec<String>)> = Vec::new();
    for m in &meta.merges {
        let mut keys = Vec::new();
        for (k, rs) in &map {
            let below = rs.iter().all(|r| {
                g.find(r, &|g, n| g.parents(n).iter().any(|p| p == m))
                    .is_some()
            });
            if below
                && g.find(m, &|g, n| g.parents(n).iter().any(|p| p == k))
                    .is_some()
            {
                keys.push(k.clone());
            }
        }
        from_merges.push((m.clone(), keys));
    }
    let mut remove = Vec::new();
    for (m, keys) in from_merges {
        let mut rs: Vec<String> = Vec::new();
        for k in &keys {
            if let Some((_, krs)) = map.iter().find(|(n, _)| n == k) {
                for r in krs {
                    if !rs.contains(r) {
                        rs.push(r.clone());
                    }
                }
            }
            remove.push(k.clone());
        }
        match map.iter_mut().find(|(n, _)| *n == m) {
            Some((_, existing)) => *existing = rs,
            None => map.push((m, rs)),
        }
    }
    map.retain(|(k, _)| !remove.contains(k));

    // Java's mergeRepartitionTopics, on the model; then the same in the core topology.
    let mut plans = Vec::new();
    for (index, (k, rs)) in map.iter().enumerate() {
        let Some(first) = rs.first().and_then(|r| by_source.get(r.as_str())) else {
            continue;
        };
        let merged_id = format!("\u{0}merged-{index}");
        for r in rs {
            let child = g
                .find(r, &|g, n| g.parents(n).iter().any(|p| p == k))
                .ok_or_else(|| DslError::Optimization {
                    reason: format!(
                        "merge.repartition.topics found no child of key-changing node {k} \
                         above repartition {r} (Java fails the build the same way)"
                    ),
                })?;
            g.add_child(&merged_id, &child);
            g.remove_child(k, &child);
            let (r_children, r_parents) = (g.children(r), g.parents(r).to_vec());
            for c in &r_children {
                for p in &r_parents {
                    g.add_child(p, c);
                }
            }
            for p in &r_parents {
                g.remove_child(p, r);
            }
            for c in &r_children {
                g.remove_child(r, c);
            }
        }
        g.add_child(k, &merged_id);
        let topic = first.nodes.topic.clone();
        let nodes = RepartitionNodes {
            filter: format!("{topic}-filter"),
            sink: format!("{topic}-sink"),
            source: format!("{topic}-source"),
            topic,
        };
        let reps: Vec<&Repartition> = rs
            .iter()
            .filter_map(|r| by_source.get(r.as_str()).copied())
            .collect();
        let key = reps.iter().find_map(|r| r.key.clone());
        let value = reps.iter().find_map(|r| r.value.clone());
        plans.push((k.clone(), merged_id, nodes, reps, key, value));
    }
    if plans.is_empty() {
        return Ok(());
    }
    // The core topology: old repartitions out, merged ones in right after their key changer,
    // every node's parents as in the model.
    let mut merged_names: HashMap<String, String> = HashMap::new();
    let mut removed: HashSet<String> = HashSet::new();
    for (_, merged_id, nodes, reps, _, _) in &plans {
        merged_names.insert(merged_id.clone(), nodes.source.clone());
        for r in reps {
            for n in [&r.nodes.filter, &r.nodes.sink, &r.nodes.source] {
                t.remove_node(n);
            }
            t.remove_internal_topic(&r.nodes.topic);
            removed.insert(r.nodes.source.clone());
        }
    }
    for (k, _, nodes, reps, key, value) in &plans {
        let Some(first) = reps.first() else { continue };
        (first.rebuild)(t, nodes, k, key.as_ref(), value.as_ref());
        t.move_nodes_after(&[&nodes.filter, &nodes.sink, &nodes.source], k);
    }
    let filters: HashMap<&str, &str> = meta
        .repartitions
        .iter()
        .map(|r| (r.nodes.source.as_str(), r.nodes.filter.as_str()))
        .collect();
    let mut ids: Vec<&String> = g.parents.keys().collect();
    ids.sort();
    for id in ids {
        if removed.contains(id.as_str()) {
            continue;
        }
        if merged_names.contains_key(id) {
            // The merged filter's parent is its key changer, set by the rebuild.
            continue;
        }
        let core = filters.get(id.as_str()).copied().unwrap_or(id.as_str());
        let parents: Vec<&str> = g
            .parents(id)
            .iter()
            .map(|p| merged_names.get(p).map_or(p.as_str(), String::as_str))
            .collect();
        if t.parents_of(core).is_some_and(|old| {
            old.len() != parents.len() || old.iter().zip(&parents).any(|(a, b)| a != b)
        }) {
            t.set_parents(core, &parents);
        }
    }
    Ok(())
}

/// Applies `single.store.self.join` to `t`.
pub(crate) fn apply_single_store_self_join(t: &mut TopologyBuilder, meta: &Metadata) {
    for j in &meta.self_joins {
        for n in &j.remove_nodes {
            t.remove_node(n);
        }
        for s in &j.remove_stores {
            t.remove_state_store(s);
        }
        (j.install)(t);
    }
}
