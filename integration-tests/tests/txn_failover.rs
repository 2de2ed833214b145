//! Broker failover under exactly-once: on a three-node cluster the copier runs while the broker
//! hosting its transaction coordinator is SIGKILLed; the coordinator moves, the copier goes on
//! and the run completes with every input record exactly once in the output, in key order.

mod txn_support;

use std::io::{BufRead, BufReader};
use std::time::Duration;

use integration_tests::{ClusterSpec, JavaPeer, KafkaCluster, unique_topic};
use kafka_client::config::ProducerConfig;
use kafka_client::producer::Producer;
use kafka_protocol::messages::find_coordinator_request::FindCoordinatorRequest;
use txn_support::*;

const N: usize = 30_000;
const KEYS: usize = 300;

/// The node id of the transaction coordinator of `id`, asking until one is available (the
/// first lookup creates `__transaction_state`).
async fn txn_coordinator(bootstrap: &str, id: &str) -> i32 {
    let p = Producer::new(
        ProducerConfig::builder()
            .bootstrap_servers(bootstrap.split(',').map(str::to_owned))
            .build()
            .unwrap(),
    )
    .unwrap();
    let req = FindCoordinatorRequest {
        key_type: 1,
        coordinator_keys: vec![id.to_owned()],
        ..Default::default()
    };
    for _ in 0..300 {
        if let Ok(conn) = p.cluster().any_broker().await
            && let Ok(resp) = conn.send_version(&req, 4).await
            && let Some(c) = resp.coordinators.first()
            && c.error_code == 0
        {
            p.close(Duration::ZERO).await;
            return c.node_id;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no transaction coordinator for {id}");
}

#[test]
fn killing_the_transaction_coordinator_mid_run_keeps_exactly_once() {
    let mut cluster = KafkaCluster::start(ClusterSpec::three_nodes()).expect("3-node cluster");
    let bootstrap = cluster.bootstrap();
    let rt = runtime();
    let input = unique_topic("txn-failover-in");
    let output = unique_topic("txn-failover-out");
    let group = unique_topic("txn-failover-group");
    let id = unique_topic("txn-failover-copier");
    let coordinator = rt.block_on(async {
        create_topic(&bootstrap, &input, 6, 3).await;
        create_topic(&bootstrap, &output, 6, 3).await;
        produce_input(&bootstrap, &input, N, KEYS).await;
        txn_coordinator(&bootstrap, &id).await
    });
    eprintln!("transaction coordinator of {id}: node {coordinator}");

    let slow = ["max_txn_records=300", "commit_ms=50", "pause_ms=100"];
    let mut copier = spawn_copier(&bootstrap, &input, &output, &group, &id, &slow);
    // Kill once the copier is well into the copy (a few transactions committed).
    let stdout = copier.stdout.take().expect("copier stdout");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut lines = Vec::new();
    while lines
        .iter()
        .filter(|l: &&String| l.starts_with("committed"))
        .count()
        < 5
    {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(l) => lines.push(l),
            Err(e) => panic!("copier made no progress before the kill ({e}): {lines:?}"),
        }
    }
    cluster.kill(coordinator as u32);
    eprintln!("killed node {coordinator} after {} commits", lines.len());
    let (code, _, err) = finish_within(copier, Duration::from_secs(240));
    reader.join().expect("stdout reader");
    lines.extend(rx.try_iter());
    let out = lines.join("\n") + "\n";
    assert_eq!(
        code,
        Some(0),
        "copier across the failover: stdout {out} stderr {err}"
    );
    assert!(out.ends_with("done\n"), "copier did not finish: {out}");
    let after = rt.block_on(txn_coordinator(&bootstrap, &id));
    assert_ne!(
        after, coordinator,
        "the coordinator moved off the killed node"
    );

    let ours = rt.block_on(read_committed_ours(&bootstrap, &output));
    assert_exactly_once("our read_committed consumer", &ours, N, KEYS);
    let peer = JavaPeer::new().expect("Java peer");
    let java = read_committed_java(&peer, &bootstrap, &output);
    assert_exactly_once("Java read_committed consumer", &java, N, KEYS);
}
