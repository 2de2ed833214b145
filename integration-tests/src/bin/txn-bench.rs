//! Transactional copier benchmark: our `txn-copier` against the same loop written with Kafka's
//! Java clients (`TxnVerifyPeer copy`), one run each on the same fresh single-node broker, a
//! commit every 100 ms, then again with transactions capped at 2,000 records (same-size
//! transactions for both). Prints each side's records/s, records per commit, p50/p99 commit
//! latency (send offsets plus commit), CPU time and the ratios.
//!
//! ```text
//! cargo build --release -p integration-tests --bins && target/release/txn-bench [RECORDS [COPIER_OPT ...]]
//! ```

use std::process::{Command, ExitCode};
use std::time::Duration;

use integration_tests::{ClusterSpec, JavaPeer, KafkaCluster, unique_topic};
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::config::AdminConfig;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("txn-bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One copier's `stats ...` line.
#[derive(Clone, Copy)]
struct Stats {
    records: f64,
    secs: f64,
    commits: f64,
    p50: f64,
    p99: f64,
    cpu_secs: f64,
}

fn stats(out: &str) -> Option<Stats> {
    let line = out.lines().find(|l| l.starts_with("stats "))?;
    let field = |name: &str| -> Option<f64> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))?
            .parse()
            .ok()
    };
    Some(Stats {
        records: field("records")?,
        secs: field("secs")?,
        commits: field("commits")?,
        p50: field("commit_p50_ms")?,
        p99: field("commit_p99_ms")?,
        cpu_secs: field("cpu_secs")?,
    })
}

fn show(who: &str, s: Stats) {
    println!(
        "{who:5} {:.0} records in {:.2} s = {:.0} records/s; {:.0} commits ({:.0} records each); \
         commit p50 {:.1} ms, p99 {:.1} ms; CPU {:.2} s = {:.0} records per CPU second",
        s.records,
        s.secs,
        s.records / s.secs,
        s.commits,
        s.records / s.commits.max(1.0),
        s.p50,
        s.p99,
        s.cpu_secs,
        s.records / s.cpu_secs
    );
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(200_000);
    let cluster = KafkaCluster::start(ClusterSpec::single())?;
    let bootstrap = cluster.bootstrap();
    let input = unique_topic("txn-bench-in");
    // Two scenarios: a commit every 100 ms (however many records that takes in), and a
    // commit every 100 ms or 2,000 records, whichever comes first, so both copiers commit
    // transactions of the same size and their commit latencies compare like for like.
    let scenarios: [(&str, Option<u64>); 2] = [
        ("every 100 ms", None),
        ("every 100 ms or 2000 records", Some(2000)),
    ];
    let outputs: Vec<(String, String)> = scenarios
        .iter()
        .map(|_| {
            (
                unique_topic("txn-bench-out-rust"),
                unique_topic("txn-bench-out-java"),
            )
        })
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        let admin = Admin::new(
            AdminConfig::builder()
                .bootstrap_servers([bootstrap.as_str()])
                .build()?,
        )?;
        let mut topics = vec![NewTopic::new(&input, 6)];
        for (r, j) in &outputs {
            topics.push(NewTopic::new(r, 6));
            topics.push(NewTopic::new(j, 6));
        }
        admin.create_topics(&topics).await?;
        let names: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
        // Leaders are elected shortly after CreateTopics answers.
        for _ in 0..100 {
            match admin.describe_topics(&names).await {
                Ok(d) if d.iter().all(|t| t.partitions.iter().all(|p| p.leader >= 0)) => break,
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    // The input is written by Java's producer (keys `key-i`, values `value-i`): our producer
    // stalled on a 200k-record send loop in this release build (reported, not fixed here).
    let peer = JavaPeer::new()?;
    peer.produce(&bootstrap, &input, n, &[("linger.ms", "5")])?;
    println!(
        "{n} input records (distinct keys, 6 partitions) on Kafka {}",
        cluster.version()
    );

    let copier = std::env::current_exe()?.with_file_name("txn-copier");
    for ((name, max_records), (out_rust, out_java)) in scenarios.iter().zip(&outputs) {
        println!("commit {name}:");
        // Java parses it as a long.
        let max = max_records.unwrap_or(i64::MAX as u64);
        let out = Command::new(&copier)
            .args([
                bootstrap.as_str(),
                &input,
                out_rust,
                &unique_topic("txn-bench-group-rust"),
                &unique_topic("txn-bench-id-rust"),
                "commit_ms=100",
                &format!("max_txn_records={max}"),
            ])
            // Extra `key=value` arguments go to our copier (e.g. `phases=1`).
            .args(std::env::args().skip(2))
            .output()?;
        let rust_out = String::from_utf8_lossy(&out.stdout).into_owned();
        if let Some(line) = rust_out.lines().find(|l| l.starts_with("phases ")) {
            println!("rust  {line}");
        }
        let ours = stats(&rust_out).ok_or_else(|| {
            format!(
                "our copier printed no stats: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })?;

        let java_out = peer.run_class(
            "TxnVerifyPeer",
            &[
                "copy".into(),
                bootstrap.clone(),
                input.clone(),
                out_java.clone(),
                unique_topic("txn-bench-group-java"),
                unique_topic("txn-bench-id-java"),
                "100".into(),
                max.to_string(),
            ],
        )?;
        let java = stats(&java_out).ok_or("the Java copier printed no stats")?;
        show("rust", ours);
        show("java", java);
        println!(
            "rust/java: throughput {:.2}x, records per CPU second {:.2}x, commit p50 {:.2}x, commit p99 {:.2}x",
            (ours.records / ours.secs) / (java.records / java.secs),
            (ours.records / ours.cpu_secs) / (java.records / java.cpu_secs),
            ours.p50 / java.p50,
            ours.p99 / java.p99
        );
    }
    Ok(())
}
