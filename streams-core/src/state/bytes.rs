//! The one bytes-level store trait every layer implements, and the range helpers they share.

use std::ops::Bound;

use bytes::Bytes;

use super::{ChangelogRecord, StoreError};

/// An entry written from a cache to the store below, for forwarding downstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlushedEntry {
    /// Store key bytes.
    pub key: Bytes,
    /// The value written; `None` for a delete.
    pub new: Option<Bytes>,
    /// The value it replaced in the store below.
    pub old: Option<Bytes>,
    /// The timestamp of the record that last wrote the entry.
    pub timestamp: i64,
    /// That record's headers, which the forwarded record carries.
    pub(crate) headers: crate::processor::Headers,
    /// Where that record was read, which processors see while it is forwarded.
    pub(crate) meta: super::MetaRef,
}

/// A sorted map of bytes to bytes, with the hooks the task needs at commit and restore time.
///
/// Every layer (caching, change-logging, segmenting, the raw stores) implements it and wraps
/// another; only the typed handles above know about keys and values.
pub trait KeyValueBytesStore: Send + 'static {
    /// The value of `key`.
    fn get(&mut self, key: &[u8]) -> Result<Option<Bytes>, StoreError>;
    /// Writes or (with `None`) deletes `key`; `timestamp` is the writing record's, for changelogs.
    fn put(&mut self, key: Bytes, value: Option<Bytes>, timestamp: i64) -> Result<(), StoreError>;
    /// Like [`Self::put`] for a key the caller only borrows, so a layer that already holds the
    /// key (a cache entry being updated) need not copy it.
    fn put_borrowed(
        &mut self,
        key: &[u8],
        value: Option<Bytes>,
        timestamp: i64,
    ) -> Result<(), StoreError> {
        self.put(shared_copy(key), value, timestamp)
    }
    /// Like [`Self::put`] for a key the caller keeps using: a layer that needs a copy of its own
    /// clones the `Bytes` (a reference count), and one that already holds the key (an overlay
    /// entry being updated) takes none.
    fn put_shared(
        &mut self,
        key: &Bytes,
        value: Option<Bytes>,
        timestamp: i64,
    ) -> Result<(), StoreError> {
        self.put(key.clone(), value, timestamp)
    }
    /// Entries with keys within the bounds, in ascending key order, or descending if `reverse`.
    fn range(
        &mut self,
        from: Bound<&[u8]>,
        to: Bound<&[u8]>,
        reverse: bool,
    ) -> Result<Vec<(Bytes, Bytes)>, StoreError>;
    /// An estimate of the number of entries.
    fn approximate_num_entries(&mut self) -> Result<u64, StoreError>;
    /// For a segmented (window or session) store: the entries whose segment timestamp (window
    /// start, session end) lies in `from..=to`, read from every segment that still exists and
    /// not filtered by the retention period the other reads apply, in key order. This is what
    /// Java's time-ordered stores return for a time range (`fetchSessions(earliestEnd,
    /// latestEnd)` iterates whichever segments are still there), which an emit-final session
    /// aggregation reads its closed sessions with. `None` from a store without segments, or a
    /// layer (a cache) that cannot answer it without them.
    fn fetch_time_range(
        &mut self,
        from: i64,
        to: i64,
    ) -> Result<Option<Vec<(Bytes, Bytes)>>, StoreError> {
        let _ = (from, to);
        Ok(None)
    }
    /// Writes cached entries to the layers below.
    fn flush(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Offers a commit point: the store may make its data durable together with
    /// `changelog_offset` (the offset of the last changelog record its data reflects); `force`
    /// demands it.
    fn commit(&mut self, changelog_offset: Option<i64>, force: bool) -> Result<(), StoreError>;
    /// The changelog offset the durable data reflects, if any.
    fn checkpoint(&self) -> Option<i64>;
    /// Applies a changelog batch directly (restoration) and checkpoints its last offset.
    fn restore(&mut self, batch: &[ChangelogRecord]) -> Result<(), StoreError>;
    /// Releases resources; the data stays.
    fn close(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Turns forwarding of cache flushes on; returns whether a cache exists to forward from.
    fn enable_flush_forwarding(&mut self) -> bool {
        false
    }
    /// Moves entries flushed since the last call into `out`.
    fn drain_flushed(&mut self, out: &mut Vec<FlushedEntry>) {
        let _ = out;
    }
    /// Called once the drained entries have been forwarded: a cache drops its flushed deletes
    /// now, as Java's does after its flush listener ran, so what the forwarding read (a join
    /// looking the key up) found them cached.
    fn flushed_forwarded(&mut self) {}
}

impl KeyValueBytesStore for Box<dyn KeyValueBytesStore> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Bytes>, StoreError> {
        (**self).get(key)
    }
    fn put(&mut self, key: Bytes, value: Option<Bytes>, timestamp: i64) -> Result<(), StoreError> {
        (**self).put(key, value, timestamp)
    }
    fn put_borrowed(
        &mut self,
        key: &[u8],
        value: Option<Bytes>,
        timestamp: i64,
    ) -> Result<(), StoreError> {
        (**self).put_borrowed(key, value, timestamp)
    }
    fn put_shared(
        &mut self,
        key: &Bytes,
        value: Option<Bytes>,
        timestamp: i64,
    ) -> Result<(), StoreError> {
        (**self).put_shared(key, value, timestamp)
    }
    fn range(
        &mut self,
        from: Bound<&[u8]>,
        to: Bound<&[u8]>,
        reverse: bool,
    ) -> Result<Vec<(Bytes, Bytes)>, StoreError> {
        (**self).range(from, to, reverse)
    }
    fn approximate_num_entries(&mut self) -> Result<u64, StoreError> {
        (**self).approximate_num_entries()
    }
    fn fetch_time_range(
        &mut self,
        from: i64,
        to: i64,
    ) -> Result<Option<Vec<(Bytes, Bytes)>>, StoreError> {
        (**self).fetch_time_range(from, to)
    }
    fn flush(&mut self) -> Result<(), StoreError> {
        (**self).flush()
    }
    fn commit(&mut self, offset: Option<i64>, force: bool) -> Result<(), StoreError> {
        (**self).commit(offset, force)
    }
    fn checkpoint(&self) -> Option<i64> {
        (**self).checkpoint()
    }
    fn restore(&mut self, batch: &[ChangelogRecord]) -> Result<(), StoreError> {
        (**self).restore(batch)
    }
    fn close(&mut self) -> Result<(), StoreError> {
        (**self).close()
    }
    fn enable_flush_forwarding(&mut self) -> bool {
        (**self).enable_flush_forwarding()
    }
    fn drain_flushed(&mut self, out: &mut Vec<FlushedEntry>) {
        (**self).drain_flushed(out)
    }
    fn flushed_forwarded(&mut self) {
        (**self).flushed_forwarded()
    }
}

/// Up to this many bytes are copied into one allocation that also holds the reference count.
const INLINE: usize = 32;

/// A small owned copy of bytes, stored inline in the shared allocation.
struct Inline {
    len: u8,
    data: [u8; INLINE],
}

impl AsRef<[u8]> for Inline {
    fn as_ref(&self) -> &[u8] {
        &self.data[..usize::from(self.len)]
    }
}

/// A copy of `b` that clones by reference count from the start.
///
/// Store keys and values are cloned on their way through cache, changelog and overlay; a `Bytes`
/// made from a `Vec` allocates a second time on its first clone (to share it), so small ones
/// (most keys and values) are put in one allocation that is shared already.
pub(crate) fn shared_copy(b: &[u8]) -> Bytes {
    if b.len() <= INLINE {
        let mut data = [0u8; INLINE];
        data[..b.len()].copy_from_slice(b);
        Bytes::from_owner(Inline {
            // Fits: at most INLINE (32).
            len: b.len() as u8,
            data,
        })
    } else {
        Bytes::copy_from_slice(b)
    }
}

/// Size of the per-thread chunks [`transient_copy`] carves records from.
const CHUNK: usize = 16 * 1024;

/// A copy of `b` for a record on its way out (a sink's key and value): carved from a per-thread
/// chunk shared by many records, so a record costs a reference count instead of an allocation.
///
/// Only for short-lived bytes: a chunk is freed when the last record carved from it is dropped,
/// so one long-lived slice keeps its whole chunk. Longer inputs get an allocation of their own.
pub(crate) fn transient_copy(b: &[u8]) -> Bytes {
    thread_local! {
        static ARENA: std::cell::RefCell<bytes::BytesMut> =
            std::cell::RefCell::new(bytes::BytesMut::new());
    }
    if b.len() > CHUNK / 4 {
        return Bytes::copy_from_slice(b);
    }
    ARENA.with(|a| {
        let mut a = a.borrow_mut();
        if a.capacity() - a.len() < b.len() {
            // Never `reserve`: with slices of the old chunk alive it would copy or grow it.
            *a = bytes::BytesMut::with_capacity(CHUNK);
        }
        a.extend_from_slice(b);
        a.split().freeze()
    })
}

/// Runs `f` with an empty per-thread buffer whose capacity is kept between calls, for
/// serializing lookup keys and values without allocating each time. A nested call gets a buffer
/// of its own.
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    thread_local! {
        static SCRATCH: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    }
    let mut buf = SCRATCH.take();
    buf.clear();
    let r = f(&mut buf);
    // One large value must not pin its buffer for the thread's lifetime.
    if buf.capacity() <= SCRATCH_KEEP {
        SCRATCH.set(buf);
    }
    r
}

/// The largest scratch buffer kept between calls.
const SCRATCH_KEEP: usize = 64 * 1024;

/// Whether `from..to` is empty (lower above upper), which Java answers with an empty iterator.
pub(crate) fn empty_range(from: Bound<&[u8]>, to: Bound<&[u8]>) -> bool {
    match (from, to) {
        (Bound::Included(a), Bound::Included(b)) => a > b,
        (Bound::Included(a), Bound::Excluded(b))
        | (Bound::Excluded(a), Bound::Included(b))
        | (Bound::Excluded(a), Bound::Excluded(b)) => a >= b,
        _ => false,
    }
}

/// Converts borrowed bounds to owned ones for `BTreeMap<Bytes, _>::range`.
pub(crate) fn owned_bounds(from: Bound<&[u8]>, to: Bound<&[u8]>) -> (Bound<Bytes>, Bound<Bytes>) {
    let own = |b: Bound<&[u8]>| match b {
        Bound::Included(x) => Bound::Included(Bytes::copy_from_slice(x)),
        Bound::Excluded(x) => Bound::Excluded(Bytes::copy_from_slice(x)),
        Bound::Unbounded => Bound::Unbounded,
    };
    (own(from), own(to))
}

/// The smallest key greater than every key starting with `prefix`, or `None` if there is none
/// (all bytes 0xFF): the exclusive upper bound of a prefix scan.
pub(crate) fn prefix_successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut out = prefix.to_vec();
    while let Some(last) = out.pop() {
        if last < 0xFF {
            out.push(last + 1);
            return Some(out);
        }
    }
    None
}

/// Merges a sorted base listing with sorted overrides (`None` = deleted), overrides winning.
pub(crate) fn merge_sorted(
    base: Vec<(Bytes, Bytes)>,
    overrides: Vec<(Bytes, Option<Bytes>)>,
    reverse: bool,
) -> Vec<(Bytes, Bytes)> {
    let mut out = Vec::with_capacity(base.len() + overrides.len());
    let mut b = base.into_iter().peekable();
    let mut o = overrides.into_iter().peekable();
    loop {
        let ord = match (b.peek(), o.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((bk, _)), Some((ok, _))) => {
                let c = bk.cmp(ok);
                if reverse { c.reverse() } else { c }
            }
        };
        match ord {
            std::cmp::Ordering::Less => out.extend(b.next()),
            std::cmp::Ordering::Greater => {
                if let Some((k, Some(v))) = o.next() {
                    out.push((k, v));
                }
            }
            std::cmp::Ordering::Equal => {
                b.next();
                if let Some((k, Some(v))) = o.next() {
                    out.push((k, v));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_copies_hold_the_bytes_at_and_past_the_inline_size() {
        for len in [0, 1, INLINE - 1, INLINE, INLINE + 1, 200] {
            let src: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let b = shared_copy(&src);
            let c = b.clone();
            drop(b);
            assert_eq!(&c[..], &src[..]);
            assert_eq!(c.slice(len / 2..), src[len / 2..]);
        }
    }

    #[test]
    fn a_nested_scratch_buffer_is_separate() {
        let outer = with_scratch(|a| {
            a.extend_from_slice(b"outer");
            let inner = with_scratch(|b| {
                assert!(b.is_empty());
                b.extend_from_slice(b"inner");
                b.clone()
            });
            assert_eq!(inner, b"inner");
            a.clone()
        });
        assert_eq!(outer, b"outer");
        with_scratch(|a| assert!(a.is_empty()));
        with_scratch(|a| a.resize(SCRATCH_KEEP + 1, 0));
        with_scratch(|a| assert!(a.capacity() <= SCRATCH_KEEP));
    }

    #[test]
    fn transient_copies_stay_intact_across_chunks() {
        // Enough records to fill several chunks, each checked after all were carved.
        let inputs: Vec<Vec<u8>> = (0..5_000u32)
            .map(|i| format!("key-{i}:value-{}", i * 7).into_bytes())
            .collect();
        let copies: Vec<Bytes> = inputs.iter().map(|b| transient_copy(b)).collect();
        for (c, b) in copies.iter().zip(&inputs) {
            assert_eq!(&c[..], &b[..]);
        }
        let big = vec![7u8; CHUNK];
        assert_eq!(&transient_copy(&big)[..], &big[..]);
        assert!(transient_copy(b"").is_empty());
        drop(copies);
        assert_eq!(&transient_copy(b"after")[..], b"after");
    }
}
