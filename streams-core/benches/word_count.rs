//! Word count through the TopologyTestDriver with a redb store and a cache forwarding flushes:
//! each piped line is processed, punctuated and committed as Java's driver does.
//!
//! `cargo bench -p streams-core --bench word_count`

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group};
use streams_core::processor::{Change, Processor, ProcessorContext, Record};
use streams_core::serde::{Nullable, Serdes, StringSerde};
use streams_core::state::{KeyValueStore, Stores};
use streams_core::test_driver::TopologyTestDriver;
use streams_core::topology::{Consumed, Produced, TopologyBuilder};
use streams_core::{StreamsConfig, StreamsError};

struct Count(Option<KeyValueStore<String, i64>>);

impl Processor<Option<String>, String, String, Change<i64>> for Count {
    fn init(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, Change<i64>>,
    ) -> Result<(), StreamsError> {
        let s: KeyValueStore<String, i64> = ctx.state_store("counts")?;
        ctx.forward_cache_flushes(&s)?;
        self.0 = Some(s);
        Ok(())
    }
    fn process(
        &mut self,
        _: &mut ProcessorContext<'_, String, Change<i64>>,
        r: Record<Option<String>, String>,
    ) -> Result<(), StreamsError> {
        let s = self.0.as_ref().expect("init");
        for w in r.value.split_whitespace() {
            let w = w.to_owned();
            let n = s.get(&w)?.unwrap_or(0) + 1;
            s.put(&w, &n)?;
        }
        Ok(())
    }
}

struct NewValue;

impl Processor<String, Change<i64>, String, i64> for NewValue {
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, i64>,
        r: Record<String, Change<i64>>,
    ) -> Result<(), StreamsError> {
        let n = r.value.new.unwrap_or(0);
        ctx.forward(r.with_value(n))
    }
}

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

const LINES: usize = 20_000;

fn lines() -> Vec<String> {
    // Five words per line from a 2,000-word vocabulary.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..LINES)
        .map(|_| {
            (0..5)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    format!("w{}", x % 2_000)
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn driver() -> TopologyTestDriver {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "lines",
        Consumed::with(Arc::new(Nullable(StringSerde)), Serdes::string()),
        "text",
    )
    .add_processor("count", || Count(None), &["lines"])
    .add_processor("new", || NewValue, &["count"])
    .add_state_store(
        Stores::key_value_store_builder(
            Stores::persistent_key_value_store("counts"),
            Serdes::string(),
            Serdes::long(),
        )
        .with_caching_enabled(),
        &["count"],
    )
    .add_sink(
        "out",
        "counts",
        Produced::with(Serdes::string(), Serdes::long()),
        &["new"],
    );
    TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("wc"), 0).unwrap()
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
