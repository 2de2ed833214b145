//! Java-parity tests for windowed cogroups: `CogroupedKStream::windowed_by` (tumbling and
//! hopping), `windowed_by_sliding` and `windowed_by_session`, with generated and named stores,
//! suppressions downstream and key-changed (repartitioned) inputs. Java's programs are in
//! `tests/java/CogroupScenarios.java`, their inputs in `tests/java/scenarios-cogroup.txt`.

#[allow(dead_code)]
mod support;

use std::sync::Arc;
use std::time::Duration;

use streams_core::serde::{Serdes, SharedSerde};
use streams_core::state::Windowed;
use streams_dsl::serdes::{SessionWindowedSerde, TimeWindowedSerde};
use streams_dsl::{
    Grouped, KGroupedStream, Materialized, SessionWindows, SlidingWindows, StreamsBuilder,
    Suppressed, TimeWindows,
};
use support::{check, out};

fn time_key() -> SharedSerde<Windowed<String>> {
    Arc::new(TimeWindowedSerde::new(Serdes::string(), 10))
}

fn session_key() -> SharedSerde<Windowed<String>> {
    Arc::new(SessionWindowedSerde::new(Serdes::string()))
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Two streams of `in1` and `in2`, grouped by their keys.
fn two_inputs(
    b: &StreamsBuilder,
) -> (
    KGroupedStream<String, String>,
    KGroupedStream<String, String>,
) {
    (
        b.stream::<String, String>("in1").group_by_key(),
        b.stream::<String, String>("in2").group_by_key(),
    )
}

#[test]
fn cogroup_tumbling() {
    let b = StreamsBuilder::new();
    let (g1, g2) = two_inputs(&b);
    let t = g1
        .cogroup(|_, v, agg: String| agg + "1" + v)
        .cogroup(&g2, |_, v, agg| agg + "2" + v)
        .windowed_by(TimeWindows::of_size_and_grace(ms(10), ms(5)))
        .aggregate_with(
            String::new,
            Materialized::with(Serdes::string(), Serdes::string()),
        );
    t.to_stream().to("out");
    t.suppress(Suppressed::until_window_closes())
        .to_stream()
        .to("out-final");
    check(
        "cogroup_tumbling",
        b.build().unwrap(),
        vec![
            out("out", time_key(), Serdes::nullable_string()),
            out("out-final", time_key(), Serdes::nullable_string()),
        ],
    );
}

#[test]
fn cogroup_hopping_mat() {
    let b = StreamsBuilder::new();
    let (g1, g2) = two_inputs(&b);
    g1.cogroup(|_, v, agg: String| agg + "1" + v)
        .cogroup(&g2, |_, v, agg| agg + "2" + v)
        .windowed_by(TimeWindows::of_size_with_no_grace(ms(10)).advance_by(ms(5)))
        .aggregate_with(|| "<".to_owned(), Materialized::as_("cogroup-hop-store"))
        .to_stream()
        .to("out");
    check(
        "cogroup_hopping_mat",
        b.build().unwrap(),
        vec![out("out", time_key(), Serdes::nullable_string())],
    );
}

#[test]
fn cogroup_sliding() {
    let b = StreamsBuilder::new();
    let (g1, g2) = two_inputs(&b);
    g1.cogroup(|_, v, agg: String| agg + "1" + v)
        .cogroup(&g2, |_, v, agg| agg + "2" + v)
        .windowed_by_sliding(SlidingWindows::of_time_difference_and_grace(ms(10), ms(5)))
        .aggregate(String::new)
        .to_stream()
        .to("out");
    check(
        "cogroup_sliding",
        b.build().unwrap(),
        vec![out("out", time_key(), Serdes::nullable_string())],
    );
}

#[test]
fn cogroup_session() {
    let b = StreamsBuilder::new();
    let (g1, g2) = two_inputs(&b);
    let t = g1
        .cogroup(|_, v, agg: String| agg + "1" + v)
        .cogroup(&g2, |_, v, agg| agg + "2" + v)
        .windowed_by_session(SessionWindows::of_inactivity_gap_and_grace(ms(5), ms(3)))
        .aggregate_with(
            String::new,
            |_, a, c| format!("{a}|{c}"),
            Materialized::as_("cogroup-session-store").with_key_serde(Serdes::string()),
        );
    t.to_stream().to("out");
    t.suppress(Suppressed::until_window_closes())
        .to_stream()
        .to("out-final");
    check(
        "cogroup_session",
        b.build().unwrap(),
        vec![
            out("out", session_key(), Serdes::nullable_string()),
            out("out-final", session_key(), Serdes::nullable_string()),
        ],
    );
}

#[test]
fn cogroup_windowed_rekey() {
    let b = StreamsBuilder::new();
    let g1 = b
        .stream::<String, String>("in1")
        .select_key(|_, v| v.clone())
        .group_by_key();
    let g2 = b.stream::<String, String>("in2").group_by_key();
    let g3 = b
        .stream::<String, String>("in3")
        .group_by_with(|_, v| v.clone(), Grouped::as_("third"));
    g1.cogroup(|_, v, agg: String| agg + "1" + v)
        .cogroup(&g2, |_, v, agg| agg + "2" + v)
        .cogroup(&g3, |k, _, agg| agg + "3" + k)
        .windowed_by(TimeWindows::of_size_and_grace(ms(10), ms(5)))
        .aggregate(String::new)
        .to_stream()
        .to("out");
    check(
        "cogroup_windowed_rekey",
        b.build().unwrap(),
        vec![out("out", time_key(), Serdes::nullable_string())],
    );
}

#[test]
fn cogroup_session_rekey() {
    let b = StreamsBuilder::new();
    let g1 = b
        .stream::<String, String>("in1")
        .select_key(|_, v| v.clone())
        .group_by_key();
    let g2 = b.stream::<String, String>("in2").group_by_key();
    g1.cogroup(|k, _, agg: String| agg + "1" + k)
        .cogroup(&g2, |_, v, agg| agg + "2" + v)
        .windowed_by_session(SessionWindows::of_inactivity_gap_with_no_grace(ms(5)))
        .aggregate(String::new, |_, a, c| format!("{a}|{c}"))
        .to_stream()
        .to("out");
    check(
        "cogroup_session_rekey",
        b.build().unwrap(),
        vec![out("out", session_key(), Serdes::nullable_string())],
    );
}
