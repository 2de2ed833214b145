//! OffsetFetchRequest (API key 9), versions 0-10.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The OffsetFetch request (API key 9).
    pub struct OffsetFetchRequest {
        /// The group to fetch offsets for.
        pub group_id: String = versions(0..=7),
        /// Each topic we would like to fetch offsets for, or null to fetch offsets for all
        /// topics.
        pub topics: Option<Vec<OffsetFetchRequestTopic>> = versions(0..=7) nullable(2..=7) default(Some(Default::default())),
        /// Each group we would like to fetch offsets for.
        pub groups: Vec<OffsetFetchRequestGroup> = versions(8..),
        /// Whether broker should hold on returning unstable offsets but set a retriable error
        /// code for the partitions.
        pub require_stable: bool = versions(7..),
    }
}

kafka_struct! {
    /// Each group we would like to fetch offsets for.
    pub struct OffsetFetchRequestGroup {
        /// The group ID.
        pub group_id: String = versions(8..),
        /// The member id.
        pub member_id: Option<String> = versions(9..) nullable(9..) ignorable(true) default(None),
        /// The member epoch if using the new consumer protocol (KIP-848).
        pub member_epoch: i32 = versions(9..) ignorable(true) default(-1),
        /// Each topic we would like to fetch offsets for, or null to fetch offsets for all
        /// topics.
        pub topics: Option<Vec<OffsetFetchRequestTopics>> = versions(8..) nullable(8..) default(Some(Default::default())),
    }
}

kafka_struct! {
    /// Each topic we would like to fetch offsets for, or null to fetch offsets for all topics.
    pub struct OffsetFetchRequestTopics {
        /// The topic name.
        pub name: String = versions(8..=9) ignorable(true),
        /// The topic ID.
        pub topic_id: Uuid = versions(10..) ignorable(true),
        /// The partition indexes we would like to fetch offsets for.
        pub partition_indexes: Vec<i32> = versions(8..),
    }
}

kafka_struct! {
    /// Each topic we would like to fetch offsets for, or null to fetch offsets for all topics.
    pub struct OffsetFetchRequestTopic {
        /// The topic name.
        pub name: String = versions(0..=7),
        /// The partition indexes we would like to fetch offsets for.
        pub partition_indexes: Vec<i32> = versions(0..=7),
    }
}

kafka_message!(
    OffsetFetchRequest,
    api_key = 9,
    versions = 0..=10,
    flexible = Some(6)
);
kafka_request!(OffsetFetchRequest => super::OffsetFetchResponse);
