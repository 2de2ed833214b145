//! The typed key-value store handle (the metered/typed outer layer).

use std::ops::Bound;

use bytes::Bytes;

use super::access::{NO_HEADERS, StoreAccess};
use super::bytes::{prefix_successor, shared_copy, with_scratch};
use super::flush_forward::{FlushDecoder, read_opt, register, timestamped_change};
use super::metered::Op;
use super::{FlushedEntry, KeyValueBytesStore, StoreError};
use crate::error::StreamsError;
use crate::processor::{Change, ProcessorContext, Record};
use crate::serde::{Serde, SerdeError, ValueAndTimestamp};

/// Typed access to a key-value store; cheap to clone, all clones share the store.
///
/// Keys are ordered by their serialized bytes (unsigned lexicographic), as in Java.
pub struct KeyValueStore<K, V> {
    pub(crate) access: StoreAccess<K, V>,
}

/// A key-value store whose values carry the timestamp of their last update.
pub type TimestampedKeyValueStore<K, V> = KeyValueStore<K, ValueAndTimestamp<V>>;

impl<K, V> Clone for KeyValueStore<K, V> {
    fn clone(&self) -> Self {
        KeyValueStore {
            access: self.access.clone(),
        }
    }
}

impl<K, V> std::fmt::Debug for KeyValueStore<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyValueStore({})", self.access.name)
    }
}

pub(crate) fn serde_err(store: &str) -> impl Fn(SerdeError) -> StoreError + '_ {
    move |source| StoreError::Serde {
        store: store.to_owned(),
        source,
    }
}

impl<K: 'static, V: 'static> KeyValueStore<K, V> {
    pub(crate) fn new(access: StoreAccess<K, V>) -> Self {
        KeyValueStore { access }
    }

    /// The store name.
    pub fn name(&self) -> &str {
        &self.access.name
    }

    fn value_bytes(&self, value: &V) -> Result<Option<Bytes>, StoreError> {
        with_scratch(|out| {
            let written = self.access.write_value(value, out)?;
            Ok(written.then(|| shared_copy(out)))
        })
    }

    /// The value of `key`.
    pub fn get(&self, key: &K) -> Result<Option<V>, StoreError> {
        self.access.measure(Op::Get, || {
            let v = with_scratch(|k| {
                self.access.write_key(key, k)?;
                self.access.lock()?.get(k)
            })?;
            v.map(|v| self.access.read_value(&v)).transpose()
        })
    }

    /// Writes `value` under `key`; a value serializing to null deletes, as in Java.
    pub fn put(&self, key: &K, value: &V) -> Result<(), StoreError> {
        self.access
            .measure_put(Op::Put, || self.put_unmetered(key, value))
    }

    fn put_unmetered(&self, key: &K, value: &V) -> Result<(), StoreError> {
        // One scratch buffer: the value is copied out of it, then the key is written over it.
        with_scratch(|buf| {
            let v = self
                .access
                .write_value(value, buf)?
                .then(|| shared_copy(buf));
            self.access.write_key(key, buf)?;
            self.access.lock()?.put_borrowed(buf, v, self.access.now())
        })
    }

    /// Writes a null under `key`, deleting it without reading its old value (Java's
    /// `put(key, null)`, which meters as a put; [`Self::delete`] reads the old value and meters
    /// as a delete).
    pub fn put_null(&self, key: &K) -> Result<(), StoreError> {
        self.access.measure_put(Op::Put, || {
            with_scratch(|k| {
                self.access.write_key(key, k)?;
                self.access.lock()?.put_borrowed(k, None, self.access.now())
            })
        })
    }

    /// Writes `value` only if `key` has none; returns the existing value otherwise.
    pub fn put_if_absent(&self, key: &K, value: &V) -> Result<Option<V>, StoreError> {
        self.access
            .measure_put(Op::PutIfAbsent, || self.put_if_absent_unmetered(key, value))
    }

    fn put_if_absent_unmetered(&self, key: &K, value: &V) -> Result<Option<V>, StoreError> {
        let k = self.access.key_bytes(key)?;
        let mut s = self.access.lock()?;
        if let Some(old) = s.get(&k)? {
            drop(s);
            return self.access.read_value(&old).map(Some);
        }
        let v = self.value_bytes(value)?;
        s.put(k, v, self.access.now())?;
        Ok(None)
    }

    /// Writes all entries.
    pub fn put_all(&self, entries: &[(K, V)]) -> Result<(), StoreError> {
        self.access.measure(Op::PutAll, || {
            for (k, v) in entries {
                self.put_unmetered(k, v)?;
            }
            Ok(())
        })
    }

    /// Deletes `key`, returning its old value.
    pub fn delete(&self, key: &K) -> Result<Option<V>, StoreError> {
        self.access.measure(Op::Delete, || {
            let k = self.access.key_bytes(key)?;
            let mut s = self.access.lock()?;
            let old = s.get(&k)?;
            s.put(k, None, self.access.now())?;
            drop(s);
            old.map(|v| self.access.read_value(&v)).transpose()
        })
    }

    /// A range read, metered as `op` (Java serves it through an iterator).
    fn scan(
        &self,
        op: Op,
        from: Bound<&[u8]>,
        to: Bound<&[u8]>,
        reverse: bool,
    ) -> Result<Vec<(K, V)>, StoreError> {
        self.access.measure_iterator(op, || {
            let raw = self.access.lock()?.range(from, to, reverse)?;
            raw.iter()
                .map(|(k, v)| Ok((self.access.read_key(k)?, self.access.read_value(v)?)))
                .collect()
        })
    }

    fn bounds(
        &self,
        from: Option<&K>,
        to: Option<&K>,
    ) -> Result<(Option<Bytes>, Option<Bytes>), StoreError> {
        Ok((
            from.map(|k| self.access.key_bytes(k)).transpose()?,
            to.map(|k| self.access.key_bytes(k)).transpose()?,
        ))
    }

    /// Entries with keys from `from` to `to`, both inclusive (`None`: unbounded), ascending.
    /// `from` above `to` gives nothing, as in Java.
    pub fn range(&self, from: Option<&K>, to: Option<&K>) -> Result<Vec<(K, V)>, StoreError> {
        let (f, t) = self.bounds(from, to)?;
        self.scan(Op::Range, incl(&f), incl(&t), false)
    }

    /// Like [`Self::range`], descending.
    pub fn reverse_range(
        &self,
        from: Option<&K>,
        to: Option<&K>,
    ) -> Result<Vec<(K, V)>, StoreError> {
        let (f, t) = self.bounds(from, to)?;
        self.scan(Op::Range, incl(&f), incl(&t), true)
    }

    /// Every entry, ascending.
    pub fn all(&self) -> Result<Vec<(K, V)>, StoreError> {
        self.scan(Op::All, Bound::Unbounded, Bound::Unbounded, false)
    }

    /// Every entry, descending.
    pub fn reverse_all(&self) -> Result<Vec<(K, V)>, StoreError> {
        self.scan(Op::All, Bound::Unbounded, Bound::Unbounded, true)
    }

    /// Entries whose serialized key starts with the serialized `prefix`.
    pub fn prefix_scan<P: 'static>(
        &self,
        prefix: &P,
        prefix_serde: &dyn Serde<P>,
    ) -> Result<Vec<(K, V)>, StoreError> {
        let p = prefix_serde
            .serialize(&self.access.topic, &NO_HEADERS, prefix)
            .map_err(serde_err(&self.access.name))?
            .unwrap_or_default();
        let upper = prefix_successor(&p);
        let to = match &upper {
            Some(u) => Bound::Excluded(&u[..]),
            None => Bound::Unbounded,
        };
        self.scan(Op::PrefixScan, Bound::Included(&p[..]), to, false)
    }

    /// An estimate of the number of entries.
    pub fn approximate_num_entries(&self) -> Result<u64, StoreError> {
        self.access.lock()?.approximate_num_entries()
    }
}

fn incl(b: &Option<Bytes>) -> Bound<&[u8]> {
    match b {
        Some(b) => Bound::Included(&b[..]),
        None => Bound::Unbounded,
    }
}

/// Decodes a key-value store's flushed entries as `Record<K, Change<V>>` at the entry's
/// timestamp (Java's `CacheFlushListener`).
struct KvDecoder<K, V>(KeyValueStore<K, V>);

impl<K, V> FlushDecoder for KvDecoder<K, V>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    type Key = K;
    type Value = Change<V>;
    // Called once per flushed entry from the forwarder's loop; inlining it there keeps the
    // record from being built in one frame and moved into another.
    #[inline]
    fn decode(&self, e: &FlushedEntry) -> Result<Record<K, Change<V>>, StoreError> {
        let s = &self.0;
        let change = Change {
            new: read_opt(&e.new, |v| s.access.read_value(v))?,
            old: read_opt(&e.old, |v| s.access.read_value(v))?,
        };
        Ok(Record::new(s.access.read_key(&e.key)?, change, e.timestamp))
    }
}

impl<K, V> ProcessorContext<'_, K, Change<V>>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Forwards every entry the store's cache writes down (on commit or eviction) from this node
    /// as a `Record<K, Change<V>>` with the entry's timestamp (Java's cache flush listener).
    /// Returns whether the store has a cache; without one the processor forwards itself.
    ///
    /// Evictions during a `put` are forwarded when this processor's `process` returns, not in the
    /// middle of it as in Java.
    pub fn forward_cache_flushes(
        &mut self,
        store: &KeyValueStore<K, V>,
    ) -> Result<bool, StreamsError> {
        Ok(register(
            &mut self.inner,
            &store.access.inner,
            KvDecoder(store.clone()),
        )?)
    }
}

/// Decodes a timestamped store's flushed entries with plain values, each record at its new
/// value's timestamp, old values only when `send_old` (Java's `TimestampedCacheFlushListener`).
struct TimestampedKvDecoder<K, V> {
    store: TimestampedKeyValueStore<K, V>,
    send_old: bool,
}

impl<K, V> FlushDecoder for TimestampedKvDecoder<K, V>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    type Key = K;
    type Value = Change<V>;
    fn decode(&self, e: &FlushedEntry) -> Result<Record<K, Change<V>>, StoreError> {
        let s = &self.store;
        let (change, timestamp) = timestamped_change(e, self.send_old, |v| s.access.read_value(v))?;
        Ok(Record::new(s.access.read_key(&e.key)?, change, timestamp))
    }
}

impl<K, V> ProcessorContext<'_, K, Change<V>>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Like [`Self::forward_cache_flushes`] for a timestamped store: forwards
    /// `Record<K, Change<V>>` with plain values, timed by the new value's timestamp, and old
    /// values only when `send_old` (Java's `TimestampedCacheFlushListener`).
    pub fn forward_timestamped_cache_flushes(
        &mut self,
        store: &TimestampedKeyValueStore<K, V>,
        send_old: bool,
    ) -> Result<bool, StreamsError> {
        let decoder = TimestampedKvDecoder {
            store: store.clone(),
            send_old,
        };
        Ok(register(&mut self.inner, &store.access.inner, decoder)?)
    }
}
