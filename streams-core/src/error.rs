//! The error type of running a topology.

use crate::serde::SerdeError;
use crate::state::StoreError;
use crate::task::CollectorError;
use crate::topology::TopologyError;

/// Why processing stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamsError {
    /// The topology is invalid.
    #[error(transparent)]
    Topology(#[from] TopologyError),
    /// A state store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Sending a record to a sink or changelog failed.
    #[error(transparent)]
    Collector(#[from] CollectorError),
    /// A record could not be deserialized and the handler said to fail.
    #[error("deserialization failed for {topic}-{partition}@{offset}")]
    Deserialization {
        /// Source topic.
        topic: String,
        /// Source partition.
        partition: i32,
        /// Offset of the record.
        offset: i64,
        /// What was wrong with the bytes.
        #[source]
        source: SerdeError,
    },
    /// A value could not be serialized for a sink or store.
    #[error("serialization failed for topic {topic}")]
    Serialization {
        /// The target topic (or store name).
        topic: String,
        /// What went wrong.
        #[source]
        source: SerdeError,
    },
    /// The timestamp extractor rejected a record's timestamp.
    #[error("invalid (negative) timestamp {timestamp} on {topic}-{partition}@{offset}")]
    InvalidTimestamp {
        /// Source topic.
        topic: String,
        /// Source partition.
        partition: i32,
        /// Offset of the record.
        offset: i64,
        /// The timestamp it carried.
        timestamp: i64,
    },
    /// `forward_to` named a node that is not a child of the forwarding node.
    #[error("unknown downstream node {child} of {node}")]
    UnknownChild {
        /// The forwarding node.
        node: String,
        /// The name that is not its child.
        child: String,
    },
    /// A processor asked for a store that is not connected to it.
    #[error("processor {node} has no access to state store {store}")]
    StoreNotConnected {
        /// The processor.
        node: String,
        /// The store.
        store: String,
    },
    /// A processor asked for a store as the wrong type.
    #[error("state store {store} is not a {expected}")]
    StoreTypeMismatch {
        /// The store.
        store: String,
        /// The type that was asked for.
        expected: &'static str,
    },
    /// A record reached a node typed for another record type.
    #[error("node {node} received a record that is not a {expected}")]
    RecordTypeMismatch {
        /// The receiving node.
        node: String,
        /// The type it takes.
        expected: &'static str,
    },
    /// A node was reached again while it was processing: the topology forwards in a cycle.
    #[error("node {0} was re-entered while processing")]
    Reentered(String),
    /// A punctuation interval below one millisecond.
    #[error("punctuation interval must be at least 1ms")]
    InvalidPunctuationInterval,
    /// A record was piped to a topic no source reads.
    #[error("unknown topic {0}: no source or global source reads it")]
    UnknownTopic(String),
    /// A processor's own failure.
    #[error("processor {node} failed")]
    Processor {
        /// The processor.
        node: String,
        /// Its error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}
