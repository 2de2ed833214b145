//! LeaveGroupResponse (API key 13), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for LeaveGroup (API key 13).
    pub struct LeaveGroupResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
        /// One response per leaving member.
        pub members: Vec<MemberResponse> = versions(3..),
    }
}

kafka_struct! {
    /// One response per leaving member.
    pub struct MemberResponse {
        /// ID of the member to drop from the group.
        pub member_id: String = versions(3..),
        /// Group instance ID to drop from the group.
        pub group_instance_id: Option<String> = versions(3..) nullable(3..) default(Some(Default::default())),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(3..),
    }
}

kafka_message!(
    LeaveGroupResponse,
    api_key = 13,
    versions = 0..=5,
    flexible = Some(4)
);
