//! The project demo: start Apache Kafka on loopback, send records through it, read them back.
//!
//! Until the Rust producer and consumer land (see the README's status table) the records are
//! written and read by Kafka's own Java client, driven from Rust; the broker is the project's
//! fixture: Apache Kafka in KRaft mode from Maven Central's jars, on free ports, with a fresh data
//! directory that is removed when the demo ends.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use integration_tests::{ClusterSpec, JavaPeer, KafkaCluster, unique_topic};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    println!(
        "starting Apache Kafka {} (KRaft, single node) ...",
        integration_tests::kafka_version()
    );
    let cluster = KafkaCluster::start(ClusterSpec::single())?;
    println!(
        "broker ready at {} after {:.1?}",
        cluster.bootstrap(),
        started.elapsed()
    );

    let peer = JavaPeer::new()?;
    let topic = unique_topic("demo");
    let n = 10;
    let acks = peer.produce(
        &cluster.bootstrap(),
        &topic,
        n,
        &[("compression.type", "zstd")],
    )?;
    println!(
        "produced {} records to {topic} (zstd), offsets {}..={}",
        acks.len(),
        acks[0].1,
        acks[n - 1].1
    );

    let records = peer.consume(
        &cluster.bootstrap(),
        &topic,
        n,
        Duration::from_secs(60),
        &[],
    )?;
    for r in &records {
        let text = |b: &Option<Vec<u8>>| {
            b.as_deref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_else(|| "null".into())
        };
        println!(
            "  p{} @{} ts={} {} => {}",
            r.partition,
            r.offset,
            r.timestamp,
            text(&r.key),
            text(&r.value)
        );
    }
    if records.len() != n {
        return Err(format!("read back {} of {n} records", records.len()).into());
    }
    println!(
        "round trip of {n} records done in {:.1?}; stopping the broker",
        started.elapsed()
    );
    drop(cluster);
    Ok(())
}
