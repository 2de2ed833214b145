//! The programs in `examples/` against Java: each example's topology must describe to the same
//! shape (sub-topologies, repartition and changelog-backed stores) as the equivalent Java
//! topology, and give the same output on the same input.

mod support;

#[path = "../examples/enrich_join.rs"]
mod enrich_join;
#[path = "../examples/windowed_count.rs"]
mod windowed_count;
#[path = "../examples/word_count.rs"]
mod word_count;

use std::sync::Arc;

use streams_core::serde::{LongSerde, Nullable, Serdes};
use support::{check, out, out_str};

#[test]
fn word_count_example_matches_java() {
    let topology = word_count::topology().unwrap();
    assert!(
        topology
            .internal_topics()
            .contains("counts-store-repartition")
    );
    check(
        "example_word_count",
        topology,
        vec![out(
            "word-counts",
            Serdes::string(),
            Arc::new(Nullable(LongSerde)),
        )],
    );
}

#[test]
fn windowed_example_matches_java() {
    check(
        "example_windowed",
        windowed_count::topology().unwrap(),
        vec![out(
            "clicks-per-minute",
            Serdes::string(),
            Arc::new(Nullable(LongSerde)),
        )],
    );
}

#[test]
fn join_example_matches_java() {
    check(
        "example_join",
        enrich_join::topology().unwrap(),
        vec![out_str("enriched-orders")],
    );
}
