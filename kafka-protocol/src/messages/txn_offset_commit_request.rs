//! TxnOffsetCommitRequest (API key 28), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Request body for TxnOffsetCommit (API key 28).
    pub struct TxnOffsetCommitRequest {
        /// ID of the transaction.
        pub transactional_id: String = versions(0..),
        /// ID of the group.
        pub group_id: String = versions(0..),
        /// Producer ID currently bound to the transactional ID.
        pub producer_id: i64 = versions(0..),
        /// Epoch that goes with the producer ID.
        pub producer_epoch: i16 = versions(0..),
        /// Group generation under the classic protocol, or member epoch under the consumer
        /// protocol.
        pub generation_id_or_member_epoch: i32 = versions(3..) default(-1),
        /// Member ID handed out by the group coordinator.
        pub member_id: String = versions(3..),
        /// Consumer instance ID configured by the user.
        pub group_instance_id: Option<String> = versions(3..) nullable(3..) default(None),
        /// Topics whose offsets are committed as part of the transaction.
        pub topics: Vec<TxnOffsetCommitRequestTopic> = versions(0..),
    }
}

kafka_struct! {
    /// Topics whose offsets are committed as part of the transaction.
    pub struct TxnOffsetCommitRequestTopic {
        /// Name of the topic.
        pub name: String = versions(0..=5) ignorable(true),
        /// ID of the topic.
        pub topic_id: Uuid = versions(6..) ignorable(true),
        /// Partitions of the topic whose offsets are committed.
        pub partitions: Vec<TxnOffsetCommitRequestPartition> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions of the topic whose offsets are committed.
    pub struct TxnOffsetCommitRequestPartition {
        /// Index of the partition inside the topic.
        pub partition_index: i32 = versions(0..),
        /// Offset to commit.
        pub committed_offset: i64 = versions(0..),
        /// Leader epoch of the most recently consumed record.
        pub committed_leader_epoch: i32 = versions(2..) ignorable(true) default(-1),
        /// Optional client metadata stored alongside the offset.
        pub committed_metadata: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
    }
}

kafka_message!(
    TxnOffsetCommitRequest,
    api_key = 28,
    versions = 0..=6,
    flexible = Some(3)
);
kafka_request!(TxnOffsetCommitRequest => super::TxnOffsetCommitResponse);
