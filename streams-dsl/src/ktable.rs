//! [`KTable`] and [`GlobalKTable`]: changelog views of a stream, and the table operations.
//!
//! Table nodes pass `Record<K, Change<V>>` between them: the new value (`None` deletes) and, when
//! some downstream operation asked for it, the old one, as Java's `Change` does.

use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use streams_core::StreamsError;
use streams_core::processor::{Change, Processor, ProcessorContext, Record};
use streams_core::serde::{SharedSerde, ValueAndTimestamp};
use streams_core::state::{StoreHandle, Stores, TimestampedKeyValueStore};

use crate::StreamsBuilder;
use crate::builder::DslError;
use crate::grouped::{SkipNulls, dropped_for_nulls};
use crate::kstream::KStream;
use crate::options::{Consumed, Materialized};
use crate::processors::add_fn;
use crate::serdes::{Data, nullable, pick};

/// Looks up the current value and timestamp of a key of a table.
pub(crate) type GetterFn<K, V> = Box<dyn Fn(&K) -> Result<Option<(V, i64)>, StreamsError> + Send>;

/// Resolves a store handle by name inside a processor's `init`.
pub(crate) type StoreLookup<'a> = dyn Fn(&str) -> Result<StoreHandle, StreamsError> + 'a;

type MakeGetter<K, V> =
    Arc<dyn Fn(&StoreLookup<'_>) -> Result<GetterFn<K, V>, StreamsError> + Send + Sync>;

/// How a processor reads a table's current values: the stores it must be connected to and how to
/// build the lookup from them (Java's `KTableValueGetterSupplier`).
pub(crate) struct GetterSupplier<K, V> {
    pub(crate) stores: Vec<String>,
    pub(crate) make: MakeGetter<K, V>,
}

impl<K, V> Clone for GetterSupplier<K, V> {
    fn clone(&self) -> Self {
        GetterSupplier {
            stores: self.stores.clone(),
            make: self.make.clone(),
        }
    }
}

/// A getter reading the timestamped key-value store `store`.
pub(crate) fn store_getter<K: Data, V: Data>(store: &str) -> GetterSupplier<K, V> {
    let name = store.to_owned();
    GetterSupplier {
        stores: vec![store.to_owned()],
        make: Arc::new(move |lookup| {
            let handle = lookup(&name)?;
            let store = handle
                .downcast_ref::<TimestampedKeyValueStore<K, V>>()
                .cloned()
                .ok_or_else(|| StreamsError::StoreTypeMismatch {
                    store: name.clone(),
                    expected: std::any::type_name::<TimestampedKeyValueStore<K, V>>(),
                })?;
            Ok(Box::new(move |k: &K| {
                Ok(store.get(k)?.map(|vt| (vt.value, vt.timestamp)))
            }))
        }),
    }
}

type AddStore = Box<dyn Fn(&StreamsBuilder) -> Result<(), DslError>>;
type Predicate<K, V> = Arc<dyn Fn(&K, &V) -> bool + Send + Sync>;
/// A table operation's value function: the new value, or `None` to delete.
pub(crate) type ValueFn<K, V, V2> = Arc<dyn Fn(&K, &V) -> Option<V2> + Send + Sync>;

/// A source table's store, added only when something needs it (a join, a named store, old
/// values), as Java materializes source tables lazily.
struct LazyStore {
    b: StreamsBuilder,
    name: String,
    processor: String,
    cell: Arc<OnceLock<String>>,
    add: AddStore,
}

impl LazyStore {
    fn ensure(&self) {
        if self.cell.get().is_some() {
            return;
        }
        let _ = self.cell.set(self.name.clone());
        if let Err(e) = (self.add)(&self.b) {
            self.b.error(e);
            return;
        }
        self.b.with_topology(|t| {
            t.connect_processor_and_state_stores(&self.processor, &[&self.name]);
        });
    }
}

/// A changelog view of a stream: the latest value per key (Java's `KTable`). Cheap to clone.
pub struct KTable<K, V> {
    pub(crate) b: StreamsBuilder,
    pub(crate) node: String,
    pub(crate) key_serde: Option<SharedSerde<K>>,
    pub(crate) value_serde: Option<SharedSerde<V>>,
    /// Whether this node forwards old values (shared with its processor instances).
    pub(crate) send_old: Arc<AtomicBool>,
    /// Makes this table's node (and what it needs upstream) send old values.
    enable_old: Rc<dyn Fn()>,
    /// Java's `enableSendingOldValues(false)`: sends old values if that needs no new store,
    /// saying whether it does; `None` for tables that always can (they keep a store).
    try_old: Option<Rc<dyn Fn() -> bool>>,
    /// How to read this table's values; `None` for tables that cannot be read by key (windowed).
    getter: Option<Rc<dyn Fn() -> GetterSupplier<K, V>>>,
    /// The store holding exactly this table's values, if any.
    pub(crate) store: Option<String>,
    pub(crate) pending_name: Option<String>,
    /// The grace period of the windows of a windowed table (what suppression waits for).
    pub(crate) grace: i64,
}

impl<K, V> Clone for KTable<K, V> {
    fn clone(&self) -> Self {
        KTable {
            b: self.b.clone(),
            node: self.node.clone(),
            key_serde: self.key_serde.clone(),
            value_serde: self.value_serde.clone(),
            send_old: self.send_old.clone(),
            enable_old: self.enable_old.clone(),
            try_old: self.try_old.clone(),
            getter: self.getter.clone(),
            store: self.store.clone(),
            pending_name: self.pending_name.clone(),
            grace: self.grace,
        }
    }
}

impl<K, V> std::fmt::Debug for KTable<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KTable({})", self.node)
    }
}

/// Adds the timestamped key-value store `name` connected to `processors`, with a cache when
/// `materialized` asks for one (its processor must then forward cache flushes).
pub(crate) fn add_kv_store<K: Data, V: Data>(
    b: &StreamsBuilder,
    name: &str,
    operation: &str,
    materialized: &Materialized<K, V>,
    key: Option<SharedSerde<K>>,
    value: Option<SharedSerde<V>>,
    processors: &[&str],
) -> Result<(), DslError> {
    let key = key.ok_or_else(|| DslError::MissingSerde {
        operation: operation.to_owned(),
        which: "key",
        type_name: std::any::type_name::<K>(),
    })?;
    let value = value.ok_or_else(|| DslError::MissingSerde {
        operation: operation.to_owned(),
        which: "value",
        type_name: std::any::type_name::<V>(),
    })?;
    let supplier = match materialized.kind {
        streams_core::state::StoreKind::Persistent => Stores::persistent_key_value_store(name),
        streams_core::state::StoreKind::InMemory => Stores::in_memory_key_value_store(name),
    };
    let mut builder = Stores::timestamped_key_value_store_builder(supplier, key, value);
    if !materialized.logging {
        builder = builder.with_logging_disabled();
    }
    if materialized.caching {
        builder = builder.with_caching_enabled();
    }
    b.with_topology(|t| {
        t.add_state_store(builder, processors);
    });
    Ok(())
}

fn read_store<K: Data, V: Data>(
    ctx: &ProcessorContext<'_, K, Change<V>>,
    cell: &OnceLock<String>,
) -> Result<Option<TimestampedKeyValueStore<K, V>>, StreamsError> {
    cell.get()
        .map(|name| ctx.state_store::<TimestampedKeyValueStore<K, V>>(name))
        .transpose()
}

/// Java's `KTableSource`: turns upserts and tombstones into changes, keeping them in the store
/// when materialized.
struct TableSourceProc<K, V> {
    cell: Arc<OnceLock<String>>,
    /// Java's `KTableSource` skips (and counts) a record with a null key.
    nulls: SkipNulls<K, Option<V>>,
    send_old: Arc<AtomicBool>,
    store: Option<TimestampedKeyValueStore<K, V>>,
    /// Whether the store's cache forwards the table's changes when it flushes (then `process`
    /// does not), as Java's source tables do.
    cached: bool,
}

impl<K: Data, V: Data> Processor<K, Option<V>, K, Change<V>> for TableSourceProc<K, V> {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, Change<V>>) -> Result<(), StreamsError> {
        self.store = read_store(ctx, &self.cell)?;
        if let Some(store) = &self.store {
            let send_old = self.send_old.load(Ordering::Relaxed);
            self.cached = ctx.forward_timestamped_cache_flushes(store, send_old)?;
        }
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, Change<V>>,
        r: Record<K, Option<V>>,
    ) -> Result<(), StreamsError> {
        if self.nulls.key_null(&r.key) {
            dropped_for_nulls(ctx, true, false);
            return Ok(());
        }
        let old = match &self.store {
            Some(store) => {
                let old = store.get(&r.key)?.map(|vt| vt.value);
                match &r.value {
                    Some(v) => store.put(
                        &r.key,
                        &ValueAndTimestamp {
                            value: v.clone(),
                            timestamp: r.timestamp,
                        },
                    )?,
                    // Java writes a null (a put, not a delete that reads the old value again).
                    None => store.put_null(&r.key)?,
                }
                old
            }
            None => None,
        };
        if self.cached {
            return Ok(());
        }
        let send_old = self.send_old.load(Ordering::Relaxed);
        let value = r.value.clone();
        ctx.forward(r.with_value(Change {
            new: value,
            old: if send_old { old } else { None },
        }))
    }
}

/// A source table sends old values without a new store once its store exists (Java's
/// `KTableSource.materialized()`).
fn source_try_old(lazy: Rc<LazyStore>, flag: Arc<AtomicBool>) -> Rc<dyn Fn() -> bool> {
    Rc::new(move || {
        if flag.load(Ordering::Relaxed) || lazy.cell.get().is_some() {
            flag.store(true, Ordering::Relaxed);
            true
        } else {
            false
        }
    })
}

/// An unmaterialized filter or mapValues sends old values when its parent can.
fn derived_try_old<K: Data, V: Data>(
    parent: KTable<K, V>,
    flag: Arc<AtomicBool>,
) -> Rc<dyn Fn() -> bool> {
    Rc::new(move || {
        if parent.try_enable_send_old_values() {
            flag.store(true, Ordering::Relaxed);
            true
        } else {
            false
        }
    })
}

/// A table operation materialized in its own store (Java's `KTableFilter` / `KTableMapValues`
/// with a queryable name, and `KTableKTableJoinMerger`): each change's new value goes into the
/// store and downstream, from the cache at commit when it caches.
pub(crate) struct MaterializedOpProc<K, V, V2> {
    pub(crate) store_name: String,
    pub(crate) f: ValueFn<K, V, V2>,
    pub(crate) send_old: Arc<AtomicBool>,
    /// Filter and mapValues forward the store's previous value as the old one (and drop a
    /// change that is nothing on both sides); a join's merge forwards the change's own.
    pub(crate) old_from_store: bool,
    pub(crate) store: Option<TimestampedKeyValueStore<K, V2>>,
    pub(crate) cached: bool,
}

impl<K: Data, V: Data, V2: Data> MaterializedOpProc<K, V, V2> {
    /// A processor writing into the store `store_name`.
    pub(crate) fn new(
        store_name: String,
        f: ValueFn<K, V, V2>,
        send_old: Arc<AtomicBool>,
        old_from_store: bool,
    ) -> Self {
        MaterializedOpProc {
            store_name,
            f,
            send_old,
            old_from_store,
            store: None,
            cached: false,
        }
    }
}

impl<K: Data, V: Data, V2: Data> Processor<K, Change<V>, K, Change<V2>>
    for MaterializedOpProc<K, V, V2>
{
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, Change<V2>>) -> Result<(), StreamsError> {
        let store: TimestampedKeyValueStore<K, V2> = ctx.state_store(&self.store_name)?;
        let send_old = self.send_old.load(Ordering::Relaxed);
        self.cached = ctx.forward_timestamped_cache_flushes(&store, send_old)?;
        self.store = Some(store);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, Change<V2>>,
        r: Record<K, Change<V>>,
    ) -> Result<(), StreamsError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        let new = r.value.new.as_ref().and_then(|v| (self.f)(&r.key, v));
        let send_old = self.send_old.load(Ordering::Relaxed);
        let old = match (send_old, self.old_from_store) {
            (false, _) => None,
            // Java's filter and mapValues read it from their own store, not from the parent.
            (true, true) => store.get(&r.key)?.map(|vt| vt.value),
            (true, false) => r.value.old.as_ref().and_then(|v| (self.f)(&r.key, v)),
        };
        if self.old_from_store && send_old && new.is_none() && old.is_none() {
            return Ok(());
        }
        match &new {
            Some(v) => store.put(
                &r.key,
                &ValueAndTimestamp {
                    value: v.clone(),
                    timestamp: r.timestamp,
                },
            )?,
            None => store.put_null(&r.key)?,
        }
        if self.cached {
            return Ok(());
        }
        ctx.forward(r.with_value(Change { new, old }))
    }
}

pub(crate) fn table_source<K: Data, V: Data>(
    b: &StreamsBuilder,
    topic: &str,
    consumed: Consumed<K, V>,
    materialized: Materialized<K, V>,
) -> KTable<K, V> {
    let store = b.name_or(materialized.name.clone(), &format!("{topic}-STATE-STORE-"));
    // Java's names for a table's nodes: `<name>-source` and `<name>` when named.
    let source = b.node_name_suffixed(consumed.name.as_deref(), "-source", "KSTREAM-SOURCE-");
    let processor = b.node_name(consumed.name.clone(), "KTABLE-SOURCE-");
    let key = pick(consumed.key.clone(), materialized.key.clone());
    let value = pick(consumed.value.clone(), materialized.value.clone());
    let core = Consumed::<K, Option<V>>::new().to_core(key.clone(), value.as_ref().map(nullable));
    let core = match &consumed.extractor {
        Some(x) => core.with_timestamp_extractor(x.clone()),
        None => core,
    };
    let cell = Arc::new(OnceLock::new());
    let send_old = Arc::new(AtomicBool::new(false));
    {
        let (cell, send_old) = (cell.clone(), send_old.clone());
        let nulls = SkipNulls::keys_only(key.clone());
        b.with_topology(|t| {
            t.add_source(&source, core, topic);
            t.add_processor::<_, _, K, Option<V>, K, Change<V>>(
                &processor,
                move || TableSourceProc {
                    cell: cell.clone(),
                    nulls: nulls.clone(),
                    send_old: send_old.clone(),
                    store: None,
                    cached: false,
                },
                &[&source],
            );
        });
    }
    let lazy = {
        // A materialized source table caches as Java's does (unless told not to): its changes
        // go downstream when the cache flushes, one per key per commit.
        let (key, value, mat) = (key.clone(), value.clone(), materialized.clone());
        let (store_name, proc_name) = (store.clone(), processor.clone());
        let topic_name = topic.to_owned();
        Rc::new(LazyStore {
            b: b.clone(),
            name: store.clone(),
            processor: processor.clone(),
            cell,
            add: Box::new(move |b| {
                add_kv_store(
                    b,
                    &store_name,
                    &proc_name,
                    &mat,
                    key.clone(),
                    value.clone(),
                    &[],
                )?;
                // Its topic can be its changelog (`topology.optimization`).
                b.inner
                    .borrow_mut()
                    .source_table_stores
                    .push((store_name.clone(), topic_name.clone()));
                Ok(())
            }),
        })
    };
    if materialized.name.is_some() {
        lazy.ensure();
    }
    let (l1, l2) = (lazy.clone(), lazy.clone());
    let flag = send_old.clone();
    let getter_store = store.clone();
    let try_old = source_try_old(lazy, send_old.clone());
    KTable {
        b: b.clone(),
        node: processor,
        key_serde: key,
        value_serde: value,
        send_old,
        enable_old: Rc::new(move || {
            l1.ensure();
            flag.store(true, Ordering::Relaxed);
        }),
        try_old: Some(try_old),
        getter: Some(Rc::new(move || {
            l2.ensure();
            store_getter::<K, V>(&getter_store)
        })),
        store: materialized.name.is_some().then_some(store),
        pending_name: None,
        grace: 0,
    }
}

impl<K: Data, V: Data> KTable<K, V> {
    /// A table over a node that keeps its values in the store `store`.
    pub(crate) fn materialized(
        b: &StreamsBuilder,
        node: String,
        store: String,
        key_serde: Option<SharedSerde<K>>,
        value_serde: Option<SharedSerde<V>>,
    ) -> Self {
        let send_old = Arc::new(AtomicBool::new(false));
        let flag = send_old.clone();
        let s = store.clone();
        KTable {
            b: b.clone(),
            node,
            key_serde,
            value_serde,
            send_old,
            enable_old: Rc::new(move || flag.store(true, Ordering::Relaxed)),
            try_old: None,
            getter: Some(Rc::new(move || store_getter::<K, V>(&s))),
            store: Some(store),
            pending_name: None,
            grace: 0,
        }
    }

    /// Records the grace period of the windows this table's keys come from.
    pub(crate) fn with_grace(mut self, grace: i64) -> Self {
        self.grace = grace;
        self
    }

    /// Shares the processor's old-values flag with the table handle.
    pub(crate) fn send_old_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        let f = flag.clone();
        self.send_old = flag;
        self.enable_old = Rc::new(move || f.store(true, Ordering::Relaxed));
        self
    }

    /// The name of the node producing this table's changes.
    pub fn node_name(&self) -> &str {
        &self.node
    }

    /// The name of the store holding this table, if it is materialized.
    pub fn queryable_store_name(&self) -> Option<&str> {
        self.store.as_deref()
    }

    /// Names the node the next operation on the returned handle adds.
    pub fn named(&self, name: &str) -> Self {
        let mut t = self.clone();
        t.pending_name = Some(name.to_owned());
        t
    }

    pub(crate) fn op_name(&self, prefix: &str) -> String {
        self.b.node_name(self.pending_name.clone(), prefix)
    }

    /// Asks this table's node to forward old values with new ones (what re-grouping, table
    /// aggregations and some joins need).
    pub(crate) fn enable_send_old_values(&self) {
        (self.enable_old)();
    }

    /// A suppression's processor and buffer store names: `<name>` and `<name>-store` when the
    /// table was [`named`](Self::named) (Java's `Suppressed.withName`), else generated. Unlike
    /// other named operations, Java's suppress draws no index when named.
    pub(crate) fn suppress_names(&self) -> (String, String) {
        match &self.pending_name {
            Some(n) => (n.clone(), format!("{n}-store")),
            None => (
                self.b.new_name("KTABLE-SUPPRESS-"),
                self.b.new_name("KTABLE-SUPPRESS-STATE-STORE-"),
            ),
        }
    }

    /// Java's `enableSendingOldValues(false)`: makes this table send old values if it can
    /// without materializing anything new, and says whether it does.
    pub(crate) fn try_enable_send_old_values(&self) -> bool {
        match &self.try_old {
            Some(f) => f(),
            None => {
                (self.enable_old)();
                true
            }
        }
    }

    /// How to read this table's current values, materializing a source table if needed.
    pub(crate) fn value_getter(&self, operation: &str) -> Result<GetterSupplier<K, V>, DslError> {
        match &self.getter {
            Some(g) => Ok(g()),
            None => Err(DslError::NotReadable {
                operation: operation.to_owned(),
                table: self.node.clone(),
            }),
        }
    }

    /// A table over `node` read through `getter` (join results).
    pub(crate) fn with_getter(
        b: &StreamsBuilder,
        node: String,
        key_serde: Option<SharedSerde<K>>,
        getter: Rc<dyn Fn() -> GetterSupplier<K, V>>,
    ) -> Self {
        let send_old = Arc::new(AtomicBool::new(false));
        let flag = send_old.clone();
        KTable {
            b: b.clone(),
            node,
            key_serde,
            value_serde: None,
            send_old,
            enable_old: Rc::new(move || flag.store(true, Ordering::Relaxed)),
            try_old: None,
            getter: Some(getter),
            store: None,
            pending_name: None,
            grace: 0,
        }
    }

    /// A table over `node` whose values cannot be looked up by key (windowed results).
    pub(crate) fn unreadable(
        b: &StreamsBuilder,
        node: String,
        store: Option<String>,
        key_serde: Option<SharedSerde<K>>,
        value_serde: Option<SharedSerde<V>>,
    ) -> Self {
        let send_old = Arc::new(AtomicBool::new(false));
        let flag = send_old.clone();
        KTable {
            b: b.clone(),
            node,
            key_serde,
            value_serde,
            send_old,
            enable_old: Rc::new(move || flag.store(true, Ordering::Relaxed)),
            try_old: None,
            getter: None,
            store,
            pending_name: None,
            grace: 0,
        }
    }

    /// A table of the entries for which `predicate` is true; others become deletes.
    pub fn filter<F>(&self, predicate: F) -> KTable<K, V>
    where
        F: Fn(&K, &V) -> bool + Send + Sync + 'static,
    {
        self.filter_impl(Arc::new(predicate), false)
    }

    /// A table without the entries for which `predicate` is true.
    pub fn filter_not<F>(&self, predicate: F) -> KTable<K, V>
    where
        F: Fn(&K, &V) -> bool + Send + Sync + 'static,
    {
        self.filter_impl(Arc::new(predicate), true)
    }

    fn filter_impl(&self, predicate: Predicate<K, V>, negate: bool) -> KTable<K, V> {
        let name = self.op_name("KTABLE-FILTER-");
        let send_old = Arc::new(AtomicBool::new(false));
        let keep = {
            let p = predicate.clone();
            move |k: &K, v: Option<V>| v.filter(|v| p(k, v) != negate)
        };
        let keep = Arc::new(keep);
        {
            let (keep, flag) = (keep.clone(), send_old.clone());
            add_fn::<K, Change<V>, K, Change<V>>(
                &self.b,
                &name,
                &[&self.node],
                Arc::new(move |ctx, r| {
                    let send_old = flag.load(Ordering::Relaxed);
                    let new = keep(&r.key, r.value.new.clone());
                    let old = if send_old {
                        keep(&r.key, r.value.old.clone())
                    } else {
                        None
                    };
                    if send_old && new.is_none() && old.is_none() {
                        return Ok(());
                    }
                    let value = Change { new, old };
                    ctx.forward(r.with_value(value))
                }),
            );
        }
        // As Java's KTableFilter: old values from the parent when it can send them without a
        // new store (a materialized parent), so a change filtered out on both sides is dropped.
        if self.try_enable_send_old_values() {
            send_old.store(true, Ordering::Relaxed);
        }
        let parent = self.clone();
        let flag = send_old.clone();
        let try_old = derived_try_old(self.clone(), send_old.clone());
        KTable {
            b: self.b.clone(),
            node: name,
            key_serde: self.key_serde.clone(),
            value_serde: self.value_serde.clone(),
            send_old,
            enable_old: Rc::new(move || {
                parent.enable_send_old_values();
                flag.store(true, Ordering::Relaxed);
            }),
            try_old: Some(try_old),
            getter: self
                .getter
                .clone()
                .map(|pg| -> Rc<dyn Fn() -> GetterSupplier<K, V>> {
                    Rc::new(move || {
                        let inner = pg();
                        let keep = keep.clone();
                        GetterSupplier {
                            stores: inner.stores,
                            make: Arc::new(move |lookup| {
                                let get = (inner.make)(lookup)?;
                                let keep = keep.clone();
                                Ok(Box::new(move |k: &K| {
                                    Ok(get(k)?
                                        .and_then(|(v, ts)| keep(k, Some(v)).map(|v| (v, ts))))
                                }))
                            }),
                        }
                    })
                }),
            store: None,
            pending_name: None,
            grace: self.grace,
        }
    }

    /// [`Self::filter`], materialized as `materialized` says (Java's
    /// `filter(predicate, Materialized)`): a named store holds the filtered table (queryable,
    /// logged to `<application.id>-<name>-changelog`, cached unless told not to); without a
    /// name nothing is materialized, as in Java.
    pub fn filter_with<F>(&self, predicate: F, materialized: Materialized<K, V>) -> KTable<K, V>
    where
        F: Fn(&K, &V) -> bool + Send + Sync + 'static,
    {
        let predicate: Predicate<K, V> = Arc::new(predicate);
        let p = predicate.clone();
        let keep = Arc::new(move |k: &K, v: &V| p(k, v).then(|| v.clone()));
        self.materialized_op(
            "KTABLE-FILTER-",
            materialized,
            self.value_serde.clone(),
            keep,
        )
        .unwrap_or_else(|m| {
            self.filter_impl(predicate, false)
                .with_serdes_of(m, self.value_serde.clone())
        })
    }

    /// [`Self::filter_not`], materialized as `materialized` says.
    pub fn filter_not_with<F>(&self, predicate: F, materialized: Materialized<K, V>) -> KTable<K, V>
    where
        F: Fn(&K, &V) -> bool + Send + Sync + 'static,
    {
        self.filter_with(move |k, v| !predicate(k, v), materialized)
    }

    /// [`Self::map_values`], materialized as `materialized` says (Java's
    /// `mapValues(mapper, Materialized)`).
    pub fn map_values_with<V2: Data, F>(
        &self,
        mapper: F,
        materialized: Materialized<K, V2>,
    ) -> KTable<K, V2>
    where
        F: Fn(&K, &V) -> V2 + Send + Sync + 'static,
    {
        let mapper = Arc::new(mapper);
        let m = mapper.clone();
        let map = Arc::new(move |k: &K, v: &V| Some(m(k, v)));
        self.materialized_op("KTABLE-MAPVALUES-", materialized, None, map)
            .unwrap_or_else(|m| {
                self.map_values(move |k, v| mapper(k, v))
                    .with_serdes_of(m, None)
            })
    }

    /// The node `<prefix><n>` applying `f` to each change and, when `materialized` names a
    /// store, keeping the result there (Java's `KTableFilter` / `KTableMapValues` with a
    /// queryable name); otherwise `Err` hands `materialized` back for the unmaterialized
    /// operation. As Java's `MaterializedInternal`, an unnamed `materialized` still draws a store
    /// name first.
    fn materialized_op<V2: Data>(
        &self,
        prefix: &str,
        materialized: Materialized<K, V2>,
        value_serde: Option<SharedSerde<V2>>,
        f: ValueFn<K, V, V2>,
    ) -> Result<KTable<K, V2>, Materialized<K, V2>> {
        let b = &self.b;
        let store = b.name_or(materialized.name.clone(), &format!("{prefix}STATE-STORE-"));
        if materialized.name.is_none() {
            return Err(materialized);
        }
        let node = self.op_name(prefix);
        let key = pick(materialized.key.clone(), self.key_serde.clone());
        let value = pick(materialized.value.clone(), value_serde);
        let send_old = Arc::new(AtomicBool::new(false));
        {
            let (store, send_old) = (store.clone(), send_old.clone());
            b.with_topology(|t| {
                t.add_processor(
                    &node,
                    move || {
                        MaterializedOpProc::new(store.clone(), f.clone(), send_old.clone(), true)
                    },
                    &[&self.node],
                );
            });
        }
        if let Err(e) = add_kv_store(
            b,
            &store,
            &node,
            &materialized,
            key.clone(),
            value.clone(),
            &[&node],
        ) {
            b.error(e);
        }
        Ok(KTable::materialized(b, node, store, key, value).send_old_flag(send_old))
    }

    /// This table with the serdes `materialized` gives (Java's result table takes them).
    fn with_serdes_of<V2>(
        mut self,
        materialized: Materialized<K, V2>,
        value_serde: Option<SharedSerde<V>>,
    ) -> Self {
        if let Some(k) = materialized.key {
            self.key_serde = Some(k);
        }
        if let (Some(v), true) = (value_serde, self.value_serde.is_none()) {
            self.value_serde = Some(v);
        }
        self
    }

    /// A table with each value replaced by `mapper`'s result.
    pub fn map_values<V2: Data, F>(&self, mapper: F) -> KTable<K, V2>
    where
        F: Fn(&K, &V) -> V2 + Send + Sync + 'static,
    {
        let name = self.op_name("KTABLE-MAPVALUES-");
        let mapper = Arc::new(mapper);
        let send_old = Arc::new(AtomicBool::new(false));
        {
            let (m, flag) = (mapper.clone(), send_old.clone());
            add_fn::<K, Change<V>, K, Change<V2>>(
                &self.b,
                &name,
                &[&self.node],
                Arc::new(move |ctx, r| {
                    let new = r.value.new.as_ref().map(|v| m(&r.key, v));
                    let old = if flag.load(Ordering::Relaxed) {
                        r.value.old.as_ref().map(|v| m(&r.key, v))
                    } else {
                        None
                    };
                    ctx.forward(r.with_value(Change { new, old }))
                }),
            );
        }
        let parent = self.clone();
        let flag = send_old.clone();
        let try_old = derived_try_old(self.clone(), send_old.clone());
        KTable {
            b: self.b.clone(),
            node: name,
            key_serde: self.key_serde.clone(),
            value_serde: None,
            send_old,
            enable_old: Rc::new(move || {
                parent.enable_send_old_values();
                flag.store(true, Ordering::Relaxed);
            }),
            try_old: Some(try_old),
            getter: self
                .getter
                .clone()
                .map(|pg| -> Rc<dyn Fn() -> GetterSupplier<K, V2>> {
                    Rc::new(move || {
                        let inner = pg();
                        let m = mapper.clone();
                        GetterSupplier {
                            stores: inner.stores,
                            make: Arc::new(move |lookup| {
                                let get = (inner.make)(lookup)?;
                                let m = m.clone();
                                Ok(Box::new(move |k: &K| {
                                    Ok(get(k)?.map(|(v, ts)| (m(k, &v), ts)))
                                }))
                            }),
                        }
                    })
                }),
            store: None,
            pending_name: None,
            grace: self.grace,
        }
    }

    /// The table's changes as a stream: each update's new value, `None` for a delete.
    pub fn to_stream(&self) -> KStream<K, Option<V>> {
        let name = self.op_name("KTABLE-TOSTREAM-");
        add_fn::<K, Change<V>, K, Option<V>>(
            &self.b,
            &name,
            &[&self.node],
            Arc::new(|ctx, r| {
                let new = r.value.new.clone();
                ctx.forward(r.with_value(new))
            }),
        );
        KStream::new(
            self.b.clone(),
            name,
            self.key_serde.clone(),
            self.value_serde.as_ref().map(nullable),
            false,
        )
    }
}

/// A table every instance holds in full, filled from its topic by a global task (Java's
/// `GlobalKTable`); streams join it by a key they compute, with no repartitioning.
pub struct GlobalKTable<K, V> {
    pub(crate) store: String,
    _t: std::marker::PhantomData<fn(K, V)>,
}

impl<K, V> std::fmt::Debug for GlobalKTable<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GlobalKTable({})", self.store)
    }
}

impl<K, V> GlobalKTable<K, V> {
    /// The name of the store holding the table.
    pub fn queryable_store_name(&self) -> &str {
        &self.store
    }
}

/// Fills a global table's store from its topic.
struct GlobalSourceProc<K, V> {
    store_name: String,
    store: Option<TimestampedKeyValueStore<K, V>>,
    /// Java's global tables fill their store through a `KTableSource`, which skips null keys.
    nulls: SkipNulls<K, Option<V>>,
}

impl<K: Data, V: Data> Processor<K, Option<V>, (), ()> for GlobalSourceProc<K, V> {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, (), ()>) -> Result<(), StreamsError> {
        self.store = Some(ctx.state_store(&self.store_name)?);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, (), ()>,
        r: Record<K, Option<V>>,
    ) -> Result<(), StreamsError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        if self.nulls.key_null(&r.key) {
            dropped_for_nulls(ctx, true, false);
            return Ok(());
        }
        match r.value {
            Some(v) => store.put(
                &r.key,
                &ValueAndTimestamp {
                    value: v,
                    timestamp: r.timestamp,
                },
            )?,
            None => {
                store.delete(&r.key)?;
            }
        }
        Ok(())
    }
}

pub(crate) fn global_table_source<K: Data, V: Data>(
    b: &StreamsBuilder,
    topic: &str,
    consumed: Consumed<K, V>,
    materialized: Materialized<K, V>,
) -> GlobalKTable<K, V> {
    let store = b.name_or(materialized.name.clone(), &format!("{topic}-STATE-STORE-"));
    // Java's names for a table's nodes: `<name>-source` and `<name>` when named.
    let source = b.node_name_suffixed(consumed.name.as_deref(), "-source", "KSTREAM-SOURCE-");
    let processor = b.node_name(consumed.name.clone(), "KTABLE-SOURCE-");
    let key = pick(consumed.key.clone(), materialized.key.clone());
    let value = pick(consumed.value.clone(), materialized.value.clone());
    match (key.clone(), value.clone()) {
        (Some(k), Some(v)) => {
            let supplier = match materialized.kind {
                streams_core::state::StoreKind::Persistent => {
                    Stores::persistent_key_value_store(&store)
                }
                streams_core::state::StoreKind::InMemory => {
                    Stores::in_memory_key_value_store(&store)
                }
            };
            // The topic is the changelog of a global store.
            let builder =
                Stores::timestamped_key_value_store_builder(supplier, k.clone(), v.clone())
                    .with_logging_disabled();
            let core = Consumed::<K, Option<V>>::new().to_core(Some(k.clone()), Some(nullable(&v)));
            let core = match &consumed.extractor {
                Some(x) => core.with_timestamp_extractor(x.clone()),
                None => core,
            };
            let store_name = store.clone();
            let nulls = SkipNulls::keys_only(Some(k.clone()));
            b.with_topology(|t| {
                t.add_global_store(builder, &source, core, topic, &processor, move || {
                    GlobalSourceProc::<K, V> {
                        store_name: store_name.clone(),
                        store: None,
                        nulls: nulls.clone(),
                    }
                });
            });
        }
        (k, _) => b.error(DslError::MissingSerde {
            operation: processor.clone(),
            which: if k.is_none() { "key" } else { "value" },
            type_name: if k.is_none() {
                std::any::type_name::<K>()
            } else {
                std::any::type_name::<V>()
            },
        }),
    }
    GlobalKTable {
        store,
        _t: std::marker::PhantomData,
    }
}

/// Java's `KStream.toTable`: each record upserts its key.
struct ToTableProc<K, V>(TableSourceProc<K, V>);

impl<K: Data, V: Data> Processor<K, V, K, Change<V>> for ToTableProc<K, V> {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, Change<V>>) -> Result<(), StreamsError> {
        self.0.init(ctx)
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, Change<V>>,
        r: Record<K, V>,
    ) -> Result<(), StreamsError> {
        let v = r.value.clone();
        self.0.process(ctx, r.with_value(Some(v)))
    }
}

impl<K: Data, V: Data> KStream<K, V> {
    /// The stream as a table: each record upserts its key.
    pub fn to_table(&self) -> KTable<K, V> {
        self.to_table_with(Materialized::new())
    }

    /// [`Self::to_table`], materialized as `materialized` says when it names a store.
    pub fn to_table_with(&self, materialized: Materialized<K, V>) -> KTable<K, V> {
        let name = self.op_name("KSTREAM-TOTABLE-");
        let store = self
            .b
            .name_or(materialized.name.clone(), "KSTREAM-TOTABLE-STATE-STORE-");
        let key = pick(materialized.key.clone(), self.key_serde.clone());
        let value = pick(materialized.value.clone(), self.value_serde.clone());
        // A key-changed stream is repartitioned first, through `<name>-repartition`, as Java's
        // toTable does (a repartition merge.repartition.topics may merge).
        let parent = if self.repartition_required {
            crate::kstream::add_repartition(
                &self.b,
                &self.node,
                &name,
                self.pending_name.is_some(),
                key.clone(),
                value.clone(),
            )
        } else {
            self.node.clone()
        };
        let cell = Arc::new(OnceLock::new());
        let send_old = Arc::new(AtomicBool::new(false));
        {
            let (cell, send_old) = (cell.clone(), send_old.clone());
            let nulls = SkipNulls::keys_only(key.clone());
            self.b.with_topology(|t| {
                t.add_processor::<_, _, K, V, K, Change<V>>(
                    &name,
                    move || {
                        ToTableProc(TableSourceProc {
                            cell: cell.clone(),
                            nulls: nulls.clone(),
                            send_old: send_old.clone(),
                            store: None,
                            cached: false,
                        })
                    },
                    &[&parent],
                );
            });
        }
        let lazy = {
            // Cached as a source table's store is (Java's toTable is a `KTableSource`).
            let (key, value, mat) = (key.clone(), value.clone(), materialized.clone());
            let (store_name, proc_name) = (store.clone(), name.clone());
            Rc::new(LazyStore {
                b: self.b.clone(),
                name: store.clone(),
                processor: name.clone(),
                cell,
                add: Box::new(move |b| {
                    add_kv_store(
                        b,
                        &store_name,
                        &proc_name,
                        &mat,
                        key.clone(),
                        value.clone(),
                        &[],
                    )
                }),
            })
        };
        if materialized.name.is_some() {
            lazy.ensure();
        }
        let (l1, l2) = (lazy.clone(), lazy.clone());
        let flag = send_old.clone();
        let getter_store = store.clone();
        let try_old = source_try_old(lazy, send_old.clone());
        KTable {
            b: self.b.clone(),
            node: name,
            key_serde: key,
            value_serde: value,
            send_old,
            enable_old: Rc::new(move || {
                l1.ensure();
                flag.store(true, Ordering::Relaxed);
            }),
            try_old: Some(try_old),
            getter: Some(Rc::new(move || {
                l2.ensure();
                store_getter::<K, V>(&getter_store)
            })),
            store: materialized.name.is_some().then_some(store),
            pending_name: None,
            grace: 0,
        }
    }
}
