//! ConsumerGroupDescribeResponse (API key 69), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use crate::Uuid;

kafka_struct! {
    /// The ConsumerGroupDescribe response (API key 69).
    pub struct ConsumerGroupDescribeResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// Each described group.
        pub groups: Vec<DescribedGroup> = versions(0..),
    }
}

kafka_struct! {
    /// Each described group.
    pub struct DescribedGroup {
        /// The describe error, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The top-level error message, or null if there was no error.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
        /// The group ID string.
        pub group_id: String = versions(0..),
        /// The group state string, or the empty string.
        pub group_state: String = versions(0..),
        /// The group epoch.
        pub group_epoch: i32 = versions(0..),
        /// The assignment epoch.
        pub assignment_epoch: i32 = versions(0..),
        /// The selected assignor.
        pub assignor_name: String = versions(0..),
        /// The members.
        pub members: Vec<Member> = versions(0..),
        /// 32-bit bitfield to represent authorized operations for this group.
        pub authorized_operations: i32 = versions(0..) default(-2147483648),
    }
}

kafka_struct! {
    /// The members.
    pub struct Member {
        /// The member ID.
        pub member_id: String = versions(0..),
        /// The member instance ID.
        pub instance_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// The member rack ID.
        pub rack_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// The current member epoch.
        pub member_epoch: i32 = versions(0..),
        /// The client ID.
        pub client_id: String = versions(0..),
        /// The client host.
        pub client_host: String = versions(0..),
        /// The subscribed topic names.
        pub subscribed_topic_names: Vec<String> = versions(0..),
        /// the subscribed topic regex otherwise or null of not provided.
        pub subscribed_topic_regex: Option<String> = versions(0..) nullable(0..) default(None),
        /// The current assignment.
        pub assignment: Assignment = versions(0..),
        /// The target assignment.
        pub target_assignment: Assignment = versions(0..),
        /// -1 for unknown. 0 for classic member. +1 for consumer member.
        pub member_type: i8 = versions(1..) ignorable(true) default(-1),
    }
}

kafka_struct! {
    /// The current assignment.
    pub struct Assignment {
        /// The assigned topic-partitions to the member.
        pub topic_partitions: Vec<TopicPartitions> = versions(0..),
    }
}

kafka_struct! {
    /// The assigned topic-partitions to the member.
    pub struct TopicPartitions {
        /// The topic ID.
        pub topic_id: Uuid = versions(0..),
        /// The topic name.
        pub topic_name: String = versions(0..),
        /// The partitions.
        pub partitions: Vec<i32> = versions(0..),
    }
}

kafka_message!(
    ConsumerGroupDescribeResponse,
    api_key = 69,
    versions = 0..=1,
    flexible = Some(0)
);
