//! LeaveGroupResponse (API key 13), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The LeaveGroup response (API key 13).
    pub struct LeaveGroupResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// List of leaving member responses.
        pub members: Vec<MemberResponse> = versions(3..),
    }
}

kafka_struct! {
    /// List of leaving member responses.
    pub struct MemberResponse {
        /// The member ID to remove from the group.
        pub member_id: String = versions(3..),
        /// The group instance ID to remove from the group.
        pub group_instance_id: Option<String> = versions(3..) nullable(3..) default(Some(Default::default())),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(3..),
    }
}

kafka_message!(
    LeaveGroupResponse,
    api_key = 13,
    versions = 0..=5,
    flexible = Some(4)
);
