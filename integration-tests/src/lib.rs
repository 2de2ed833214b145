//! Fixtures for tests against a real Apache Kafka broker and real Java peers.
//!
//! The project starts its own brokers: Apache Kafka in KRaft mode, run from the jars that
//! `scripts/kafka-fetch` resolves from Maven Central, on 127.0.0.1 with fresh data directories.
//!
//! * [`kafka()`] gives every test in a test binary the same single-node broker, started on first use.
//!   `KAFKA_BOOTSTRAP=host:port` makes it use an existing cluster instead.
//! * [`KafkaCluster::start`] starts a cluster a test owns (e.g. three brokers for failover tests,
//!   where brokers are killed and restarted).
//! * [`JavaPeer`] runs Kafka's own Java producer and consumer against a broker, for interop tests.
//!
//! A test that cannot get a broker fails with a message saying how to get one; it never skips.
//! Brokers are stopped and their data directories removed when the owner drops them, and also when
//! the test process exits or is killed: each JVM is watched by a guard process that cleans up once
//! the test process is gone.
//!
//! ```no_run
//! let kafka = integration_tests::kafka();
//! println!("bootstrap: {}", kafka.bootstrap());
//! ```

mod broker;
mod certs;
mod cluster;
mod error;
mod fixture;
mod jars;
mod java_peer;
mod metrics_table;
mod ports;
mod probe;

pub use certs::TlsFiles;
pub use cluster::{ClusterSpec, KafkaCluster, NodeInfo, SASL_USERS, SaslUser};
pub use error::FixtureError;
pub use fixture::{SharedKafka, kafka, runtime, unique_topic};
pub use jars::{DEFAULT_KAFKA_VERSION, kafka_libs, kafka_version};
pub use java_peer::{JavaPeer, PeerAck, PeerRecord};
pub use metrics_table::{
    MetricsTable, NodeTable, Totals, assert_node_metrics_as_javas, node_table, parse_metrics_table,
};
pub use probe::{ApiVersionsAnswer, api_versions};
