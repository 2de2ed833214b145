//! A windowed aggregation: clicks per user per minute, emitted once per window when it closes
//! (ten seconds of grace for late clicks).
//!
//! `cargo run -p streams-dsl --example windowed_count`; no broker needed.

use std::time::Duration;

use streams_core::StreamsConfig;
use streams_core::serde::Serdes;
use streams_core::test_driver::TopologyTestDriver;
use streams_core::topology::Topology;
use streams_dsl::{Materialized, StreamsBuilder, Suppressed, TimeWindows};

/// `clicks` (user → page) → `clicks-per-minute` (`user@window-start` → count).
pub(crate) fn topology() -> Result<Topology, streams_dsl::DslError> {
    let builder = StreamsBuilder::new();
    builder
        .stream::<String, String>("clicks")
        .group_by_key()
        .windowed_by(TimeWindows::of_size_and_grace(
            Duration::from_secs(60),
            Duration::from_secs(10),
        ))
        .count_with(Materialized::as_("clicks-per-minute-store"))
        .suppress(Suppressed::until_window_closes())
        .to_stream()
        .map(|window, count| (format!("{}@{}", window.key, window.window.start), count))
        .to("clicks-per-minute");
    builder.build()
}

#[allow(dead_code)] // The parity test includes this file for `topology()` only.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let topology = topology()?;
    println!("{}", topology.describe());
    let driver = TopologyTestDriver::with_wall_clock(topology, StreamsConfig::new("clicks"), 0)?;
    let mut clicks = driver.create_input_topic("clicks", Serdes::string(), Serdes::string());
    let mut out = driver.create_output_topic(
        "clicks-per-minute",
        Serdes::string(),
        streams_dsl::serdes::builtin::<Option<i64>>().ok_or("no long serde")?,
    );
    for (user, page, at) in [
        ("alice", "/home", 0),
        ("bob", "/home", 15_000),
        ("alice", "/cart", 45_000),
        ("alice", "/pay", 65_000),
        ("bob", "/home", 75_000),
    ] {
        clicks.pipe_input_at(user.into(), page.into(), at)?;
    }
    for (window, count) in out.read_key_values_to_list()? {
        println!("{window}: {}", count.unwrap_or(0));
    }
    Ok(())
}
