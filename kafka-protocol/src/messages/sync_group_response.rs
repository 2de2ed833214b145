//! SyncGroupResponse (API key 14), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

use bytes::Bytes;

kafka_struct! {
    /// The SyncGroup response (API key 14).
    pub struct SyncGroupResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The group protocol type.
        pub protocol_type: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
        /// The group protocol name.
        pub protocol_name: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
        /// The member assignment.
        pub assignment: Bytes = versions(0..),
    }
}

kafka_message!(
    SyncGroupResponse,
    api_key = 14,
    versions = 0..=5,
    flexible = Some(4)
);
