//! JoinGroupRequest (API key 11), versions 0-9.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// Request body for JoinGroup (API key 11).
    pub struct JoinGroupRequest {
        /// Identifier of the group.
        pub group_id: String = versions(0..),
        /// Milliseconds without a heartbeat after which the coordinator treats the consumer as
        /// dead.
        pub session_timeout_ms: i32 = versions(0..),
        /// Longest time in milliseconds the coordinator waits for every member to rejoin during a
        /// rebalance.
        pub rebalance_timeout_ms: i32 = versions(1..) ignorable(true) default(-1),
        /// Member ID handed out by the group coordinator.
        pub member_id: String = versions(0..),
        /// Consumer instance ID configured by the user.
        pub group_instance_id: Option<String> = versions(5..) nullable(5..) default(None),
        /// Unique name of the protocol class the target group implements.
        pub protocol_type: String = versions(0..),
        /// Protocols this member can speak.
        pub protocols: Vec<JoinGroupRequestProtocol> = versions(0..),
        /// Why the member is joining or rejoining the group.
        pub reason: Option<String> = versions(8..) nullable(8..) ignorable(true) default(None),
    }
}

kafka_struct! {
    /// Protocols this member can speak.
    pub struct JoinGroupRequestProtocol {
        /// Name of the protocol.
        pub name: String = versions(0..),
        /// Metadata for the protocol.
        pub metadata: Bytes = versions(0..),
    }
}

kafka_message!(
    JoinGroupRequest,
    api_key = 11,
    versions = 0..=9,
    flexible = Some(6)
);
kafka_request!(JoinGroupRequest => super::JoinGroupResponse);
