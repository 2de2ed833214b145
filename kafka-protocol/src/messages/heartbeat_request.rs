//! HeartbeatRequest (API key 12), versions 0-4.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The Heartbeat request (API key 12).
    pub struct HeartbeatRequest {
        /// The group id.
        pub group_id: String = versions(0..),
        /// The generation of the group.
        pub generation_id: i32 = versions(0..),
        /// The member ID.
        pub member_id: String = versions(0..),
        /// The unique identifier of the consumer instance provided by end user.
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
