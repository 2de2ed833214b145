//! DescribeClusterRequest (API key 60), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for DescribeCluster (API key 60).
    pub struct DescribeClusterRequest {
        /// Set to ask for the cluster's authorized operations.
        pub include_cluster_authorized_operations: bool = versions(0..),
        /// Which kind of endpoint to describe: 1 for brokers, 2 for controllers.
        pub endpoint_type: i8 = versions(1..) default(1),
        /// Set to also list brokers that are currently fenced.
        pub include_fenced_brokers: bool = versions(2..),
    }
}

kafka_message!(
    DescribeClusterRequest,
    api_key = 60,
    versions = 0..=2,
    flexible = Some(0)
);
kafka_request!(DescribeClusterRequest => super::DescribeClusterResponse);
