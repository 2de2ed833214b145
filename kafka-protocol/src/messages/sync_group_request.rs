//! SyncGroupRequest (API key 14), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// Request body for SyncGroup (API key 14).
    pub struct SyncGroupRequest {
        /// Identifier of the consumer group.
        pub group_id: String = versions(0..),
        /// Generation the group is in.
        pub generation_id: i32 = versions(0..),
        /// Member ID the group handed out.
        pub member_id: String = versions(0..),
        /// Consumer instance ID configured by the user.
        pub group_instance_id: Option<String> = versions(3..) nullable(3..) default(None),
        /// Protocol type of the group.
        pub protocol_type: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
        /// Name of the group protocol.
        pub protocol_name: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
        /// One entry per member assignment.
        pub assignments: Vec<SyncGroupRequestAssignment> = versions(0..),
    }
}

kafka_struct! {
    /// One entry per member assignment.
    pub struct SyncGroupRequestAssignment {
        /// ID of the member receiving the assignment.
        pub member_id: String = versions(0..),
        /// Assignment data for the member.
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
