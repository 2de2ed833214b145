//! Records as processors see them: a typed key and value with a timestamp and headers.

use bytes::Bytes;
use std::sync::Arc;

/// One record header: a key and nullable bytes. Kafka allows repeated keys, so order is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Header key.
    pub key: String,
    /// Header value; `None` is Kafka's null.
    pub value: Option<Bytes>,
}

/// The headers of a record, in order. Empty headers do not allocate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<Header>);

impl Headers {
    /// No headers.
    pub const fn new() -> Self {
        Headers(Vec::new())
    }
    /// Appends a header, keeping any earlier one with the same key.
    pub fn add(&mut self, key: impl Into<String>, value: Option<Bytes>) -> &mut Self {
        self.0.push(Header {
            key: key.into(),
            value,
        });
        self
    }
    /// Removes every header with `key`.
    pub fn remove(&mut self, key: &str) -> &mut Self {
        self.0.retain(|h| h.key != key);
        self
    }
    /// The last header with `key`, as Java's `Headers.lastHeader`.
    pub fn last(&self, key: &str) -> Option<&Header> {
        self.0.iter().rev().find(|h| h.key == key)
    }
    /// All headers in order.
    pub fn iter(&self) -> impl Iterator<Item = &Header> {
        self.0.iter()
    }
    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<Header> for Headers {
    fn from_iter<I: IntoIterator<Item = Header>>(iter: I) -> Self {
        Headers(iter.into_iter().collect())
    }
}

/// A typed record flowing between processors (Java's `api.Record`).
#[derive(Debug, Clone, PartialEq)]
pub struct Record<K, V> {
    /// The key.
    pub key: K,
    /// The value.
    pub value: V,
    /// Milliseconds since the epoch; drives stream time.
    pub timestamp: i64,
    /// The headers.
    pub headers: Headers,
}

impl<K, V> Record<K, V> {
    /// A record without headers.
    pub fn new(key: K, value: V, timestamp: i64) -> Self {
        Record {
            key,
            value,
            timestamp,
            headers: Headers::new(),
        }
    }
    /// The same record with another key.
    pub fn with_key<K2>(self, key: K2) -> Record<K2, V> {
        Record {
            key,
            value: self.value,
            timestamp: self.timestamp,
            headers: self.headers,
        }
    }
    /// The same record with another value.
    pub fn with_value<V2>(self, value: V2) -> Record<K, V2> {
        Record {
            key: self.key,
            value,
            timestamp: self.timestamp,
            headers: self.headers,
        }
    }
    /// The same record with another timestamp.
    pub fn with_timestamp(mut self, timestamp: i64) -> Self {
        self.timestamp = timestamp;
        self
    }
    /// The same record with other headers.
    #[inline]
    pub fn with_headers(mut self, headers: Headers) -> Self {
        self.headers = headers;
        self
    }
}

/// Where the record being processed came from (Java's `RecordMetadata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMetadata {
    /// The source topic.
    pub topic: Arc<str>,
    /// The source partition.
    pub partition: i32,
    /// The offset in that partition.
    pub offset: i64,
}

/// A record as it comes from a topic: nullable key and value bytes plus where it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumedRecord {
    /// The topic.
    pub topic: Arc<str>,
    /// The partition.
    pub partition: i32,
    /// The offset.
    pub offset: i64,
    /// The timestamp the record carries (create or log-append time).
    pub timestamp: i64,
    /// Key bytes; `None` is null.
    pub key: Option<Bytes>,
    /// Value bytes; `None` is null.
    pub value: Option<Bytes>,
    /// The headers.
    pub headers: Headers,
}

/// A new value and, when known, the value it replaced; what a cache flush forwards
/// (Java's internal `Change`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<V> {
    /// The value now in the store; `None` for a delete.
    pub new: Option<V>,
    /// The value before; `None` if there was none.
    pub old: Option<V>,
}
