//! ConsumerGroupHeartbeatResponse (API key 68), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Response body for ConsumerGroupHeartbeat (API key 68).
    pub struct ConsumerGroupHeartbeatResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// Error code for the response as a whole; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Error message for the response as a whole; null on success.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
        /// Member ID: from version 1 the consumer creates it, while in version 0 the user may
        /// supply it or the group coordinator may assign it.
        pub member_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// Epoch of the member.
        pub member_epoch: i32 = versions(0..),
        /// Interval between heartbeats, in milliseconds.
        pub heartbeat_interval_ms: i32 = versions(0..),
        /// New assignment, or null when none is provided.
        pub assignment: Option<Assignment> = versions(0..) nullable(0..) default(None),
    }
}

kafka_struct! {
    /// New assignment, or null when none is provided.
    pub struct Assignment {
        /// Partitions given to the member that it may start using right away.
        pub topic_partitions: Vec<TopicPartitions> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions given to the member that it may start using right away.
    pub struct TopicPartitions {
        /// ID of the topic.
        pub topic_id: Uuid = versions(0..),
        /// Partitions in this entry.
        pub partitions: Vec<i32> = versions(0..),
    }
}

kafka_message!(
    ConsumerGroupHeartbeatResponse,
    api_key = 68,
    versions = 0..=1,
    flexible = Some(0)
);
