//! TxnOffsetCommitRequest (API key 28), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The TxnOffsetCommit request (API key 28).
    pub struct TxnOffsetCommitRequest {
        /// The ID of the transaction.
        pub transactional_id: String = versions(0..),
        /// The ID of the group.
        pub group_id: String = versions(0..),
        /// The current producer ID in use by the transactional ID.
        pub producer_id: i64 = versions(0..),
        /// The current epoch associated with the producer ID.
        pub producer_epoch: i16 = versions(0..),
        /// The generation of the group if using the classic group protocol or the member epoch
        /// if using the consumer protocol.
        pub generation_id_or_member_epoch: i32 = versions(3..) default(-1),
        /// The member ID assigned by the group coordinator.
        pub member_id: String = versions(3..),
        /// The unique identifier of the consumer instance provided by end user.
        pub group_instance_id: Option<String> = versions(3..) nullable(3..) default(None),
        /// Each topic that we want to commit offsets for.
        pub topics: Vec<TxnOffsetCommitRequestTopic> = versions(0..),
    }
}

kafka_struct! {
    /// Each topic that we want to commit offsets for.
    pub struct TxnOffsetCommitRequestTopic {
        /// The topic name.
        pub name: String = versions(0..=5) ignorable(true),
        /// The topic ID.
        pub topic_id: Uuid = versions(6..) ignorable(true),
        /// The partitions inside the topic that we want to commit offsets for.
        pub partitions: Vec<TxnOffsetCommitRequestPartition> = versions(0..),
    }
}

kafka_struct! {
    /// The partitions inside the topic that we want to commit offsets for.
    pub struct TxnOffsetCommitRequestPartition {
        /// The index of the partition within the topic.
        pub partition_index: i32 = versions(0..),
        /// The message offset to be committed.
        pub committed_offset: i64 = versions(0..),
        /// The leader epoch of the last consumed record.
        pub committed_leader_epoch: i32 = versions(2..) ignorable(true) default(-1),
        /// Any associated metadata the client wants to keep.
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
