//! The typed session store handle.

use std::ops::Bound;

use bytes::Bytes;

use super::access::StoreAccess;
use super::flush_forward::{FlushDecoder, read_opt, register};
use super::key_schema::{session_key, split_session_key};
use super::metered::Op;
use super::window::{Window, Windowed};
use super::{FlushedEntry, KeyValueBytesStore, StoreError};
use crate::error::StreamsError;
use crate::processor::{Change, ProcessorContext, Record};

/// Typed access to a session store; a session's window is `[start, end]` with both inclusive
/// (the first and last record's timestamps).
pub struct SessionStore<K, V> {
    access: StoreAccess<K, V>,
}

impl<K, V> Clone for SessionStore<K, V> {
    fn clone(&self) -> Self {
        SessionStore {
            access: self.access.clone(),
        }
    }
}

impl<K, V> std::fmt::Debug for SessionStore<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SessionStore({})", self.access.name)
    }
}

impl<K: 'static, V: 'static> SessionStore<K, V> {
    pub(crate) fn new(access: StoreAccess<K, V>) -> Self {
        SessionStore { access }
    }

    /// The store name.
    pub fn name(&self) -> &str {
        &self.access.name
    }

    fn write(&self, session: &Windowed<K>, value: Option<Bytes>) -> Result<(), StoreError> {
        let k = session_key(
            &self.access.key_bytes(&session.key)?,
            session.window.start,
            session.window.end,
        );
        self.access.lock()?.put(k, value, self.access.now())
    }

    /// Writes a session's aggregate.
    pub fn put(&self, session: &Windowed<K>, value: &V) -> Result<(), StoreError> {
        self.access.measure_put(Op::Put, || {
            let v = self.access.value_bytes(value)?;
            self.write(session, v)
        })
    }

    /// Removes a session (after merging it into a larger one).
    pub fn remove(&self, session: &Windowed<K>) -> Result<(), StoreError> {
        self.access
            .measure(Op::Remove, || self.write(session, None))
    }

    /// The aggregate of the session of `key` spanning exactly `[start, end]`.
    pub fn fetch_session(&self, key: &K, start: i64, end: i64) -> Result<Option<V>, StoreError> {
        self.access.measure(Op::Fetch, || {
            let k = session_key(&self.access.key_bytes(key)?, start, end);
            let v = self.access.lock()?.get(&k)?;
            v.map(|v| self.access.read_value(&v)).transpose()
        })
    }

    /// Sessions of `key` that end at or after `earliest_end` and start at or before
    /// `latest_start`: the sessions a record at a time could merge with. Ordered by end, then start.
    pub fn find_sessions(
        &self,
        key: &K,
        earliest_end: i64,
        latest_start: i64,
    ) -> Result<Vec<(Windowed<K>, V)>, StoreError> {
        self.access.measure_iterator(Op::Fetch, || {
            self.find_sessions_unmetered(key, earliest_end, latest_start)
        })
    }

    fn find_sessions_unmetered(
        &self,
        key: &K,
        earliest_end: i64,
        latest_start: i64,
    ) -> Result<Vec<(Windowed<K>, V)>, StoreError> {
        let kb = self.access.key_bytes(key)?;
        let lo = session_key(&kb, 0, earliest_end.max(0));
        let hi = session_key(&kb, i64::MAX, i64::MAX);
        let raw = self
            .access
            .lock()?
            .range(Bound::Included(&lo), Bound::Included(&hi), false)?;
        raw.iter()
            .filter_map(|(k, v)| {
                let (key, start, end) = split_session_key(k)?;
                (key == &kb[..] && end >= earliest_end && start <= latest_start).then(|| {
                    Ok((
                        Windowed {
                            key: self.access.read_key_slice(key)?,
                            window: Window { start, end },
                        },
                        self.access.read_value(v)?,
                    ))
                })
            })
            .collect()
    }

    /// Every key's sessions that end within `earliest_end..=latest_end`, ordered by end, then
    /// start, then key bytes, as Java's time-ordered session store (which an emit-final
    /// session aggregation uses) returns them from `findSessions(earliestEnd, latestEnd)`:
    /// read from every segment still kept, so a session past the retention period is found
    /// until its segment is dropped. Over a store layer that cannot read by time (a cache), the
    /// sessions within retention.
    pub fn find_sessions_ending_within(
        &self,
        earliest_end: i64,
        latest_end: i64,
    ) -> Result<Vec<(Windowed<K>, V)>, StoreError> {
        self.access.measure_iterator(Op::Fetch, || {
            let mut inner = self.access.lock()?;
            let raw = match inner.fetch_time_range(earliest_end, latest_end)? {
                Some(raw) => raw,
                None => inner.range(Bound::Unbounded, Bound::Unbounded, false)?,
            };
            drop(inner);
            let mut found = Vec::new();
            for (k, v) in &raw {
                let (key, start, end) =
                    split_session_key(k).ok_or(StoreError::MalformedKey { len: k.len() })?;
                if (earliest_end..=latest_end).contains(&end) {
                    found.push(((end, start, key), v));
                }
            }
            // Time first, as the time-ordered store's keys are laid out (end, start, key).
            found.sort_by(|a, b| a.0.cmp(&b.0));
            found
                .into_iter()
                .map(|((end, start, key), v)| {
                    Ok((
                        Windowed {
                            key: self.access.read_key_slice(key)?,
                            window: Window { start, end },
                        },
                        self.access.read_value(v)?,
                    ))
                })
                .collect()
        })
    }

    /// Every unexpired session of `key`.
    pub fn fetch(&self, key: &K) -> Result<Vec<(Windowed<K>, V)>, StoreError> {
        self.find_sessions(key, 0, i64::MAX)
    }
}

/// The windowed key a stored (key, end, start) session key stands for.
fn session_windowed_key<K: 'static, V: 'static>(
    store: &SessionStore<K, V>,
    stored: &[u8],
) -> Result<Windowed<K>, StoreError> {
    let (key, start, end) =
        split_session_key(stored).ok_or(StoreError::MalformedKey { len: stored.len() })?;
    Ok(Windowed {
        key: store.access.read_key_slice(key)?,
        window: Window { start, end },
    })
}

/// Decodes a session store's flushed entries as `Record<Windowed<K>, Change<V>>` at the entry's
/// timestamp (a removed session has `new: None`); with `at_end`, as Java's
/// `SessionCacheFlushListener` does: each record at its session's end, old values only when
/// `send_old`.
struct SessionDecoder<K, V> {
    store: SessionStore<K, V>,
    at_end: bool,
    send_old: bool,
}

impl<K, V> FlushDecoder for SessionDecoder<K, V>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    type Key = Windowed<K>;
    type Value = Change<V>;
    fn decode(&self, e: &FlushedEntry) -> Result<Record<Windowed<K>, Change<V>>, StoreError> {
        let s = &self.store;
        let key = session_windowed_key(s, &e.key)?;
        let old = if self.send_old {
            read_opt(&e.old, |v| s.access.read_value(v))?
        } else {
            None
        };
        let change = Change {
            new: read_opt(&e.new, |v| s.access.read_value(v))?,
            old,
        };
        let timestamp = if self.at_end {
            key.window.end
        } else {
            e.timestamp
        };
        Ok(Record::new(key, change, timestamp))
    }
}

impl<K, V> ProcessorContext<'_, Windowed<K>, Change<V>>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Forwards every entry the session store's cache writes down as a
    /// `Record<Windowed<K>, Change<V>>` (a removed session has `new: None`); see
    /// [`ProcessorContext::forward_cache_flushes`]. Returns whether the store has a cache.
    pub fn forward_session_cache_flushes(
        &mut self,
        store: &SessionStore<K, V>,
    ) -> Result<bool, StreamsError> {
        let decoder = SessionDecoder {
            store: store.clone(),
            at_end: false,
            send_old: true,
        };
        Ok(register(&mut self.inner, &store.access.inner, decoder)?)
    }

    /// Like [`Self::forward_session_cache_flushes`], but each record is timed by its session's
    /// end and carries the old value only when `send_old`, as Java's session aggregations
    /// forward (`SessionCacheFlushListener`).
    pub fn forward_session_cache_flushes_at_end(
        &mut self,
        store: &SessionStore<K, V>,
        send_old: bool,
    ) -> Result<bool, StreamsError> {
        let decoder = SessionDecoder {
            store: store.clone(),
            at_end: true,
            send_old,
        };
        Ok(register(&mut self.inner, &store.access.inner, decoder)?)
    }
}
