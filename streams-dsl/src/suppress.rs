//! `suppress(untilTimeLimit)` for any table (Java's `Suppressed.untilTimeLimit` with
//! `KTableSuppressProcessor`): each key's updates are held back until stream time passes the
//! time of the key's first held update by the limit, then its latest update is emitted once.
//! A buffer bounded by a record count emits its oldest keys early, or fails, when it overflows.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use streams_core::StreamsError;
use streams_core::processor::{Change, Headers, Processor, ProcessorContext, Record};
use streams_core::serde::{SerdeError, SharedSerde};
use streams_core::state::{KeyValueStore, Stores};

use crate::ktable::KTable;
use crate::serdes::Data;

const NO_HEADERS: Headers = Headers::new();

/// What a bounded suppression buffer does when it holds more keys than allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WhenFull {
    EmitEarly,
    ShutDown,
}

/// How many keys a suppression buffer may hold (Java's `Suppressed.BufferConfig`, by record
/// count; Java's byte bound, computed from its own in-memory sizes, is not offered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferConfig {
    max_records: Option<usize>,
    when_full: WhenFull,
}

impl BufferConfig {
    /// No bound (Java's `BufferConfig.unbounded()`).
    pub fn unbounded() -> Self {
        BufferConfig {
            max_records: None,
            when_full: WhenFull::ShutDown,
        }
    }

    /// At most `n` keys; when a new key would exceed that, the oldest keys are emitted early
    /// (Java's `BufferConfig.maxRecords(n)`).
    pub fn max_records(n: usize) -> Self {
        BufferConfig {
            max_records: Some(n),
            when_full: WhenFull::EmitEarly,
        }
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
}

/// A suppression buffer configured with [`BufferConfig::shut_down_when_full`] overflowed.
#[derive(Debug, thiserror::Error)]
#[error("suppression buffer {store} is full ({max_records} records)")]
pub struct SuppressBufferFull {
    /// The buffer's store.
    pub store: String,
    /// Its bound.
    pub max_records: usize,
}

/// One held update: the latest record of its key, and the value before the first held update.
struct Held<V> {
    timestamp: i64,
    new: Option<V>,
    prior: Option<V>,
}

struct TimeLimitProc<K, V> {
    name: String,
    store_name: String,
    limit: i64,
    buffer: BufferConfig,
    key: SharedSerde<K>,
    value: SharedSerde<V>,
    store: Option<KeyValueStore<Bytes, Bytes>>,
    /// Each held key's buffer time (its first held update's timestamp), by key bytes.
    index: HashMap<Bytes, i64>,
    observed: i64,
}

fn put_opt(out: &mut Vec<u8>, b: Option<&Bytes>) {
    match b {
        Some(b) => {
            out.extend_from_slice(&u32::try_from(b.len()).unwrap_or(u32::MAX).to_be_bytes());
            out.extend_from_slice(b);
        }
        None => out.extend_from_slice(&u32::MAX.to_be_bytes()),
    }
}

fn take_opt(data: &Bytes, at: &mut usize) -> Option<Option<Bytes>> {
    let len = u32::from_be_bytes(data.get(*at..*at + 4)?.try_into().ok()?);
    *at += 4;
    if len == u32::MAX {
        return Some(None);
    }
    let end = at.checked_add(len as usize)?;
    let b = data.get(*at..end)?;
    let out = data.slice(*at..*at + b.len());
    *at = end;
    Some(Some(out))
}

impl<K: Data, V: Data> TimeLimitProc<K, V> {
    fn err(&self, source: SerdeError) -> StreamsError {
        StreamsError::Serialization {
            topic: self.store_name.clone(),
            source,
        }
    }

    fn ser_value(&self, v: Option<&V>) -> Result<Option<Bytes>, StreamsError> {
        v.map(|v| {
            self.value
                .serialize(&self.store_name, &NO_HEADERS, v)
                .map(Option::unwrap_or_default)
                .map_err(|e| self.err(e))
        })
        .transpose()
    }

    fn de_value(&self, b: Option<Bytes>) -> Result<Option<V>, StreamsError> {
        b.map(|b| {
            self.value
                .deserialize(&self.store_name, &NO_HEADERS, Some(&b))
                .map_err(|e| self.err(e))
        })
        .transpose()
    }

    /// `{timestamp}{new?}{prior?}`, each optional value as a 4-byte length (all ones for none)
    /// and its bytes.
    fn encode(&self, held: &Held<V>) -> Result<Bytes, StreamsError> {
        let mut out = held.timestamp.to_be_bytes().to_vec();
        put_opt(&mut out, self.ser_value(held.new.as_ref())?.as_ref());
        put_opt(&mut out, self.ser_value(held.prior.as_ref())?.as_ref());
        Ok(Bytes::from(out))
    }

    fn decode(&self, data: &Bytes) -> Result<Held<V>, StreamsError> {
        let bad = || {
            self.err(SerdeError::InvalidLength {
                type_name: "suppression buffer entry",
                expected: 16,
                actual: data.len(),
            })
        };
        let ts = i64::from_be_bytes(
            data.get(..8)
                .ok_or_else(bad)?
                .try_into()
                .map_err(|_| bad())?,
        );
        let mut at = 8;
        let new = take_opt(data, &mut at).ok_or_else(bad)?;
        let prior = take_opt(data, &mut at).ok_or_else(bad)?;
        Ok(Held {
            timestamp: ts,
            new: self.de_value(new)?,
            prior: self.de_value(prior)?,
        })
    }

    fn buffer_key(time: i64, key: &[u8]) -> Bytes {
        let mut k = time.to_be_bytes().to_vec();
        k.extend_from_slice(key);
        Bytes::from(k)
    }

    /// Emits held keys, oldest buffer time first, while `more` says so.
    fn evict_while(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, Change<V>>,
        store: &KeyValueStore<Bytes, Bytes>,
        more: impl Fn(&Self, i64) -> bool,
    ) -> Result<(), StreamsError> {
        for (k, v) in store.all()? {
            let Some(time) = k.get(..8).and_then(|t| t.try_into().ok()) else {
                continue;
            };
            if !more(self, i64::from_be_bytes(time)) {
                break;
            }
            store.delete(&k)?;
            let key_bytes = k.slice(8..);
            self.index.remove(&key_bytes);
            let held = self.decode(&v)?;
            let key = self
                .key
                .deserialize(&self.store_name, &NO_HEADERS, Some(&key_bytes))
                .map_err(|e| self.err(e))?;
            // Not a final result, so deletes are passed on too.
            ctx.forward(Record::new(
                key,
                Change {
                    new: held.new,
                    old: held.prior,
                },
                held.timestamp,
            ))?;
        }
        Ok(())
    }
}

impl<K: Data, V: Data> Processor<K, Change<V>, K, Change<V>> for TimeLimitProc<K, V> {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, Change<V>>) -> Result<(), StreamsError> {
        let store: KeyValueStore<Bytes, Bytes> = ctx.state_store(&self.store_name)?;
        // A restored buffer rebuilds its key index.
        for (k, _) in store.all()? {
            if let Some(time) = k.get(..8).and_then(|t| t.try_into().ok()) {
                self.index.insert(k.slice(8..), i64::from_be_bytes(time));
            }
        }
        self.store = Some(store);
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
        let kb = self
            .key
            .serialize(&self.store_name, &NO_HEADERS, &r.key)
            .map_err(|e| self.err(e))?
            .unwrap_or_default();
        // A key keeps the buffer time and prior value of its first held update.
        let (time, prior) = match self.index.get(&kb) {
            Some(&time) => {
                let prior = match store.get(&Self::buffer_key(time, &kb))? {
                    Some(v) => self.decode(&v)?.prior,
                    None => None,
                };
                (time, prior)
            }
            None => {
                self.index.insert(kb.clone(), r.timestamp);
                (r.timestamp, r.value.old.clone())
            }
        };
        let held = Held {
            timestamp: r.timestamp,
            new: r.value.new,
            prior,
        };
        store.put(&Self::buffer_key(time, &kb), &self.encode(&held)?)?;

        let expiry = self.observed.saturating_sub(self.limit);
        self.evict_while(ctx, &store, |_, time| time <= expiry)?;
        if let Some(max) = self.buffer.max_records
            && self.index.len() > max
        {
            match self.buffer.when_full {
                WhenFull::EmitEarly => {
                    self.evict_while(ctx, &store, |p, _| p.index.len() > max)?;
                }
                WhenFull::ShutDown => {
                    return Err(StreamsError::Processor {
                        node: self.name.clone(),
                        source: Box::new(SuppressBufferFull {
                            store: self.store_name.clone(),
                            max_records: max,
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
    /// Java's (`KTABLE-SUPPRESS-STATE-STORE-<n>`) with a changelog, whose record layout is this
    /// crate's, not Java's.
    pub fn suppress_until_time_limit(&self, limit: Duration, buffer: BufferConfig) -> KTable<K, V> {
        let b = &self.b;
        let name = self.op_name("KTABLE-SUPPRESS-");
        let store = b.new_name("KTABLE-SUPPRESS-STATE-STORE-");
        let limit = i64::try_from(limit.as_millis()).unwrap_or(i64::MAX);
        // As Java's, the buffer keeps each key's value from before its first held update, so
        // the parent sends old values (which materializes a source table).
        self.enable_send_old_values();
        match (self.key_serde.clone(), self.value_serde.clone()) {
            (Some(key), Some(value)) => {
                let (proc_name, store_name) = (name.clone(), store.clone());
                b.with_topology(|t| {
                    t.add_processor(
                        &name,
                        move || TimeLimitProc {
                            name: proc_name.clone(),
                            store_name: store_name.clone(),
                            limit,
                            buffer,
                            key: key.clone(),
                            value: value.clone(),
                            store: None,
                            index: HashMap::new(),
                            observed: -1,
                        },
                        &[&self.node],
                    );
                    t.add_state_store(
                        Stores::key_value_store_builder(
                            Stores::in_memory_key_value_store(&store),
                            streams_core::serde::Serdes::bytes(),
                            streams_core::serde::Serdes::bytes(),
                        ),
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
