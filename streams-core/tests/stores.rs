//! Store layers on their own: typed operations on every stack, a model check of random operation
//! sequences, changelog contents, restoration and checkpoints.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use proptest::prelude::*;
use streams_core::clock::MockClock;
use streams_core::config::StoreCommitPolicy;
use streams_core::serde::{Serdes, StringSerde, ValueAndTimestamp};
use streams_core::state::{
    CacheBudget, ChangelogRecord, KeyValueStore, StoreBuilder, StoreContext, StoreControl, Stores,
};
use streams_core::task::{CollectorError, ProducerRecord, RecordCollector, TaskId};

#[derive(Default)]
struct VecCollector {
    records: Vec<ProducerRecord>,
}

impl RecordCollector for VecCollector {
    fn send(&mut self, r: ProducerRecord) -> Result<(), CollectorError> {
        self.records.push(r);
        Ok(())
    }
    fn flush(&mut self) -> Result<(), CollectorError> {
        Ok(())
    }
    fn offset(&self, _: &str, _: i32) -> Option<i64> {
        None
    }
}

static N: AtomicU64 = AtomicU64::new(0);

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "sc-stores-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

struct Harness {
    collector: Arc<Mutex<VecCollector>>,
    ctx: StoreContext,
}

impl Harness {
    fn new(dir: Option<PathBuf>, cache_bytes: usize) -> Self {
        let collector = Arc::new(Mutex::new(VecCollector::default()));
        let ctx = StoreContext {
            application_id: "app".into(),
            task_id: TaskId {
                subtopology: 0,
                partition: 3,
            },
            state_dir: dir,
            changelog: Some((Arc::from("app-s-changelog"), 3)),
            collector: collector.clone(),
            record_timestamp: Arc::new(AtomicI64::new(42)),
            record_context: Default::default(),
            cache_budget: Arc::new(CacheBudget::new(cache_bytes)),
            commit_policy: StoreCommitPolicy::default(),
            clock: Arc::new(MockClock::new(0)),
        };
        Harness { collector, ctx }
    }

    fn kv(
        &self,
        builder: impl StoreBuilder,
    ) -> (KeyValueStore<String, String>, Box<dyn StoreControl>) {
        let built = builder.build(&self.ctx).unwrap();
        let h = built
            .handle
            .downcast_ref::<KeyValueStore<String, String>>()
            .unwrap()
            .clone();
        (h, built.control)
    }

    fn changelog(&self) -> Vec<(Bytes, Option<Bytes>)> {
        self.collector
            .lock()
            .unwrap()
            .records
            .iter()
            .map(|r| (r.key.clone().unwrap(), r.value.clone()))
            .collect()
    }
}

type Make = fn(&str) -> streams_core::state::StoreSupplier;

fn stacks() -> Vec<(&'static str, Make, bool)> {
    vec![
        ("memory", Stores::in_memory_key_value_store as Make, false),
        (
            "memory+cache",
            Stores::in_memory_key_value_store as Make,
            true,
        ),
        ("redb", Stores::persistent_key_value_store as Make, false),
        (
            "redb+cache",
            Stores::persistent_key_value_store as Make,
            true,
        ),
    ]
}

fn s(x: &str) -> String {
    x.to_owned()
}

#[test]
fn key_value_operations_on_every_stack() {
    for (label, make, cache) in stacks() {
        let dir = temp_dir();
        let h = Harness::new(Some(dir.clone()), 1 << 20);
        let mut b = Stores::key_value_store_builder(make("s"), Serdes::string(), Serdes::string());
        if cache {
            b = b.with_caching_enabled();
        }
        let (kv, mut control) = h.kv(b);
        for k in ["b", "a", "ab", "c", "b2"] {
            kv.put(&s(k), &format!("v{k}")).unwrap();
        }
        assert_eq!(kv.get(&s("a")).unwrap(), Some(s("va")), "{label}");
        assert_eq!(
            kv.put_if_absent(&s("a"), &s("x")).unwrap(),
            Some(s("va")),
            "{label}"
        );
        assert_eq!(
            kv.put_if_absent(&s("d"), &s("vd")).unwrap(),
            None,
            "{label}"
        );
        assert_eq!(kv.delete(&s("c")).unwrap(), Some(s("vc")), "{label}");
        assert_eq!(kv.delete(&s("c")).unwrap(), None, "{label}");
        let keys = |v: Vec<(String, String)>| v.into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        assert_eq!(
            keys(kv.all().unwrap()),
            ["a", "ab", "b", "b2", "d"],
            "{label}"
        );
        assert_eq!(
            keys(kv.reverse_all().unwrap()),
            ["d", "b2", "b", "ab", "a"],
            "{label}"
        );
        assert_eq!(
            keys(kv.range(Some(&s("ab")), Some(&s("b2"))).unwrap()),
            ["ab", "b", "b2"],
            "{label}"
        );
        assert_eq!(
            keys(kv.reverse_range(Some(&s("ab")), Some(&s("b2"))).unwrap()),
            ["b2", "b", "ab"],
            "{label}"
        );
        assert!(
            kv.range(Some(&s("z")), Some(&s("a"))).unwrap().is_empty(),
            "{label}"
        );
        assert_eq!(
            keys(kv.range(None, Some(&s("ab"))).unwrap()),
            ["a", "ab"],
            "{label}"
        );
        assert_eq!(
            keys(kv.prefix_scan(&s("b"), &StringSerde).unwrap()),
            ["b", "b2"],
            "{label}"
        );
        control.flush().unwrap();
        assert_eq!(kv.approximate_num_entries().unwrap(), 5, "{label}");
        control.commit(Some(9), true).unwrap();
        assert_eq!(control.checkpoint(), Some(9), "{label}");
        assert_eq!(
            keys(kv.all().unwrap()),
            ["a", "ab", "b", "b2", "d"],
            "{label} after commit"
        );
        // Every write reached the changelog (with a cache: the deduplicated flush).
        let log = h.changelog();
        let last_c = log.iter().rev().find(|(k, _)| &k[..] == b"c");
        if cache {
            // "c" was written and deleted between flushes, so the store below never had it:
            // as Java's caching store, the flush writes nothing down (no tombstone either).
            assert_eq!(last_c, None, "{label}: nothing logged for c");
        } else {
            assert_eq!(last_c.unwrap().1, None, "{label}: delete is a tombstone");
        }
        let records = h.collector.lock().unwrap().records.clone();
        assert!(records.iter().all(|r| r.partition == Some(3)
            && &*r.topic == "app-s-changelog"
            && r.timestamp == 42));
        if cache {
            assert_eq!(log.len(), 5, "{label}: one entry per key left, none for c");
        } else {
            assert_eq!(log.len(), 8, "{label}");
        }
        control.close().unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn timestamped_values_use_java_layout_in_the_changelog() {
    let h = Harness::new(None, 0);
    let built = Stores::timestamped_key_value_store_builder(
        Stores::in_memory_key_value_store("s"),
        Serdes::string(),
        Serdes::long(),
    )
    .build(&h.ctx)
    .unwrap();
    let kv = built
        .handle
        .downcast_ref::<KeyValueStore<String, ValueAndTimestamp<i64>>>()
        .unwrap();
    kv.put(
        &s("k"),
        &ValueAndTimestamp {
            value: 7,
            timestamp: 0x0102,
        },
    )
    .unwrap();
    assert_eq!(
        kv.get(&s("k")).unwrap(),
        Some(ValueAndTimestamp {
            value: 7,
            timestamp: 0x0102
        })
    );
    // Java's ChangeLoggingTimestampedKeyValueBytesStore: the plain value, with the value's
    // timestamp as the record timestamp (checked against Java by streams-dsl's parity tests).
    let log = h.changelog();
    assert_eq!(&log[0].0[..], b"k");
    assert_eq!(&log[0].1.as_ref().unwrap()[..], &[0, 0, 0, 0, 0, 0, 0, 7]);
    let ts = h.collector.lock().unwrap().records[0].timestamp;
    assert_eq!(ts, 0x0102);
}

#[test]
fn restore_applies_batches_and_checkpoints_atomically_across_reopen() {
    let dir = temp_dir();
    let batch: Vec<ChangelogRecord> = (0..100)
        .map(|i| ChangelogRecord {
            key: Bytes::from(format!("k{i:03}")),
            value: if i % 10 == 0 {
                None
            } else {
                Some(Bytes::from(format!("v{i}")))
            },
            offset: 1000 + i,
            timestamp: 0,
        })
        .collect();
    {
        let h = Harness::new(Some(dir.clone()), 0);
        let (_, mut control) = h.kv(Stores::key_value_store_builder(
            Stores::persistent_key_value_store("s"),
            Serdes::string(),
            Serdes::string(),
        ));
        assert_eq!(control.checkpoint(), None);
        control.restore(&batch).unwrap();
        assert_eq!(control.checkpoint(), Some(1099));
        assert!(h.changelog().is_empty(), "restoration does not log");
        control.close().unwrap();
    }
    let h = Harness::new(Some(dir.clone()), 0);
    let (kv, control) = h.kv(Stores::key_value_store_builder(
        Stores::persistent_key_value_store("s"),
        Serdes::string(),
        Serdes::string(),
    ));
    assert_eq!(control.checkpoint(), Some(1099));
    assert_eq!(kv.approximate_num_entries().unwrap(), 90);
    assert_eq!(kv.get(&s("k005")).unwrap(), Some(s("v5")));
    assert_eq!(kv.get(&s("k010")).unwrap(), None);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn uncommitted_redb_writes_are_not_durable_but_committed_ones_are() {
    let dir = temp_dir();
    {
        let h = Harness::new(Some(dir.clone()), 0);
        let (kv, mut control) = h.kv(Stores::key_value_store_builder(
            Stores::persistent_key_value_store("s"),
            Serdes::string(),
            Serdes::string(),
        ));
        kv.put(&s("a"), &s("1")).unwrap();
        control.commit(Some(0), false).unwrap(); // below the 10k-write policy: not yet durable
        assert_eq!(control.checkpoint(), None);
        control.commit(Some(0), true).unwrap();
        assert_eq!(control.checkpoint(), Some(0));
        kv.put(&s("b"), &s("2")).unwrap();
        // Dropped without close: "b" only ever lived in the overlay.
    }
    let h = Harness::new(Some(dir.clone()), 0);
    let (kv, control) = h.kv(Stores::key_value_store_builder(
        Stores::persistent_key_value_store("s"),
        Serdes::string(),
        Serdes::string(),
    ));
    assert_eq!(control.checkpoint(), Some(0));
    assert_eq!(kv.get(&s("a")).unwrap(), Some(s("1")));
    assert_eq!(kv.get(&s("b")).unwrap(), None);
    std::fs::remove_dir_all(dir).unwrap();
}

#[derive(Debug, Clone)]
enum Op {
    Put(u8, u8),
    Delete(u8),
    Flush,
    Commit,
    Range(u8, u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..24, any::<u8>()).prop_map(|(k, v)| Op::Put(k, v)),
        2 => (0u8..24).prop_map(Op::Delete),
        1 => Just(Op::Flush),
        1 => Just(Op::Commit),
        2 => (0u8..24, 0u8..24).prop_map(|(a, b)| Op::Range(a, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Any operation sequence on redb + logging + a tiny cache reads like a BTreeMap, and
    /// replaying its changelog gives the same map.
    #[test]
    fn cached_logged_redb_store_matches_a_model(ops in proptest::collection::vec(op(), 1..80), cache in 0usize..600) {
        let dir = temp_dir();
        let h = Harness::new(Some(dir.clone()), cache);
        let (kv, mut control) = h.kv(
            Stores::key_value_store_builder(Stores::persistent_key_value_store("s"), Serdes::string(), Serdes::string())
                .with_caching_enabled(),
        );
        let mut model: BTreeMap<String, String> = BTreeMap::new();
        let key = |k: u8| format!("k{k:02}");
        for (i, op) in ops.iter().enumerate() {
            match op {
                Op::Put(k, v) => {
                    kv.put(&key(*k), &v.to_string()).unwrap();
                    model.insert(key(*k), v.to_string());
                }
                Op::Delete(k) => {
                    let got = kv.delete(&key(*k)).unwrap();
                    prop_assert_eq!(got, model.remove(&key(*k)));
                }
                Op::Flush => control.flush().unwrap(),
                Op::Commit => {
                    control.flush().unwrap();
                    control.commit(Some(i as i64), true).unwrap();
                }
                Op::Range(a, b) => {
                    let got = kv.range(Some(&key(*a)), Some(&key(*b))).unwrap();
                    let want: Vec<_> = if a <= b {
                        model.range(key(*a)..=key(*b)).map(|(k, v)| (k.clone(), v.clone())).collect()
                    } else {
                        Vec::new()
                    };
                    prop_assert_eq!(got, want.clone());
                    let back = kv.reverse_range(Some(&key(*a)), Some(&key(*b))).unwrap();
                    prop_assert_eq!(back, want.into_iter().rev().collect::<Vec<_>>());
                }
            }
        }
        let all: BTreeMap<_, _> = kv.all().unwrap().into_iter().collect();
        prop_assert_eq!(&all, &model);
        control.flush().unwrap();
        let mut replay: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in h.changelog() {
            let k = String::from_utf8(k.to_vec()).unwrap();
            match v {
                Some(v) => { replay.insert(k, String::from_utf8(v.to_vec()).unwrap()); }
                None => { replay.remove(&k); }
            }
        }
        prop_assert_eq!(&replay, &model);
        control.close().unwrap();
        drop(kv);
        drop(control);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
