//! MetadataResponse (API key 3), versions 0-13.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Response body for Metadata (API key 3).
    pub struct MetadataResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(3..) ignorable(true),
        /// Brokers that make up the cluster.
        pub brokers: Vec<MetadataResponseBroker> = versions(0..),
        /// ID of the cluster the responding broker is part of.
        pub cluster_id: Option<String> = versions(2..) nullable(2..) ignorable(true) default(None),
        /// Broker ID of the controller.
        pub controller_id: i32 = versions(1..) ignorable(true) default(-1),
        /// One entry per topic in the response.
        pub topics: Vec<MetadataResponseTopic> = versions(0..),
        /// Bitfield (32 bits) of the operations the caller may perform on the cluster.
        pub cluster_authorized_operations: i32 = versions(8..=10) default(-2147483648),
        /// Error code for the response as a whole; 0 means success.
        pub error_code: i16 = versions(13..) ignorable(true),
    }
}

kafka_struct! {
    /// One entry per topic in the response.
    pub struct MetadataResponseTopic {
        /// Error code for the topic; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Name of the topic; null when a topic looked up by ID does not exist, never null when
        /// ErrorCode is 0. Name or TopicId is always set.
        pub name: Option<String> = versions(0..) nullable(12..) default(Some(Default::default())),
        /// ID of the topic; zero when a topic looked up by name does not exist, never zero when
        /// ErrorCode is 0. Name or TopicId is always set.
        pub topic_id: Uuid = versions(10..) ignorable(true),
        /// Set for internal topics.
        pub is_internal: bool = versions(1..) ignorable(true),
        /// One entry per partition of the topic.
        pub partitions: Vec<MetadataResponsePartition> = versions(0..),
        /// Bitfield (32 bits) of the operations the caller may perform on this topic.
        pub topic_authorized_operations: i32 = versions(8..) default(-2147483648),
    }
}

kafka_struct! {
    /// One entry per partition of the topic.
    pub struct MetadataResponsePartition {
        /// Error code for the partition; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Index of the partition.
        pub partition_index: i32 = versions(0..),
        /// Broker ID of the partition leader.
        pub leader_id: i32 = versions(0..),
        /// Leader epoch of the partition.
        pub leader_epoch: i32 = versions(7..) ignorable(true) default(-1),
        /// Every node holding a replica of the partition.
        pub replica_nodes: Vec<i32> = versions(0..),
        /// Nodes whose replicas are caught up with the leader.
        pub isr_nodes: Vec<i32> = versions(0..),
        /// Replicas of the partition that are offline.
        pub offline_replicas: Vec<i32> = versions(5..) ignorable(true),
    }
}

kafka_struct! {
    /// Brokers that make up the cluster.
    pub struct MetadataResponseBroker {
        /// ID of the broker.
        pub node_id: i32 = versions(0..),
        /// Host name of the broker.
        pub host: String = versions(0..),
        /// Port the broker listens on.
        pub port: i32 = versions(0..),
        /// Rack the broker sits in, or null when it has no rack.
        pub rack: Option<String> = versions(1..) nullable(1..) ignorable(true) default(None),
    }
}

kafka_message!(
    MetadataResponse,
    api_key = 3,
    versions = 0..=13,
    flexible = Some(9)
);
