//! Typed input and output topics of the test driver (Java's `TestInputTopic`/`TestOutputTopic`).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use crate::processor::Headers;
use crate::serde::SharedSerde;

use super::{DriverError, Inner};

/// A record as test topics take and give it.
#[derive(Debug, Clone, PartialEq)]
pub struct TestRecord<K, V> {
    /// The key.
    pub key: K,
    /// The value.
    pub value: V,
    /// The timestamp.
    pub timestamp: i64,
    /// The headers.
    pub headers: Headers,
}

/// Pipes typed records into a topic.
pub struct TestInputTopic<K, V> {
    inner: Rc<RefCell<Inner>>,
    topic: String,
    key: SharedSerde<K>,
    value: SharedSerde<V>,
    current_time: i64,
    advance: i64,
}

impl<K: 'static, V: 'static> TestInputTopic<K, V> {
    pub(crate) fn new(
        inner: Rc<RefCell<Inner>>,
        topic: &str,
        key: SharedSerde<K>,
        value: SharedSerde<V>,
        start: i64,
        advance: Duration,
    ) -> Self {
        TestInputTopic {
            inner,
            topic: topic.to_owned(),
            key,
            value,
            current_time: start,
            advance: i64::try_from(advance.as_millis()).unwrap_or(i64::MAX),
        }
    }

    fn next_time(&mut self) -> i64 {
        let t = self.current_time;
        self.current_time = self.current_time.saturating_add(self.advance);
        t
    }

    /// Moves the time of records piped without a timestamp.
    pub fn advance_time(&mut self, by: Duration) {
        self.current_time = self
            .current_time
            .saturating_add(i64::try_from(by.as_millis()).unwrap_or(i64::MAX));
    }

    /// Pipes a record and processes it fully.
    pub fn pipe_record(&mut self, record: TestRecord<K, V>) -> Result<(), DriverError> {
        let k = self
            .key
            .serialize(&self.topic, &record.headers, &record.key)?;
        let v = self
            .value
            .serialize(&self.topic, &record.headers, &record.value)?;
        self.inner
            .borrow_mut()
            .pipe(&self.topic, k, v, record.timestamp, record.headers)
    }

    /// Pipes a key and value at the topic's current time.
    pub fn pipe_input(&mut self, key: K, value: V) -> Result<(), DriverError> {
        let timestamp = self.next_time();
        self.pipe_record(TestRecord {
            key,
            value,
            timestamp,
            headers: Headers::new(),
        })
    }

    /// Pipes a key and value with an explicit timestamp.
    pub fn pipe_input_at(&mut self, key: K, value: V, timestamp: i64) -> Result<(), DriverError> {
        self.pipe_record(TestRecord {
            key,
            value,
            timestamp,
            headers: Headers::new(),
        })
    }

    /// Pipes a value with a null key at the topic's current time.
    pub fn pipe_value(&mut self, value: V) -> Result<(), DriverError> {
        let timestamp = self.next_time();
        let headers = Headers::new();
        let v = self.value.serialize(&self.topic, &headers, &value)?;
        self.inner
            .borrow_mut()
            .pipe(&self.topic, None, v, timestamp, headers)
    }

    /// Pipes raw bytes (for example, bytes that do not deserialize) at an explicit timestamp.
    pub fn pipe_raw(
        &mut self,
        key: Option<bytes::Bytes>,
        value: Option<bytes::Bytes>,
        timestamp: i64,
    ) -> Result<(), DriverError> {
        self.inner
            .borrow_mut()
            .pipe(&self.topic, key, value, timestamp, Headers::new())
    }

    /// Pipes each pair in order at the topic's current time.
    pub fn pipe_key_value_list(
        &mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<(), DriverError> {
        for (k, v) in pairs {
            self.pipe_input(k, v)?;
        }
        Ok(())
    }
}

/// Reads typed records from a topic the topology produced to.
pub struct TestOutputTopic<K, V> {
    inner: Rc<RefCell<Inner>>,
    topic: String,
    key: SharedSerde<K>,
    value: SharedSerde<V>,
}

impl<K: 'static, V: 'static> TestOutputTopic<K, V> {
    pub(crate) fn new(
        inner: Rc<RefCell<Inner>>,
        topic: &str,
        key: SharedSerde<K>,
        value: SharedSerde<V>,
    ) -> Self {
        TestOutputTopic {
            inner,
            topic: topic.to_owned(),
            key,
            value,
        }
    }

    /// Reads the next record.
    pub fn read_record(&mut self) -> Result<TestRecord<K, V>, DriverError> {
        let r = self
            .inner
            .borrow_mut()
            .pop_output(&self.topic)
            .ok_or_else(|| DriverError::NoRecord(self.topic.clone()))?;
        Ok(TestRecord {
            key: self
                .key
                .deserialize(&self.topic, &r.headers, r.key.as_ref())?,
            value: self
                .value
                .deserialize(&self.topic, &r.headers, r.value.as_ref())?,
            timestamp: r.timestamp,
            headers: r.headers,
        })
    }

    /// Reads the next key and value.
    pub fn read_key_value(&mut self) -> Result<(K, V), DriverError> {
        self.read_record().map(|r| (r.key, r.value))
    }

    /// Reads the next value.
    pub fn read_value(&mut self) -> Result<V, DriverError> {
        self.read_record().map(|r| r.value)
    }

    /// Reads every remaining record.
    pub fn read_records_to_list(&mut self) -> Result<Vec<TestRecord<K, V>>, DriverError> {
        let mut out = Vec::new();
        while !self.is_empty() {
            out.push(self.read_record()?);
        }
        Ok(out)
    }

    /// Reads every remaining key and value.
    pub fn read_key_values_to_list(&mut self) -> Result<Vec<(K, V)>, DriverError> {
        Ok(self
            .read_records_to_list()?
            .into_iter()
            .map(|r| (r.key, r.value))
            .collect())
    }

    /// Reads every remaining value.
    pub fn read_values_to_list(&mut self) -> Result<Vec<V>, DriverError> {
        Ok(self
            .read_records_to_list()?
            .into_iter()
            .map(|r| r.value)
            .collect())
    }

    /// Reads every remaining record into a map, later keys overwriting earlier ones.
    pub fn read_key_values_to_map(&mut self) -> Result<std::collections::HashMap<K, V>, DriverError>
    where
        K: std::hash::Hash + Eq,
    {
        Ok(self.read_key_values_to_list()?.into_iter().collect())
    }

    /// Whether no record is left to read.
    pub fn is_empty(&self) -> bool {
        self.queue_size() == 0
    }

    /// How many records are left to read.
    pub fn queue_size(&self) -> usize {
        self.inner.borrow().output_len(&self.topic)
    }
}
