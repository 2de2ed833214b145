//! Topology validation errors and `describe()` checked against Kafka 4.4's own output.

use std::sync::Arc;
use std::time::Duration;

use streams_core::processor::{Processor, ProcessorContext, Record};
use streams_core::serde::{IntegerSerde, Serdes};
use streams_core::state::{KeyValueStore, Stores};
use streams_core::test_driver::{DriverError, TopologyTestDriver};
use streams_core::topology::{Consumed, Produced, TopicPattern, TopologyBuilder, TopologyError};
use streams_core::{StreamsConfig, StreamsError};

struct P;

impl Processor<String, String, String, String> for P {
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, String>,
        r: Record<String, String>,
    ) -> Result<(), StreamsError> {
        ctx.forward(r)
    }
}

struct Sink;

impl Processor<String, String> for Sink {
    fn process(
        &mut self,
        _: &mut ProcessorContext<'_, (), ()>,
        _: Record<String, String>,
    ) -> Result<(), StreamsError> {
        Ok(())
    }
}

fn ss() -> Consumed<String, String> {
    Consumed::with(Serdes::string(), Serdes::string())
}

fn ps() -> Produced<String, String> {
    Produced::with(Serdes::string(), Serdes::string())
}

fn kv(name: &str) -> streams_core::state::KeyValueStoreBuilder<String, i64> {
    Stores::key_value_store_builder(
        Stores::in_memory_key_value_store(name),
        Serdes::string(),
        Serdes::long(),
    )
}

fn err(b: TopologyBuilder) -> TopologyError {
    b.build().map(|_| ()).unwrap_err()
}

#[test]
fn validation_errors_are_typed() {
    let mut b = TopologyBuilder::new();
    b.add_source("s", ss(), "t")
        .add_processor("s", || P, &["s"]);
    assert_eq!(err(b), TopologyError::DuplicateNode("s".into()));

    let mut b = TopologyBuilder::new();
    b.add_source("s", ss(), "t")
        .add_processor("p", || P, &["ghost"]);
    assert_eq!(
        err(b),
        TopologyError::UnknownParent {
            node: "p".into(),
            parent: "ghost".into()
        }
    );

    let mut b = TopologyBuilder::new();
    b.add_source("s", ss(), "t").add_processor("p", || P, &[]);
    assert_eq!(err(b), TopologyError::NoParent("p".into()));

    let mut b = TopologyBuilder::new();
    b.add_source("s", ss(), "t")
        .add_sink("k", "o", ps(), &["s"])
        .add_processor("p", || P, &["k"]);
    assert_eq!(
        err(b),
        TopologyError::SinkAsParent {
            node: "p".into(),
            parent: "k".into()
        }
    );

    let mut b = TopologyBuilder::new();
    b.add_source("s", ss(), "t")
        .add_processor("p", || P, &["s"])
        .add_state_store(kv("lonely"), &[]);
    assert_eq!(err(b), TopologyError::StoreNotConnected("lonely".into()));

    let mut b = TopologyBuilder::new();
    b.add_source("s", ss(), "t")
        .add_processor("p", || P, &["s"])
        .add_state_store(kv("st"), &["p"])
        .add_state_store(kv("st"), &["p"]);
    assert_eq!(err(b), TopologyError::DuplicateStore("st".into()));

    let mut b = TopologyBuilder::new();
    b.add_source("s", ss(), "t")
        .add_processor("p", || P, &["s"])
        .connect_processor_and_state_stores("p", &["nope"]);
    assert_eq!(
        err(b),
        TopologyError::UnknownStore {
            processor: "p".into(),
            store: "nope".into()
        }
    );

    let mut b = TopologyBuilder::new();
    b.add_source("s", ss(), "t")
        .add_state_store(kv("st"), &["s"]);
    assert_eq!(
        err(b),
        TopologyError::UnknownProcessor {
            store: "st".into(),
            processor: "s".into()
        }
    );

    let mut b = TopologyBuilder::new();
    b.add_source("a", ss(), "t")
        .add_source("b", ss(), ["u", "t"]);
    assert_eq!(
        err(b),
        TopologyError::TopicAlreadyRegistered {
            topic: "t".into(),
            source_node: "a".into()
        }
    );

    let mut b = TopologyBuilder::new();
    b.add_source(
        "s",
        Consumed::with(Serdes::string(), Arc::new(IntegerSerde)),
        "t",
    )
    .add_processor("p", || P, &["s"]);
    assert!(
        matches!(err(b), TopologyError::TypeMismatch { parent, child, .. } if parent == "s" && child == "p")
    );

    assert_eq!(err(TopologyBuilder::new()), TopologyError::NoSources);
    assert!(matches!(
        TopicPattern::new("a("),
        Err(TopologyError::InvalidPattern(_))
    ));
}

#[test]
fn missing_serdes_are_reported_unless_defaults_fit() {
    let build = || {
        let mut b = TopologyBuilder::new();
        b.add_source::<String, String>("s", Consumed::default(), "t")
            .add_sink::<String, String>("k", "o", Produced::default(), &["s"]);
        b.build().unwrap()
    };
    let e = TopologyTestDriver::with_wall_clock(build(), StreamsConfig::new("a"), 0)
        .err()
        .unwrap();
    assert!(
        matches!(&e, DriverError::Topology(TopologyError::MissingSerde { node, which: "key", .. }) if node == "s"),
        "{e:?}"
    );
    // A default of another type does not fit either.
    let config = StreamsConfig::new("a")
        .with_default_key_serde(Serdes::long())
        .with_default_value_serde(Serdes::string());
    assert!(TopologyTestDriver::with_wall_clock(build(), config, 0).is_err());
    let config = StreamsConfig::new("a")
        .with_default_key_serde(Serdes::string())
        .with_default_value_serde(Serdes::string());
    let driver = TopologyTestDriver::with_wall_clock(build(), config, 0).unwrap();
    let mut i = driver.create_input_topic("t", Serdes::string(), Serdes::string());
    let mut o = driver.create_output_topic("o", Serdes::string(), Serdes::string());
    i.pipe_input("k".into(), "v".into()).unwrap();
    assert_eq!(
        o.read_key_value().unwrap(),
        ("k".to_owned(), "v".to_owned())
    );
}

#[test]
fn store_access_is_checked_at_runtime() {
    struct Peek;
    impl Processor<String, String, String, String> for Peek {
        fn init(
            &mut self,
            ctx: &mut ProcessorContext<'_, String, String>,
        ) -> Result<(), StreamsError> {
            assert!(matches!(
                ctx.state_store::<KeyValueStore<String, i64>>("other"),
                Err(StreamsError::StoreNotConnected { .. })
            ));
            assert!(matches!(
                ctx.state_store::<KeyValueStore<String, String>>("mine"),
                Err(StreamsError::StoreTypeMismatch { .. })
            ));
            ctx.state_store::<KeyValueStore<String, i64>>("mine")?;
            Ok(())
        }
        fn process(
            &mut self,
            _: &mut ProcessorContext<'_, String, String>,
            _: Record<String, String>,
        ) -> Result<(), StreamsError> {
            Ok(())
        }
    }
    let mut b = TopologyBuilder::new();
    b.add_source("s", ss(), "t")
        .add_processor("p", || Peek, &["s"])
        .add_processor("q", || P, &["s"])
        .add_state_store(kv("mine"), &["p"])
        .add_state_store(kv("other"), &["q"]);
    TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("a"), 0).unwrap();
}

/// The first topology of the Java check: two sources, a repartition-style split, a pattern source
/// with a topic extractor, and a global store. Expected text printed by Kafka 4.4.
#[test]
fn describe_matches_kafka() {
    let mut t = TopologyBuilder::new();
    t.add_source("src", ss(), ["input-a", "input-b"])
        .add_processor("split", || P, &["src"])
        .add_processor("count", || P, &["split"])
        .add_state_store(kv("counts"), &["count"])
        .add_sink("sink", "output", ps(), &["count"])
        .add_sink("sink2", "repart", ps(), &["split"])
        .add_source("src2", ss(), "repart")
        .add_processor("p2", || P, &["src2"])
        .add_source("psrc", ss(), TopicPattern::new("topic-.*").unwrap())
        .add_sink_with_extractor(
            "dyn",
            |_: &String, _: &String, _: Option<&_>| "x".to_owned(),
            ps(),
            &["psrc"],
        )
        .add_global_store(
            kv("glob").with_logging_disabled(),
            "gsrc",
            ss(),
            "global-topic",
            "gproc",
            || Sink,
        );
    let text = t.build().unwrap().describe().to_string();
    let expected_head = "Topologies:
   Sub-topology: 0
    Source: src (topics: [input-a, input-b])
      --> split
    Processor: split (stores: [])
      --> count, sink2
      <-- src
    Processor: count (stores: [counts])
      --> sink
      <-- split
    Sink: sink (topic: output)
      <-- count
    Sink: sink2 (topic: repart)
      <-- split

  Sub-topology: 1
    Source: src2 (topics: [repart])
      --> p2
    Processor: p2 (stores: [])
      --> none
      <-- src2

  Sub-topology: 2
    Source: psrc (topics: topic-.*)
      --> dyn
    Sink: dyn (extractor class: ";
    let expected_tail = ")
      <-- psrc

  Sub-topology: 3 for global store (will not generate tasks)
    Source: gsrc (topics: [global-topic])
      --> gproc
    Processor: gproc (stores: [glob])
      --> none
      <-- gsrc
";
    assert!(text.starts_with(expected_head), "{text}");
    assert!(text.ends_with(expected_tail), "{text}");
}

#[test]
fn describe_orders_nodes_like_kafka() {
    let mut t = TopologyBuilder::new();
    t.add_source("zsrc", ss(), "t1")
        .add_processor("zz", || P, &["zsrc"])
        .add_processor("aa", || P, &["zsrc"])
        .add_processor("bb", || P, &["aa"])
        .add_source("asrc", ss(), "t2")
        .add_processor("mm", || P, &["asrc", "zz"]);
    assert_eq!(
        t.build().unwrap().describe().to_string(),
        "Topologies:
   Sub-topology: 0
    Source: zsrc (topics: [t1])
      --> aa, zz
    Processor: aa (stores: [])
      --> bb
      <-- zsrc
    Source: asrc (topics: [t2])
      --> mm
    Processor: zz (stores: [])
      --> mm
      <-- zsrc
    Processor: bb (stores: [])
      --> none
      <-- aa
    Processor: mm (stores: [])
      --> none
      <-- asrc, zz

"
    );
    let mut t = TopologyBuilder::new();
    t.add_source("zsrc", ss(), "t1")
        .add_source("asrc", ss(), "t2")
        .add_sink("snk", "out", ps(), &["zsrc", "asrc"]);
    assert_eq!(
        t.build().unwrap().describe().to_string(),
        "Topologies:
   Sub-topology: 0
    Source: asrc (topics: [t2])
      --> snk
    Source: zsrc (topics: [t1])
      --> snk
    Sink: snk (topic: out)
      <-- zsrc, asrc

"
    );
    let mut t = TopologyBuilder::new();
    t.add_source("src", ss(), "t1")
        .add_processor("b", || P, &["src"])
        .add_processor("a", || P, &["src"])
        .add_processor("c", || P, &["b"])
        .add_processor("d", || P, &["c"])
        .add_source("src0", ss(), "t0")
        .add_processor("x", || P, &["src0"]);
    assert_eq!(
        t.build().unwrap().describe().to_string(),
        "Topologies:
   Sub-topology: 0
    Source: src (topics: [t1])
      --> a, b
    Processor: b (stores: [])
      --> c
      <-- src
    Processor: c (stores: [])
      --> d
      <-- b
    Processor: a (stores: [])
      --> none
      <-- src
    Processor: d (stores: [])
      --> none
      <-- c

  Sub-topology: 1
    Source: src0 (topics: [t0])
      --> x
    Processor: x (stores: [])
      --> none
      <-- src0

"
    );
}

#[test]
fn global_store_is_filled_from_its_topic_and_readable_everywhere() {
    struct Fill(Option<KeyValueStore<String, i64>>);
    impl Processor<String, String> for Fill {
        fn init(&mut self, ctx: &mut ProcessorContext<'_, (), ()>) -> Result<(), StreamsError> {
            self.0 = Some(ctx.state_store("glob")?);
            Ok(())
        }
        fn process(
            &mut self,
            _: &mut ProcessorContext<'_, (), ()>,
            r: Record<String, String>,
        ) -> Result<(), StreamsError> {
            self.0
                .as_ref()
                .unwrap()
                .put(&r.key, &(r.value.len() as i64))?;
            Ok(())
        }
    }
    struct Lookup(Option<KeyValueStore<String, i64>>);
    impl Processor<String, String, String, String> for Lookup {
        fn init(
            &mut self,
            ctx: &mut ProcessorContext<'_, String, String>,
        ) -> Result<(), StreamsError> {
            self.0 = Some(ctx.state_store("glob")?);
            Ok(())
        }
        fn process(
            &mut self,
            ctx: &mut ProcessorContext<'_, String, String>,
            r: Record<String, String>,
        ) -> Result<(), StreamsError> {
            let n = self.0.as_ref().unwrap().get(&r.key)?;
            ctx.forward(r.with_value(format!("{n:?}")))
        }
    }
    let mut t = TopologyBuilder::new();
    t.add_source("s", ss(), "events")
        .add_processor("lookup", || Lookup(None), &["s"])
        .add_sink("out", "out", ps(), &["lookup"])
        .add_global_store(
            Stores::key_value_store_builder(
                Stores::persistent_key_value_store("glob"),
                Serdes::string(),
                Serdes::long(),
            )
            .with_logging_disabled(),
            "gs",
            ss(),
            "table",
            "fill",
            || Fill(None),
        );
    let driver =
        TopologyTestDriver::with_wall_clock(t.build().unwrap(), StreamsConfig::new("g"), 0)
            .unwrap();
    let mut table = driver.create_input_topic("table", Serdes::string(), Serdes::string());
    let mut events = driver.create_input_topic("events", Serdes::string(), Serdes::string());
    let mut out = driver.create_output_topic("out", Serdes::string(), Serdes::string());
    table.pipe_input("k".into(), "four".into()).unwrap();
    events.pipe_input("k".into(), "x".into()).unwrap();
    events.pipe_input("z".into(), "x".into()).unwrap();
    assert_eq!(out.read_values_to_list().unwrap(), vec!["Some(4)", "None"]);
    let _ = Duration::ZERO;
}

/// Puts each record's value under its key.
struct Put;

impl Processor<String, String> for Put {
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, (), ()>,
        r: Record<String, String>,
    ) -> Result<(), StreamsError> {
        let s: KeyValueStore<String, String> = ctx.state_store("s")?;
        Ok(s.put(&r.key, &r.value)?)
    }
}

fn put_topology(
    reuse: Option<(&str, &str)>,
) -> Result<streams_core::topology::Topology, TopologyError> {
    let mut b = TopologyBuilder::new();
    b.add_source("src", ss(), "t")
        .add_processor("put", || Put, &["src"])
        .add_state_store(
            Stores::key_value_store_builder(
                Stores::in_memory_key_value_store("s"),
                Serdes::string(),
                Serdes::string(),
            ),
            &["put"],
        );
    if let Some((store, topic)) = reuse {
        b.reuse_source_topic_as_changelog(store, topic);
    }
    b.build()
}

#[test]
fn a_store_reusing_its_source_topic_logs_nothing_and_names_that_topic_as_its_changelog() {
    let own = put_topology(None).unwrap();
    assert_eq!(
        own.changelog_topic("s", "app").as_deref(),
        Some("app-s-changelog")
    );
    assert_eq!(own.changelog_topic("nope", "app"), None);
    let reused = put_topology(Some(("s", "t"))).unwrap();
    assert_eq!(reused.changelog_topic("s", "app").as_deref(), Some("t"));

    for (topology, logged) in [(own, true), (reused, false)] {
        let d = TopologyTestDriver::new(topology, StreamsConfig::new("app")).unwrap();
        let mut input = d.create_input_topic("t", Serdes::string(), Serdes::string());
        input.pipe_input("k".into(), "v".into()).unwrap();
        assert_eq!(
            d.producer_topics().contains(&"app-s-changelog".to_owned()),
            logged
        );
        let s: KeyValueStore<String, String> = d.state_store("s").unwrap();
        assert_eq!(s.get(&"k".to_owned()).unwrap().as_deref(), Some("v"));
    }

    assert_eq!(
        put_topology(Some(("ghost", "t"))).map(|_| ()).unwrap_err(),
        TopologyError::UnknownStore {
            processor: "(changelog source topic t)".into(),
            store: "ghost".into(),
        }
    );
}
