//! Crash consistency: a child process writing to redb stores is SIGKILLed at random points; on
//! reopen each store's checkpoint describes exactly its data, and every commit the child saw
//! return is durable.
//!
//! The child is this test binary re-invoked to run only `crash_writer_child` with
//! `STREAMS_CORE_CRASH_DIR` set.

use std::io::{BufRead, BufReader, Write};
use std::ops::Bound;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use streams_core::config::StoreCommitPolicy;
use streams_core::state::key_schema::{KeySchema, split_window_key, window_key};
use streams_core::state::{KeyValueBytesStore, RedbBytesStore, SegmentedBytesStore};

const DIR_VAR: &str = "STREAMS_CORE_CRASH_DIR";
/// Records per commit.
const BATCH: i64 = 200;

fn value(i: i64) -> Vec<u8> {
    format!("{i:0>64}").into_bytes()
}

fn open(
    dir: &Path,
    policy: StoreCommitPolicy,
) -> (RedbBytesStore, SegmentedBytesStore<RedbBytesStore>) {
    let kv = RedbBytesStore::open(&dir.join("kv.redb"), policy).unwrap();
    let win = SegmentedBytesStore::new(
        RedbBytesStore::open(&dir.join("window.redb"), policy).unwrap(),
        KeySchema::Window,
        i64::MAX / 4,
        1_000,
    )
    .unwrap();
    (kv, win)
}

/// Writes batches to both stores, committing each with its checkpoint (window store first) and
/// printing `COMMIT <checkpoint>` once both commits returned.
fn write(dir: &Path, commits: usize) {
    let policy = StoreCommitPolicy {
        every_writes: u64::MAX,
        every: None,
    };
    let (mut kv, mut win) = open(dir, policy);
    let mut next = kv.checkpoint().map_or(0, |c| c + 1);
    let mut out = std::io::stdout().lock();
    for _ in 0..commits {
        for _ in 0..BATCH {
            kv.put(
                Bytes::from(next.to_be_bytes().to_vec()),
                Some(Bytes::from(value(next))),
                next,
            )
            .unwrap();
            win.put(
                window_key(b"k", next, 0),
                Some(Bytes::from(value(next))),
                next,
            )
            .unwrap();
            next += 1;
        }
        win.commit(Some(next - 1), true).unwrap();
        kv.commit(Some(next - 1), true).unwrap();
        writeln!(out, "COMMIT {}", next - 1).unwrap();
        out.flush().unwrap();
    }
}

/// In a child (with the variable set) writes until killed; otherwise writes a few commits in
/// process and checks them, so it also tests the writer itself.
#[test]
fn crash_writer_child() {
    if let Ok(dir) = std::env::var(DIR_VAR) {
        write(Path::new(&dir), 2_000);
        return;
    }
    let dir = std::env::temp_dir().join(format!("sc-crash-inproc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    write(&dir, 3);
    assert_eq!(check(&dir), 3 * BATCH - 1);
    write(&dir, 1);
    assert_eq!(check(&dir), 4 * BATCH - 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// xorshift, seeded from the clock: kill points differ run to run; the seed is printed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn check(dir: &Path) -> i64 {
    let (mut kv, mut win) = open(dir, StoreCommitPolicy::default());
    let checkpoint = kv.checkpoint().unwrap_or(-1);
    let all = kv.range(Bound::Unbounded, Bound::Unbounded, false).unwrap();
    assert_eq!(
        all.len() as i64,
        checkpoint + 1,
        "kv holds exactly the records up to its checkpoint"
    );
    for (i, (k, v)) in all.iter().enumerate() {
        assert_eq!(&k[..], &(i as i64).to_be_bytes());
        assert_eq!(&v[..], &value(i as i64)[..]);
    }
    // The window store commits first, so it may be one batch ahead of the kv store, never behind;
    // its own checkpoint always matches its data.
    let wc = win.checkpoint().unwrap_or(-1);
    assert!(
        wc >= checkpoint,
        "window checkpoint {wc} behind kv checkpoint {checkpoint}"
    );
    let entries = win
        .range(Bound::Unbounded, Bound::Unbounded, false)
        .unwrap();
    assert_eq!(
        entries.len() as i64,
        wc + 1,
        "window store holds exactly the records up to its checkpoint"
    );
    for (i, (k, v)) in entries.iter().enumerate() {
        let (key, ts, seq) = split_window_key(k).unwrap();
        assert_eq!((key, ts, seq), (&b"k"[..], i as i64, 0));
        assert_eq!(&v[..], &value(i as i64)[..]);
    }
    checkpoint
}

#[test]
fn sigkilled_writer_leaves_consistent_stores_and_checkpoints() {
    let bin = std::env::current_exe().unwrap();
    let dir = std::env::temp_dir().join(format!("sc-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let seed = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("crash test seed {seed}");
    let mut rng = Rng(seed);
    let mut last_durable = -1;
    for round in 0..8 {
        let mut child = Command::new(&bin)
            .args([
                "--exact",
                "crash_writer_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(DIR_VAR, &dir)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map(Result::unwrap)
            .filter_map(|l| l.strip_prefix("COMMIT ").map(|n| n.parse::<i64>().unwrap()));
        // Wait (without a deadline) for a first acknowledged commit, then let it run a random
        // while longer (possibly zero) and kill it mid-write.
        let mut acknowledged = lines.next().expect("child committed");
        std::thread::sleep(Duration::from_micros(rng.next() % 40_000));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        // Lines printed before the kill landed: those commits returned too.
        if let Some(last) = lines.last() {
            acknowledged = last;
        }
        let checkpoint = check(&dir);
        println!(
            "round {round}: last acknowledged {acknowledged}, checkpoint after kill {checkpoint}"
        );
        assert!(
            checkpoint >= acknowledged,
            "round {round}: commit {acknowledged} was acknowledged but checkpoint is {checkpoint}"
        );
        assert!(checkpoint >= last_durable, "checkpoints never go back");
        last_durable = checkpoint;
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
