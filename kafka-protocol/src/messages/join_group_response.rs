//! JoinGroupResponse (API key 11), versions 0-9.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// The JoinGroup response (API key 11).
    pub struct JoinGroupResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(2..) ignorable(true),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The generation ID of the group.
        pub generation_id: i32 = versions(0..) default(-1),
        /// The group protocol name.
        pub protocol_type: Option<String> = versions(7..) nullable(7..) ignorable(true) default(None),
        /// The group protocol selected by the coordinator.
        pub protocol_name: Option<String> = versions(0..) nullable(7..) default(Some(Default::default())),
        /// The leader of the group.
        pub leader: String = versions(0..),
        /// True if the leader must skip running the assignment.
        pub skip_assignment: bool = versions(9..),
        /// The member ID assigned by the group coordinator.
        pub member_id: String = versions(0..),
        /// The group members.
        pub members: Vec<JoinGroupResponseMember> = versions(0..),
    }
}

kafka_struct! {
    /// The group members.
    pub struct JoinGroupResponseMember {
        /// The group member ID.
        pub member_id: String = versions(0..),
        /// The unique identifier of the consumer instance provided by end user.
        pub group_instance_id: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
        /// The group member metadata.
        pub metadata: Bytes = versions(0..),
    }
}

kafka_message!(
    JoinGroupResponse,
    api_key = 11,
    versions = 0..=9,
    flexible = Some(6)
);
