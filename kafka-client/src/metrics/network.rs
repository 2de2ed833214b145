//! The network layer's client-level metrics, under the names and descriptions Java's
//! `Selector.SelectorMetrics` registers in `<prefix>-metrics` (`producer-metrics`,
//! `consumer-metrics`), tagged `client-id`.
//!
//! Java's selector records a byte count per socket read or write and a request or response per
//! completed frame. Our connections hand whole frames to a buffered writer and read whole frames,
//! so here one network operation is one frame written or read: `network-io-total` is requests
//! plus responses, which is what Java's count comes to when each frame moves in one operation.
//!
//! Each connection also records into the sensors of its node, in `<prefix>-node-metrics`
//! tagged `client-id` and `node-id` (`node-1`; a bootstrap server `node--1`, `node--2`, … in
//! configured order; a consumer's group coordinator `node-+1`), as Java's
//! `SelectorMetrics.maybeRegisterConnectionMetrics` keeps them: registered the first time a
//! connection to that node gets as far as a TCP connect, at `INFO`, and kept for the client's
//! life, across reconnects, since Java removes them only when the client closes. Their
//! `request-latency-*` time the responses Java's clients time: Produce (producer), Fetch
//! (consumer), every call (admin).
//!
//! Not registered: the metrics of Java's single I/O thread (`select-*`, `io-wait-*`,
//! `io-time-*`, `io-ratio`), which have no counterpart where tokio drives every socket.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Kind, MetricName, Metrics, RecordingLevel, Sensor, lock, meter};

/// Which round trips a client's node sensors time in `request-latency-avg` / `-max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timed {
    /// Responses of this API key only (Java's producer: Produce; its consumer: Fetch).
    Api(i16),
    /// Every response to a request the client made (Java's admin client times each call).
    All,
}

/// The sensors every connection of one client records into.
#[derive(Debug)]
pub(crate) struct NetworkMetrics {
    closed: Sensor,
    created: Sensor,
    authenticated: Sensor,
    auth_failed: Sensor,
    bytes_sent: Sensor,
    requests: Sensor,
    bytes_received: Sensor,
    responses: Sensor,
    /// Java's `bytes-sent-received`, the parent of the byte sensors: one event per frame moved.
    io: Sensor,
    /// Connections open now (`connection-count`).
    live: Arc<AtomicI64>,
    /// Where node sensors are registered, and under which group and client id.
    registry: Metrics,
    node_group: String,
    client_id: String,
    timed: Timed,
    /// Every node's sensors since its first connection; Java keeps them until the client closes.
    nodes: Mutex<HashMap<String, Arc<NodeMetrics>>>,
}

/// The sensors of one node (`<prefix>-node-metrics`, `node-id=node-<id>`), shared by every
/// connection ever made to it.
#[derive(Debug)]
pub(crate) struct NodeMetrics {
    bytes_sent: Sensor,
    requests: Sensor,
    bytes_received: Sensor,
    responses: Sensor,
    latency: Sensor,
    timed: Timed,
}

impl NodeMetrics {
    /// A whole request frame of `bytes` (size prefix included) went to this node.
    pub(crate) fn sent(&self, bytes: usize) {
        let b = bytes as f64;
        self.bytes_sent.record(b);
        self.requests.record(b);
    }

    /// A whole response frame of `bytes` (size prefix included) came from this node.
    pub(crate) fn received(&self, bytes: usize) {
        let b = bytes as f64;
        self.bytes_received.record(b);
        self.responses.record(b);
    }

    /// Whether responses of `api_key` are timed into `request-latency-*`.
    pub(crate) fn times(&self, api_key: i16) -> bool {
        match self.timed {
            Timed::All => true,
            Timed::Api(k) => k == api_key,
        }
    }

    /// A timed request's response arrived `elapsed` after the request was made.
    pub(crate) fn latency(&self, elapsed: Duration) {
        self.latency.record(elapsed.as_secs_f64() * 1000.0);
    }
}

impl NetworkMetrics {
    /// Registers the metrics of client `client_id` in `<prefix>-metrics` of `registry`
    /// (`prefix`: `producer`, `consumer`, `admin-client`); its nodes' sensors, registered as
    /// connections reach them, time the responses `timed` selects.
    pub(crate) fn new(
        registry: &Metrics,
        prefix: &str,
        client_id: &str,
        timed: Timed,
    ) -> Arc<NetworkMetrics> {
        let group = format!("{prefix}-metrics");
        let n = |name: &str| MetricName::new(name, &group, &[("client-id", client_id)]);
        let s = |stats: Vec<(MetricName, &'static str, Kind)>| {
            registry.sensor(RecordingLevel::Info, stats)
        };
        // Java's `Meter` over a `WindowedCount`: the rate and the total count events, whatever
        // value is recorded.
        let count_meter = |base: &str, rate: &'static str, total: &'static str| {
            vec![
                (n(&format!("{base}-rate")), rate, Kind::CountRate),
                (n(&format!("{base}-total")), total, Kind::Count),
            ]
        };
        let sum_meter = |base: &str, rate: &'static str, total: &'static str| {
            meter(
                n(&format!("{base}-rate")),
                rate,
                n(&format!("{base}-total")),
                total,
            )
            .to_vec()
        };
        let live = Arc::new(AtomicI64::new(0));
        let gauge_live = live.clone();
        registry.gauge(
            n("connection-count"),
            "The current number of active connections.",
            move || gauge_live.load(Ordering::Relaxed) as f64,
        );
        // Registered because Java registers them: this client does not re-authenticate
        // (KIP-368), so they stay at zero (NaN for the latencies), as Java's do for a client
        // whose broker never asks.
        s(sum_meter(
            "successful-reauthentication",
            "The number of successful re-authentication of connections per second",
            "The total number of successful re-authentication of connections",
        ));
        s(sum_meter(
            "failed-reauthentication",
            "The number of failed re-authentication of connections per second",
            "The total number of failed re-authentication of connections",
        ));
        s(vec![
            (
                n("reauthentication-latency-max"),
                "The max latency observed due to re-authentication",
                Kind::Max,
            ),
            (
                n("reauthentication-latency-avg"),
                "The average latency observed due to re-authentication",
                Kind::Avg,
            ),
        ]);
        let mut requests = count_meter(
            "request",
            "The number of requests sent per second",
            "The total number of requests sent",
        );
        requests.push((
            n("request-size-avg"),
            "The average size of requests sent.",
            Kind::Avg,
        ));
        requests.push((
            n("request-size-max"),
            "The maximum size of any request sent.",
            Kind::Max,
        ));
        let mut authenticated = sum_meter(
            "successful-authentication",
            "The number of connections with successful authentication per second",
            "The total number of connections with successful authentication",
        );
        // A client-side authenticator never reports a peer able to re-authenticate, so Java
        // counts every successful client authentication here too.
        authenticated.push((
            n("successful-authentication-no-reauth-total"),
            "The total number of connections with successful authentication where the client \
             does not support re-authentication",
            Kind::Total,
        ));
        Arc::new(NetworkMetrics {
            closed: s(sum_meter(
                "connection-close",
                "The number of connections closed per second",
                "The total number of connections closed",
            )),
            created: s(sum_meter(
                "connection-creation",
                "The number of new connections established per second",
                "The total number of new connections established",
            )),
            authenticated: s(authenticated),
            auth_failed: s(sum_meter(
                "failed-authentication",
                "The number of connections with failed authentication per second",
                "The total number of connections with failed authentication",
            )),
            bytes_sent: s(sum_meter(
                "outgoing-byte",
                "The number of outgoing bytes sent to all servers per second",
                "The total number of outgoing bytes sent to all servers",
            )),
            requests: s(requests),
            bytes_received: s(sum_meter(
                "incoming-byte",
                "The number of bytes read off all sockets per second",
                "The total number of bytes read off all sockets",
            )),
            responses: s(count_meter(
                "response",
                "The number of responses received per second",
                "The total number of responses received",
            )),
            io: s(count_meter(
                "network-io",
                "The number of network operations (reads or writes) on all connections per \
                 second",
                "The total number of network operations (reads or writes) on all connections",
            )),
            live,
            registry: registry.clone(),
            node_group: format!("{prefix}-node-metrics"),
            client_id: client_id.to_owned(),
            timed,
            nodes: Mutex::new(HashMap::new()),
        })
    }

    /// The sensors of the node Java's clients name `id` (its connection id: `1`, `-1`, `+1`),
    /// registered on first use: Java registers them when a connection to the node first gets a
    /// socket event, then keeps them across reconnects.
    pub(crate) fn node(&self, id: &str) -> Arc<NodeMetrics> {
        let mut nodes = lock(&self.nodes);
        if let Some(n) = nodes.get(id) {
            return n.clone();
        }
        let node_id = format!("node-{id}");
        let tags = [
            ("client-id", self.client_id.as_str()),
            ("node-id", &node_id),
        ];
        let n = |name: &str| MetricName::new(name, &self.node_group, &tags);
        let s = |stats: Vec<(MetricName, &'static str, Kind)>| {
            self.registry.sensor(RecordingLevel::Info, stats)
        };
        let made = Arc::new(NodeMetrics {
            requests: s(vec![
                (
                    n("request-rate"),
                    "The number of requests sent per second",
                    Kind::CountRate,
                ),
                (
                    n("request-total"),
                    "The total number of requests sent",
                    Kind::Count,
                ),
                (
                    n("request-size-avg"),
                    "The average size of requests sent.",
                    Kind::Avg,
                ),
                (
                    n("request-size-max"),
                    "The maximum size of any request sent.",
                    Kind::Max,
                ),
            ]),
            bytes_sent: s(meter(
                n("outgoing-byte-rate"),
                "The number of outgoing bytes per second",
                n("outgoing-byte-total"),
                "The total number of outgoing bytes",
            )
            .to_vec()),
            responses: s(vec![
                (
                    n("response-rate"),
                    "The number of responses received per second",
                    Kind::CountRate,
                ),
                (
                    n("response-total"),
                    "The total number of responses received",
                    Kind::Count,
                ),
            ]),
            bytes_received: s(meter(
                n("incoming-byte-rate"),
                "The number of incoming bytes per second",
                n("incoming-byte-total"),
                "The total number of incoming bytes",
            )
            .to_vec()),
            // Java names these without a description.
            latency: s(vec![
                (n("request-latency-avg"), "", Kind::Avg),
                (n("request-latency-max"), "", Kind::Max),
            ]),
            timed: self.timed,
        });
        nodes.insert(id.to_owned(), made.clone());
        made
    }

    /// A TCP connection was established.
    pub(crate) fn connected(&self) {
        self.created.record(1.0);
        self.live.fetch_add(1, Ordering::Relaxed);
    }

    /// An established connection closed, for whatever reason.
    pub(crate) fn disconnected(&self) {
        self.closed.record(1.0);
        self.live.fetch_sub(1, Ordering::Relaxed);
    }

    /// The connection's TLS handshake and SASL exchange, whichever it has, completed.
    pub(crate) fn authenticated(&self) {
        self.authenticated.record(1.0);
    }

    /// The broker refused our TLS handshake or SASL credentials.
    pub(crate) fn authentication_failed(&self) {
        self.auth_failed.record(1.0);
    }

    /// A whole request frame of `bytes` (size prefix included) went to the socket.
    pub(crate) fn sent(&self, bytes: usize) {
        let b = bytes as f64;
        self.bytes_sent.record(b);
        self.io.record(b);
        self.requests.record(b);
    }

    /// A whole response frame of `bytes` (size prefix included) came off the socket.
    pub(crate) fn received(&self, bytes: usize) {
        let b = bytes as f64;
        self.bytes_received.record(b);
        self.io.record(b);
        self.responses.record(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::MetricsConfig;

    #[test]
    fn frames_feed_bytes_counts_and_sizes_and_connections_the_gauge() {
        let m = Metrics::new(MetricsConfig::default());
        let net = NetworkMetrics::new(&m, "producer", "p-1", Timed::Api(0));
        let v = |name: &str| m.value("producer-metrics", name, &[("client-id", "p-1")]);
        assert_eq!(v("connection-count"), Some(0.0));
        assert!(v("request-size-avg").unwrap().is_nan());
        net.connected();
        net.connected();
        net.authenticated();
        net.sent(100);
        net.sent(300);
        net.received(50);
        net.disconnected();
        assert_eq!(v("connection-creation-total"), Some(2.0));
        assert_eq!(v("connection-close-total"), Some(1.0));
        assert_eq!(v("connection-count"), Some(1.0));
        assert_eq!(v("successful-authentication-total"), Some(1.0));
        assert_eq!(v("successful-authentication-no-reauth-total"), Some(1.0));
        assert_eq!(v("failed-authentication-total"), Some(0.0));
        assert_eq!(v("outgoing-byte-total"), Some(400.0));
        assert_eq!(v("incoming-byte-total"), Some(50.0));
        // Counts, not bytes: requests, responses and network operations.
        assert_eq!(v("request-total"), Some(2.0));
        assert_eq!(v("response-total"), Some(1.0));
        assert_eq!(v("network-io-total"), Some(3.0));
        assert_eq!(v("request-size-avg"), Some(200.0));
        assert_eq!(v("request-size-max"), Some(300.0));
        assert_eq!(v("successful-reauthentication-total"), Some(0.0));
    }

    /// The node group as Java's `maybeRegisterConnectionMetrics` registers it for one node.
    const NODE_METRICS: [(&str, &str); 12] = [
        (
            "incoming-byte-rate",
            "The number of incoming bytes per second",
        ),
        ("incoming-byte-total", "The total number of incoming bytes"),
        (
            "outgoing-byte-rate",
            "The number of outgoing bytes per second",
        ),
        ("outgoing-byte-total", "The total number of outgoing bytes"),
        ("request-latency-avg", ""),
        ("request-latency-max", ""),
        ("request-rate", "The number of requests sent per second"),
        ("request-size-avg", "The average size of requests sent."),
        ("request-size-max", "The maximum size of any request sent."),
        ("request-total", "The total number of requests sent"),
        (
            "response-rate",
            "The number of responses received per second",
        ),
        ("response-total", "The total number of responses received"),
    ];

    #[test]
    fn a_node_gets_javas_sensors_on_first_use_and_keeps_them_across_reconnects() {
        let m = Metrics::new(MetricsConfig::default());
        let net = NetworkMetrics::new(&m, "consumer", "c-1", Timed::Api(1));
        let node_rows = |id: &str| -> Vec<(String, &'static str, f64)> {
            m.snapshot()
                .into_iter()
                .filter(|x| {
                    x.name.group == "consumer-node-metrics"
                        && x.name.tags.get("node-id").map(String::as_str) == Some(id)
                })
                .map(|x| {
                    let tags: Vec<&str> = x.name.tags.keys().map(String::as_str).collect();
                    assert_eq!(tags, ["client-id", "node-id"], "{}", x.name);
                    assert_eq!(x.name.tags["client-id"], "c-1");
                    (x.name.name, x.description, x.value)
                })
                .collect()
        };
        assert!(
            node_rows("node--1").is_empty(),
            "nothing before a connection"
        );

        let bootstrap = net.node("-1");
        let rows = node_rows("node--1");
        let names: Vec<(&str, &str)> = rows.iter().map(|(n, d, _)| (n.as_str(), *d)).collect();
        assert_eq!(names, NODE_METRICS);
        // At INFO, as Java's selector registers them: they record under the default level.
        bootstrap.sent(40);
        bootstrap.sent(60);
        bootstrap.received(500);
        // Not this client's timed API: no latency.
        assert!(!bootstrap.times(3));
        let v = |id: &str, name: &str| {
            m.value("consumer-node-metrics", name, &[("node-id", id)])
                .unwrap()
        };
        assert_eq!(v("node--1", "request-total"), 2.0);
        assert_eq!(v("node--1", "outgoing-byte-total"), 100.0);
        assert_eq!(v("node--1", "request-size-avg"), 50.0);
        assert_eq!(v("node--1", "request-size-max"), 60.0);
        assert_eq!(v("node--1", "response-total"), 1.0);
        assert_eq!(v("node--1", "incoming-byte-total"), 500.0);
        assert!(v("node--1", "request-latency-avg").is_nan());

        // A second connection to the node (a reconnect) records into the same sensors.
        let again = net.node("-1");
        assert!(Arc::ptr_eq(&bootstrap, &again));
        drop(bootstrap);
        again.sent(100);
        assert_eq!(v("node--1", "request-total"), 3.0);

        // Another node has sensors of its own, and so has the group coordinator's connection,
        // which Java 4.4 names `+<id>` (GroupCoordinatorNode).
        let broker = net.node("1");
        assert!(broker.times(1));
        broker.latency(Duration::from_micros(2_500));
        broker.latency(Duration::from_micros(500));
        assert_eq!(v("node-1", "request-latency-avg"), 1.5);
        assert_eq!(v("node-1", "request-latency-max"), 2.5);
        assert_eq!(v("node-1", "request-total"), 0.0);
        net.node("+1");
        assert_eq!(node_rows("node-+1").len(), NODE_METRICS.len());
        assert_eq!(
            m.snapshot()
                .iter()
                .filter(|x| x.name.group == "consumer-node-metrics")
                .count(),
            3 * NODE_METRICS.len()
        );
        // Per-node sensors feed nothing client-wide: the selector's own sensors count frames.
        assert_eq!(
            m.value("consumer-metrics", "request-total", &[("client-id", "c-1")]),
            Some(0.0)
        );
    }

    #[test]
    fn the_admin_client_times_every_response() {
        let m = Metrics::new(MetricsConfig::default());
        let net = NetworkMetrics::new(&m, "admin-client", "a", Timed::All);
        let node = net.node("-1");
        assert!(node.times(3) && node.times(60));
        assert_eq!(
            m.value(
                "admin-client-node-metrics",
                "request-total",
                &[("node-id", "node--1")]
            ),
            Some(0.0)
        );
    }
}
