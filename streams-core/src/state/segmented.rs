//! Time-segmented raw store for window and session stores (Java's
//! `AbstractRocksDBSegmentedBytesStore`): keys are grouped into segments of `segment_interval` by
//! their timestamp, whole segments are dropped once older than the retention period, and writes to
//! an expired segment are skipped.
//!
//! Segments share one inner store: each physical key is the 8-byte big-endian segment id followed
//! by the logical (window or session) key, so dropping a segment is one range delete. The
//! observed stream time lives under a reserved key in the same inner store, so it is committed
//! in the same transaction as the data.

use std::ops::Bound;

use bytes::Bytes;

use super::key_schema::KeySchema;
use super::{ChangelogRecord, KeyValueBytesStore, StoreError};

/// Reserved physical key for the observed stream time: above every segment id (ids are < 2^63).
const META_KEY: [u8; 9] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00];

/// A segmented store over logical window or session keys.
pub struct SegmentedBytesStore<S> {
    inner: S,
    schema: KeySchema,
    retention: i64,
    segment_interval: i64,
    observed: i64,
    /// Whether reads keep what starts exactly `retention` before stream time (Java's
    /// time-ordered window store) or only what starts after it (its regular stores).
    time_ordered: bool,
    /// Records skipped because their segment had expired.
    pub expired_records: u64,
}

impl<S: KeyValueBytesStore> SegmentedBytesStore<S> {
    /// Wraps `inner`, reading back the observed stream time it holds.
    pub fn new(
        mut inner: S,
        schema: KeySchema,
        retention: i64,
        segment_interval: i64,
    ) -> Result<Self, StoreError> {
        let observed = match inner.get(&META_KEY)? {
            Some(b) if b.len() == 8 => i64::from_be_bytes(b[..].try_into().unwrap_or([0; 8])),
            _ => -1,
        };
        Ok(SegmentedBytesStore {
            inner,
            schema,
            retention,
            segment_interval: segment_interval.max(1),
            observed,
            time_ordered: false,
            expired_records: 0,
        })
    }

    /// Reads as Java's time-ordered window store does, which Java's emit-final windowed
    /// aggregations keep their windows in: one millisecond further back than its regular
    /// stores, down to stream time minus retention itself.
    pub fn time_ordered(mut self) -> Self {
        self.time_ordered = true;
        self
    }

    fn segment_id(&self, ts: i64) -> i64 {
        ts.max(0) / self.segment_interval
    }

    fn min_live_segment(&self) -> i64 {
        self.segment_id(self.observed.saturating_sub(self.retention))
    }

    fn physical(seg: i64, key: &[u8]) -> Vec<u8> {
        let mut p = Vec::with_capacity(8 + key.len());
        p.extend_from_slice(&seg.to_be_bytes());
        p.extend_from_slice(key);
        p
    }

    /// Puts at the physical level, updating observed time and dropping expired segments.
    fn put_logical(&mut self, key: Bytes, value: Option<Bytes>, ts: i64) -> Result<(), StoreError> {
        let seg_ts = self
            .schema
            .segment_timestamp(&key)
            .ok_or(StoreError::MalformedKey { len: key.len() })?;
        let old_min = self.min_live_segment();
        if seg_ts > self.observed {
            self.observed = seg_ts;
            self.inner.put(
                Bytes::copy_from_slice(&META_KEY),
                Some(Bytes::copy_from_slice(&self.observed.to_be_bytes())),
                ts,
            )?;
        }
        let min = self.min_live_segment();
        if min > old_min {
            self.drop_segments_before(min, ts)?;
        }
        let seg = self.segment_id(seg_ts);
        if seg < min {
            self.expired_records += 1;
            tracing::warn!("skipping record for expired segment");
            return Ok(());
        }
        self.inner
            .put(Bytes::from(Self::physical(seg, &key)), value, ts)
    }

    fn drop_segments_before(&mut self, min: i64, ts: i64) -> Result<(), StoreError> {
        let upper = min.to_be_bytes();
        let doomed = self
            .inner
            .range(Bound::Unbounded, Bound::Excluded(&upper[..]), false)?;
        for (k, _) in doomed {
            self.inner.put(k, None, ts)?;
        }
        Ok(())
    }

    /// The smallest timestamp still retained for reads.
    fn min_live_time(&self) -> i64 {
        self.observed
            .saturating_sub(self.retention)
            .saturating_add(i64::from(!self.time_ordered))
    }
}

impl<S: KeyValueBytesStore> KeyValueBytesStore for SegmentedBytesStore<S> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Bytes>, StoreError> {
        let Some(ts) = self.schema.segment_timestamp(key) else {
            return Ok(None);
        };
        if ts < self.min_live_time() {
            return Ok(None);
        }
        self.inner.get(&Self::physical(self.segment_id(ts), key))
    }

    fn put(&mut self, key: Bytes, value: Option<Bytes>, ts: i64) -> Result<(), StoreError> {
        self.put_logical(key, value, ts)
    }

    /// Ranges over logical keys across live segments, merged into one key order (Java iterates
    /// segment by segment; for a single key the two orders agree).
    fn range(
        &mut self,
        from: Bound<&[u8]>,
        to: Bound<&[u8]>,
        reverse: bool,
    ) -> Result<Vec<(Bytes, Bytes)>, StoreError> {
        if self.observed < 0 {
            return Ok(Vec::new());
        }
        let min_time = self.min_live_time();
        let mut out = Vec::new();
        for seg in self.min_live_segment()..=self.segment_id(self.observed) {
            let prefix = seg.to_be_bytes();
            let lo = match from {
                Bound::Included(k) => Bound::Included(Self::physical(seg, k)),
                Bound::Excluded(k) => Bound::Excluded(Self::physical(seg, k)),
                Bound::Unbounded => Bound::Included(prefix.to_vec()),
            };
            let hi = match to {
                Bound::Included(k) => Bound::Included(Self::physical(seg, k)),
                Bound::Excluded(k) => Bound::Excluded(Self::physical(seg, k)),
                Bound::Unbounded => Bound::Excluded((seg + 1).to_be_bytes().to_vec()),
            };
            for (k, v) in self.inner.range(as_ref(&lo), as_ref(&hi), false)? {
                let logical = k.slice(8..);
                if self
                    .schema
                    .segment_timestamp(&logical)
                    .is_some_and(|t| t >= min_time)
                {
                    out.push((logical, v));
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        if reverse {
            out.reverse();
        }
        Ok(out)
    }

    /// The live segments' entries whose segment timestamp lies in `from..=to`, in key order,
    /// with no retention filter: a segment is either there (all of it readable) or dropped.
    fn fetch_time_range(
        &mut self,
        from: i64,
        to: i64,
    ) -> Result<Option<Vec<(Bytes, Bytes)>>, StoreError> {
        let mut out = Vec::new();
        if self.observed < 0 || to < from {
            return Ok(Some(out));
        }
        let first = self.min_live_segment().max(self.segment_id(from));
        let last = self.segment_id(self.observed).min(self.segment_id(to));
        for seg in first..=last {
            let lo = seg.to_be_bytes();
            let hi = seg.saturating_add(1).to_be_bytes();
            for (k, v) in
                self.inner
                    .range(Bound::Included(&lo[..]), Bound::Excluded(&hi[..]), false)?
            {
                let logical = k.slice(8..);
                if self
                    .schema
                    .segment_timestamp(&logical)
                    .is_some_and(|t| (from..=to).contains(&t))
                {
                    out.push((logical, v));
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Some(out))
    }

    /// The entries of the live segments; the reserved stream-time entry is not one.
    fn approximate_num_entries(&mut self) -> Result<u64, StoreError> {
        let all = self.inner.approximate_num_entries()?;
        let meta = u64::from(self.inner.get(&META_KEY)?.is_some());
        Ok(all.saturating_sub(meta))
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
        // Translate logical keys to physical ones, applying expiry as live writes do, and let
        // the inner store checkpoint the batch atomically.
        let mut physical = Vec::with_capacity(batch.len() + 1);
        for r in batch {
            let Some(ts) = self.schema.segment_timestamp(&r.key) else {
                return Err(StoreError::MalformedKey { len: r.key.len() });
            };
            self.observed = self.observed.max(ts);
            let seg = self.segment_id(ts);
            if seg < self.min_live_segment() {
                continue;
            }
            physical.push(ChangelogRecord {
                key: Bytes::from(Self::physical(seg, &r.key)),
                value: r.value.clone(),
                offset: r.offset,
                timestamp: r.timestamp,
            });
        }
        if let Some(last) = batch.last() {
            physical.push(ChangelogRecord {
                key: Bytes::copy_from_slice(&META_KEY),
                value: Some(Bytes::copy_from_slice(&self.observed.to_be_bytes())),
                offset: last.offset,
                timestamp: last.timestamp,
            });
        }
        let min = self.min_live_segment();
        self.drop_segments_before(min, -1)?;
        self.inner.restore(&physical)
    }

    fn close(&mut self) -> Result<(), StoreError> {
        self.inner.close()
    }
}

fn as_ref(b: &Bound<Vec<u8>>) -> Bound<&[u8]> {
    match b {
        Bound::Included(v) => Bound::Included(&v[..]),
        Bound::Excluded(v) => Bound::Excluded(&v[..]),
        Bound::Unbounded => Bound::Unbounded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::InMemoryBytesStore;
    use crate::state::key_schema::window_key;
    use bytes::Bytes;
    use std::ops::Bound;

    /// A window starting exactly `retention` before stream time: Java's regular window store no
    /// longer reads it, its time-ordered one (emit-final aggregations' store) still does.
    #[test]
    fn a_time_ordered_store_still_reads_the_window_at_its_retention() {
        for (time_ordered, kept) in [(false, false), (true, true)] {
            let mut s =
                SegmentedBytesStore::new(InMemoryBytesStore::new(), KeySchema::Window, 10, 60_000)
                    .unwrap();
            if time_ordered {
                s = s.time_ordered();
            }
            let old = window_key(b"k", 5, 0);
            s.put(old.clone(), Some(Bytes::from_static(b"v")), 5)
                .unwrap();
            s.put(window_key(b"k", 15, 0), Some(Bytes::from_static(b"w")), 15)
                .unwrap();
            assert_eq!(
                s.get(&old).unwrap().is_some(),
                kept,
                "get, time_ordered={time_ordered}"
            );
            let all = s.range(Bound::Unbounded, Bound::Unbounded, false).unwrap();
            assert_eq!(
                all.len(),
                1 + usize::from(kept),
                "range, time_ordered={time_ordered}"
            );
        }
    }
}
