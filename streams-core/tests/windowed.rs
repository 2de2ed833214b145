//! A windowed count with stream-time punctuation and retention, and a session merge.

use std::sync::Arc;
use std::time::Duration;

use streams_core::processor::{Processor, ProcessorContext, PunctuationType, Record};
use streams_core::serde::{BytesSerde, Nullable, Serdes, StringSerde};
use streams_core::state::{SessionStore, StoreKind, Stores, Window, WindowStore, Windowed};
use streams_core::test_driver::TopologyTestDriver;
use streams_core::topology::{Consumed, Produced, TopologyBuilder};
use streams_core::{StreamsConfig, StreamsError};

const SIZE: i64 = 10;

/// Counts per key per 10 ms tumbling window; every 10 ms of stream time emits every live window.
struct WindowCounter {
    store: Option<WindowStore<String, i64>>,
}

impl Processor<String, String, String, i64> for WindowCounter {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, String, i64>) -> Result<(), StreamsError> {
        let store: WindowStore<String, i64> = ctx.state_store("windows")?;
        self.store = Some(store.clone());
        ctx.schedule(
            Duration::from_millis(10),
            PunctuationType::StreamTime,
            move |ctx, now| {
                for (w, n) in store.fetch_all(0, now)? {
                    let key = format!("{}@{}", w.key, w.window.start);
                    ctx.forward(Record::new(key, n, now))?;
                }
                Ok(())
            },
        )?;
        Ok(())
    }
    fn process(
        &mut self,
        _: &mut ProcessorContext<'_, String, i64>,
        r: Record<String, String>,
    ) -> Result<(), StreamsError> {
        let store = self.store.as_ref().expect("init ran");
        let start = r.timestamp - r.timestamp % SIZE;
        let n = store.fetch(&r.key, start)?.unwrap_or(0) + 1;
        store.put(&r.key, Some(&n), start)?;
        Ok(())
    }
}

fn window_driver(kind: StoreKind) -> TopologyTestDriver {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "in",
        Consumed::with(Serdes::string(), Serdes::string()),
        "events",
    )
    .add_processor("count", || WindowCounter { store: None }, &["in"])
    .add_state_store(
        Stores::window_store_builder(
            Stores::window_store(
                "windows",
                kind,
                Duration::from_millis(30),
                Duration::from_millis(SIZE as u64),
                false,
            ),
            Serdes::string(),
            Serdes::long(),
        ),
        &["count"],
    )
    .add_sink(
        "out",
        "counts",
        Produced::with(Serdes::string(), Serdes::long()),
        &["count"],
    );
    TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("win"), 0).unwrap()
}

fn run_windowed(kind: StoreKind) {
    let driver = window_driver(kind);
    let mut input = driver.create_input_topic("events", Serdes::string(), Serdes::string());
    let mut out = driver.create_output_topic("counts", Serdes::string(), Serdes::long());
    let kv = |k: &str, v: i64| (k.to_owned(), v);

    // Stream-time punctuation is aligned to 0: the first record (t=0) fires it.
    input.pipe_input_at("a".into(), "x".into(), 0).unwrap();
    assert_eq!(out.read_key_values_to_list().unwrap(), vec![kv("a@0", 1)]);
    input.pipe_input_at("a".into(), "x".into(), 5).unwrap();
    assert!(out.is_empty(), "next punctuation is due at 10");
    input.pipe_input_at("a".into(), "x".into(), 12).unwrap();
    assert_eq!(
        out.read_key_values_to_list().unwrap(),
        vec![kv("a@0", 2), kv("a@10", 1)]
    );
    input.pipe_input_at("b".into(), "x".into(), 15).unwrap();
    assert!(out.is_empty());
    // A jump to 45 fires once (missed intervals are skipped), with the current stream time; with
    // 30 ms retention only windows starting at or after 16 are still readable.
    input.pipe_input_at("c".into(), "x".into(), 45).unwrap();
    let recs = out.read_records_to_list().unwrap();
    assert_eq!(recs.len(), 1);
    assert_eq!(
        (recs[0].key.as_str(), recs[0].value, recs[0].timestamp),
        ("c@40", 1, 45)
    );
    // Out-of-order data does not move stream time back, and the next punctuation is due at 50.
    input.pipe_input_at("c".into(), "x".into(), 41).unwrap();
    assert_eq!(driver.stream_time(), 45);
    assert!(out.is_empty());
    input.pipe_input_at("d".into(), "x".into(), 50).unwrap();
    assert_eq!(
        out.read_key_values_to_list().unwrap(),
        vec![kv("c@40", 2), kv("d@50", 1)]
    );

    let store: WindowStore<String, i64> = driver.state_store("windows").unwrap();
    assert_eq!(store.fetch(&"a".into(), 0).unwrap(), None, "expired");
    assert_eq!(store.fetch(&"c".into(), 40).unwrap(), Some(2));
    assert_eq!(
        store.fetch_range(&"c".into(), 0, 100).unwrap(),
        vec![(40, 2)]
    );
    // A write to an expired window is dropped.
    input.pipe_input_at("a".into(), "x".into(), 3).unwrap();
    assert_eq!(store.fetch(&"a".into(), 0).unwrap(), None);
    let all = store.all().unwrap();
    assert_eq!(
        all,
        vec![
            (
                Windowed {
                    key: "c".to_owned(),
                    window: Window { start: 40, end: 50 }
                },
                2
            ),
            (
                Windowed {
                    key: "d".to_owned(),
                    window: Window { start: 50, end: 60 }
                },
                1
            ),
        ]
    );
    // Changelog keys use WindowKeySchema: key, 8-byte BE start, 4-byte BE seqnum.
    let mut log =
        driver.create_output_topic("win-windows-changelog", Serdes::bytes(), Serdes::bytes());
    let first = log.read_record().unwrap();
    assert_eq!(&first.key[..], &[b'a', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn windowed_count_with_punctuation_and_retention_on_redb() {
    run_windowed(StoreKind::Persistent);
}

#[test]
fn windowed_count_with_punctuation_and_retention_in_memory() {
    run_windowed(StoreKind::InMemory);
}

const GAP: i64 = 10;

/// Session windows with a 10 ms inactivity gap, counting records and merging sessions.
struct Sessionizer {
    store: Option<SessionStore<String, i64>>,
}

impl Processor<String, String, String, String> for Sessionizer {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, String, String>) -> Result<(), StreamsError> {
        self.store = Some(ctx.state_store("sessions")?);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, String>,
        r: Record<String, String>,
    ) -> Result<(), StreamsError> {
        let store = self.store.as_ref().expect("init ran");
        let ts = r.timestamp;
        let (mut start, mut end, mut count) = (ts, ts, 1);
        for (s, n) in store.find_sessions(&r.key, ts - GAP, ts + GAP)? {
            start = start.min(s.window.start);
            end = end.max(s.window.end);
            count += n;
            store.remove(&s)?;
        }
        let merged = Windowed {
            key: r.key.clone(),
            window: Window { start, end },
        };
        store.put(&merged, &count)?;
        ctx.forward(Record::new(r.key, format!("[{start},{end}]={count}"), ts))
    }
}

#[test]
fn session_merge() {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "in",
        Consumed::with(Serdes::string(), Serdes::string()),
        "clicks",
    )
    .add_processor("sessions", || Sessionizer { store: None }, &["in"])
    .add_state_store(
        Stores::session_store_builder(
            Stores::session_store("sessions", StoreKind::Persistent, Duration::from_secs(60)),
            Serdes::string(),
            Serdes::long(),
        ),
        &["sessions"],
    )
    .add_sink(
        "out",
        "s",
        Produced::with(Serdes::string(), Serdes::string()),
        &["sessions"],
    );
    let driver =
        TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("ses"), 0)
            .unwrap();
    let mut input = driver.create_input_topic("clicks", Serdes::string(), Serdes::string());
    let mut out = driver.create_output_topic("s", Serdes::string(), Serdes::string());
    for ts in [0, 5, 30, 20, 12] {
        input.pipe_input_at("a".into(), "x".into(), ts).unwrap();
    }
    input.pipe_input_at("b".into(), "x".into(), 100).unwrap();
    let values = out.read_values_to_list().unwrap();
    assert_eq!(
        values,
        vec![
            "[0,0]=1",
            "[0,5]=2",
            "[30,30]=1",
            "[20,30]=2",
            "[0,30]=5",
            "[100,100]=1"
        ]
    );
    let store: SessionStore<String, i64> = driver.state_store("sessions").unwrap();
    assert_eq!(
        store.fetch(&"a".into()).unwrap(),
        vec![(
            Windowed {
                key: "a".to_owned(),
                window: Window { start: 0, end: 30 }
            },
            5
        )]
    );
    assert_eq!(store.fetch_session(&"a".into(), 0, 30).unwrap(), Some(5));
    assert_eq!(store.fetch_session(&"a".into(), 0, 5).unwrap(), None);
    // Changelog keys use SessionKeySchema: key, 8-byte BE end, 8-byte BE start.
    let mut log = driver.create_output_topic(
        "ses-sessions-changelog",
        Serdes::bytes(),
        Arc::new(Nullable(BytesSerde)),
    );
    let recs = log.read_records_to_list().unwrap();
    let second_put = &recs[2]; // put [0,0], remove [0,0], put [0,5]
    assert_eq!(
        &second_put.key[..],
        &[b'a', 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(recs[1].value, None, "a removed session is a tombstone");
    assert_eq!(
        &recs[1].key[..],
        &[b'a', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    );
}

#[test]
fn nullable_string_key_source_reads_null_keys() {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "in",
        Consumed::with(Arc::new(Nullable(StringSerde)), Serdes::string()),
        "t",
    )
    .add_sink(
        "out",
        "o",
        Produced::with(Arc::new(Nullable(StringSerde)), Serdes::string()),
        &["in"],
    );
    let driver =
        TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("n"), 0)
            .unwrap();
    let mut input =
        driver.create_input_topic("t", Arc::new(Nullable(StringSerde)), Serdes::string());
    let mut out =
        driver.create_output_topic("o", Arc::new(Nullable(StringSerde)), Serdes::string());
    input.pipe_value("v".into()).unwrap();
    assert_eq!(out.read_key_value().unwrap(), (None, "v".to_owned()));
}

/// Increments the window count once per character of the value, leaving forwarding to the cache.
struct CachedWindowCounter {
    store: Option<WindowStore<String, i64>>,
}

impl Processor<String, String, Windowed<String>, streams_core::processor::Change<i64>>
    for CachedWindowCounter
{
    fn init(
        &mut self,
        ctx: &mut ProcessorContext<'_, Windowed<String>, streams_core::processor::Change<i64>>,
    ) -> Result<(), StreamsError> {
        let store: WindowStore<String, i64> = ctx.state_store("windows")?;
        assert!(ctx.forward_window_cache_flushes(&store)?);
        self.store = Some(store);
        Ok(())
    }
    fn process(
        &mut self,
        _: &mut ProcessorContext<'_, Windowed<String>, streams_core::processor::Change<i64>>,
        r: Record<String, String>,
    ) -> Result<(), StreamsError> {
        let store = self.store.as_ref().expect("init ran");
        let start = r.timestamp - r.timestamp % SIZE;
        for _ in r.value.chars() {
            let n = store.fetch(&r.key, start)?.unwrap_or(0) + 1;
            store.put(&r.key, Some(&n), start)?;
        }
        Ok(())
    }
}

struct Show;

impl Processor<Windowed<String>, streams_core::processor::Change<i64>, String, String> for Show {
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, String>,
        r: Record<Windowed<String>, streams_core::processor::Change<i64>>,
    ) -> Result<(), StreamsError> {
        let k = format!(
            "{}@[{},{})",
            r.key.key, r.key.window.start, r.key.window.end
        );
        let v = format!("{:?}->{:?}", r.value.old, r.value.new);
        ctx.forward(Record::new(k, v, r.timestamp))
    }
}

#[test]
fn cached_window_store_forwards_one_change_per_window_and_commit() {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "in",
        Consumed::with(Serdes::string(), Serdes::string()),
        "events",
    )
    .add_processor("count", || CachedWindowCounter { store: None }, &["in"])
    .add_processor("show", || Show, &["count"])
    .add_state_store(
        Stores::window_store_builder(
            Stores::window_store(
                "windows",
                StoreKind::Persistent,
                Duration::from_secs(60),
                Duration::from_millis(SIZE as u64),
                false,
            ),
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
        &["show"],
    );
    let driver =
        TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("cw"), 0)
            .unwrap();
    let mut input = driver.create_input_topic("events", Serdes::string(), Serdes::string());
    let mut out = driver.create_output_topic("o", Serdes::string(), Serdes::string());
    input.pipe_input_at("a".into(), "xyz".into(), 3).unwrap();
    input.pipe_input_at("a".into(), "x".into(), 7).unwrap();
    input.pipe_input_at("a".into(), "x".into(), 12).unwrap();
    let got = out.read_key_values_to_list().unwrap();
    let want: Vec<(String, String)> = [
        ("a@[0,10)", "None->Some(3)"),
        ("a@[0,10)", "Some(3)->Some(4)"),
        ("a@[10,20)", "None->Some(1)"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(got, want);
}
