//! `connections.max.idle.ms` against a scripted in-process broker: a connection that moves no
//! frame for the limit is closed (as Java's `Selector` expires it), the close is counted in
//! `connection-close-total` and leaves `connection-count`, and the next request to the node
//! connects again; a connection waiting for a slow answer is not idle, however long it waits,
//! and none is closed under a caller about to use it.

mod scripted;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use kafka_client::admin::Admin;
use kafka_client::config::AdminConfig;
use kafka_protocol::Message;
use kafka_protocol::messages::{DescribeClusterRequest, DescribeClusterResponse};
use scripted::{API_VERSIONS, Reply, reply};

const DESCRIBE_CLUSTER: i16 = <DescribeClusterRequest as Message>::API_KEY;

/// What the broker counts: connections (one ApiVersions each) and DescribeCluster calls.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    describes: AtomicUsize,
}

/// A broker answering DescribeCluster, the `delay_first` one after a pause.
async fn broker(seen: Arc<Seen>, delay_first: Duration) -> String {
    scripted::start(move |req| {
        let seen = seen.clone();
        async move {
            match req.api_key {
                API_VERSIONS => {
                    seen.connections.fetch_add(1, Ordering::SeqCst);
                    scripted::api_versions(
                        req.version,
                        &[
                            (API_VERSIONS, 3),
                            (DESCRIBE_CLUSTER, DescribeClusterRequest::MAX_VERSION),
                        ],
                    )
                }
                DESCRIBE_CLUSTER => {
                    let first = seen.describes.fetch_add(1, Ordering::SeqCst) == 0;
                    let resp = DescribeClusterResponse {
                        cluster_id: "scripted".into(),
                        controller_id: 1,
                        ..Default::default()
                    };
                    match reply(&resp, req.version) {
                        Reply::Body(b) if first && !delay_first.is_zero() => {
                            Reply::After(delay_first, b)
                        }
                        r => r,
                    }
                }
                other => panic!("unexpected api {other}"),
            }
        }
    })
    .await
}

fn admin(addr: &str, max_idle_ms: &str) -> Admin {
    Admin::new(
        AdminConfig::builder()
            .bootstrap_servers([addr.to_owned()])
            .set("connections.max.idle.ms", max_idle_ms)
            .expect("connections.max.idle.ms")
            .build()
            .expect("admin config"),
    )
    .expect("admin")
}

fn metric(admin: &Admin, name: &str) -> f64 {
    admin
        .metrics()
        .into_iter()
        .find(|m| m.name.group == "admin-client-metrics" && m.name.name == name)
        .unwrap_or_else(|| panic!("{name} is not registered"))
        .value
}

/// Waits (up to a generous 20 s) until `connection-count` is `want`.
async fn until_count(admin: &Admin, want: f64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while metric(admin, "connection-count") != want {
        assert!(
            tokio::time::Instant::now() < deadline,
            "connection-count stayed {} (want {want})",
            metric(admin, "connection-count")
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn an_idle_connection_closes_after_the_limit_and_the_next_request_reconnects() {
    let seen = Arc::new(Seen::default());
    let addr = broker(seen.clone(), Duration::ZERO).await;
    let admin = admin(&addr, "300");

    let d = admin.describe_cluster().await.expect("first describe");
    assert_eq!(d.cluster_id, "scripted");
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
    assert_eq!(metric(&admin, "connection-creation-total"), 1.0);

    // Nothing more to send: the bootstrap connection expires and is closed, once.
    until_count(&admin, 0.0).await;
    assert_eq!(metric(&admin, "connection-close-total"), 1.0);
    assert!(metric(&admin, "connection-close-rate") > 0.0);

    // The next call finds the node's connection closed and opens a new one transparently.
    admin.describe_cluster().await.expect("second describe");
    assert_eq!(seen.connections.load(Ordering::SeqCst), 2);
    assert_eq!(seen.describes.load(Ordering::SeqCst), 2);
    assert_eq!(metric(&admin, "connection-creation-total"), 2.0);
    // And that one expires in turn.
    until_count(&admin, 0.0).await;
    assert_eq!(metric(&admin, "connection-close-total"), 2.0);
    admin.close().await;
}

#[tokio::test]
async fn a_connection_waiting_for_an_answer_is_not_idle() {
    let seen = Arc::new(Seen::default());
    // The answer takes several idle limits to come.
    let addr = broker(seen.clone(), Duration::from_millis(1500)).await;
    let admin = admin(&addr, "200");

    admin
        .describe_cluster()
        .await
        .expect("the slow answer arrives on the connection that waited for it");
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
    assert_eq!(metric(&admin, "connection-close-total"), 0.0);
    // Idle from the answer on: closed then.
    until_count(&admin, 0.0).await;
    assert_eq!(metric(&admin, "connection-close-total"), 1.0);
    admin.close().await;
}

#[tokio::test]
async fn a_negative_limit_keeps_idle_connections_open() {
    let seen = Arc::new(Seen::default());
    let addr = broker(seen.clone(), Duration::ZERO).await;
    let admin = admin(&addr, "-1");
    admin.describe_cluster().await.expect("first describe");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(metric(&admin, "connection-count"), 1.0);
    assert_eq!(metric(&admin, "connection-close-total"), 0.0);
    admin.describe_cluster().await.expect("second describe");
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1, "one connection");
    admin.close().await;
}

/// A zero limit (Java: close a connection as soon as it is idle) fails no call: a connection
/// is not closed between its connect, or its hand-out to a caller, and the caller's request.
/// Calls come both quickly one after another and after pauses that let connections expire.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zero_limit_fails_no_call() {
    let seen = Arc::new(Seen::default());
    let addr = broker(seen.clone(), Duration::ZERO).await;
    let admin = admin(&addr, "0");
    for i in 0..30 {
        let pause = if i % 2 == 0 { 1 } else { 60 };
        tokio::time::sleep(Duration::from_millis(pause)).await;
        if let Err(e) = admin.describe_cluster().await {
            panic!("call {i} failed: {e}");
        }
    }
    // The pauses let some connections expire: later calls reconnected.
    assert!(seen.connections.load(Ordering::SeqCst) > 1);
    let created = metric(&admin, "connection-creation-total");
    assert_eq!(
        metric(&admin, "connection-count"),
        created - metric(&admin, "connection-close-total")
    );
    admin.close().await;
}
