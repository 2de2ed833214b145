//! DescribeClusterRequest (API key 60), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The DescribeCluster request (API key 60).
    pub struct DescribeClusterRequest {
        /// Whether to include cluster authorized operations.
        pub include_cluster_authorized_operations: bool = versions(0..),
        /// The endpoint type to describe. 1=brokers, 2=controllers.
        pub endpoint_type: i8 = versions(1..) default(1),
        /// Whether to include fenced brokers when listing brokers.
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
