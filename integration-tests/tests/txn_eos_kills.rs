//! Exactly-once consume-transform-produce under process kills: the `txn-copier` binary copies
//! a keyed 6-partition topic and is SIGKILLed at random points at least ten times, restarted
//! each time with the same transactional id. Our read_committed consumer and Java's then
//! must both see every input record exactly once in the output, each key's records in order.
//!
//! Scale: the issue asks for 1M records; a debug build of the copier on the shared 2-core
//! machine copies this test's 80 000 records (800 keys); transactions of at most 100 records with a
//! 150 ms pause between them cap a killed run at about 1 200 records, so all ten kills land
//! mid-copy on a fast machine too; the final, unpaused run copies the rest.

mod txn_support;

use std::time::Duration;

use integration_tests::{JavaPeer, kafka, unique_topic};
use txn_support::*;

const N: usize = 80_000;
const KEYS: usize = 800;
const KILLS: usize = 10;

#[test]
fn copier_killed_ten_times_copies_every_record_exactly_once_in_key_order() {
    let bootstrap = kafka().bootstrap();
    let rt = runtime();
    let input = unique_topic("txn-eos-in");
    let output = unique_topic("txn-eos-out");
    let group = unique_topic("txn-eos-group");
    let txn_id = unique_topic("txn-eos-copier");
    rt.block_on(async {
        create_topic(&bootstrap, &input, 6, 1).await;
        create_topic(&bootstrap, &output, 6, 1).await;
        produce_input(&bootstrap, &input, N, KEYS).await;
    });

    let mut rng = Rng::seeded();
    let mut kills = 0;
    let mut runs = 0;
    // Small transactions with a pause between them keep a debug-build copy running long
    // enough for every kill to land mid-copy.
    let opts = ["max_txn_records=100", "commit_ms=50", "pause_ms=150"];
    while kills < KILLS {
        runs += 1;
        let mut child = spawn_copier(&bootstrap, &input, &output, &group, &txn_id, &opts);
        let after = Duration::from_millis(300 + rng.below(1500));
        std::thread::sleep(after);
        match child.try_wait().expect("copier status") {
            None => {
                child.kill().expect("SIGKILL the copier");
                let (_, out, _) = finish(child);
                let committed = out.lines().filter(|l| l.starts_with("committed")).count();
                eprintln!("run {runs}: killed after {after:?} and {committed} commits");
                kills += 1;
            }
            Some(status) => {
                let (_, out, err) = finish(child);
                panic!(
                    "copier ended on its own ({status}) before kill {} of {KILLS}: \
                     stdout {out} stderr {err}",
                    kills + 1
                );
            }
        }
    }
    // The last run copies whatever is left and exits cleanly.
    let child = spawn_copier(
        &bootstrap,
        &input,
        &output,
        &group,
        &txn_id,
        &["commit_ms=100"],
    );
    let (code, out, err) = finish_within(child, Duration::from_secs(240));
    assert_eq!(code, Some(0), "final copier run: stdout {out} stderr {err}");
    assert!(out.ends_with("done\n"), "final run did not finish: {out}");

    let ours = rt.block_on(read_committed_ours(&bootstrap, &output));
    assert_exactly_once("our read_committed consumer", &ours, N, KEYS);
    let peer = JavaPeer::new().expect("Java peer");
    let java = read_committed_java(&peer, &bootstrap, &output);
    assert_exactly_once("Java read_committed consumer", &java, N, KEYS);
    assert_eq!(ours, java, "ours and Java's read the same committed output");
}
