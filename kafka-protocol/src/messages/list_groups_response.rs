//! ListGroupsResponse (API key 16), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The ListGroups response (API key 16).
    pub struct ListGroupsResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// Each group in the response.
        pub groups: Vec<ListedGroup> = versions(0..),
    }
}

kafka_struct! {
    /// Each group in the response.
    pub struct ListedGroup {
        /// The group ID.
        pub group_id: String = versions(0..),
        /// The group protocol type.
        pub protocol_type: String = versions(0..),
        /// The group state name.
        pub group_state: String = versions(4..) ignorable(true),
        /// The group type name.
        pub group_type: String = versions(5..) ignorable(true),
    }
}

kafka_message!(
    ListGroupsResponse,
    api_key = 16,
    versions = 0..=5,
    flexible = Some(3)
);
