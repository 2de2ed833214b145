//! The change-logging layer: every write that reaches it is also sent to the store's changelog
//! topic partition (Java's `ChangeLoggingKeyValueBytesStore`). For a timestamped store it logs
//! Java's layout (`ChangeLoggingTimestampedKeyValueBytesStore`): the plain value, with the
//! value's timestamp as the record timestamp, and restores by putting the timestamp back.

use std::ops::Bound;
use std::sync::Arc;

use bytes::Bytes;

use super::{ChangelogRecord, KeyValueBytesStore, RecordContext, StoreError};
use crate::processor::Headers;
use crate::task::{ProducerRecord, SharedCollector};

/// Logs writes to `<application.id>-<store>-changelog`, partition = the task's partition.
pub struct LoggingStore<S> {
    inner: S,
    topic: Arc<str>,
    partition: i32,
    collector: SharedCollector,
    timestamped: bool,
    /// Where to read the headers each write is logged with, if it is.
    record_headers: Option<Arc<RecordContext>>,
}

impl<S> LoggingStore<S> {
    /// Wraps `inner`, logging to `topic`-`partition` through `collector`.
    pub fn new(inner: S, topic: Arc<str>, partition: i32, collector: SharedCollector) -> Self {
        LoggingStore {
            inner,
            topic,
            partition,
            collector,
            timestamped: false,
            record_headers: None,
        }
    }

    /// Logs each write with the headers `record` holds when it is written.
    pub fn with_record_headers(mut self, record: Arc<RecordContext>) -> Self {
        self.record_headers = Some(record);
        self
    }

    /// Logs values of a timestamped store (8-byte timestamp, then the value) as Java does: the
    /// value alone, timestamped with its timestamp.
    pub fn timestamped(mut self) -> Self {
        self.timestamped = true;
        self
    }
}

/// Splits a timestamped store value into its timestamp and plain value.
fn split_timestamped(v: &Bytes) -> Option<(i64, Bytes)> {
    let ts: [u8; 8] = v.get(..8)?.try_into().ok()?;
    Some((i64::from_be_bytes(ts), v.slice(8..)))
}

impl<S: KeyValueBytesStore> KeyValueBytesStore for LoggingStore<S> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Bytes>, StoreError> {
        self.inner.get(key)
    }

    fn put(&mut self, key: Bytes, value: Option<Bytes>, timestamp: i64) -> Result<(), StoreError> {
        self.put_shared(&key, value, timestamp)
    }

    fn put_shared(
        &mut self,
        key: &Bytes,
        value: Option<Bytes>,
        timestamp: i64,
    ) -> Result<(), StoreError> {
        let (logged, log_ts) = match &value {
            Some(v) if self.timestamped => {
                let (ts, plain) =
                    split_timestamped(v).ok_or(StoreError::MalformedValue { len: v.len() })?;
                (Some(plain), ts)
            }
            other => (other.clone(), timestamp),
        };
        self.inner.put_shared(key, value, timestamp)?;
        let record = ProducerRecord {
            topic: self.topic.clone(),
            partition: Some(self.partition),
            key: Some(key.clone()),
            value: logged,
            timestamp: log_ts,
            headers: self
                .record_headers
                .as_ref()
                .map_or_else(Headers::new, |r| r.headers()),
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
    fn fetch_time_range(
        &mut self,
        from: i64,
        to: i64,
    ) -> Result<Option<Vec<(Bytes, Bytes)>>, StoreError> {
        self.inner.fetch_time_range(from, to)
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
        if !self.timestamped {
            return self.inner.restore(batch);
        }
        let stored: Vec<ChangelogRecord> = batch
            .iter()
            .map(|r| ChangelogRecord {
                value: r.value.as_ref().map(|v| {
                    let mut b = Vec::with_capacity(8 + v.len());
                    b.extend_from_slice(&r.timestamp.to_be_bytes());
                    b.extend_from_slice(v);
                    Bytes::from(b)
                }),
                ..r.clone()
            })
            .collect();
        self.inner.restore(&stored)
    }

    fn close(&mut self) -> Result<(), StoreError> {
        self.inner.close()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::state::InMemoryBytesStore;
    use crate::task::{CollectorError, RecordCollector};

    #[derive(Default)]
    struct Kept(Vec<ProducerRecord>);

    impl RecordCollector for Kept {
        fn send(&mut self, record: ProducerRecord) -> Result<(), CollectorError> {
            self.0.push(record);
            Ok(())
        }
        fn flush(&mut self) -> Result<(), CollectorError> {
            Ok(())
        }
        fn offset(&self, _: &str, _: i32) -> Option<i64> {
            None
        }
    }

    fn timestamped(value: &[u8], ts: i64) -> Bytes {
        let mut b = ts.to_be_bytes().to_vec();
        b.extend_from_slice(value);
        Bytes::from(b)
    }

    /// Java's timestamped changelog layout: plain value, value timestamp as record timestamp;
    /// restoring puts the timestamp back in front of the value.
    #[test]
    fn timestamped_store_logs_plain_values_and_restores_timestamps() {
        let kept = Arc::new(Mutex::new(Kept::default()));
        let collector: SharedCollector = kept.clone();
        let mut store = LoggingStore::new(
            InMemoryBytesStore::new(),
            Arc::from("app-s-changelog"),
            0,
            collector.clone(),
        )
        .timestamped();
        store
            .put(Bytes::from_static(b"k"), Some(timestamped(b"v", 30)), 5)
            .unwrap();
        store.put(Bytes::from_static(b"gone"), None, 7).unwrap();
        let logged: Vec<(Option<Bytes>, i64)> = kept
            .lock()
            .unwrap()
            .0
            .iter()
            .map(|r| (r.value.clone(), r.timestamp))
            .collect();
        assert_eq!(
            logged,
            vec![(Some(Bytes::from_static(b"v")), 30), (None, 7)]
        );
        assert!(matches!(
            store.put(
                Bytes::from_static(b"k"),
                Some(Bytes::from_static(b"short")),
                1
            ),
            Err(StoreError::MalformedValue { len: 5 })
        ));
        assert_eq!(store.get(b"k").unwrap(), Some(timestamped(b"v", 30)));

        let mut restored =
            LoggingStore::new(InMemoryBytesStore::new(), Arc::from("t"), 0, collector)
                .timestamped();
        restored
            .restore(&[ChangelogRecord {
                key: Bytes::from_static(b"k"),
                value: Some(Bytes::from_static(b"v")),
                offset: 0,
                timestamp: 30,
            }])
            .unwrap();
        assert_eq!(restored.get(b"k").unwrap(), Some(timestamped(b"v", 30)));
    }
}
