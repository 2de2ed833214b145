//! Why a topology does not build.

/// A topology that cannot run, named by what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TopologyError {
    /// Two nodes share a name.
    #[error("processor node name {0} is already used")]
    DuplicateNode(String),
    /// Two stores share a name.
    #[error("state store name {0} is already used")]
    DuplicateStore(String),
    /// A node names a parent that does not exist.
    #[error("node {node} names unknown parent {parent}")]
    UnknownParent {
        /// The child.
        node: String,
        /// The missing parent.
        parent: String,
    },
    /// A node names a sink as its parent; sinks have no children.
    #[error("node {node} cannot have sink {parent} as its parent")]
    SinkAsParent {
        /// The child.
        node: String,
        /// The sink.
        parent: String,
    },
    /// A processor or sink without any parent.
    #[error("node {0} must have at least one parent")]
    NoParent(String),
    /// A source with no topics.
    #[error("source {0} must read at least one topic")]
    NoTopics(String),
    /// Two sources read the same topic.
    #[error("topic {topic} is already read by source {source_node}")]
    TopicAlreadyRegistered {
        /// The topic.
        topic: String,
        /// The source already reading it.
        source_node: String,
    },
    /// A store connected to a processor that does not exist or is not a processor.
    #[error("state store {store} is connected to unknown processor {processor}")]
    UnknownProcessor {
        /// The store.
        store: String,
        /// The missing processor.
        processor: String,
    },
    /// A processor connected to a store that was never added.
    #[error("processor {processor} is connected to unknown state store {store}")]
    UnknownStore {
        /// The processor.
        processor: String,
        /// The missing store.
        store: String,
    },
    /// A store that no processor uses.
    #[error("state store {0} is not connected to any processor")]
    StoreNotConnected(String),
    /// A source or sink without a serde and no default of its type in the config.
    #[error("node {node} has no {which} serde for {type_name} and no default is configured")]
    MissingSerde {
        /// The node.
        node: String,
        /// "key" or "value".
        which: &'static str,
        /// The Rust type needing a serde.
        type_name: &'static str,
    },
    /// A child takes another record type than its parent forwards.
    #[error("node {child} takes {expected} but parent {parent} forwards {found}")]
    TypeMismatch {
        /// The parent.
        parent: String,
        /// The child.
        child: String,
        /// What the child takes.
        expected: &'static str,
        /// What the parent forwards.
        found: &'static str,
    },
    /// A topic pattern that does not parse.
    #[error("invalid topic pattern {0}")]
    InvalidPattern(String),
    /// A topology without any source.
    #[error("topology has no source")]
    NoSources,
}
