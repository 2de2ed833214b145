//! Exactly-once consume-transform-produce under process kills, at the scale: the
//! `txn-copier` binary copies 1 000 000 keyed records over 6 partitions and is SIGKILLed at
//! least ten times mid-copy, restarted each time with the same transactional id. Our
//! read_committed consumer and Java's then must both see every input record exactly once in
//! the output, each key's records in input order.
//!
//! Kills are driven by progress, not by the clock, so the test holds on a fast unloaded
//! machine and on a slow shared one alike. The copier reports `progress N` after every
//! commit (N = the group's committed input offsets summed over all partitions, counting every
//! run's copies). The input is cut into eleven equal stretches and one kill threshold is drawn
//! at random inside each of the first ten; run i is killed once its progress passes threshold
//! i, after a random extra 0-150 ms (so the kill lands anywhere in the next transaction:
//! sending, sending offsets, committing). Killed runs are started with `exit_when_done=0` and
//! `hold_at=threshold + N/50` (the copier stops copying there and waits), so none can end on
//! its own or run past its kill window however fast it is, and every kill lands mid-copy.
//! One run in four is also killed during start-up, a random 0-1.5 s after it starts and at
//! the latest right after its first commit (in `init_transactions`, fencing the previous
//! run, or the first transaction); those kills come on top of the ten.
//! A last run copies the rest and exits.

mod txn_support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use integration_tests::{JavaPeer, kafka, unique_topic};
use txn_support::*;

/// Input records; `TXN_EOS_RECORDS` overrides it for a quicker local run (the test prints
/// the count it used).
const N_DEFAULT: usize = 1_000_000;
const KEYS: usize = 1_000;
const KILLS: usize = 10;
/// Hang guard for one copier run (not a speed assertion: a healthy run is killed or done
/// long before).
const RUN_LIMIT: Duration = Duration::from_secs(900);

/// Ten kill thresholds, one drawn inside each of the first ten of eleven equal stretches of
/// the input, so they are increasing and the last leaves a whole stretch to copy.
fn thresholds(rng: &mut Rng, n: usize) -> Vec<i64> {
    let stretch = (n / (KILLS + 1)) as u64;
    (0..KILLS as u64)
        .map(|i| (i * stretch + rng.below(stretch)) as i64)
        .collect()
}

#[test]
fn copier_killed_ten_times_copies_every_record_exactly_once_in_key_order() {
    let started = Instant::now();
    let n: usize = std::env::var("TXN_EOS_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(N_DEFAULT);
    eprintln!("{n} input records, {KEYS} keys, {KILLS} kills");
    let bootstrap = kafka().bootstrap();
    let rt = runtime();
    let input = unique_topic("txn-eos-in");
    let output = unique_topic("txn-eos-out");
    let group = unique_topic("txn-eos-group");
    let txn_id = unique_topic("txn-eos-copier");
    rt.block_on(async {
        create_topic(&bootstrap, &input, 6, 1).await;
        create_topic(&bootstrap, &output, 6, 1).await;
    });
    let peer = JavaPeer::new().expect("Java peer");
    // Java's producer writes the input quickly; what is under test is the copier.
    produce_input_java(&peer, &bootstrap, &input, n, KEYS);
    eprintln!("{n} input records written after {:?}", started.elapsed());

    let mut rng = Rng::seeded();
    let thresholds = thresholds(&mut rng, n);
    let slack = (n / 50) as i64;
    let mut kills = 0;
    let mut startup_kills = 0;
    let mut runs = 0;
    for (i, &threshold) in thresholds.iter().enumerate() {
        let hold = format!("hold_at={}", threshold + slack);
        let killed_run = ["exit_when_done=0", "commit_ms=100", hold.as_str()];
        // One run in four is also killed during start-up (at the latest at its first commit).
        if rng.below(4) == 0 {
            runs += 1;
            let mut w = Watched::spawn(&bootstrap, &input, &output, &group, &txn_id, &killed_run);
            let after = Duration::from_millis(rng.below(1500));
            let until = Instant::now() + after;
            while Instant::now() < until && w.progress() < 0 {
                w.assert_running("before a start-up kill");
                std::thread::sleep(Duration::from_millis(5));
            }
            let at = w.progress();
            w.kill();
            startup_kills += 1;
            eprintln!("run {runs}: killed during start-up after {after:?} (progress {at})");
        }
        runs += 1;
        let mut w = Watched::spawn(&bootstrap, &input, &output, &group, &txn_id, &killed_run);
        let deadline = Instant::now() + RUN_LIMIT;
        while w.progress() < threshold {
            w.assert_running(&format!("before kill {} of {KILLS}", i + 1));
            assert!(
                Instant::now() < deadline,
                "run {runs} made no progress to {threshold} (at {}) within {RUN_LIMIT:?}: {}",
                w.progress(),
                w.printed()
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        // A random extra delay places the kill anywhere in the next transaction (the copier
        // holds still if it gets a fiftieth of the input further meanwhile).
        let extra = Duration::from_millis(rng.below(151));
        let until = Instant::now() + extra;
        while Instant::now() < until && w.progress() < threshold + slack {
            w.assert_running(&format!("before kill {} of {KILLS}", i + 1));
            std::thread::sleep(Duration::from_millis(2));
        }
        let at = w.progress();
        w.kill();
        kills += 1;
        eprintln!(
            "run {runs}: kill {kills} at progress {at} (threshold {threshold}, +{extra:?}) \
             after {:?}",
            started.elapsed()
        );
        assert!(
            (at as usize) < n,
            "kill {kills} did not land mid-copy (progress {at} of {n})"
        );
    }
    // The last run copies whatever is left and exits cleanly.
    runs += 1;
    let w = Watched::spawn(
        &bootstrap,
        &input,
        &output,
        &group,
        &txn_id,
        &["commit_ms=100"],
    );
    let progress = w.progress.clone();
    let (code, out, printed) = w.wait(RUN_LIMIT);
    assert_eq!(code, Some(0), "final copier run: {printed}");
    assert!(
        out.ends_with("done\n"),
        "final run did not finish: {printed}"
    );
    assert_eq!(
        progress.load(Ordering::SeqCst),
        n as i64,
        "the final run's last commit covers the whole input"
    );
    eprintln!(
        "{runs} runs, {kills} progress kills + {startup_kills} start-up kills; copy done \
         after {:?}",
        started.elapsed()
    );
    assert!(kills >= KILLS);

    let ours = rt.block_on(read_committed_ours(&bootstrap, &output));
    assert_exactly_once("our read_committed consumer", &ours, n, KEYS);
    let java = read_committed_java(&peer, &bootstrap, &output);
    assert_exactly_once("Java read_committed consumer", &java, n, KEYS);
    assert_eq!(ours, java, "ours and Java's read the same committed output");
    eprintln!("verified after {:?}", started.elapsed());
}
