//! ConsumerGroupDescribeResponse (API key 69), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// Response body for ConsumerGroupDescribe (API key 69).
    pub struct ConsumerGroupDescribeResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// One entry for every group that was described.
        pub groups: Vec<DescribedGroup> = versions(0..),
    }
}

kafka_struct! {
    /// One entry for every group that was described.
    pub struct DescribedGroup {
        /// Error code from describing this group; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Error message for the response as a whole; null on success.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
        /// ID of the group.
        pub group_id: String = versions(0..),
        /// Current state of the group, or an empty string.
        pub group_state: String = versions(0..),
        /// Epoch of the group.
        pub group_epoch: i32 = versions(0..),
        /// Epoch of the current assignment.
        pub assignment_epoch: i32 = versions(0..),
        /// Assignor chosen for the group.
        pub assignor_name: String = versions(0..),
        /// Members of the group.
        pub members: Vec<Member> = versions(0..),
        /// Bitfield (32 bits) of the operations the caller may perform on this group.
        pub authorized_operations: i32 = versions(0..) default(-2147483648),
    }
}

kafka_struct! {
    /// Members of the group.
    pub struct Member {
        /// ID of the member.
        pub member_id: String = versions(0..),
        /// Static instance ID of the member.
        pub instance_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// Rack ID of the member.
        pub rack_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// Epoch currently held by the member.
        pub member_epoch: i32 = versions(0..),
        /// Client ID of the member.
        pub client_id: String = versions(0..),
        /// Host the member connects from.
        pub client_host: String = versions(0..),
        /// Names of the topics the member subscribes to.
        pub subscribed_topic_names: Vec<String> = versions(0..),
        /// Regular expression the member subscribes with, or null when none was given.
        pub subscribed_topic_regex: Option<String> = versions(0..) nullable(0..) default(None),
        /// Assignment the member currently holds.
        pub assignment: Assignment = versions(0..),
        /// Assignment the member is moving towards.
        pub target_assignment: Assignment = versions(0..),
        /// Member type: -1 unknown, 0 classic member, 1 consumer member.
        pub member_type: i8 = versions(1..) ignorable(true) default(-1),
    }
}

kafka_struct! {
    /// Assignment the member currently holds.
    pub struct Assignment {
        /// Topic-partitions assigned to the member.
        pub topic_partitions: Vec<TopicPartitions> = versions(0..),
    }
}

kafka_struct! {
    /// Topic-partitions assigned to the member.
    pub struct TopicPartitions {
        /// ID of the topic.
        pub topic_id: Uuid = versions(0..),
        /// Name of the topic.
        pub topic_name: String = versions(0..),
        /// Partitions in this entry.
        pub partitions: Vec<i32> = versions(0..),
    }
}

kafka_message!(
    ConsumerGroupDescribeResponse,
    api_key = 69,
    versions = 0..=1,
    flexible = Some(0)
);
