//! Where sinks and change-logging stores send records: a seam between the core and Kafka IO.

use std::sync::{Arc, Mutex};

use bytes::Bytes;

use crate::processor::Headers;

/// A record on its way to a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct ProducerRecord {
    /// Target topic.
    pub topic: Arc<str>,
    /// Target partition; `None` leaves it to the producer's partitioner.
    pub partition: Option<i32>,
    /// Key bytes; `None` is null.
    pub key: Option<Bytes>,
    /// Value bytes; `None` is null (a tombstone on compacted topics).
    pub value: Option<Bytes>,
    /// Record timestamp.
    pub timestamp: i64,
    /// Headers.
    pub headers: Headers,
}

/// Why a record could not be handed to Kafka.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CollectorError {
    /// The collector was closed.
    #[error("record collector is closed")]
    Closed,
    /// A record was sent with a negative timestamp, which Kafka rejects.
    #[error("invalid (negative) timestamp {timestamp} for output record to {topic}")]
    NegativeTimestamp {
        /// Target topic.
        topic: String,
        /// The timestamp.
        timestamp: i64,
    },
    /// The producer failed.
    #[error("send to {topic} failed")]
    Send {
        /// Target topic.
        topic: String,
        /// The producer's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Receives every record a task produces: sink output and changelog writes (Java's
/// `RecordCollector`). The runtime implements it over a producer; the test driver keeps records in
/// memory.
pub trait RecordCollector: Send + 'static {
    /// Hands over one record.
    fn send(&mut self, record: ProducerRecord) -> Result<(), CollectorError>;
    /// Blocks until every record sent so far is acknowledged.
    fn flush(&mut self) -> Result<(), CollectorError>;
    /// The offset of the last acknowledged record sent to `topic`-`partition`, if any; after a
    /// flush it is the changelog offset a store's data reflects.
    fn offset(&self, topic: &str, partition: i32) -> Option<i64>;
}

/// A collector shared by a task's sinks and stores.
pub type SharedCollector = Arc<Mutex<dyn RecordCollector>>;
