//! Joins: stream-table, stream-global-table, table-table (inner, left, outer) and windowed
//! stream-stream inner joins, with Java's node names and result timestamps.

use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use streams_core::StreamsError;
use streams_core::processor::{Change, Processor, ProcessorContext, Record};
use streams_core::state::TimestampedKeyValueStore;

use crate::grouped::{SkipNulls, dropped_for_nulls};
use crate::kstream::KStream;
use crate::ktable::{
    GetterFn, GetterSupplier, GlobalKTable, KTable, MaterializedOpProc, StoreLookup, ValueFn,
    add_kv_store,
};
use crate::options::Materialized;
use crate::serdes::{Data, pick};

type StreamJoiner<V, VT, VR> = Arc<dyn Fn(&V, Option<&VT>) -> Option<VR> + Send + Sync>;
type KeyMapper<K, V, GK> = Arc<dyn Fn(&K, &V) -> GK + Send + Sync>;

/// Makes a getter inside a processor's `init`, from the stores connected to it.
fn make_getter<K, V, KO, VO>(
    supplier: &GetterSupplier<K, V>,
    ctx: &ProcessorContext<'_, KO, VO>,
) -> Result<GetterFn<K, V>, StreamsError> {
    let lookup: &StoreLookup<'_> = &|name: &str| ctx.state_store_handle(name);
    (supplier.make)(lookup)
}

/// Java's `KStreamKTableJoin`: each stream record looks up the table's current value for its
/// key; the result keeps the stream record's timestamp.
struct StreamTableJoinProc<K, V, VT, VR> {
    getter: GetterSupplier<K, VT>,
    get: Option<GetterFn<K, VT>>,
    joiner: StreamJoiner<V, VT, VR>,
    nulls: SkipNulls<K, V>,
    left: bool,
}

/// Java's stream-table and stream-globaltable joins drop a record whose value is null, or whose
/// (mapped) key is null unless the join is a left join, which joins that key with no table
/// value. Says whether the record is dropped (and counts it).
fn join_drops<KO, VO>(
    ctx: &mut ProcessorContext<'_, KO, VO>,
    left: bool,
    null_key: bool,
    null_value: bool,
) -> bool {
    let drop = null_value || (null_key && !left);
    if drop {
        dropped_for_nulls(ctx, null_key, null_value);
    }
    drop
}

impl<K: Data, V: Data, VT: Data, VR: Data> Processor<K, V, K, VR>
    for StreamTableJoinProc<K, V, VT, VR>
{
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, VR>) -> Result<(), StreamsError> {
        self.get = Some(make_getter(&self.getter, ctx)?);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, VR>,
        r: Record<K, V>,
    ) -> Result<(), StreamsError> {
        let Some(get) = &self.get else {
            return Ok(());
        };
        let null_key = self.nulls.key_null(&r.key);
        if join_drops(ctx, self.left, null_key, self.nulls.value_null(&r.value)) {
            return Ok(());
        }
        let table = if null_key {
            None
        } else {
            get(&r.key)?.map(|(v, _)| v)
        };
        if let Some(out) = (self.joiner)(&r.value, table.as_ref()) {
            ctx.forward(r.with_value(out))?;
        }
        Ok(())
    }
}

impl<K: Data, V: Data> KStream<K, V> {
    fn table_join_impl<VT: Data, VR: Data>(
        &self,
        table: &KTable<K, VT>,
        prefix: &str,
        joiner: StreamJoiner<V, VT, VR>,
    ) -> KStream<K, VR> {
        // A key-changed stream is repartitioned first, through `<name>-repartition` where
        // `<name>` is the join's given name or else the stream's current node (Java's naming);
        // the join's own name is drawn after the repartition's.
        let stream_node = if self.repartition_required {
            let (base, named) = match &self.pending_name {
                Some(n) => (n.clone(), true),
                None => (self.node.clone(), false),
            };
            self.repartition_for_join(&base, named)
        } else {
            self.node.clone()
        };
        // Named or not, the join draws a generated index (Java's orElseGenerateWithPrefix).
        let name = self.op_name(prefix);
        let getter = match table.value_getter(&name) {
            Ok(g) => g,
            Err(e) => {
                self.b.error(e);
                return KStream::new(self.b.clone(), name, None, None, false);
            }
        };
        let stores: Vec<String> = getter.stores.clone();
        let nulls = SkipNulls::new(self.key_serde.clone(), self.value_serde.clone());
        let left = prefix == "KSTREAM-LEFTJOIN-";
        self.b.with_topology(|t| {
            let g = getter.clone();
            t.add_processor(
                &name,
                move || StreamTableJoinProc {
                    getter: g.clone(),
                    get: None,
                    joiner: joiner.clone(),
                    nulls: nulls.clone(),
                    left,
                },
                &[&stream_node],
            );
            let refs: Vec<&str> = stores.iter().map(String::as_str).collect();
            t.connect_processor_and_state_stores(&name, &refs);
        });
        KStream::new(self.b.clone(), name, self.key_serde.clone(), None, false)
    }

    /// Joins each record with the table's current value for its key; records without one are
    /// dropped (Java's `KStream.join(KTable)`). A stream whose key changed upstream is
    /// repartitioned first, so each record meets its key's table partition.
    pub fn join_table<VT: Data, VR: Data, F>(
        &self,
        table: &KTable<K, VT>,
        joiner: F,
    ) -> KStream<K, VR>
    where
        F: Fn(&V, &VT) -> VR + Send + Sync + 'static,
    {
        self.table_join_impl(
            table,
            "KSTREAM-JOIN-",
            Arc::new(move |v, t| t.map(|t| joiner(v, t))),
        )
    }

    /// Like [`Self::join_table`], keeping records without a table value (`None` to the joiner).
    pub fn left_join_table<VT: Data, VR: Data, F>(
        &self,
        table: &KTable<K, VT>,
        joiner: F,
    ) -> KStream<K, VR>
    where
        F: Fn(&V, Option<&VT>) -> VR + Send + Sync + 'static,
    {
        self.table_join_impl(
            table,
            "KSTREAM-LEFTJOIN-",
            Arc::new(move |v, t| Some(joiner(v, t))),
        )
    }

    fn global_join_impl<GK: Data, GV: Data, VR: Data>(
        &self,
        table: &GlobalKTable<GK, GV>,
        key_mapper: KeyMapper<K, V, GK>,
        joiner: StreamJoiner<V, GV, VR>,
        left: bool,
    ) -> KStream<K, VR> {
        // Java names both global joins KSTREAM-LEFTJOIN-.
        let name = self.op_name("KSTREAM-LEFTJOIN-");
        let store = table.store.clone();
        // The global table's key type's own serde tells a null mapped key.
        let nulls = SkipNulls::new(None, self.value_serde.clone());
        self.b.with_topology(|t| {
            t.add_processor(
                &name,
                move || GlobalJoinProc {
                    store_name: store.clone(),
                    store: None,
                    key_mapper: key_mapper.clone(),
                    joiner: joiner.clone(),
                    nulls: nulls.clone(),
                    left,
                },
                &[&self.node],
            );
        });
        KStream::new(
            self.b.clone(),
            name,
            self.key_serde.clone(),
            None,
            self.repartition_required,
        )
    }

    /// Joins each record with the global table's value for the key `key_mapper` computes;
    /// records without one are dropped.
    pub fn join_global<GK: Data, GV: Data, VR: Data, M, F>(
        &self,
        table: &GlobalKTable<GK, GV>,
        key_mapper: M,
        joiner: F,
    ) -> KStream<K, VR>
    where
        M: Fn(&K, &V) -> GK + Send + Sync + 'static,
        F: Fn(&V, &GV) -> VR + Send + Sync + 'static,
    {
        self.global_join_impl(
            table,
            Arc::new(key_mapper),
            Arc::new(move |v, g| g.map(|g| joiner(v, g))),
            false,
        )
    }

    /// Like [`Self::join_global`], keeping records without a match (`None` to the joiner).
    pub fn left_join_global<GK: Data, GV: Data, VR: Data, M, F>(
        &self,
        table: &GlobalKTable<GK, GV>,
        key_mapper: M,
        joiner: F,
    ) -> KStream<K, VR>
    where
        M: Fn(&K, &V) -> GK + Send + Sync + 'static,
        F: Fn(&V, Option<&GV>) -> VR + Send + Sync + 'static,
    {
        self.global_join_impl(
            table,
            Arc::new(key_mapper),
            Arc::new(move |v, g| Some(joiner(v, g))),
            true,
        )
    }
}

/// Java's `KStreamGlobalKTableJoin`.
struct GlobalJoinProc<K, V, GK, GV, VR> {
    store_name: String,
    store: Option<TimestampedKeyValueStore<GK, GV>>,
    key_mapper: KeyMapper<K, V, GK>,
    joiner: StreamJoiner<V, GV, VR>,
    /// Null tests of the mapped key and the stream's value.
    nulls: SkipNulls<GK, V>,
    left: bool,
}

impl<K: Data, V: Data, GK: Data, GV: Data, VR: Data> Processor<K, V, K, VR>
    for GlobalJoinProc<K, V, GK, GV, VR>
{
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, VR>) -> Result<(), StreamsError> {
        self.store = Some(ctx.state_store(&self.store_name)?);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, VR>,
        r: Record<K, V>,
    ) -> Result<(), StreamsError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        let gk = (self.key_mapper)(&r.key, &r.value);
        let null_key = self.nulls.key_null(&gk);
        if join_drops(ctx, self.left, null_key, self.nulls.value_null(&r.value)) {
            return Ok(());
        }
        let g = if null_key {
            None
        } else {
            store.get(&gk)?.map(|vt| vt.value)
        };
        if let Some(out) = (self.joiner)(&r.value, g.as_ref()) {
            ctx.forward(r.with_value(out))?;
        }
        Ok(())
    }
}

/// Which records a table-table join keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JoinKind {
    Inner,
    Left,
    Outer,
}

/// Joins two sides' values; `None` where the join kind has no result for the combination.
type TableJoiner<V1, V2, VR> = Arc<dyn Fn(Option<&V1>, Option<&V2>) -> Option<VR> + Send + Sync>;

/// One side of a table-table join (Java's `KTableKTable{Inner,Left,Right,Outer}Join`): a change
/// on this side is joined with the other side's current value.
struct TableJoinSideProc<K, V1, V2, VR> {
    other: GetterSupplier<K, V2>,
    get: Option<GetterFn<K, V2>>,
    /// Whether a result exists for (this value, other value); decides null-forwarding.
    kind: SideKind,
    joiner: TableJoiner<V1, V2, VR>,
    send_old: Arc<AtomicBool>,
}

/// What a side needs from the other side to emit: inner needs it present; the left table's side
/// of a left join never needs it; the right table's side of a left join needs the left value;
/// outer needs either side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SideKind {
    NeedOther,
    Always,
    /// The right table's side of a left join: needs the left value, and joins even a delete.
    Right,
    Outer,
}

impl<K: Data, V1: Data, V2: Data, VR: Data> Processor<K, Change<V1>, K, Change<VR>>
    for TableJoinSideProc<K, V1, V2, VR>
{
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, Change<VR>>) -> Result<(), StreamsError> {
        self.get = Some(make_getter(&self.other, ctx)?);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, Change<VR>>,
        r: Record<K, Change<V1>>,
    ) -> Result<(), StreamsError> {
        let Some(get) = &self.get else {
            return Ok(());
        };
        let other = get(&r.key)?;
        let send_old = self.send_old.load(Ordering::Relaxed);
        let (other_value, timestamp) = match other {
            Some((v, ts)) => (Some(v), r.timestamp.max(ts)),
            None => (None, r.timestamp),
        };
        let j = &self.joiner;
        let (new, old) = match self.kind {
            SideKind::NeedOther => {
                let Some(o) = &other_value else {
                    return Ok(());
                };
                (
                    r.value.new.as_ref().and_then(|v| j(Some(v), Some(o))),
                    r.value
                        .old
                        .as_ref()
                        .filter(|_| send_old)
                        .and_then(|v| j(Some(v), Some(o))),
                )
            }
            SideKind::Always => (
                r.value
                    .new
                    .as_ref()
                    .and_then(|v| j(Some(v), other_value.as_ref())),
                r.value
                    .old
                    .as_ref()
                    .filter(|_| send_old)
                    .and_then(|v| j(Some(v), other_value.as_ref())),
            ),
            SideKind::Right => {
                let Some(o) = &other_value else {
                    return Ok(());
                };
                (
                    j(r.value.new.as_ref(), Some(o)),
                    send_old.then(|| j(r.value.old.as_ref(), Some(o))).flatten(),
                )
            }
            SideKind::Outer => {
                if other_value.is_none() && r.value.new.is_none() && r.value.old.is_none() {
                    return Ok(());
                }
                (
                    j(r.value.new.as_ref(), other_value.as_ref()),
                    send_old
                        .then(|| j(r.value.old.as_ref(), other_value.as_ref()))
                        .flatten(),
                )
            }
        };
        ctx.forward(Record {
            key: r.key,
            value: Change { new, old },
            timestamp,
            headers: r.headers,
        })
    }
}

impl<K: Data, V: Data> KTable<K, V> {
    fn table_join_impl<V2: Data, VR: Data>(
        &self,
        other: &KTable<K, V2>,
        kind: JoinKind,
        joiner: TableJoiner<V, V2, VR>,
        materialized: Option<Materialized<K, VR>>,
    ) -> KTable<K, VR> {
        let b = &self.b;
        // As Java's `MaterializedInternal`, a `Materialized` draws its store name (generated
        // when none is given) before the join draws its node names; a join materializes its
        // result under that name even when it was generated (unlike filter and mapValues).
        let store = materialized
            .as_ref()
            .map(|m| b.name_or(m.name.clone(), "KTABLE-MERGE-STATE-STORE-"));
        let materialized = materialized.zip(store);
        let merge = self.op_name("KTABLE-MERGE-");
        let this_name = b.new_name("KTABLE-JOINTHIS-");
        let other_name = b.new_name("KTABLE-JOINOTHER-");
        let (this_getter, other_getter) = match (
            self.value_getter(&this_name),
            other.value_getter(&other_name),
        ) {
            (Ok(a), Ok(c)) => (a, c),
            (Err(e), _) | (_, Err(e)) => {
                b.error(e);
                return KTable::unreadable(b, merge, None, None, None);
            }
        };
        // As Java's, the outer side(s) of a left or outer join send their old values, so a
        // delete of a key the other side lacks still reaches the join (and leaves a tombstone).
        // A shared parent then sends them to its other children too.
        match kind {
            JoinKind::Inner => {}
            JoinKind::Left => self.enable_send_old_values(),
            JoinKind::Outer => {
                self.enable_send_old_values();
                other.enable_send_old_values();
            }
        }
        let (this_kind, other_kind) = match kind {
            JoinKind::Inner => (SideKind::NeedOther, SideKind::NeedOther),
            JoinKind::Left => (SideKind::Always, SideKind::Right),
            JoinKind::Outer => (SideKind::Outer, SideKind::Outer),
        };
        let send_old = Arc::new(AtomicBool::new(false));
        let j1 = joiner.clone();
        let this_joiner: TableJoiner<V, V2, VR> = j1;
        let j2 = joiner.clone();
        let other_joiner: TableJoiner<V2, V, VR> = Arc::new(move |o, t| j2(t, o));
        b.with_topology(|t| {
            let (g, so) = (other_getter.clone(), send_old.clone());
            t.add_processor(
                &this_name,
                move || TableJoinSideProc {
                    other: g.clone(),
                    get: None,
                    kind: this_kind,
                    joiner: this_joiner.clone(),
                    send_old: so.clone(),
                },
                &[&self.node],
            );
            let refs: Vec<&str> = other_getter.stores.iter().map(String::as_str).collect();
            t.connect_processor_and_state_stores(&this_name, &refs);
            let (g, so) = (this_getter.clone(), send_old.clone());
            t.add_processor(
                &other_name,
                move || TableJoinSideProc {
                    other: g.clone(),
                    get: None,
                    kind: other_kind,
                    joiner: other_joiner.clone(),
                    send_old: so.clone(),
                },
                &[&other.node],
            );
            let refs: Vec<&str> = this_getter.stores.iter().map(String::as_str).collect();
            t.connect_processor_and_state_stores(&other_name, &refs);
        });
        if let Some((m, store)) = materialized {
            let key = pick(m.key.clone(), self.key_serde.clone());
            let value = pick(m.value.clone(), None);
            {
                let (store, send_old) = (store.clone(), send_old.clone());
                b.with_topology(|t| {
                    // Java's join merger forwards the change's own old value.
                    let same: ValueFn<K, VR, VR> = Arc::new(|_, v| Some(v.clone()));
                    t.add_processor(
                        &merge,
                        move || {
                            MaterializedOpProc::new(
                                store.clone(),
                                same.clone(),
                                send_old.clone(),
                                false,
                            )
                        },
                        &[&this_name, &other_name],
                    );
                });
            }
            if let Err(e) =
                add_kv_store(b, &store, &merge, &m, key.clone(), value.clone(), &[&merge])
            {
                b.error(e);
            }
            return KTable::materialized(b, merge, store, key, value).send_old_flag(send_old);
        }
        crate::processors::add_fn::<K, Change<VR>, K, Change<VR>>(
            b,
            &merge,
            &[&this_name, &other_name],
            Arc::new(|ctx, r| ctx.forward(r)),
        );
        let getter = {
            let (tg, og, j) = (this_getter, other_getter, joiner);
            GetterSupplier {
                stores: tg.stores.iter().chain(&og.stores).cloned().collect(),
                make: Arc::new(move |lookup| {
                    let (a, c, j) = ((tg.make)(lookup)?, (og.make)(lookup)?, j.clone());
                    Ok(Box::new(move |k: &K| {
                        let (l, r) = (a(k)?, c(k)?);
                        let ts = l
                            .as_ref()
                            .map_or(-1, |x| x.1)
                            .max(r.as_ref().map_or(-1, |x| x.1));
                        let keep = match kind {
                            JoinKind::Inner => l.is_some() && r.is_some(),
                            JoinKind::Left => l.is_some(),
                            JoinKind::Outer => l.is_some() || r.is_some(),
                        };
                        let out = j(l.as_ref().map(|x| &x.0), r.as_ref().map(|x| &x.0));
                        Ok(out.filter(|_| keep).map(|v| (v, ts)))
                    }) as GetterFn<K, VR>)
                }),
            }
        };
        KTable::with_getter(
            b,
            merge,
            self.key_serde.clone(),
            Rc::new(move || getter.clone()),
        )
        .send_old_flag(send_old)
    }

    /// Joins two tables on key: a result while both have a value (Java's `KTable.join`).
    pub fn join<V2: Data, VR: Data, F>(&self, other: &KTable<K, V2>, joiner: F) -> KTable<K, VR>
    where
        F: Fn(&V, &V2) -> VR + Send + Sync + 'static,
    {
        self.table_join_impl(other, JoinKind::Inner, inner_joiner(joiner), None)
    }

    /// [`Self::join`] with its result materialized as `materialized` says (Java's
    /// `join(other, joiner, Materialized)`): a store holds the joined table (logged, cached
    /// unless told not to; `KTABLE-MERGE-STATE-STORE-<n>` when unnamed, as in Java).
    pub fn join_with<V2: Data, VR: Data, F>(
        &self,
        other: &KTable<K, V2>,
        joiner: F,
        materialized: Materialized<K, VR>,
    ) -> KTable<K, VR>
    where
        F: Fn(&V, &V2) -> VR + Send + Sync + 'static,
    {
        let j = inner_joiner(joiner);
        self.table_join_impl(other, JoinKind::Inner, j, Some(materialized))
    }

    /// A result while this table has a value; the other's may be `None`.
    pub fn left_join<V2: Data, VR: Data, F>(
        &self,
        other: &KTable<K, V2>,
        joiner: F,
    ) -> KTable<K, VR>
    where
        F: Fn(&V, Option<&V2>) -> VR + Send + Sync + 'static,
    {
        self.table_join_impl(other, JoinKind::Left, left_joiner(joiner), None)
    }

    /// [`Self::left_join`] with its result materialized as `materialized` says.
    pub fn left_join_with<V2: Data, VR: Data, F>(
        &self,
        other: &KTable<K, V2>,
        joiner: F,
        materialized: Materialized<K, VR>,
    ) -> KTable<K, VR>
    where
        F: Fn(&V, Option<&V2>) -> VR + Send + Sync + 'static,
    {
        let j = left_joiner(joiner);
        self.table_join_impl(other, JoinKind::Left, j, Some(materialized))
    }

    /// A result while either table has a value.
    pub fn outer_join<V2: Data, VR: Data, F>(
        &self,
        other: &KTable<K, V2>,
        joiner: F,
    ) -> KTable<K, VR>
    where
        F: Fn(Option<&V>, Option<&V2>) -> VR + Send + Sync + 'static,
    {
        self.table_join_impl(other, JoinKind::Outer, outer_joiner(joiner), None)
    }

    /// [`Self::outer_join`] with its result materialized as `materialized` says.
    pub fn outer_join_with<V2: Data, VR: Data, F>(
        &self,
        other: &KTable<K, V2>,
        joiner: F,
        materialized: Materialized<K, VR>,
    ) -> KTable<K, VR>
    where
        F: Fn(Option<&V>, Option<&V2>) -> VR + Send + Sync + 'static,
    {
        let j = outer_joiner(joiner);
        self.table_join_impl(other, JoinKind::Outer, j, Some(materialized))
    }
}

/// A table-table inner join's joiner: a result while both sides have a value.
fn inner_joiner<V: Data, V2: Data, VR: Data>(
    joiner: impl Fn(&V, &V2) -> VR + Send + Sync + 'static,
) -> TableJoiner<V, V2, VR> {
    Arc::new(move |a, c| match (a, c) {
        (Some(a), Some(c)) => Some(joiner(a, c)),
        _ => None,
    })
}

/// A table-table left join's joiner: a result while this side has a value.
fn left_joiner<V: Data, V2: Data, VR: Data>(
    joiner: impl Fn(&V, Option<&V2>) -> VR + Send + Sync + 'static,
) -> TableJoiner<V, V2, VR> {
    Arc::new(move |a: Option<&V>, c| a.map(|a| joiner(a, c)))
}

/// A table-table outer join's joiner: Java calls it only when at least one side has a value.
fn outer_joiner<V: Data, V2: Data, VR: Data>(
    joiner: impl Fn(Option<&V>, Option<&V2>) -> VR + Send + Sync + 'static,
) -> TableJoiner<V, V2, VR> {
    Arc::new(move |a, c| (a.is_some() || c.is_some()).then(|| joiner(a, c)))
}
