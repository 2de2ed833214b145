//! JoinGroupRequest (API key 11), versions 0-9.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// The JoinGroup request (API key 11).
    pub struct JoinGroupRequest {
        /// The group identifier.
        pub group_id: String = versions(0..),
        /// The coordinator considers the consumer dead if it receives no heartbeat after this
        /// timeout in milliseconds.
        pub session_timeout_ms: i32 = versions(0..),
        /// The maximum time in milliseconds that the coordinator will wait for each member to
        /// rejoin when rebalancing the group.
        pub rebalance_timeout_ms: i32 = versions(1..) ignorable(true) default(-1),
        /// The member id assigned by the group coordinator.
        pub member_id: String = versions(0..),
        /// The unique identifier of the consumer instance provided by end user.
        pub group_instance_id: Option<String> = versions(5..) nullable(5..) default(None),
        /// The unique name the for class of protocols implemented by the group we want to join.
        pub protocol_type: String = versions(0..),
        /// The list of protocols that the member supports.
        pub protocols: Vec<JoinGroupRequestProtocol> = versions(0..),
        /// The reason why the member (re-)joins the group.
        pub reason: Option<String> = versions(8..) nullable(8..) ignorable(true) default(None),
    }
}

kafka_struct! {
    /// The list of protocols that the member supports.
    pub struct JoinGroupRequestProtocol {
        /// The protocol name.
        pub name: String = versions(0..),
        /// The protocol metadata.
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
