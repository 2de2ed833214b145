//! Client metrics as comparable rows, for tests that hold our clients' metrics against the Java
//! clients' (`MetricsPeer`, `ConsumerMetricsPeer` print theirs one per line).

use std::collections::BTreeMap;

/// Metrics by `(group, name, tags)`, each with its value and description.
pub type MetricsTable = BTreeMap<(String, String, BTreeMap<String, String>), (f64, String)>;

/// Reads the peers' lines: group, name, tags (`k=v` joined by `,`), value and description,
/// separated by tabs. A value Java prints as `NaN` (or anything not a number) reads as NaN.
///
/// ```
/// let t = integration_tests::parse_metrics_table(
///     "producer-metrics\trecord-send-total\tclient-id=p\t42.0\tThe total number of records sent.\n",
/// );
/// let ((group, name, tags), (value, _)) = t.iter().next().unwrap();
/// assert_eq!((group.as_str(), name.as_str(), tags["client-id"].as_str(), *value), ("producer-metrics", "record-send-total", "p", 42.0));
/// ```
pub fn parse_metrics_table(out: &str) -> MetricsTable {
    out.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.splitn(5, '\t').collect();
            let [group, name, tags, value, description] = f[..] else {
                return None;
            };
            let tags = tags
                .split(',')
                .filter_map(|t| t.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            Some((
                (group.to_owned(), name.to_owned(), tags),
                (value.parse().unwrap_or(f64::NAN), description.to_owned()),
            ))
        })
        .collect()
}

/// One client's `<prefix>-node-metrics`: by `node-id` tag (`node-1`, `node--1`), each metric's
/// value and description by name.
pub type NodeTable = BTreeMap<String, BTreeMap<String, (f64, String)>>;

/// The rows of `group` in `t` by their `node-id` tag. Panics on a row not tagged exactly
/// `client-id` and `node-id`, or with a `node-id` that is not `node-<id>`, `node--<n>` or
/// `node-+<id>` (Java's connection ids: broker, bootstrap server, group coordinator), since those
/// are what dashboards key on.
pub fn node_table(t: &MetricsTable, group: &str) -> NodeTable {
    let mut nodes = NodeTable::new();
    for ((g, name, tags), (value, description)) in t {
        if g != group {
            continue;
        }
        let keys: Vec<&str> = tags.keys().map(String::as_str).collect();
        assert_eq!(keys, ["client-id", "node-id"], "{g}:{name} tags {tags:?}");
        let node = &tags["node-id"];
        assert!(
            node.strip_prefix("node-")
                .map(|id| id.strip_prefix('+').unwrap_or(id))
                .is_some_and(|id| id.parse::<i32>().is_ok()),
            "{g}:{name}: node-id {node:?} is not node-<id>"
        );
        nodes
            .entry(node.clone())
            .or_default()
            .insert(name.clone(), (*value, description.clone()));
    }
    nodes
}

/// How closely [`assert_node_metrics_as_javas`] holds each side's node totals to its
/// client-level totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Totals {
    /// Equal: the client was idle when its table was read, so every frame counted at one level
    /// is counted at the other.
    Exact,
    /// Within two frames (and 5% of the bytes): a background request (a heartbeat, a prefetch)
    /// may move between reading the client-level row and the node rows.
    Settling,
}

/// Holds our `<prefix>-node-metrics` against Java's, both read from live clients:
///
/// * names and descriptions: every node of Java's has the same set, and every node of ours has
///   exactly that set (nothing missing, nothing extra), tagged `client-id` and `node-id`;
/// * semantics on both sides: the nodes' `request-total`, `response-total`,
///   `outgoing-byte-total` and `incoming-byte-total` add up to the client-level ones in
///   `<prefix>-metrics` (every connection belongs to a node), and each node's request sizes are
///   consistent with its bytes;
/// * on every node both sides have: `request-latency-avg` is a number in ours exactly when it
///   is in Java's (the same requests are timed), and then `max >= avg`.
///
/// Which nodes appear may legitimately differ (a client that learns the brokers before its
/// first call talks to `node-1` where another uses the bootstrap `node--1`); the callers check
/// the node ids they expect. Returns both sides' tables for further checks.
pub fn assert_node_metrics_as_javas(
    ours: &MetricsTable,
    java: &MetricsTable,
    prefix: &str,
    totals: Totals,
) -> (NodeTable, NodeTable) {
    let group = format!("{prefix}-node-metrics");
    let (o, j) = (node_table(ours, &group), node_table(java, &group));
    let names = |n: &BTreeMap<String, (f64, String)>| -> BTreeMap<String, String> {
        n.iter().map(|(k, (_, d))| (k.clone(), d.clone())).collect()
    };
    let reference = names(j.values().next().expect("Java registered no node metrics"));
    assert_eq!(reference.len(), 12, "Java's node metrics: {reference:?}");
    for (node, m) in &j {
        assert_eq!(names(m), reference, "Java's {node}");
    }
    assert!(!o.is_empty(), "ours registered no {group}");
    for (node, m) in &o {
        assert_eq!(names(m), reference, "ours, {node}: names and descriptions");
    }
    let client_group = format!("{prefix}-metrics");
    for (side, table, nodes) in [("ours", ours, &o), ("Java's", java, &j)] {
        for name in [
            "request-total",
            "response-total",
            "outgoing-byte-total",
            "incoming-byte-total",
        ] {
            let client = table
                .iter()
                .find(|((g, n, _), _)| *g == client_group && n == name)
                .map(|(_, (v, _))| *v)
                .unwrap_or_else(|| panic!("{side} {client_group}:{name} missing"));
            let sum: f64 = nodes.values().map(|m| m[name].0).sum();
            let slack = match totals {
                Totals::Exact => 0.0,
                Totals::Settling if name.ends_with("byte-total") => client * 0.05,
                Totals::Settling => 2.0,
            };
            assert!(
                (sum - client).abs() <= slack,
                "{side}: {name} of the nodes add up to {sum}, the client's is {client}"
            );
        }
        for (node, m) in nodes.iter() {
            let v = |name: &str| m[name].0;
            if v("request-total") > 0.0 {
                assert!(v("outgoing-byte-total") > 0.0, "{side} {node}");
                assert!(
                    v("request-size-max") >= v("request-size-avg"),
                    "{side} {node}"
                );
                // A request frame holds at least its size prefix and header.
                assert!(v("request-size-avg") > 4.0, "{side} {node}");
            }
            if v("response-total") > 0.0 {
                assert!(v("incoming-byte-total") > 0.0, "{side} {node}");
            }
        }
    }
    for (node, m) in &o {
        let Some(theirs) = j.get(node) else { continue };
        let (avg, max) = (m["request-latency-avg"].0, m["request-latency-max"].0);
        let java_avg = theirs["request-latency-avg"].0;
        assert_eq!(
            avg.is_nan(),
            java_avg.is_nan(),
            "{node}: our request-latency-avg {avg}, Java's {java_avg}"
        );
        if !avg.is_nan() {
            assert!(avg > 0.0 && max >= avg, "{node}: avg {avg}, max {max}");
        }
    }
    (o, j)
}
