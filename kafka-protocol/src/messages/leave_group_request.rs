//! LeaveGroupRequest (API key 13), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for LeaveGroup (API key 13).
    pub struct LeaveGroupRequest {
        /// ID of the group being left.
        pub group_id: String = versions(0..),
        /// ID of the member to drop from the group.
        pub member_id: String = versions(0..=2),
        /// Identities of the members that are leaving.
        pub members: Vec<MemberIdentity> = versions(3..),
    }
}

kafka_struct! {
    /// Identities of the members that are leaving.
    pub struct MemberIdentity {
        /// ID of the member to drop from the group.
        pub member_id: String = versions(3..),
        /// Group instance ID to drop from the group.
        pub group_instance_id: Option<String> = versions(3..) nullable(3..) default(None),
        /// Why the member is leaving the group.
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
