//! Producer throughput, CPU and memory: our producer against Java's `ProducerPerformance`, run
//! back to back against the same broker with the same settings.
//!
//! ```text
//! cargo run --release -p integration-tests --bin producer-bench -- \
//!     [--records 5000000] [--size 100] [--rounds 2] [--codecs none,lz4] [--partitions 6]
//!     [--only rust|java]
//! ```
//!
//! For profiling, `PRODUCER_BENCH_WRAP="perf record -g -o /tmp/perf.data"` runs our side under
//! that command (its figures then include the profiler).
//!
//! Each measured run is a separate process (this binary re-run as `rust-child`, or the JVM), so
//! its CPU time and peak RSS are its own: the driver samples `/proc/<pid>/status` (VmHWM) while
//! the child runs and reads `utime + stime` from `/proc/<pid>/stat` once it has exited but is not
//! yet reaped. Rounds alternate Rust and Java so load from other processes on the machine falls
//! on both; the load average is printed next to every run.
//!
//! Both producers send `--records` records of `--size` random uppercase letters (as
//! `ProducerPerformance` makes them: a fresh random payload per record, no key) with
//! `acks=all`, `enable.idempotence=true`, `linger.ms=5` and the codec of the run, to a fresh
//! topic per run. Records/s is counted from just after the producer is created until the last
//! record is acknowledged, as `ProducerPerformance` does.

use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::BytesMut;
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::config::{AdminConfig, ProducerConfig};
use kafka_client::producer::{Producer, ProducerRecord};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("rust-child") {
        rust_child(&args[1..])
    } else {
        drive(&args)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("producer-bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Settings {
    records: u64,
    size: usize,
    rounds: u32,
    codecs: Vec<String>,
    partitions: i32,
    only: Option<String>,
}

fn parse_settings(args: &[String]) -> Result<Settings, BoxError> {
    let mut s = Settings {
        records: 5_000_000,
        size: 100,
        rounds: 2,
        codecs: vec!["none".into(), "lz4".into()],
        partitions: 6,
        only: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?
            .as_str();
        match flag.as_str() {
            "--records" => s.records = value.parse()?,
            "--size" => s.size = value.parse()?,
            "--rounds" => s.rounds = value.parse()?,
            "--partitions" => s.partitions = value.parse()?,
            "--only" => s.only = Some(value.to_owned()),
            "--codecs" => s.codecs = value.split(',').map(str::to_owned).collect(),
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(s)
}

/// What one measured process did.
#[derive(Debug, Clone, Copy)]
struct Run {
    records_per_sec: f64,
    cpu_secs: f64,
    peak_rss_kib: u64,
    load: f64,
}

impl Run {
    fn cpu_per_million(&self, records: u64) -> f64 {
        self.cpu_secs * 1e6 / records as f64
    }
}

fn drive(args: &[String]) -> Result<(), BoxError> {
    let s = parse_settings(args)?;
    let kafka = integration_tests::kafka();
    let bootstrap = kafka.bootstrap();
    let peer = integration_tests::JavaPeer::new()?;
    let exe = std::env::current_exe()?;
    let rt = tokio::runtime::Runtime::new()?;
    let admin = Admin::new(AdminConfig::from_properties([(
        "bootstrap.servers",
        bootstrap.as_str(),
    )])?)?;
    println!(
        "broker {bootstrap} (Kafka {}), {} records of {} B, {} partitions, acks=all, idempotent, linger.ms=5",
        integration_tests::kafka_version(),
        s.records,
        s.size,
        s.partitions
    );
    let mut summary = Vec::new();
    for codec in &s.codecs {
        let mut ours = Vec::new();
        let mut java = Vec::new();
        for round in 0..s.rounds {
            // Alternate which goes first so neither always runs on a warmer broker.
            let order: [bool; 2] = if round % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            };
            for is_rust in order {
                let name = if is_rust { "rust" } else { "java" };
                if s.only.as_deref().is_some_and(|o| o != name) {
                    continue;
                }
                let topic = integration_tests::unique_topic("producer-bench");
                rt.block_on(admin.create_topics(&[
                    NewTopic::new(topic.clone(), s.partitions).replication_factor(1),
                ]))?;
                // Both producers start on a topic whose partitions all have leaders, so neither
                // measures leader election.
                rt.block_on(wait_for_leaders(&admin, &topic, s.partitions))?;
                let run = if is_rust {
                    let wrap = std::env::var("PRODUCER_BENCH_WRAP").unwrap_or_default();
                    let mut wrap = wrap.split_whitespace();
                    let mut cmd = match wrap.next() {
                        Some(program) => {
                            let mut c = Command::new(program);
                            c.args(wrap).arg(&exe);
                            c
                        }
                        None => Command::new(&exe),
                    };
                    cmd.args([
                        "rust-child",
                        &bootstrap,
                        &topic,
                        &s.records.to_string(),
                        &s.size.to_string(),
                        codec,
                    ]);
                    measure(cmd, s.records, parse_rust_output)?
                } else {
                    let mut cmd = peer.command("org.apache.kafka.tools.ProducerPerformance");
                    cmd.args([
                        "--topic",
                        &topic,
                        "--num-records",
                        &s.records.to_string(),
                        "--record-size",
                        &s.size.to_string(),
                        "--throughput",
                        "-1",
                        "--producer-props",
                        &format!("bootstrap.servers={bootstrap}"),
                        "acks=all",
                        "enable.idempotence=true",
                        "linger.ms=5",
                        &format!("compression.type={codec}"),
                    ]);
                    measure(cmd, s.records, parse_java_output)?
                };
                println!(
                    "{codec:>5} round {} {:<5} {:>10.0} records/s  {:>6.2} CPU s per 1M records  peak RSS {:>7} KiB  load {:.2}",
                    round + 1,
                    name,
                    run.records_per_sec,
                    run.cpu_per_million(s.records),
                    run.peak_rss_kib,
                    run.load
                );
                if is_rust {
                    ours.push(run);
                } else {
                    java.push(run);
                }
            }
        }
        if !ours.is_empty() && !java.is_empty() {
            summary.push((codec.clone(), best(&ours), best(&java)));
        }
    }
    rt.block_on(admin.close());
    println!();
    println!(
        "best of {} rounds (highest records/s; CPU and RSS of that run)",
        s.rounds
    );
    println!(
        "codec | rust rec/s | java rec/s | x | rust CPU s/1M | java CPU s/1M | x | rust RSS MiB | java RSS MiB | x"
    );
    for (codec, r, j) in summary {
        println!(
            "{codec} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} | {:.1} | {:.3}",
            r.records_per_sec,
            j.records_per_sec,
            r.records_per_sec / j.records_per_sec,
            r.cpu_per_million(s.records),
            j.cpu_per_million(s.records),
            r.cpu_secs / j.cpu_secs,
            r.peak_rss_kib as f64 / 1024.0,
            j.peak_rss_kib as f64 / 1024.0,
            r.peak_rss_kib as f64 / j.peak_rss_kib as f64
        );
    }
    Ok(())
}

async fn wait_for_leaders(admin: &Admin, topic: &str, partitions: i32) -> Result<(), BoxError> {
    for _ in 0..300 {
        let described = admin.describe_topics(&[topic]).await?;
        let led = described
            .first()
            .map_or(0, |t| t.partitions.iter().filter(|p| p.leader >= 0).count());
        if led == partitions as usize {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("{topic}: partitions without a leader after 30 s").into())
}

fn best(runs: &[Run]) -> Run {
    *runs
        .iter()
        .max_by(|a, b| a.records_per_sec.total_cmp(&b.records_per_sec))
        .expect("at least one round")
}

fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(f64::NAN)
}

/// Clock ticks per second of `/proc/<pid>/stat` times.
fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// `(state, utime + stime in ticks)` from `/proc/<pid>/stat`.
fn proc_stat(pid: u32) -> Option<(char, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    // Fields 14 and 15 of stat(5) (utime, stime) are at 11 and 12 after the state (field 3).
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((state, utime + stime))
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `cmd`, sampling its peak RSS while it runs and its CPU time once it has exited.
fn measure(
    mut cmd: Command,
    records: u64,
    parse: fn(&str, u64) -> Result<f64, BoxError>,
) -> Result<Run, BoxError> {
    let load_before = load_average();
    let stdout_path = std::env::temp_dir().join(format!(
        "producer-bench-{}-{}.out",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    let out = std::fs::File::create(&stdout_path)?;
    let mut child = cmd.stdout(out).stderr(Stdio::inherit()).spawn()?;
    let pid = child.id();
    let mut peak = 0;
    let mut cpu_ticks = 0;
    loop {
        if let Some(h) = vm_hwm_kib(pid) {
            peak = peak.max(h);
        }
        match proc_stat(pid) {
            Some(('Z', ticks)) => {
                cpu_ticks = ticks;
                break;
            }
            Some((_, ticks)) => cpu_ticks = ticks,
            None => break,
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = child.wait()?;
    let text = std::fs::read_to_string(&stdout_path)?;
    let _ = std::fs::remove_file(&stdout_path);
    if !status.success() {
        return Err(format!("{cmd:?} exited with {status}; stdout: {text}").into());
    }
    let load = (load_before + load_average()) / 2.0;
    Ok(Run {
        records_per_sec: parse(&text, records)?,
        cpu_secs: cpu_ticks as f64 / clock_ticks(),
        peak_rss_kib: peak,
        load,
    })
}

/// `ProducerPerformance`'s last line: `N records sent, R records/sec (...)`.
fn parse_java_output(text: &str, records: u64) -> Result<f64, BoxError> {
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with(&format!("{records} records sent,")))
        .ok_or_else(|| format!("no total line in ProducerPerformance output: {text}"))?;
    let rate = line
        .split(',')
        .nth(1)
        .and_then(|f| f.split_whitespace().next())
        .ok_or_else(|| format!("no rate in {line:?}"))?;
    Ok(rate.parse()?)
}

/// The child's line: `acked N failed F elapsed_ms T`.
fn parse_rust_output(text: &str, records: u64) -> Result<f64, BoxError> {
    let line = text
        .lines()
        .find(|l| l.starts_with("acked "))
        .ok_or_else(|| format!("no result line in output: {text}"))?;
    let f: Vec<&str> = line.split_whitespace().collect();
    let acked: u64 = f.get(1).ok_or("short line")?.parse()?;
    let failed: u64 = f.get(3).ok_or("short line")?.parse()?;
    let ms: f64 = f.get(5).ok_or("short line")?.parse()?;
    if acked != records || failed != 0 {
        return Err(format!("{acked} of {records} records acknowledged, {failed} failed").into());
    }
    Ok(records as f64 * 1000.0 / ms)
}

/// One measured run of our producer (a separate process so its CPU and RSS are its own).
fn rust_child(args: &[String]) -> Result<(), BoxError> {
    let [bootstrap, topic, records, size, codec] = args else {
        return Err("rust-child <bootstrap> <topic> <records> <size> <codec>".into());
    };
    let records: u64 = records.parse()?;
    let size: usize = size.parse()?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let cfg = ProducerConfig::from_properties([
            ("bootstrap.servers", bootstrap.as_str()),
            ("acks", "all"),
            ("enable.idempotence", "true"),
            ("linger.ms", "5"),
            ("compression.type", codec.as_str()),
        ])?;
        let producer = Producer::new(cfg)?;
        let acked = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let mut rng = XorShift(0x5eed_1234_abcd_0001);
        // Payloads are cut from shared chunks: the bench itself allocates per chunk, not per
        // record (ProducerPerformance reuses one array).
        let per_chunk = 4096;
        let mut chunk = BytesMut::new();
        let mut pending = Vec::with_capacity(per_chunk);
        let mut waiters = Vec::new();
        let started = Instant::now();
        for _ in 0..records {
            if chunk.is_empty() {
                chunk.resize(size * per_chunk, 0);
                rng.fill_letters(&mut chunk);
            }
            let value = chunk.split_to(size).freeze();
            let record = ProducerRecord::new(topic.as_str(), value);
            pending.push(producer.send(record).await?);
            if pending.len() == per_chunk {
                let batch = std::mem::replace(&mut pending, Vec::with_capacity(per_chunk));
                let (acked, failed) = (acked.clone(), failed.clone());
                waiters.push(tokio::spawn(async move {
                    for f in batch {
                        match f.await {
                            Ok(_) => acked.fetch_add(1, Ordering::Relaxed),
                            Err(e) => {
                                if failed.fetch_add(1, Ordering::Relaxed) == 0 {
                                    eprintln!("first failed record: {e}");
                                }
                                0
                            }
                        };
                    }
                }));
            }
        }
        for f in pending {
            match f.await {
                Ok(_) => acked.fetch_add(1, Ordering::Relaxed),
                Err(e) => {
                    if failed.fetch_add(1, Ordering::Relaxed) == 0 {
                        eprintln!("first failed record: {e}");
                    }
                    0
                }
            };
        }
        for w in waiters {
            w.await?;
        }
        producer.flush().await;
        let elapsed = started.elapsed();
        producer.close(Duration::from_secs(5)).await;
        println!(
            "acked {} failed {} elapsed_ms {}",
            acked.load(Ordering::Relaxed),
            failed.load(Ordering::Relaxed),
            elapsed.as_millis()
        );
        Ok::<(), BoxError>(())
    })
}

/// A small xorshift generator: payload letters need no cryptographic quality.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform letters `A..=Z`, four per 64-bit draw (16 bits each, scaled to 0..26 by
    /// multiply-shift), like `ProducerPerformance`'s `nextInt(26) + 65` per byte.
    fn fill_letters(&mut self, out: &mut [u8]) {
        for quad in out.chunks_mut(4) {
            let x = self.next();
            for (i, b) in quad.iter_mut().enumerate() {
                let r = (x >> (16 * i)) & 0xffff;
                *b = b'A' + ((r * 26) >> 16) as u8;
            }
        }
    }
}
