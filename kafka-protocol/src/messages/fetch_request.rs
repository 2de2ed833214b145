//! FetchRequest (API key 1), versions 0-18.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 4 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Request body for Fetch (API key 1).
    pub struct FetchRequest {
        /// Cluster ID when known; lets metadata fetches be checked before the broker has
        /// registered.
        pub cluster_id: Option<String> = versions(12..) nullable(12..) tag(0) ignorable(true) default(None),
        /// Broker ID of the fetching follower, or -1 when a consumer sends the request.
        pub replica_id: i32 = versions(0..=14) default(-1),
        /// Follower replica state.
        pub replica_state: ReplicaState = versions(15..) tag(1),
        /// Longest time in milliseconds to wait before answering.
        pub max_wait_ms: i32 = versions(0..),
        /// Minimum number of bytes to gather before answering.
        pub min_bytes: i32 = versions(0..),
        /// Upper bound on the bytes returned; KIP-74 lists cases where it may be exceeded.
        pub max_bytes: i32 = versions(3..) ignorable(true) default(2147483647),
        /// Controls which transactional records are returned. READ_UNCOMMITTED (isolation_level =
        /// 0) exposes every record. READ_COMMITTED (isolation_level = 1) exposes non-transactional
        /// records and committed transactional ones: it only returns data below the last stable
        /// offset (LSO) and also includes the list of aborted transactions, so consumers can drop
        /// records of aborted transactions.
        pub isolation_level: i8 = versions(4..) ignorable(true),
        /// ID of the fetch session.
        pub session_id: i32 = versions(7..) ignorable(true),
        /// Epoch of the fetch session, used to order requests within it.
        pub session_epoch: i32 = versions(7..) ignorable(true) default(-1),
        /// Topics to read from.
        pub topics: Vec<FetchTopic> = versions(0..),
        /// Partitions to drop from an incremental fetch session.
        pub forgotten_topics_data: Vec<ForgottenTopic> = versions(7..),
        /// Rack ID of the consumer sending the request.
        pub rack_id: String = versions(11..) ignorable(true),
    }
}

kafka_struct! {
    /// Partitions to drop from an incremental fetch session.
    pub struct ForgottenTopic {
        /// Name of the topic.
        pub topic: String = versions(7..=12) ignorable(true),
        /// Unique ID of the topic.
        pub topic_id: Uuid = versions(13..) ignorable(true),
        /// Indexes of the partitions to drop.
        pub partitions: Vec<i32> = versions(7..),
    }
}

kafka_struct! {
    /// Topics to read from.
    pub struct FetchTopic {
        /// Name of the topic to read from.
        pub topic: String = versions(0..=12) ignorable(true),
        /// Unique ID of the topic.
        pub topic_id: Uuid = versions(13..) ignorable(true),
        /// Partitions to read from.
        pub partitions: Vec<FetchPartition> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions to read from.
    pub struct FetchPartition {
        /// Index of the partition.
        pub partition: i32 = versions(0..),
        /// Leader epoch the client currently knows for the partition.
        pub current_leader_epoch: i32 = versions(9..) ignorable(true) default(-1),
        /// Offset to start reading at.
        pub fetch_offset: i64 = versions(0..),
        /// Epoch of the most recently fetched record, or -1 if none.
        pub last_fetched_epoch: i32 = versions(12..) default(-1),
        /// Earliest offset the follower replica still holds; only set when a follower sends the
        /// request.
        pub log_start_offset: i64 = versions(5..) ignorable(true) default(-1),
        /// Upper bound on bytes returned for this partition; KIP-74 lists cases where it may be
        /// exceeded.
        pub partition_max_bytes: i32 = versions(0..),
        /// Directory ID of the fetching follower.
        pub replica_directory_id: Uuid = versions(17..) tag(0) ignorable(true),
        /// High watermark the replica knows of: -1 when unknown, 9223372036854775807 when the
        /// feature is unsupported.
        pub high_watermark: i64 = versions(18..) tag(1) ignorable(true) default(9223372036854775807),
    }
}

kafka_struct! {
    /// Follower replica state.
    pub struct ReplicaState {
        /// Replica ID of the fetching follower, or -1 when a consumer sends the request.
        pub replica_id: i32 = versions(15..) default(-1),
        /// Epoch of the fetching follower, or -1 if it is not available.
        pub replica_epoch: i64 = versions(15..) default(-1),
    }
}

kafka_message!(
    FetchRequest,
    api_key = 1,
    versions = 0..=18,
    flexible = Some(12)
);
kafka_request!(FetchRequest => super::FetchResponse);
