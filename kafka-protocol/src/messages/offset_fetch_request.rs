//! OffsetFetchRequest (API key 9), versions 0-10.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Request body for OffsetFetch (API key 9).
    pub struct OffsetFetchRequest {
        /// Group whose offsets are requested.
        pub group_id: String = versions(0..=7),
        /// Topics whose offsets are requested, or null to request every topic.
        pub topics: Option<Vec<OffsetFetchRequestTopic>> = versions(0..=7) nullable(2..=7) default(Some(Default::default())),
        /// Groups whose offsets are requested.
        pub groups: Vec<OffsetFetchRequestGroup> = versions(8..),
        /// When set, the broker withholds unstable offsets and reports a retriable error for those
        /// partitions instead.
        pub require_stable: bool = versions(7..),
    }
}

kafka_struct! {
    /// Groups whose offsets are requested.
    pub struct OffsetFetchRequestGroup {
        /// ID of the group.
        pub group_id: String = versions(8..),
        /// ID of the member.
        pub member_id: Option<String> = versions(9..) nullable(9..) ignorable(true) default(None),
        /// Member epoch when the new consumer protocol (KIP-848) is in use.
        pub member_epoch: i32 = versions(9..) ignorable(true) default(-1),
        /// Topics whose offsets are requested, or null to request every topic.
        pub topics: Option<Vec<OffsetFetchRequestTopics>> = versions(8..) nullable(8..) default(Some(Default::default())),
    }
}

kafka_struct! {
    /// Topics whose offsets are requested, or null to request every topic.
    pub struct OffsetFetchRequestTopics {
        /// Name of the topic.
        pub name: String = versions(8..=9) ignorable(true),
        /// ID of the topic.
        pub topic_id: Uuid = versions(10..) ignorable(true),
        /// Indexes of the partitions whose offsets are requested.
        pub partition_indexes: Vec<i32> = versions(8..),
    }
}

kafka_struct! {
    /// Topics whose offsets are requested, or null to request every topic.
    pub struct OffsetFetchRequestTopic {
        /// Name of the topic.
        pub name: String = versions(0..=7),
        /// Indexes of the partitions whose offsets are requested.
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
