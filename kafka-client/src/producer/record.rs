//! What the user sends and what comes back (the future that brings it back is in
//! `delivery`).

use bytes::Bytes;

/// A record to send.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProducerRecord {
    /// The topic.
    pub topic: String,
    /// An explicit partition; `None` lets the partitioner choose (key hash or sticky).
    pub partition: Option<i32>,
    /// The serialized key.
    pub key: Option<Bytes>,
    /// The serialized value (`None` is a tombstone).
    pub value: Option<Bytes>,
    /// Headers, in order.
    pub headers: Vec<(String, Option<Bytes>)>,
    /// The create timestamp in ms; `None` means "now".
    pub timestamp: Option<i64>,
}

impl ProducerRecord {
    /// A record for `topic` with `value` and nothing else.
    pub fn new(topic: impl Into<String>, value: impl Into<Bytes>) -> Self {
        ProducerRecord {
            topic: topic.into(),
            value: Some(value.into()),
            ..Default::default()
        }
    }

    /// Sets the key.
    pub fn key(mut self, key: impl Into<Bytes>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Sets the partition.
    pub fn partition(mut self, p: i32) -> Self {
        self.partition = Some(p);
        self
    }

    /// Sets the timestamp.
    pub fn timestamp(mut self, ts: i64) -> Self {
        self.timestamp = Some(ts);
        self
    }

    /// Adds a header.
    pub fn header(mut self, key: impl Into<String>, value: Option<Bytes>) -> Self {
        self.headers.push((key.into(), value));
        self
    }

    /// Bytes this record will take in a batch, at most (the accounting unit of
    /// `buffer.memory` and the check against `max.request.size`).
    pub(crate) fn estimated_size(&self) -> usize {
        // Length, attributes, timestamp and offset deltas, key/value/header lengths: at most
        // 5 + 1 + 10 + 5 + 5 + 5 + 5 varint bytes, plus 10 per header.
        let mut n = 36 + self.key.as_ref().map_or(0, Bytes::len);
        n += self.value.as_ref().map_or(0, Bytes::len);
        for (k, v) in &self.headers {
            n += 10 + k.len() + v.as_ref().map_or(0, Bytes::len);
        }
        n
    }
}

/// Where an acknowledged record landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordMetadata {
    /// The partition.
    pub partition: i32,
    /// The offset, or -1 when unknown (`acks=0`, or a retried duplicate the broker
    /// recognised without telling the offset).
    pub offset: i64,
    /// The record timestamp: the create time sent, or the broker's log-append time.
    pub timestamp: i64,
}
