//! ProduceResponse (API key 0), versions 0-13.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 3 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The Produce response (API key 0).
    pub struct ProduceResponse {
        /// Each produce response.
        pub responses: Vec<TopicProduceResponse> = versions(0..),
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// Endpoints for all current-leaders enumerated in PartitionProduceResponses, with
        /// errors NOT_LEADER_OR_FOLLOWER.
        pub node_endpoints: Vec<NodeEndpoint> = versions(10..) tag(0),
    }
}

kafka_struct! {
    /// Endpoints for all current-leaders enumerated in PartitionProduceResponses, with errors
    /// NOT_LEADER_OR_FOLLOWER.
    pub struct NodeEndpoint {
        /// The ID of the associated node.
        pub node_id: i32 = versions(10..),
        /// The node's hostname.
        pub host: String = versions(10..),
        /// The node's port.
        pub port: i32 = versions(10..),
        /// The rack of the node, or null if it has not been assigned to a rack.
        pub rack: Option<String> = versions(10..) nullable(10..) default(None),
    }
}

kafka_struct! {
    /// Each produce response.
    pub struct TopicProduceResponse {
        /// The topic name.
        pub name: String = versions(0..=12) ignorable(true),
        /// The unique topic ID
        pub topic_id: Uuid = versions(13..) ignorable(true),
        /// Each partition that we produced to within the topic.
        pub partition_responses: Vec<PartitionProduceResponse> = versions(0..),
    }
}

kafka_struct! {
    /// Each partition that we produced to within the topic.
    pub struct PartitionProduceResponse {
        /// The partition index.
        pub index: i32 = versions(0..),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The base offset.
        pub base_offset: i64 = versions(0..),
        /// The timestamp returned by broker after appending the messages. If CreateTime is used
        /// for the topic, the timestamp will be -1. If LogAppendTime is used for the topic, the
        /// timestamp will be the broker local time when the messages are appended.
        pub log_append_time_ms: i64 = versions(2..) ignorable(true) default(-1),
        /// The log start offset.
        pub log_start_offset: i64 = versions(5..) ignorable(true) default(-1),
        /// The batch indices of records that caused the batch to be dropped.
        pub record_errors: Vec<BatchIndexAndErrorMessage> = versions(8..) ignorable(true),
        /// The global error message summarizing the common root cause of the records that
        /// caused the batch to be dropped.
        pub error_message: Option<String> = versions(8..) nullable(8..) ignorable(true) default(None),
        /// The leader broker that the producer should use for future requests.
        pub current_leader: LeaderIdAndEpoch = versions(10..) tag(0),
    }
}

kafka_struct! {
    /// The leader broker that the producer should use for future requests.
    pub struct LeaderIdAndEpoch {
        /// The ID of the current leader or -1 if the leader is unknown.
        pub leader_id: i32 = versions(10..) default(-1),
        /// The latest known leader epoch.
        pub leader_epoch: i32 = versions(10..) default(-1),
    }
}

kafka_struct! {
    /// The batch indices of records that caused the batch to be dropped.
    pub struct BatchIndexAndErrorMessage {
        /// The batch index of the record that caused the batch to be dropped.
        pub batch_index: i32 = versions(8..),
        /// The error message of the record that caused the batch to be dropped.
        pub batch_index_error_message: Option<String> = versions(8..) nullable(8..) default(None),
    }
}

kafka_message!(
    ProduceResponse,
    api_key = 0,
    versions = 0..=13,
    flexible = Some(9)
);
