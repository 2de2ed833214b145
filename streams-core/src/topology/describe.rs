//! `Topology::describe()`: the text Kafka Streams' `TopologyDescription.toString()` prints.
//!
//! Format facts checked against Kafka 4.4's output: nodes of a sub-topology sorted by the size of
//! the sub-tree below them (largest first, then by name); successors listed by name; predecessors
//! in the order given; sub-topologies followed by a blank line, global stores not.

use std::fmt;

use super::builder::{NodeKind, SinkDescription, SourceTopics, Topology};

/// A printable description of a topology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopologyDescription(String);

impl TopologyDescription {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TopologyDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Topology {
    /// Describes the topology in Kafka Streams' format.
    pub fn describe(&self) -> TopologyDescription {
        let children: Vec<Vec<usize>> =
            (0..self.nodes.len()).map(|i| self.children_of(i)).collect();
        let mut size = vec![0usize; self.nodes.len()];
        fn subtree(i: usize, children: &[Vec<usize>], size: &mut [usize]) -> usize {
            if size[i] == 0 {
                size[i] = 1 + children[i]
                    .iter()
                    .map(|&c| subtree(c, children, size))
                    .sum::<usize>();
            }
            size[i]
        }
        for i in 0..self.nodes.len() {
            subtree(i, &children, &mut size);
        }
        let mut out = String::from("Topologies:\n ");
        for st in &self.subtopologies {
            let mut nodes = st.nodes.clone();
            nodes.sort_by(|&a, &b| {
                size[b]
                    .cmp(&size[a])
                    .then_with(|| self.nodes[a].name.cmp(&self.nodes[b].name))
            });
            if st.global {
                out.push_str(&format!(
                    "  Sub-topology: {} for global store (will not generate tasks)\n",
                    st.id
                ));
            } else {
                out.push_str(&format!("  Sub-topology: {}\n", st.id));
            }
            for &i in &nodes {
                let n = &self.nodes[i];
                let mut succ: Vec<&str> = children[i]
                    .iter()
                    .map(|&c| self.nodes[c].name.as_str())
                    .collect();
                succ.sort_unstable();
                let succ = if succ.is_empty() {
                    "none".to_owned()
                } else {
                    succ.join(", ")
                };
                match &n.kind {
                    NodeKind::Source(topics) => {
                        let topics = match topics {
                            SourceTopics::Topics(t) => format!("[{}]", t.join(", ")),
                            SourceTopics::Pattern(p) => p.to_string(),
                        };
                        out.push_str(&format!(
                            "    Source: {} (topics: {})\n      --> {}\n",
                            n.name, topics, succ
                        ));
                    }
                    NodeKind::Processor => {
                        let mut stores = self.node_stores[i].clone();
                        stores.sort_unstable();
                        out.push_str(&format!(
                            "    Processor: {} (stores: [{}])\n      --> {}\n      <-- {}\n",
                            n.name,
                            stores.join(", "),
                            succ,
                            n.parents.join(", ")
                        ));
                    }
                    NodeKind::Sink(target) => {
                        let target = match target {
                            SinkDescription::Topic(t) => format!("topic: {t}"),
                            SinkDescription::Extractor(x) => format!("extractor class: {x}"),
                        };
                        out.push_str(&format!(
                            "    Sink: {} ({})\n      <-- {}\n",
                            n.name,
                            target,
                            n.parents.join(", ")
                        ));
                    }
                }
            }
            if !st.global {
                out.push('\n');
            }
        }
        TopologyDescription(out)
    }
}
