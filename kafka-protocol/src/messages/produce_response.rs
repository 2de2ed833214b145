//! ProduceResponse (API key 0), versions 0-13.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 3 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Response body for Produce (API key 0).
    pub struct ProduceResponse {
        /// One produce result per topic.
        pub responses: Vec<TopicProduceResponse> = versions(0..),
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// Endpoints of every current leader referenced in PartitionProduceResponses with a
        /// NOT_LEADER_OR_FOLLOWER error.
        pub node_endpoints: Vec<NodeEndpoint> = versions(10..) tag(0),
    }
}

kafka_struct! {
    /// Endpoints of every current leader referenced in PartitionProduceResponses with a
    /// NOT_LEADER_OR_FOLLOWER error.
    pub struct NodeEndpoint {
        /// ID of the node.
        pub node_id: i32 = versions(10..),
        /// Host name of the node.
        pub host: String = versions(10..),
        /// Port of the node.
        pub port: i32 = versions(10..),
        /// Rack the node sits in, or null when it has no rack.
        pub rack: Option<String> = versions(10..) nullable(10..) default(None),
    }
}

kafka_struct! {
    /// One produce result per topic.
    pub struct TopicProduceResponse {
        /// Name of the topic.
        pub name: String = versions(0..=12) ignorable(true),
        /// Unique ID of the topic.
        pub topic_id: Uuid = versions(13..) ignorable(true),
        /// One result per partition of the topic that was written to.
        pub partition_responses: Vec<PartitionProduceResponse> = versions(0..),
    }
}

kafka_struct! {
    /// One result per partition of the topic that was written to.
    pub struct PartitionProduceResponse {
        /// Index of the partition.
        pub index: i32 = versions(0..),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Offset assigned to the first record of the batch.
        pub base_offset: i64 = versions(0..),
        /// Timestamp the broker assigned on append: -1 when the topic uses CreateTime, the broker's
        /// local append time when it uses LogAppendTime.
        pub log_append_time_ms: i64 = versions(2..) ignorable(true) default(-1),
        /// Log start offset of the partition.
        pub log_start_offset: i64 = versions(5..) ignorable(true) default(-1),
        /// Positions within the batch of the records that made the batch get rejected.
        pub record_errors: Vec<BatchIndexAndErrorMessage> = versions(8..) ignorable(true),
        /// Overall error message describing the shared cause of the records that made the batch get
        /// rejected.
        pub error_message: Option<String> = versions(8..) nullable(8..) ignorable(true) default(None),
        /// Leader broker the producer should send subsequent requests to.
        pub current_leader: LeaderIdAndEpoch = versions(10..) tag(0),
    }
}

kafka_struct! {
    /// Leader broker the producer should send subsequent requests to.
    pub struct LeaderIdAndEpoch {
        /// ID of the current leader, or -1 when no leader is known.
        pub leader_id: i32 = versions(10..) default(-1),
        /// Most recent leader epoch known.
        pub leader_epoch: i32 = versions(10..) default(-1),
    }
}

kafka_struct! {
    /// Positions within the batch of the records that made the batch get rejected.
    pub struct BatchIndexAndErrorMessage {
        /// Position within the batch of the record that made the batch get rejected.
        pub batch_index: i32 = versions(8..),
        /// Error message for the record that made the batch get rejected.
        pub batch_index_error_message: Option<String> = versions(8..) nullable(8..) default(None),
    }
}

kafka_message!(
    ProduceResponse,
    api_key = 0,
    versions = 0..=13,
    flexible = Some(9)
);
