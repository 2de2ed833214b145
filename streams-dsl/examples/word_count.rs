//! Word count: split lines into words, count each word, write the running counts.
//!
//! Runs on the `TopologyTestDriver`, no broker needed: `cargo run -p streams-dsl --example
//! word_count`.

use streams_core::StreamsConfig;
use streams_core::serde::Serdes;
use streams_core::test_driver::TopologyTestDriver;
use streams_core::topology::Topology;
use streams_dsl::{Materialized, StreamsBuilder};

/// The word-count topology: `text-lines` → `word-counts`, counts kept in `counts-store`.
pub(crate) fn topology() -> Result<Topology, streams_dsl::DslError> {
    let builder = StreamsBuilder::new();
    builder
        .stream::<String, String>("text-lines")
        .flat_map_values(|line| {
            line.to_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|_, word| !word.is_empty())
        // A new key: the count repartitions through
        // `<application.id>-counts-store-repartition` first.
        .group_by(|_, word| word.clone())
        .count_with(Materialized::as_("counts-store"))
        .to_stream()
        .to("word-counts");
    builder.build()
}

#[allow(dead_code)] // The parity test includes this file for `topology()` only.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let topology = topology()?;
    println!("{}", topology.describe());
    let driver = TopologyTestDriver::with_wall_clock(topology, StreamsConfig::new("wc"), 0)?;
    let mut lines = driver.create_input_topic("text-lines", Serdes::string(), Serdes::string());
    let mut counts = driver.create_output_topic(
        "word-counts",
        Serdes::string(),
        streams_dsl::serdes::builtin::<Option<i64>>().ok_or("no long serde")?,
    );
    lines.pipe_input_at("1".into(), "All streams lead to Kafka".into(), 1000)?;
    lines.pipe_input_at("2".into(), "Hello Kafka Streams".into(), 2000)?;
    for (word, count) in counts.read_key_values_to_list()? {
        println!("{word}: {}", count.unwrap_or(0));
    }
    Ok(())
}
