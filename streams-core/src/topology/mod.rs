//! Topologies: sources, processors, sinks and state stores, validated when built and grouped into
//! sub-topologies (Java's `Topology` and `InternalTopologyBuilder`).

mod builder;
mod describe;
mod error;
mod nodes;
mod pattern;

pub use builder::{
    Consumed, Produced, SinkPartitioner, SourceTopics, TopicNameExtractor, Topology,
    TopologyBuilder,
};
pub use describe::TopologyDescription;
pub use error::TopologyError;
pub use pattern::TopicPattern;

pub(crate) use builder::NodeKind;
pub(crate) use nodes::{NodeEnv, RecordDeserializer};
