//! The caching layer: a write-back cache per store sharing one byte budget per task
//! (`statestore.cache.max.bytes`), as Kafka Streams' `ThreadCache`/`NamedCache` do.
//!
//! Updates to the same key between commits collapse into one entry; dirty entries are written to
//! the layers below on commit (in the order they first became dirty), or all at once when a dirty
//! entry is evicted to stay within budget. With forwarding on, each written entry is also queued
//! as a [`FlushedEntry`] for the owning processor to forward downstream.

use std::collections::VecDeque;
use std::ops::Bound;
use std::ops::RangeBounds;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;

use super::bytes::{empty_range, merge_sorted, shared_copy};
use crate::key_hash::KeyMap;
use super::{ChangelogRecord, FlushedEntry, KeyValueBytesStore, StoreError};

/// Per-entry bookkeeping counted against the budget besides key and value bytes, roughly what
/// Java's `LRUCacheEntry` charges for its fields.
const ENTRY_OVERHEAD: usize = 64;

/// The byte budget shared by all caches of a task.
#[derive(Debug)]
pub struct CacheBudget {
    max: usize,
    used: AtomicUsize,
}

impl CacheBudget {
    /// A budget of `max` bytes.
    pub fn new(max: usize) -> Self {
        CacheBudget {
            max,
            used: AtomicUsize::new(0),
        }
    }
    /// Bytes in use across the task's caches.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }
    fn over(&self) -> bool {
        self.used() > self.max
    }
}

struct Entry {
    /// The key again, so a lookup by `&[u8]` can push it to the LRU queue without a copy.
    key: Bytes,
    value: Option<Bytes>,
    timestamp: i64,
    dirty: bool,
    tick: u64,
    /// The value in the store below, when known (always for clean entries): the old value a
    /// flush forwards without reading the store again.
    below: Option<Option<Bytes>>,
}

fn entry_size(key: &Bytes, value: &Option<Bytes>) -> usize {
    key.len() + value.as_ref().map_or(0, Bytes::len) + ENTRY_OVERHEAD
}

/// A cache in front of `S`.
pub struct CachingStore<S> {
    inner: S,
    budget: Arc<CacheBudget>,
    map: KeyMap<Bytes, Entry>,
    /// Access order, oldest first, with stale pairs: a pair is live only while its tick equals the
    /// entry's, so a touch is one push instead of a remove and an insert.
    lru: VecDeque<(u64, Bytes)>,
    dirty: Vec<Bytes>,
    next_tick: u64,
    bytes: usize,
    forward: bool,
    flushed: Vec<FlushedEntry>,
    /// Entries evicted so far.
    pub evictions: u64,
}

impl<S: KeyValueBytesStore> CachingStore<S> {
    /// Wraps `inner`, charging `budget`.
    pub fn new(inner: S, budget: Arc<CacheBudget>) -> Self {
        CachingStore {
            inner,
            budget,
            map: KeyMap::default(),
            lru: VecDeque::new(),
            dirty: Vec::new(),
            next_tick: 0,
            bytes: 0,
            forward: false,
            flushed: Vec::new(),
            evictions: 0,
        }
    }

    /// Drops stale access pairs once they outnumber live entries.
    fn maybe_compact(&mut self) {
        if self.lru.len() > 4 * self.map.len() + 64 {
            let mut live: Vec<(u64, Bytes)> =
                self.map.iter().map(|(k, e)| (e.tick, k.clone())).collect();
            live.sort_unstable_by_key(|(t, _)| *t);
            self.lru = live.into();
        }
    }

    /// The least recently used live key.
    fn eldest(&mut self) -> Option<Bytes> {
        while let Some((tick, key)) = self.lru.front() {
            if self.map.get(key).is_some_and(|e| e.tick == *tick) {
                return Some(key.clone());
            }
            self.lru.pop_front();
        }
        None
    }

    fn charge(&mut self, add: usize, sub: usize) {
        self.bytes = self.bytes + add - sub;
        if add >= sub {
            self.budget.used.fetch_add(add - sub, Ordering::Relaxed);
        } else {
            self.budget.used.fetch_sub(sub - add, Ordering::Relaxed);
        }
    }

    fn remove_entry(&mut self, key: &Bytes) {
        if let Some(e) = self.map.remove(key) {
            let size = entry_size(key, &e.value);
            self.charge(0, size);
        }
    }

    fn insert(&mut self, key: Bytes, value: Option<Bytes>, timestamp: i64, dirty: bool) {
        self.insert_with(&key, || key.clone(), value, timestamp, dirty);
    }

    /// Writes an entry under `key`; `owned` makes the map's copy of the key only when the entry
    /// is new, so updating a cached key allocates nothing for it.
    fn insert_with(
        &mut self,
        key: &[u8],
        owned: impl FnOnce() -> Bytes,
        value: Option<Bytes>,
        timestamp: i64,
        dirty: bool,
    ) {
        let size = key.len() + value.as_ref().map_or(0, Bytes::len) + ENTRY_OVERHEAD;
        let tick = self.next_tick;
        self.next_tick += 1;
        let (old_size, was_dirty, key) = match self.map.get_mut(key) {
            Some(e) => {
                let old_size = entry_size(&e.key, &e.value);
                let was_dirty = e.dirty;
                let old_value = std::mem::replace(&mut e.value, value);
                if !dirty {
                    e.below = Some(e.value.clone());
                } else if !was_dirty {
                    // The replaced clean value is what the store below holds.
                    e.below = Some(old_value);
                }
                e.timestamp = timestamp;
                e.dirty = dirty;
                e.tick = tick;
                (old_size, was_dirty, e.key.clone())
            }
            None => {
                let key = owned();
                let below = (!dirty).then(|| value.clone());
                self.map.insert(
                    key.clone(),
                    Entry {
                        key: key.clone(),
                        value,
                        timestamp,
                        dirty,
                        tick,
                        below,
                    },
                );
                (0, false, key)
            }
        };
        self.charge(size, old_size);
        if dirty && !was_dirty {
            self.dirty.push(key.clone());
        }
        self.lru.push_back((tick, key));
        self.maybe_compact();
    }

    /// Writes every dirty entry below, oldest-dirtied first; deleted entries leave the cache.
    fn flush_dirty(&mut self) -> Result<(), StoreError> {
        // Drain into a local buffer and hand it back afterwards to keep its capacity; writing
        // below never dirties this cache again.
        let mut dirty = std::mem::take(&mut self.dirty);
        for key in dirty.drain(..) {
            let Some(e) = self.map.get_mut(&key) else {
                continue;
            };
            if !e.dirty {
                continue;
            }
            e.dirty = false;
            let (value, timestamp) = (e.value.clone(), e.timestamp);
            let below = e.below.replace(value.clone());
            let old = match (self.forward, below) {
                (false, _) => None,
                (true, Some(known)) => known,
                (true, None) => self.inner.get(&key)?,
            };
            let deleted = value.is_none();
            if self.forward {
                self.inner.put(key.clone(), value.clone(), timestamp)?;
                if deleted {
                    self.remove_entry(&key);
                }
                // The drained key and the value move into the entry: no further refcount churn.
                self.flushed.push(FlushedEntry {
                    key,
                    new: value,
                    old,
                    timestamp,
                });
            } else {
                self.inner.put(key.clone(), value, timestamp)?;
                if deleted {
                    self.remove_entry(&key);
                }
            }
        }
        if self.dirty.is_empty() {
            self.dirty = dirty;
        }
        Ok(())
    }

    /// Evicts least-recently-used entries of this cache while the task's budget is exceeded;
    /// evicting a dirty entry flushes all dirty entries first, as Java's `NamedCache` does.
    fn maybe_evict(&mut self) -> Result<(), StoreError> {
        while self.budget.over() {
            let Some(key) = self.eldest() else {
                return Ok(());
            };
            if self.map.get(&key).is_some_and(|e| e.dirty) {
                self.flush_dirty()?;
            }
            self.remove_entry(&key);
            self.evictions += 1;
        }
        Ok(())
    }
}

impl<S: KeyValueBytesStore> KeyValueBytesStore for CachingStore<S> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Bytes>, StoreError> {
        if let Some(e) = self.map.get_mut(key) {
            e.tick = self.next_tick;
            self.lru.push_back((self.next_tick, e.key.clone()));
            self.next_tick += 1;
            let v = e.value.clone();
            self.maybe_compact();
            return Ok(v);
        }
        let v = self.inner.get(key)?;
        if let Some(v) = &v {
            self.insert_with(key, || shared_copy(key), Some(v.clone()), -1, false);
            self.maybe_evict()?;
        }
        Ok(v)
    }

    fn put(&mut self, key: Bytes, value: Option<Bytes>, timestamp: i64) -> Result<(), StoreError> {
        self.insert(key, value, timestamp, true);
        self.maybe_evict()
    }

    fn put_borrowed(
        &mut self,
        key: &[u8],
        value: Option<Bytes>,
        timestamp: i64,
    ) -> Result<(), StoreError> {
        self.insert_with(key, || shared_copy(key), value, timestamp, true);
        self.maybe_evict()
    }

    fn range(
        &mut self,
        from: Bound<&[u8]>,
        to: Bound<&[u8]>,
        reverse: bool,
    ) -> Result<Vec<(Bytes, Bytes)>, StoreError> {
        if empty_range(from, to) {
            return Ok(Vec::new());
        }
        let base = self.inner.range(from, to, reverse)?;
        // Only dirty entries can differ from the store below; there are few between commits, so
        // they are filtered and sorted here rather than kept in an ordered index on every put.
        let bounds = (from, to);
        let mut cached: Vec<(Bytes, Option<Bytes>)> = self
            .dirty
            .iter()
            .filter(|k| RangeBounds::<[u8]>::contains(&bounds, &k[..]))
            .filter_map(|k| self.map.get(k).map(|e| (k.clone(), e.value.clone())))
            .collect();
        cached.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if reverse {
            cached.reverse();
        }
        Ok(merge_sorted(base, cached, reverse))
    }

    /// The store below's estimate, ignoring unflushed entries, as Java's caching store does.
    fn approximate_num_entries(&mut self) -> Result<u64, StoreError> {
        self.inner.approximate_num_entries()
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        self.flush_dirty()?;
        self.inner.flush()
    }

    fn commit(&mut self, offset: Option<i64>, force: bool) -> Result<(), StoreError> {
        self.inner.commit(offset, force)
    }

    fn checkpoint(&self) -> Option<i64> {
        self.inner.checkpoint()
    }

    fn restore(&mut self, batch: &[ChangelogRecord]) -> Result<(), StoreError> {
        // Restoration writes below the cache; drop cached copies of the keys it changes.
        for r in batch {
            if self.map.get(&r.key).is_some_and(|e| !e.dirty) {
                self.remove_entry(&r.key);
            }
        }
        self.inner.restore(batch)
    }

    fn close(&mut self) -> Result<(), StoreError> {
        self.flush_dirty()?;
        let keys: Vec<Bytes> = self.map.keys().cloned().collect();
        for k in keys {
            self.remove_entry(&k);
        }
        self.inner.close()
    }

    fn enable_flush_forwarding(&mut self) -> bool {
        self.forward = true;
        true
    }

    fn drain_flushed(&mut self, out: &mut Vec<FlushedEntry>) {
        out.append(&mut self.flushed);
    }
}

impl<S> Drop for CachingStore<S> {
    fn drop(&mut self) {
        self.budget.used.fetch_sub(self.bytes, Ordering::Relaxed);
    }
}
