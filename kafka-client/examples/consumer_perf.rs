//! Consumer throughput: reads `COUNT` records of every partition of `TOPIC` from the beginning
//! with [`Consumer`] (manual assignment, default fetch settings) and prints the rate, in the
//! spirit of Java's `ConsumerPerformance`.
//!
//! ```text
//! cargo run --release -p kafka-client --example consumer_perf -- BOOTSTRAP TOPIC COUNT
//! ```
//! Prints `records=N seconds=S records_per_sec=R mb_per_sec=M` (value and key bytes).

use std::time::{Duration, Instant};

use kafka_client::config::{AutoOffsetReset, ConsumerConfig};
use kafka_client::consumer::{Consumer, TopicPartition};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [bootstrap, topic, count] = args.as_slice() else {
        eprintln!("usage: consumer_perf BOOTSTRAP TOPIC COUNT");
        std::process::exit(2);
    };
    let count: usize = count.parse()?;
    let config = ConsumerConfig::builder()
        .bootstrap_servers([bootstrap.as_str()])
        .auto_offset_reset(AutoOffsetReset::Earliest)
        .build()?;
    let mut consumer = Consumer::new(config)?;
    let start = Instant::now();
    let topic_md = consumer
        .cluster()
        .wait_for_topic(topic, Duration::from_secs(30))
        .await?;
    consumer.assign(
        topic_md
            .partitions
            .iter()
            .map(|p| TopicPartition::new(topic.clone(), p.partition)),
    )?;
    let (mut records, mut bytes) = (0usize, 0usize);
    while records < count {
        for r in consumer.poll(Duration::from_secs(1)).await? {
            records += 1;
            bytes +=
                r.value.as_ref().map_or(0, |v| v.len()) + r.key.as_ref().map_or(0, |k| k.len());
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "records={records} seconds={secs:.3} records_per_sec={:.0} mb_per_sec={:.2}",
        records as f64 / secs,
        bytes as f64 / secs / 1_048_576.0
    );
    consumer.close().await?;
    Ok(())
}
