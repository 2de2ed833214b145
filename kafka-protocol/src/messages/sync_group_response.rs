//! SyncGroupResponse (API key 14), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// Response body for SyncGroup (API key 14).
    pub struct SyncGroupResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Protocol type of the group.
        pub protocol_type: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
        /// Name of the group protocol.
        pub protocol_name: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
        /// Assignment data for the member.
        pub assignment: Bytes = versions(0..),
    }
}

kafka_message!(
    SyncGroupResponse,
    api_key = 14,
    versions = 0..=5,
    flexible = Some(4)
);
