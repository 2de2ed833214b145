//! ListOffsetsResponse (API key 2), versions 0-11.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// The ListOffsets response (API key 2).
    pub struct ListOffsetsResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(2..) ignorable(true),
        /// Each topic in the response.
        pub topics: Vec<ListOffsetsTopicResponse> = versions(0..),
    }
}

kafka_struct! {
    /// Each topic in the response.
    pub struct ListOffsetsTopicResponse {
        /// The topic name.
        pub name: String = versions(0..),
        /// Each partition in the response.
        pub partitions: Vec<ListOffsetsPartitionResponse> = versions(0..),
    }
}

kafka_struct! {
    /// Each partition in the response.
    pub struct ListOffsetsPartitionResponse {
        /// The partition index.
        pub partition_index: i32 = versions(0..),
        /// The partition error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The result offsets.
        pub old_style_offsets: Vec<i64> = versions(0..=0),
        /// The timestamp associated with the returned offset.
        pub timestamp: i64 = versions(1..) default(-1),
        /// The returned offset.
        pub offset: i64 = versions(1..) default(-1),
        /// The leader epoch associated with the returned offset.
        pub leader_epoch: i32 = versions(4..) default(-1),
    }
}

kafka_message!(
    ListOffsetsResponse,
    api_key = 2,
    versions = 0..=11,
    flexible = Some(6)
);
