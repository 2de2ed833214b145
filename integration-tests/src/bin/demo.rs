//! The project demo: start Apache Kafka on loopback, produce records with the Rust producer, read
//! them back with the Rust fetch reader and with Kafka's own Java consumer.
//!
//! The broker is the project's fixture: Apache Kafka in KRaft mode from Maven Central's jars, on
//! free ports, with a fresh data directory that is removed when the demo ends. The Java consumer is
//! there as the referee: it proves what we wrote is what Kafka's own client reads.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use bytes::Bytes;
use integration_tests::{ClusterSpec, JavaPeer, KafkaCluster, unique_topic};
use kafka_client::config::ProducerConfig;
use kafka_client::fetch::fetch_partition;
use kafka_client::producer::{Producer, ProducerRecord};

const RECORDS: usize = 10;

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
    let bootstrap = cluster.bootstrap();
    println!(
        "broker ready at {bootstrap} after {:.1?}",
        started.elapsed()
    );
    let topic = unique_topic("demo");

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let fetched = rt.block_on(async {
        let cfg = ProducerConfig::builder()
            .bootstrap_servers([bootstrap.clone()])
            .set("compression.type", "zstd")?
            .build()?;
        let producer = Producer::new(cfg)?;
        let mut acks = Vec::with_capacity(RECORDS);
        for i in 0..RECORDS {
            let record = ProducerRecord::new(topic.as_str(), format!("value-{i}"))
                .key(format!("key-{i}"))
                .header("seq", Some(Bytes::from(i.to_string())));
            acks.push(producer.send(record).await?);
        }
        for (i, ack) in acks.into_iter().enumerate() {
            let md = ack.await?;
            println!(
                "  sent key-{i} -> partition {} offset {}",
                md.partition, md.offset
            );
        }
        producer.flush().await;
        let fetched =
            fetch_partition(producer.cluster(), &topic, 0, 0, Duration::from_secs(5)).await?;
        producer.close(Duration::from_secs(5)).await;
        Ok::<_, Box<dyn std::error::Error>>(fetched)
    })?;
    println!("Rust fetch read {} records back:", fetched.records.len());
    for r in &fetched.records {
        let text = |b: &Option<Bytes>| {
            b.as_deref().map_or_else(
                || "null".into(),
                |b| String::from_utf8_lossy(b).into_owned(),
            )
        };
        println!("  @{} {} => {}", r.offset, text(&r.key), text(&r.value));
    }

    let java =
        JavaPeer::new()?.consume(&bootstrap, &topic, RECORDS, Duration::from_secs(60), &[])?;
    let agree = java.len() == fetched.records.len()
        && java.iter().zip(&fetched.records).all(|(j, r)| {
            j.offset == r.offset
                && j.key.as_deref() == r.key.as_deref()
                && j.value.as_deref() == r.value.as_deref()
        });
    println!(
        "Kafka's Java consumer read {} records; {}",
        java.len(),
        if agree {
            "identical to what Rust read"
        } else {
            "DIFFERENT from what Rust read"
        }
    );
    if fetched.records.len() != RECORDS || !agree {
        return Err(format!(
            "expected {RECORDS} identical records from both readers, got {} (Rust) and {} (Java)",
            fetched.records.len(),
            java.len()
        )
        .into());
    }
    println!(
        "round trip done in {:.1?}; stopping the broker",
        started.elapsed()
    );
    drop(cluster);
    Ok(())
}
