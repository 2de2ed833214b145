//! FetchResponse (API key 1), versions 0-18.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 4 from 3.9.1); see MESSAGES.md.

use crate::Uuid;
use bytes::Bytes;

kafka_struct! {
    /// The Fetch response (API key 1).
    pub struct FetchResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// The top level response error code.
        pub error_code: i16 = versions(7..) ignorable(true),
        /// The fetch session ID, or 0 if this is not part of a fetch session.
        pub session_id: i32 = versions(7..),
        /// The response topics.
        pub responses: Vec<FetchableTopicResponse> = versions(0..),
        /// Endpoints for all current-leaders enumerated in PartitionData, with errors
        /// NOT_LEADER_OR_FOLLOWER & FENCED_LEADER_EPOCH.
        pub node_endpoints: Vec<NodeEndpoint> = versions(16..) tag(0),
    }
}

kafka_struct! {
    /// Endpoints for all current-leaders enumerated in PartitionData, with errors
    /// NOT_LEADER_OR_FOLLOWER & FENCED_LEADER_EPOCH.
    pub struct NodeEndpoint {
        /// The ID of the associated node.
        pub node_id: i32 = versions(16..),
        /// The node's hostname.
        pub host: String = versions(16..),
        /// The node's port.
        pub port: i32 = versions(16..),
        /// The rack of the node, or null if it has not been assigned to a rack.
        pub rack: Option<String> = versions(16..) nullable(16..) default(None),
    }
}

kafka_struct! {
    /// The response topics.
    pub struct FetchableTopicResponse {
        /// The topic name.
        pub topic: String = versions(0..=12) ignorable(true),
        /// The unique topic ID.
        pub topic_id: Uuid = versions(13..) ignorable(true),
        /// The topic partitions.
        pub partitions: Vec<PartitionData> = versions(0..),
    }
}

kafka_struct! {
    /// The topic partitions.
    pub struct PartitionData {
        /// The partition index.
        pub partition_index: i32 = versions(0..),
        /// The error code, or 0 if there was no fetch error.
        pub error_code: i16 = versions(0..),
        /// The current high water mark.
        pub high_watermark: i64 = versions(0..),
        /// The last stable offset (or LSO) of the partition. This is the last offset such that
        /// the state of all transactional records prior to this offset have been decided
        /// (ABORTED or COMMITTED).
        pub last_stable_offset: i64 = versions(4..) ignorable(true) default(-1),
        /// The current log start offset.
        pub log_start_offset: i64 = versions(5..) ignorable(true) default(-1),
        /// In case divergence is detected based on the `LastFetchedEpoch` and `FetchOffset` in
        /// the request, this field indicates the largest epoch and its end offset such that
        /// subsequent records are known to diverge.
        pub diverging_epoch: EpochEndOffset = versions(12..) tag(0),
        /// The current leader of the partition.
        pub current_leader: LeaderIdAndEpoch = versions(12..) tag(1),
        /// In the case of fetching an offset less than the LogStartOffset, this is the end
        /// offset and epoch that should be used in the FetchSnapshot request.
        pub snapshot_id: SnapshotId = versions(12..) tag(2),
        /// The aborted transactions.
        pub aborted_transactions: Option<Vec<AbortedTransaction>> = versions(4..) nullable(4..) ignorable(true) default(Some(Default::default())),
        /// The preferred read replica for the consumer to use on its next fetch request.
        pub preferred_read_replica: i32 = versions(11..) default(-1),
        /// The record data.
        pub records: Option<Bytes> = versions(0..) nullable(0..),
    }
}

kafka_struct! {
    /// The aborted transactions.
    pub struct AbortedTransaction {
        /// The producer id associated with the aborted transaction.
        pub producer_id: i64 = versions(4..),
        /// The first offset in the aborted transaction.
        pub first_offset: i64 = versions(4..),
    }
}

kafka_struct! {
    /// In the case of fetching an offset less than the LogStartOffset, this is the end offset
    /// and epoch that should be used in the FetchSnapshot request.
    pub struct SnapshotId {
        /// The end offset of the epoch.
        pub end_offset: i64 = versions(0..) default(-1),
        /// The largest epoch.
        pub epoch: i32 = versions(0..) default(-1),
    }
}

kafka_struct! {
    /// The current leader of the partition.
    pub struct LeaderIdAndEpoch {
        /// The ID of the current leader or -1 if the leader is unknown.
        pub leader_id: i32 = versions(12..) default(-1),
        /// The latest known leader epoch.
        pub leader_epoch: i32 = versions(12..) default(-1),
    }
}

kafka_struct! {
    /// In case divergence is detected based on the `LastFetchedEpoch` and `FetchOffset` in the
    /// request, this field indicates the largest epoch and its end offset such that subsequent
    /// records are known to diverge.
    pub struct EpochEndOffset {
        /// The largest epoch.
        pub epoch: i32 = versions(12..) default(-1),
        /// The end offset of the epoch.
        pub end_offset: i64 = versions(12..) default(-1),
    }
}

kafka_message!(
    FetchResponse,
    api_key = 1,
    versions = 0..=18,
    flexible = Some(12)
);
