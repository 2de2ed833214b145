//! The admin client's metrics against a real broker and against Kafka's own Java admin client
//! making the same call: every metric we register must exist in Java's `metrics()` under the
//! same group, tag keys and description, and the network counts must describe what happened.

use std::collections::{BTreeMap, BTreeSet};

use integration_tests::{
    JavaPeer, MetricsTable, Totals, assert_node_metrics_as_javas, kafka, parse_metrics_table,
    runtime,
};
use kafka_client::admin::Admin;
use kafka_client::config::AdminConfig;

const GROUP: &str = "admin-client-metrics";
const CLIENT_ID: &str = "admin-metrics-test";

fn get(t: &MetricsTable, name: &str) -> f64 {
    t.iter()
        .find(|((g, n, _), _)| g == GROUP && n == name)
        .map(|(_, (v, _))| *v)
        .unwrap_or_else(|| panic!("{GROUP}:{name} is not registered"))
}

#[test]
fn admin_metrics_are_named_as_javas_and_count_the_calls() {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let rt = runtime();

    let admin = Admin::new(
        AdminConfig::builder()
            .bootstrap_servers(bootstrap.split(',').map(str::to_owned))
            .set("client.id", CLIENT_ID)
            .expect("client.id")
            .build()
            .expect("admin config"),
    )
    .expect("admin");
    let before = admin.metrics();
    assert!(
        before
            .iter()
            .any(|m| m.name.name == "connection-count" && m.value == 0.0),
        "no connection before the first call"
    );
    let ours: MetricsTable = rt.block_on(async {
        let cluster = admin.describe_cluster().await.expect("describe cluster");
        assert!(!cluster.brokers.is_empty());
        let table = admin
            .metrics()
            .into_iter()
            .map(|m| {
                (
                    (m.name.group, m.name.name, m.name.tags),
                    (m.value, m.description.to_owned()),
                )
            })
            .collect();
        admin.close().await;
        table
    });
    let java = parse_metrics_table(
        &peer
            .run_class(
                "AdminMetricsPeer",
                &[bootstrap.clone(), format!("client.id={CLIENT_ID}")],
            )
            .expect("AdminMetricsPeer"),
    );
    assert!(
        java.len() > 20,
        "Java printed too few metrics: {}",
        java.len()
    );

    // Every metric of ours is one of Java's: same group, tag keys and description.
    let java_names: BTreeMap<(String, String, BTreeSet<String>), String> = java
        .iter()
        .map(|((g, n, tags), (_, d))| {
            (
                (g.clone(), n.clone(), tags.keys().cloned().collect()),
                d.clone(),
            )
        })
        .collect();
    for ((g, n, tags), (_, d)) in &ours {
        assert_eq!(tags.get("client-id").map(String::as_str), Some(CLIENT_ID));
        let key = (g.clone(), n.clone(), tags.keys().cloned().collect());
        match java_names.get(&key) {
            Some(java_description) => assert_eq!(d, java_description, "description of {g}:{n}"),
            None => panic!("{g}:{n} with tags {:?} is not one of Java's metrics", key.2),
        }
    }
    assert!(ours.len() >= 25, "ours registers {} metrics", ours.len());

    // What the call did: at least one connection, a version exchange and the DescribeCluster,
    // every request answered, and PLAINTEXT needs no authentication to count.
    for (side, t) in [("ours", &ours), ("Java", &java)] {
        let created = get(t, "connection-creation-total");
        assert!(created >= 1.0, "{side}: {created} connections");
        assert_eq!(
            get(t, "connection-count"),
            created - get(t, "connection-close-total"),
            "{side}"
        );
        assert!(get(t, "request-total") >= 2.0, "{side}");
        assert_eq!(get(t, "request-total"), get(t, "response-total"), "{side}");
        assert_eq!(get(t, "successful-authentication-total"), 0.0, "{side}");
        assert!(get(t, "outgoing-byte-total") > 0.0, "{side}");
        assert!(get(t, "incoming-byte-total") > 0.0, "{side}");
    }
    assert_eq!(
        get(&ours, "network-io-total"),
        get(&ours, "request-total") + get(&ours, "response-total")
    );

    // Per node (`admin-client-node-metrics`), both clients idle after their call.
    let (o_nodes, j_nodes) =
        assert_node_metrics_as_javas(&ours, &java, "admin-client", Totals::Exact);
    println!("node metrics, ours: {o_nodes:?}\nJava's: {j_nodes:?}");
    // Java's admin client fetches metadata from the bootstrap server before describing the
    // cluster to a broker it names; ours sends DescribeCluster to the bootstrap server
    // directly, so it may have fewer nodes, never others.
    for node in o_nodes.keys() {
        assert!(
            j_nodes.contains_key(node),
            "{node} is not one of Java's nodes"
        );
    }
    // The admin client times every call it made.
    for (node, m) in &o_nodes {
        if m["request-total"].0 > 1.0 {
            assert!(m["request-latency-avg"].0 > 0.0, "{node}");
        }
    }
}
