//! DescribeGroupsResponse (API key 15), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// Response body for DescribeGroups (API key 15).
    pub struct DescribeGroupsResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// One entry for every group that was described.
        pub groups: Vec<DescribedGroup> = versions(0..),
    }
}

kafka_struct! {
    /// One entry for every group that was described.
    pub struct DescribedGroup {
        /// Error code from describing this group; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Error message from describing this group; null on success.
        pub error_message: Option<String> = versions(6..) nullable(6..) default(None),
        /// ID of the group.
        pub group_id: String = versions(0..),
        /// Current state of the group, or an empty string.
        pub group_state: String = versions(0..),
        /// Protocol type of the group, or an empty string.
        pub protocol_type: String = versions(0..),
        /// Protocol data of the group, or an empty string.
        pub protocol_data: String = versions(0..),
        /// Members of the group.
        pub members: Vec<DescribedGroupMember> = versions(0..),
        /// Bitfield (32 bits) of the operations the caller may perform on this group.
        pub authorized_operations: i32 = versions(3..) default(-2147483648),
    }
}

kafka_struct! {
    /// Members of the group.
    pub struct DescribedGroupMember {
        /// ID of the member.
        pub member_id: String = versions(0..),
        /// Consumer instance ID configured by the user.
        pub group_instance_id: Option<String> = versions(4..) nullable(4..) ignorable(true) default(None),
        /// Client ID from the member's most recent JoinGroup request.
        pub client_id: String = versions(0..),
        /// Host the member connects from.
        pub client_host: String = versions(0..),
        /// Member metadata for the group protocol currently in use.
        pub member_metadata: Bytes = versions(0..),
        /// Assignment the group leader handed to this member.
        pub member_assignment: Bytes = versions(0..),
    }
}

kafka_message!(
    DescribeGroupsResponse,
    api_key = 15,
    versions = 0..=6,
    flexible = Some(5)
);
