//! LeaveGroupRequest (API key 13), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The LeaveGroup request (API key 13).
    pub struct LeaveGroupRequest {
        /// The ID of the group to leave.
        pub group_id: String = versions(0..),
        /// The member ID to remove from the group.
        pub member_id: String = versions(0..=2),
        /// List of leaving member identities.
        pub members: Vec<MemberIdentity> = versions(3..),
    }
}

kafka_struct! {
    /// List of leaving member identities.
    pub struct MemberIdentity {
        /// The member ID to remove from the group.
        pub member_id: String = versions(3..),
        /// The group instance ID to remove from the group.
        pub group_instance_id: Option<String> = versions(3..) nullable(3..) default(None),
        /// The reason why the member left the group.
        pub reason: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
    }
}

kafka_message!(
    LeaveGroupRequest,
    api_key = 13,
    versions = 0..=5,
    flexible = Some(4)
);
kafka_request!(LeaveGroupRequest => super::LeaveGroupResponse);
