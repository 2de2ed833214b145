//! The suppression buffer (Java's `InMemoryTimeOrderedKeyValueChangeBuffer`): each held key's
//! latest update ordered by buffer time, kept in memory and logged to its changelog in Java's
//! record layout, so a buffer written by Java Kafka Streams restores here and the other way round.
//!
//! A changelog record's key is the serialized key. Its value is Java's "V3" layout, marked by the
//! record header `v` = `[3]`:
//! `{record context}{prior value}{old value}{new value}{buffer time: i64}`, where the context is
//! `{timestamp: i64}{offset: i64}{topic: i32 length + UTF-8}{partition: i32}{header count: i32}`
//! and each header `{key: i32 length + UTF-8}{value: i32 length or -1 + bytes}`, and each value
//! part is an i32 length (-1 for null) and its bytes. The old value is written as -2 when it
//! equals the prior value. Integers are big-endian. An evicted key is logged as a tombstone.
//!
//! As Java's, writes are logged when the task commits: once per key changed since the last
//! commit, in the order Java's `HashSet` of dirty keys iterates them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use streams_core::clock::SharedClock;
use streams_core::metrics::{StreamsMetrics, StreamsSensor};
use streams_core::processor::{Header, Headers};
use streams_core::serde::SerdeError;
use streams_core::state::{
    BuiltStore, ChangelogRecord, StoreBuilder, StoreContext, StoreControl, StoreError,
};
use streams_core::task::{ProducerRecord, SharedCollector};

/// The changelog header Java marks the V3 layout with.
const VERSION_HEADER: &str = "v";
const V3: u8 = 3;
/// An old value equal to the prior value (Java's `OLD_PREV_DUPLICATE_VALUE_SENTINEL`).
const DUPLICATE_OF_PRIOR: i32 = -2;

/// Where and when the buffered update was read (Java's `ProcessorRecordContext`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BufferContext {
    /// The update's timestamp.
    pub(crate) timestamp: i64,
    /// Source offset (-1 when not from a source record).
    pub(crate) offset: i64,
    /// Source topic (empty when not from a source record).
    pub(crate) topic: Arc<str>,
    /// Source partition (-1 when not from a source record).
    pub(crate) partition: i32,
    /// The update's headers, which the emitted record carries.
    pub(crate) headers: Headers,
}

/// One held key (Java's `BufferValue`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BufferValue {
    /// The value before the key's first held update.
    pub(crate) prior: Option<Bytes>,
    /// The latest update's old value.
    pub(crate) old: Option<Bytes>,
    /// The latest update's new value.
    pub(crate) new: Option<Bytes>,
    /// The latest update's context.
    pub(crate) context: BufferContext,
}

/// Java's count of a string's characters (UTF-16 code units).
fn java_chars(s: &str) -> u64 {
    s.encode_utf16().count() as u64
}

fn len(b: &Option<Bytes>) -> u64 {
    b.as_ref().map_or(0, |b| b.len() as u64)
}

impl BufferContext {
    /// Java's `ProcessorRecordContext.residentMemorySizeEstimate`.
    fn size(&self) -> u64 {
        let headers: u64 = self
            .headers
            .iter()
            .map(|h| java_chars(&h.key) + len(&h.value))
            .sum();
        8 + 8 + java_chars(&self.topic) + 4 + headers
    }
}

/// What one held key counts against a byte bound (Java's `computeRecordSize`): its buffer time,
/// key, values (the old one only when it differs from the prior) and context.
fn record_size(key: &Bytes, v: &BufferValue) -> u64 {
    let old = if v.old_equals_prior() { 0 } else { len(&v.old) };
    8 + key.len() as u64 + len(&v.prior) + old + len(&v.new) + v.context.size()
}

fn put_i32(out: &mut Vec<u8>, n: i32) {
    out.extend_from_slice(&n.to_be_bytes());
}

/// A length prefix; Java's arrays never exceed `i32::MAX` bytes.
fn put_len(out: &mut Vec<u8>, len: usize) {
    put_i32(out, i32::try_from(len).unwrap_or(i32::MAX));
}

fn put_opt(out: &mut Vec<u8>, v: Option<&[u8]>) {
    match v {
        Some(v) => {
            put_len(out, v.len());
            out.extend_from_slice(v);
        }
        None => put_i32(out, -1),
    }
}

impl BufferValue {
    /// Whether the old value is held as the prior. Java's `BufferValue` constructor makes the
    /// prior the very array of an equal old value, and its size and serialization test that
    /// identity, so equal contents are what decides both.
    fn old_equals_prior(&self) -> bool {
        self.old.is_some() && self.old == self.prior
    }

    /// The changelog value: the V3 layout followed by the buffer time.
    pub(crate) fn encode(&self, time: i64) -> Vec<u8> {
        let c = &self.context;
        let mut out = Vec::with_capacity(64);
        out.extend_from_slice(&c.timestamp.to_be_bytes());
        out.extend_from_slice(&c.offset.to_be_bytes());
        put_opt(&mut out, Some(c.topic.as_bytes()));
        put_i32(&mut out, c.partition);
        put_len(&mut out, c.headers.len());
        for h in c.headers.iter() {
            put_opt(&mut out, Some(h.key.as_bytes()));
            put_opt(&mut out, h.value.as_deref());
        }
        put_opt(&mut out, self.prior.as_deref());
        if self.old_equals_prior() {
            put_i32(&mut out, DUPLICATE_OF_PRIOR);
        } else {
            put_opt(&mut out, self.old.as_deref());
        }
        put_opt(&mut out, self.new.as_deref());
        out.extend_from_slice(&time.to_be_bytes());
        out
    }

    /// Reads a changelog value written by [`BufferValue::encode`] or by Java; returns the value
    /// and its buffer time. Bytes after the buffer time are ignored, as Java ignores them.
    pub(crate) fn decode(data: &Bytes) -> Result<(BufferValue, i64), SerdeError> {
        let mut r = Reader { data, at: 0 };
        let timestamp = r.i64()?;
        let offset = r.i64()?;
        let topic = r.bytes("the record context's topic")?.unwrap_or_default();
        let topic = std::str::from_utf8(&topic).map_err(|e| SerdeError::InvalidUtf8 {
            valid_up_to: e.valid_up_to(),
        })?;
        let partition = r.i32()?;
        let count = r.i32()?;
        let mut headers = Headers::new();
        // Java writes -1 for "no headers" in older records.
        for _ in 0..count.max(0) {
            let key = r.bytes("a header key")?.unwrap_or_default();
            let key = String::from_utf8(key.to_vec()).map_err(|e| SerdeError::InvalidUtf8 {
                valid_up_to: e.utf8_error().valid_up_to(),
            })?;
            let value = r.bytes("a header value")?;
            headers.add(key, value);
        }
        let prior = r.bytes("the prior value")?;
        let old = match r.i32()? {
            DUPLICATE_OF_PRIOR => prior.clone(),
            -1 => None,
            len => Some(r.take(len, "the old value")?),
        };
        let new = r.bytes("the new value")?;
        let time = r.i64()?;
        Ok((
            BufferValue {
                prior,
                old,
                new,
                context: BufferContext {
                    timestamp,
                    offset,
                    topic: Arc::from(topic),
                    partition,
                    headers,
                },
            },
            time,
        ))
    }
}

/// A cursor over a changelog value whose errors say what was cut short.
struct Reader<'a> {
    data: &'a Bytes,
    at: usize,
}

impl Reader<'_> {
    fn short(&self, what: &'static str, need: usize) -> SerdeError {
        SerdeError::InvalidLength {
            type_name: what,
            expected: self.at.saturating_add(need),
            actual: self.data.len(),
        }
    }
    fn fixed<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], SerdeError> {
        let b = self
            .data
            .get(self.at..self.at + N)
            .ok_or_else(|| self.short(what, N))?;
        self.at += N;
        Ok(b.try_into().unwrap_or([0; N]))
    }
    fn i64(&mut self) -> Result<i64, SerdeError> {
        Ok(i64::from_be_bytes(self.fixed(
            "suppression buffer changelog value (an 8-byte field)",
        )?))
    }
    fn i32(&mut self) -> Result<i32, SerdeError> {
        Ok(i32::from_be_bytes(self.fixed(
            "suppression buffer changelog value (a 4-byte field)",
        )?))
    }
    fn take(&mut self, len: i32, what: &'static str) -> Result<Bytes, SerdeError> {
        let len = usize::try_from(len).map_err(|_| self.short(what, 0))?;
        let end = self
            .at
            .checked_add(len)
            .ok_or_else(|| self.short(what, len))?;
        if end > self.data.len() {
            return Err(self.short(what, len));
        }
        let b = self.data.slice(self.at..end);
        self.at = end;
        Ok(b)
    }
    fn bytes(&mut self, what: &'static str) -> Result<Option<Bytes>, SerdeError> {
        match self.i32()? {
            -1 => Ok(None),
            len => self.take(len, what).map(Some),
        }
    }
}

/// Java's `Arrays.hashCode(byte[])`, which its `Bytes` keys hash by.
fn java_bytes_hash(b: &[u8]) -> i32 {
    b.iter().fold(1i32, |h, &x| {
        h.wrapping_mul(31).wrapping_add(i32::from(x as i8))
    })
}

/// Keys changed since the last commit, iterated as Java's `HashSet<Bytes>` iterates them: by
/// bucket of the spread hash in a table that only grows, then by insertion.
#[derive(Debug, Default)]
struct DirtyKeys {
    keys: Vec<Bytes>,
    member: HashSet<Bytes>,
    /// The table size Java's set has reached (it keeps its table when cleared).
    capacity: usize,
}

impl DirtyKeys {
    fn add(&mut self, key: &Bytes) {
        if self.member.insert(key.clone()) {
            self.keys.push(key.clone());
            self.capacity = self.capacity.max(16);
            while self.keys.len() > self.capacity / 4 * 3 {
                self.capacity *= 2;
            }
        }
    }

    /// Takes the keys in Java's iteration order.
    fn drain(&mut self) -> Vec<Bytes> {
        self.member.clear();
        let mut keys = std::mem::take(&mut self.keys);
        let mask = self.capacity.saturating_sub(1);
        keys.sort_by_key(|k| {
            let h = java_bytes_hash(k) as u32;
            ((h ^ (h >> 16)) as usize) & mask
        });
        keys
    }
}

/// An update evicted from the buffer.
pub(crate) struct Eviction {
    /// The serialized key.
    pub(crate) key: Bytes,
    /// The held value.
    pub(crate) value: BufferValue,
}

/// The buffer's contents and what it has yet to log.
struct Buffer {
    /// Each held key's buffer time.
    index: HashMap<Bytes, i64>,
    /// Held keys by buffer time, then key bytes (Java's `BufferKey` order).
    sorted: BTreeMap<(i64, Bytes), BufferValue>,
    dirty: DirtyKeys,
    /// The held keys' sizes as Java counts them (see [`record_size`]).
    bytes: u64,
    /// Changelog topic and partition, when logging.
    changelog: Option<(Arc<str>, i32)>,
    collector: SharedCollector,
    clock: SharedClock,
    /// `suppression-buffer-size` and `-count`, once the task has metrics.
    sensors: Option<BufferSensors>,
}

struct BufferSensors {
    registry: StreamsMetrics,
    size: StreamsSensor,
    count: StreamsSensor,
}

impl Buffer {
    /// Records the held bytes and keys, where Java's buffer does: after a put, after evictions
    /// and a restored batch, and when its metrics start.
    fn update_metrics(&self) {
        if let Some(s) = &self.sensors {
            s.size.record_value(self.bytes as f64);
            s.count.record_value(self.index.len() as f64);
        }
    }

    fn clean_put(&mut self, time: i64, key: Bytes, value: BufferValue) {
        // A key keeps its place: the buffer time of its first held update.
        let time = *self.index.entry(key.clone()).or_insert(time);
        self.bytes += record_size(&key, &value);
        let k = key.clone();
        if let Some(replaced) = self.sorted.insert((time, key), value) {
            self.bytes = self.bytes.saturating_sub(record_size(&k, &replaced));
        }
    }

    fn remove(&mut self, key: &Bytes) {
        if let Some(time) = self.index.remove(key)
            && let Some(v) = self.sorted.remove(&(time, key.clone()))
        {
            self.bytes = self.bytes.saturating_sub(record_size(key, &v));
        }
    }

    /// Logs every key changed since the last commit: its held value, or a tombstone.
    fn log_dirty(&mut self) -> Result<(), StoreError> {
        let Some((topic, partition)) = self.changelog.clone() else {
            self.dirty.drain();
            return Ok(());
        };
        let keys = self.dirty.drain();
        if keys.is_empty() {
            return Ok(());
        }
        // Java sends these without a timestamp, so the producer stamps them with its clock.
        let now = self.clock.now_ms();
        let mut collector = self.collector.lock().map_err(|_| StoreError::Poisoned)?;
        for key in keys {
            let (value, headers) = match self.index.get(&key) {
                Some(&time) => {
                    let v = &self.sorted[&(time, key.clone())];
                    let headers: Headers = [Header {
                        key: VERSION_HEADER.to_owned(),
                        value: Some(Bytes::from_static(&[V3])),
                    }]
                    .into_iter()
                    .collect();
                    (Some(Bytes::from(v.encode(time))), headers)
                }
                None => (None, Headers::new()),
            };
            collector
                .send(ProducerRecord {
                    topic: topic.clone(),
                    partition: Some(partition),
                    key: Some(key),
                    value,
                    timestamp: now,
                    headers,
                })
                .map_err(|e| StoreError::Changelog(Box::new(e)))?;
        }
        Ok(())
    }
}

/// A handle on a task's suppression buffer, as its processor gets it from the context.
#[derive(Clone)]
pub(crate) struct SuppressBuffer {
    name: Arc<str>,
    inner: Arc<Mutex<Buffer>>,
}

impl SuppressBuffer {
    fn lock(&self) -> Result<MutexGuard<'_, Buffer>, StoreError> {
        self.inner.lock().map_err(|_| StoreError::Poisoned)
    }

    /// The store name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Holds `new`/`old` (serialized) under `key` at buffer `time`, keeping the prior value and
    /// buffer time of the key's first held update (Java's `put`).
    pub(crate) fn put(
        &self,
        time: i64,
        key: Bytes,
        old: Option<Bytes>,
        new: Option<Bytes>,
        context: BufferContext,
    ) -> Result<(), StoreError> {
        let mut b = self.lock()?;
        let held = b
            .index
            .get(&key)
            .and_then(|&t| b.sorted.get(&(t, key.clone())));
        let prior = match held {
            Some(h) => h.prior.clone(),
            None => old.clone(),
        };
        b.clean_put(
            time,
            key.clone(),
            BufferValue {
                prior,
                old,
                new,
                context,
            },
        );
        b.dirty.add(&key);
        b.update_metrics();
        Ok(())
    }

    /// Records the buffer's size metrics; the processor calls it after a round of evictions
    /// (Java's `evictWhile` records once, after its last).
    pub(crate) fn update_metrics(&self) -> Result<(), StoreError> {
        self.lock()?.update_metrics();
        Ok(())
    }

    /// How many keys are held, and their bytes as Java counts them.
    pub(crate) fn occupancy(&self) -> Result<(usize, u64), StoreError> {
        let b = self.lock()?;
        Ok((b.index.len(), b.bytes))
    }

    /// Removes and returns the held key with the smallest buffer time if `evict(time, keys,
    /// bytes)` says so for what is held (Java's `evictWhile`, one step at a time so the caller
    /// can forward in between).
    pub(crate) fn evict_next(
        &self,
        evict: impl FnOnce(i64, usize, u64) -> bool,
    ) -> Result<Option<Eviction>, StoreError> {
        let mut b = self.lock()?;
        let Some(((time, _), _)) = b.sorted.first_key_value() else {
            return Ok(None);
        };
        if !evict(*time, b.index.len(), b.bytes) {
            return Ok(None);
        }
        let Some(((_, key), value)) = b.sorted.pop_first() else {
            return Ok(None);
        };
        b.index.remove(&key);
        b.bytes = b.bytes.saturating_sub(record_size(&key, &value));
        b.dirty.add(&key);
        Ok(Some(Eviction { key, value }))
    }
}

/// The task's side of the buffer: logging at commit, restoring, closing.
struct BufferControl(SuppressBuffer);

impl StoreControl for BufferControl {
    fn flush(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
    fn log_changes(&mut self) -> Result<(), StoreError> {
        self.0.lock()?.log_dirty()
    }
    fn commit(&mut self, _: Option<i64>, _: bool) -> Result<(), StoreError> {
        Ok(())
    }
    fn checkpoint(&self) -> Option<i64> {
        None
    }
    fn restore(&mut self, batch: &[ChangelogRecord]) -> Result<(), StoreError> {
        let mut b = self.0.lock()?;
        for r in batch {
            match &r.value {
                None => b.remove(&r.key),
                Some(v) => {
                    let (value, time) =
                        BufferValue::decode(v).map_err(|source| StoreError::Serde {
                            store: self.0.name.to_string(),
                            source,
                        })?;
                    // A restored key takes the logged buffer time, replacing any earlier one.
                    b.remove(&r.key);
                    b.clean_put(time, r.key.clone(), value);
                }
            }
        }
        b.update_metrics();
        Ok(())
    }
    fn close(&mut self) -> Result<(), StoreError> {
        let mut b = self.0.lock()?;
        b.index.clear();
        b.sorted.clear();
        b.bytes = 0;
        b.dirty.drain();
        if let Some(s) = b.sensors.take() {
            s.registry.remove_sensor(&s.size);
            s.registry.remove_sensor(&s.count);
        }
        Ok(())
    }
    fn enable_metrics(&mut self, registry: &StreamsMetrics, thread_id: &str, task_id: &str) {
        let Ok(mut b) = self.0.lock() else {
            return;
        };
        b.sensors = crate::metrics::suppression_buffer(registry, thread_id, task_id, &self.0.name)
            .map(|(size, count)| BufferSensors {
                registry: registry.clone(),
                size,
                count,
            });
        b.update_metrics();
    }
}

/// Builds a [`SuppressBuffer`] per task, logged to `<application.id>-<name>-changelog`.
pub(crate) struct SuppressBufferBuilder {
    pub(crate) name: String,
}

impl StoreBuilder for SuppressBufferBuilder {
    fn name(&self) -> &str {
        &self.name
    }
    fn logging_enabled(&self) -> bool {
        true
    }
    fn build(&self, ctx: &StoreContext) -> Result<BuiltStore, StoreError> {
        let handle = SuppressBuffer {
            name: Arc::from(self.name.as_str()),
            inner: Arc::new(Mutex::new(Buffer {
                index: HashMap::new(),
                sorted: BTreeMap::new(),
                dirty: DirtyKeys::default(),
                bytes: 0,
                changelog: ctx.changelog.clone(),
                collector: ctx.collector.clone(),
                clock: ctx.clock.clone(),
                sensors: None,
            })),
        };
        Ok(BuiltStore {
            handle: Arc::new(handle.clone()),
            control: Box::new(BufferControl(handle)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(headers: Headers) -> BufferContext {
        BufferContext {
            timestamp: 7,
            offset: 3,
            topic: Arc::from("in"),
            partition: 0,
            headers,
        }
    }

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    #[test]
    fn v3_layout_round_trips_and_matches_javas_bytes() {
        let mut headers = Headers::new();
        headers.add("h", Some(b("x"))).add("n", None);
        let v = BufferValue {
            prior: None,
            old: Some(b("o")),
            new: Some(b("nn")),
            context: ctx(headers),
        };
        let bytes = v.encode(9);
        let mut want = Vec::new();
        want.extend_from_slice(&7i64.to_be_bytes());
        want.extend_from_slice(&3i64.to_be_bytes());
        want.extend_from_slice(&[0, 0, 0, 2, b'i', b'n', 0, 0, 0, 0, 0, 0, 0, 2]);
        want.extend_from_slice(&[0, 0, 0, 1, b'h', 0, 0, 0, 1, b'x']);
        want.extend_from_slice(&[0, 0, 0, 1, b'n', 0xff, 0xff, 0xff, 0xff]);
        want.extend_from_slice(&[0xff, 0xff, 0xff, 0xff]);
        want.extend_from_slice(&[0, 0, 0, 1, b'o', 0, 0, 0, 2, b'n', b'n']);
        want.extend_from_slice(&9i64.to_be_bytes());
        assert_eq!(bytes, want);
        let (back, time) = BufferValue::decode(&Bytes::from(bytes)).unwrap();
        assert_eq!((back, time), (v, 9));
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// Bytes and sizes printed by Java 4.4's `BufferValue.serialize(8)` plus the buffer time 1,
    /// for the context (7, 3, "in", 0, no headers). Java's constructor makes an old value equal
    /// to the prior the prior's own array, so an equal old value is the -2 sentinel with no
    /// room reserved for it, and it is not counted twice in the buffer's size.
    #[test]
    fn null_and_duplicate_parts_match_javas_bytes_and_sizes() {
        let context = "0000000000000007000000000000000300000002696e0000000000000000";
        // Prior, old and new value, Java's bytes for them, and its size estimate.
        type Case<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
            &'a str,
            u64,
        );
        let cases: [Case<'_>; 4] = [
            (Some("p"), Some("p"), None, "0000000170fffffffeffffffff", 23),
            (
                None,
                Some("o"),
                Some("m"),
                "ffffffff000000016f000000016d",
                24,
            ),
            (
                Some("p"),
                None,
                Some("m"),
                "0000000170ffffffff000000016d",
                24,
            ),
            (None, None, None, "ffffffffffffffffffffffff", 22),
        ];
        for (prior, old, new, parts, size) in cases {
            let v = BufferValue {
                prior: prior.map(b),
                old: old.map(b),
                new: new.map(b),
                context: ctx(Headers::new()),
            };
            let want = hex(&format!("{context}{parts}0000000000000001"));
            assert_eq!(v.encode(1), want, "{prior:?} {old:?} {new:?}");
            assert_eq!(record_size(&Bytes::new(), &v), 8 + size);
            let (back, time) = BufferValue::decode(&Bytes::from(want)).unwrap();
            assert_eq!((back, time), (v, 1));
        }
    }

    /// A key updated twice whose second old value equals the first one (the prior): the
    /// record Java 4.4 logged in the `suppress_max_bytes~r1` parity variant, with nothing after
    /// the buffer time.
    #[test]
    fn a_later_update_whose_old_value_equals_the_prior_logs_javas_record() {
        let kept = Arc::new(Mutex::new(Kept::default()));
        let buf = buffer(&kept);
        let mut headers = Headers::new();
        headers.add("h", Some(b("261")));
        let context = BufferContext {
            timestamp: 0x6d,
            offset: 0x20,
            topic: Arc::from("tin"),
            partition: 0,
            headers,
        };
        let first = BufferContext {
            offset: 0x1f,
            ..context.clone()
        };
        buf.put(0x6d, b("e"), Some(b("22")), Some(b("3")), first)
            .unwrap();
        buf.put(0x6d, b("e"), Some(b("22")), Some(b("4444")), context)
            .unwrap();
        BufferControl(buf.clone()).log_changes().unwrap();
        let logged = std::mem::take(&mut kept.lock().unwrap().0);
        let java = hex(concat!(
            "000000000000006d00000000000000200000000374696e000000000000000100000001680000000332",
            "3631000000023232fffffffe0000000434343434000000000000006d"
        ));
        assert_eq!(logged.len(), 1);
        assert_eq!(logged[0].value.as_deref(), Some(&java[..]));
        // Counted once: 8, the key, the prior, the new value and the context (8 + 8 + 3 + 4 and
        // the header's 1 + 3).
        assert_eq!(buf.occupancy().unwrap(), (1, 8 + 1 + 2 + 4 + 23 + 4));
    }

    #[test]
    fn truncated_values_name_the_missing_part() {
        let v = BufferValue {
            prior: Some(b("prior")),
            old: None,
            new: Some(b("new")),
            context: ctx(Headers::new()),
        }
        .encode(5);
        for cut in 0..v.len() {
            let err = BufferValue::decode(&Bytes::copy_from_slice(&v[..cut])).unwrap_err();
            assert!(
                matches!(err, SerdeError::InvalidLength { actual, .. } if actual == cut),
                "{cut}: {err}"
            );
        }
        let mut bad = v.clone();
        // A negative length other than the sentinels for the new value.
        let at = v.len() - 8 - 3 - 4;
        bad[at..at + 4].copy_from_slice(&(-5i32).to_be_bytes());
        assert!(BufferValue::decode(&Bytes::from(bad)).is_err());
    }

    /// Keeps what the buffer logs.
    #[derive(Default)]
    struct Kept(Vec<ProducerRecord>);

    impl streams_core::task::RecordCollector for Kept {
        fn send(&mut self, r: ProducerRecord) -> Result<(), streams_core::task::CollectorError> {
            self.0.push(r);
            Ok(())
        }
        fn flush(&mut self) -> Result<(), streams_core::task::CollectorError> {
            Ok(())
        }
        fn offset(&self, _: &str, _: i32) -> Option<i64> {
            None
        }
    }

    struct At(i64);

    impl streams_core::clock::Clock for At {
        fn now_ms(&self) -> i64 {
            self.0
        }
    }

    fn buffer(kept: &Arc<Mutex<Kept>>) -> SuppressBuffer {
        SuppressBuffer {
            name: Arc::from("buf"),
            inner: Arc::new(Mutex::new(Buffer {
                index: HashMap::new(),
                sorted: BTreeMap::new(),
                dirty: DirtyKeys::default(),
                bytes: 0,
                changelog: Some((Arc::from("app-buf-changelog"), 0)),
                collector: kept.clone(),
                clock: Arc::new(At(99)),
                sensors: None,
            })),
        }
    }

    #[test]
    fn logs_changed_keys_at_commit_and_restores_from_the_log() {
        let kept = Arc::new(Mutex::new(Kept::default()));
        let buf = buffer(&kept);
        let mut control = BufferControl(buf.clone());
        let c = ctx(Headers::new());
        buf.put(5, b("a"), None, Some(b("1")), c.clone()).unwrap();
        buf.put(9, b("a"), Some(b("1")), Some(b("2")), c.clone())
            .unwrap();
        buf.put(3, b("b"), None, Some(b("x")), c.clone()).unwrap();
        buf.put(7, b("c"), None, Some(b("y")), c.clone()).unwrap();
        // "b" (buffer time 3) leaves first.
        let e = buf.evict_next(|t, _, _| t <= 4).unwrap().expect("b is due");
        assert_eq!(e.key, b("b"));
        assert!(buf.evict_next(|t, _, _| t <= 4).unwrap().is_none());
        control.log_changes().unwrap();
        let logged = std::mem::take(&mut kept.lock().unwrap().0);
        // One record per changed key: "a" once, with its first buffer time; "b" a tombstone.
        assert_eq!(logged.len(), 3);
        let a = logged.iter().find(|r| r.key == Some(b("a"))).unwrap();
        let (held, time) = BufferValue::decode(a.value.as_ref().unwrap()).unwrap();
        assert_eq!(time, 5);
        assert_eq!(
            (held.prior, held.old, held.new),
            (None, Some(b("1")), Some(b("2")))
        );
        assert_eq!(
            a.headers.last("v").and_then(|h| h.value.clone()),
            Some(b("\x03"))
        );
        assert_eq!(a.timestamp, 99);
        let gone = logged.iter().find(|r| r.key == Some(b("b"))).unwrap();
        assert!(gone.value.is_none() && gone.headers.is_empty());
        control.log_changes().unwrap();
        assert!(kept.lock().unwrap().0.is_empty(), "nothing changed since");

        // A fresh buffer restored from the log holds "a" and "c", "a" first.
        let fresh = buffer(&kept);
        let batch: Vec<ChangelogRecord> = logged
            .into_iter()
            .enumerate()
            .map(|(i, r)| ChangelogRecord {
                key: r.key.unwrap(),
                value: r.value,
                offset: i as i64,
                timestamp: r.timestamp,
            })
            .collect();
        BufferControl(fresh.clone()).restore(&batch).unwrap();
        let (keys, bytes) = fresh.occupancy().unwrap();
        assert_eq!(keys, 2);
        assert_eq!(
            bytes,
            buf.occupancy().unwrap().1,
            "restored sizes count as written ones"
        );
        let first = fresh.evict_next(|_, _, _| true).unwrap().unwrap();
        assert_eq!((first.key, first.value.new), (b("a"), Some(b("2"))));
        let second = fresh.evict_next(|_, _, _| true).unwrap().unwrap();
        assert_eq!(second.key, b("c"));

        // A value that is not Java's layout fails the restore, naming the store.
        let bad = [ChangelogRecord {
            key: b("z"),
            value: Some(b("short")),
            offset: 9,
            timestamp: 0,
        }];
        match BufferControl(fresh).restore(&bad) {
            Err(StoreError::Serde { store, .. }) => assert_eq!(store, "buf"),
            other => panic!("expected a serde error, got {other:?}"),
        }
    }

    fn opt_bytes() -> impl proptest::strategy::Strategy<Value = Option<Bytes>> {
        use proptest::prelude::*;
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..12).prop_map(Bytes::from))
    }

    proptest::proptest! {
        /// Changelog values come from the network: any bytes give a value or an error.
        #[test]
        fn any_bytes_decode_without_panicking(data in proptest::collection::vec(
            proptest::prelude::any::<u8>(), 0..96)) {
            let _ = BufferValue::decode(&Bytes::from(data));
        }

        /// Whatever is held comes back from its changelog value as it was.
        #[test]
        fn encoded_values_decode_to_themselves(
            prior in opt_bytes(),
            old in opt_bytes(),
            new in opt_bytes(),
            old_is_prior in proptest::prelude::any::<bool>(),
            time in proptest::prelude::any::<i64>(),
            offset in proptest::prelude::any::<i64>(),
            header in proptest::option::of(("[a-zé]{0,4}", opt_bytes())),
        ) {
            let old = if old_is_prior { prior.clone() } else { old };
            let mut headers = Headers::new();
            if let Some((k, v)) = header {
                headers.add(k, v);
            }
            let context = BufferContext { offset, headers, ..ctx(Headers::new()) };
            let v = BufferValue { prior, old, new, context };
            let (back, t) = BufferValue::decode(&Bytes::from(v.encode(time))).unwrap();
            proptest::prop_assert_eq!(t, time);
            proptest::prop_assert_eq!(&back.prior, &v.prior);
            proptest::prop_assert_eq!(&back.old, &v.old);
            proptest::prop_assert_eq!(&back.new, &v.new);
            proptest::prop_assert_eq!(&back.context, &v.context);
        }
    }

    #[test]
    fn dirty_keys_iterate_in_javas_hash_set_order() {
        // Java's `Arrays.hashCode`: "a" is 31 + 97.
        assert_eq!(java_bytes_hash(b"a"), 128);
        // In a 16-bucket table "a", "b", "c" and "s" fall in buckets 0, 1, 2, 2 and "k10" in 11;
        // a bucket keeps insertion order.
        let mut d = DirtyKeys::default();
        for k in ["k10", "b", "s", "a", "c", "a"] {
            d.add(&b(k));
        }
        assert_eq!(d.drain(), vec![b("a"), b("b"), b("s"), b("c"), b("k10")]);
        // Past 12 keys the table doubles, and stays doubled once cleared.
        for i in 0..13 {
            d.add(&b(&format!("x{i}")));
        }
        assert_eq!(d.capacity, 32);
        d.drain();
        d.add(&b("a"));
        assert_eq!(d.capacity, 32);
    }
}
