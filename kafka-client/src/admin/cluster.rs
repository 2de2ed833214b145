//! The cluster as a whole: id, controller and brokers (DescribeCluster).

use kafka_protocol::messages::DescribeClusterRequest;

use super::{Admin, resource_result};
use crate::error::Result;
use crate::metadata::BrokerInfo;

/// What DescribeCluster says about the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterDescription {
    /// The cluster id.
    pub cluster_id: String,
    /// The controller's broker id as the answering broker reports it; `None` when it reports
    /// none. (A KRaft broker names some live broker here, as it does for Java's admin, since the
    /// quorum controllers are not reachable by clients.)
    pub controller_id: Option<i32>,
    /// The brokers, by id.
    pub brokers: Vec<BrokerInfo>,
}

impl Admin {
    /// Describes the cluster: its id, controller and brokers.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// let c = admin.describe_cluster().await?;
    /// for b in &c.brokers {
    ///     println!("broker {} at {}", b.node_id, b.address());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn describe_cluster(&self) -> Result<ClusterDescription> {
        let req = DescribeClusterRequest {
            include_cluster_authorized_operations: false,
            // Brokers, not controllers: the endpoints clients talk to.
            endpoint_type: 1,
            include_fenced_brokers: false,
            ..Default::default()
        };
        let resp = self.cluster.send_any(&req).await?;
        resource_result(
            || "cluster".to_owned(),
            resp.error_code,
            resp.error_message.as_deref(),
        )?;
        let mut brokers: Vec<BrokerInfo> = resp
            .brokers
            .into_iter()
            .map(|b| BrokerInfo {
                node_id: b.broker_id,
                host: b.host,
                port: b.port,
                rack: b.rack,
            })
            .collect();
        brokers.sort_by_key(|b| b.node_id);
        Ok(ClusterDescription {
            cluster_id: resp.cluster_id,
            controller_id: (resp.controller_id >= 0).then_some(resp.controller_id),
            brokers,
        })
    }
}
