//! OffsetFetchResponse (API key 9), versions 0-10.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The OffsetFetch response (API key 9).
    pub struct OffsetFetchResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(3..) ignorable(true),
        /// The responses per topic.
        pub topics: Vec<OffsetFetchResponseTopic> = versions(0..=7),
        /// The top-level error code, or 0 if there was no error.
        pub error_code: i16 = versions(2..=7) ignorable(true),
        /// The responses per group id.
        pub groups: Vec<OffsetFetchResponseGroup> = versions(8..),
    }
}

kafka_struct! {
    /// The responses per group id.
    pub struct OffsetFetchResponseGroup {
        /// The group ID.
        pub group_id: String = versions(8..),
        /// The responses per topic.
        pub topics: Vec<OffsetFetchResponseTopics> = versions(8..),
        /// The group-level error code, or 0 if there was no error.
        pub error_code: i16 = versions(8..),
    }
}

kafka_struct! {
    /// The responses per topic.
    pub struct OffsetFetchResponseTopics {
        /// The topic name.
        pub name: String = versions(8..=9) ignorable(true),
        /// The topic ID.
        pub topic_id: Uuid = versions(10..) ignorable(true),
        /// The responses per partition.
        pub partitions: Vec<OffsetFetchResponsePartitions> = versions(8..),
    }
}

kafka_struct! {
    /// The responses per partition.
    pub struct OffsetFetchResponsePartitions {
        /// The partition index.
        pub partition_index: i32 = versions(8..),
        /// The committed message offset.
        pub committed_offset: i64 = versions(8..),
        /// The leader epoch.
        pub committed_leader_epoch: i32 = versions(8..) ignorable(true) default(-1),
        /// The partition metadata.
        pub metadata: Option<String> = versions(8..) nullable(8..) default(Some(Default::default())),
        /// The partition-level error code, or 0 if there was no error.
        pub error_code: i16 = versions(8..),
    }
}

kafka_struct! {
    /// The responses per topic.
    pub struct OffsetFetchResponseTopic {
        /// The topic name.
        pub name: String = versions(0..=7),
        /// The responses per partition.
        pub partitions: Vec<OffsetFetchResponsePartition> = versions(0..=7),
    }
}

kafka_struct! {
    /// The responses per partition.
    pub struct OffsetFetchResponsePartition {
        /// The partition index.
        pub partition_index: i32 = versions(0..=7),
        /// The committed message offset.
        pub committed_offset: i64 = versions(0..=7),
        /// The leader epoch.
        pub committed_leader_epoch: i32 = versions(5..=7) ignorable(true) default(-1),
        /// The partition metadata.
        pub metadata: Option<String> = versions(0..=7) nullable(0..=7) default(Some(Default::default())),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..=7),
    }
}

kafka_message!(
    OffsetFetchResponse,
    api_key = 9,
    versions = 0..=10,
    flexible = Some(6)
);
