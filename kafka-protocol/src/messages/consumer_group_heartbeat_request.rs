//! ConsumerGroupHeartbeatRequest (API key 68), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Request body for ConsumerGroupHeartbeat (API key 68).
    pub struct ConsumerGroupHeartbeatRequest {
        /// Identifier of the group.
        pub group_id: String = versions(0..),
        /// Member ID created by the consumer; it must stay the same for as long as the consumer
        /// process runs.
        pub member_id: String = versions(0..),
        /// Member epoch the client currently holds: 0 joins the group, -1 leaves it, and -2 signals
        /// that a static member is going to come back.
        pub member_epoch: i32 = versions(0..),
        /// Instance ID, or null when it is not set or unchanged since the previous heartbeat.
        pub instance_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// Consumer rack ID, or null when it is not set or unchanged since the previous heartbeat.
        pub rack_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// Longest time in milliseconds the coordinator waits for the member to give up its
        /// partitions, or -1 when unchanged since the previous heartbeat.
        pub rebalance_timeout_ms: i32 = versions(0..) default(-1),
        /// Subscribed topic names, or null when unchanged since the previous heartbeat.
        pub subscribed_topic_names: Option<Vec<String>> = versions(0..) nullable(0..) default(None),
        /// Subscribed topic regular expression, or null when unchanged since the previous
        /// heartbeat.
        pub subscribed_topic_regex: Option<String> = versions(1..) nullable(1..) default(None),
        /// Server-side assignor to apply, or null when unused or unchanged since the previous
        /// heartbeat.
        pub server_assignor: Option<String> = versions(0..) nullable(0..) default(None),
        /// Partitions the member currently owns, or null when unchanged since the previous
        /// heartbeat.
        pub topic_partitions: Option<Vec<TopicPartitions>> = versions(0..) nullable(0..) default(None),
    }
}

kafka_struct! {
    /// Partitions the member currently owns, or null when unchanged since the previous heartbeat.
    pub struct TopicPartitions {
        /// ID of the topic.
        pub topic_id: Uuid = versions(0..),
        /// Partitions in this entry.
        pub partitions: Vec<i32> = versions(0..),
    }
}

kafka_message!(
    ConsumerGroupHeartbeatRequest,
    api_key = 68,
    versions = 0..=1,
    flexible = Some(0)
);
kafka_request!(ConsumerGroupHeartbeatRequest => super::ConsumerGroupHeartbeatResponse);
