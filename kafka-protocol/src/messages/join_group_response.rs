//! JoinGroupResponse (API key 11), versions 0-9.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// Response body for JoinGroup (API key 11).
    pub struct JoinGroupResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(2..) ignorable(true),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Generation ID of the group.
        pub generation_id: i32 = versions(0..) default(-1),
        /// Name of the group protocol.
        pub protocol_type: Option<String> = versions(7..) nullable(7..) ignorable(true) default(None),
        /// Protocol the coordinator picked for the group.
        pub protocol_name: Option<String> = versions(0..) nullable(7..) default(Some(Default::default())),
        /// Member that leads the group.
        pub leader: String = versions(0..),
        /// Set when the leader should not run the assignment itself.
        pub skip_assignment: bool = versions(9..),
        /// Member ID handed out by the group coordinator.
        pub member_id: String = versions(0..),
        /// Members of the group.
        pub members: Vec<JoinGroupResponseMember> = versions(0..),
    }
}

kafka_struct! {
    /// Members of the group.
    pub struct JoinGroupResponseMember {
        /// Member ID within the group.
        pub member_id: String = versions(0..),
        /// Consumer instance ID configured by the user.
        pub group_instance_id: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
        /// Metadata supplied by the group member.
        pub metadata: Bytes = versions(0..),
    }
}

kafka_message!(
    JoinGroupResponse,
    api_key = 11,
    versions = 0..=9,
    flexible = Some(6)
);
