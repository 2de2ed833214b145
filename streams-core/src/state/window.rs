//! The typed window store handle.

use std::ops::Bound;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bytes::Bytes;

use super::access::StoreAccess;
use super::flush_forward::{FlushDecoder, read_opt, register, timestamped_change};
use super::key_schema::{split_window_key, window_key};
use super::metered::Op;
use super::{FlushedEntry, KeyValueBytesStore, StoreError};
use crate::error::StreamsError;
use crate::processor::{Change, ProcessorContext, Record};
use crate::serde::ValueAndTimestamp;

/// A time window: `[start, end)` in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Window {
    /// Inclusive start.
    pub start: i64,
    /// Exclusive end (for sessions: the inclusive time of the last record).
    pub end: i64,
}

/// A key with the window it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Windowed<K> {
    /// The key.
    pub key: K,
    /// The window.
    pub window: Window,
}

/// Typed access to a window store; cheap to clone.
pub struct WindowStore<K, V> {
    access: StoreAccess<K, V>,
    window_size: i64,
    retain_duplicates: bool,
    seqnum: Arc<AtomicU32>,
    /// Multi-key reads list entries segment by segment, by key within a segment, as Java's
    /// stores iterate: segments of this many ms (1 for in-memory stores, which Java orders by
    /// window start).
    read_segment_ms: i64,
}

/// A window store whose values carry the timestamp of their last update.
pub type TimestampedWindowStore<K, V> = WindowStore<K, ValueAndTimestamp<V>>;

impl<K, V> Clone for WindowStore<K, V> {
    fn clone(&self) -> Self {
        WindowStore {
            access: self.access.clone(),
            window_size: self.window_size,
            retain_duplicates: self.retain_duplicates,
            seqnum: self.seqnum.clone(),
            read_segment_ms: self.read_segment_ms,
        }
    }
}

impl<K, V> std::fmt::Debug for WindowStore<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WindowStore({})", self.access.name)
    }
}

impl<K: 'static, V: 'static> WindowStore<K, V> {
    pub(crate) fn new(
        access: StoreAccess<K, V>,
        window_size: i64,
        retain_duplicates: bool,
    ) -> Self {
        WindowStore {
            access,
            window_size,
            retain_duplicates,
            seqnum: Arc::new(AtomicU32::new(0)),
            read_segment_ms: i64::MAX,
        }
    }

    /// Orders multi-key reads by segments of `ms` (see `read_segment_ms`).
    pub(crate) fn with_read_segments(mut self, ms: i64) -> Self {
        self.read_segment_ms = ms.max(1);
        self
    }

    /// The store name.
    pub fn name(&self) -> &str {
        &self.access.name
    }

    fn window(&self, start: i64) -> Window {
        Window {
            start,
            end: start.saturating_add(self.window_size),
        }
    }

    /// The windowed key a stored (key, window start, sequence) key stands for.
    fn windowed_key(&self, stored: &[u8]) -> Result<Windowed<K>, StoreError> {
        let (key, start, _) =
            split_window_key(stored).ok_or(StoreError::MalformedKey { len: stored.len() })?;
        Ok(Windowed {
            key: self.access.read_key_slice(key)?,
            window: self.window(start),
        })
    }

    /// Writes `value` for the window starting at `window_start`; `None` deletes (ignored when
    /// duplicates are retained, as in Java). Writes to expired windows are dropped.
    pub fn put(&self, key: &K, value: Option<&V>, window_start: i64) -> Result<(), StoreError> {
        self.access
            .measure_put(Op::Put, || self.put_unmetered(key, value, window_start))
    }

    fn put_unmetered(
        &self,
        key: &K,
        value: Option<&V>,
        window_start: i64,
    ) -> Result<(), StoreError> {
        if value.is_none() && self.retain_duplicates {
            return Ok(());
        }
        let seq = if self.retain_duplicates {
            // Java wraps the sequence number within the positive int range.
            self.seqnum
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |s| {
                    Some((s + 1) & 0x7FFF_FFFF)
                })
                .map(|s| (s + 1) & 0x7FFF_FFFF)
                .unwrap_or(0)
        } else {
            0
        };
        let k = window_key(&self.access.key_bytes(key)?, window_start, seq);
        let v = match value {
            Some(v) => self.access.value_bytes(v)?,
            None => None,
        };
        self.access.lock()?.put(k, v, self.access.now())
    }

    /// The value for `key` in the window starting at `window_start`.
    pub fn fetch(&self, key: &K, window_start: i64) -> Result<Option<V>, StoreError> {
        self.access.measure(Op::Fetch, || {
            let k = window_key(&self.access.key_bytes(key)?, window_start, 0);
            let v = self.access.lock()?.get(&k)?;
            v.map(|v| self.access.read_value(&v)).transpose()
        })
    }

    fn fetch_raw(
        &self,
        key: &K,
        from: i64,
        to: i64,
        reverse: bool,
    ) -> Result<Vec<(i64, V)>, StoreError> {
        if from > to {
            return Ok(Vec::new());
        }
        let kb = self.access.key_bytes(key)?;
        let lo = window_key(&kb, from, 0);
        let hi = window_key(&kb, to, u32::MAX);
        let raw = self
            .access
            .lock()?
            .range(Bound::Included(&lo), Bound::Included(&hi), reverse)?;
        raw.iter()
            .filter_map(|(k, v)| {
                let (key, ts, _) = split_window_key(k)?;
                (key == &kb[..] && ts >= from && ts <= to)
                    .then(|| self.access.read_value(v).map(|v| (ts, v)))
            })
            .collect()
    }

    /// `(window start, value)` for `key` with window starts in `[from, to]`, by start time.
    pub fn fetch_range(&self, key: &K, from: i64, to: i64) -> Result<Vec<(i64, V)>, StoreError> {
        self.access
            .measure_iterator(Op::Fetch, || self.fetch_raw(key, from, to, false))
    }

    /// Like [`Self::fetch_range`], latest first.
    pub fn backward_fetch_range(
        &self,
        key: &K,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, V)>, StoreError> {
        self.access
            .measure_iterator(Op::Fetch, || self.fetch_raw(key, from, to, true))
    }

    fn decode_all(
        &self,
        raw: Vec<(Bytes, Bytes)>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(Windowed<K>, V)>, StoreError> {
        raw.iter()
            .filter_map(|(k, v)| {
                let (key, ts, _) = split_window_key(k)?;
                (ts >= from && ts <= to).then(|| {
                    Ok((
                        Windowed {
                            key: self.access.read_key_slice(key)?,
                            window: self.window(ts),
                        },
                        self.access.read_value(v)?,
                    ))
                })
            })
            .collect()
    }

    /// Every entry with a window start in `[from, to]`, in Java's order: segment by segment
    /// (by window start for in-memory stores), then by key bytes and start.
    pub fn fetch_all(&self, from: i64, to: i64) -> Result<Vec<(Windowed<K>, V)>, StoreError> {
        self.access
            .measure_iterator(Op::Fetch, || self.fetch_all_unmetered(from, to))
    }

    fn fetch_all_unmetered(&self, from: i64, to: i64) -> Result<Vec<(Windowed<K>, V)>, StoreError> {
        let mut raw = self
            .access
            .lock()?
            .range(Bound::Unbounded, Bound::Unbounded, false)?;
        let seg = self.read_segment_ms;
        raw.sort_by_cached_key(|(k, _)| {
            let ts = split_window_key(k).map_or(0, |(_, ts, _)| ts);
            (ts.max(0) / seg, k.clone())
        });
        self.decode_all(raw, from, to)
    }

    /// Every unexpired entry.
    pub fn all(&self) -> Result<Vec<(Windowed<K>, V)>, StoreError> {
        self.fetch_all(i64::MIN, i64::MAX)
    }
}

/// Decodes a window store's flushed entries as `Record<Windowed<K>, Change<V>>` at the entry's
/// timestamp.
struct WindowDecoder<K, V>(WindowStore<K, V>);

impl<K, V> FlushDecoder for WindowDecoder<K, V>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    type Key = Windowed<K>;
    type Value = Change<V>;
    fn decode(&self, e: &FlushedEntry) -> Result<Record<Windowed<K>, Change<V>>, StoreError> {
        let s = &self.0;
        let key = s.windowed_key(&e.key)?;
        let change = Change {
            new: read_opt(&e.new, |v| s.access.read_value(v))?,
            old: read_opt(&e.old, |v| s.access.read_value(v))?,
        };
        Ok(Record::new(key, change, e.timestamp))
    }
}

impl<K, V> ProcessorContext<'_, Windowed<K>, Change<V>>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Forwards every entry the window store's cache writes down as a
    /// `Record<Windowed<K>, Change<V>>`; see
    /// [`ProcessorContext::forward_cache_flushes`]. Returns whether the store has a cache.
    pub fn forward_window_cache_flushes(
        &mut self,
        store: &WindowStore<K, V>,
    ) -> Result<bool, StreamsError> {
        Ok(register(
            &mut self.inner,
            &store.access.inner,
            WindowDecoder(store.clone()),
        )?)
    }
}

/// Decodes a timestamped window store's flushed entries with plain values, each record at its
/// new value's timestamp (Java's `TimestampedCacheFlushListener`).
struct TimestampedWindowDecoder<K, V> {
    store: TimestampedWindowStore<K, V>,
    send_old: bool,
}

impl<K, V> FlushDecoder for TimestampedWindowDecoder<K, V>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    type Key = Windowed<K>;
    type Value = Change<V>;
    fn decode(&self, e: &FlushedEntry) -> Result<Record<Windowed<K>, Change<V>>, StoreError> {
        let s = &self.store;
        let key = s.windowed_key(&e.key)?;
        let (change, timestamp) = timestamped_change(e, self.send_old, |v| s.access.read_value(v))?;
        Ok(Record::new(key, change, timestamp))
    }
}

impl<K, V> ProcessorContext<'_, Windowed<K>, Change<V>>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Like [`Self::forward_window_cache_flushes`] for a timestamped window store: forwards
    /// plain values timed by the new value's timestamp, and old values only when `send_old`
    /// (Java's `TimestampedCacheFlushListener`).
    pub fn forward_timestamped_window_cache_flushes(
        &mut self,
        store: &TimestampedWindowStore<K, V>,
        send_old: bool,
    ) -> Result<bool, StreamsError> {
        let decoder = TimestampedWindowDecoder {
            store: store.clone(),
            send_old,
        };
        Ok(register(&mut self.inner, &store.access.inner, decoder)?)
    }
}
