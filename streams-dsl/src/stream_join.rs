//! Windowed stream-stream joins (inner, left, outer) with Java's semantics since Kafka 3.1: a
//! left or outer record without a match is held in a shared "outer" store and emitted with a
//! null partner only once its join window has closed (stream time past its time + window +
//! grace), so no spurious null results precede real matches.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use streams_core::StreamsError;
use streams_core::processor::{Headers, Processor, ProcessorContext, Record};
use streams_core::serde::{SerdeError, SharedSerde};
use streams_core::state::{KeyValueStore, StoreKind, Stores, WindowStore};
use streams_core::task::TaskId;
use streams_core::topology::TopologyBuilder;

use crate::builder::DslError;
use crate::grouped::{SkipNulls, dropped_for_nulls};
use crate::kstream::KStream;
use crate::serdes::{Data, pick};

/// Which stream-stream records join: those of the other side at most `before` earlier or
/// `after` later (Java's `JoinWindows`), accepted up to `grace` late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinWindows {
    before: i64,
    after: i64,
    grace: i64,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl JoinWindows {
    /// Records at most `difference` apart join; `grace` is how long late records are accepted.
    pub fn of_time_difference_and_grace(difference: Duration, grace: Duration) -> Self {
        JoinWindows {
            before: ms(difference),
            after: ms(difference),
            grace: ms(grace),
        }
    }

    /// Records at most `difference` apart join; no grace period.
    pub fn of_time_difference_with_no_grace(difference: Duration) -> Self {
        Self::of_time_difference_and_grace(difference, Duration::ZERO)
    }
}

/// Java's `KStreamJoinWindow`: remembers each record of one side in its window store.
struct JoinWindowProc<K, V> {
    store_name: String,
    store: Option<WindowStore<K, V>>,
    /// Forward before storing, as Java does; only a single-store self-join (which reads the
    /// same store downstream) can tell, and it needs the record not yet stored. Set by the
    /// `single.store.self.join` rewrite.
    forward_first: Arc<AtomicBool>,
    /// Java remembers no record with a null key (it only forwards it).
    nulls: SkipNulls<K, V>,
}

impl<K: Data, V: Data> Processor<K, V, K, V> for JoinWindowProc<K, V> {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, V>) -> Result<(), StreamsError> {
        self.store = Some(ctx.state_store(&self.store_name)?);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, V>,
        r: Record<K, V>,
    ) -> Result<(), StreamsError> {
        let Some(store) = self.store.clone() else {
            return ctx.forward(r);
        };
        if self.nulls.key_null(&r.key) {
            return ctx.forward(r);
        }
        if self.forward_first.load(Ordering::Relaxed) {
            let (key, value, ts) = (r.key.clone(), r.value.clone(), r.timestamp);
            ctx.forward(r)?;
            store.put(&key, Some(&value), ts)?;
            Ok(())
        } else {
            store.put(&r.key, Some(&r.value), r.timestamp)?;
            ctx.forward(r)
        }
    }
}

/// The joiner of a self-join: the record's value with another of the same stream.
type SelfJoiner<V, VR> = Arc<dyn Fn(&V, &V) -> Option<VR> + Send + Sync>;

/// Java's `KStreamKStreamSelfJoin` (`single.store.self.join`): a stream joined with itself
/// through its one window store, which the window node upstream fills after forwarding.
struct SelfJoinProc<K, V, VR> {
    store_name: String,
    store: Option<WindowStore<K, V>>,
    before: i64,
    after: i64,
    /// The window's size plus grace: a record older than stream time minus this does not join
    /// itself.
    retention: i64,
    joiner: SelfJoiner<V, VR>,
    stream_time: i64,
}

impl<K: Data, V: Data, VR: Data> Processor<K, V, K, VR> for SelfJoinProc<K, V, VR> {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, VR>) -> Result<(), StreamsError> {
        self.store = Some(ctx.state_store(&self.store_name)?);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, VR>,
        r: Record<K, V>,
    ) -> Result<(), StreamsError> {
        let Some(store) = self.store.clone() else {
            return Ok(());
        };
        let ts = r.timestamp;
        self.stream_time = self.stream_time.max(ts);
        let emit_self = ts > self.stream_time - self.retention + 1;
        let forward = |ctx: &mut ProcessorContext<'_, K, VR>, v: Option<VR>, at: i64| match v {
            Some(v) => ctx.forward(Record {
                key: r.key.clone(),
                value: v,
                timestamp: at,
                headers: r.headers.clone(),
            }),
            None => Ok(()),
        };
        // This record as the left side, then as the right side, as Java orders the results (an
        // inner join's order), with the record joined with itself where its time falls.
        let from = ts.saturating_sub(self.before).max(0);
        let to = ts.saturating_add(self.after).max(0);
        for (other_ts, other) in store.fetch_range(&r.key, from, to)? {
            forward(ctx, (self.joiner)(&r.value, &other), ts.max(other_ts))?;
        }
        let mut self_done = false;
        let from = ts.saturating_sub(self.after).max(0);
        let to = ts.saturating_add(self.before).max(0);
        for (other_ts, other) in store.fetch_range(&r.key, from, to)? {
            let at = ts.max(other_ts);
            if ts < at && !self_done && emit_self {
                self_done = true;
                forward(ctx, (self.joiner)(&r.value, &r.value), ts)?;
            }
            forward(ctx, (self.joiner)(&other, &r.value), at)?;
        }
        if !self_done && emit_self {
            forward(ctx, (self.joiner)(&r.value, &r.value), ts)?;
        }
        Ok(())
    }
}

/// Stream time over both sides of one join, and the earliest time held in the outer store, per
/// task (Java's `TimeTracker`).
#[derive(Debug, Clone, Copy)]
struct TimeTracker {
    stream_time: i64,
    min_time: i64,
}

impl TimeTracker {
    const NEW: TimeTracker = TimeTracker {
        stream_time: -1,
        min_time: i64::MAX,
    };
}

type SharedTracker = Arc<Mutex<TimeTracker>>;

/// The trackers of one join's tasks. Both sides of a task take the same tracker at init, and a
/// closing task drops it (Java's `TimeTrackerSupplier`, which `close()` empties): the factories
/// outlive a driver (a cloned `Topology` shares them), and a task started again must begin
/// with no stream time, not the time its previous run reached.
type Trackers = Arc<Mutex<HashMap<TaskId, SharedTracker>>>;

/// Encodes this side's value for the outer store.
type EncodeFn<V> = Arc<dyn Fn(&V) -> Result<Bytes, SerdeError> + Send + Sync>;
/// Makes the null-joined result of a held record: (key, is left side, value bytes).
type NullJoinFn<K, VR> =
    Arc<dyn Fn(&K, bool, &Bytes) -> Result<Option<VR>, SerdeError> + Send + Sync>;
type KeyBytesFn<K> = Arc<dyn Fn(&K) -> Result<Bytes, SerdeError> + Send + Sync>;
type KeyReadFn<K> = Arc<dyn Fn(&Bytes) -> Result<K, SerdeError> + Send + Sync>;
/// Joins this side's value with the other's (`None`: unmatched); `None` when the join kind
/// gives no result for that combination.
type SideJoiner<V1, V2, VR> = Arc<dyn Fn(&V1, Option<&V2>) -> Option<VR> + Send + Sync>;

/// What a side of a left or outer join needs to hold and emit unmatched records.
struct OuterState<K, V, VR> {
    store_name: String,
    trackers: Trackers,
    encode: EncodeFn<V>,
    null_join: NullJoinFn<K, VR>,
    key_bytes: KeyBytesFn<K>,
    read_key: KeyReadFn<K>,
}

impl<K, V, VR> Clone for OuterState<K, V, VR> {
    fn clone(&self) -> Self {
        OuterState {
            store_name: self.store_name.clone(),
            trackers: self.trackers.clone(),
            encode: self.encode.clone(),
            null_join: self.null_join.clone(),
            key_bytes: self.key_bytes.clone(),
            read_key: self.read_key.clone(),
        }
    }
}

/// Outer-store key: timestamp, side (left 1, right 0), key bytes — Java's
/// `TimestampedKeyAndJoinSide` layout, so entries come out in time order.
fn outer_key(ts: i64, left: bool, key: &[u8]) -> Bytes {
    let mut k = Vec::with_capacity(9 + key.len());
    k.extend_from_slice(&ts.to_be_bytes());
    k.push(u8::from(left));
    k.extend_from_slice(key);
    Bytes::from(k)
}

/// Appends one held value to a key's list: `[len: u32 BE][bytes]…`.
/// Appends one held record to a shared-store entry in Java's layout: a `ListSerde` list
/// (`{1: variable-size entries}{4-byte count}`, then each entry as a 4-byte length and its
/// bytes) of `LeftOrRightValue`s (`{1-byte is-left}{value}`).
fn push_value(list: Option<Bytes>, left: bool, value: &[u8]) -> Bytes {
    let (count, mut out) = match list {
        Some(b) if b.len() >= 5 => {
            let count = u32::from_be_bytes(b[1..5].try_into().unwrap_or([0; 4]));
            (count, b.to_vec())
        }
        _ => (0, vec![1, 0, 0, 0, 0]),
    };
    out[1..5].copy_from_slice(&count.saturating_add(1).to_be_bytes());
    let len = u32::try_from(value.len() + 1).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.push(u8::from(left));
    out.extend_from_slice(value);
    Bytes::from(out)
}

/// The held values of a shared-store entry (see [`push_value`]), without their side flags.
fn split_values(list: &Bytes) -> Option<Vec<Bytes>> {
    let count = u32::from_be_bytes(list.get(1..5)?.try_into().ok()?);
    let mut out = Vec::with_capacity(count.min(1024) as usize);
    let mut at = 5;
    for _ in 0..count {
        let len_bytes: [u8; 4] = list.get(at..at + 4)?.try_into().ok()?;
        let len = u32::from_be_bytes(len_bytes) as usize;
        let start = at + 4;
        let end = start.checked_add(len).filter(|&e| e <= list.len())?;
        if len == 0 {
            return None;
        }
        out.push(list.slice(start + 1..end));
        at = end;
    }
    Some(out)
}

/// Java's `KStreamKStreamJoin` for one side.
struct StreamJoinProc<K, V1, V2, VR> {
    other_store: String,
    store: Option<WindowStore<K, V2>>,
    before: i64,
    after: i64,
    /// The windows' own before/after: how long each side's held records can still match.
    left_lookback: i64,
    right_lookback: i64,
    grace: i64,
    is_left: bool,
    /// Whether this side emits unmatched records (left side of left joins, both of outer).
    outer: bool,
    joiner: SideJoiner<V1, V2, VR>,
    held: Option<OuterState<K, V1, VR>>,
    held_store: Option<KeyValueStore<Bytes, Bytes>>,
    /// This task's tracker, shared with the other side; set at init when `held` is.
    tracker: Option<SharedTracker>,
    task: Option<TaskId>,
    nulls: SkipNulls<K, V1>,
}

fn serde_err(store: &str) -> impl Fn(SerdeError) -> StreamsError + '_ {
    move |source| StreamsError::Serialization {
        topic: store.to_owned(),
        source,
    }
}

impl<K: Data, V1: Data, V2: Data, VR: Data> StreamJoinProc<K, V1, V2, VR> {
    fn tracker<R>(&self, f: impl FnOnce(&mut TimeTracker) -> R) -> Option<R> {
        let mut t = self
            .tracker
            .as_ref()?
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Some(f(&mut t))
    }

    /// Emits held records whose windows have closed, oldest first, and deletes them; each goes
    /// out with `headers`, the record whose time closed it, as Java derives them from it.
    fn emit_closed(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, VR>,
        headers: &streams_core::processor::Headers,
    ) -> Result<(), StreamsError> {
        let (Some(held), Some(store)) = (self.held.clone(), self.held_store.clone()) else {
            return Ok(());
        };
        let (after, grace) = (self.after, self.grace);
        let Some(Some(stream_time)) = self.tracker(|t| {
            (t.min_time.saturating_add(after).saturating_add(grace) < t.stream_time).then(|| {
                t.min_time = i64::MAX;
                t.stream_time
            })
        }) else {
            return Ok(());
        };
        let (mut left_open, mut right_open) = (false, false);
        let mut min_time = i64::MAX;
        for (k, list) in store.all()? {
            if k.len() < 9 {
                continue;
            }
            let mut ts = [0u8; 8];
            ts.copy_from_slice(&k[..8]);
            let ts = i64::from_be_bytes(ts);
            let left = k[8] == 1;
            min_time = ts;
            if left_open && right_open {
                break;
            }
            let lookback = if left {
                self.left_lookback
            } else {
                self.right_lookback
            };
            if ts.saturating_add(lookback).saturating_add(grace) >= stream_time {
                if left {
                    left_open = true;
                } else {
                    right_open = true;
                }
                continue;
            }
            let key = (held.read_key)(&k.slice(9..)).map_err(serde_err(&held.store_name))?;
            let values = split_values(&list).ok_or_else(|| {
                serde_err(&held.store_name)(SerdeError::InvalidLength {
                    type_name: "outer join entry",
                    expected: 4,
                    actual: list.len(),
                })
            })?;
            for v in values {
                let out = (held.null_join)(&key, left, &v).map_err(serde_err(&held.store_name))?;
                if let Some(out) = out {
                    ctx.forward(Record::new(key.clone(), out, ts).with_headers(headers.clone()))?;
                }
            }
            store.delete(&k)?;
        }
        self.tracker(|t| t.min_time = t.min_time.min(min_time));
        Ok(())
    }
}

impl<K: Data, V1: Data, V2: Data, VR: Data> Processor<K, V1, K, VR>
    for StreamJoinProc<K, V1, V2, VR>
{
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, VR>) -> Result<(), StreamsError> {
        self.store = Some(ctx.state_store(&self.other_store)?);
        if let Some(held) = &self.held {
            self.held_store = Some(ctx.state_store(&held.store_name)?);
            let task = ctx.task_id();
            let mut map = held
                .trackers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let t = map
                .entry(task)
                .or_insert_with(|| Arc::new(Mutex::new(TimeTracker::NEW)));
            self.tracker = Some(t.clone());
            self.task = Some(task);
        }
        Ok(())
    }
    fn close(&mut self) {
        if let (Some(held), Some(task)) = (&self.held, self.task.take()) {
            held.trackers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(&task);
        }
        self.tracker = None;
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, VR>,
        r: Record<K, V1>,
    ) -> Result<(), StreamsError> {
        let ts = r.timestamp;
        let stream_time = self
            .tracker(|t| {
                t.stream_time = t.stream_time.max(ts);
                t.stream_time
            })
            .unwrap_or(i64::MAX);
        // As Java's: a null key still advances stream time; an outer side joins it with
        // nothing at once (it can match nothing), anything else with a null key or value is
        // dropped and counted.
        let (null_key, null_value) = (self.nulls.key_null(&r.key), self.nulls.value_null(&r.value));
        if null_key && !null_value && self.outer {
            if let Some(out) = (self.joiner)(&r.value, None) {
                ctx.forward(r.with_value(out))?;
            }
            return Ok(());
        }
        if null_key || null_value {
            dropped_for_nulls(ctx, null_key, null_value);
            return Ok(());
        }
        if ts == stream_time {
            self.emit_closed(ctx, &r.headers)?;
        }
        let Some(store) = &self.store else {
            return Ok(());
        };
        let from = ts.saturating_sub(self.before).max(0);
        let to = ts.saturating_add(self.after).max(0);
        let matches = store.fetch_range(&r.key, from, to)?;
        if matches.is_empty() && self.outer {
            match (&self.held, &self.held_store) {
                (Some(held), Some(held_store)) if to >= stream_time => {
                    self.tracker(|t| t.min_time = t.min_time.min(ts));
                    let kb = (held.key_bytes)(&r.key).map_err(serde_err(&held.store_name))?;
                    let vb = (held.encode)(&r.value).map_err(serde_err(&held.store_name))?;
                    let k = outer_key(ts, self.is_left, &kb);
                    let list = held_store.get(&k)?;
                    held_store.put(&k, &push_value(list, self.is_left, &vb))?;
                }
                _ => {
                    if let Some(out) = (self.joiner)(&r.value, None) {
                        ctx.forward(r.with_value(out))?;
                    }
                }
            }
            return Ok(());
        }
        for (other_ts, other) in matches {
            if let (Some(held), Some(held_store)) = (&self.held, &self.held_store) {
                // The other side's record is matched now; it must not be emitted unmatched.
                // Only a held record is deleted: Java reads first, so a second match of the same
                // record writes no further tombstone to the changelog.
                let kb = (held.key_bytes)(&r.key).map_err(serde_err(&held.store_name))?;
                let k = outer_key(other_ts, !self.is_left, &kb);
                if held_store.get(&k)?.is_some() {
                    held_store.delete(&k)?;
                }
            }
            if let Some(out) = (self.joiner)(&r.value, Some(&other)) {
                ctx.forward(Record {
                    key: r.key.clone(),
                    value: out,
                    timestamp: ts.max(other_ts),
                    headers: r.headers.clone(),
                })?;
            }
        }
        Ok(())
    }
}

/// Which records of a stream-stream join produce results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Inner,
    Left,
    Outer,
}

/// The user's joiner over (left, right), `None` where the kind has no result.
type BothJoiner<V1, V2, VR> = Arc<dyn Fn(Option<&V1>, Option<&V2>) -> Option<VR> + Send + Sync>;

const NO_HEADERS: Headers = Headers::new();

/// The names, serdes and stores of a stream-stream join (Java's `StreamJoined`).
///
/// Names decide what crosses the wire, so they follow Java's: with [`Self::with_name`] `n`, the
/// join's processors are `n-this-windowed`, `n-other-windowed`, `n-this-join` (`n-outer-this-join`
/// for an outer join), `n-other-join` (`n-outer-other-join` for a left or outer join) and
/// `n-merge`, and key-changed sides repartition through `n-left-repartition` /
/// `n-right-repartition`; with [`Self::with_store_name`] `s`, the window stores are
/// `s-this-join-store` and `s-other-join-store` (suffixed like the processors) and a left or
/// outer join's shared store `s-left-shared-join-store` / `s-outer-shared-join-store`, each logged
/// to `<application.id>-<store>-changelog`. Unnamed parts take Java's generated names.
///
/// ```
/// use std::time::Duration;
/// use streams_dsl::{JoinWindows, StreamJoined, StreamsBuilder};
///
/// let b = StreamsBuilder::new();
/// let clicks = b.stream::<String, String>("clicks");
/// let views = b.stream::<String, String>("views");
/// clicks
///     .join_with(
///         &views,
///         |c, v| format!("{c}/{v}"),
///         JoinWindows::of_time_difference_with_no_grace(Duration::from_secs(60)),
///         StreamJoined::as_("click-view").with_name("click-view-join"),
///     )
///     .to("clicks-with-views");
/// let topology = b.build()?;
/// assert!(topology.describe().to_string().contains("click-view-this-join-store"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct StreamJoined<K, V1, V2> {
    name: Option<String>,
    store_name: Option<String>,
    key: Option<SharedSerde<K>>,
    value: Option<SharedSerde<V1>>,
    other_value: Option<SharedSerde<V2>>,
    kind: StoreKind,
    logging: bool,
}

impl<K, V1, V2> Clone for StreamJoined<K, V1, V2> {
    fn clone(&self) -> Self {
        StreamJoined {
            name: self.name.clone(),
            store_name: self.store_name.clone(),
            key: self.key.clone(),
            value: self.value.clone(),
            other_value: self.other_value.clone(),
            kind: self.kind,
            logging: self.logging,
        }
    }
}

impl<K, V1, V2> Default for StreamJoined<K, V1, V2> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V1, V2> StreamJoined<K, V1, V2> {
    /// Generated names, the streams' serdes, persistent logged stores (what `join` uses).
    pub fn new() -> Self {
        StreamJoined {
            name: None,
            store_name: None,
            key: None,
            value: None,
            other_value: None,
            kind: StoreKind::Persistent,
            logging: true,
        }
    }

    /// These serdes for the key, this stream's values and the other stream's values (Java's
    /// `StreamJoined.with`): the join's stores and any repartition topic use them.
    pub fn with(key: SharedSerde<K>, value: SharedSerde<V1>, other_value: SharedSerde<V2>) -> Self {
        Self::new()
            .with_key_serde(key)
            .with_value_serde(value)
            .with_other_value_serde(other_value)
    }

    /// Names the join's stores after `store_name` (Java's `StreamJoined.as`).
    pub fn as_(store_name: &str) -> Self {
        Self::new().with_store_name(store_name)
    }

    /// Names the join's processors and repartition topics after `name`.
    pub fn with_name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    /// Names the join's stores (and so their changelog topics) after `store_name`.
    pub fn with_store_name(mut self, store_name: &str) -> Self {
        self.store_name = Some(store_name.to_owned());
        self
    }

    /// The key serde.
    pub fn with_key_serde(mut self, serde: SharedSerde<K>) -> Self {
        self.key = Some(serde);
        self
    }

    /// This stream's value serde.
    pub fn with_value_serde(mut self, serde: SharedSerde<V1>) -> Self {
        self.value = Some(serde);
        self
    }

    /// The other stream's value serde.
    pub fn with_other_value_serde(mut self, serde: SharedSerde<V2>) -> Self {
        self.other_value = Some(serde);
        self
    }

    /// Keeps the join's stores in memory (Java's `withDslStoreSuppliers` with the in-memory
    /// suppliers): names stay as they are; a store is rebuilt from its changelog.
    pub fn in_memory(mut self) -> Self {
        self.kind = StoreKind::InMemory;
        self
    }

    /// Stops the join's stores writing changelogs.
    pub fn with_logging_disabled(mut self) -> Self {
        self.logging = false;
        self
    }
}

fn encoder<T: 'static>(s: SharedSerde<T>) -> EncodeFn<T> {
    Arc::new(move |v| Ok(s.serialize("", &NO_HEADERS, v)?.unwrap_or_default()))
}

impl<K: Data, V: Data> KStream<K, V> {
    /// Joins records of two streams with the same key at most the window apart (Java's
    /// `KStream.join(KStream, ValueJoiner, JoinWindows)`).
    pub fn join<V2: Data, VR: Data, F>(
        &self,
        other: &KStream<K, V2>,
        joiner: F,
        windows: JoinWindows,
    ) -> KStream<K, VR>
    where
        F: Fn(&V, &V2) -> VR + Send + Sync + 'static,
    {
        self.join_with(other, joiner, windows, StreamJoined::new())
    }

    /// [`Self::join`] with names, serdes and stores as `joined` says (Java's
    /// `join(KStream, ValueJoiner, JoinWindows, StreamJoined)`).
    pub fn join_with<V2: Data, VR: Data, F>(
        &self,
        other: &KStream<K, V2>,
        joiner: F,
        windows: JoinWindows,
        joined: StreamJoined<K, V, V2>,
    ) -> KStream<K, VR>
    where
        F: Fn(&V, &V2) -> VR + Send + Sync + 'static,
    {
        let j: BothJoiner<V, V2, VR> = Arc::new(move |a, c| match (a, c) {
            (Some(a), Some(c)) => Some(joiner(a, c)),
            _ => None,
        });
        self.stream_join(other, Kind::Inner, j, windows, joined)
    }

    /// Like [`Self::join`], also emitting each record of this stream that found no match, with
    /// `None`, once its window has closed.
    pub fn left_join<V2: Data, VR: Data, F>(
        &self,
        other: &KStream<K, V2>,
        joiner: F,
        windows: JoinWindows,
    ) -> KStream<K, VR>
    where
        F: Fn(&V, Option<&V2>) -> VR + Send + Sync + 'static,
    {
        self.left_join_with(other, joiner, windows, StreamJoined::new())
    }

    /// [`Self::left_join`] with names, serdes and stores as `joined` says.
    pub fn left_join_with<V2: Data, VR: Data, F>(
        &self,
        other: &KStream<K, V2>,
        joiner: F,
        windows: JoinWindows,
        joined: StreamJoined<K, V, V2>,
    ) -> KStream<K, VR>
    where
        F: Fn(&V, Option<&V2>) -> VR + Send + Sync + 'static,
    {
        let j: BothJoiner<V, V2, VR> = Arc::new(move |a, c| a.map(|a| joiner(a, c)));
        self.stream_join(other, Kind::Left, j, windows, joined)
    }

    /// Like [`Self::left_join`] for both streams.
    pub fn outer_join<V2: Data, VR: Data, F>(
        &self,
        other: &KStream<K, V2>,
        joiner: F,
        windows: JoinWindows,
    ) -> KStream<K, VR>
    where
        F: Fn(Option<&V>, Option<&V2>) -> VR + Send + Sync + 'static,
    {
        self.outer_join_with(other, joiner, windows, StreamJoined::new())
    }

    /// [`Self::outer_join`] with names, serdes and stores as `joined` says.
    pub fn outer_join_with<V2: Data, VR: Data, F>(
        &self,
        other: &KStream<K, V2>,
        joiner: F,
        windows: JoinWindows,
        joined: StreamJoined<K, V, V2>,
    ) -> KStream<K, VR>
    where
        F: Fn(Option<&V>, Option<&V2>) -> VR + Send + Sync + 'static,
    {
        let j: BothJoiner<V, V2, VR> =
            Arc::new(move |a, c| (a.is_some() || c.is_some()).then(|| joiner(a, c)));
        self.stream_join(other, Kind::Outer, j, windows, joined)
    }

    fn stream_join<V2: Data, VR: Data>(
        &self,
        other: &KStream<K, V2>,
        kind: Kind,
        joiner: BothJoiner<V, V2, VR>,
        windows: JoinWindows,
        joined: StreamJoined<K, V, V2>,
    ) -> KStream<K, VR> {
        let b = &self.b;
        // `named(n)` before the join names it as `StreamJoined::with_name(n)` does.
        let name = joined.name.clone().or_else(|| self.pending_name.clone());
        // Key-changed sides are repartitioned first, through `<node>-repartition` (or
        // `<name>-left` / `<name>-right` for a named join), with the join's serdes when it has
        // them, as Java's `doJoin` does.
        let side = |s_node: &str, suffix: &str| match &name {
            Some(n) => (format!("{n}{suffix}"), true),
            None => (s_node.to_owned(), false),
        };
        let this_node = if self.repartition_required {
            let (base, named) = side(&self.node, "-left");
            match (&joined.key, &joined.value) {
                (Some(k), Some(v)) => self
                    .clone()
                    .with_serdes(k.clone(), v.clone())
                    .repartition_for_join(&base, named),
                _ => self.repartition_for_join(&base, named),
            }
        } else {
            self.node.clone()
        };
        let other_node = if other.repartition_required {
            let (base, named) = side(&other.node, "-right");
            match (&joined.key, &joined.other_value) {
                (Some(k), Some(v)) => other
                    .clone()
                    .with_serdes(k.clone(), v.clone())
                    .repartition_for_join(&base, named),
                _ => other.repartition_for_join(&base, named),
            }
        } else {
            other.node.clone()
        };
        // Java draws a generated name for each node in this order, named or not (so later
        // generated names do not depend on whether a join was named).
        let named_or = |suffix: &str, prefix: &str| {
            let generated = b.new_name(prefix);
            match &name {
                Some(n) => format!("{n}{suffix}"),
                None => generated,
            }
        };
        let this_window = named_or("-this-windowed", "KSTREAM-WINDOWED-");
        let other_window = named_or("-other-windowed", "KSTREAM-WINDOWED-");
        let this_generated = b.new_name(match kind {
            Kind::Outer => "KSTREAM-OUTERTHIS-",
            _ => "KSTREAM-JOINTHIS-",
        });
        let other_generated = b.new_name(match kind {
            Kind::Inner => "KSTREAM-JOINOTHER-",
            _ => "KSTREAM-OUTEROTHER-",
        });
        let this_suffix = if kind == Kind::Outer {
            "-outer-this-join"
        } else {
            "-this-join"
        };
        let other_suffix = if kind == Kind::Inner {
            "-other-join"
        } else {
            "-outer-other-join"
        };
        let suffixed = |suffix: &str, generated: &str| match &name {
            Some(n) => format!("{n}{suffix}"),
            None => generated.to_owned(),
        };
        let this_join = suffixed(this_suffix, &this_generated);
        let other_join = suffixed(other_suffix, &other_generated);
        let merge = named_or("-merge", "KSTREAM-MERGE-");
        let (this_store, other_store, shared_store) = match &joined.store_name {
            Some(s) => (
                format!("{s}{this_suffix}-store"),
                format!("{s}{other_suffix}-store"),
                format!(
                    "{s}{}-store",
                    if kind == Kind::Outer {
                        "-outer-shared-join"
                    } else {
                        "-left-shared-join"
                    }
                ),
            ),
            None => (
                format!("{this_generated}-store"),
                format!("{other_generated}-store"),
                // Java names the shared store after the this-side processor's number.
                format!(
                    "KSTREAM-OUTERSHARED-{}-store",
                    this_generated.rsplit('-').next().unwrap_or_default()
                ),
            ),
        };
        let store_kind = joined.kind;
        let logging = joined.logging;
        let retention = windows.before + windows.after + windows.grace;
        let size = windows.before + windows.after;
        let dur = |ms: i64| Duration::from_millis(ms.max(0) as u64);
        let key = pick(joined.key.clone(), self.key_serde.clone())
            .or_else(|| pick(None, other.key_serde.clone()));
        let v1 = pick(joined.value.clone(), self.value_serde.clone());
        let v2 = pick(joined.other_value.clone(), other.value_serde.clone());
        let (Some(key), Some(v1), Some(v2)) = (key, v1, v2) else {
            b.error(DslError::MissingSerde {
                operation: this_join,
                which: "key or value",
                type_name: std::any::type_name::<(K, V, V2)>(),
            });
            return KStream::new(b.clone(), merge, None, None, false);
        };
        let this_joiner: SideJoiner<V, V2, VR> = {
            let j = joiner.clone();
            Arc::new(move |v, o| j(Some(v), o))
        };
        let other_joiner: SideJoiner<V2, V, VR> = {
            let j = joiner.clone();
            Arc::new(move |v, o| j(o, Some(v)))
        };
        let held = (kind != Kind::Inner).then(|| {
            let trackers: Trackers = Arc::new(Mutex::new(HashMap::new()));
            let null_join: NullJoinFn<K, VR> = {
                let (v1, v2, j) = (v1.clone(), v2.clone(), joiner.clone());
                Arc::new(move |_, left, bytes| {
                    if left {
                        let v = v1.deserialize("", &NO_HEADERS, Some(bytes))?;
                        Ok(j(Some(&v), None))
                    } else {
                        let v = v2.deserialize("", &NO_HEADERS, Some(bytes))?;
                        Ok(j(None, Some(&v)))
                    }
                })
            };
            let key_bytes: KeyBytesFn<K> = {
                let k = key.clone();
                Arc::new(move |key| Ok(k.serialize("", &NO_HEADERS, key)?.unwrap_or_default()))
            };
            let read_key: KeyReadFn<K> = {
                let k = key.clone();
                Arc::new(move |b| k.deserialize("", &NO_HEADERS, Some(b)))
            };
            (trackers, null_join, key_bytes, read_key)
        });
        let this_held = held
            .clone()
            .map(|(trackers, null_join, key_bytes, read_key)| OuterState {
                store_name: shared_store.clone(),
                trackers,
                encode: encoder(v1.clone()),
                null_join,
                key_bytes,
                read_key,
            });
        let other_held = held.map(|(trackers, null_join, key_bytes, read_key)| OuterState {
            store_name: shared_store.clone(),
            trackers,
            encode: encoder(v2.clone()),
            null_join,
            key_bytes,
            read_key,
        });
        let (before, after, grace) = (windows.before, windows.after, windows.grace);
        let forward_first = Arc::new(AtomicBool::new(false));
        let (k1, k2) = (key.clone(), key.clone());
        let nulls1 = SkipNulls::new(Some(key.clone()), Some(v1.clone()));
        let nulls2 = SkipNulls::new(Some(key.clone()), Some(v2.clone()));
        b.with_topology(|t| {
            let s = this_store.clone();
            let first = forward_first.clone();
            t.add_processor(
                &this_window,
                move || JoinWindowProc::<K, V> {
                    store_name: s.clone(),
                    store: None,
                    forward_first: first.clone(),
                    nulls: SkipNulls::keys_only(Some(k1.clone())),
                },
                &[&this_node],
            );
            let s = other_store.clone();
            t.add_processor(
                &other_window,
                move || JoinWindowProc::<K, V2> {
                    store_name: s.clone(),
                    store: None,
                    forward_first: Arc::default(),
                    nulls: SkipNulls::keys_only(Some(k2.clone())),
                },
                &[&other_node],
            );
            let s = other_store.clone();
            t.add_processor(
                &this_join,
                move || StreamJoinProc::<K, V, V2, VR> {
                    other_store: s.clone(),
                    store: None,
                    before,
                    after,
                    left_lookback: after,
                    right_lookback: before,
                    grace,
                    is_left: true,
                    outer: kind != Kind::Inner,
                    joiner: this_joiner.clone(),
                    held: this_held.clone(),
                    held_store: None,
                    tracker: None,
                    task: None,
                    nulls: nulls1.clone(),
                },
                &[&this_window],
            );
            let s = this_store.clone();
            t.add_processor(
                &other_join,
                move || StreamJoinProc::<K, V2, V, VR> {
                    other_store: s.clone(),
                    store: None,
                    before: after,
                    after: before,
                    left_lookback: after,
                    right_lookback: before,
                    grace,
                    is_left: false,
                    outer: kind == Kind::Outer,
                    joiner: other_joiner.clone(),
                    held: other_held.clone(),
                    held_store: None,
                    tracker: None,
                    task: None,
                    nulls: nulls2.clone(),
                },
                &[&other_window],
            );
            let this_builder = Stores::window_store_builder(
                Stores::window_store(&this_store, store_kind, dur(retention), dur(size), true),
                key.clone(),
                v1,
            )
            // Java 4.4's join stores log each record with its headers.
            .with_headers_in_changelog();
            let other_builder = Stores::window_store_builder(
                Stores::window_store(&other_store, store_kind, dur(retention), dur(size), true),
                key.clone(),
                v2,
            )
            .with_headers_in_changelog();
            let (this_builder, other_builder) = if logging {
                (this_builder, other_builder)
            } else {
                (
                    this_builder.with_logging_disabled(),
                    other_builder.with_logging_disabled(),
                )
            };
            t.add_state_store(this_builder, &[&this_window, &other_join]);
            t.add_state_store(other_builder, &[&other_window, &this_join]);
            if kind != Kind::Inner {
                let supplier = match store_kind {
                    StoreKind::InMemory => Stores::in_memory_key_value_store(&shared_store),
                    _ => Stores::persistent_key_value_store(&shared_store),
                };
                let shared = Stores::key_value_store_builder(
                    supplier,
                    streams_core::serde::Serdes::bytes(),
                    streams_core::serde::Serdes::bytes(),
                );
                let shared = if logging {
                    shared
                } else {
                    shared.with_logging_disabled()
                };
                t.add_state_store(shared, &[&this_join, &other_join]);
            }
        });
        crate::processors::add_fn::<K, VR, K, VR>(
            b,
            &merge,
            &[&this_join, &other_join],
            Arc::new(|ctx, r| ctx.forward(r)),
        );
        // A join of one node with itself (Java: a join node with a single parent) is what
        // single.store.self.join rewrites.
        if this_node == other_node && TypeId::of::<V>() == TypeId::of::<V2>() {
            let self_joiner: SelfJoiner<V, VR> = Arc::new(move |a, c| {
                let c = (c as &dyn Any).downcast_ref::<V2>()?;
                joiner(Some(a), Some(c))
            });
            let mut remove_stores = vec![other_store.clone()];
            if kind != Kind::Inner {
                remove_stores.push(shared_store.clone());
            }
            let remove_nodes = vec![other_window, this_join, other_join, merge.clone()];
            let (merge, this_window, this_store) =
                (merge.clone(), this_window.clone(), this_store.clone());
            let install = Box::new(move |t: &mut TopologyBuilder| {
                forward_first.store(true, Ordering::Relaxed);
                let (s, j) = (this_store.clone(), self_joiner.clone());
                t.add_processor(
                    &merge,
                    move || SelfJoinProc::<K, V, VR> {
                        store_name: s.clone(),
                        store: None,
                        before,
                        after,
                        retention,
                        joiner: j.clone(),
                        stream_time: -1,
                    },
                    &[&this_window],
                );
                t.connect_processor_and_state_stores(&merge, &[&this_store]);
                t.move_nodes_after(&[&merge], &this_window);
            });
            b.optimize_metadata(|m| {
                m.self_joins.push(crate::optimize::SelfJoin {
                    remove_nodes,
                    remove_stores,
                    install,
                })
            });
        }
        KStream::new(b.clone(), merge, Some(key), None, false)
    }
}
