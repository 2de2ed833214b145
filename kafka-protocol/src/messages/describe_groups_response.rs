//! DescribeGroupsResponse (API key 15), versions 0-6.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// The DescribeGroups response (API key 15).
    pub struct DescribeGroupsResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// Each described group.
        pub groups: Vec<DescribedGroup> = versions(0..),
    }
}

kafka_struct! {
    /// Each described group.
    pub struct DescribedGroup {
        /// The describe error, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The describe error message, or null if there was no error.
        pub error_message: Option<String> = versions(6..) nullable(6..) default(None),
        /// The group ID string.
        pub group_id: String = versions(0..),
        /// The group state string, or the empty string.
        pub group_state: String = versions(0..),
        /// The group protocol type, or the empty string.
        pub protocol_type: String = versions(0..),
        /// The group protocol data, or the empty string.
        pub protocol_data: String = versions(0..),
        /// The group members.
        pub members: Vec<DescribedGroupMember> = versions(0..),
        /// 32-bit bitfield to represent authorized operations for this group.
        pub authorized_operations: i32 = versions(3..) default(-2147483648),
    }
}

kafka_struct! {
    /// The group members.
    pub struct DescribedGroupMember {
        /// The member id.
        pub member_id: String = versions(0..),
        /// The unique identifier of the consumer instance provided by end user.
        pub group_instance_id: Option<String> = versions(4..) nullable(4..) ignorable(true) default(None),
        /// The client ID used in the member's latest join group request.
        pub client_id: String = versions(0..),
        /// The client host.
        pub client_host: String = versions(0..),
        /// The metadata corresponding to the current group protocol in use.
        pub member_metadata: Bytes = versions(0..),
        /// The current assignment provided by the group leader.
        pub member_assignment: Bytes = versions(0..),
    }
}

kafka_message!(
    DescribeGroupsResponse,
    api_key = 15,
    versions = 0..=6,
    flexible = Some(5)
);
