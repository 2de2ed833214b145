//! Word count through the TopologyTestDriver with a redb store: plain, and cached with flush
//! forwarding.

use std::sync::Arc;

use streams_core::processor::{Change, Processor, ProcessorContext, Record};
use streams_core::serde::{LongSerde, Nullable, Serde, Serdes, StringSerde};
use streams_core::state::{KeyValueStore, Stores};
use streams_core::test_driver::TopologyTestDriver;
use streams_core::topology::{Consumed, Produced, TopologyBuilder};
use streams_core::{StreamsConfig, StreamsError};

/// Counts words; with `cached`, leaves forwarding to the store's cache flushes.
struct Counter {
    store: Option<KeyValueStore<String, i64>>,
}

impl Processor<Option<String>, String, String, Change<i64>> for Counter {
    fn init(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, Change<i64>>,
    ) -> Result<(), StreamsError> {
        let store: KeyValueStore<String, i64> = ctx.state_store("counts")?;
        assert!(ctx.forward_cache_flushes(&store)?, "store is cached");
        self.store = Some(store);
        Ok(())
    }
    fn process(
        &mut self,
        _ctx: &mut ProcessorContext<'_, String, Change<i64>>,
        record: Record<Option<String>, String>,
    ) -> Result<(), StreamsError> {
        let store = self.store.as_ref().expect("init ran");
        for w in record.value.split_whitespace() {
            let n = store.get(&w.to_lowercase())?.unwrap_or(0) + 1;
            store.put(&w.to_lowercase(), &n)?;
        }
        Ok(())
    }
}

/// Turns a `Change` into its new value.
struct NewValue;

impl Processor<String, Change<i64>, String, i64> for NewValue {
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, i64>,
        record: Record<String, Change<i64>>,
    ) -> Result<(), StreamsError> {
        let new = record.value.new.unwrap_or(0);
        ctx.forward(record.with_value(new))
    }
}

fn cached_topology() -> streams_core::topology::Topology {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "lines",
        Consumed::with(Arc::new(Nullable(StringSerde)), Serdes::string()),
        "text",
    )
    .add_processor("count", || Counter { store: None }, &["lines"])
    .add_processor("new-value", || NewValue, &["count"])
    .add_state_store(
        Stores::key_value_store_builder(
            Stores::persistent_key_value_store("counts"),
            Serdes::string(),
            Serdes::long(),
        )
        .with_caching_enabled(),
        &["count"],
    )
    .add_sink(
        "out",
        "counts-out",
        Produced::with(Serdes::string(), Serdes::long()),
        &["new-value"],
    );
    b.build().unwrap()
}

#[test]
fn cached_word_count_dedups_within_a_commit_and_logs_flushed_values() {
    let driver =
        TopologyTestDriver::with_wall_clock(cached_topology(), StreamsConfig::new("wc"), 0)
            .unwrap();
    let mut input =
        driver.create_input_topic("text", Arc::new(Nullable(StringSerde)), Serdes::string());
    let mut out = driver.create_output_topic("counts-out", Serdes::string(), Serdes::long());
    input.pipe_input_at(None, "a b A".to_owned(), 7).unwrap();
    // The driver commits after each record, so the cache flushes once per record: "a" updated
    // twice is emitted once, in the order of each key's last write (Java's `NamedCache` moves a
    // key to the end of its dirty set on every write): "b", then "a".
    let recs = out.read_records_to_list().unwrap();
    let got: Vec<_> = recs
        .iter()
        .map(|r| (r.key.clone(), r.value, r.timestamp))
        .collect();
    assert_eq!(got, vec![("b".to_owned(), 1, 7), ("a".to_owned(), 2, 7)]);
    input.pipe_input_at(None, "b".to_owned(), 9).unwrap();
    assert_eq!(out.read_key_value().unwrap(), ("b".to_owned(), 2));
    assert!(out.is_empty());

    let store: KeyValueStore<String, i64> = driver.state_store("counts").unwrap();
    assert_eq!(store.get(&"a".to_owned()).unwrap(), Some(2));
    assert_eq!(store.get(&"b".to_owned()).unwrap(), Some(2));
    assert_eq!(store.get(&"c".to_owned()).unwrap(), None);

    // The changelog sees the flushed values only, 8-byte big-endian longs, in Java's topic name.
    let mut changelog =
        driver.create_output_topic("wc-counts-changelog", Serdes::bytes(), Serdes::bytes());
    let log = changelog.read_records_to_list().unwrap();
    let entries: Vec<_> = log
        .iter()
        .map(|r| {
            (
                r.key.clone(),
                LongSerde
                    .deserialize("t", &r.headers, Some(&r.value))
                    .unwrap(),
            )
        })
        .collect();
    let want: Vec<(bytes::Bytes, i64)> = [("b", 1), ("a", 2), ("b", 2)]
        .into_iter()
        .map(|(k, v)| (bytes::Bytes::from(k), v))
        .collect();
    assert_eq!(entries, want);
    assert_eq!(&log[1].value[..], &[0, 0, 0, 0, 0, 0, 0, 2]);
}

/// Emits the old value too, to check what a cache flush reports as replaced.
struct OldNew;

impl Processor<String, Change<i64>, String, String> for OldNew {
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, String>,
        record: Record<String, Change<i64>>,
    ) -> Result<(), StreamsError> {
        let v = format!("{:?}->{:?}", record.value.old, record.value.new);
        ctx.forward(record.with_value(v))
    }
}

#[test]
fn cache_flush_reports_old_values_and_tiny_cache_evicts_through() {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "lines",
        Consumed::with(Arc::new(Nullable(StringSerde)), Serdes::string()),
        "text",
    )
    .add_processor("count", || Counter { store: None }, &["lines"])
    .add_processor("old-new", || OldNew, &["count"])
    .add_state_store(
        Stores::key_value_store_builder(
            Stores::in_memory_key_value_store("counts"),
            Serdes::string(),
            Serdes::long(),
        )
        .with_caching_enabled(),
        &["count"],
    )
    .add_sink(
        "out",
        "o",
        Produced::with(Serdes::string(), Serdes::string()),
        &["old-new"],
    );
    // A budget of one byte: every put evicts, flushing every dirty entry as it goes.
    let config = StreamsConfig::new("wc").with_cache_max_bytes(1);
    let driver = TopologyTestDriver::with_wall_clock(b.build().unwrap(), config, 0).unwrap();
    let mut input =
        driver.create_input_topic("text", Arc::new(Nullable(StringSerde)), Serdes::string());
    let mut out = driver.create_output_topic("o", Serdes::string(), Serdes::string());
    input.pipe_input_at(None, "x x".to_owned(), 1).unwrap();
    assert_eq!(
        out.read_key_values_to_list().unwrap(),
        vec![
            ("x".to_owned(), "None->Some(1)".to_owned()),
            ("x".to_owned(), "Some(1)->Some(2)".to_owned())
        ]
    );
}

#[test]
fn state_survives_driver_restart_in_the_same_state_dir() {
    let dir = std::env::temp_dir().join(format!("sc-wc-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = StreamsConfig::new("wc").with_state_dir(&dir);
    {
        let driver =
            TopologyTestDriver::with_wall_clock(cached_topology(), config.clone(), 0).unwrap();
        let mut input =
            driver.create_input_topic("text", Arc::new(Nullable(StringSerde)), Serdes::string());
        input.pipe_input_at(None, "q q q".to_owned(), 1).unwrap();
        driver.close().unwrap();
    }
    let driver = TopologyTestDriver::with_wall_clock(cached_topology(), config, 0).unwrap();
    let store: KeyValueStore<String, i64> = driver.state_store("counts").unwrap();
    assert_eq!(store.get(&"q".to_owned()).unwrap(), Some(3));
    drop(driver);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn clones_of_a_topology_run_independently() {
    // The runtime builds every task (and the differential tests every driver) from one topology:
    // a clone shares the node factories and store builders, never their instances or state.
    let topology = cached_topology();
    let copy = topology.clone();
    assert_eq!(copy.describe().to_string(), topology.describe().to_string());
    let first = TopologyTestDriver::with_wall_clock(topology, StreamsConfig::new("wc"), 0).unwrap();
    let second = TopologyTestDriver::with_wall_clock(copy, StreamsConfig::new("wc"), 0).unwrap();
    for (driver, line) in [(&first, "a a b"), (&second, "a")] {
        let mut input =
            driver.create_input_topic("text", Arc::new(Nullable(StringSerde)), Serdes::string());
        input.pipe_input_at(None, line.to_owned(), 1).unwrap();
    }
    let count = |d: &TopologyTestDriver, w: &str| {
        let store: KeyValueStore<String, i64> = d.state_store("counts").unwrap();
        store.get(&w.to_owned()).unwrap()
    };
    assert_eq!((count(&first, "a"), count(&first, "b")), (Some(2), Some(1)));
    assert_eq!((count(&second, "a"), count(&second, "b")), (Some(1), None));
}
