//! Session-windowed aggregations against Java Kafka Streams 4.4 (`tests/java/SessionScenarios.java`,
//! inputs in `tests/java/scenarios-session.txt`): count with a `Materialized`, reduce with and
//! without one, aggregate without one, emit-final results and uncached stores. Outputs,
//! describe() shape and every changelog must equal Java's, byte for byte; each scenario's random
//! variants too.

#[allow(dead_code)]
mod support;

use std::sync::Arc;
use std::time::Duration;

use streams_core::serde::{LongSerde, Nullable, Serdes, SharedSerde};
use streams_core::state::Windowed;
use streams_dsl::serdes::SessionWindowedSerde;
use streams_dsl::{EmitStrategy, Materialized, SessionWindows, StreamsBuilder};
use support::{check, out};

fn nullable_long() -> SharedSerde<Option<i64>> {
    Arc::new(Nullable(LongSerde))
}

fn session_key() -> SharedSerde<Windowed<String>> {
    Arc::new(SessionWindowedSerde::new(Serdes::string()))
}

fn gap_10_grace_5() -> SessionWindows {
    SessionWindows::of_inactivity_gap_and_grace(Duration::from_millis(10), Duration::from_millis(5))
}

fn plus(a: String, c: String) -> String {
    format!("{a}+{c}")
}

#[test]
fn session_reduce() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by_session(gap_10_grace_5())
        .reduce(plus)
        .to_stream()
        .to("out");
    check(
        "session_reduce",
        b.build().unwrap(),
        vec![out("out", session_key(), Serdes::nullable_string())],
    );
}

#[test]
fn session_reduce_materialized() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by_session(gap_10_grace_5())
        .reduce_with(plus, Materialized::as_("sess-reduce"))
        .to_stream()
        .to("out");
    check(
        "session_reduce_materialized",
        b.build().unwrap(),
        vec![out("out", session_key(), Serdes::nullable_string())],
    );
}

#[test]
fn session_count_materialized() {
    let b = StreamsBuilder::new();
    let g = b.stream::<String, String>("in").group_by_key();
    g.windowed_by_session(gap_10_grace_5())
        .count_with(Materialized::with(Serdes::string(), Serdes::long()))
        .to_stream()
        .to("out-with");
    g.windowed_by_session(gap_10_grace_5())
        .count_with(Materialized::as_("sess-count"))
        .to_stream()
        .to("out-named");
    g.windowed_by_session(gap_10_grace_5())
        .count()
        .to_stream()
        .to("out-plain");
    check(
        "session_count_materialized",
        b.build().unwrap(),
        vec![
            out("out-with", session_key(), nullable_long()),
            out("out-named", session_key(), nullable_long()),
            out("out-plain", session_key(), nullable_long()),
        ],
    );
}

#[test]
fn session_aggregate() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by_session(gap_10_grace_5())
        .aggregate(
            String::new,
            |_, v, agg| agg + v,
            |_, a1, a2| format!("{a1}|{a2}"),
        )
        .to_stream()
        .to("out");
    check(
        "session_aggregate",
        b.build().unwrap(),
        vec![out("out", session_key(), Serdes::nullable_string())],
    );
}

#[test]
fn session_emit_final_count() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by_session(gap_10_grace_5())
        .emit_strategy(EmitStrategy::OnWindowClose)
        .count()
        .to_stream()
        .to("out");
    check(
        "session_emit_final_count",
        b.build().unwrap(),
        vec![out("out", session_key(), nullable_long())],
    );
}

#[test]
fn session_emit_final_reduce() {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("in")
        .group_by_key()
        .windowed_by_session(SessionWindows::of_inactivity_gap_with_no_grace(
            Duration::from_millis(10),
        ))
        .emit_strategy(EmitStrategy::OnWindowClose)
        // Caching asked for: emit-final session stores go without (Java's
        // SessionStoreMaterializer).
        .reduce_with(plus, Materialized::as_("final-reduce"))
        .to_stream()
        .to("out");
    check(
        "session_emit_final_reduce",
        b.build().unwrap(),
        vec![out("out", session_key(), Serdes::nullable_string())],
    );
}

#[test]
fn session_uncached() {
    let b = StreamsBuilder::new();
    let g = b.stream::<String, String>("in").group_by_key();
    g.windowed_by_session(gap_10_grace_5())
        .reduce_with(
            plus,
            Materialized::as_("nocache-reduce").with_caching_disabled(),
        )
        .to_stream()
        .to("out-reduce");
    g.windowed_by_session(gap_10_grace_5())
        .count_with(Materialized::as_("nocache-count").with_caching_disabled())
        .to_stream()
        .to("out-count");
    check(
        "session_uncached",
        b.build().unwrap(),
        vec![
            out("out-reduce", session_key(), Serdes::nullable_string()),
            out("out-count", session_key(), nullable_long()),
        ],
    );
}
