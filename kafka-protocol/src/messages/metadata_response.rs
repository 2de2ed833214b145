//! MetadataResponse (API key 3), versions 0-13.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The Metadata response (API key 3).
    pub struct MetadataResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(3..) ignorable(true),
        /// A list of brokers present in the cluster.
        pub brokers: Vec<MetadataResponseBroker> = versions(0..),
        /// The cluster ID that responding broker belongs to.
        pub cluster_id: Option<String> = versions(2..) nullable(2..) ignorable(true) default(None),
        /// The ID of the controller broker.
        pub controller_id: i32 = versions(1..) ignorable(true) default(-1),
        /// Each topic in the response.
        pub topics: Vec<MetadataResponseTopic> = versions(0..),
        /// 32-bit bitfield to represent authorized operations for this cluster.
        pub cluster_authorized_operations: i32 = versions(8..=10) default(-2147483648),
        /// The top-level error code, or 0 if there was no error.
        pub error_code: i16 = versions(13..) ignorable(true),
    }
}

kafka_struct! {
    /// Each topic in the response.
    pub struct MetadataResponseTopic {
        /// The topic error, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The topic name. Null for non-existing topics queried by ID. This is never null when
        /// ErrorCode is zero. One of Name and TopicId is always populated.
        pub name: Option<String> = versions(0..) nullable(12..) default(Some(Default::default())),
        /// The topic id. Zero for non-existing topics queried by name. This is never zero when
        /// ErrorCode is zero. One of Name and TopicId is always populated.
        pub topic_id: Uuid = versions(10..) ignorable(true),
        /// True if the topic is internal.
        pub is_internal: bool = versions(1..) ignorable(true),
        /// Each partition in the topic.
        pub partitions: Vec<MetadataResponsePartition> = versions(0..),
        /// 32-bit bitfield to represent authorized operations for this topic.
        pub topic_authorized_operations: i32 = versions(8..) default(-2147483648),
    }
}

kafka_struct! {
    /// Each partition in the topic.
    pub struct MetadataResponsePartition {
        /// The partition error, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The partition index.
        pub partition_index: i32 = versions(0..),
        /// The ID of the leader broker.
        pub leader_id: i32 = versions(0..),
        /// The leader epoch of this partition.
        pub leader_epoch: i32 = versions(7..) ignorable(true) default(-1),
        /// The set of all nodes that host this partition.
        pub replica_nodes: Vec<i32> = versions(0..),
        /// The set of nodes that are in sync with the leader for this partition.
        pub isr_nodes: Vec<i32> = versions(0..),
        /// The set of offline replicas of this partition.
        pub offline_replicas: Vec<i32> = versions(5..) ignorable(true),
    }
}

kafka_struct! {
    /// A list of brokers present in the cluster.
    pub struct MetadataResponseBroker {
        /// The broker ID.
        pub node_id: i32 = versions(0..),
        /// The broker hostname.
        pub host: String = versions(0..),
        /// The broker port.
        pub port: i32 = versions(0..),
        /// The rack of the broker, or null if it has not been assigned to a rack.
        pub rack: Option<String> = versions(1..) nullable(1..) ignorable(true) default(None),
    }
}

kafka_message!(
    MetadataResponse,
    api_key = 3,
    versions = 0..=13,
    flexible = Some(9)
);
