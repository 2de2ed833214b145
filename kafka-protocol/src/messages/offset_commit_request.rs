//! OffsetCommitRequest (API key 8), versions 0-10.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 2 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The OffsetCommit request (API key 8).
    pub struct OffsetCommitRequest {
        /// The unique group identifier.
        pub group_id: String = versions(0..),
        /// The generation of the group if using the classic group protocol or the member epoch
        /// if using the consumer protocol.
        pub generation_id_or_member_epoch: i32 = versions(1..) ignorable(true) default(-1),
        /// The member ID assigned by the group coordinator.
        pub member_id: String = versions(1..) ignorable(true),
        /// The unique identifier of the consumer instance provided by end user.
        pub group_instance_id: Option<String> = versions(7..) nullable(7..) default(None),
        /// The time period in ms to retain the offset.
        pub retention_time_ms: i64 = versions(2..=4) ignorable(true) default(-1),
        /// The topics to commit offsets for.
        pub topics: Vec<OffsetCommitRequestTopic> = versions(0..),
    }
}

kafka_struct! {
    /// The topics to commit offsets for.
    pub struct OffsetCommitRequestTopic {
        /// The topic name.
        pub name: String = versions(0..=9) ignorable(true),
        /// The topic ID.
        pub topic_id: Uuid = versions(10..) ignorable(true),
        /// Each partition to commit offsets for.
        pub partitions: Vec<OffsetCommitRequestPartition> = versions(0..),
    }
}

kafka_struct! {
    /// Each partition to commit offsets for.
    pub struct OffsetCommitRequestPartition {
        /// The partition index.
        pub partition_index: i32 = versions(0..),
        /// The message offset to be committed.
        pub committed_offset: i64 = versions(0..),
        /// The leader epoch of this partition.
        pub committed_leader_epoch: i32 = versions(6..) ignorable(true) default(-1),
        /// The timestamp of the commit.
        pub commit_timestamp: i64 = versions(1..=1) default(-1),
        /// Any associated metadata the client wants to keep.
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
