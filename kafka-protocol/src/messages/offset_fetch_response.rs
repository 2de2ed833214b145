//! OffsetFetchResponse (API key 9), versions 0-10.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Response body for OffsetFetch (API key 9).
    pub struct OffsetFetchResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(3..) ignorable(true),
        /// One response per topic.
        pub topics: Vec<OffsetFetchResponseTopic> = versions(0..=7),
        /// Error code for the response as a whole; 0 means success.
        pub error_code: i16 = versions(2..=7) ignorable(true),
        /// One response per group ID.
        pub groups: Vec<OffsetFetchResponseGroup> = versions(8..),
    }
}

kafka_struct! {
    /// One response per group ID.
    pub struct OffsetFetchResponseGroup {
        /// ID of the group.
        pub group_id: String = versions(8..),
        /// One response per topic.
        pub topics: Vec<OffsetFetchResponseTopics> = versions(8..),
        /// Error code for the group; 0 means success.
        pub error_code: i16 = versions(8..),
    }
}

kafka_struct! {
    /// One response per topic.
    pub struct OffsetFetchResponseTopics {
        /// Name of the topic.
        pub name: String = versions(8..=9) ignorable(true),
        /// ID of the topic.
        pub topic_id: Uuid = versions(10..) ignorable(true),
        /// One response per partition.
        pub partitions: Vec<OffsetFetchResponsePartitions> = versions(8..),
    }
}

kafka_struct! {
    /// One response per partition.
    pub struct OffsetFetchResponsePartitions {
        /// Index of the partition.
        pub partition_index: i32 = versions(8..),
        /// Offset that was committed.
        pub committed_offset: i64 = versions(8..),
        /// Leader epoch.
        pub committed_leader_epoch: i32 = versions(8..) ignorable(true) default(-1),
        /// Metadata stored with the partition's offset.
        pub metadata: Option<String> = versions(8..) nullable(8..) default(Some(Default::default())),
        /// Error code for the partition; 0 means success.
        pub error_code: i16 = versions(8..),
    }
}

kafka_struct! {
    /// One response per topic.
    pub struct OffsetFetchResponseTopic {
        /// Name of the topic.
        pub name: String = versions(0..=7),
        /// One response per partition.
        pub partitions: Vec<OffsetFetchResponsePartition> = versions(0..=7),
    }
}

kafka_struct! {
    /// One response per partition.
    pub struct OffsetFetchResponsePartition {
        /// Index of the partition.
        pub partition_index: i32 = versions(0..=7),
        /// Offset that was committed.
        pub committed_offset: i64 = versions(0..=7),
        /// Leader epoch.
        pub committed_leader_epoch: i32 = versions(5..=7) ignorable(true) default(-1),
        /// Metadata stored with the partition's offset.
        pub metadata: Option<String> = versions(0..=7) nullable(0..=7) default(Some(Default::default())),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..=7),
    }
}

kafka_message!(
    OffsetFetchResponse,
    api_key = 9,
    versions = 0..=10,
    flexible = Some(6)
);
