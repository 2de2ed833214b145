//! HeartbeatRequest (API key 12), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for Heartbeat (API key 12).
    pub struct HeartbeatRequest {
        /// ID of the group.
        pub group_id: String = versions(0..),
        /// Generation the group is in.
        pub generation_id: i32 = versions(0..),
        /// ID of the member.
        pub member_id: String = versions(0..),
        /// Consumer instance ID configured by the user.
        pub group_instance_id: Option<String> = versions(3..) nullable(3..) default(None),
    }
}

kafka_message!(
    HeartbeatRequest,
    api_key = 12,
    versions = 0..=4,
    flexible = Some(4)
);
kafka_request!(HeartbeatRequest => super::HeartbeatResponse);
