//! OffsetForLeaderEpochRequest (API key 23), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 2 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// The OffsetForLeaderEpoch request (API key 23).
    pub struct OffsetForLeaderEpochRequest {
        /// The broker ID of the follower, of -1 if this request is from a consumer.
        pub replica_id: i32 = versions(3..) ignorable(true) default(-2),
        /// Each topic to get offsets for.
        pub topics: Vec<OffsetForLeaderTopic> = versions(0..),
    }
}

kafka_struct! {
    /// Each topic to get offsets for.
    pub struct OffsetForLeaderTopic {
        /// The topic name.
        pub topic: String = versions(0..),
        /// Each partition to get offsets for.
        pub partitions: Vec<OffsetForLeaderPartition> = versions(0..),
    }
}

kafka_struct! {
    /// Each partition to get offsets for.
    pub struct OffsetForLeaderPartition {
        /// The partition index.
        pub partition: i32 = versions(0..),
        /// An epoch used to fence consumers/replicas with old metadata. If the epoch provided
        /// by the client is larger than the current epoch known to the broker, then the
        /// UNKNOWN_LEADER_EPOCH error code will be returned. If the provided epoch is smaller,
        /// then the FENCED_LEADER_EPOCH error code will be returned.
        pub current_leader_epoch: i32 = versions(2..) ignorable(true) default(-1),
        /// The epoch to look up an offset for.
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
