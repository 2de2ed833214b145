//! The change-logging layer: every write that reaches it is also sent to the store's changelog
//! topic partition (Java's `ChangeLoggingKeyValueBytesStore`).

use std::ops::Bound;
use std::sync::Arc;

use bytes::Bytes;

use super::{ChangelogRecord, KeyValueBytesStore, StoreError};
use crate::processor::Headers;
use crate::task::{ProducerRecord, SharedCollector};

/// Logs writes to `<application.id>-<store>-changelog`, partition = the task's partition.
pub struct LoggingStore<S> {
    inner: S,
    topic: Arc<str>,
    partition: i32,
    collector: SharedCollector,
}

impl<S> LoggingStore<S> {
    /// Wraps `inner`, logging to `topic`-`partition` through `collector`.
    pub fn new(inner: S, topic: Arc<str>, partition: i32, collector: SharedCollector) -> Self {
        LoggingStore {
            inner,
            topic,
            partition,
            collector,
        }
    }
}

impl<S: KeyValueBytesStore> KeyValueBytesStore for LoggingStore<S> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Bytes>, StoreError> {
        self.inner.get(key)
    }

    fn put(&mut self, key: Bytes, value: Option<Bytes>, timestamp: i64) -> Result<(), StoreError> {
        self.inner.put(key.clone(), value.clone(), timestamp)?;
        let record = ProducerRecord {
            topic: self.topic.clone(),
            partition: Some(self.partition),
            key: Some(key),
            value,
            timestamp,
            headers: Headers::new(),
        };
        self.collector
            .lock()
            .map_err(|_| StoreError::Poisoned)?
            .send(record)
            .map_err(|e| StoreError::Changelog(Box::new(e)))
    }

    fn range(
        &mut self,
        from: Bound<&[u8]>,
        to: Bound<&[u8]>,
        reverse: bool,
    ) -> Result<Vec<(Bytes, Bytes)>, StoreError> {
        self.inner.range(from, to, reverse)
    }

    fn approximate_num_entries(&mut self) -> Result<u64, StoreError> {
        self.inner.approximate_num_entries()
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        self.inner.flush()
    }

    fn commit(&mut self, offset: Option<i64>, force: bool) -> Result<(), StoreError> {
        self.inner.commit(offset, force)
    }

    fn checkpoint(&self) -> Option<i64> {
        self.inner.checkpoint()
    }

    fn restore(&mut self, batch: &[ChangelogRecord]) -> Result<(), StoreError> {
        self.inner.restore(batch)
    }

    fn close(&mut self) -> Result<(), StoreError> {
        self.inner.close()
    }
}
