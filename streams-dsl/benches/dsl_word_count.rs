//! The DSL word count (flat-map, group-by with a repartition topic, count with a cache) through
//! the TopologyTestDriver: what the DSL layer costs per input line.
//!
//! `cargo bench -p streams-dsl --bench dsl_word_count`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use streams_core::StreamsConfig;
use streams_core::serde::Serdes;
use streams_core::test_driver::TopologyTestDriver;
use streams_dsl::StreamsBuilder;

const LINES: usize = 1_000;

fn topology() -> streams_core::topology::Topology {
    let b = StreamsBuilder::new();
    b.stream::<String, String>("text")
        .flat_map_values(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .group_by(|_, w| w.clone())
        .count()
        .to_stream()
        .to("counts");
    match b.build() {
        Ok(t) => t,
        Err(e) => panic!("word count builds: {e}"),
    }
}

fn bench(c: &mut Criterion) {
    let lines: Vec<String> = (0..LINES)
        .map(|i| format!("w{} w{} w{} common", i % 97, i % 13, i % 7))
        .collect();
    let mut g = c.benchmark_group("dsl_word_count");
    g.throughput(Throughput::Elements(LINES as u64));
    g.sample_size(10);
    g.bench_function("in_memory_driver_1000_lines", |b| {
        b.iter(|| {
            let driver =
                TopologyTestDriver::with_wall_clock(topology(), StreamsConfig::new("bench"), 0)
                    .expect("driver");
            let mut input = driver.create_input_topic("text", Serdes::string(), Serdes::string());
            for (i, l) in lines.iter().enumerate() {
                input
                    .pipe_input_at(format!("k{i}"), l.clone(), i as i64)
                    .expect("pipe");
            }
            driver.discard_output("counts");
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
