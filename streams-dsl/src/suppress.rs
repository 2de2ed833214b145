//! `suppress(untilTimeLimit)` for any table (Java's `Suppressed.untilTimeLimit` with
//! `KTableSuppressProcessor`): each key's updates are held back until stream time passes the
//! time of the key's first held update by the limit, then its latest update is emitted once.
//! A buffer bounded by a record count emits its oldest keys early, or fails, when it overflows.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use streams_core::StreamsError;
use streams_core::metrics::StreamsSensor;
use streams_core::processor::{
    Change, Headers, Processor, ProcessorContext, Record, RecordMetadata,
};
use streams_core::serde::{SerdeError, SharedSerde};

use crate::ktable::KTable;
use crate::serdes::Data;
use crate::suppress_buffer::{BufferContext, SuppressBuffer, SuppressBufferBuilder};

/// What a bounded suppression buffer does when it holds more keys than allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WhenFull {
    EmitEarly,
    ShutDown,
}

/// How much a suppression buffer may hold (Java's `Suppressed.BufferConfig`): a number of keys,
/// a number of bytes, or both, and what happens beyond them.
///
/// Bytes are counted as Java counts them, so the same bound emits at the same points: per held
/// key, 8 plus the key's bytes, the value bytes (prior, old unless it equals the prior, new),
/// and its record context (16, the topic's UTF-16 length, 4, and each header's key UTF-16
/// length and value bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferConfig {
    max_records: Option<usize>,
    max_bytes: Option<u64>,
    when_full: WhenFull,
}

impl BufferConfig {
    /// No bound (Java's `BufferConfig.unbounded()`).
    pub fn unbounded() -> Self {
        BufferConfig {
            max_records: None,
            max_bytes: None,
            when_full: WhenFull::ShutDown,
        }
    }

    /// At most `n` keys; when a new key would exceed that, the oldest keys are emitted early
    /// (Java's `BufferConfig.maxRecords(n)`).
    pub fn max_records(n: usize) -> Self {
        BufferConfig {
            max_records: Some(n),
            max_bytes: None,
            when_full: WhenFull::EmitEarly,
        }
    }

    /// At most `n` bytes (counted as Java counts them, see [`BufferConfig`]); beyond that the
    /// oldest keys are emitted early (Java's `BufferConfig.maxBytes(n)`).
    pub fn max_bytes(n: u64) -> Self {
        BufferConfig {
            max_records: None,
            max_bytes: Some(n),
            when_full: WhenFull::EmitEarly,
        }
    }

    /// Also bounds the number of keys (Java's `withMaxRecords`).
    pub fn with_max_records(mut self, n: usize) -> Self {
        self.max_records = Some(n);
        self
    }

    /// Also bounds the bytes (Java's `withMaxBytes`).
    pub fn with_max_bytes(mut self, n: u64) -> Self {
        self.max_bytes = Some(n);
        self
    }

    /// Emits the oldest keys early when full (the default for a bounded buffer).
    pub fn emit_early_when_full(mut self) -> Self {
        self.when_full = WhenFull::EmitEarly;
        self
    }

    /// Fails processing with [`SuppressBufferFull`] when full, instead of emitting early.
    pub fn shut_down_when_full(mut self) -> Self {
        self.when_full = WhenFull::ShutDown;
        self
    }

    /// Whether `records` keys taking `bytes` exceed the bounds.
    fn over(&self, records: usize, bytes: u64) -> bool {
        self.max_records.is_some_and(|max| records > max)
            || self.max_bytes.is_some_and(|max| bytes > max)
    }
}

/// A suppression buffer configured with [`BufferConfig::shut_down_when_full`] overflowed.
#[derive(Debug, thiserror::Error)]
#[error(
    "suppression buffer {store} is full: {records} records of {bytes} bytes, bounds \
     {max_records:?} records and {max_bytes:?} bytes"
)]
pub struct SuppressBufferFull {
    /// The buffer's store.
    pub store: String,
    /// Its bound on keys, if any.
    pub max_records: Option<usize>,
    /// Its bound on bytes, if any.
    pub max_bytes: Option<u64>,
    /// Keys held when it overflowed.
    pub records: usize,
    /// Bytes held when it overflowed.
    pub bytes: u64,
}

/// Java's `KTableSuppressProcessor`: buffers each update under its key at a buffer time (the
/// record's timestamp, or a window's end), then emits held keys, oldest buffer time first, once
/// stream time passes that time by the suppression's limit, and the oldest ones early (or fails)
/// when a bounded buffer overflows.
pub(crate) struct SuppressProc<K, V> {
    pub(crate) name: String,
    pub(crate) store_name: String,
    /// How far stream time must pass a buffer time to emit it.
    pub(crate) limit: i64,
    pub(crate) buffer: BufferConfig,
    /// A key's buffer time from its record's timestamp.
    pub(crate) buffer_time: fn(&K, i64) -> i64,
    /// Final results drop deletes, which have nothing to emit (Java's `safeToDropTombstones`).
    pub(crate) drop_tombstones: bool,
    pub(crate) key: SharedSerde<K>,
    pub(crate) value: SharedSerde<V>,
    pub(crate) store: Option<SuppressBuffer>,
    pub(crate) observed: i64,
    /// `suppression-emit`, from `init`.
    pub(crate) emitted: Option<StreamsSensor>,
}

impl<K: Data, V: Data> SuppressProc<K, V> {
    /// A suppression with no node or store yet (`suppress` and `suppress_until_time_limit` fill
    /// them in).
    pub(crate) fn new(
        (name, store_name): (String, String),
        limit: i64,
        buffer: BufferConfig,
        buffer_time: fn(&K, i64) -> i64,
        drop_tombstones: bool,
        (key, value): (SharedSerde<K>, SharedSerde<V>),
    ) -> Self {
        SuppressProc {
            name,
            store_name,
            limit,
            buffer,
            buffer_time,
            drop_tombstones,
            key,
            value,
            store: None,
            observed: -1,
            emitted: None,
        }
    }

    fn err(&self, source: SerdeError) -> StreamsError {
        StreamsError::Serialization {
            topic: self.store_name.clone(),
            source,
        }
    }

    fn ser_value(&self, v: Option<&V>, headers: &Headers) -> Result<Option<Bytes>, StreamsError> {
        v.map(|v| {
            self.value
                .serialize(&self.store_name, headers, v)
                .map(Option::unwrap_or_default)
                .map_err(|e| self.err(e))
        })
        .transpose()
    }

    fn de_value(&self, b: Option<Bytes>, headers: &Headers) -> Result<Option<V>, StreamsError> {
        b.map(|b| {
            self.value
                .deserialize(&self.store_name, headers, Some(&b))
                .map_err(|e| self.err(e))
        })
        .transpose()
    }

    /// Emits held keys while `more(buffer time, keys held, bytes held)` says so, each as its
    /// latest update with that update's timestamp and headers.
    fn evict_while(
        &self,
        ctx: &mut ProcessorContext<'_, K, Change<V>>,
        store: &SuppressBuffer,
        more: impl Fn(i64, usize, u64) -> bool,
    ) -> Result<(), StreamsError> {
        let mut evicted = false;
        while let Some(e) = store.evict_next(&more)? {
            evicted = true;
            let c = e.value.context;
            if e.value.new.is_none() && self.drop_tombstones {
                continue;
            }
            let key = self
                .key
                .deserialize(&self.store_name, &c.headers, Some(&e.key))
                .map_err(|err| self.err(err))?;
            let change = Change {
                new: self.de_value(e.value.new, &c.headers)?,
                old: self.de_value(e.value.old, &c.headers)?,
            };
            // Children see the held record's metadata, as Java sets its record context.
            let meta = (c.offset >= 0 || !c.topic.is_empty()).then(|| RecordMetadata {
                topic: c.topic.clone(),
                partition: c.partition,
                offset: c.offset,
            });
            let record = Record::new(key, change, c.timestamp).with_headers(c.headers);
            ctx.forward_with_metadata(record, meta)?;
            if let Some(s) = &self.emitted {
                s.record();
            }
        }
        if evicted {
            store.update_metrics()?;
        }
        Ok(())
    }
}

impl<K: Data, V: Data> Processor<K, Change<V>, K, Change<V>> for SuppressProc<K, V> {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, Change<V>>) -> Result<(), StreamsError> {
        self.store = Some(ctx.state_store(&self.store_name)?);
        let task = ctx.task_id().to_string();
        self.emitted = crate::metrics::suppression_emit(ctx.metrics(), &task, ctx.node_name());
        Ok(())
    }

    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, Change<V>>,
        r: Record<K, Change<V>>,
    ) -> Result<(), StreamsError> {
        let Some(store) = self.store.clone() else {
            return Ok(());
        };
        self.observed = self.observed.max(r.timestamp);
        let key = self
            .key
            .serialize(&self.store_name, &r.headers, &r.key)
            .map_err(|e| self.err(e))?
            .unwrap_or_default();
        // Old before new, as Java serializes them: a serde may write into the headers.
        let old = self.ser_value(r.value.old.as_ref(), &r.headers)?;
        let new = self.ser_value(r.value.new.as_ref(), &r.headers)?;
        let meta = ctx.record_metadata();
        let context = BufferContext {
            timestamp: r.timestamp,
            offset: meta.as_ref().map_or(-1, |m| m.offset),
            topic: meta
                .as_ref()
                .map_or_else(|| Arc::from(""), |m| m.topic.clone()),
            partition: meta.as_ref().map_or(-1, |m| m.partition),
            headers: r.headers.clone(),
        };
        let time = (self.buffer_time)(&r.key, r.timestamp);
        store.put(time, key, old, new, context)?;

        let expiry = self.observed.saturating_sub(self.limit);
        self.evict_while(ctx, &store, |time, _, _| time <= expiry)?;
        let (records, bytes) = store.occupancy()?;
        if self.buffer.over(records, bytes) {
            match self.buffer.when_full {
                WhenFull::EmitEarly => {
                    let bounds = self.buffer;
                    self.evict_while(ctx, &store, |_, records, bytes| bounds.over(records, bytes))?;
                }
                WhenFull::ShutDown => {
                    return Err(StreamsError::Processor {
                        node: self.name.clone(),
                        source: Box::new(SuppressBufferFull {
                            store: store.name().to_owned(),
                            max_records: self.buffer.max_records,
                            max_bytes: self.buffer.max_bytes,
                            records,
                            bytes,
                        }),
                    });
                }
            }
        }
        Ok(())
    }
}

impl<K: Data, V: Data> KTable<K, V> {
    /// Holds back each key's updates until stream time is `limit` past the key's first held
    /// update, then emits its latest (Java's `suppress(Suppressed.untilTimeLimit(limit,
    /// buffer))`); deletes are held and emitted like updates. The buffer is a store named like
    /// Java's (`KTABLE-SUPPRESS-STATE-STORE-<n>`) whose changelog records have Java's layout, so
    /// a buffer restores from what Java Kafka Streams logged and the other way round.
    pub fn suppress_until_time_limit(&self, limit: Duration, buffer: BufferConfig) -> KTable<K, V> {
        let b = &self.b;
        let (name, store) = self.suppress_names();
        let limit = i64::try_from(limit.as_millis()).unwrap_or(i64::MAX);
        // As Java's, the buffer keeps each key's value from before its first held update, so
        // the parent sends old values (which materializes a source table).
        self.enable_send_old_values();
        match (self.key_serde.clone(), self.value_serde.clone()) {
            (Some(key), Some(value)) => {
                let names = (name.clone(), store.clone());
                b.with_topology(|t| {
                    t.add_processor(
                        &name,
                        move || {
                            SuppressProc::new(
                                names.clone(),
                                limit,
                                buffer,
                                |_, timestamp| timestamp,
                                false,
                                (key.clone(), value.clone()),
                            )
                        },
                        &[&self.node],
                    );
                    t.add_state_store(
                        SuppressBufferBuilder {
                            name: store.clone(),
                        },
                        &[&name],
                    );
                });
            }
            _ => b.error(crate::builder::DslError::MissingSerde {
                operation: name.clone(),
                which: "key or value",
                type_name: std::any::type_name::<(K, V)>(),
            }),
        }
        KTable::unreadable(
            b,
            name,
            None,
            self.key_serde.clone(),
            self.value_serde.clone(),
        )
    }
}
