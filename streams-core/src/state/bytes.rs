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
    /// Entries with keys within the bounds, in ascending key order, or descending if `reverse`.
    fn range(
        &mut self,
        from: Bound<&[u8]>,
        to: Bound<&[u8]>,
        reverse: bool,
    ) -> Result<Vec<(Bytes, Bytes)>, StoreError>;
    /// An estimate of the number of entries.
    fn approximate_num_entries(&mut self) -> Result<u64, StoreError>;
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
}

impl KeyValueBytesStore for Box<dyn KeyValueBytesStore> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Bytes>, StoreError> {
        (**self).get(key)
    }
    fn put(&mut self, key: Bytes, value: Option<Bytes>, timestamp: i64) -> Result<(), StoreError> {
        (**self).put(key, value, timestamp)
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
}

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
