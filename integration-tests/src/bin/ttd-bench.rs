//! Word count through the TopologyTestDriver: ours (streams-core, redb store) against Kafka's
//! own (`kafka-streams-test-utils`, RocksDB store), side by side in one run.
//!
//! ```text
//! cargo run --release -p integration-tests --bin ttd-bench -- \
//!     [--warmup 10] [--passes 10] [--java-modes flush-old,process] [--only rust|java]
//! ```
//!
//! The workload is streams-core's `word_count` bench (`streams-core/benches/word_count.rs`): the
//! same 20,000 lines of 5 words from a 2,000-word vocabulary, piped one by one into a fresh
//! driver per pass, each line processed, punctuated and committed before the next; a `count`
//! processor does a get and a put per word on a persistent key-value store with caching and a
//! changelog; cache flushes go as `Change`s to a `new` processor and a String/Long sink to
//! "counts"; the output topics are emptied every 1,000 lines. The Java program is
//! `integration-tests/java/bench/TtdWordCount.java`, compiled here against the cached Kafka jars
//! (`scripts/kafka-fetch`, the version under test); its modes say how `count` feeds `new` (see
//! that file): `flush-old` (the store's internal flush listener with old values: our semantics),
//! `flush` (without old values), `process` (public API only: forward every word from
//! `process()`).
//!
//! Both sides run `--warmup` untimed passes (JIT warm-up for Java) and then `--passes` timed ones,
//! and report the median and the best timed pass. Time is the piping thread's CPU time (ours:
//! `/proc/thread-self/schedstat`; Java: `ThreadMXBean.getCurrentThreadCpuTime`) and wall time;
//! driver setup and close are not timed. The CPU time of all the process's threads over the pass
//! is printed too (for Java it includes the JIT compiler and GC threads). Before timing anything
//! the harness checks that both sides built the same input lines (a checksum), ended with the
//! same store contents and wrote the same number of changelog and sink records.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::{Duration, Instant};

use streams_core::StreamsConfig;
use streams_core::serde::{BytesSerde, Nullable, Serdes, StringSerde};
use streams_core::state::KeyValueStore;
use streams_core::test_driver::TopologyTestDriver;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[path = "../../../streams-core/benches/support/word_count_topology.rs"]
mod word_count_topology;
use word_count_topology::{LINES, WORDS_PER_LINE, lines, topology};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse_settings(&args).and_then(|s| drive(&s)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ttd-bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Settings {
    warmup: usize,
    passes: usize,
    java_modes: Vec<String>,
    only: Option<String>,
}

fn parse_settings(args: &[String]) -> Result<Settings, BoxError> {
    let mut s = Settings {
        warmup: 10,
        passes: 10,
        java_modes: vec!["flush-old".into(), "process".into()],
        only: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?
            .as_str();
        match flag.as_str() {
            "--warmup" => s.warmup = value.parse()?,
            "--passes" => s.passes = value.parse()?,
            "--java-modes" => s.java_modes = value.split(',').map(str::to_owned).collect(),
            "--only" if value == "rust" || value == "java" => s.only = Some(value.to_owned()),
            other => return Err(format!("unknown flag or value: {other} {value}").into()),
        }
    }
    if s.passes == 0 {
        return Err("--passes must be at least 1".into());
    }
    for m in &s.java_modes {
        if !["flush-old", "flush", "process"].contains(&m.as_str()) {
            return Err(format!("unknown Java mode {m} (flush-old, flush or process)").into());
        }
    }
    Ok(s)
}

/// One pass through a fresh driver: times of the piping loop and what came out.
#[derive(Debug, Clone, Copy)]
struct Pass {
    wall: Duration,
    thread_cpu: Duration,
    process_cpu: Duration,
    sink_records: u64,
    changelog_records: u64,
}

/// What one side did over its timed passes, and what it checked.
struct Side {
    name: String,
    passes: Vec<Pass>,
    checksum: String,
    /// `keys sum-of-counts` read from the store after the first pass.
    store: String,
    load_before: f64,
    load_after: f64,
}

fn drive(s: &Settings) -> Result<(), BoxError> {
    let lines = lines();
    println!(
        "word count through the TopologyTestDriver: {LINES} lines x {WORDS_PER_LINE} words \
         ({} word updates) per pass, {} warm-up + {} timed passes per side",
        LINES * WORDS_PER_LINE,
        s.warmup,
        s.passes
    );
    println!("{}", provenance());
    let mut sides = Vec::new();
    if s.only.as_deref() != Some("java") {
        sides.push(rust_side(&lines, s)?);
    }
    if s.only.as_deref() != Some("rust") {
        let java = JavaBench::compile()?;
        println!("{}", java.describe());
        for mode in &s.java_modes {
            sides.push(java.run(mode, s)?);
        }
    }
    check(&sides, &lines)?;
    report(&sides);
    Ok(())
}

/// Where the bench's source is and, if it is a git checkout, its commit and whether
/// streams-core had uncommitted changes when the bench ran (the binary was built from that
/// tree, but possibly earlier: for a figure tied to a commit, build from a `git archive` export).
fn provenance() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."));
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let state = match git(&["rev-parse", "--show-toplevel"]) {
        Some(top) if Path::new(&top) == root => {
            let head = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_default();
            let dirty = git(&["status", "--porcelain", "--", "streams-core"])
                .is_some_and(|o| !o.is_empty());
            format!(
                "git HEAD {head} at run time{}",
                if dirty {
                    ", streams-core with uncommitted changes"
                } else {
                    ", streams-core clean"
                }
            )
        }
        _ => "not a git checkout".to_owned(),
    };
    format!(
        "source {} ({state}), {} cores",
        root.display(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    )
}

// ---- Our side: the topology of streams-core/benches/word_count.rs (the same file) ----

/// FNV-1a 64 over the lines, each followed by `\n` (the Java program computes the same).
fn checksum(lines: &[String]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for l in lines {
        for &b in l.as_bytes().iter().chain(b"\n") {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn driver() -> Result<TopologyTestDriver, BoxError> {
    Ok(TopologyTestDriver::with_wall_clock(
        topology()?,
        StreamsConfig::new("wc"),
        0,
    )?)
}

/// The calling thread's on-CPU time (`/proc/thread-self/schedstat`, nanoseconds).
fn thread_cpu() -> Result<Duration, BoxError> {
    schedstat(Path::new("/proc/thread-self/schedstat"))
}

/// On-CPU time of all of this process's threads.
fn process_cpu() -> Result<Duration, BoxError> {
    let mut total = Duration::ZERO;
    for t in std::fs::read_dir("/proc/self/task")? {
        // A thread may exit between listing and reading.
        if let Ok(d) = schedstat(&t?.path().join("schedstat")) {
            total += d;
        }
    }
    Ok(total)
}

fn schedstat(path: &Path) -> Result<Duration, BoxError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: {e} (CPU time needs Linux /proc)", path.display()))?;
    let ns: u64 = text
        .split_whitespace()
        .next()
        .ok_or_else(|| format!("{} is empty", path.display()))?
        .parse()?;
    Ok(Duration::from_nanos(ns))
}

fn rust_pass(input: &[String], store: Option<&mut String>) -> Result<Pass, BoxError> {
    let d = driver()?;
    let mut topic = d.create_input_topic("text", Arc::new(Nullable(StringSerde)), Serdes::string());
    let bytes = || Arc::new(Nullable(BytesSerde));
    let out = d.create_output_topic("counts", bytes(), bytes());
    let log = d.create_output_topic("wc-counts-changelog", bytes(), bytes());
    let (mut sink_records, mut changelog_records) = (0, 0);
    let (proc0, cpu0, wall0) = (process_cpu()?, thread_cpu()?, Instant::now());
    for (i, line) in input.iter().enumerate() {
        topic.pipe_input_at(None, line.clone(), i as i64)?;
        if i % 1_000 == 999 {
            sink_records += out.queue_size() as u64;
            changelog_records += log.queue_size() as u64;
            d.discard_output("counts");
            d.discard_output("wc-counts-changelog");
        }
    }
    let wall = wall0.elapsed();
    let thread_cpu = thread_cpu()?.saturating_sub(cpu0);
    let process_cpu = process_cpu()?.saturating_sub(proc0);
    if let Some(store) = store {
        let s: KeyValueStore<String, i64> = d
            .state_store("counts")
            .ok_or("the driver has no store \"counts\"")?;
        let all = s.all()?;
        *store = format!("{} {}", all.len(), all.iter().map(|(_, n)| n).sum::<i64>());
    }
    d.close()?;
    Ok(Pass {
        wall,
        thread_cpu,
        process_cpu,
        sink_records,
        changelog_records,
    })
}

fn rust_side(input: &[String], s: &Settings) -> Result<Side, BoxError> {
    let load_before = load_average();
    let mut store = String::new();
    let mut passes = Vec::new();
    for i in 0..s.warmup + s.passes {
        let p = rust_pass(input, (i == 0).then_some(&mut store))?;
        if i >= s.warmup {
            passes.push(p);
        }
    }
    Ok(Side {
        name: "rust (streams-core, redb)".into(),
        passes,
        checksum: checksum(input),
        store,
        load_before,
        load_after: load_average(),
    })
}

// ---- Java's side ----

/// `TtdWordCount.java` compiled against the Kafka jars of the version under test.
struct JavaBench {
    version: String,
    classpath: String,
}

impl JavaBench {
    fn compile() -> Result<JavaBench, BoxError> {
        for tool in ["java", "javac"] {
            let ok = Command::new(tool)
                .arg("-version")
                .output()
                .is_ok_and(|o| o.status.success());
            if !ok {
                return Err(format!(
                    "`{tool}` is needed to run Java's TopologyTestDriver; install a JDK 17+ \
                     (e.g. `apt-get install openjdk-17-jdk-headless`) and put `{tool}` on PATH, \
                     or run only our side with `--only rust`"
                )
                .into());
            }
        }
        let version = integration_tests::kafka_version();
        let libs = integration_tests::kafka_libs(&version).map_err(|e| {
            format!(
                "the Kafka {version} jars (kafka-streams-test-utils among them) are not \
                 available: {e}; `scripts/kafka-fetch {version}` caches them (it needs network \
                 access once)"
            )
        })?;
        let test_utils = libs.join(format!("kafka-streams-test-utils-{version}.jar"));
        if !test_utils.is_file() {
            return Err(format!(
                "{} is missing; run `scripts/kafka-fetch {version}` (integration-tests/java/pom.xml \
                 lists kafka-streams-test-utils)",
                test_utils.display()
            )
            .into());
        }
        let jars = format!("{}/*", libs.display());
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("java/bench/TtdWordCount.java");
        let text =
            std::fs::read(&source).map_err(|e| format!("reading {}: {e}", source.display()))?;
        let mut h = DefaultHasher::new();
        text.hash(&mut h);
        jars.hash(&mut h);
        let classes = java_cache_dir()?.join(format!("kafka-{version}-{:016x}", h.finish()));
        if !classes.join("TtdWordCount.class").is_file() {
            let tmp = classes.with_extension(format!("tmp-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&tmp);
            std::fs::create_dir_all(&tmp)?;
            let out = Command::new("javac")
                .args(["-nowarn", "-cp", &jars, "-d"])
                .arg(&tmp)
                .arg(&source)
                .output()?;
            if !out.status.success() {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(format!(
                    "javac {} (Kafka {version}): {}",
                    source.display(),
                    String::from_utf8_lossy(&out.stderr)
                )
                .into());
            }
            // Another run may have won the race; either copy is complete.
            if std::fs::rename(&tmp, &classes).is_err() {
                let _ = std::fs::remove_dir_all(&tmp);
            }
        }
        Ok(JavaBench {
            version,
            classpath: format!("{jars}:{}", classes.display()),
        })
    }

    fn describe(&self) -> String {
        let jvm = Command::new("java")
            .arg("-version")
            .output()
            .ok()
            .and_then(|o| {
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .next()
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        format!(
            "java: Kafka {} kafka-streams-test-utils, {jvm}, default JVM flags",
            self.version
        )
    }

    fn run(&self, mode: &str, s: &Settings) -> Result<Side, BoxError> {
        let load_before = load_average();
        let out = Command::new("java")
            .arg("-Dorg.slf4j.simpleLogger.defaultLogLevel=error")
            .arg("-cp")
            .arg(&self.classpath)
            .arg("TtdWordCount")
            .args([mode, &s.warmup.to_string(), &s.passes.to_string()])
            .output()?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!(
                "java TtdWordCount {mode} exited with {}: {stdout}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        let mut side = Side {
            name: format!("java ({mode}, RocksDB)"),
            passes: Vec::new(),
            checksum: String::new(),
            store: String::new(),
            load_before,
            load_after: load_average(),
        };
        for line in stdout.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            match f.as_slice() {
                ["checksum", c] => side.checksum = (*c).to_owned(),
                ["store", keys, sum] => side.store = format!("{keys} {sum}"),
                ["pass", _, "warm", ..] => {}
                ["pass", _, "timed", wall, cpu, proc, _gc, sink, changelog] => {
                    let ns = |v: &str| v.parse().map(Duration::from_nanos);
                    side.passes.push(Pass {
                        wall: ns(wall)?,
                        thread_cpu: ns(cpu)?,
                        process_cpu: ns(proc)?,
                        sink_records: sink.parse()?,
                        changelog_records: changelog.parse()?,
                    });
                }
                _ => return Err(format!("unexpected line from TtdWordCount: {line}").into()),
            }
        }
        if side.passes.len() != s.passes {
            return Err(format!(
                "TtdWordCount {mode} reported {} timed passes, expected {}",
                side.passes.len(),
                s.passes
            )
            .into());
        }
        Ok(side)
    }
}

/// Where compiled Java classes are cached: next to this binary (`<target>/release/java-bench`).
fn java_cache_dir() -> Result<PathBuf, BoxError> {
    let exe = std::env::current_exe()?;
    let dir = exe.parent().ok_or("the executable has no directory")?;
    Ok(dir.join("java-bench"))
}

fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(f64::NAN)
}

// ---- Checks and the table ----

/// Fails unless every side piped the same lines, ended with the same store and wrote the
/// records its mode implies: the changelog gets one record per changed key per commit on every
/// side, and so does the sink, except in Java's `process` mode (one per word).
fn check(sides: &[Side], lines: &[String]) -> Result<(), BoxError> {
    let want = checksum(lines);
    let words = (LINES * WORDS_PER_LINE) as u64;
    let expected_store = format!("2000 {words}");
    let changed_keys: u64 = lines
        .iter()
        .map(|l| {
            let mut w: Vec<&str> = l.split(' ').collect();
            w.sort_unstable();
            w.dedup();
            w.len() as u64
        })
        .sum();
    for side in sides {
        let fail = |what: String| Err(format!("{}: {what}", side.name).into());
        if side.checksum != want {
            return fail(format!(
                "input checksum {} differs from ours {want}: the generators disagree",
                side.checksum
            ));
        }
        if side.store != expected_store {
            return fail(format!(
                "store holds `{}` (keys, sum of counts), expected `{expected_store}`",
                side.store
            ));
        }
        let sink = if side.name.contains("process") {
            words
        } else {
            changed_keys
        };
        for p in &side.passes {
            if p.changelog_records != changed_keys || p.sink_records != sink {
                return fail(format!(
                    "wrote {} changelog and {} sink records, expected {changed_keys} and {sink}",
                    p.changelog_records, p.sink_records
                ));
            }
        }
    }
    println!(
        "checked: input checksum {want} on every side; store 2000 keys summing to {words}; \
         {changed_keys} changelog records per pass (one per changed key per line)"
    );
    Ok(())
}

/// The median and the best of the timed passes by `f`.
fn median_best(passes: &[Pass], f: impl Fn(&Pass) -> Duration) -> (Duration, Duration) {
    let mut v: Vec<Duration> = passes.iter().map(f).collect();
    v.sort_unstable();
    (v[v.len() / 2], v[0])
}

/// Per-second rates of one side: (CPU median, CPU best, wall median, wall best), lines/s.
fn rates(side: &Side) -> [f64; 4] {
    let (cpu_med, cpu_best) = median_best(&side.passes, |p| p.thread_cpu);
    let (wall_med, wall_best) = median_best(&side.passes, |p| p.wall);
    [cpu_med, cpu_best, wall_med, wall_best].map(|d| LINES as f64 / d.as_secs_f64())
}

fn human(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else {
        format!("{:.1} K", v / 1e3)
    }
}

fn report(sides: &[Side]) {
    println!();
    println!(
        "{:<28} {:>22} {:>22} {:>22} {:>22} {:>18} {:>11}",
        "side",
        "lines/s per CPU-s",
        "updates/s per CPU-s",
        "lines/s per wall-s",
        "updates/s per wall-s",
        "all threads CPU/pass",
        "load"
    );
    println!(
        "{:<28} {:>22} {:>22} {:>22} {:>22} {:>18} {:>11}",
        "", "median / best", "median / best", "median / best", "median / best", "median", ""
    );
    let updates = WORDS_PER_LINE as f64;
    for side in sides {
        let r = rates(side);
        let (proc_med, _) = median_best(&side.passes, |p| p.process_cpu);
        println!(
            "{:<28} {:>22} {:>22} {:>22} {:>22} {:>15} ms {:>11}",
            side.name,
            format!("{} / {}", human(r[0]), human(r[1])),
            format!("{} / {}", human(r[0] * updates), human(r[1] * updates)),
            format!("{} / {}", human(r[2]), human(r[3])),
            format!("{} / {}", human(r[2] * updates), human(r[3] * updates)),
            format!("{:.1}", proc_med.as_secs_f64() * 1e3),
            format!("{:.2}-{:.2}", side.load_before, side.load_after),
        );
    }
    let Some(rust) = sides.iter().find(|s| s.name.starts_with("rust")) else {
        return;
    };
    if !sides.iter().any(|s| s.name.starts_with("java")) {
        return;
    }
    let ours = rates(rust);
    println!();
    println!(
        "{:<28} {:>22} {:>22}",
        "ratio rust/java", "per CPU-s median/best", "per wall-s median/best"
    );
    for java in sides.iter().filter(|s| s.name.starts_with("java")) {
        let theirs = rates(java);
        let q: Vec<f64> = ours.iter().zip(theirs).map(|(a, b)| a / b).collect();
        println!(
            "{:<28} {:>22} {:>22}",
            format!("vs {}", java.name),
            format!("{:.2}x / {:.2}x", q[0], q[1]),
            format!("{:.2}x / {:.2}x", q[2], q[3]),
        );
    }
}
