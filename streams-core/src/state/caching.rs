//! The caching layer: a write-back cache per store sharing one byte budget per task
//! (`statestore.cache.max.bytes`), as Kafka Streams' `ThreadCache`/`NamedCache` do.
//!
//! Updates to the same key between commits collapse into one entry; dirty entries are written to
//! the layers below on commit (in the order of each key's last write, as Java's), or all at once when a dirty
//! entry is evicted to stay within budget. With forwarding on, each written entry is also queued
//! as a [`FlushedEntry`] for the owning processor to forward downstream.

use std::collections::BTreeSet;
use std::ops::Bound;
use std::ops::RangeBounds;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use bytes::Bytes;

use super::bytes::{empty_range, merge_sorted, shared_copy};
use super::metered::CacheMeter;
use super::{
    ChangelogRecord, FlushedEntry, KeyValueBytesStore, MetaRef, RecordContext, StoreError,
};
use crate::key_hash::KeyMap;
use crate::processor::Headers;

/// Per-entry bookkeeping counted against the budget besides key and value bytes, roughly what
/// Java's `LRUCacheEntry` charges for its fields.
const ENTRY_OVERHEAD: usize = 64;

/// The byte budget shared by all caches of a task.
#[derive(Debug)]
pub struct CacheBudget {
    max: usize,
    used: AtomicUsize,
    /// Characters of the topic of the record being processed, which Java's cache counts in
    /// each entry's size; set by the task only while DEBUG metrics record.
    record_topic_chars: AtomicU32,
}

impl CacheBudget {
    /// A budget of `max` bytes.
    pub fn new(max: usize) -> Self {
        CacheBudget {
            max,
            used: AtomicUsize::new(0),
            record_topic_chars: AtomicU32::new(0),
        }
    }
    /// Sets the length in characters of the topic of the record being processed (0 in a
    /// punctuator), for the caches' `cache-size-bytes-total`.
    pub(crate) fn set_record_topic(&self, topic: &str) {
        let chars = u32::try_from(topic.encode_utf16().count()).unwrap_or(u32::MAX);
        self.record_topic_chars.store(chars, Ordering::Relaxed);
    }
    fn record_topic_chars(&self) -> u32 {
        self.record_topic_chars.load(Ordering::Relaxed)
    }
    /// Bytes in use across the task's caches.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }
    fn over(&self) -> bool {
        self.used() > self.max
    }
}

/// Stale dirty-write pairs tolerated beyond the live ones before the queue is compacted.
const DIRTY_SLACK: usize = 32;

/// No slot: the end of the access list.
const NIL: usize = usize::MAX;

/// One cached entry in the slab, linked into the access list.
struct Slot {
    key: Bytes,
    value: Option<Bytes>,
    timestamp: i64,
    dirty: bool,
    /// The number of the entry's last dirty write (see [`CachingStore::dirty`]).
    dirty_seq: u64,
    /// For a dirty entry, the value in the store below when known: the old value a flush
    /// forwards without reading the store again. A clean entry's value is the one below, so this
    /// is `None` then (saving a clone per flush).
    below: Option<Option<Bytes>>,
    /// Neighbours in access order (`prev` is older); `NIL` at the ends.
    prev: usize,
    next: usize,
    /// Java's estimate of the entry's size, kept while the cache's metrics record (see
    /// [`CacheMeter`]); 0 otherwise.
    java_size: u32,
    /// For a dirty entry, the headers and metadata of the record that wrote it, forwarded with
    /// it when it flushes.
    headers: Headers,
    meta: MetaRef,
}

fn entry_size(key: &[u8], value: &Option<Bytes>) -> usize {
    key.len() + value.as_ref().map_or(0, Bytes::len) + ENTRY_OVERHEAD
}

/// A cache in front of `S`.
///
/// Entries live in a slab linked in access order (a touch relinks one slot: no allocation, no
/// queue to compact); the map finds a key's slot.
pub struct CachingStore<S> {
    inner: S,
    budget: Arc<CacheBudget>,
    map: KeyMap<Bytes, usize>,
    slots: Vec<Slot>,
    /// Slots of removed entries, for reuse.
    free: Vec<usize>,
    /// Least and most recently used slots.
    eldest: usize,
    newest: usize,
    /// Dirty writes in order, as (slot, write number): Java's cache moves a key to the end of its
    /// dirty set on every dirty write, so a flush follows each key's last write. A key rewritten
    /// leaves its earlier pair behind, stale (its number no longer the slot's `dirty_seq`); the
    /// queue is compacted when stale pairs outnumber live ones. An entry is never removed while
    /// dirty, so the live pairs' slots stay valid until the flush drains them.
    dirty: Vec<(usize, u64)>,
    /// Dirty writes so far (numbers the pairs in `dirty`).
    dirty_writes: u64,
    /// Dirty entries now.
    dirty_count: usize,
    bytes: usize,
    forward: bool,
    flushed: Vec<FlushedEntry>,
    /// Keys of flushed deletes still cached until their flush is forwarded.
    flushed_deletes: Vec<Bytes>,
    /// Entries evicted so far.
    pub evictions: u64,
    /// Read hits and misses and Java's size estimate, for the cache's metrics.
    meter: CacheMeter,
    /// The task's record being processed, whose headers and metadata a write keeps.
    record: Option<Arc<RecordContext>>,
    /// Every cached key in order, kept only in front of a window or session store (see
    /// [`Self::time_ordered`]).
    ordered: Option<BTreeSet<Bytes>>,
}

impl<S: KeyValueBytesStore> CachingStore<S> {
    /// Wraps `inner`, charging `budget`.
    pub fn new(inner: S, budget: Arc<CacheBudget>) -> Self {
        CachingStore {
            inner,
            budget,
            map: KeyMap::default(),
            slots: Vec::new(),
            free: Vec::new(),
            eldest: NIL,
            newest: NIL,
            dirty: Vec::new(),
            dirty_writes: 0,
            dirty_count: 0,
            bytes: 0,
            forward: false,
            flushed: Vec::new(),
            flushed_deletes: Vec::new(),
            evictions: 0,
            meter: CacheMeter::default(),
            record: None,
            ordered: None,
        }
    }

    /// Behaves as Java's caching window and session stores do, in front of a segmented store:
    /// a range merges every cached entry in it, clean ones too (which escape the retention the
    /// store below applies to its reads, so a session merge can still find a session that is
    /// cached), and a read that misses is not cached. Java keeps such caches ordered; so does
    /// this one, in an index of its keys updated only when a key enters or leaves.
    pub fn time_ordered(mut self) -> Self {
        self.ordered = Some(self.map.keys().cloned().collect());
        self
    }

    /// Keeps with each written entry the headers and metadata `record` holds at the write, to
    /// forward them when the entry flushes (Java's cache keeps each entry's record context).
    pub fn with_record_context(mut self, record: Arc<RecordContext>) -> Self {
        self.record = Some(record);
        self
    }

    /// Counts reads and sizes into `meter` (the store's `stream-record-cache-metrics` and its
    /// task's `cache-size-bytes-total`).
    pub(crate) fn with_meter(mut self, meter: CacheMeter) -> Self {
        self.meter = meter;
        self
    }

    fn unlink(&mut self, i: usize) {
        let (prev, next) = (self.slots[i].prev, self.slots[i].next);
        match prev {
            NIL => self.eldest = next,
            p => self.slots[p].next = next,
        }
        match next {
            NIL => self.newest = prev,
            n => self.slots[n].prev = prev,
        }
    }

    fn link_newest(&mut self, i: usize) {
        self.slots[i].prev = self.newest;
        self.slots[i].next = NIL;
        match self.newest {
            NIL => self.eldest = i,
            n => self.slots[n].next = i,
        }
        self.newest = i;
    }

    /// Marks slot `i` most recently used.
    #[inline]
    fn touch(&mut self, i: usize) {
        if self.newest != i {
            self.unlink(i);
            self.link_newest(i);
        }
    }

    fn charge(&mut self, add: usize, sub: usize) {
        // An update to a same-sized value (the usual case) changes nothing: skip the shared
        // budget's atomic read-modify-write.
        if add == sub {
            return;
        }
        self.bytes = self.bytes + add - sub;
        if add > sub {
            self.budget.used.fetch_add(add - sub, Ordering::Relaxed);
        } else {
            self.budget.used.fetch_sub(sub - add, Ordering::Relaxed);
        }
    }

    /// Removes the entry in slot `i`, releasing its key and value.
    fn remove_slot(&mut self, i: usize) {
        self.unlink(i);
        let slot = &mut self.slots[i];
        let key = std::mem::take(&mut slot.key);
        let value = slot.value.take();
        slot.below = None;
        if std::mem::take(&mut slot.dirty) {
            self.dirty_count -= 1;
        }
        slot.headers = Headers::new();
        let java_size = std::mem::take(&mut slot.java_size);
        self.map.remove(&key);
        if let Some(ordered) = &mut self.ordered {
            ordered.remove(&key);
        }
        self.free.push(i);
        self.charge(0, entry_size(&key, &value));
        if self.meter.recording() {
            self.meter.resized(0, i64::from(java_size));
        }
    }

    /// Charges slot `i`, just written, Java's size estimate (`java_old` was the entry's
    /// before): a written entry carries the topic and headers of the record being processed
    /// (each header's key in UTF-16 characters and its value bytes), an entry read in from
    /// below no record context.
    #[inline(never)]
    fn recharge_java_size(&mut self, i: usize, dirty: bool, java_old: u32) {
        let e = &mut self.slots[i];
        let context = if dirty {
            let headers: usize = e
                .headers
                .iter()
                .map(|h| h.key.encode_utf16().count() + h.value.as_ref().map_or(0, Bytes::len))
                .sum();
            self.budget
                .record_topic_chars()
                .saturating_add(u32::try_from(headers).unwrap_or(u32::MAX))
        } else {
            0
        };
        let len = e.value.as_ref().map_or(0, Bytes::len);
        let size = self.meter.java_entry_size(e.key.len(), len, context);
        e.java_size = u32::try_from(size).unwrap_or(u32::MAX);
        self.meter.resized(size, i64::from(java_old));
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
        let size = entry_size(key, &value);
        let mut java_old = 0;
        let (headers, meta) = match (&self.record, dirty) {
            (Some(r), true) => (r.headers(), r.current()),
            _ => (Headers::new(), MetaRef::default()),
        };
        let (i, old_size, was_dirty) = match self.map.get(key) {
            Some(&i) => {
                let e = &mut self.slots[i];
                let old_size = entry_size(&e.key, &e.value);
                java_old = e.java_size;
                e.headers = headers;
                e.meta = meta;
                let was_dirty = e.dirty;
                let old_value = std::mem::replace(&mut e.value, value);
                if !dirty {
                    e.below = None;
                } else if !was_dirty && self.ordered.is_none() {
                    // The replaced clean value is what the store below holds. Not so in front
                    // of a segmented store, whose reads may already have expired it: there the
                    // flush asks the store, as Java's does.
                    e.below = Some(old_value);
                }
                e.timestamp = timestamp;
                e.dirty = dirty;
                self.touch(i);
                (i, old_size, was_dirty)
            }
            None => {
                let key = owned();
                let below = None;
                let slot = Slot {
                    key: key.clone(),
                    value,
                    timestamp,
                    dirty,
                    dirty_seq: 0,
                    below,
                    prev: NIL,
                    next: NIL,
                    java_size: 0,
                    headers,
                    meta,
                };
                let i = match self.free.pop() {
                    Some(i) => {
                        self.slots[i] = slot;
                        i
                    }
                    None => {
                        self.slots.push(slot);
                        self.slots.len() - 1
                    }
                };
                if let Some(ordered) = &mut self.ordered {
                    ordered.insert(key.clone());
                }
                self.map.insert(key, i);
                self.link_newest(i);
                (i, 0, false)
            }
        };
        self.charge(size, old_size);
        if self.meter.recording() {
            self.recharge_java_size(i, dirty, java_old);
        }
        if was_dirty && !dirty {
            self.dirty_count -= 1;
        }
        if dirty {
            self.dirty_writes += 1;
            self.slots[i].dirty_seq = self.dirty_writes;
            self.dirty.push((i, self.dirty_writes));
            if !was_dirty {
                self.dirty_count += 1;
            }
            if self.dirty.len() > 2 * self.dirty_count + DIRTY_SLACK {
                let slots = &self.slots;
                self.dirty
                    .retain(|&(i, seq)| slots[i].dirty && slots[i].dirty_seq == seq);
            }
        }
    }

    /// Writes every dirty entry below, in the order of their last dirty writes; deleted entries leave the cache.
    /// `evicting` is the slot whose eviction forces the flush.
    fn flush_dirty(&mut self, evicting: Option<usize>) -> Result<(), StoreError> {
        // Drain into a local buffer and hand it back afterwards to keep its capacity; writing
        // below never dirties this cache again.
        let mut dirty = std::mem::take(&mut self.dirty);
        let mut hits = 0;
        for (i, seq) in dirty.drain(..) {
            let e = &mut self.slots[i];
            if !e.dirty || e.dirty_seq != seq {
                continue;
            }
            e.dirty = false;
            self.dirty_count -= 1;
            // Java's cache reads each dirty entry back to flush it, a hit each, except the one
            // being evicted, which has already left it.
            if evicting != Some(i) {
                hits += 1;
            }
            let (key, value, timestamp) = (e.key.clone(), e.value.clone(), e.timestamp);
            // A clean entry needs no record context.
            let (headers, meta) = (std::mem::take(&mut e.headers), e.meta);
            let below = e.below.take();
            let deleted = value.is_none();
            let old = match (self.forward || deleted, below) {
                (false, _) => None,
                (true, Some(known)) => known,
                (true, None) => self.inner.get(&key)?,
            };
            if deleted && old.is_none() {
                // Deleting what the store below never had: Java's caching stores neither write
                // it down (no changelog tombstone) nor forward it.
                if self.forward {
                    self.flushed_deletes.push(key);
                } else {
                    self.remove_slot(i);
                }
                continue;
            }
            if self.forward {
                self.inner.put_shared(&key, value.clone(), timestamp)?;
                // A delete stays cached (clean) while its flush is forwarded, as in Java,
                // whose cache drops flushed deletes after its flush listener ran.
                if deleted {
                    self.flushed_deletes.push(key.clone());
                }
                self.flushed.push(FlushedEntry {
                    key,
                    new: value,
                    old,
                    timestamp,
                    headers,
                    meta,
                });
            } else {
                self.inner.put(key, value, timestamp)?;
                if deleted {
                    self.remove_slot(i);
                }
            }
        }
        if self.dirty.is_empty() {
            self.dirty = dirty;
        }
        // No read misses while flushing, so the ratios come out as if recorded one by one.
        self.meter.hits(hits);
        Ok(())
    }

    /// Evicts least-recently-used entries of this cache while the task's budget is exceeded;
    /// evicting a dirty entry flushes all dirty entries first, as Java's `NamedCache` does.
    fn maybe_evict(&mut self) -> Result<(), StoreError> {
        while self.budget.over() {
            let i = self.eldest;
            if i == NIL {
                return Ok(());
            }
            if self.slots[i].dirty {
                // The flush leaves the access order alone but removes flushed deletes (or, when
                // its flushes are forwarded, leaves them clean), so look at the eldest again.
                self.flush_dirty(Some(i))?;
                continue;
            }
            self.remove_slot(i);
            self.evictions += 1;
        }
        Ok(())
    }
}

impl<S: KeyValueBytesStore> KeyValueBytesStore for CachingStore<S> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Bytes>, StoreError> {
        if let Some(&i) = self.map.get(key) {
            self.meter.hits(1);
            self.touch(i);
            return Ok(self.slots[i].value.clone());
        }
        self.meter.miss();
        let v = self.inner.get(key)?;
        if self.ordered.is_some() {
            return Ok(v);
        }
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
        let bounds = (from, to);
        if self.meter.recording() {
            // Java's cache iterator reads every cached key in the range, a hit each.
            let meter = &self.meter;
            let cached = self
                .map
                .keys()
                .filter(|k| meter.in_java_range(k, from, to))
                .count();
            self.meter.hits(cached as u64);
        }
        if let Some(ordered) = &self.ordered {
            let mut cached: Vec<(Bytes, Option<Bytes>)> = ordered
                .range::<[u8], _>(bounds)
                .filter_map(|k| self.map.get(&k[..]))
                .map(|&i| (self.slots[i].key.clone(), self.slots[i].value.clone()))
                .collect();
            if reverse {
                cached.reverse();
            }
            return Ok(merge_sorted(base, cached, reverse));
        }
        // Only dirty entries can differ from the store below; there are few between commits, so
        // they are filtered and sorted here rather than kept in an ordered index on every put.
        let mut cached: Vec<(Bytes, Option<Bytes>)> = self
            .dirty
            .iter()
            .filter(|&&(i, seq)| self.slots[i].dirty_seq == seq)
            .map(|&(i, _)| &self.slots[i])
            .filter(|e| e.dirty && RangeBounds::<[u8]>::contains(&bounds, &e.key[..]))
            .map(|e| (e.key.clone(), e.value.clone()))
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
        self.flush_dirty(None)?;
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
            if let Some(&i) = self.map.get(&r.key)
                && !self.slots[i].dirty
            {
                self.remove_slot(i);
            }
        }
        self.inner.restore(batch)
    }

    fn close(&mut self) -> Result<(), StoreError> {
        self.flush_dirty(None)?;
        while self.eldest != NIL {
            self.remove_slot(self.eldest);
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

    fn flushed_forwarded(&mut self) {
        for key in std::mem::take(&mut self.flushed_deletes) {
            // Unless the forwarding wrote the key again.
            if let Some(&i) = self.map.get(&key)
                && !self.slots[i].dirty
                && self.slots[i].value.is_none()
            {
                self.remove_slot(i);
            }
        }
    }
}

impl<S> Drop for CachingStore<S> {
    fn drop(&mut self) {
        self.budget.used.fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::InMemoryBytesStore;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    fn cached(c: &CachingStore<InMemoryBytesStore>) -> Vec<String> {
        // Eldest first, following the access list.
        let mut out = Vec::new();
        let mut i = c.eldest;
        while i != NIL {
            out.push(String::from_utf8(c.slots[i].key.to_vec()).unwrap());
            i = c.slots[i].next;
        }
        out
    }

    #[test]
    fn reads_and_writes_refresh_recency_and_the_eldest_is_evicted() {
        // Three one-byte keys with one-byte values fit; a fourth does not.
        let budget = Arc::new(CacheBudget::new(3 * (2 + ENTRY_OVERHEAD)));
        let mut c = CachingStore::new(InMemoryBytesStore::new(), budget.clone());
        for k in ["a", "b", "c"] {
            c.put(b(k), Some(b("1")), 0).unwrap();
        }
        assert_eq!(cached(&c), ["a", "b", "c"]);
        assert_eq!(c.get(b"a").unwrap(), Some(b("1")));
        c.put(b("b"), Some(b("2")), 0).unwrap();
        assert_eq!(cached(&c), ["c", "a", "b"]);
        // Evicting dirty "c" flushes every dirty entry below first.
        c.put(b("d"), Some(b("1")), 0).unwrap();
        assert_eq!(cached(&c), ["a", "b", "d"]);
        assert_eq!(c.evictions, 1);
        assert_eq!(c.inner.get(b"c").unwrap(), Some(b("1")));
        assert_eq!(c.inner.get(b"b").unwrap(), Some(b("2")));
        assert_eq!(budget.used(), 3 * (2 + ENTRY_OVERHEAD));
        // A flushed delete leaves the cache and frees its slot for the next key.
        c.put(b("a"), None, 0).unwrap();
        c.flush().unwrap();
        assert_eq!(cached(&c), ["b", "d"]);
        c.put(b("e"), Some(b("1")), 0).unwrap();
        assert_eq!(cached(&c), ["b", "d", "e"]);
        assert_eq!(c.slots.len(), 4);
        c.close().unwrap();
        assert_eq!(budget.used(), 0);
    }

    #[test]
    fn a_forwarded_delete_stays_cached_until_its_flush_was_forwarded() {
        let budget = Arc::new(CacheBudget::new(1 << 20));
        let mut c = CachingStore::new(InMemoryBytesStore::new(), budget);
        assert!(c.enable_flush_forwarding());
        c.put(b("a"), Some(b("1")), 0).unwrap();
        c.flush().unwrap();
        c.put(b("a"), None, 1).unwrap();
        c.flush().unwrap();
        let mut out = Vec::new();
        c.drain_flushed(&mut out);
        assert_eq!(out.len(), 2);
        // What the forwarding reads (a join looking the key up) finds the delete in the cache,
        // as Java's does: a hit, not a read of the store below.
        assert_eq!(cached(&c), ["a"]);
        assert_eq!(c.get(b"a").unwrap(), None);
        assert_eq!(c.inner.get(b"a").unwrap(), None);
        c.flushed_forwarded();
        assert!(cached(&c).is_empty());
        // A key written again while its delete was forwarded stays.
        c.put(b("b"), None, 2).unwrap();
        c.flush().unwrap();
        c.put(b("b"), Some(b("2")), 3).unwrap();
        c.flushed_forwarded();
        assert_eq!(cached(&c), ["b"]);
        assert_eq!(c.get(b"b").unwrap(), Some(b("2")));
    }

    #[test]
    fn over_a_segmented_store_ranges_read_clean_entries_and_a_miss_is_not_cached() {
        use crate::state::key_schema::{KeySchema, session_key};
        use crate::state::segmented::SegmentedBytesStore;
        use std::ops::Bound;
        // Sessions with a retention of 10 ms: once stream time reaches 54, the store below no
        // longer returns the session [30, 40] (it ends before 54 - 10 + 1).
        let below =
            SegmentedBytesStore::new(InMemoryBytesStore::new(), KeySchema::Session, 10, 60_000)
                .unwrap();
        let budget = Arc::new(CacheBudget::new(1 << 20));
        let mut c = CachingStore::new(below, budget).time_ordered();
        let old = session_key(b"a", 30, 40);
        c.put(old.clone(), Some(b("2")), 40).unwrap();
        c.flush().unwrap();
        c.put(session_key(b"a", 51, 54), Some(b("2")), 54).unwrap();
        c.flush().unwrap();
        let lo = session_key(b"a", 0, 35);
        let hi = session_key(b"a", i64::MAX, i64::MAX);
        let range = |c: &mut CachingStore<_>| {
            c.range(Bound::Included(&lo[..]), Bound::Included(&hi[..]), false)
                .unwrap()
                .into_iter()
                .map(|(k, _)| k)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            c.inner
                .range(Bound::Included(&lo[..]), Bound::Included(&hi[..]), false)
                .unwrap()
                .len(),
            1
        );
        // Java's caching session and window stores merge every cached entry in the range, clean
        // ones too, and those are not held to the retention the store below applies.
        assert_eq!(range(&mut c), vec![old.clone(), session_key(b"a", 51, 54)]);
        // A read that misses the cache is not cached (Java's caching window and session stores
        // read through), so a cache keeps only what was written through it.
        let live = session_key(b"a", 51, 54);
        c.remove_slot(c.map[&live[..]]);
        assert_eq!(c.get(&live).unwrap(), Some(b("2")));
        assert!(!c.map.contains_key(&live[..]));
        assert_eq!(range(&mut c), vec![old.clone(), live]);
        // Evicted, the expired session is gone as in Java: only the cache still had it.
        c.remove_slot(c.map[&old[..]]);
        assert_eq!(range(&mut c), vec![session_key(b"a", 51, 54)]);
    }

    #[test]
    fn a_flush_writes_keys_in_the_order_of_their_last_write() {
        // Java's NamedCache moves a key to the end of its dirty set on every dirty write, so a
        // flush (and what it forwards) follows the last writes, not the first.
        let budget = Arc::new(CacheBudget::new(1 << 20));
        let mut c = CachingStore::new(InMemoryBytesStore::new(), budget);
        assert!(c.enable_flush_forwarding());
        for (k, v) in [("a", "1"), ("b", "1"), ("c", "1"), ("a", "2"), ("b", "2")] {
            c.put(b(k), Some(b(v)), 0).unwrap();
        }
        c.flush().unwrap();
        let mut out = Vec::new();
        c.drain_flushed(&mut out);
        let order: Vec<(Bytes, Option<Bytes>)> = out.into_iter().map(|e| (e.key, e.new)).collect();
        assert_eq!(
            order,
            [("c", "1"), ("a", "2"), ("b", "2")]
                .map(|(k, v)| (b(k), Some(b(v))))
                .to_vec()
        );
        c.flushed_forwarded();
        // Many rewrites of few keys between two flushes keep the queue of dirty writes short.
        for n in 0..1000 {
            c.put(b(["a", "b"][n % 2]), Some(b("3")), 0).unwrap();
        }
        assert!(c.dirty.len() <= 2 * 2 + DIRTY_SLACK, "{}", c.dirty.len());
        c.flush().unwrap();
        let mut out = Vec::new();
        c.drain_flushed(&mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(c.inner.get(b"b").unwrap(), Some(b("3")));
    }
}
