//! `topology.optimization` against Java Kafka Streams 4.4: each test builds with
//! [`StreamsBuilder::build_with`] the program the Java scenario builds with
//! `StreamsBuilder.build(props)`, and compares describe() shape (sub-topologies, node names,
//! repartition topics, stores), every output topic, and every changelog and repartition topic
//! byte for byte (`tests/java/DslExpectations.java`, scenarios `optimize_*`).

mod support;

use std::sync::Arc;
use std::time::Duration;

use streams_core::StreamsConfig;
use streams_core::serde::{LongSerde, Nullable, Serdes, SharedSerde};
use streams_dsl::{
    Branched, DslError, Grouped, JoinWindows, Materialized, Produced, StreamsBuilder, TimeWindows,
};
use support::{check, out, out_str};

fn nullable_long() -> SharedSerde<Option<i64>> {
    Arc::new(Nullable(LongSerde))
}

fn config(optimization: &str) -> StreamsConfig {
    StreamsConfig::from_properties([
        ("application.id", "dsl-test"),
        ("topology.optimization", optimization),
    ])
    .expect("valid config")
}

fn first_part(v: &str) -> String {
    v.split(':').next().unwrap_or_default().to_owned()
}

/// The program of the `optimize_*` scenarios (Java's `DslExpectations.optimizable`).
fn optimizable() -> StreamsBuilder {
    let b = StreamsBuilder::new();
    let k = b
        .stream::<String, String>("in")
        .select_key(|_, v| first_part(v));
    k.group_by_key()
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out-count");
    k.filter(|_, v| !v.ends_with('x'))
        .group_by_key()
        .reduce(|a, c| format!("{a}+{c}"))
        .to_stream()
        .to("out-reduce");
    let t = b.table::<String, String>("tin");
    k.join_table(&t, |v, tv| format!("{v}@{tv}")).to("out-join");
    k.map_values(|v| format!("{v}!"))
        .group_by_key()
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out-mv");
    let w = JoinWindows::of_time_difference_and_grace(Duration::from_millis(10), Duration::ZERO);
    let s2 = b.stream::<String, String>("in2");
    s2.join(&s2, |a, c| format!("{a}/{c}"), w).to("out-self");
    let s3 = b.stream::<String, String>("in3");
    s3.left_join(
        &s3,
        |a, c| format!("{a}/{}", c.map_or("null", String::as_str)),
        w,
    )
    .to("out-self-left");
    b
}

fn check_optimizable(scenario: &str, optimization: &str) {
    let topology = optimizable()
        .build_with(&config(optimization))
        .unwrap_or_else(|e| panic!("{scenario}: {e}"));
    check(
        scenario,
        topology,
        vec![
            out("out-count", Serdes::string(), nullable_long()),
            out_str("out-reduce"),
            out_str("out-join"),
            out("out-mv", Serdes::string(), nullable_long()),
            out_str("out-self"),
            out_str("out-self-left"),
        ],
    );
}

#[test]
fn optimize_none() {
    check_optimizable("optimize_none", "none");
}

#[test]
fn optimize_all() {
    check_optimizable("optimize_all", "all");
}

#[test]
fn optimize_merge() {
    check_optimizable("optimize_merge", "merge.repartition.topics");
}

#[test]
fn optimize_self_join() {
    check_optimizable("optimize_self_join", "single.store.self.join");
}

#[test]
fn optimize_merge_named() {
    let b = StreamsBuilder::new();
    let k = b
        .stream::<String, String>("in")
        .map(|_, v| (first_part(&v), v));
    let t = b.table::<String, String>("tin");
    k.named("j")
        .join_table(&t, |v, tv| format!("{v}@{tv}"))
        .to("out-join");
    let g = k.group_by_key_with(Grouped::as_("g"));
    g.count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out-count");
    g.reduce(|a, c| format!("{a}+{c}"))
        .to_stream()
        .to("out-reduce");
    k.repartition()
        .group_by_key()
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out-rcount");
    check(
        "optimize_merge_named",
        b.build_with(&config("merge.repartition.topics")).unwrap(),
        vec![
            out_str("out-join"),
            out("out-count", Serdes::string(), nullable_long()),
            out_str("out-reduce"),
            out("out-rcount", Serdes::string(), nullable_long()),
        ],
    );
}

#[test]
fn optimize_all_grouping() {
    let b = StreamsBuilder::new();
    let s = b.stream::<String, String>("in");
    let g = s.group_by(|_, v| first_part(v));
    g.count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out-count");
    g.windowed_by(TimeWindows::of_size_with_no_grace(Duration::from_millis(
        10,
    )))
    .count()
    .to_stream()
    .map(|w, c| (format!("{}@{}", w.key, w.window.start), c))
    .to_with("out-win", Produced::with(Serdes::string(), nullable_long()));
    let f = s.flat_map(|_, v| [(first_part(&v), v.clone()), ("all".to_owned(), v)]);
    f.peek(|_, _| {})
        .group_by_key()
        .reduce(|a, c| format!("{a}+{c}"))
        .to_stream()
        .to("out-reduce");
    f.join(
        &f,
        |a, c| format!("{a}/{c}"),
        JoinWindows::of_time_difference_and_grace(Duration::from_millis(10), Duration::ZERO),
    )
    .to("out-self");
    check(
        "optimize_all_grouping",
        b.build_with(&config("all")).unwrap(),
        vec![
            out("out-count", Serdes::string(), nullable_long()),
            out("out-win", Serdes::string(), nullable_long()),
            out_str("out-reduce"),
            out_str("out-self"),
        ],
    );
}

fn check_to_table(scenario: &str, optimization: &str) {
    let b = StreamsBuilder::new();
    let k = b
        .stream::<String, String>("in")
        .select_key(|_, v| first_part(v));
    k.to_table().to_stream().to("out-table");
    k.group_by_key()
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out-count");
    check(
        scenario,
        b.build_with(&config(optimization)).unwrap(),
        vec![
            out_str("out-table"),
            out("out-count", Serdes::string(), nullable_long()),
        ],
    );
}

#[test]
fn optimize_to_table_none() {
    check_to_table("optimize_to_table_none", "none");
}

#[test]
fn optimize_to_table() {
    check_to_table("optimize_to_table", "merge.repartition.topics");
}

#[test]
fn optimize_cogroup() {
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
    check(
        "optimize_cogroup",
        b.build_with(&config("all")).unwrap(),
        vec![out_str("out")],
    );
}

#[test]
fn optimize_merge_node() {
    let b = StreamsBuilder::new();
    let a = b
        .stream::<String, String>("in")
        .select_key(|_, v| first_part(v));
    let c = b
        .stream::<String, String>("in2")
        .select_key(|_, v| first_part(v));
    let m = a.merge(&c);
    m.group_by_key()
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out-count");
    m.group_by_key()
        .reduce(|x, y| format!("{x}+{y}"))
        .to_stream()
        .to("out-reduce");
    check(
        "optimize_merge_node",
        b.build_with(&config("all")).unwrap(),
        vec![
            out("out-count", Serdes::string(), nullable_long()),
            out_str("out-reduce"),
        ],
    );
}

#[test]
fn optimize_not_self_join() {
    let b = StreamsBuilder::new();
    let l = b.stream::<String, String>("left");
    let r = b.stream::<String, String>("right");
    let w = JoinWindows::of_time_difference_and_grace(Duration::from_millis(10), Duration::ZERO);
    l.join(&r, |a, c| format!("{a}/{c}"), w).to("out-two");
    l.join(
        &l.filter(|_, v| !v.ends_with('x')),
        |a, c| format!("{a}/{c}"),
        w,
    )
    .to("out-filtered");
    check(
        "optimize_not_self_join",
        b.build_with(&config("single.store.self.join")).unwrap(),
        vec![out_str("out-two"), out_str("out-filtered")],
    );
}

/// A program Java 4.4's merge.repartition.topics throws on ("Found a null keyChangingChild
/// node"): two key-changed streams merged and grouped twice, one of them also grouped on its
/// own. Java moves the merge node behind the first merged repartition, and then finds no way
/// from the second one up to the key change.
#[test]
fn a_program_javas_merge_throws_on_fails_the_build() {
    let b = StreamsBuilder::new();
    let a = b
        .stream::<String, String>("in")
        .select_key(|_, v| first_part(v));
    let c = b
        .stream::<String, String>("in2")
        .select_key(|_, v| first_part(v));
    let m = a.merge(&c);
    m.group_by_key().count().to_stream().to("out-count");
    m.group_by_key()
        .reduce(|x, y| format!("{x}+{y}"))
        .to_stream()
        .to("out-reduce");
    a.group_by_key().count().to_stream().to("out-acount");
    let err = b
        .build_with(&config("merge.repartition.topics"))
        .unwrap_err();
    assert!(
        matches!(&err, DslError::Optimization { reason } if reason.contains("KSTREAM-KEY-SELECT-0000000001")),
        "{err}"
    );
}

/// Another program Java 4.4 throws on the same way (checked with Java's `build(props)`): a
/// key-changed stream split into two branches, each grouped. Java moves the split behind the
/// first branch's merged repartition, and the second branch then finds no way up.
#[test]
fn split_branches_of_a_key_change_grouped_twice_fail_as_in_java() {
    let b = StreamsBuilder::new();
    let k = b
        .stream::<String, String>("in")
        .select_key(|_, v| v.clone());
    let branches = k
        .split_named("s-")
        .branch(|_, v| v.starts_with('a'), Branched::as_("a"))
        .default_branch(Branched::as_("d"));
    for (name, out) in [("s-a", "o1"), ("s-d", "o2")] {
        branches[name].group_by_key().count().to_stream().to(out);
    }
    let err = b.build_with(&config("all")).unwrap_err();
    assert!(
        matches!(&err, DslError::Optimization { reason } if reason.contains("KSTREAM-KEY-SELECT-0000000001")),
        "{err}"
    );
    // Without merge.repartition.topics the same program builds.
    let b = StreamsBuilder::new();
    let k = b
        .stream::<String, String>("in")
        .select_key(|_, v| v.clone());
    let branches = k
        .split_named("s-")
        .branch(|_, v| v.starts_with('a'), Branched::as_("a"))
        .default_branch(Branched::as_("d"));
    for (name, out) in [("s-a", "o1"), ("s-d", "o2")] {
        branches[name].group_by_key().count().to_stream().to(out);
    }
    assert!(b.build_with(&config("single.store.self.join")).is_ok());
}

#[test]
fn optimization_lists_and_unknown_values() {
    // A comma-separated list applies each named optimization; "all" is the same as all three.
    let listed = optimizable()
        .build_with(&config(
            "reuse.ktable.source.topics,merge.repartition.topics,single.store.self.join",
        ))
        .unwrap()
        .describe()
        .to_string();
    let all = optimizable()
        .build_with(&config("all"))
        .unwrap()
        .describe()
        .to_string();
    assert_eq!(support::shape(&listed), support::shape(&all));
    // StreamsConfig::from_properties rejects unknown values; one set directly fails the build.
    let mut unknown = config("none");
    unknown
        .runtime_properties
        .insert("topology.optimization".into(), "merge.everything".into());
    let err = optimizable().build_with(&unknown).unwrap_err();
    assert!(
        matches!(&err, DslError::UnsupportedOptimization { optimization } if optimization == "merge.everything"),
        "{err}"
    );
}
