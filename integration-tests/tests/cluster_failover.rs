//! The 3-node cluster: replication factor 3, min.insync.replicas 2, and a node killed and restarted.

use std::time::Duration;

use integration_tests::{ClusterSpec, JavaPeer, KafkaCluster, api_versions, unique_topic};

#[test]
fn a_killed_node_is_gone_while_acks_all_writes_continue_and_it_comes_back() {
    let mut cluster = KafkaCluster::start(ClusterSpec::three_nodes()).expect("3-node cluster");
    let nodes = cluster.nodes();
    assert_eq!(nodes.len(), 3);
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("failover");
    let acks_all = [("acks", "all"), ("delivery.timeout.ms", "60000")];
    peer.produce(&cluster.bootstrap(), &topic, 20, &acks_all)
        .expect("produce with 3 nodes");

    cluster.kill(2);
    assert!(!cluster.is_running(2));
    assert!(
        api_versions(&nodes[1].plaintext, Duration::from_secs(2)).is_err(),
        "a killed node must not answer"
    );
    // Two of three replicas remain, which satisfies min.insync.replicas=2.
    let survivors = format!("{},{}", nodes[0].plaintext, nodes[2].plaintext);
    peer.produce(&survivors, &topic, 20, &acks_all)
        .expect("produce with node 2 down");

    cluster.restart(2).expect("node 2 restarts");
    assert!(cluster.is_running(2));
    let answer = api_versions(&nodes[1].plaintext, Duration::from_secs(5)).expect("node 2 answers");
    assert_eq!(answer.error_code, 0);
    let all = peer
        .consume(
            &nodes[1].plaintext,
            &topic,
            40,
            Duration::from_secs(60),
            &[],
        )
        .expect("all 40 records readable through the restarted node");
    assert_eq!(all.len(), 40);
}
