//! The network layer's client-level metrics, under the names and descriptions Java's
//! `Selector.SelectorMetrics` registers in `<prefix>-metrics` (`producer-metrics`,
//! `consumer-metrics`), tagged `client-id`.
//!
//! Java's selector records a byte count per socket read or write and a request or response per
//! completed frame. Our connections hand whole frames to a buffered writer and read whole frames,
//! so here one network operation is one frame written or read: `network-io-total` is requests
//! plus responses, which is what Java's count comes to when each frame moves in one operation.
//!
//! Not registered: the metrics of Java's single I/O thread (`select-*`, `io-wait-*`,
//! `io-time-*`, `io-ratio`), which have no counterpart where tokio drives every socket, and the
//! per-node group (`<prefix>-node-metrics`), since connections are kept per address, and a
//! bootstrap address is also a node's.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use super::{Kind, MetricName, Metrics, RecordingLevel, Sensor, meter};

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
}

impl NetworkMetrics {
    /// Registers the metrics of client `client_id` in `<prefix>-metrics` of `registry`
    /// (`prefix`: `producer`, `consumer`, `admin-client`).
    pub(crate) fn new(registry: &Metrics, prefix: &str, client_id: &str) -> Arc<NetworkMetrics> {
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
        })
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
        let net = NetworkMetrics::new(&m, "producer", "p-1");
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
}
