//! Rewiring a `TopologyBuilder` before it is built (what streams-dsl's `topology.optimization`
//! rewrites use): removing nodes, stores and internal topics, moving children onto another
//! parent, and placing nodes in insertion order, which numbers sub-topologies.

use streams_core::StreamsError;
use streams_core::processor::{Processor, ProcessorContext, Record};
use streams_core::serde::Serdes;
use streams_core::state::Stores;
use streams_core::topology::{Consumed, Produced, TopologyBuilder, TopologyError};

struct P;

impl Processor<String, String, String, String> for P {
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, String>,
        r: Record<String, String>,
    ) -> Result<(), StreamsError> {
        ctx.forward(r)
    }
}

fn ss() -> Consumed<String, String> {
    Consumed::with(Serdes::string(), Serdes::string())
}

fn ps() -> Produced<String, String> {
    Produced::with(Serdes::string(), Serdes::string())
}

/// Two sources, each through a repartition topic into a processor.
fn two_repartitions() -> TopologyBuilder {
    let mut b = TopologyBuilder::new();
    b.add_source("in", ss(), "in")
        .add_processor("key", || P, &["in"])
        .add_sink("sink-a", "a-repartition", ps(), &["key"])
        .add_internal_topic("a-repartition")
        .add_source("src-a", ss(), "a-repartition")
        .add_processor("agg-a", || P, &["src-a"])
        .add_source("other", ss(), "other")
        .add_sink("out", "out", ps(), &["other"])
        .add_sink("sink-b", "b-repartition", ps(), &["key"])
        .add_internal_topic("b-repartition")
        .add_source("src-b", ss(), "b-repartition")
        .add_processor("agg-b", || P, &["src-b"]);
    b
}

#[test]
fn children_move_onto_one_repartition_and_the_other_goes() {
    let mut b = two_repartitions();
    assert_eq!(b.parents_of("agg-b"), Some(&["src-b".to_owned()][..]));
    assert!(b.set_parents("agg-b", &["src-a"]));
    for n in ["sink-b", "src-b"] {
        assert!(b.remove_node(n), "{n}");
    }
    assert!(!b.remove_node("src-b"), "already removed");
    assert!(b.remove_internal_topic("b-repartition"));
    assert!(!b.remove_internal_topic("b-repartition"));
    assert!(!b.set_parents("nope", &["in"]));
    assert_eq!(b.parents_of("nope"), None);
    let t = b.build().unwrap();
    assert_eq!(
        t.internal_topics().iter().collect::<Vec<_>>(),
        ["a-repartition"]
    );
    let d = t.describe().to_string();
    assert!(
        d.contains("--> agg-a, agg-b") || d.contains("--> agg-b, agg-a"),
        "{d}"
    );
    assert!(!d.contains("src-b"), "{d}");
}

#[test]
fn moving_a_source_earlier_renumbers_sub_topologies() {
    let sub_of = |d: &str, node: &str| {
        let mut sub = None;
        for l in d.lines() {
            if let Some(n) = l.trim().strip_prefix("Sub-topology: ") {
                sub = n.split_whitespace().next().map(str::to_owned);
            }
            if l.contains(&format!(": {node} ")) {
                return sub;
            }
        }
        None
    };
    let d = two_repartitions().build().unwrap().describe().to_string();
    assert_eq!(sub_of(&d, "src-a").as_deref(), Some("1"), "{d}");
    assert_eq!(sub_of(&d, "other").as_deref(), Some("2"), "{d}");
    assert_eq!(sub_of(&d, "src-b").as_deref(), Some("3"), "{d}");

    let mut b = two_repartitions();
    assert!(b.move_nodes_after(&["sink-b", "src-b"], "key"));
    assert!(!b.move_nodes_after(&["src-b"], "missing"));
    assert!(!b.move_nodes_after(&["key"], "key"));
    let names: Vec<&str> = b.node_names().collect();
    assert_eq!(&names[..4], ["in", "key", "sink-b", "src-b"]);
    let d = b.build().unwrap().describe().to_string();
    assert_eq!(sub_of(&d, "src-b").as_deref(), Some("1"), "{d}");
    assert_eq!(sub_of(&d, "src-a").as_deref(), Some("2"), "{d}");
    assert_eq!(sub_of(&d, "other").as_deref(), Some("3"), "{d}");
}

#[test]
fn a_removed_store_goes_with_its_connections() {
    let mut b = TopologyBuilder::new();
    b.add_source("in", ss(), "in")
        .add_processor("p", || P, &["in"])
        .add_processor("q", || P, &["in"])
        .add_state_store(
            Stores::key_value_store_builder(
                Stores::in_memory_key_value_store("kept"),
                Serdes::string(),
                Serdes::long(),
            ),
            &["p"],
        )
        .add_state_store(
            Stores::key_value_store_builder(
                Stores::in_memory_key_value_store("dropped"),
                Serdes::string(),
                Serdes::long(),
            ),
            &["p", "q"],
        );
    assert!(b.remove_state_store("dropped"));
    assert!(!b.remove_state_store("dropped"));
    // Removing a node drops its connections too: "q" connected a store, and none is left over
    // to name an unknown processor.
    assert!(b.remove_node("q"));
    let d = b.build().unwrap().describe().to_string();
    assert!(d.contains("Processor: p (stores: [kept])"), "{d}");
    assert!(!d.contains("dropped"), "{d}");

    // A child left pointing at a removed node is an error of build, not of the rewiring.
    let mut b = TopologyBuilder::new();
    b.add_source("in", ss(), "in")
        .add_processor("p", || P, &["in"])
        .add_processor("q", || P, &["p"]);
    b.remove_node("p");
    assert!(matches!(
        b.build().map(|_| ()).unwrap_err(),
        TopologyError::UnknownParent { node, parent } if node == "q" && parent == "p"
    ));
}
