//! OffsetCommitRequest (API key 8), versions 0-10.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 2 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Request body for OffsetCommit (API key 8).
    pub struct OffsetCommitRequest {
        /// Identifier of the consumer group.
        pub group_id: String = versions(0..),
        /// Group generation under the classic protocol, or member epoch under the consumer
        /// protocol.
        pub generation_id_or_member_epoch: i32 = versions(1..) ignorable(true) default(-1),
        /// Member ID handed out by the group coordinator.
        pub member_id: String = versions(1..) ignorable(true),
        /// Consumer instance ID configured by the user.
        pub group_instance_id: Option<String> = versions(7..) nullable(7..) default(None),
        /// How long, in milliseconds, the offset should be kept.
        pub retention_time_ms: i64 = versions(2..=4) ignorable(true) default(-1),
        /// Topics whose offsets are being committed.
        pub topics: Vec<OffsetCommitRequestTopic> = versions(0..),
    }
}

kafka_struct! {
    /// Topics whose offsets are being committed.
    pub struct OffsetCommitRequestTopic {
        /// Name of the topic.
        pub name: String = versions(0..=9) ignorable(true),
        /// ID of the topic.
        pub topic_id: Uuid = versions(10..) ignorable(true),
        /// Partitions whose offsets are being committed.
        pub partitions: Vec<OffsetCommitRequestPartition> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions whose offsets are being committed.
    pub struct OffsetCommitRequestPartition {
        /// Index of the partition.
        pub partition_index: i32 = versions(0..),
        /// Offset to commit.
        pub committed_offset: i64 = versions(0..),
        /// Leader epoch of the partition.
        pub committed_leader_epoch: i32 = versions(6..) ignorable(true) default(-1),
        /// Timestamp of the commit.
        pub commit_timestamp: i64 = versions(1..=1) default(-1),
        /// Optional client metadata stored alongside the offset.
        pub committed_metadata: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
    }
}

kafka_message!(
    OffsetCommitRequest,
    api_key = 8,
    versions = 0..=10,
    flexible = Some(8)
);
kafka_request!(OffsetCommitRequest => super::OffsetCommitResponse);
