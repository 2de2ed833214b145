//! What TLS costs our producer: the same load over the fixture broker's PLAINTEXT, SSL and
//! SASL_SSL (SCRAM-SHA-512) listeners, each run a separate process.
//!
//! ```text
//! cargo run --release -p integration-tests --features tls --bin tls-bench -- \
//!     [--records 1000000] [--size 100] [--rounds 2]
//! ```
//!
//! Each run sends `--records` records of `--size` bytes (no key) with `acks=all`,
//! `enable.idempotence=true`, `linger.ms=5`, no compression, to a fresh 6-partition topic.
//! Records/s counts from just after the producer is created to the last acknowledgement; CPU
//! is the child's own `utime + stime` (`/proc/self/stat`) and peak RSS its `VmHWM`, read when it
//! is done. Rounds rotate the order of the listeners so machine load falls on all of them.

use std::process::{Command, ExitCode};
use std::time::Instant;

use integration_tests::{SASL_USERS, kafka, unique_topic};
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::config::{AdminConfig, ProducerConfig};
use kafka_client::producer::{Producer, ProducerRecord};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const LISTENERS: [&str; 3] = ["PLAINTEXT", "SSL", "SASL_SSL"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("child") {
        child(&args[1..])
    } else {
        drive(&args)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tls-bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The producer properties of a listener, beyond `bootstrap.servers`.
fn security(listener: &str, ca: &str) -> Vec<(String, String)> {
    let mut p = vec![("security.protocol".to_owned(), listener.to_owned())];
    if listener.ends_with("SSL") {
        p.push(("ssl.truststore.type".into(), "PEM".into()));
        p.push(("ssl.truststore.location".into(), ca.into()));
    }
    if listener == "SASL_SSL" {
        let u = SASL_USERS[0];
        p.push(("sasl.mechanism".into(), "SCRAM-SHA-512".into()));
        p.push(("sasl.username".into(), u.name.into()));
        p.push(("sasl.password".into(), u.password.into()));
    }
    p
}

fn drive(args: &[String]) -> Result<(), BoxError> {
    let (mut records, mut size, mut rounds) = (1_000_000u64, 100usize, 2u32);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--records" => records = value.parse()?,
            "--size" => size = value.parse()?,
            "--rounds" => rounds = value.parse()?,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    let k = kafka();
    let ca = k.ca_pem_path()?.display().to_string();
    let rt = tokio::runtime::Runtime::new()?;
    let admin = Admin::new(AdminConfig::from_properties([(
        "bootstrap.servers",
        k.bootstrap().as_str(),
    )])?)?;
    println!(
        "{records} records of {size} B, 6 partitions, acks=all, idempotent, linger.ms=5, no compression"
    );
    println!("| listener | round | records/s | CPU s per 1M records | peak RSS | load |");
    println!("|---|---|---|---|---|---|");
    for round in 0..rounds {
        for i in 0..LISTENERS.len() {
            let listener = LISTENERS[(i + round as usize) % LISTENERS.len()];
            let bootstrap = match listener {
                "PLAINTEXT" => k.bootstrap(),
                "SSL" => k.ssl_bootstrap()?,
                _ => k.sasl_ssl_bootstrap()?,
            };
            let topic = unique_topic("tls-bench");
            rt.block_on(admin.create_topics(&[NewTopic::new(&topic, 6)]))?;
            let out = Command::new(std::env::current_exe()?)
                .args(["child", &bootstrap, &topic, listener, &ca])
                .args([records.to_string(), size.to_string()])
                .output()?;
            if !out.status.success() {
                return Err(format!(
                    "{listener} run failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                )
                .into());
            }
            let line = String::from_utf8_lossy(&out.stdout);
            let f: Vec<f64> = line
                .split_whitespace()
                .map(str::parse)
                .collect::<Result<_, _>>()?;
            let [rate, cpu, rss_kib] = f[..] else {
                return Err(format!("bad child output {line:?}").into());
            };
            println!(
                "| {listener} | {} | {rate:.0} | {:.2} | {:.0} MB | {:.1} |",
                round + 1,
                cpu * 1e6 / records as f64,
                rss_kib / 1024.0,
                load()
            );
        }
    }
    Ok(())
}

fn child(args: &[String]) -> Result<(), BoxError> {
    let [bootstrap, topic, listener, ca, records, size] = args else {
        return Err("child takes bootstrap topic listener ca records size".into());
    };
    let (records, size): (u64, usize) = (records.parse()?, size.parse()?);
    let mut b = ProducerConfig::builder().bootstrap_servers([bootstrap.clone()]);
    for (k, v) in security(listener, ca) {
        b = b.set(&k, &v)?;
    }
    b = b.set("linger.ms", "5")?;
    let rt = tokio::runtime::Runtime::new()?;
    let rate = rt.block_on(async {
        let p = Producer::new(b.build()?)?;
        let start = Instant::now();
        let payload = bytes::Bytes::from(vec![b'K'; size]);
        let mut pending = std::collections::VecDeque::new();
        for _ in 0..records {
            pending.push_back(p.send(ProducerRecord::new(topic, payload.clone())).await?);
            // Keep the acknowledgement futures bounded; the producer's buffer.memory is the
            // real backpressure.
            while pending.len() > 100_000 {
                if let Some(f) = pending.pop_front() {
                    f.await?;
                }
            }
        }
        for f in pending {
            f.await?;
        }
        let rate = records as f64 / start.elapsed().as_secs_f64();
        p.close(std::time::Duration::from_secs(10)).await;
        Ok::<_, BoxError>(rate)
    })?;
    println!("{rate} {} {}", own_cpu_secs()?, peak_rss_kib()?);
    Ok(())
}

/// `utime + stime` of this process in seconds.
fn own_cpu_secs() -> Result<f64, BoxError> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let after = stat.rsplit_once(')').ok_or("bad /proc/self/stat")?.1;
    let mut f = after.split_whitespace().skip(11);
    let (utime, stime) = (f.next(), f.next());
    let ticks: f64 =
        utime.ok_or("no utime")?.parse::<f64>()? + stime.ok_or("no stime")?.parse::<f64>()?;
    // USER_HZ is 100 on Linux.
    Ok(ticks / 100.0)
}

fn peak_rss_kib() -> Result<f64, BoxError> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .ok_or("no VmHWM")?;
    Ok(line.split_whitespace().nth(1).ok_or("bad VmHWM")?.parse()?)
}

fn load() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}
