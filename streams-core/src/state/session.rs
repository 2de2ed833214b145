//! The typed session store handle.

use std::ops::Bound;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, MutexGuard};

use bytes::Bytes;

use super::key_schema::{session_key, split_session_key};
use super::kv::serde_err;
use super::window::{Window, Windowed};
use super::{FlushedEntry, KeyValueBytesStore, SharedBytesStore, StoreError};
use crate::error::StreamsError;
use crate::processor::{Change, Headers, ProcessorContext, Record};
use crate::serde::{SerdeError, SharedSerde};
use crate::task::{CacheForwarder, NodeCtx, dispatch};

const NO_HEADERS: Headers = Headers::new();

/// Typed access to a session store; a session's window is `[start, end]` with both inclusive
/// (the first and last record's timestamps).
pub struct SessionStore<K, V> {
    name: Arc<str>,
    topic: Arc<str>,
    inner: SharedBytesStore,
    key: SharedSerde<K>,
    value: SharedSerde<V>,
    timestamp: Arc<AtomicI64>,
}

impl<K, V> Clone for SessionStore<K, V> {
    fn clone(&self) -> Self {
        SessionStore {
            name: self.name.clone(),
            topic: self.topic.clone(),
            inner: self.inner.clone(),
            key: self.key.clone(),
            value: self.value.clone(),
            timestamp: self.timestamp.clone(),
        }
    }
}

impl<K, V> std::fmt::Debug for SessionStore<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SessionStore({})", self.name)
    }
}

impl<K: 'static, V: 'static> SessionStore<K, V> {
    pub(crate) fn new(
        name: Arc<str>,
        topic: Arc<str>,
        inner: SharedBytesStore,
        key: SharedSerde<K>,
        value: SharedSerde<V>,
        timestamp: Arc<AtomicI64>,
    ) -> Self {
        SessionStore {
            name,
            topic,
            inner,
            key,
            value,
            timestamp,
        }
    }

    /// The store name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn lock(&self) -> Result<MutexGuard<'_, Box<dyn KeyValueBytesStore>>, StoreError> {
        self.inner.lock().map_err(|_| StoreError::Poisoned)
    }

    fn key_bytes(&self, key: &K) -> Result<Bytes, StoreError> {
        self.key
            .serialize(&self.topic, &NO_HEADERS, key)
            .map_err(serde_err(&self.name))?
            .ok_or_else(|| {
                serde_err(&self.name)(SerdeError::UnexpectedNull {
                    type_name: "store key",
                })
            })
    }

    fn read_value(&self, b: &Bytes) -> Result<V, StoreError> {
        self.value
            .deserialize(&self.topic, &NO_HEADERS, Some(b))
            .map_err(serde_err(&self.name))
    }

    fn read_key(&self, b: &[u8]) -> Result<K, StoreError> {
        self.key
            .deserialize(&self.topic, &NO_HEADERS, Some(&Bytes::copy_from_slice(b)))
            .map_err(serde_err(&self.name))
    }

    fn write(&self, session: &Windowed<K>, value: Option<Bytes>) -> Result<(), StoreError> {
        let k = session_key(
            &self.key_bytes(&session.key)?,
            session.window.start,
            session.window.end,
        );
        self.lock()?
            .put(k, value, self.timestamp.load(Ordering::Relaxed))
    }

    /// Writes a session's aggregate.
    pub fn put(&self, session: &Windowed<K>, value: &V) -> Result<(), StoreError> {
        let v = self
            .value
            .serialize(&self.topic, &NO_HEADERS, value)
            .map_err(serde_err(&self.name))?;
        self.write(session, v)
    }

    /// Removes a session (after merging it into a larger one).
    pub fn remove(&self, session: &Windowed<K>) -> Result<(), StoreError> {
        self.write(session, None)
    }

    /// The aggregate of the session of `key` spanning exactly `[start, end]`.
    pub fn fetch_session(&self, key: &K, start: i64, end: i64) -> Result<Option<V>, StoreError> {
        let k = session_key(&self.key_bytes(key)?, start, end);
        let v = self.lock()?.get(&k)?;
        v.map(|v| self.read_value(&v)).transpose()
    }

    /// Sessions of `key` that end at or after `earliest_end` and start at or before
    /// `latest_start`: the sessions a record at a time could merge with. Ordered by end, then start.
    pub fn find_sessions(
        &self,
        key: &K,
        earliest_end: i64,
        latest_start: i64,
    ) -> Result<Vec<(Windowed<K>, V)>, StoreError> {
        let kb = self.key_bytes(key)?;
        let lo = session_key(&kb, 0, earliest_end.max(0));
        let hi = session_key(&kb, i64::MAX, i64::MAX);
        let raw = self
            .lock()?
            .range(Bound::Included(&lo), Bound::Included(&hi), false)?;
        raw.iter()
            .filter_map(|(k, v)| {
                let (key, start, end) = split_session_key(k)?;
                (key == &kb[..] && end >= earliest_end && start <= latest_start).then(|| {
                    Ok((
                        Windowed {
                            key: self.read_key(key)?,
                            window: Window { start, end },
                        },
                        self.read_value(v)?,
                    ))
                })
            })
            .collect()
    }

    /// Every unexpired session of `key`.
    pub fn fetch(&self, key: &K) -> Result<Vec<(Windowed<K>, V)>, StoreError> {
        self.find_sessions(key, 0, i64::MAX)
    }
}

struct SessionFlushForwarder<K, V> {
    store: SessionStore<K, V>,
    buf: Vec<FlushedEntry>,
}

impl<K, V> CacheForwarder for SessionFlushForwarder<K, V>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn forward(&mut self, ctx: NodeCtx<'_>) -> Result<(), StreamsError> {
        self.store.lock()?.drain_flushed(&mut self.buf);
        let mut entries = std::mem::take(&mut self.buf);
        let mut result = Ok(());
        for e in &entries {
            let Some((key, start, end)) = split_session_key(&e.key) else {
                result = Err(StoreError::MalformedKey { len: e.key.len() }.into());
                break;
            };
            let decoded = (|| -> Result<_, StoreError> {
                let key = Windowed {
                    key: self.store.read_key(key)?,
                    window: Window { start, end },
                };
                let new = e
                    .new
                    .as_ref()
                    .map(|v| self.store.read_value(v))
                    .transpose()?;
                let old = e
                    .old
                    .as_ref()
                    .map(|v| self.store.read_value(v))
                    .transpose()?;
                Ok(Record::new(key, Change { new, old }, e.timestamp))
            })();
            result = decoded
                .map_err(StreamsError::from)
                .and_then(|r| dispatch(ctx.graph, ctx.state, &ctx.graph.children[ctx.node], r));
            if result.is_err() {
                break;
            }
        }
        entries.clear();
        self.buf = entries;
        result
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
        let caching = store.lock()?.enable_flush_forwarding();
        if caching {
            let node = self.inner.node;
            self.inner.state.cache_forwarders.push((
                node,
                Box::new(SessionFlushForwarder {
                    store: store.clone(),
                    buf: Vec::new(),
                }),
            ));
        }
        Ok(caching)
    }
}

/// Forwards a session store's cache flushes as Java's `SessionCacheFlushListener` does: each
/// record at its session's end time, old values only when asked for.
struct SessionEndFlushForwarder<K, V> {
    store: SessionStore<K, V>,
    send_old: bool,
    buf: Vec<FlushedEntry>,
}

impl<K, V> CacheForwarder for SessionEndFlushForwarder<K, V>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn forward(&mut self, ctx: NodeCtx<'_>) -> Result<(), StreamsError> {
        self.store.lock()?.drain_flushed(&mut self.buf);
        for e in std::mem::take(&mut self.buf) {
            let Some((key, start, end)) = split_session_key(&e.key) else {
                return Err(StoreError::MalformedKey { len: e.key.len() }.into());
            };
            let key = Windowed {
                key: self.store.read_key(key)?,
                window: Window { start, end },
            };
            let new = e
                .new
                .as_ref()
                .map(|v| self.store.read_value(v))
                .transpose()?;
            let old = match (&e.old, self.send_old) {
                (Some(v), true) => Some(self.store.read_value(v)?),
                _ => None,
            };
            let record = Record::new(key, Change { new, old }, end);
            dispatch(ctx.graph, ctx.state, &ctx.graph.children[ctx.node], record)?;
        }
        Ok(())
    }
}

impl<K, V> ProcessorContext<'_, Windowed<K>, Change<V>>
where
    K: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Like [`Self::forward_session_cache_flushes`], but each record is timed by its session's
    /// end and carries the old value only when `send_old`, as Java's session aggregations
    /// forward (`SessionCacheFlushListener`).
    pub fn forward_session_cache_flushes_at_end(
        &mut self,
        store: &SessionStore<K, V>,
        send_old: bool,
    ) -> Result<bool, StreamsError> {
        let caching = store.lock()?.enable_flush_forwarding();
        if caching {
            let node = self.inner.node;
            self.inner.state.cache_forwarders.push((
                node,
                Box::new(SessionEndFlushForwarder {
                    store: store.clone(),
                    send_old,
                    buf: Vec::new(),
                }),
            ));
        }
        Ok(caching)
    }
}
