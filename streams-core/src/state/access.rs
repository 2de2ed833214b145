//! What the typed store handles (key-value, window, session) share: the store's name and the
//! topic its serdes see, the bytes stack behind its lock, the serdes, and the task's timestamp
//! of the record being processed.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, MutexGuard};

use bytes::Bytes;

use super::kv::serde_err;
use super::metered::{Op, StoreMeter};
use super::{KeyValueBytesStore, SharedBytesStore, StoreError};
use crate::processor::Headers;
use crate::serde::{SerdeError, SharedSerde};

/// Store serdes see no record headers, as in Java.
pub(crate) const NO_HEADERS: Headers = Headers::new();

/// A typed handle's view of its store.
pub(crate) struct StoreAccess<K, V> {
    pub(crate) name: Arc<str>,
    /// The topic serdes are called with (the changelog topic, as in Java).
    pub(crate) topic: Arc<str>,
    pub(crate) inner: SharedBytesStore,
    pub(crate) key: SharedSerde<K>,
    pub(crate) value: SharedSerde<V>,
    /// The timestamp of the record being processed, which writes are logged with.
    pub(crate) timestamp: Arc<AtomicI64>,
    /// The store's metrics, timing each operation when DEBUG metrics record.
    pub(crate) meter: Arc<StoreMeter>,
}

impl<K, V> Clone for StoreAccess<K, V> {
    fn clone(&self) -> Self {
        StoreAccess {
            name: self.name.clone(),
            topic: self.topic.clone(),
            inner: self.inner.clone(),
            key: self.key.clone(),
            value: self.value.clone(),
            timestamp: self.timestamp.clone(),
            meter: self.meter.clone(),
        }
    }
}

impl<K: 'static, V: 'static> StoreAccess<K, V> {
    #[inline]
    pub(crate) fn lock(&self) -> Result<MutexGuard<'_, Box<dyn KeyValueBytesStore>>, StoreError> {
        self.inner.lock().map_err(|_| StoreError::Poisoned)
    }

    /// `key` serialized; a key serializing to null is an error, as stores have no null keys.
    pub(crate) fn key_bytes(&self, key: &K) -> Result<Bytes, StoreError> {
        self.key
            .serialize(&self.topic, &NO_HEADERS, key)
            .map_err(serde_err(&self.name))?
            .ok_or_else(|| {
                serde_err(&self.name)(SerdeError::UnexpectedNull {
                    type_name: "store key",
                })
            })
    }

    /// Serializes `key` into `out` (emptied first).
    #[inline]
    pub(crate) fn write_key(&self, key: &K, out: &mut Vec<u8>) -> Result<(), StoreError> {
        out.clear();
        if self
            .key
            .serialize_into(&self.topic, &NO_HEADERS, key, out)
            .map_err(serde_err(&self.name))?
        {
            Ok(())
        } else {
            Err(serde_err(&self.name)(SerdeError::UnexpectedNull {
                type_name: "store key",
            }))
        }
    }

    /// `value` serialized; `None` for a value serializing to null (a delete).
    pub(crate) fn value_bytes(&self, value: &V) -> Result<Option<Bytes>, StoreError> {
        self.value
            .serialize(&self.topic, &NO_HEADERS, value)
            .map_err(serde_err(&self.name))
    }

    /// Serializes `value` into `out`; whether it is non-null.
    #[inline]
    pub(crate) fn write_value(&self, value: &V, out: &mut Vec<u8>) -> Result<bool, StoreError> {
        self.value
            .serialize_into(&self.topic, &NO_HEADERS, value, out)
            .map_err(serde_err(&self.name))
    }

    #[inline]
    pub(crate) fn read_key(&self, b: &Bytes) -> Result<K, StoreError> {
        self.key
            .deserialize(&self.topic, &NO_HEADERS, Some(b))
            .map_err(serde_err(&self.name))
    }

    /// Like [`Self::read_key`] for a key cut out of a composite stored key.
    pub(crate) fn read_key_slice(&self, b: &[u8]) -> Result<K, StoreError> {
        self.read_key(&Bytes::copy_from_slice(b))
    }

    #[inline]
    pub(crate) fn read_value(&self, b: &Bytes) -> Result<V, StoreError> {
        self.value
            .deserialize(&self.topic, &NO_HEADERS, Some(b))
            .map_err(serde_err(&self.name))
    }

    /// The timestamp of the record being processed.
    #[inline]
    pub(crate) fn now(&self) -> i64 {
        self.timestamp.load(Ordering::Relaxed)
    }

    /// Runs `f` as the store operation `op` (see [`StoreMeter::measure`]); bare, inlined, below
    /// DEBUG.
    #[inline(always)]
    pub(crate) fn measure<R>(&self, op: Op, f: impl FnOnce() -> R) -> R {
        if self.meter.timed() {
            self.meter.measure(op, f)
        } else {
            f()
        }
    }

    /// Runs `f` as a read Java serves through an iterator.
    #[inline(always)]
    pub(crate) fn measure_iterator<R>(&self, op: Op, f: impl FnOnce() -> R) -> R {
        if self.meter.timed() {
            self.meter.measure_iterator(op, f)
        } else {
            f()
        }
    }

    /// Runs `f` as a write of the record being processed.
    #[inline(always)]
    pub(crate) fn measure_put<R>(&self, op: Op, f: impl FnOnce() -> R) -> R {
        if self.meter.timed() {
            self.meter.measure_put(op, &self.timestamp, f)
        } else {
            f()
        }
    }
}
