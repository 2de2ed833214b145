//! Zombie fencing: a second producer (or copier) with the same transactional id fences the
//! first; the first's open transaction is aborted, its next operation fails fatally, and no
//! duplicate reaches read_committed consumers.

mod txn_support;

use std::time::Duration;

use integration_tests::{kafka, unique_topic};
use kafka_client::config::ProducerConfig;
use kafka_client::producer::{Producer, ProducerRecord, TransactionError, TxnState};
use txn_support::*;

fn txn_producer(bootstrap: &str, id: &str) -> Producer {
    Producer::new(
        ProducerConfig::builder()
            .bootstrap_servers([bootstrap])
            .transactional_id(id)
            .max_block(Duration::from_secs(20))
            .build()
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn newer_producer_fences_older_and_aborts_its_open_transaction() {
    let bootstrap = kafka().bootstrap();
    let rt = runtime();
    let topic = unique_topic("txn-fence");
    let id = unique_topic("txn-fence-id");
    rt.block_on(async {
        create_topic(&bootstrap, &topic, 2, 1).await;
        let old = txn_producer(&bootstrap, &id);
        old.init_transactions().await.expect("init old");
        old.begin_transaction().unwrap();
        let mut acks = Vec::new();
        for i in 0..10 {
            let r = ProducerRecord::new(&topic, format!("zombie-{i}")).key(format!("k{i}"));
            acks.push(old.send(r).await.expect("zombie send"));
        }
        for a in acks {
            a.await.expect("zombie records are written (uncommitted)");
        }

        let new = txn_producer(&bootstrap, &id);
        new.init_transactions().await.expect("init new fences old");
        new.begin_transaction().unwrap();
        for i in 0..10 {
            let r = ProducerRecord::new(&topic, format!("live-{i}")).key(format!("k{i}"));
            drop(new.send(r).await.expect("live send"));
        }
        new.commit_transaction().await.expect("commit new");

        // The zombie learns it is fenced at its next transactional request.
        let err = old
            .commit_transaction()
            .await
            .expect_err("fenced commit must fail");
        assert!(err.is_fatal(), "fenced commit is fatal, got {err:?}");
        assert!(matches!(
            old.transaction_state(),
            Some(TxnState::FatalError(_))
        ));
        assert!(matches!(
            old.begin_transaction(),
            Err(TransactionError::Fatal(_))
        ));
        let send = old.send(ProducerRecord::new(&topic, "after-fence")).await;
        assert!(send.is_err(), "a fenced producer cannot send");
        new.close(Duration::from_secs(5)).await;
        old.close(Duration::from_secs(1)).await;
    });
    let out = rt.block_on(read_committed_ours(&bootstrap, &topic));
    let mut values: Vec<String> = out.into_iter().map(|(_, _, v)| v).collect();
    values.sort();
    let mut want: Vec<String> = (0..10).map(|i| format!("live-{i}")).collect();
    want.sort();
    assert_eq!(
        values, want,
        "only the live producer's records are committed"
    );
}

#[test]
fn second_copier_with_the_same_id_fences_the_first_without_duplicates() {
    const N: usize = 20_000;
    const KEYS: usize = 200;
    let bootstrap = kafka().bootstrap();
    let rt = runtime();
    let input = unique_topic("txn-zombie-in");
    let output = unique_topic("txn-zombie-out");
    let group = unique_topic("txn-zombie-group");
    let id = unique_topic("txn-zombie-copier");
    rt.block_on(async {
        create_topic(&bootstrap, &input, 6, 1).await;
        create_topic(&bootstrap, &output, 6, 1).await;
        produce_input(&bootstrap, &input, N, KEYS).await;
    });
    let slow = ["max_txn_records=200", "commit_ms=50", "pause_ms=100"];
    let mut first = Watched::spawn(&bootstrap, &input, &output, &group, &id, &slow);
    // The second copier starts once the first has committed, however slow the machine; the
    // first, paced at 200 records a transaction with a pause after each, still has most of
    // the input to copy then.
    let deadline = std::time::Instant::now() + Duration::from_secs(240);
    while first.progress() < 0 {
        first.assert_running("before its first commit");
        assert!(
            std::time::Instant::now() < deadline,
            "the first copier never committed: {}",
            first.printed()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let second = spawn_copier(&bootstrap, &input, &output, &group, &id, &["commit_ms=100"]);
    let (code2, out2, err2) = finish_within(second, Duration::from_secs(240));
    assert_eq!(code2, Some(0), "second copier: {out2} {err2}");
    let (code1, out1, printed1) = first.wait(Duration::from_secs(60));
    assert_eq!(
        code1,
        Some(3),
        "the first copier must end fenced: {printed1}"
    );
    assert!(
        out1.lines().any(|l| l.starts_with("committed")),
        "the first copier committed before it was fenced: {printed1}"
    );
    let ours = rt.block_on(read_committed_ours(&bootstrap, &output));
    assert_exactly_once("our read_committed consumer", &ours, N, KEYS);
}
