//! FetchResponse (API key 1), versions 0-18.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 4 from 3.9.1); see MESSAGES.md.

use crate::Uuid;
use bytes::Bytes;

kafka_struct! {
    /// Response body for Fetch (API key 1).
    pub struct FetchResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// Error code for the response as a whole.
        pub error_code: i16 = versions(7..) ignorable(true),
        /// ID of the fetch session, or 0 when the fetch is outside any session.
        pub session_id: i32 = versions(7..),
        /// Topics included in the response.
        pub responses: Vec<FetchableTopicResponse> = versions(0..),
        /// Endpoints of every current leader referenced in PartitionData with a
        /// NOT_LEADER_OR_FOLLOWER or FENCED_LEADER_EPOCH error.
        pub node_endpoints: Vec<NodeEndpoint> = versions(16..) tag(0),
    }
}

kafka_struct! {
    /// Endpoints of every current leader referenced in PartitionData with a NOT_LEADER_OR_FOLLOWER
    /// or FENCED_LEADER_EPOCH error.
    pub struct NodeEndpoint {
        /// ID of the node.
        pub node_id: i32 = versions(16..),
        /// Host name of the node.
        pub host: String = versions(16..),
        /// Port of the node.
        pub port: i32 = versions(16..),
        /// Rack the node sits in, or null when it has no rack.
        pub rack: Option<String> = versions(16..) nullable(16..) default(None),
    }
}

kafka_struct! {
    /// Topics included in the response.
    pub struct FetchableTopicResponse {
        /// Name of the topic.
        pub topic: String = versions(0..=12) ignorable(true),
        /// Unique ID of the topic.
        pub topic_id: Uuid = versions(13..) ignorable(true),
        /// Partitions of the topic.
        pub partitions: Vec<PartitionData> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions of the topic.
    pub struct PartitionData {
        /// Index of the partition.
        pub partition_index: i32 = versions(0..),
        /// Error code from the fetch; 0 means success.
        pub error_code: i16 = versions(0..),
        /// High watermark of the partition right now.
        pub high_watermark: i64 = versions(0..),
        /// Last stable offset (LSO) of the partition: every transactional record below it has
        /// already been either committed or aborted.
        pub last_stable_offset: i64 = versions(4..) ignorable(true) default(-1),
        /// Log start offset of the partition right now.
        pub log_start_offset: i64 = versions(5..) ignorable(true) default(-1),
        /// Set when the request's `LastFetchedEpoch` and `FetchOffset` reveal divergence: the
        /// largest epoch and its end offset after which the log is known to differ.
        pub diverging_epoch: EpochEndOffset = versions(12..) tag(0),
        /// Partition leader as currently known.
        pub current_leader: LeaderIdAndEpoch = versions(12..) tag(1),
        /// When the requested offset is below LogStartOffset, the end offset and epoch to use in a
        /// FetchSnapshot request.
        pub snapshot_id: SnapshotId = versions(12..) tag(2),
        /// Transactions that were aborted.
        pub aborted_transactions: Option<Vec<AbortedTransaction>> = versions(4..) nullable(4..) ignorable(true) default(Some(Default::default())),
        /// Replica the consumer should prefer for its next fetch.
        pub preferred_read_replica: i32 = versions(11..) default(-1),
        /// Raw record data.
        pub records: Option<Bytes> = versions(0..) nullable(0..),
    }
}

kafka_struct! {
    /// Transactions that were aborted.
    pub struct AbortedTransaction {
        /// Producer ID of the aborted transaction.
        pub producer_id: i64 = versions(4..),
        /// Offset where the aborted transaction begins.
        pub first_offset: i64 = versions(4..),
    }
}

kafka_struct! {
    /// When the requested offset is below LogStartOffset, the end offset and epoch to use in a
    /// FetchSnapshot request.
    pub struct SnapshotId {
        /// Offset at which the epoch ends.
        pub end_offset: i64 = versions(0..) default(-1),
        /// Highest epoch.
        pub epoch: i32 = versions(0..) default(-1),
    }
}

kafka_struct! {
    /// Partition leader as currently known.
    pub struct LeaderIdAndEpoch {
        /// ID of the current leader, or -1 when no leader is known.
        pub leader_id: i32 = versions(12..) default(-1),
        /// Most recent leader epoch known.
        pub leader_epoch: i32 = versions(12..) default(-1),
    }
}

kafka_struct! {
    /// Set when the request's `LastFetchedEpoch` and `FetchOffset` reveal divergence: the largest
    /// epoch and its end offset after which the log is known to differ.
    pub struct EpochEndOffset {
        /// Highest epoch.
        pub epoch: i32 = versions(12..) default(-1),
        /// Offset at which the epoch ends.
        pub end_offset: i64 = versions(12..) default(-1),
    }
}

kafka_message!(
    FetchResponse,
    api_key = 1,
    versions = 0..=18,
    flexible = Some(12)
);
