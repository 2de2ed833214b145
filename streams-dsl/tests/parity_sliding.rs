//! Java-parity tests for sliding-window aggregations: reduce, count and aggregate with and
//! without `Materialized`, named processors, emit-final results and uncached stores. Java's
//! programs are in `tests/java/SlidingScenarios.java`, their inputs in
//! `tests/java/scenarios-sliding.txt`.

#[allow(dead_code)]
mod support;

use std::sync::Arc;
use std::time::Duration;

use streams_core::serde::{LongSerde, Nullable, Serdes, SharedSerde};
use streams_core::state::Windowed;
use streams_dsl::serdes::TimeWindowedSerde;
use streams_dsl::{EmitStrategy, Materialized, SlidingWindows, StreamsBuilder};
use support::{check, check_with_raw, out};

fn nullable_long() -> SharedSerde<Option<i64>> {
    Arc::new(Nullable(LongSerde))
}

fn windowed_key() -> SharedSerde<Windowed<String>> {
    Arc::new(TimeWindowedSerde::new(Serdes::string(), 10))
}

/// Records at most 10 ms apart, accepting records `grace` ms late.
fn windows(grace: u64) -> SlidingWindows {
    SlidingWindows::of_time_difference_and_grace(
        Duration::from_millis(10),
        Duration::from_millis(grace),
    )
}

fn concat(a: String, c: String) -> String {
    format!("{a}+{c}")
}

#[test]
fn sliding_reduce() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by_sliding(windows(20))
        .reduce(concat)
        .to_stream()
        .to("out");
    check(
        "sliding_reduce",
        b.build().unwrap(),
        vec![out("out", windowed_key(), Serdes::nullable_string())],
    );
}

#[test]
fn sliding_reduce_mat() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by_sliding(windows(20))
        .reduce_with(concat, Materialized::as_("slide-reduce-store"))
        .to_stream()
        .to("out");
    check_with_raw(
        "sliding_reduce_mat",
        b.build().unwrap(),
        vec![out("out", windowed_key(), Serdes::nullable_string())],
        &["-changelog"],
    );
}

#[test]
fn sliding_count_mat() {
    let b = StreamsBuilder::new();
    let s = b.stream::<String, String>("in");
    s.group_by(|k, _| k.clone())
        .windowed_by_sliding(windows(5))
        .count_with(Materialized::as_("slide-count-store"))
        .to_stream()
        .to("out1");
    s.group_by(|k, _| k.clone())
        .windowed_by_sliding(windows(5))
        .count_with(Materialized::with(Serdes::string(), Arc::new(LongSerde)))
        .to_stream()
        .to("out2");
    s.group_by(|k, _| k.clone())
        .windowed_by_sliding(windows(5))
        .named("slide-named-count")
        .count()
        .to_stream()
        .to("out3");
    check(
        "sliding_count_mat",
        b.build().unwrap(),
        vec![
            out("out1", windowed_key(), nullable_long()),
            out("out2", windowed_key(), nullable_long()),
            out("out3", windowed_key(), nullable_long()),
        ],
    );
}

#[test]
fn sliding_aggregate_plain() {
    let b = StreamsBuilder::new();
    let g = b.stream::<String, String>("in").group_by_key();
    g.windowed_by_sliding(windows(20))
        .aggregate(String::new, |_, v, agg| agg + v)
        .to_stream()
        .to("out");
    g.windowed_by_sliding(windows(20))
        .named("slide-agg")
        .aggregate(|| "<".to_owned(), |_, v, agg| agg + v)
        .to_stream()
        .to("out-named");
    check(
        "sliding_aggregate_plain",
        b.build().unwrap(),
        vec![
            out("out", windowed_key(), Serdes::nullable_string()),
            out("out-named", windowed_key(), Serdes::nullable_string()),
        ],
    );
}

#[test]
fn sliding_emit_final_count() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by_sliding(windows(5))
        .emit_strategy(EmitStrategy::OnWindowClose)
        .count()
        .to_stream()
        .to("out");
    check(
        "sliding_emit_final_count",
        b.build().unwrap(),
        vec![out("out", windowed_key(), nullable_long())],
    );
}

#[test]
fn sliding_emit_final_reduce() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by_sliding(windows(5))
        .emit_strategy(EmitStrategy::OnWindowClose)
        .reduce_with(concat, Materialized::as_("ef-reduce-store"))
        .to_stream()
        .to("out");
    check_with_raw(
        "sliding_emit_final_reduce",
        b.build().unwrap(),
        vec![out("out", windowed_key(), Serdes::nullable_string())],
        &["-changelog"],
    );
}

#[test]
fn sliding_uncached() {
    let b = StreamsBuilder::new();
    let g = b.stream::<String, String>("in").group_by_key();
    g.windowed_by_sliding(windows(20))
        .aggregate_with(
            String::new,
            |_, v, agg| agg + v,
            Materialized::as_("slide-uncached").with_caching_disabled(),
        )
        .to_stream()
        .to("out-agg");
    g.windowed_by_sliding(windows(20))
        .reduce_with(
            concat,
            Materialized::with(Serdes::string(), Serdes::string()).with_caching_disabled(),
        )
        .to_stream()
        .to("out-reduce");
    check(
        "sliding_uncached",
        b.build().unwrap(),
        vec![
            out("out-agg", windowed_key(), Serdes::nullable_string()),
            out("out-reduce", windowed_key(), Serdes::nullable_string()),
        ],
    );
}
