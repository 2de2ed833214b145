//! Forwarding what a store's cache writes down (Java's cache flush listeners): one loop for every
//! store kind, each kind deciding how a flushed entry becomes the record it forwards.

use bytes::Bytes;

use super::{FlushedEntry, SharedBytesStore, StoreError};
use crate::error::StreamsError;
use crate::processor::{Change, Record};
use crate::serde::ValueAndTimestamp;
use crate::task::{CacheForwarder, NodeCtx, dispatch};

/// How one kind of store turns its flushed cache entries into records.
pub(crate) trait FlushDecoder: Send + 'static {
    /// The forwarded record's key.
    type Key: Clone + 'static;
    /// The forwarded record's value.
    type Value: Clone + 'static;
    /// The record `entry` is forwarded as.
    fn decode(&self, entry: &FlushedEntry) -> Result<Record<Self::Key, Self::Value>, StoreError>;
}

/// Forwards a store's flushed entries to the children of the node that registered it.
struct FlushForwarder<D> {
    store: SharedBytesStore,
    decoder: D,
    buf: Vec<FlushedEntry>,
}

impl<D: FlushDecoder> CacheForwarder for FlushForwarder<D> {
    fn forward(&mut self, mut ctx: NodeCtx<'_>) -> Result<(), StreamsError> {
        {
            let mut store = self.store.lock().map_err(|_| StoreError::Poisoned)?;
            store.drain_flushed(&mut self.buf);
            // Nothing to forward (a processor call that evicted nothing): done under the same
            // lock, without the second one below.
            if self.buf.is_empty() {
                store.flushed_forwarded();
                return Ok(());
            }
        }
        // The buffer keeps its capacity between flushes.
        let mut entries = std::mem::take(&mut self.buf);
        let result = self.forward_entries(&mut ctx, &mut entries);
        entries.clear();
        self.buf = entries;
        self.store
            .lock()
            .map_err(|_| StoreError::Poisoned)?
            .flushed_forwarded();
        result
    }
}

impl<D: FlushDecoder> FlushForwarder<D> {
    /// Forwards `entries` in order, stopping at the first error.
    fn forward_entries(
        &self,
        ctx: &mut NodeCtx<'_>,
        entries: &mut [FlushedEntry],
    ) -> Result<(), StreamsError> {
        let graph = ctx.graph;
        let children = &graph.children[ctx.node];
        for e in entries {
            // Forwarded with the headers and metadata of the record that wrote the entry, as
            // Java's flush listeners forward under the entry's record context.
            let record = self
                .decoder
                .decode(e)?
                .with_headers(std::mem::take(&mut e.headers));
            // Usually the entry was written by the record being processed: nothing to change.
            if e.meta == ctx.state.record_context.current() {
                dispatch(graph, ctx.state, children, record)?;
            } else {
                forward_as_written(ctx, e.meta, |ctx| {
                    dispatch(ctx.graph, ctx.state, children, record)
                })?;
            }
        }
        Ok(())
    }
}

/// Runs `f` with `meta` as the record's metadata, then puts the current one back.
#[inline(never)]
fn forward_as_written(
    ctx: &mut NodeCtx<'_>,
    meta: super::MetaRef,
    f: impl FnOnce(&mut NodeCtx<'_>) -> Result<(), StreamsError>,
) -> Result<(), StreamsError> {
    let meta = ctx.state.record_context.resolve(meta);
    let current = ctx.state.set_record_meta(meta);
    let result = f(ctx);
    ctx.state.set_record_meta(current);
    result
}

/// Turns on flush forwarding in `store`'s cache and, if it has one, registers `decoder` to
/// forward its flushes from the node of `ctx`; returns whether the store has a cache.
pub(crate) fn register<D: FlushDecoder>(
    ctx: &mut NodeCtx<'_>,
    store: &SharedBytesStore,
    decoder: D,
) -> Result<bool, StoreError> {
    let caching = store
        .lock()
        .map_err(|_| StoreError::Poisoned)?
        .enable_flush_forwarding();
    if caching {
        let node = ctx.node;
        ctx.state.cache_forwarders.push((
            node,
            Box::new(FlushForwarder {
                store: store.clone(),
                decoder,
                buf: Vec::new(),
            }),
        ));
    }
    Ok(caching)
}

/// Reads an optional stored value with `read`.
pub(crate) fn read_opt<V>(
    bytes: &Option<Bytes>,
    read: impl FnOnce(&Bytes) -> Result<V, StoreError>,
) -> Result<Option<V>, StoreError> {
    bytes.as_ref().map(read).transpose()
}

/// A timestamped store's flushed entry as Java's `TimestampedCacheFlushListener` forwards it:
/// plain values, the old one only when `send_old`, timed by the new value's timestamp (the
/// entry's for a delete).
pub(crate) fn timestamped_change<V>(
    entry: &FlushedEntry,
    send_old: bool,
    read: impl Fn(&Bytes) -> Result<ValueAndTimestamp<V>, StoreError>,
) -> Result<(Change<V>, i64), StoreError> {
    let new = read_opt(&entry.new, &read)?;
    let old = match (&entry.old, send_old) {
        (Some(v), true) => Some(read(v)?.value),
        _ => None,
    };
    let timestamp = new.as_ref().map_or(entry.timestamp, |n| n.timestamp);
    let change = Change {
        new: new.map(|n| n.value),
        old,
    };
    Ok((change, timestamp))
}
