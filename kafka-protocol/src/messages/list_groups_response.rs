//! ListGroupsResponse (API key 16), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for ListGroups (API key 16).
    pub struct ListGroupsResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// Error code for this entry; 0 means success.
        pub error_code: i16 = versions(0..),
        /// One entry per group in the response.
        pub groups: Vec<ListedGroup> = versions(0..),
    }
}

kafka_struct! {
    /// One entry per group in the response.
    pub struct ListedGroup {
        /// ID of the group.
        pub group_id: String = versions(0..),
        /// Protocol type of the group.
        pub protocol_type: String = versions(0..),
        /// Name of the group's state.
        pub group_state: String = versions(4..) ignorable(true),
        /// Name of the group's type.
        pub group_type: String = versions(5..) ignorable(true),
    }
}

kafka_message!(
    ListGroupsResponse,
    api_key = 16,
    versions = 0..=5,
    flexible = Some(3)
);
