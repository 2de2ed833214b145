//! An exactly-once copier, the test subject of `tests/txn_*.rs`: reads every partition of the
//! input topic (read_committed, from the group's committed offsets), writes each record to the
//! output topic with its key and the value prefixed by `copied:`, and commits the consumed
//! offsets in the same transaction. It may be SIGKILLed at any point; the next run (same
//! transactional id) fences the dead one's epoch, aborts its open transaction and resumes
//! from the offsets the last committed transaction stored.
//!
//! ```text
//! txn-copier BOOTSTRAP INPUT OUTPUT GROUP TRANSACTIONAL_ID [key=value ...]
//!   mode=assign|subscribe   manual assignment of all partitions (default), or a group
//!                           subscription (the group metadata then carries generation and
//!                           member id to TxnOffsetCommit, KIP-447)
//!   instance=ID             group.instance.id (static member) in subscribe mode
//!   exit_when_done=1        exit once every input partition is copied up to its end offset
//!                           as read at start (default 1); 0 runs until killed
//!   commit_ms=N             commit at least every N ms (default 100)
//!   max_txn_records=N       commit after N records (default 2000)
//!   pause_ms=N              sleep N ms after each commit (default 0)
//!   hold_at=N               once `progress` reaches N, stop copying (no transaction open)
//!                           and wait to be killed; lets a test kill mid-copy however fast
//!                           the copier is
//!   phases=1                flush before commit_transaction and print the p50 of each part
//!                           of the commit (offsets, flush, EndTxn) with the stats
//! ```
//!
//! Prints `committed RECORDS` (this run's) and `progress OFFSETS` (the sum of the group's
//! committed input offsets over all partitions, i.e. input records copied by every run so
//! far) after every commit, and on a clean exit a `stats records=.. secs=.. commits=..
//! commit_p50_ms=.. commit_p99_ms=.. cpu_secs=..` line (commit = send offsets + commit;
//! CPU = user + system time of this process) and `done`; exit code 3 means the producer was
//! fenced.

use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;
use std::time::Duration;

use bytes::{BufMut, BytesMut};
use kafka_client::config::{AutoOffsetReset, ConsumerConfig, IsolationLevel, ProducerConfig};
use kafka_client::consumer::{Consumer, OffsetAndMetadata, TopicPartition};
use kafka_client::producer::{
    ConsumerGroupMetadata, Producer, ProducerRecord, TransactionError, TxnState,
};
use tokio::time::Instant;

struct Args {
    bootstrap: String,
    input: String,
    output: String,
    group: String,
    txn_id: String,
    opts: HashMap<String, String>,
}

impl Args {
    fn opt(&self, key: &str, default: u64) -> u64 {
        self.opts
            .get(key)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }
}

fn parse() -> Option<Args> {
    let mut it = std::env::args().skip(1);
    let mut a = Args {
        bootstrap: it.next()?,
        input: it.next()?,
        output: it.next()?,
        group: it.next()?,
        txn_id: it.next()?,
        opts: HashMap::new(),
    };
    for kv in it {
        let (k, v) = kv.split_once('=')?;
        a.opts.insert(k.to_owned(), v.to_owned());
    }
    Some(a)
}

fn main() -> ExitCode {
    let Some(args) = parse() else {
        eprintln!(
            "usage: txn-copier BOOTSTRAP INPUT OUTPUT GROUP TRANSACTIONAL_ID [key=value ...]"
        );
        return ExitCode::from(2);
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(&args)) {
        Ok(()) => {
            println!("done");
            ExitCode::SUCCESS
        }
        Err(Failure::Fenced(e)) => {
            eprintln!("fenced: {e}");
            ExitCode::from(3)
        }
        Err(Failure::Other(e)) => {
            eprintln!("copier failed: {e}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    Fenced(String),
    Other(Box<dyn std::error::Error>),
}

impl<E: std::error::Error + 'static> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Other(Box::new(e))
    }
}

fn txn(e: TransactionError) -> Failure {
    if e.is_fatal() {
        Failure::Fenced(e.to_string())
    } else {
        Failure::Other(Box::new(e))
    }
}

/// This process's CPU time so far (user + system), from `/proc/self/stat`; robust to the
/// machine being shared, unlike wall-clock time. Linux reports it in clock ticks of 1/100 s.
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let mut f = rest.split_whitespace().skip(11);
    let utime: f64 = f.next()?.parse().ok()?;
    let stime: f64 = f.next()?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// The transform: the output value is the input value behind a fixed prefix.
fn transform(value: &[u8]) -> bytes::Bytes {
    let mut b = BytesMut::with_capacity(value.len() + 7);
    b.put_slice(b"copied:");
    b.put_slice(value);
    b.freeze()
}

async fn run(a: &Args) -> Result<(), Failure> {
    let producer = Producer::new(
        ProducerConfig::builder()
            .bootstrap_servers(a.bootstrap.split(',').map(str::to_owned))
            .transactional_id(a.txn_id.clone())
            .transaction_timeout(Duration::from_secs(30))
            .linger(Duration::from_millis(5))
            .build()?,
    )?;
    let r = copy(a, &producer).await;
    eprintln!(
        "transaction protocol v2 (KIP-890): {}",
        producer.transaction_protocol_v2().unwrap_or(false)
    );
    if r.is_err() && matches!(producer.transaction_state(), Some(TxnState::FatalError(_))) {
        // However the failure surfaced (a send, the commit), the producer was fenced.
        return Err(Failure::Fenced(match r {
            Err(Failure::Other(e)) => e.to_string(),
            Err(Failure::Fenced(e)) => e,
            Ok(()) => String::new(),
        }));
    }
    r
}

async fn copy(a: &Args, producer: &Producer) -> Result<(), Failure> {
    let commit_every = Duration::from_millis(a.opt("commit_ms", 100));
    let max_txn_records = a.opt("max_txn_records", 2000) as usize;
    let pause = Duration::from_millis(a.opt("pause_ms", 0));
    let exit_when_done = a.opt("exit_when_done", 1) == 1;
    let subscribe = a.opts.get("mode").is_some_and(|m| m == "subscribe");
    // phases=1: flush before commit_transaction, so the commit's three phases (offsets,
    // flushing the records, EndTxn) are timed apart (diagnostics; printed with the stats).
    let phases = a.opt("phases", 0) == 1;
    let hold_at = a.opts.get("hold_at").and_then(|v| v.parse::<i64>().ok());
    let mut phase_times: Vec<(Duration, Duration)> = Vec::new();
    loop {
        match producer.init_transactions().await {
            Ok(()) => break,
            Err(e @ TransactionError::Timeout { .. }) => {
                eprintln!("init_transactions not finished yet, retrying: {e}");
            }
            Err(e) => return Err(txn(e)),
        }
    }

    let mut cb = ConsumerConfig::builder()
        .bootstrap_servers(a.bootstrap.split(',').map(str::to_owned))
        .group_id(a.group.clone())
        .enable_auto_commit(false)
        .auto_offset_reset(AutoOffsetReset::Earliest)
        .isolation_level(IsolationLevel::ReadCommitted)
        .max_poll_records(500);
    if let Some(id) = a.opts.get("instance") {
        cb = cb.group_instance_id(id.clone());
    }
    let mut consumer = Consumer::new(cb.build()?)?;
    let parts = consumer
        .cluster()
        .wait_for_topic(&a.input, Duration::from_secs(30))
        .await?
        .partitions
        .len() as i32;
    let all: Vec<TopicPartition> = (0..parts)
        .map(|p| TopicPartition::new(a.input.clone(), p))
        .collect();
    let ends = consumer.end_offsets(&all).await?;
    // What earlier runs committed, so `progress` counts every run's copies.
    let mut committed_at: BTreeMap<TopicPartition, i64> = consumer
        .committed(&all)
        .await?
        .into_iter()
        .map(|(tp, om)| (tp, om.offset))
        .collect();
    if subscribe {
        consumer.subscribe([a.input.clone()], None)?;
    } else {
        consumer.assign(all.clone())?;
    }

    let mut in_txn = 0usize;
    let mut txn_started = Instant::now();
    let mut copied_total = 0u64;
    let started = Instant::now();
    let mut commit_times: Vec<Duration> = Vec::new();
    loop {
        let records = consumer.poll(Duration::from_millis(50)).await?;
        if !records.is_empty() && in_txn == 0 {
            producer.begin_transaction().map_err(txn)?;
            txn_started = Instant::now();
        }
        for r in &records {
            let mut out = ProducerRecord {
                topic: a.output.clone(),
                key: r.key.clone(),
                ..Default::default()
            };
            out.value = r.value.as_deref().map(transform);
            // Acks are collected by the commit's flush; a failed record makes it abortable.
            drop(producer.send(out).await?);
        }
        in_txn += records.len();
        if in_txn > 0 && (in_txn >= max_txn_records || txn_started.elapsed() >= commit_every) {
            let offsets: BTreeMap<TopicPartition, OffsetAndMetadata> = consumer.consumed_offsets();
            let group = ConsumerGroupMetadata::of(&consumer)
                .unwrap_or_else(|| ConsumerGroupMetadata::new(a.group.clone()));
            let t0 = Instant::now();
            let sent = async {
                producer
                    .send_offsets_to_transaction(&offsets, &group)
                    .await?;
                if phases {
                    let t1 = Instant::now();
                    producer.flush().await;
                    let t2 = Instant::now();
                    phase_times.push((t1 - t0, t2 - t1));
                }
                loop {
                    match producer.commit_transaction().await {
                        Err(e @ TransactionError::Timeout { .. }) => {
                            eprintln!("commit not finished yet, retrying: {e}");
                        }
                        r => return r,
                    }
                }
            }
            .await;
            match sent {
                Ok(()) => {
                    commit_times.push(t0.elapsed());
                    copied_total += in_txn as u64;
                    for (tp, om) in &offsets {
                        committed_at.insert(tp.clone(), om.offset);
                    }
                    println!("committed {copied_total}");
                    let progress = committed_at.values().sum::<i64>();
                    println!("progress {progress}");
                    if hold_at.is_some_and(|h| progress >= h) {
                        println!("holding");
                        loop {
                            tokio::time::sleep(Duration::from_secs(3600)).await;
                        }
                    }
                }
                Err(e) if e.is_abortable() => {
                    eprintln!("aborting: {e}");
                    producer.abort_transaction().await.map_err(txn)?;
                    // Go back to what the last committed transaction stored.
                    let committed = consumer.committed(&all).await?;
                    for tp in consumer.assignment() {
                        match committed.get(&tp) {
                            Some(om) => consumer.seek(&tp, om.offset)?,
                            None => consumer.seek_to_beginning(std::slice::from_ref(&tp))?,
                        }
                    }
                }
                Err(e) => return Err(txn(e)),
            }
            in_txn = 0;
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
        }
        if exit_when_done && in_txn == 0 {
            let mut done = true;
            for tp in &all {
                let end = ends.get(tp).copied().unwrap_or(0);
                if consumer.assignment().contains(tp) {
                    done &= consumer.position(tp).await? >= end;
                } else if subscribe {
                    done = false;
                }
            }
            if done {
                break;
            }
        }
    }
    if phases {
        let mut offsets: Vec<Duration> = phase_times.iter().map(|p| p.0).collect();
        let mut flushes: Vec<Duration> = phase_times.iter().map(|p| p.1).collect();
        let mut ends: Vec<Duration> = phase_times
            .iter()
            .zip(&commit_times)
            .map(|(p, c)| c.saturating_sub(p.0 + p.1))
            .collect();
        let p50 = |v: &mut Vec<Duration>| {
            v.sort();
            v.get(v.len() / 2).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        println!(
            "phases offsets_p50_ms={:.2} flush_p50_ms={:.2} end_txn_p50_ms={:.2}",
            p50(&mut offsets),
            p50(&mut flushes),
            p50(&mut ends)
        );
    }
    commit_times.sort();
    let pct = |q: usize| {
        commit_times
            .get((commit_times.len() * q / 100).min(commit_times.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "stats records={copied_total} secs={:.3} commits={} commit_p50_ms={:.2} commit_p99_ms={:.2} cpu_secs={:.3}",
        started.elapsed().as_secs_f64(),
        commit_times.len(),
        pct(50),
        pct(99),
        cpu_secs().unwrap_or(f64::NAN)
    );
    producer.close(Duration::from_secs(5)).await;
    let _ = consumer.close().await;
    Ok(())
}
