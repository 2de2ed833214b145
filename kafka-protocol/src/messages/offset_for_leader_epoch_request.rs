//! OffsetForLeaderEpochRequest (API key 23), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 2 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// Request body for OffsetForLeaderEpoch (API key 23).
    pub struct OffsetForLeaderEpochRequest {
        /// Broker ID of the fetching follower, or -1 when a consumer sends the request.
        pub replica_id: i32 = versions(3..) ignorable(true) default(-2),
        /// Topics to look up offsets for.
        pub topics: Vec<OffsetForLeaderTopic> = versions(0..),
    }
}

kafka_struct! {
    /// Topics to look up offsets for.
    pub struct OffsetForLeaderTopic {
        /// Name of the topic.
        pub topic: String = versions(0..),
        /// Partitions to look up offsets for.
        pub partitions: Vec<OffsetForLeaderPartition> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions to look up offsets for.
    pub struct OffsetForLeaderPartition {
        /// Index of the partition.
        pub partition: i32 = versions(0..),
        /// Epoch for fencing consumers or replicas with stale metadata: a value newer than the
        /// broker's yields UNKNOWN_LEADER_EPOCH, an older one yields FENCED_LEADER_EPOCH.
        pub current_leader_epoch: i32 = versions(2..) ignorable(true) default(-1),
        /// Epoch whose end offset is requested.
        pub leader_epoch: i32 = versions(0..),
    }
}

kafka_message!(
    OffsetForLeaderEpochRequest,
    api_key = 23,
    versions = 0..=4,
    flexible = Some(4)
);
kafka_request!(OffsetForLeaderEpochRequest => super::OffsetForLeaderEpochResponse);
