//! The admin client: topics, partitions, configs, records, consumer groups and the cluster —
//! over the shared [`Cluster`] core.
//!
//! Calls that name several resources answer per resource, as Java's `Admin` does with one future
//! per topic or group: the outer `Result` is the request as a whole (no broker, timeout), the
//! inner one each resource's own outcome, an [`Error::Resource`] naming the resource and
//! carrying Kafka's error name and message. The older single-result calls
//! ([`Admin::create_topics`], [`Admin::delete_topics`], [`Admin::list_offsets`]) fail with
//! the first resource's error.
//!
//! Requests for a group go to its coordinator, found with FindCoordinator; the coordinator
//! errors Java's admin retries (`COORDINATOR_LOAD_IN_PROGRESS`, `COORDINATOR_NOT_AVAILABLE`,
//! `NOT_COORDINATOR`) are retried here too, with `retry.backoff.ms` backoff, until
//! `default.api.timeout.ms` runs out.
//!
//! ```no_run
//! # async fn demo() -> kafka_client::error::Result<()> {
//! use kafka_client::admin::{Admin, NewTopic};
//! use kafka_client::config::AdminConfig;
//!
//! let admin = Admin::new(AdminConfig::builder().bootstrap_servers(["localhost:9092"]).build()?)?;
//! admin.create_topics(&[NewTopic::new("orders", 6).config("retention.ms", "86400000")]).await?;
//! admin.wait_for_topics(&[("orders", 6)], std::time::Duration::from_secs(30)).await?;
//! let cluster = admin.describe_cluster().await?;
//! println!("cluster {} has {} brokers", cluster.cluster_id, cluster.brokers.len());
//! # Ok(())
//! # }
//! ```

mod cluster;
mod configs;
mod coordinator;
mod groups;
mod records;
mod topics;

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::backoff::ExponentialBackoff;
use crate::cluster::Cluster;
use crate::config::AdminConfig;
use crate::error::{Error, KafkaCode, Result};
use crate::metrics::network::{NetworkMetrics, Timed};
use crate::metrics::{Metric, Metrics};

pub use self::cluster::ClusterDescription;
pub use self::configs::{
    AlterConfigOp, AlterOpType, ConfigEntry, ConfigResource, ConfigResourceType, ConfigSource,
    ConfigSynonym, ConfigType,
};
pub use self::groups::{
    GroupDescription, GroupListing, GroupType, MemberDescription, MemberToRemove,
};
pub use self::records::{ListedOffset, OffsetSpec};
pub use self::topics::{NewPartitions, NewTopic, TopicListing};
pub use crate::consumer::{OffsetAndMetadata, TopicPartition};

/// An admin client.
///
/// Cheap to clone: clones share connections and metadata.
#[derive(Debug, Clone)]
pub struct Admin {
    cluster: Arc<Cluster>,
    timeout: Duration,
    backoff: ExponentialBackoff,
    metrics: Metrics,
}

impl Admin {
    /// An admin client for `cfg` (connects lazily).
    ///
    /// ```
    /// use kafka_client::admin::Admin;
    /// use kafka_client::config::AdminConfig;
    ///
    /// let cfg = AdminConfig::builder().bootstrap_servers(["localhost:9092"]).build().unwrap();
    /// let admin = Admin::new(cfg).unwrap();
    /// # drop(admin);
    /// ```
    pub fn new(cfg: AdminConfig) -> Result<Admin> {
        let metrics = Metrics::with_default_tags(
            cfg.common.metrics,
            &[("client-id", cfg.common.client_id.as_str())],
        );
        let network =
            NetworkMetrics::new(&metrics, "admin-client", &cfg.common.client_id, Timed::All);
        Ok(Admin {
            backoff: cfg.common.retry_backoff_policy(),
            cluster: Cluster::with_network_metrics(cfg.common.clone(), false, Some(network))?,
            timeout: cfg.default_api_timeout,
            metrics,
        })
    }

    /// The admin client's metrics now, as Java's `Admin.metrics()`: the network layer's, in
    /// group `admin-client-metrics` tagged `client-id`.
    ///
    /// ```
    /// use kafka_client::admin::Admin;
    /// use kafka_client::config::AdminConfig;
    ///
    /// let cfg = AdminConfig::builder().bootstrap_servers(["localhost:9092"]).build().unwrap();
    /// let admin = Admin::new(cfg).unwrap();
    /// let count = admin.metrics().into_iter().find(|m| m.name.name == "connection-count");
    /// assert_eq!(count.map(|m| m.value), Some(0.0));
    /// ```
    pub fn metrics(&self) -> Vec<Metric> {
        self.metrics.snapshot()
    }

    /// The registry behind [`Admin::metrics`], for reading single values.
    pub fn metrics_registry(&self) -> &Metrics {
        &self.metrics
    }

    /// The shared cluster core.
    pub fn cluster(&self) -> &Arc<Cluster> {
        &self.cluster
    }

    /// `default.api.timeout.ms` in the i32 milliseconds requests carry.
    fn timeout_ms(&self) -> i32 {
        i32::try_from(self.timeout.as_millis()).unwrap_or(i32::MAX)
    }

    /// When a call started now must have finished.
    fn deadline(&self) -> Instant {
        Instant::now() + self.timeout
    }

    /// Sleeps the backoff of retry `attempt`, cut short at `deadline`; `false` when the deadline
    /// has passed and the caller should stop retrying.
    async fn backoff(&self, attempt: u32, deadline: Instant) -> bool {
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        let wait = self.backoff.backoff(attempt, &mut rand::rng());
        tokio::time::sleep_until((now + wait).min(deadline)).await;
        Instant::now() < deadline
    }

    /// Sends `req` to broker `id`, learning the brokers first if the metadata lacks it.
    async fn send_to_broker<R: kafka_protocol::Request>(
        &self,
        id: i32,
        req: &R,
    ) -> Result<R::Response> {
        if !self.cluster.metadata().brokers.contains_key(&id) {
            self.cluster.fetch_metadata(Some(&[])).await?;
        }
        self.cluster.send_to(id, req).await
    }

    /// Closes the connections.
    pub async fn close(&self) {
        self.cluster.close(Duration::from_secs(1)).await;
    }
}

/// `Ok(())` for code 0, else [`Error::Resource`] naming `resource`.
fn resource_result(
    resource: impl FnOnce() -> String,
    code: i16,
    message: Option<&str>,
) -> Result<()> {
    if code == 0 {
        Ok(())
    } else {
        Err(Error::Resource {
            resource: resource(),
            code: KafkaCode(code),
            message: message.filter(|m| !m.is_empty()).map(str::to_owned),
        })
    }
}

/// The error for a response that left out a resource the request named.
fn missing(api: &str, resource: &str) -> Error {
    Error::Protocol {
        broker: "admin".into(),
        reason: format!("{api} response lacks {resource}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_errors_name_the_resource_and_keep_the_code() {
        assert!(resource_result(|| unreachable!("no name needed"), 0, None).is_ok());
        let err =
            resource_result(|| "topic \"t\"".into(), 40, Some("Unknown config x")).unwrap_err();
        assert_eq!(err.code(), Some(KafkaCode(40)));
        assert!(!err.is_retriable());
        assert_eq!(
            err.to_string(),
            "topic \"t\": broker returned INVALID_CONFIG (error code 40): Unknown config x"
        );
        let empty = resource_result(|| "group \"g\"".into(), 15, Some("")).unwrap_err();
        assert!(empty.is_retriable(), "COORDINATOR_NOT_AVAILABLE");
        assert!(matches!(empty, Error::Resource { message: None, .. }));
    }

    #[test]
    fn coordinator_errors_that_are_retried() {
        assert!(coordinator::is_coordinator_retry(14));
        assert!(coordinator::is_coordinator_retry(15));
        assert!(coordinator::is_coordinator_retry(16));
        assert!(!coordinator::is_coordinator_retry(69), "GROUP_ID_NOT_FOUND");
        assert!(!coordinator::is_coordinator_retry(0));
    }
}
