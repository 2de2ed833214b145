//! Word count through the TopologyTestDriver with a redb store and a cache forwarding flushes:
//! each piped line is processed, punctuated and committed as Java's driver does.
//!
//! `cargo bench -p streams-core --bench word_count`

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group};
use streams_core::StreamsConfig;
use streams_core::serde::{Nullable, Serdes, StringSerde};
use streams_core::test_driver::TopologyTestDriver;

#[path = "support/word_count_topology.rs"]
mod word_count_topology;
use word_count_topology::{LINES, lines, topology};

/// Times a run by wall clock, or by this thread's on-CPU time (Linux `schedstat`) when
/// `STREAMS_BENCH_CPU_TIME` is set: on a loaded, shared machine CPU time is what "per core"
/// means. CPU time leaves out waiting for fsync.
struct Timer {
    wall: Instant,
    cpu: Option<Duration>,
}

fn cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        s.split_whitespace().next()?.parse().ok()?,
    ))
}

impl Timer {
    fn start() -> Self {
        let cpu = std::env::var_os("STREAMS_BENCH_CPU_TIME").and_then(|_| cpu_time());
        Timer {
            wall: Instant::now(),
            cpu,
        }
    }
    fn elapsed(&self) -> Duration {
        match (self.cpu, cpu_time()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => self.wall.elapsed(),
        }
    }
}

fn driver() -> TopologyTestDriver {
    TopologyTestDriver::with_wall_clock(topology().unwrap(), StreamsConfig::new("wc"), 0).unwrap()
}

/// Pipes every line once through a fresh driver (the measured part of one iteration).
fn run_once(input: &[String]) {
    let d = driver();
    let mut topic = d.create_input_topic("text", Arc::new(Nullable(StringSerde)), Serdes::string());
    for (i, line) in input.iter().enumerate() {
        topic.pipe_input_at(None, line.clone(), i as i64).unwrap();
        if i % 1_000 == 999 {
            d.discard_output("counts");
            d.discard_output("wc-counts-changelog");
        }
    }
}

fn word_count(c: &mut Criterion) {
    let input = lines();
    let mut g = c.benchmark_group("word_count_driver");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(LINES as u64));
    g.bench_function("redb_cached_5_words_per_line", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let d = driver();
                let mut topic =
                    d.create_input_topic("text", Arc::new(Nullable(StringSerde)), Serdes::string());
                let start = Timer::start();
                for (i, line) in input.iter().enumerate() {
                    topic.pipe_input_at(None, line.clone(), i as i64).unwrap();
                    if i % 1_000 == 999 {
                        d.discard_output("counts");
                        d.discard_output("wc-counts-changelog");
                    }
                }
                total += start.elapsed();
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, word_count);

/// `STREAMS_BENCH_PROFILE=N` runs N plain iterations and exits, for `valgrind --tool=callgrind`
/// (instruction counts are repeatable on a loaded machine where wall time is not).
fn main() {
    if let Some(n) = std::env::var("STREAMS_BENCH_PROFILE")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        let input = lines();
        for _ in 0..n {
            run_once(&input);
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
