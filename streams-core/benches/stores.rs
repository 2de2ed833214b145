//! Store throughput: key-value put/get/range and window put/fetch on the redb stack
//! (change-logging into a discarding collector), with durable commits every 10,000 writes or
//! every 100 ms.
//!
//! `cargo bench -p streams-core --bench stores`

use std::hint::black_box;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use streams_core::clock::MockClock;
use streams_core::config::StoreCommitPolicy;
use streams_core::serde::{Serdes, StringSerde};
use streams_core::state::{
    CacheBudget, KeyValueStore, StoreBuilder, StoreContext, StoreControl, StoreKind, Stores,
    WindowStore,
};
use streams_core::task::{CollectorError, ProducerRecord, RecordCollector, TaskId};

/// Counts changelog records and drops them, like a producer that is never the bottleneck.
#[derive(Default)]
struct Discard(i64);

impl RecordCollector for Discard {
    fn send(&mut self, _: ProducerRecord) -> Result<(), CollectorError> {
        self.0 += 1;
        Ok(())
    }
    fn flush(&mut self) -> Result<(), CollectorError> {
        Ok(())
    }
    fn offset(&self, _: &str, _: i32) -> Option<i64> {
        None
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

const N: u64 = 20_000;

static DIR: AtomicU64 = AtomicU64::new(0);

fn ctx(policy: StoreCommitPolicy) -> (StoreContext, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "sc-bench-{}-{}",
        std::process::id(),
        DIR.fetch_add(1, Ordering::Relaxed)
    ));
    let ctx = StoreContext {
        application_id: "bench".into(),
        task_id: TaskId {
            subtopology: 0,
            partition: 0,
        },
        state_dir: Some(dir.clone()),
        changelog: Some((Arc::from("bench-s-changelog"), 0)),
        collector: Arc::new(Mutex::new(Discard::default())),
        record_timestamp: Arc::new(AtomicI64::new(0)),
        record_context: Default::default(),
        cache_budget: Arc::new(CacheBudget::new(10 << 20)),
        commit_policy: policy,
        clock: Arc::new(MockClock::new(0)),
    };
    (ctx, dir)
}

fn policies() -> [(&'static str, StoreCommitPolicy); 2] {
    [
        (
            "commit_every_10k",
            StoreCommitPolicy {
                every_writes: 10_000,
                every: None,
            },
        ),
        (
            "commit_every_100ms",
            StoreCommitPolicy {
                every_writes: u64::MAX,
                every: Some(Duration::from_millis(100)),
            },
        ),
    ]
}

fn kv_store(
    policy: StoreCommitPolicy,
) -> (
    KeyValueStore<String, String>,
    Box<dyn StoreControl>,
    std::path::PathBuf,
) {
    let (ctx, dir) = ctx(policy);
    let built = Stores::key_value_store_builder(
        Stores::persistent_key_value_store("s"),
        Serdes::string(),
        Serdes::string(),
    )
    .build(&ctx)
    .unwrap();
    let kv = built
        .handle
        .downcast_ref::<KeyValueStore<String, String>>()
        .unwrap()
        .clone();
    (kv, built.control, dir)
}

fn key(i: u64) -> String {
    format!(
        "key-{:08}",
        i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % 1_000_000
    )
}

fn kv(c: &mut Criterion) {
    let mut g = c.benchmark_group("kv_redb");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Elements(N));
    for (label, policy) in policies() {
        g.throughput(Throughput::Elements(N));
        g.bench_function(format!("put/{label}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (kv, mut control, dir) = kv_store(policy);
                    let value = "v".repeat(100);
                    let start = Timer::start();
                    for i in 0..N {
                        kv.put(&key(i), &value).unwrap();
                        if i % 100 == 99 {
                            control.commit(Some(i as i64), false).unwrap();
                        }
                    }
                    total += start.elapsed();
                    drop((kv, control));
                    let _ = std::fs::remove_dir_all(dir);
                }
                total
            })
        });
        let (kv, mut control, dir) = kv_store(policy);
        for i in 0..N {
            kv.put(&key(i), &"v".repeat(100)).unwrap();
        }
        control.commit(Some(0), true).unwrap();
        g.throughput(Throughput::Elements(N));
        g.bench_function(format!("get/{label}"), |b| {
            b.iter(|| {
                for i in 0..N {
                    black_box(kv.get(&key(i)).unwrap());
                }
            })
        });
        // Each scan starts inside a block of 1,000 of the 1M key slots and runs to its end: about 10
        // of the 20,000 keys (printed below).
        let scanned: usize = (0..N / 100)
            .map(|i| {
                let from = key(i);
                let to = format!("{}~", &from[..9]);
                kv.range(Some(&from), Some(&to)).unwrap().len()
            })
            .sum();
        eprintln!(
            "range scans return {:.1} entries on average",
            scanned as f64 / (N / 100) as f64
        );
        g.throughput(Throughput::Elements(N / 100));
        g.bench_function(format!("range_scan_10_entries/{label}"), |b| {
            b.iter(|| {
                for i in 0..N / 100 {
                    let from = key(i);
                    let to = format!("{}~", &from[..9]);
                    black_box(kv.range(Some(&from), Some(&to)).unwrap());
                }
            })
        });
        drop((kv, control));
        let _ = std::fs::remove_dir_all(dir);
    }
    g.finish();
}

fn window(c: &mut Criterion) {
    let mut g = c.benchmark_group("window_redb");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Elements(N));
    for (label, policy) in policies() {
        let make = || {
            let (ctx, dir) = ctx(policy);
            let built = Stores::window_store_builder(
                Stores::window_store(
                    "w",
                    StoreKind::Persistent,
                    Duration::from_secs(3600),
                    Duration::from_secs(60),
                    false,
                ),
                Serdes::string(),
                Serdes::long(),
            )
            .build(&ctx)
            .unwrap();
            let w = built
                .handle
                .downcast_ref::<WindowStore<String, i64>>()
                .unwrap()
                .clone();
            (w, built.control, dir)
        };
        g.throughput(Throughput::Elements(N));
        g.bench_function(format!("put/{label}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (w, mut control, dir) = make();
                    let start = Timer::start();
                    for i in 0..N {
                        let ts = (i as i64) * 50;
                        w.put(
                            &format!("k{}", i % 500),
                            Some(&(i as i64)),
                            ts - ts % 60_000,
                        )
                        .unwrap();
                        if i % 100 == 99 {
                            control.commit(Some(i as i64), false).unwrap();
                        }
                    }
                    total += start.elapsed();
                    drop((w, control));
                    let _ = std::fs::remove_dir_all(dir);
                }
                total
            })
        });
        let (w, mut control, dir) = make();
        for i in 0..N {
            let ts = (i as i64) * 50;
            w.put(
                &format!("k{}", i % 500),
                Some(&(i as i64)),
                ts - ts % 60_000,
            )
            .unwrap();
        }
        control.commit(Some(0), true).unwrap();
        // Each of the 500 keys has about 17 windows (one per minute over 1,000 s of data).
        let fetched: usize = (0..500)
            .map(|i| w.fetch_range(&format!("k{i}"), 0, 1_000_000).unwrap().len())
            .sum();
        eprintln!(
            "window fetches return {:.1} windows on average",
            fetched as f64 / 500.0
        );
        g.throughput(Throughput::Elements(N / 10));
        g.bench_function(format!("fetch_key_all_windows/{label}"), |b| {
            b.iter(|| {
                for i in 0..N / 10 {
                    black_box(
                        w.fetch_range(&format!("k{}", i % 500), 0, 1_000_000)
                            .unwrap(),
                    );
                }
            })
        });
        drop((w, control));
        let _ = std::fs::remove_dir_all(dir);
    }
    g.finish();
    let _ = StringSerde;
}

criterion_group!(benches, kv, window);
criterion_main!(benches);
