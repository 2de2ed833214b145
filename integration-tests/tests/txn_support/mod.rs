//! Shared by the `txn_*` tests: topics, keyed input, the copier process, and read_committed
//! verifiers (ours and Java's) that check exactly-once output with per-key order.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use integration_tests::JavaPeer;
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::config::{
    AdminConfig, AutoOffsetReset, ConsumerConfig, IsolationLevel, ProducerConfig,
};
use kafka_client::consumer::{Consumer, TopicPartition};
use kafka_client::producer::{Producer, ProducerRecord};

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

pub(crate) async fn create_topic(bootstrap: &str, topic: &str, partitions: i32, rf: i16) {
    let admin = Admin::new(
        AdminConfig::builder()
            .bootstrap_servers(bootstrap.split(',').map(str::to_owned))
            .build()
            .unwrap(),
    )
    .unwrap();
    admin
        .create_topics(&[NewTopic::new(topic, partitions).replication_factor(rf)])
        .await
        .expect("create topic");
    for _ in 0..100 {
        if let Ok(d) = admin.describe_topics(&[topic]).await
            && d[0].partitions.len() == partitions as usize
            && d[0].partitions.iter().all(|p| p.leader >= 0)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("topic {topic} has no leaders");
}

/// Key of input record `i`.
pub(crate) fn key_of(i: usize, keys: usize) -> String {
    format!("k{}", i % keys)
}

/// Writes `n` records over `keys` keys: record `i` has key `k{i % keys}` and value
/// `k{i % keys}:{i / keys}` (the key's own sequence number).
pub(crate) async fn produce_input(bootstrap: &str, topic: &str, n: usize, keys: usize) {
    let producer = Producer::new(
        ProducerConfig::builder()
            .bootstrap_servers(bootstrap.split(',').map(str::to_owned))
            .linger(Duration::from_millis(5))
            .build()
            .unwrap(),
    )
    .unwrap();
    let mut acks = Vec::with_capacity(n);
    for i in 0..n {
        let key = key_of(i, keys);
        let value = format!("{key}:{}", i / keys);
        acks.push(
            producer
                .send(ProducerRecord::new(topic, value).key(key))
                .await
                .expect("send input"),
        );
    }
    for a in acks {
        a.await.expect("input acked");
    }
    producer.close(Duration::from_secs(5)).await;
}

/// The same input as [`produce_input`], written by Java's producer (`TxnVerifyPeer
/// produce-keyed`): quicker for the million records of the kill test.
pub(crate) fn produce_input_java(
    peer: &JavaPeer,
    bootstrap: &str,
    topic: &str,
    n: usize,
    keys: usize,
) {
    let out = peer
        .run_class(
            "TxnVerifyPeer",
            &[
                "produce-keyed".into(),
                bootstrap.into(),
                topic.into(),
                n.to_string(),
                keys.to_string(),
            ],
        )
        .expect("Java keyed producer");
    assert_eq!(out.trim(), format!("produced {n}"), "Java keyed producer");
}

/// Every record of `topic` as `(partition, key, value)`, read with our consumer at
/// read_committed from the beginning up to the last stable offsets, partition by partition.
pub(crate) async fn read_committed_ours(
    bootstrap: &str,
    topic: &str,
) -> Vec<(i32, String, String)> {
    let mut consumer = Consumer::new(
        ConsumerConfig::builder()
            .bootstrap_servers(bootstrap.split(',').map(str::to_owned))
            .auto_offset_reset(AutoOffsetReset::Earliest)
            .isolation_level(IsolationLevel::ReadCommitted)
            .build()
            .unwrap(),
    )
    .unwrap();
    let parts = consumer
        .cluster()
        .wait_for_topic(topic, Duration::from_secs(30))
        .await
        .expect("topic")
        .partitions
        .len() as i32;
    let all: Vec<TopicPartition> = (0..parts).map(|p| TopicPartition::new(topic, p)).collect();
    consumer.assign(all.clone()).unwrap();
    consumer.seek_to_beginning(&all).unwrap();
    let ends = consumer.end_offsets(&all).await.expect("end offsets");
    let mut by_part: BTreeMap<i32, Vec<(i32, String, String)>> = BTreeMap::new();
    // A hang guard sized for the million-record test, not a speed check.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(600);
    loop {
        let mut done = true;
        for tp in &all {
            done &= consumer.position(tp).await.expect("position") >= ends[tp];
        }
        if done {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "our read_committed consumer did not reach {ends:?}"
        );
        for r in consumer
            .poll(Duration::from_millis(200))
            .await
            .expect("poll")
        {
            let s = |b: &Option<bytes::Bytes>| {
                b.as_deref()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default()
            };
            by_part
                .entry(r.partition)
                .or_default()
                .push((r.partition, s(&r.key), s(&r.value)));
        }
    }
    let _ = consumer.close().await;
    by_part.into_values().flatten().collect()
}

/// The same as [`read_committed_ours`], with Java's consumer.
pub(crate) fn read_committed_java(
    peer: &JavaPeer,
    bootstrap: &str,
    topic: &str,
) -> Vec<(i32, String, String)> {
    let out = peer
        .run_class(
            "TxnVerifyPeer",
            &[
                "dump".into(),
                bootstrap.into(),
                topic.into(),
                "600000".into(),
            ],
        )
        .expect("Java read_committed dump");
    out.lines()
        .map(|l| {
            let mut f = l.splitn(3, '\t');
            let p = f.next().unwrap().parse().expect("partition");
            (
                p,
                f.next().unwrap_or("").to_owned(),
                f.next().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Checks that `out` holds each of the `n` input records exactly once, transformed, with each
/// key's records in input order (and each key in one partition).
pub(crate) fn assert_exactly_once(who: &str, out: &[(i32, String, String)], n: usize, keys: usize) {
    let mut per_key: HashMap<&str, (i32, Vec<usize>)> = HashMap::new();
    for (p, k, v) in out {
        let seq = v
            .strip_prefix("copied:")
            .and_then(|rest| rest.strip_prefix(k.as_str()))
            .and_then(|rest| rest.strip_prefix(':'))
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("{who}: unexpected output record {k:?} -> {v:?}"));
        let e = per_key.entry(k).or_insert((*p, Vec::new()));
        assert_eq!(e.0, *p, "{who}: key {k} appears in two partitions");
        e.1.push(seq);
    }
    assert_eq!(per_key.len(), keys.min(n), "{who}: number of keys");
    for (k, (_, seqs)) in &per_key {
        let idx: usize = k[1..].parse().unwrap();
        let expected = n / keys + usize::from(idx < n % keys);
        let want: Vec<usize> = (0..expected).collect();
        if *seqs != want {
            let dups = seqs.len() as i64 - expected as i64;
            panic!(
                "{who}: key {k} has {} records for {expected} inputs (excess {dups}); first \
                 difference at {:?}",
                seqs.len(),
                seqs.iter().zip(&want).position(|(a, b)| a != b)
            );
        }
    }
    assert_eq!(out.len(), n, "{who}: total output records");
}

/// Starts the copier binary.
pub(crate) fn spawn_copier(
    bootstrap: &str,
    input: &str,
    output: &str,
    group: &str,
    txn_id: &str,
    opts: &[&str],
) -> Child {
    Command::new(env!("CARGO_BIN_EXE_txn-copier"))
        .args([bootstrap, input, output, group, txn_id])
        .args(opts)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn txn-copier")
}

/// A running copier whose output is read by threads: the latest `progress` it reported, and
/// the rest of its stdout and its stderr (for failure messages).
pub(crate) struct Watched {
    child: Child,
    pub(crate) progress: Arc<AtomicI64>,
    out: Arc<Mutex<String>>,
    err: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

impl Watched {
    pub(crate) fn spawn(
        bootstrap: &str,
        input: &str,
        output: &str,
        group: &str,
        txn_id: &str,
        opts: &[&str],
    ) -> Watched {
        let mut child = spawn_copier(bootstrap, input, output, group, txn_id, opts);
        let progress = Arc::new(AtomicI64::new(-1));
        let out = Arc::new(Mutex::new(String::new()));
        let err = Arc::new(Mutex::new(String::new()));
        let stdout = child.stdout.take().expect("copier stdout");
        let stderr = child.stderr.take().expect("copier stderr");
        let (p, o) = (progress.clone(), out.clone());
        let stdout_reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(n) = line
                    .strip_prefix("progress ")
                    .and_then(|n| n.parse::<i64>().ok())
                {
                    p.fetch_max(n, Ordering::SeqCst);
                } else {
                    let mut o = o.lock().unwrap();
                    o.push_str(&line);
                    o.push('\n');
                }
            }
        });
        // Drained so a chatty copier never blocks on a full pipe.
        let e = err.clone();
        let stderr_reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut e = e.lock().unwrap();
                e.push_str(&line);
                e.push('\n');
            }
        });
        Watched {
            child,
            progress,
            out,
            err,
            readers: vec![stdout_reader, stderr_reader],
        }
    }

    /// The latest progress reported by this run; -1 before its first commit.
    pub(crate) fn progress(&self) -> i64 {
        self.progress.load(Ordering::SeqCst)
    }

    /// Everything the copier printed so far but its progress lines.
    pub(crate) fn printed(&self) -> String {
        format!(
            "stdout:\n{}stderr:\n{}",
            self.out.lock().unwrap(),
            self.err.lock().unwrap()
        )
    }

    /// Panics (with everything the copier printed) if the copier has exited.
    pub(crate) fn assert_running(&mut self, what: &str) {
        if let Some(status) = self.child.try_wait().expect("copier status") {
            for r in self.readers.drain(..) {
                let _ = r.join();
            }
            panic!(
                "copier ended on its own ({status}) {what}; {}",
                self.printed()
            );
        }
    }

    /// SIGKILLs the copier and reaps it.
    pub(crate) fn kill(mut self) {
        self.child.kill().expect("SIGKILL the copier");
        self.child.wait().expect("reap the copier");
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
    }

    /// Waits for the copier to exit (killing it after `limit`); returns the exit code, its
    /// stdout (progress lines left out) and everything it printed.
    pub(crate) fn wait(mut self, limit: Duration) -> (Option<i32>, String, String) {
        let deadline = Instant::now() + limit;
        let code = loop {
            if let Some(status) = self.child.try_wait().expect("copier status") {
                break status.code();
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        let out = self.out.lock().unwrap().clone();
        (code, out, self.printed())
    }
}

/// Waits for `child` and returns (exit code, stdout, stderr).
pub(crate) fn finish(child: Child) -> (Option<i32>, String, String) {
    let out = child.wait_with_output().expect("wait for copier");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Waits at most `limit` for `child`; a copier still running then is killed (and reported
/// with exit code `None`), so a hang fails the test with the copier's output instead of
/// blocking it.
pub(crate) fn finish_within(mut child: Child, limit: Duration) -> (Option<i32>, String, String) {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if child.try_wait().expect("copier status").is_some() {
            return finish(child);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let (_, out, err) = finish(child);
    (None, out, err)
}

/// A small xorshift generator so kill points vary per run without a dependency.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn seeded() -> Rng {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1;
        eprintln!("kill schedule seed {seed}");
        Rng(seed)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}
