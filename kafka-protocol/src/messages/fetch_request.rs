//! FetchRequest (API key 1), versions 0-18.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 4 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The Fetch request (API key 1).
    pub struct FetchRequest {
        /// The clusterId if known. This is used to validate metadata fetches prior to broker
        /// registration.
        pub cluster_id: Option<String> = versions(12..) nullable(12..) tag(0) ignorable(true) default(None),
        /// The broker ID of the follower, of -1 if this request is from a consumer.
        pub replica_id: i32 = versions(0..=14) default(-1),
        /// The state of the replica in the follower.
        pub replica_state: ReplicaState = versions(15..) tag(1),
        /// The maximum time in milliseconds to wait for the response.
        pub max_wait_ms: i32 = versions(0..),
        /// The minimum bytes to accumulate in the response.
        pub min_bytes: i32 = versions(0..),
        /// The maximum bytes to fetch. See KIP-74 for cases where this limit may not be
        /// honored.
        pub max_bytes: i32 = versions(3..) ignorable(true) default(2147483647),
        /// This setting controls the visibility of transactional records. Using
        /// READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With
        /// READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional
        /// records are visible. To be more concrete, READ_COMMITTED returns all data from
        /// offsets smaller than the current LSO (last stable offset), and enables the inclusion
        /// of the list of aborted transactions in the result, which allows consumers to discard
        /// ABORTED transactional records.
        pub isolation_level: i8 = versions(4..) ignorable(true),
        /// The fetch session ID.
        pub session_id: i32 = versions(7..) ignorable(true),
        /// The fetch session epoch, which is used for ordering requests in a session.
        pub session_epoch: i32 = versions(7..) ignorable(true) default(-1),
        /// The topics to fetch.
        pub topics: Vec<FetchTopic> = versions(0..),
        /// In an incremental fetch request, the partitions to remove.
        pub forgotten_topics_data: Vec<ForgottenTopic> = versions(7..),
        /// Rack ID of the consumer making this request.
        pub rack_id: String = versions(11..) ignorable(true),
    }
}

kafka_struct! {
    /// In an incremental fetch request, the partitions to remove.
    pub struct ForgottenTopic {
        /// The topic name.
        pub topic: String = versions(7..=12) ignorable(true),
        /// The unique topic ID.
        pub topic_id: Uuid = versions(13..) ignorable(true),
        /// The partitions indexes to forget.
        pub partitions: Vec<i32> = versions(7..),
    }
}

kafka_struct! {
    /// The topics to fetch.
    pub struct FetchTopic {
        /// The name of the topic to fetch.
        pub topic: String = versions(0..=12) ignorable(true),
        /// The unique topic ID.
        pub topic_id: Uuid = versions(13..) ignorable(true),
        /// The partitions to fetch.
        pub partitions: Vec<FetchPartition> = versions(0..),
    }
}

kafka_struct! {
    /// The partitions to fetch.
    pub struct FetchPartition {
        /// The partition index.
        pub partition: i32 = versions(0..),
        /// The current leader epoch of the partition.
        pub current_leader_epoch: i32 = versions(9..) ignorable(true) default(-1),
        /// The message offset.
        pub fetch_offset: i64 = versions(0..),
        /// The epoch of the last fetched record or -1 if there is none.
        pub last_fetched_epoch: i32 = versions(12..) default(-1),
        /// The earliest available offset of the follower replica. The field is only used when
        /// the request is sent by the follower.
        pub log_start_offset: i64 = versions(5..) ignorable(true) default(-1),
        /// The maximum bytes to fetch from this partition. See KIP-74 for cases where this
        /// limit may not be honored.
        pub partition_max_bytes: i32 = versions(0..),
        /// The directory id of the follower fetching.
        pub replica_directory_id: Uuid = versions(17..) tag(0) ignorable(true),
        /// The high-watermark known by the replica. -1 if the high-watermark is not known and
        /// 9223372036854775807 if the feature is not supported.
        pub high_watermark: i64 = versions(18..) tag(1) ignorable(true) default(9223372036854775807),
    }
}

kafka_struct! {
    /// The state of the replica in the follower.
    pub struct ReplicaState {
        /// The replica ID of the follower, or -1 if this request is from a consumer.
        pub replica_id: i32 = versions(15..) default(-1),
        /// The epoch of this follower, or -1 if not available.
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
