//! Foreign-key table-table joins (Java's `KTable.join(other, foreignKeyExtractor, joiner)`):
//! each left row subscribes, through a registration topic keyed by its foreign key, to the right
//! row it references; the right side answers through a response topic keyed by the left key,
//! and answers made for a left value that has since changed are recognised by a hash of that
//! value and dropped. Wire and store layouts are Java's (subscription wrapper version 1 with
//! the primary partition, response wrapper version 0, `CombinedKey` store keys, Murmur3 value
//! hashes), so the registration and response topics carry the same bytes; a left join's deleted
//! row subscribes with a null foreign key, as Java's does. Responses are routed to the
//! subscribing row's partition.

use std::sync::Arc;

use bytes::Bytes;
use streams_core::StreamsError;
use streams_core::processor::{Change, Headers, Processor, ProcessorContext, Record};
use streams_core::serde::{
    BytesSerde, Nullable, Serde, SerdeError, SharedSerde, ValueAndTimestamp,
};
use streams_core::state::{Stores, TimestampedKeyValueStore};

use crate::builder::DslError;
use crate::ktable::{GetterFn, GetterSupplier, KTable, StoreLookup};
use crate::murmur3::hash128;
use crate::options::{Consumed, Produced};
use crate::processors::add_fn;
use crate::serdes::{Data, pick};

const NO_HEADERS: Headers = Headers::new();
/// Subscription wrapper version: 1 adds the primary partition.
const VERSION: u8 = 1;
/// Response wrapper version Java writes.
const RESPONSE_VERSION: u8 = 0;

/// What the right side should do with a subscription (Java's `SubscriptionWrapper.Instruction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Instruction {
    DeleteKeyNoPropagate = 0,
    DeleteKeyAndPropagate = 1,
    PropagateNullIfNoFkValAvailable = 2,
    PropagateOnlyIfFkValAvailable = 3,
}

impl Instruction {
    fn from_byte(b: u8) -> Option<Self> {
        Some(match b {
            0 => Instruction::DeleteKeyNoPropagate,
            1 => Instruction::DeleteKeyAndPropagate,
            2 => Instruction::PropagateNullIfNoFkValAvailable,
            3 => Instruction::PropagateOnlyIfFkValAvailable,
            _ => return None,
        })
    }
}

fn bad(what: &'static str, len: usize) -> SerdeError {
    SerdeError::InvalidLength {
        type_name: what,
        expected: 2,
        actual: len,
    }
}

/// `{1-bit hash-is-null}{7-bit version}{instruction}{16-byte hash?}{primary key}{partition}`.
fn encode_subscription(
    hash: Option<[i64; 2]>,
    instr: Instruction,
    pk: &[u8],
    partition: i32,
) -> Bytes {
    let mut out = Vec::with_capacity(2 + 16 + pk.len() + 4);
    out.push(if hash.is_some() {
        VERSION
    } else {
        VERSION | 0x80
    });
    out.push(instr as u8);
    if let Some([a, b]) = hash {
        out.extend_from_slice(&a.to_be_bytes());
        out.extend_from_slice(&b.to_be_bytes());
    }
    out.extend_from_slice(pk);
    out.extend_from_slice(&partition.to_be_bytes());
    Bytes::from(out)
}

struct Subscription {
    hash: Option<[i64; 2]>,
    instruction: Instruction,
    pk: Bytes,
    partition: i32,
}

fn read_i64(b: &[u8]) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    i64::from_be_bytes(a)
}

fn decode_subscription(data: &Bytes) -> Result<Subscription, SerdeError> {
    let err = || bad("SubscriptionWrapper", data.len());
    let (&head, rest) = data.split_first().ok_or_else(err)?;
    let (&instr, rest) = rest.split_first().ok_or_else(err)?;
    let instruction = Instruction::from_byte(instr).ok_or_else(err)?;
    let (hash, at) = if head & 0x80 == 0 {
        if rest.len() < 16 {
            return Err(err());
        }
        (Some([read_i64(&rest[..8]), read_i64(&rest[8..16])]), 18)
    } else {
        (None, 2)
    };
    let with_partition = head & 0x7f > 0;
    let end = if with_partition {
        data.len()
            .checked_sub(4)
            .filter(|&e| e >= at)
            .ok_or_else(err)?
    } else {
        data.len()
    };
    let partition = if with_partition {
        let mut p = [0u8; 4];
        p.copy_from_slice(&data[end..]);
        i32::from_be_bytes(p)
    } else {
        -1
    };
    Ok(Subscription {
        hash,
        instruction,
        pk: data.slice(at..end),
        partition,
    })
}

/// `{1-bit hash-is-null}{7-bit version}{16-byte hash?}{foreign value?}`: Java writes the
/// response wrapper at version 0, without the primary partition it carries in memory (the sink
/// routes by that partition before serializing).
fn encode_response(hash: Option<[i64; 2]>, value: Option<&[u8]>) -> Bytes {
    let mut out = Vec::with_capacity(1 + 16 + value.map_or(0, <[u8]>::len));
    out.push(if hash.is_some() {
        RESPONSE_VERSION
    } else {
        RESPONSE_VERSION | 0x80
    });
    if let Some([a, b]) = hash {
        out.extend_from_slice(&a.to_be_bytes());
        out.extend_from_slice(&b.to_be_bytes());
    }
    if let Some(v) = value {
        out.extend_from_slice(v);
    }
    Bytes::from(out)
}

fn decode_response(data: &Bytes) -> Result<(Option<[i64; 2]>, Option<Bytes>), SerdeError> {
    let err = || bad("SubscriptionResponseWrapper", data.len());
    let (&head, _) = data.split_first().ok_or_else(err)?;
    let mut at = 1;
    if head & 0x7f > 0 {
        at += 4;
    }
    let hash = if head & 0x80 == 0 {
        let h = data.get(at..at + 16).ok_or_else(err)?;
        at += 16;
        Some([read_i64(&h[..8]), read_i64(&h[8..])])
    } else {
        None
    };
    if data.len() < at {
        return Err(err());
    }
    let value = (data.len() > at).then(|| data.slice(at..));
    Ok((hash, value))
}

/// Java's `CombinedKeySchema`: `{4-byte foreign key length}{foreign key}{primary key}`.
fn combined_key(fk: &[u8], pk: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(4 + fk.len() + pk.len());
    out.extend_from_slice(&u32::try_from(fk.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(fk);
    out.extend_from_slice(pk);
    Bytes::from(out)
}

fn split_combined(key: &Bytes) -> Option<(Bytes, Bytes)> {
    let len: [u8; 4] = key.get(..4)?.try_into().ok()?;
    let end = 4usize.checked_add(u32::from_be_bytes(len) as usize)?;
    if key.len() < end {
        return None;
    }
    Some((key.slice(4..end), key.slice(end..)))
}

fn ser<T: 'static>(s: &SharedSerde<T>, v: &T) -> Result<Bytes, StreamsError> {
    s.serialize("", &NO_HEADERS, v)
        .map(Option::unwrap_or_default)
        .map_err(|source| StreamsError::Serialization {
            topic: "foreign-key join".to_owned(),
            source,
        })
}

fn de<T: 'static>(s: &SharedSerde<T>, b: &Bytes) -> Result<T, StreamsError> {
    s.deserialize("", &NO_HEADERS, Some(b))
        .map_err(|source| StreamsError::Serialization {
            topic: "foreign-key join".to_owned(),
            source,
        })
}

fn wire(e: SerdeError) -> StreamsError {
    StreamsError::Serialization {
        topic: "foreign-key join".to_owned(),
        source: e,
    }
}

fn make_getter<K, V, KO, VO>(
    supplier: &GetterSupplier<K, V>,
    ctx: &ProcessorContext<'_, KO, VO>,
) -> Result<GetterFn<K, V>, StreamsError> {
    let lookup: &StoreLookup<'_> = &|name: &str| ctx.state_store_handle(name);
    (supplier.make)(lookup)
}

type FkFn<V, KO> = Arc<dyn Fn(&V) -> KO + Send + Sync>;
type FkJoiner<V, VO, VR> = Arc<dyn Fn(Option<&V>, Option<&VO>) -> Option<VR> + Send + Sync>;
type SubStore = TimestampedKeyValueStore<Bytes, Bytes>;

/// A response on its way to the response topic: the wire bytes, and the partition of the left
/// row that subscribed, which Java's response sink routes by (it is not on the wire).
#[derive(Debug, Clone)]
struct Response {
    wire: Bytes,
    partition: i32,
}

/// Writes a [`Response`]'s wire bytes; reading gives an unknown (-1) partition.
struct ResponseSerde;

impl Serde<Response> for ResponseSerde {
    fn serialize(
        &self,
        _topic: &str,
        _headers: &Headers,
        value: &Response,
    ) -> Result<Option<Bytes>, SerdeError> {
        Ok(Some(value.wire.clone()))
    }
    fn deserialize(
        &self,
        _topic: &str,
        _headers: &Headers,
        data: Option<&Bytes>,
    ) -> Result<Response, SerdeError> {
        let wire = data.cloned().ok_or(SerdeError::UnexpectedNull {
            type_name: "SubscriptionResponseWrapper",
        })?;
        Ok(Response {
            wire,
            partition: -1,
        })
    }
}

/// A received subscription's serialized foreign key (none for a left join's delete) and primary
/// key: Java's `CombinedKey` between the receive and join processors.
#[derive(Debug, Clone)]
struct SubKey {
    fk: Option<Bytes>,
    pk: Bytes,
}

impl<K: Data, V: Data> KTable<K, V> {
    /// Joins each row with the row of `other` whose key `foreign_key` extracts from the row's
    /// value; a result while both exist (Java's foreign-key `KTable.join`).
    pub fn join_foreign_key<KO: Data, VO: Data, VR: Data, F, J>(
        &self,
        other: &KTable<KO, VO>,
        foreign_key: F,
        joiner: J,
    ) -> KTable<K, VR>
    where
        F: Fn(&V) -> KO + Send + Sync + 'static,
        J: Fn(&V, &VO) -> VR + Send + Sync + 'static,
    {
        self.fk_join(
            other,
            Arc::new(foreign_key),
            Arc::new(move |v, o| match (v, o) {
                (Some(v), Some(o)) => Some(joiner(v, o)),
                _ => None,
            }),
            false,
        )
    }

    /// Like [`Self::join_foreign_key`], keeping rows whose referenced row does not exist
    /// (`None` to the joiner).
    pub fn left_join_foreign_key<KO: Data, VO: Data, VR: Data, F, J>(
        &self,
        other: &KTable<KO, VO>,
        foreign_key: F,
        joiner: J,
    ) -> KTable<K, VR>
    where
        F: Fn(&V) -> KO + Send + Sync + 'static,
        J: Fn(&V, Option<&VO>) -> VR + Send + Sync + 'static,
    {
        self.fk_join(
            other,
            Arc::new(foreign_key),
            Arc::new(move |v, o| v.map(|v| joiner(v, o))),
            true,
        )
    }

    fn fk_join<KO: Data, VO: Data, VR: Data>(
        &self,
        other: &KTable<KO, VO>,
        foreign_key: FkFn<V, KO>,
        joiner: FkJoiner<V, VO, VR>,
        left: bool,
    ) -> KTable<K, VR> {
        let b = &self.b;
        // Java's names: generated, or `<name><suffix>` for a named join (`named(n)`, Java's
        // `TableJoined.as(n)`); an index is drawn for each either way.
        let name = self.pending_name.as_deref();
        let node = |suffix: &str, prefix: &str| b.node_name_suffixed(name, suffix, prefix);
        let registration = node(
            "-subscription-registration",
            "KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-",
        );
        let send = node(
            "-subscription-registration-processor",
            "KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-",
        );
        let reg_sink = node("-subscription-registration-sink", "KTABLE-SINK-");
        let reg_source = node("-subscription-registration-source", "KTABLE-SOURCE-");
        let sub_store = node(
            "-subscription-store",
            "KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-",
        );
        let receive = node(
            "-subscription-receive",
            "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-",
        );
        let join = node(
            "-subscription-join-foreign",
            "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-",
        );
        let foreign = node(
            "-foreign-join-subscription",
            "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-",
        );
        let response = node(
            "-subscription-response",
            "KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-",
        );
        let resp_sink = node("-subscription-response-sink", "KTABLE-SINK-");
        let resp_source = node("-subscription-response-source", "KTABLE-SOURCE-");
        let resolver = node(
            "-subscription-response-resolver",
            "KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-",
        );
        let output = node("-result", "KTABLE-FK-JOIN-OUTPUT-");
        // Java draws the result store's name even when the result is not materialized.
        let _ = b.new_name("KTABLE-FK-JOIN-OUTPUT-STATE-STORE-");
        let reg_topic = format!("{registration}-topic");
        let resp_topic = format!("{response}-topic");

        let (pk_serde, v_serde) = (
            pick(None, self.key_serde.clone()),
            pick(None, self.value_serde.clone()),
        );
        let (fk_serde, vo_serde) = (
            pick(None, other.key_serde.clone()),
            pick(None, other.value_serde.clone()),
        );
        let (Some(pk_serde), Some(v_serde), Some(fk_serde), Some(vo_serde)) =
            (pk_serde, v_serde, fk_serde, vo_serde)
        else {
            b.error(DslError::MissingSerde {
                operation: send,
                which: "key or value",
                type_name: std::any::type_name::<(K, V, KO, VO)>(),
            });
            return KTable::unreadable(b, output, None, None, None);
        };
        let (this_getter, other_getter) =
            match (self.value_getter(&resolver), other.value_getter(&join)) {
                (Ok(a), Ok(c)) => (a, c),
                (Err(e), _) | (_, Err(e)) => {
                    b.error(e);
                    return KTable::unreadable(b, output, None, None, None);
                }
            };
        // The old foreign key is needed to unsubscribe when it changes.
        self.enable_send_old_values();
        let bytes: SharedSerde<Bytes> = Arc::new(BytesSerde);
        // A left join's deleted row subscribes with a null foreign key.
        let nullable_fk: SharedSerde<Option<KO>> = Arc::new(Nullable(fk_serde.clone()));

        // Left side: subscribe by foreign key.
        {
            let (fk, fks, pks, vs) = (
                foreign_key.clone(),
                fk_serde.clone(),
                pk_serde.clone(),
                v_serde.clone(),
            );
            add_fn::<K, Change<V>, Option<KO>, Bytes>(
                b,
                &send,
                &[&self.node],
                Arc::new(move |ctx, r| {
                    let partition = ctx.record_metadata().map_or(0, |m| m.partition);
                    if left && r.value.old.is_none() && r.value.new.is_none() {
                        return Ok(());
                    }
                    let hash = r
                        .value
                        .new
                        .as_ref()
                        .map(|v| ser(&vs, v).map(|b| hash128(&b)))
                        .transpose()?;
                    let pk = ser(&pks, &r.key)?;
                    let old_fk = r.value.old.as_ref().map(|v| fk(v));
                    let new_fk = r.value.new.as_ref().map(|v| fk(v));
                    // Java compares serialized keys; a missing key never equals a present one.
                    let changed = match (&old_fk, &new_fk) {
                        (Some(o), Some(n)) => ser(&fks, o)? != ser(&fks, n)?,
                        _ => true,
                    };
                    let mut send = |key: Option<KO>, instr: Instruction| {
                        ctx.forward(Record {
                            key,
                            value: encode_subscription(hash, instr, &pk, partition),
                            timestamp: r.timestamp,
                            headers: r.headers.clone(),
                        })
                    };
                    if left {
                        if old_fk.is_some() && changed {
                            send(old_fk, Instruction::DeleteKeyNoPropagate)?;
                        }
                        // Every change needs an answer to keep a left-join row; a deleted row
                        // subscribes with a null foreign key, as Java does: the right side
                        // stores nothing for it and answers with a null.
                        send(new_fk, Instruction::PropagateNullIfNoFkValAvailable)
                    } else {
                        match (new_fk, old_fk) {
                            (Some(n), Some(o)) if changed => {
                                send(Some(o), Instruction::DeleteKeyNoPropagate)?;
                                send(Some(n), Instruction::PropagateNullIfNoFkValAvailable)
                            }
                            (Some(n), _) => {
                                send(Some(n), Instruction::PropagateOnlyIfFkValAvailable)
                            }
                            (None, Some(o)) => send(Some(o), Instruction::DeleteKeyAndPropagate),
                            (None, None) => Ok(()),
                        }
                    }
                }),
            );
        }
        b.with_topology(|t| {
            t.add_sink(
                &reg_sink,
                &reg_topic,
                Produced::<Option<KO>, Bytes>::new()
                    .to_core(Some(nullable_fk.clone()), Some(bytes.clone())),
                &[&send],
            );
            t.add_internal_topic(&reg_topic);
            t.add_source(
                &reg_source,
                Consumed::<Option<KO>, Bytes>::new()
                    .to_core(Some(nullable_fk.clone()), Some(bytes.clone())),
                reg_topic.as_str(),
            );
            t.add_state_store(
                Stores::timestamped_key_value_store_builder(
                    Stores::persistent_key_value_store(&sub_store),
                    bytes.clone(),
                    bytes.clone(),
                )
                // Java 4.4's subscription store logs each write with its record's headers.
                .with_headers_in_changelog(),
                &[],
            );
        });

        // Right side: remember subscriptions, answer them now and whenever the row changes.
        {
            let (fks, store_name) = (fk_serde.clone(), sub_store.clone());
            add_fn::<Option<KO>, Bytes, SubKey, Bytes>(
                b,
                &receive,
                &[&reg_source],
                Arc::new(move |ctx, r| {
                    let s = decode_subscription(&r.value).map_err(wire)?;
                    let Some(fk) = &r.key else {
                        // Only a left join's delete subscribes without a foreign key; it is
                        // answered, never stored.
                        if s.instruction != Instruction::PropagateNullIfNoFkValAvailable {
                            tracing::warn!("skipping a subscription with a null foreign key");
                            return Ok(());
                        }
                        let key = SubKey { fk: None, pk: s.pk };
                        return ctx.forward(r.with_key(key));
                    };
                    let subs: SubStore = ctx.state_store(&store_name)?;
                    let fk = ser(&fks, fk)?;
                    let stored = combined_key(&fk, &s.pk);
                    match s.instruction {
                        Instruction::DeleteKeyNoPropagate | Instruction::DeleteKeyAndPropagate => {
                            subs.delete(&stored)?;
                        }
                        _ => subs.put(
                            &stored,
                            &ValueAndTimestamp {
                                value: r.value.clone(),
                                timestamp: r.timestamp,
                            },
                        )?,
                    }
                    let key = SubKey {
                        fk: Some(fk),
                        pk: s.pk,
                    };
                    ctx.forward(r.with_key(key))
                }),
            );
        }
        b.with_topology(|t| {
            t.connect_processor_and_state_stores(&receive, &[&sub_store]);
        });
        {
            let (fks, pks, vos, getter) = (
                fk_serde.clone(),
                pk_serde.clone(),
                vo_serde.clone(),
                other_getter.clone(),
            );
            b.with_topology(|t| {
                t.add_processor(
                    &join,
                    move || SubscriptionJoinProc::<K, KO, VO> {
                        fks: fks.clone(),
                        pks: pks.clone(),
                        vos: vos.clone(),
                        getter: getter.clone(),
                        get: None,
                    },
                    &[&receive],
                );
                let refs: Vec<&str> = other_getter.stores.iter().map(String::as_str).collect();
                t.connect_processor_and_state_stores(&join, &refs);
            });
        }
        {
            let (fks, pks, vos, store_name) = (
                fk_serde.clone(),
                pk_serde.clone(),
                vo_serde.clone(),
                sub_store.clone(),
            );
            add_fn::<KO, Change<VO>, K, Response>(
                b,
                &foreign,
                &[&other.node],
                Arc::new(move |ctx, r| {
                    let subs: SubStore = ctx.state_store(&store_name)?;
                    let fk = ser(&fks, &r.key)?;
                    let mut prefix = Vec::with_capacity(4 + fk.len());
                    prefix.extend_from_slice(
                        &u32::try_from(fk.len()).unwrap_or(u32::MAX).to_be_bytes(),
                    );
                    prefix.extend_from_slice(&fk);
                    let prefix = Bytes::from(prefix);
                    let value = r.value.new.as_ref().map(|v| ser(&vos, v)).transpose()?;
                    for (key, sub) in subs.prefix_scan(&prefix, &BytesSerde)? {
                        let Some((kfk, pk)) = split_combined(&key) else {
                            continue;
                        };
                        if kfk != fk {
                            continue;
                        }
                        let s = decode_subscription(&sub.value).map_err(wire)?;
                        ctx.forward(Record {
                            key: de(&pks, &pk)?,
                            value: Response {
                                wire: encode_response(s.hash, value.as_deref()),
                                partition: s.partition,
                            },
                            // Java's `ForeignTableJoinProcessorSupplier` answers with the
                            // right row's own record, so its timestamp alone, even when the
                            // subscription is newer (unlike a subscription's answer, which
                            // takes the later of the two).
                            timestamp: r.timestamp,
                            headers: r.headers.clone(),
                        })?;
                    }
                    Ok(())
                }),
            );
        }
        b.with_topology(|t| {
            t.connect_processor_and_state_stores(&foreign, &[&sub_store]);
            t.add_sink(
                &resp_sink,
                &resp_topic,
                Produced::<K, Response>::new()
                    .with_partitioner(Arc::new(|_, _, r: &Response| {
                        (r.partition >= 0).then_some(r.partition)
                    }))
                    .to_core(Some(pk_serde.clone()), Some(Arc::new(ResponseSerde))),
                &[&join, &foreign],
            );
            t.add_internal_topic(&resp_topic);
            t.add_source(
                &resp_source,
                Consumed::<K, Bytes>::new().to_core(Some(pk_serde.clone()), Some(bytes.clone())),
                resp_topic.as_str(),
            );
        });

        // Left side again: keep answers made for the current value only, and join.
        {
            let (vs, vos, getter) = (v_serde.clone(), vo_serde.clone(), this_getter.clone());
            b.with_topology(|t| {
                t.add_processor(
                    &resolver,
                    move || ResolverProc::<K, V, VO, VR> {
                        vs: vs.clone(),
                        vos: vos.clone(),
                        getter: getter.clone(),
                        get: None,
                        joiner: joiner.clone(),
                        left,
                    },
                    &[&resp_source],
                );
                let refs: Vec<&str> = this_getter.stores.iter().map(String::as_str).collect();
                t.connect_processor_and_state_stores(&resolver, &refs);
            });
        }
        add_fn::<K, Option<VR>, K, Change<VR>>(
            b,
            &output,
            &[&resolver],
            Arc::new(|ctx, r| {
                let new = r.value.clone();
                ctx.forward(r.with_value(Change { new, old: None }))
            }),
        );
        KTable::unreadable(b, output, None, Some(pk_serde), None)
    }
}

/// Java's `SubscriptionJoinProcessorSupplier`: answers a subscription with the right row.
struct SubscriptionJoinProc<K, KO, VO> {
    fks: SharedSerde<KO>,
    pks: SharedSerde<K>,
    vos: SharedSerde<VO>,
    getter: GetterSupplier<KO, VO>,
    get: Option<GetterFn<KO, VO>>,
}

impl<K: Data, KO: Data, VO: Data> Processor<SubKey, Bytes, K, Response>
    for SubscriptionJoinProc<K, KO, VO>
{
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, Response>) -> Result<(), StreamsError> {
        self.get = Some(make_getter(&self.getter, ctx)?);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, Response>,
        r: Record<SubKey, Bytes>,
    ) -> Result<(), StreamsError> {
        let Some(get) = &self.get else {
            return Ok(());
        };
        let s = decode_subscription(&r.value).map_err(wire)?;
        let foreign = match &r.key.fk {
            Some(fk) => get(&de(&self.fks, fk)?)?,
            None => None,
        };
        let timestamp = foreign
            .as_ref()
            .map_or(r.timestamp, |(_, ts)| r.timestamp.max(*ts));
        let value = foreign.map(|(v, _)| ser(&self.vos, &v)).transpose()?;
        let answer = match s.instruction {
            Instruction::DeleteKeyAndPropagate => Some(encode_response(s.hash, None)),
            Instruction::PropagateNullIfNoFkValAvailable => {
                Some(encode_response(s.hash, value.as_deref()))
            }
            Instruction::PropagateOnlyIfFkValAvailable => {
                value.as_deref().map(|v| encode_response(s.hash, Some(v)))
            }
            Instruction::DeleteKeyNoPropagate => None,
        };
        if let Some(answer) = answer {
            ctx.forward(Record {
                key: de(&self.pks, &r.key.pk)?,
                value: Response {
                    wire: answer,
                    partition: s.partition,
                },
                timestamp,
                headers: r.headers,
            })?;
        }
        Ok(())
    }
}

/// Java's `ResponseJoinProcessorSupplier`: drops answers made for a value the left row no
/// longer has (by hash), joins the rest; no result is a delete.
struct ResolverProc<K, V, VO, VR> {
    vs: SharedSerde<V>,
    vos: SharedSerde<VO>,
    getter: GetterSupplier<K, V>,
    get: Option<GetterFn<K, V>>,
    joiner: FkJoiner<V, VO, VR>,
    left: bool,
}

impl<K: Data, V: Data, VO: Data, VR: Data> Processor<K, Bytes, K, Option<VR>>
    for ResolverProc<K, V, VO, VR>
{
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, Option<VR>>) -> Result<(), StreamsError> {
        self.get = Some(make_getter(&self.getter, ctx)?);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, Option<VR>>,
        r: Record<K, Bytes>,
    ) -> Result<(), StreamsError> {
        let Some(get) = &self.get else {
            return Ok(());
        };
        let (hash, foreign) = decode_response(&r.value).map_err(wire)?;
        let current = get(&r.key)?.map(|(v, _)| v);
        let current_hash = current
            .as_ref()
            .map(|v| ser(&self.vs, v).map(|b| hash128(&b)))
            .transpose()?;
        if current_hash != hash {
            tracing::debug!("dropping a foreign-key join answer for a value that changed since");
            return Ok(());
        }
        let foreign = foreign.map(|b| de(&self.vos, &b)).transpose()?;
        let result = if foreign.is_none() && (!self.left || current.is_none()) {
            None
        } else {
            (self.joiner)(current.as_ref(), foreign.as_ref())
        };
        ctx.forward(r.with_value(result))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_round_trip_and_reject_short_input() {
        let s = encode_subscription(
            Some([1, -2]),
            Instruction::PropagateOnlyIfFkValAvailable,
            b"pk",
            3,
        );
        assert_eq!(s[0], 1);
        assert_eq!(s.len(), 2 + 16 + 2 + 4);
        let d = decode_subscription(&s).unwrap();
        assert_eq!(d.hash, Some([1, -2]));
        assert_eq!(d.instruction, Instruction::PropagateOnlyIfFkValAvailable);
        assert_eq!(&d.pk[..], b"pk");
        assert_eq!(d.partition, 3);
        let n = encode_subscription(None, Instruction::DeleteKeyAndPropagate, b"k", 0);
        assert_eq!(n[0], 0x81);
        assert!(decode_subscription(&n).unwrap().hash.is_none());
        assert!(decode_subscription(&Bytes::from_static(&[1])).is_err());
        assert!(decode_subscription(&Bytes::from_static(&[1, 9, 0])).is_err());
        let r = encode_response(Some([5, 6]), Some(b"v"));
        assert_eq!(
            decode_response(&r).unwrap(),
            (Some([5, 6]), Some(Bytes::from_static(b"v")))
        );
        let r = encode_response(None, None);
        assert_eq!(decode_response(&r).unwrap(), (None, None));
        assert!(decode_response(&Bytes::from_static(&[1, 0])).is_err());
        let k = combined_key(b"fk", b"pk");
        assert_eq!(
            split_combined(&k),
            Some((Bytes::from_static(b"fk"), Bytes::from_static(b"pk")))
        );
        assert_eq!(split_combined(&Bytes::from_static(&[0, 0, 0, 9, 1])), None);
    }
}
