//! SyncGroupRequest (API key 14), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// The SyncGroup request (API key 14).
    pub struct SyncGroupRequest {
        /// The unique group identifier.
        pub group_id: String = versions(0..),
        /// The generation of the group.
        pub generation_id: i32 = versions(0..),
        /// The member ID assigned by the group.
        pub member_id: String = versions(0..),
        /// The unique identifier of the consumer instance provided by end user.
        pub group_instance_id: Option<String> = versions(3..) nullable(3..) default(None),
        /// The group protocol type.
        pub protocol_type: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
        /// The group protocol name.
        pub protocol_name: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
        /// Each assignment.
        pub assignments: Vec<SyncGroupRequestAssignment> = versions(0..),
    }
}

kafka_struct! {
    /// Each assignment.
    pub struct SyncGroupRequestAssignment {
        /// The ID of the member to assign.
        pub member_id: String = versions(0..),
        /// The member assignment.
        pub assignment: Bytes = versions(0..),
    }
}

kafka_message!(
    SyncGroupRequest,
    api_key = 14,
    versions = 0..=5,
    flexible = Some(4)
);
kafka_request!(SyncGroupRequest => super::SyncGroupResponse);
