//! Every DSL operator against Java Kafka Streams: each test builds a topology with streams-dsl,
//! runs a scenario's inputs through streams-core's `TopologyTestDriver`, and asserts the output
//! topics and the describe() shape equal what Java's DSL and `TopologyTestDriver` give for the
//! same topology and inputs (computed live by `tests/java/DslExpectations.java`). Every
//! changelog and repartition topic (and the foreign-key join topics where named) must also
//! carry Java's records byte for byte: keys, values and timestamps.

mod support;

use std::sync::Arc;
use std::time::Duration;

use streams_core::StreamsError;
use streams_core::processor::{
    FixedKeyProcessor, FixedKeyProcessorContext, FixedKeyRecord, Processor, ProcessorContext,
    Record,
};
use streams_core::serde::ValueAndTimestamp;
use streams_core::serde::{IntegerSerde, LongSerde, Nullable, Serdes};
use streams_core::state::Windowed;
use streams_core::state::{SessionStore, WindowStore};
use streams_core::test_driver::TopologyTestDriver;
use streams_dsl::serdes::{SessionWindowedSerde, TimeWindowedSerde};
use streams_dsl::{
    Branched, BufferConfig, Consumed, EmitStrategy, Grouped, JoinWindows, Materialized, Produced,
    Repartitioned, SessionWindows, SlidingWindows, StreamJoined, StreamsBuilder, Suppressed,
    TimeWindows,
};
use support::{check, check_with_probe, check_with_raw, out, out_str};

fn nullable_long() -> streams_core::serde::SharedSerde<Option<i64>> {
    Arc::new(Nullable(LongSerde))
}

#[test]
fn stateless() {
    let b = StreamsBuilder::new();
    let s = b.stream::<String, String>("in");
    s.filter(|_, v| !v.starts_with('x'))
        .map_values(|v| v.to_uppercase())
        .to("out-upper");
    s.filter_not(|_, v| v.len() > 3)
        .map(|k, v| (v, k))
        .to("out-swapped");
    s.flat_map_values(|v| v.split(' ').map(str::to_owned).collect::<Vec<_>>())
        .select_key(|_, v| v.clone())
        .peek(|_, _| {})
        .to("out-words");
    s.flat_map(|k, v| vec![(format!("{k}1"), v.clone()), (format!("{k}2"), v)])
        .to("out-flat");
    s.foreach(|_, _| {});
    check(
        "stateless",
        b.build().unwrap(),
        vec![
            out_str("out-upper"),
            out_str("out-swapped"),
            out_str("out-words"),
            out_str("out-flat"),
        ],
    );
}

#[test]
fn split_merge() {
    let b = StreamsBuilder::new();
    let named = b
        .stream::<String, String>("in")
        .split_named("br-")
        .branch(|_, v| v.starts_with('a'), Branched::as_("a"))
        .branch(|_, v| v.starts_with('b'), Branched::as_("b"))
        .default_branch(Branched::as_("other"));
    named["br-a"].merge(&named["br-b"]).to("out-ab");
    named["br-other"].to("out-other");
    let auto = b
        .stream::<String, String>("in2")
        .split()
        .branch(|_, v| v.len() < 3, Branched::new())
        .default_branch(Branched::new());
    for (name, s) in &auto {
        s.to(if name.ends_with('1') {
            "out-short"
        } else {
            "out-long"
        });
    }
    check(
        "split_merge",
        b.build().unwrap(),
        vec![
            out_str("out-ab"),
            out_str("out-other"),
            out_str("out-short"),
            out_str("out-long"),
        ],
    );
}

#[test]
fn to_extractor() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in").to_extractor(
        |k: &String, _: &String, _: Option<&streams_core::processor::RecordMetadata>| {
            format!("out-{}", &k[..1])
        },
        Produced::new(),
    );
    check(
        "to_extractor",
        b.build().unwrap(),
        vec![out_str("out-a"), out_str("out-b")],
    );
}

struct Length;

impl Processor<String, String, String, i32> for Length {
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, i32>,
        r: Record<String, String>,
    ) -> Result<(), StreamsError> {
        let n = r.value.len() as i32;
        ctx.forward(r.with_value(n))
    }
}

#[test]
fn process() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .process(|| Length, &[])
        .to_with(
            "out",
            Produced::with(Serdes::string(), Arc::new(IntegerSerde)),
        );
    check(
        "process",
        b.build().unwrap(),
        vec![out("out", Serdes::string(), Serdes::integer())],
    );
}

#[test]
fn repartition() {
    let b = StreamsBuilder::new();
    let s = b.stream::<String, String>("in");
    s.select_key(|_, v| v.clone()).repartition().to("out");
    s.repartition_with(Repartitioned::as_("named"))
        .to("out-named");
    let topology = b.build().unwrap();
    assert!(topology.internal_topics().contains("named-repartition"));
    check(
        "repartition",
        topology,
        vec![out_str("out"), out_str("out-named")],
    );
}

#[test]
fn to_table() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .to_table_with(Materialized::as_("tt"))
        .to_stream()
        .to("out");
    check("to_table", b.build().unwrap(), vec![out_str("out")]);
}

#[test]
fn wordcount() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("text")
        .flat_map_values(|v| {
            v.to_lowercase()
                .split(' ')
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .group_by(|_, w| w.clone())
        .count()
        .to_stream()
        .to("counts");
    check(
        "wordcount",
        b.build().unwrap(),
        vec![out("counts", Serdes::string(), nullable_long())],
    );
}

#[test]
fn reduce() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .reduce(|a, c| format!("{a}+{c}"))
        .to_stream()
        .to("out");
    check_with_raw(
        "reduce",
        b.build().unwrap(),
        vec![out_str("out")],
        &["-changelog"],
    );
}

#[test]
fn aggregate_named() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_with(|_, v| v.clone(), Grouped::as_("byval"))
        .aggregate_with(
            || 0i64,
            |k, _, agg| agg + k.len() as i64,
            Materialized::as_("agg-store"),
        )
        .to_stream()
        .to("out");
    check(
        "aggregate_named",
        b.build().unwrap(),
        vec![out("out", Serdes::string(), nullable_long())],
    );
}

#[test]
fn table_ops() {
    let b = StreamsBuilder::new();
    let t = b.table::<String, String>("tin");
    t.filter(|_, v| v != "drop")
        .map_values(|_, v| format!("{v}!"))
        .to_stream()
        .to("out");
    b.table_with::<String, String>(
        "tin2",
        streams_dsl::Consumed::new(),
        Materialized::as_("tstore"),
    )
    .to_stream()
    .to("out2");
    check_with_raw(
        "table_ops",
        b.build().unwrap(),
        vec![out_str("out"), out_str("out2")],
        &["-changelog"],
    );
}

fn windowed_key(size: i64) -> streams_core::serde::SharedSerde<Windowed<String>> {
    Arc::new(TimeWindowedSerde::new(Serdes::string(), size))
}

#[test]
fn tumbling_count() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by(TimeWindows::of_size_and_grace(
            Duration::from_millis(10),
            Duration::from_millis(5),
        ))
        .count()
        .to_stream()
        .to("out");
    check(
        "tumbling_count",
        b.build().unwrap(),
        vec![out("out", windowed_key(10), nullable_long())],
    );
}

#[test]
fn hopping_aggregate() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by(
            TimeWindows::of_size_with_no_grace(Duration::from_millis(10))
                .advance_by(Duration::from_millis(5)),
        )
        .aggregate_with(
            String::new,
            |_, v, agg| agg + v,
            Materialized::as_("hop-store"),
        )
        .to_stream()
        .to("out");
    check_with_raw(
        "hopping_aggregate",
        b.build().unwrap(),
        vec![out("out", windowed_key(10), Serdes::nullable_string())],
        &["-changelog"],
    );
}

#[test]
fn session_count() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by_session(SessionWindows::of_inactivity_gap_with_no_grace(
            Duration::from_millis(10),
        ))
        .count()
        .to_stream()
        .to("out");
    check_with_raw(
        "session_count",
        b.build().unwrap(),
        vec![out(
            "out",
            Arc::new(SessionWindowedSerde::new(Serdes::string())),
            nullable_long(),
        )],
        &["-changelog"],
    );
}

#[test]
fn suppress_regroup() {
    let b = StreamsBuilder::new();
    b.table::<String, String>("tin")
        .suppress_until_time_limit(Duration::from_millis(5), BufferConfig::unbounded())
        .group_by(|k, v| (v.clone(), k.clone()))
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out");
    check(
        "suppress_regroup",
        b.build().unwrap(),
        vec![out("out", Serdes::string(), nullable_long())],
    );
}

#[test]
fn suppress_max_bytes() {
    let b = StreamsBuilder::new();
    b.table::<String, String>("tin")
        .suppress_until_time_limit(Duration::from_millis(100), BufferConfig::max_bytes(106))
        .to_stream()
        .to("out");
    check(
        "suppress_max_bytes",
        b.build().unwrap(),
        vec![out_str("out")],
    );
}

#[test]
fn reuse_source_topics() {
    let b = StreamsBuilder::new();
    let t = b.table::<String, String>("tin");
    let s = b.stream::<String, String>("in");
    s.join_table(&t, |l, r| format!("{l}+{r}")).to("out");
    b.table_with::<String, String>("tin2", Consumed::new(), Materialized::as_("named"))
        .to_stream()
        .to("out2");
    s.group_by_key()
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out3");
    let config = streams_core::StreamsConfig::from_properties([
        ("application.id", "dsl-test"),
        ("topology.optimization", "reuse.ktable.source.topics"),
    ])
    .unwrap();
    check(
        "reuse_source_topics",
        b.build_with(&config).unwrap(),
        vec![
            out_str("out"),
            out_str("out2"),
            out("out3", Serdes::string(), nullable_long()),
        ],
    );
}

/// Prefixes each value with the record's metadata as the processor sees it.
struct Meta;

impl Processor<String, Option<String>, String, String> for Meta {
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, String>,
        r: Record<String, Option<String>>,
    ) -> Result<(), StreamsError> {
        let meta = ctx.record_metadata().map_or_else(
            || "none".to_owned(),
            |m| format!("{}@{}@{}", m.topic, m.partition, m.offset),
        );
        let value = format!("{meta}:{}", or_null(r.value.as_ref()));
        ctx.forward(r.with_value(value))
    }
}

#[test]
fn suppress_metadata() {
    let b = StreamsBuilder::new();
    b.table::<String, String>("tin")
        .suppress_until_time_limit(Duration::from_millis(5), BufferConfig::unbounded())
        .to_stream()
        .process(|| Meta, &[])
        .to("out");
    check(
        "suppress_metadata",
        b.build().unwrap(),
        vec![out_str("out")],
    );
}

#[test]
fn headers() {
    let b = StreamsBuilder::new();
    let s = b.stream::<String, String>("in");
    let t = b.table::<String, String>("tin");
    s.map_values(|v| format!("{v}!")).to("out-map");
    s.group_by_key()
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out-count");
    s.group_by_key()
        .count_with(
            Materialized::as_("nc")
                .with_key_serde(Serdes::string())
                .with_value_serde(Serdes::long())
                .with_caching_disabled(),
        )
        .to_stream()
        .to("out-count-nc");
    s.group_by_key()
        .windowed_by(TimeWindows::of_size_and_grace(
            Duration::from_millis(10),
            Duration::from_millis(5),
        ))
        .count()
        .to_stream()
        .to("out-win");
    t.to_stream().to("out-table");
    s.join_table(&t, |l, r| format!("{l}+{r}")).to("out-join");
    t.group_by(|k, v| (v.clone(), k.clone()))
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out-tgroup");
    s.join(
        &b.stream::<String, String>("in2"),
        |l, r| format!("{l}*{r}"),
        JoinWindows::of_time_difference_with_no_grace(Duration::from_millis(5)),
    )
    .to("out-ssjoin");
    check(
        "headers",
        b.build().unwrap(),
        vec![
            out_str("out-map"),
            out("out-count", Serdes::string(), nullable_long()),
            out("out-count-nc", Serdes::string(), nullable_long()),
            out("out-win", windowed_key(10), nullable_long()),
            out_str("out-table"),
            out_str("out-join"),
            out("out-tgroup", Serdes::string(), nullable_long()),
            out_str("out-ssjoin"),
        ],
    );
}

#[test]
fn suppress_final() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by(TimeWindows::of_size_with_no_grace(Duration::from_millis(
            10,
        )))
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .suppress(Suppressed::until_window_closes())
        .to_stream()
        .to("out");
    check(
        "suppress_final",
        b.build().unwrap(),
        vec![out("out", windowed_key(10), nullable_long())],
    );
}

#[test]
fn suppress_named() {
    let b = StreamsBuilder::new();
    let s = b.stream::<String, String>("in");
    s.group_by_key()
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .named("hold")
        .suppress_until_time_limit(Duration::from_millis(10), BufferConfig::max_records(10))
        .to_stream()
        .to("out");
    s.group_by_key()
        .windowed_by(TimeWindows::of_size_with_no_grace(Duration::from_millis(
            10,
        )))
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .named("final")
        .suppress(Suppressed::until_window_closes())
        .to_stream()
        .to("out2");
    check_with_raw(
        "suppress_named",
        b.build().unwrap(),
        vec![
            out("out", Serdes::string(), nullable_long()),
            out("out2", windowed_key(10), nullable_long()),
        ],
        &["-changelog"],
    );
}

#[test]
fn named_aggregate() {
    let b = StreamsBuilder::new();
    let g = b.stream::<String, String>("in").group_by_key();
    g.named("counter").count().to_stream().to("out");
    g.named("concat")
        .reduce_with(
            |a, c| format!("{a}{c}"),
            Materialized::with(Serdes::string(), Serdes::string()),
        )
        .to_stream()
        .to("out2");
    check_with_raw(
        "named_aggregate",
        b.build().unwrap(),
        vec![
            out("out", Serdes::string(), nullable_long()),
            out_str("out2"),
        ],
        &["-changelog"],
    );
}

#[test]
fn null_keys() {
    // Java's String serdes pass nulls; here the types say so: `Option` keys and values.
    let b = StreamsBuilder::new();
    let s = b.stream::<Option<String>, Option<String>>("in");
    s.group_by_key().count().to_stream().to("out-count");
    s.group_by_key()
        .reduce(|a, c| {
            let (a, c) = (
                a.as_deref().unwrap_or("null"),
                c.as_deref().unwrap_or("null"),
            );
            Some(format!("{a}+{c}"))
        })
        .to_stream()
        .to("out-reduce");
    s.select_key(|_, v| v.clone().filter(|v| !v.starts_with('n')))
        .group_by_key()
        .count()
        .to_stream()
        .to("out-rekey");
    s.to("out-through");
    let show = |v: &Option<String>, t: Option<&String>| {
        let (v, t) = (
            v.as_deref().unwrap_or("null"),
            t.map_or("null", String::as_str),
        );
        Some(format!("{v}@{t}"))
    };
    let t = b.table::<Option<String>, String>("tin");
    s.join_table(&t, move |v, tv| show(v, Some(tv)))
        .to("out-join");
    s.left_join_table(&t, show).to("out-left");
    let g = b.global_table::<Option<String>, String>("gin");
    s.join_global(&g, |k, _| k.clone(), move |v, gv| show(v, Some(gv)))
        .to("out-gjoin");
    s.left_join_global(&g, |k, _| k.clone(), show)
        .to("out-gleft");
    let r = b.stream::<Option<String>, Option<String>>("in2");
    let w = JoinWindows::of_time_difference_with_no_grace(Duration::from_millis(5));
    let slash = |a: Option<&Option<String>>, c: Option<&Option<String>>| {
        let text = |x: Option<&Option<String>>| x.and_then(|x| x.clone()).unwrap_or("null".into());
        Some(format!("{}/{}", text(a), text(c)))
    };
    s.join(&r, move |a, c| slash(Some(a), Some(c)), w)
        .to("out-ss");
    s.left_join(&r, move |a, c| slash(Some(a), c), w)
        .to("out-ssleft");
    s.outer_join(&r, slash, w).to("out-ssouter");
    let g2 = s.group_by_key();
    g2.windowed_by(TimeWindows::of_size_with_no_grace(Duration::from_millis(
        10,
    )))
    .count()
    .to_stream()
    .to("out-win");
    g2.windowed_by_session(SessionWindows::of_inactivity_gap_with_no_grace(
        Duration::from_millis(3),
    ))
    .count()
    .to_stream()
    .to("out-sess");
    g2.windowed_by_sliding(SlidingWindows::of_time_difference_with_no_grace(
        Duration::from_millis(4),
    ))
    .count()
    .to_stream()
    .to("out-slide");
    let time_windowed = |size| -> streams_core::serde::SharedSerde<Windowed<Option<String>>> {
        Arc::new(TimeWindowedSerde::new(Serdes::nullable_string(), size))
    };
    let session_windowed: streams_core::serde::SharedSerde<Windowed<Option<String>>> =
        Arc::new(SessionWindowedSerde::new(Serdes::nullable_string()));
    let nullable = Serdes::nullable_string;
    check(
        "null_keys",
        b.build().unwrap(),
        vec![
            out("out-count", nullable(), nullable_long()),
            out("out-reduce", nullable(), nullable()),
            out("out-rekey", nullable(), nullable_long()),
            out("out-through", nullable(), nullable()),
            out("out-join", nullable(), nullable()),
            out("out-left", nullable(), nullable()),
            out("out-gjoin", nullable(), nullable()),
            out("out-gleft", nullable(), nullable()),
            out("out-ss", nullable(), nullable()),
            out("out-ssleft", nullable(), nullable()),
            out("out-ssouter", nullable(), nullable()),
            out("out-win", time_windowed(10), nullable_long()),
            out("out-sess", session_windowed, nullable_long()),
            out("out-slide", time_windowed(4), nullable_long()),
        ],
    );
}

#[test]
fn count_materialized_with() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out");
    check(
        "count_materialized_with",
        b.build().unwrap(),
        vec![out("out", Serdes::string(), nullable_long())],
    );
}

#[test]
fn stream_table_join() {
    let b = StreamsBuilder::new();
    let s = b.stream::<String, String>("clicks");
    let t = b.table::<String, String>("regions");
    s.join_table(&t, |v, r| format!("{v}@{r}")).to("out-inner");
    s.left_join_table(&t, |v, r| {
        format!("{v}@{}", r.map_or("null", String::as_str))
    })
    .to("out-left");
    check(
        "stream_table_join",
        b.build().unwrap(),
        vec![out_str("out-inner"), out_str("out-left")],
    );
}

fn or_null(v: Option<&String>) -> &str {
    v.map_or("null", String::as_str)
}

#[test]
fn table_table_join() {
    let b = StreamsBuilder::new();
    let l = b.table::<String, String>("left");
    let r = b.table::<String, String>("right");
    l.join(&r, |a, c| format!("{a}/{c}")).to_stream().to_with(
        "out-inner",
        Produced::with(Serdes::string(), Serdes::nullable_string()),
    );
    l.left_join(&r, |a, c| format!("{a}/{}", or_null(c)))
        .to_stream()
        .to_with(
            "out-left",
            Produced::with(Serdes::string(), Serdes::nullable_string()),
        );
    l.outer_join(&r, |a, c| format!("{}/{}", or_null(a), or_null(c)))
        .to_stream()
        .to_with(
            "out-outer",
            Produced::with(Serdes::string(), Serdes::nullable_string()),
        );
    check(
        "table_table_join",
        b.build().unwrap(),
        vec![
            out_str("out-inner"),
            out_str("out-left"),
            out_str("out-outer"),
        ],
    );
}

#[test]
fn stream_stream_join() {
    let b = StreamsBuilder::new();
    let l = b.stream::<String, String>("left");
    let r = b.stream::<String, String>("right");
    l.join(
        &r,
        |a, c| format!("{a}/{c}"),
        JoinWindows::of_time_difference_with_no_grace(Duration::from_millis(10)),
    )
    .to("out-inner");
    check_with_raw(
        "stream_stream_join",
        b.build().unwrap(),
        vec![out_str("out-inner")],
        &["-changelog"],
    );
}

#[test]
fn stream_joined_named() {
    let b = StreamsBuilder::new();
    let l = b.stream::<String, String>("left");
    let r = b.stream::<String, String>("right");
    let w = JoinWindows::of_time_difference_and_grace(Duration::from_millis(10), Duration::ZERO);
    let s = Serdes::string;
    l.join_with(
        &r,
        |a, c| format!("{a}/{c}"),
        w,
        StreamJoined::with(s(), s(), s())
            .with_name("j")
            .with_store_name("s"),
    )
    .to("out-inner");
    l.left_join_with(
        &r,
        |a, c| format!("{a}/{}", or_null(c)),
        w,
        StreamJoined::as_("s2"),
    )
    .to("out-left");
    l.outer_join_with(
        &r,
        |a, c| format!("{}/{}", or_null(a), or_null(c)),
        w,
        StreamJoined::with(s(), s(), s()).with_name("o"),
    )
    .to("out-outer");
    l.select_key(|_, v| v.clone())
        .join_with(
            &r,
            |a, c| format!("{a}/{c}"),
            w,
            StreamJoined::as_("s3").with_name("rj"),
        )
        .to("out-rekey");
    check_with_raw(
        "stream_joined_named",
        b.build().unwrap(),
        vec![
            out_str("out-inner"),
            out_str("out-left"),
            out_str("out-outer"),
            out_str("out-rekey"),
        ],
        &["-changelog", "-repartition"],
    );
}

#[test]
fn stream_joined_in_memory() {
    let b = StreamsBuilder::new();
    let l = b.stream::<String, String>("left");
    let r = b.stream::<String, String>("right");
    let w = JoinWindows::of_time_difference_and_grace(Duration::from_millis(10), Duration::ZERO);
    l.outer_join_with(
        &r,
        |a, c| format!("{}/{}", or_null(a), or_null(c)),
        w,
        StreamJoined::as_("m").in_memory().with_logging_disabled(),
    )
    .to("out-outer");
    check_with_raw(
        "stream_joined_in_memory",
        b.build().unwrap(),
        vec![out_str("out-outer")],
        &["-changelog"],
    );
}

#[test]
fn global_join() {
    let b = StreamsBuilder::new();
    let g = b.global_table::<String, String>("users");
    b.stream::<String, String>("orders")
        .join_global(
            &g,
            |_, v| v.split(':').next().unwrap_or_default().to_owned(),
            |v, u| format!("{v}@{u}"),
        )
        .to("out");
    check("global_join", b.build().unwrap(), vec![out_str("out")]);
}

#[test]
fn table_group_by() {
    let b = StreamsBuilder::new();
    let t = b.table::<String, String>("tin");
    t.group_by(|k, v| (v.clone(), k.clone()))
        .count()
        .to_stream()
        .to("out-count");
    t.group_by_with(|k, v| (v[..1].to_owned(), k.clone()), Grouped::as_("first"))
        .aggregate_with(
            String::new,
            |_, v, agg| format!("{agg}+{v}"),
            |_, v, agg| format!("{agg}-{v}"),
            Materialized::as_("agg-store"),
        )
        .to_stream()
        .to("out-agg");
    t.group_by(|_, v| ("all".to_owned(), v.clone()))
        .reduce(|a, c| a + &c, |a, c| a.replace(&c, ""))
        .to_stream()
        .to("out-reduce");
    check_with_raw(
        "table_group_by",
        b.build().unwrap(),
        vec![
            out("out-count", Serdes::string(), nullable_long()),
            out_str("out-agg"),
            out_str("out-reduce"),
        ],
        &["-changelog"],
    );
}

#[test]
fn cogroup() {
    let b = StreamsBuilder::new();
    let g1 = b.stream::<String, String>("in1").group_by_key();
    let g2 = b.stream::<String, String>("in2").group_by_key();
    g1.cogroup(|_, v, agg: String| format!("{agg}1{v}"))
        .cogroup(&g2, |_, v, agg| format!("{agg}2{v}"))
        .aggregate(String::new)
        .to_stream()
        .to("out");
    check("cogroup", b.build().unwrap(), vec![out_str("out")]);
}

#[test]
fn emit_final() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by(TimeWindows::of_size_with_no_grace(Duration::from_millis(
            10,
        )))
        .emit_strategy(EmitStrategy::OnWindowClose)
        .count()
        .to_stream()
        .to("out");
    check(
        "emit_final",
        b.build().unwrap(),
        vec![out("out", windowed_key(10), nullable_long())],
    );
}

#[test]
fn stream_stream_outer() {
    let b = StreamsBuilder::new();
    let l = b.stream::<String, String>("left");
    let r = b.stream::<String, String>("right");
    let w = JoinWindows::of_time_difference_with_no_grace(Duration::from_millis(10));
    l.left_join(&r, |a, c| format!("{a}/{}", or_null(c)), w)
        .to("out-left");
    l.outer_join(&r, |a, c| format!("{}/{}", or_null(a), or_null(c)), w)
        .to("out-outer");
    check_with_raw(
        "stream_stream_outer",
        b.build().unwrap(),
        vec![out_str("out-left"), out_str("out-outer")],
        &["-changelog"],
    );
}

#[test]
fn sliding_count() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by_sliding(SlidingWindows::of_time_difference_and_grace(
            Duration::from_millis(10),
            Duration::from_millis(5),
        ))
        .count()
        .to_stream()
        .to("out");
    check(
        "sliding_count",
        b.build().unwrap(),
        vec![out("out", windowed_key(10), nullable_long())],
    );
}

#[test]
fn sliding_aggregate() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by_sliding(SlidingWindows::of_time_difference_and_grace(
            Duration::from_millis(10),
            Duration::from_millis(20),
        ))
        .aggregate_with(
            String::new,
            |_, v, agg| agg + v,
            Materialized::as_("slide-store"),
        )
        .to_stream()
        .to("out");
    check_with_raw(
        "sliding_aggregate",
        b.build().unwrap(),
        vec![out("out", windowed_key(10), Serdes::nullable_string())],
        &["-changelog"],
    );
}

#[test]
fn rekey_join() {
    let b = StreamsBuilder::new();
    let t = b.table::<String, String>("users");
    let s = b.stream::<String, String>("events");
    s.select_key(|_, v| v.split(':').next().unwrap_or_default().to_owned())
        .join_table(&t, |v, u| format!("{v}@{u}"))
        .to("out");
    s.map(|_, v| (v.split(':').next().unwrap_or_default().to_owned(), v))
        .named("named")
        .left_join_table(&t, |v, u| format!("{v}@{}", or_null(u)))
        .to("out2");
    check(
        "rekey_join",
        b.build().unwrap(),
        vec![out_str("out"), out_str("out2")],
    );
}

#[test]
fn cached_count() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .flat_map_values(|v| v.split(' ').map(str::to_owned).collect::<Vec<_>>())
        .group_by_key()
        .count()
        .to_stream()
        .to("out");
    check(
        "cached_count",
        b.build().unwrap(),
        vec![out("out", Serdes::string(), nullable_long())],
    );
}

#[test]
fn more_ops() {
    let b = StreamsBuilder::new();
    let s = b.stream::<String, String>("in");
    s.map_values_with_key(|k, v| format!("{k}={v}"))
        .to("out-mvk");
    b.table::<String, String>("tin")
        .filter_not(|_, v| v.starts_with('x'))
        .map_values(|k, v| format!("{k}:{v}"))
        .to_stream()
        .to("out-table");
    s.group_by_key()
        .windowed_by(TimeWindows::of_size_with_no_grace(Duration::from_millis(
            10,
        )))
        .reduce(|a, c| a + &c)
        .to_stream()
        .to("out-wreduce");
    s.group_by_key()
        .windowed_by_session(SessionWindows::of_inactivity_gap_with_no_grace(
            Duration::from_millis(10),
        ))
        .aggregate_with(
            String::new,
            |_, v, agg| agg + v,
            |_, a1, a2| format!("{a1}|{a2}"),
            Materialized::as_("sess-store"),
        )
        .to_stream()
        .to("out-session");
    let g = b.global_table::<String, String>("glob");
    s.left_join_global(&g, |_, v| v.clone(), |v, gv| format!("{v}@{}", or_null(gv)))
        .to("out-gleft");
    check_with_raw(
        "more_ops",
        b.build().unwrap(),
        vec![
            out_str("out-mvk"),
            out_str("out-table"),
            out("out-wreduce", windowed_key(10), Serdes::nullable_string()),
            out(
                "out-session",
                Arc::new(SessionWindowedSerde::new(Serdes::string())),
                Serdes::nullable_string(),
            ),
            out_str("out-gleft"),
        ],
        &["-changelog"],
    );
}

/// Sums value lengths per key in the store "seen".
struct SumLengths {
    seen: Option<streams_core::state::KeyValueStore<String, i64>>,
}

impl Processor<String, String, String, i64> for SumLengths {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, String, i64>) -> Result<(), StreamsError> {
        self.seen = Some(ctx.state_store("seen")?);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, i64>,
        r: Record<String, String>,
    ) -> Result<(), StreamsError> {
        let Some(seen) = &self.seen else {
            return Ok(());
        };
        let next = seen.get(&r.key)?.unwrap_or(0) + r.value.len() as i64;
        seen.put(&r.key, &next)?;
        ctx.forward(r.with_value(next))
    }
}

#[test]
fn process_store() {
    use streams_core::state::Stores;
    let b = StreamsBuilder::new();
    b.add_state_store(Stores::key_value_store_builder(
        Stores::in_memory_key_value_store("seen"),
        Serdes::string(),
        Serdes::long(),
    ));
    b.stream::<String, String>("in")
        .process(|| SumLengths { seen: None }, &["seen"])
        .to("out");
    check(
        "process_store",
        b.build().unwrap(),
        vec![out("out", Serdes::string(), Serdes::long())],
    );
}

/// Appends each key's running total of value lengths, kept in the store "seen2".
struct TagLengths {
    seen: Option<streams_core::state::KeyValueStore<String, i64>>,
}

impl FixedKeyProcessor<String, String, String> for TagLengths {
    fn init(
        &mut self,
        ctx: &mut FixedKeyProcessorContext<'_, String, String>,
    ) -> Result<(), StreamsError> {
        self.seen = Some(ctx.state_store("seen2")?);
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut FixedKeyProcessorContext<'_, String, String>,
        r: FixedKeyRecord<String, String>,
    ) -> Result<(), StreamsError> {
        let Some(seen) = &self.seen else {
            return Ok(());
        };
        let next = seen.get(r.key())?.unwrap_or(0) + r.value().len() as i64;
        seen.put(r.key(), &next)?;
        let v = format!("{}#{next}", r.value());
        ctx.forward(r.with_value(v))
    }
}

struct Upper;

impl FixedKeyProcessor<String, String, String> for Upper {
    fn process(
        &mut self,
        ctx: &mut FixedKeyProcessorContext<'_, String, String>,
        r: FixedKeyRecord<String, String>,
    ) -> Result<(), StreamsError> {
        let v = r.value().to_uppercase();
        ctx.forward(r.with_value(v))
    }
}

#[test]
fn process_values() {
    use streams_core::state::Stores;
    let b = StreamsBuilder::new();
    b.add_state_store(Stores::key_value_store_builder(
        Stores::in_memory_key_value_store("seen2"),
        Serdes::string(),
        Serdes::long(),
    ));
    let s = b.stream::<String, String>("in");
    s.process_values(|| TagLengths { seen: None }, &["seen2"])
        .group_by_key()
        .count()
        .to_stream()
        .to("out");
    s.select_key(|_, v| v.clone())
        .process_values(|| Upper, &[])
        .group_by_key()
        .count()
        .to_stream()
        .to("out-rekey");
    check_with_raw(
        "process_values",
        b.build().unwrap(),
        vec![
            out("out", Serdes::string(), nullable_long()),
            out("out-rekey", Serdes::string(), nullable_long()),
        ],
        &["-repartition"],
    );
}

#[test]
fn table_materialized_ops() {
    let b = StreamsBuilder::new();
    let t = b.table::<String, String>("tin");
    let f = t.filter_with(|_, v| !v.starts_with('x'), Materialized::as_("filtered"));
    f.to_stream().to("out-f");
    t.map_values_with(
        |_, v| v.len() as i32,
        Materialized::as_("lengths").with_value_serde(Arc::new(IntegerSerde)),
    )
    .to_stream()
    .to("out-m");
    t.filter_not_with(
        |_, v| v.starts_with('a'),
        Materialized::with(Serdes::string(), Serdes::string()),
    )
    .to_stream()
    .to("out-fn");
    let t2 = b.table::<String, String>("tin2");
    f.join(&t2, |a, c| format!("{a}/{c}"))
        .to_stream()
        .to("out-j");
    check_with_raw(
        "table_materialized_ops",
        b.build().unwrap(),
        vec![
            out_str("out-f"),
            out("out-m", Serdes::string(), Arc::new(Nullable(IntegerSerde))),
            out_str("out-fn"),
            out_str("out-j"),
        ],
        &["-changelog"],
    );
}

#[test]
fn table_join_materialized() {
    let b = StreamsBuilder::new();
    let l = b.table::<String, String>("tin");
    let r = b.table::<String, String>("tin2");
    l.join_with(&r, |a, c| format!("{a}/{c}"), Materialized::as_("joined"))
        .to_stream()
        .to("out-j");
    l.left_join_with(
        &r,
        |a, c| format!("{a}/{}", or_null(c)),
        Materialized::with(Serdes::string(), Serdes::string()),
    )
    .to_stream()
    .to("out-l");
    l.outer_join_with(
        &r,
        |a, c| format!("{}/{}", or_null(a), or_null(c)),
        Materialized::as_("outer"),
    )
    .to_stream()
    .to("out-o");
    check_with_raw(
        "table_join_materialized",
        b.build().unwrap(),
        vec![out_str("out-j"), out_str("out-l"), out_str("out-o")],
        &["-changelog"],
    );
}

/// Puts each record into the global store it was made for.
struct GlobalPut(
    &'static str,
    Option<streams_core::state::KeyValueStore<String, String>>,
);

impl Processor<String, String> for GlobalPut {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, (), ()>) -> Result<(), StreamsError> {
        self.1 = Some(ctx.state_store(self.0)?);
        Ok(())
    }
    fn process(
        &mut self,
        _: &mut ProcessorContext<'_, (), ()>,
        r: Record<String, String>,
    ) -> Result<(), StreamsError> {
        if let Some(s) = &self.1 {
            s.put(&r.key, &r.value)?;
        }
        Ok(())
    }
}

/// Appends each key's entries in the global stores "rates" and "rates2".
#[derive(Default)]
struct Lookup(Vec<streams_core::state::KeyValueStore<String, String>>);

impl Processor<String, String, String, String> for Lookup {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, String, String>) -> Result<(), StreamsError> {
        self.0 = vec![ctx.state_store("rates")?, ctx.state_store("rates2")?];
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, String>,
        r: Record<String, String>,
    ) -> Result<(), StreamsError> {
        let mut found = Vec::new();
        for s in &self.0 {
            found.push(s.get(&r.key)?.unwrap_or_else(|| "null".to_owned()));
        }
        let v = format!("{}@{}", r.value, found.join("/"));
        ctx.forward(r.with_value(v))
    }
}

#[test]
fn global_store() {
    use streams_core::state::Stores;
    let b = StreamsBuilder::new();
    let kv = |name: &str| {
        Stores::key_value_store_builder(
            Stores::in_memory_key_value_store(name),
            Serdes::string(),
            Serdes::string(),
        )
    };
    b.add_global_store(kv("rates"), "fx", Consumed::new(), || {
        GlobalPut("rates", None)
    });
    b.add_global_store(kv("rates2"), "fx2", Consumed::new().with_name("g2"), || {
        GlobalPut("rates2", None)
    });
    b.stream::<String, String>("in")
        .process(Lookup::default, &[])
        .to("out");
    check("global_store", b.build().unwrap(), vec![out_str("out")]);
}

#[test]
fn named_indices() {
    let b = StreamsBuilder::new();
    b.stream_with::<String, String>(&["in"], Consumed::new().with_name("src"))
        .named("f")
        .filter(|_, v| !v.is_empty())
        .map_values(|v| format!("{v}!"))
        .to("out");
    check("named_indices", b.build().unwrap(), vec![out_str("out")]);
}

#[test]
fn named_ops() {
    let b = StreamsBuilder::new();
    let users = b.table_with::<String, String>(
        "users",
        Consumed::new().with_name("users-src"),
        Materialized::new(),
    );
    let s = b.stream_with::<String, String>(&["in"], Consumed::new().with_name("in-src"));
    let keyed = s
        .named("rekey")
        .select_key(|_, v| v.split(':').next().unwrap_or_default().to_owned());
    keyed
        .group_by_key_with(Grouped::as_("by-user"))
        .count()
        .named("counts-out")
        .to_stream()
        .to_with(
            "out-count",
            Produced::with(Serdes::string(), nullable_long()).with_name("count-sink"),
        );
    keyed
        .named("upper")
        .map_values(|v| v.to_uppercase())
        .named("enrich")
        .join_table(&users, |v, u| format!("{v}@{u}"))
        .named("nonempty")
        .filter(|_, v| !v.is_empty())
        .to_with("out-join", Produced::new().with_name("join-sink"));
    users
        .named("live-users")
        .filter(|_, v| !v.starts_with('x'))
        .to_stream()
        .to("out-users");
    check_with_raw(
        "named_ops",
        b.build().unwrap(),
        vec![
            out("out-count", Serdes::string(), nullable_long()),
            out_str("out-join"),
            out_str("out-users"),
        ],
        &["-repartition", "-changelog"],
    );
}

/// Orders joined with their customers by the customer id in the order's value, inner and left;
/// the inner join named `name` when given.
fn fk_program(name: Option<&str>) -> streams_core::topology::Topology {
    let b = StreamsBuilder::new();
    let orders = b.table::<String, String>("orders");
    let customers = b.table::<String, String>("customers");
    let inner = match name {
        Some(n) => orders.named(n),
        None => orders.clone(),
    };
    inner
        .join_foreign_key(
            &customers,
            |v| v.split(':').next().unwrap_or_default().to_owned(),
            |o, c| format!("{o}@{c}"),
        )
        .to_stream()
        .to("out");
    orders
        .left_join_foreign_key(
            &customers,
            |v| v.split(':').next().unwrap_or_default().to_owned(),
            |o, c| format!("{o}@{}", or_null(c)),
        )
        .to_stream()
        .to("out-left");
    b.build().unwrap()
}

#[test]
fn fk_join_named() {
    check_with_raw(
        "fk_join_named",
        fk_program(Some("by-customer")),
        vec![out_str("out"), out_str("out-left")],
        &["by-customer", "FK-JOIN"],
    );
}

#[test]
fn fk_join() {
    // The registration and response topics and the subscription stores' changelogs carry
    // Java's bytes, so a Rust instance can share them with Java instances of the same app.
    check_with_raw(
        "fk_join",
        fk_program(None),
        vec![out_str("out"), out_str("out-left")],
        &["FK-JOIN"],
    );
}

#[test]
fn to_table_join_pattern() {
    let b = StreamsBuilder::new();
    let t = b.stream::<String, String>("tin").to_table();
    b.stream_pattern::<String, String>(
        streams_core::topology::TopicPattern::new("ev-.*").unwrap(),
        streams_dsl::Consumed::new(),
    )
    .join_table(&t, |v, tv| format!("{v}@{tv}"))
    .to("out");
    check(
        "to_table_join_pattern",
        b.build().unwrap(),
        vec![out_str("out")],
    );
}

#[test]
fn cogroup_rekey() {
    let b = StreamsBuilder::new();
    let g1 = b
        .stream::<String, String>("in1")
        .select_key(|_, v| v.clone())
        .group_by_key();
    let g2 = b.stream::<String, String>("in2").group_by_key();
    let g3 = b
        .stream::<String, String>("in3")
        .group_by_with(|_, v| v.clone(), Grouped::as_("third"));
    g1.cogroup(|_, v, agg: String| format!("{agg}1{v}"))
        .cogroup(&g2, |_, v, agg| format!("{agg}2{v}"))
        .cogroup(&g3, |k, _, agg| format!("{agg}3{k}"))
        .aggregate(String::new)
        .to_stream()
        .to("out");
    check("cogroup_rekey", b.build().unwrap(), vec![out_str("out")]);
}

#[test]
fn cached_windowed() {
    let b = StreamsBuilder::new();
    let g = b
        .stream::<String, String>("in")
        .flat_map_values(|v| v.split(' ').map(str::to_owned).collect::<Vec<_>>())
        .group_by_key();
    g.windowed_by(
        TimeWindows::of_size_with_no_grace(Duration::from_millis(10))
            .advance_by(Duration::from_millis(5)),
    )
    .count()
    .to_stream()
    .to("out");
    g.windowed_by_sliding(SlidingWindows::of_time_difference_with_no_grace(
        Duration::from_millis(10),
    ))
    .count()
    .to_stream()
    .to("out-sliding");
    check(
        "cached_windowed",
        b.build().unwrap(),
        vec![
            out("out", windowed_key(10), nullable_long()),
            out("out-sliding", windowed_key(10), nullable_long()),
        ],
    );
}

#[test]
fn cached_session() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .flat_map_values(|v| v.split(' ').map(str::to_owned).collect::<Vec<_>>())
        .group_by_key()
        .windowed_by_session(SessionWindows::of_inactivity_gap_with_no_grace(
            Duration::from_millis(10),
        ))
        .count()
        .to_stream()
        .to("out");
    check(
        "cached_session",
        b.build().unwrap(),
        vec![out(
            "out",
            Arc::new(SessionWindowedSerde::new(Serdes::string())),
            nullable_long(),
        )],
    );
}

#[test]
fn grouped_twice() {
    let b = StreamsBuilder::new();
    let g = b
        .stream::<String, String>("in")
        .select_key(|_, v| v.clone())
        .group_by_key();
    g.count().to_stream().to("out-count");
    g.reduce(|a, c| format!("{a}+{c}"))
        .to_stream()
        .to("out-reduce");
    let n = b
        .stream::<String, String>("in2")
        .group_by_with(|_, v| v.clone(), Grouped::as_("byval"));
    n.count().to_stream().to("out-ncount");
    n.reduce(|a, c| format!("{a}+{c}"))
        .to_stream()
        .to("out-nreduce");
    check_with_raw(
        "grouped_twice",
        b.build().unwrap(),
        vec![
            out("out-count", Serdes::string(), Serdes::long()),
            out_str("out-reduce"),
            out("out-ncount", Serdes::string(), Serdes::long()),
            out_str("out-nreduce"),
        ],
        &["-repartition"],
    );
}

#[test]
fn rekey_two_joins() {
    let b = StreamsBuilder::new();
    let s = b
        .stream::<String, String>("in")
        .select_key(|_, v| v.clone());
    let t1 = b.table::<String, String>("t1");
    let t2 = b.table::<String, String>("t2");
    s.join_table(&t1, |v, t| format!("{v}@{t}")).to("out1");
    s.left_join_table(&t2, |v, t| format!("{v}@{}", or_null(t)))
        .to("out2");
    check_with_raw(
        "rekey_two_joins",
        b.build().unwrap(),
        vec![out_str("out1"), out_str("out2")],
        &["-repartition"],
    );
}

fn show_window(k: &Windowed<String>) -> String {
    format!("[{}@{}/{}]", k.key, k.window.start, k.window.end)
}

/// The Rust side of `DslExpectations.probeStores`.
fn probe_stores(d: &TopologyTestDriver) -> Vec<String> {
    let mut out = Vec::new();
    for name in ["win", "mem-win"] {
        let s: WindowStore<String, ValueAndTimestamp<i64>> =
            d.state_store(name).expect("window store");
        for (k, v) in s.all().unwrap() {
            out.push(format!("{name} all {}={}", show_window(&k), v.value));
        }
        for (k, v) in s.fetch_all(0, i64::MAX).unwrap() {
            out.push(format!("{name} fetchAll {}={}", show_window(&k), v.value));
        }
        for k in ["a", "b"] {
            let key = k.to_owned();
            for (start, v) in s.fetch_range(&key, 0, i64::MAX).unwrap() {
                out.push(format!("{name} fetch {k} {start}={}", v.value));
            }
            for t in (0..=60_100).step_by(10) {
                if let Some(v) = s.fetch(&key, t).unwrap() {
                    out.push(format!("{name} get {k}@{t}={}", v.value));
                }
            }
        }
    }
    for name in ["sess", "mem-sess"] {
        let s: SessionStore<String, i64> = d.state_store(name).expect("session store");
        for k in ["a", "b"] {
            let key = k.to_owned();
            for (w, v) in s.fetch(&key).unwrap() {
                out.push(format!("{name} fetch {k} {}={v}", show_window(&w)));
            }
            for (w, v) in s.find_sessions(&key, 0, i64::MAX).unwrap() {
                out.push(format!("{name} find {k} {}={v}", show_window(&w)));
            }
        }
    }
    out
}

/// The stores the store_* scenarios probe, with retention `retention`, uncached (Java's cache
/// keeps serving expired windows until it evicts them; ours does not copy that).
fn store_topology(retention: Duration) -> streams_core::topology::Topology {
    let b = StreamsBuilder::new();
    let g = b.stream::<String, String>("in").group_by_key();
    let w = TimeWindows::of_size_and_grace(Duration::from_millis(10), Duration::ZERO);
    let sw = SessionWindows::of_inactivity_gap_and_grace(Duration::from_millis(5), Duration::ZERO);
    g.windowed_by(w).count_with(
        Materialized::as_("win")
            .with_retention(retention)
            .with_caching_disabled(),
    );
    g.windowed_by(w).count_with(
        Materialized::as_("mem-win")
            .in_memory()
            .with_retention(retention)
            .with_caching_disabled(),
    );
    for (name, in_memory) in [("sess", false), ("mem-sess", true)] {
        let mut m = Materialized::as_(name)
            .with_retention(retention)
            .with_caching_disabled();
        if in_memory {
            m = m.in_memory();
        }
        g.windowed_by_session(sw)
            .aggregate_with(|| 0i64, |_, _, c| c + 1, |_, a, b| a + b, m);
    }
    b.build().unwrap()
}

#[test]
fn store_expiry() {
    check_with_probe(
        "store_expiry",
        store_topology(Duration::from_millis(30)),
        vec![],
        &probe_stores,
    );
}

#[test]
fn store_segments() {
    check_with_probe(
        "store_segments",
        store_topology(Duration::from_secs(120)),
        vec![],
        &probe_stores,
    );
}

#[test]
fn rekey_stream_join() {
    let b = StreamsBuilder::new();
    let l = b
        .stream::<String, String>("left")
        .select_key(|_, v| v.clone());
    let r = b.stream::<String, String>("right");
    let w = JoinWindows::of_time_difference_and_grace(Duration::from_millis(10), Duration::ZERO);
    l.join(&r, |a, c| format!("{a}/{c}"), w).to("out-inner");
    l.left_join(&r, |a, c| format!("{a}/{}", or_null(c)), w)
        .to("out-left");
    check_with_raw(
        "rekey_stream_join",
        b.build().unwrap(),
        vec![out_str("out-inner"), out_str("out-left")],
        &["-repartition"],
    );
}

#[test]
fn suppress_time_limit() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .suppress_until_time_limit(Duration::from_millis(10), BufferConfig::max_records(2))
        .to_stream()
        .to("out");
    b.table::<String, String>("tin")
        .suppress_until_time_limit(Duration::from_millis(5), BufferConfig::unbounded())
        .to_stream()
        .to("out-table");
    check(
        "suppress_time_limit",
        b.build().unwrap(),
        vec![
            out("out", Serdes::string(), nullable_long()),
            out_str("out-table"),
        ],
    );
}
