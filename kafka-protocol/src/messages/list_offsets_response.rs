//! ListOffsetsResponse (API key 2), versions 0-11.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 1 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// Response body for ListOffsets (API key 2).
    pub struct ListOffsetsResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(2..) ignorable(true),
        /// One entry per topic in the response.
        pub topics: Vec<ListOffsetsTopicResponse> = versions(0..),
    }
}

kafka_struct! {
    /// One entry per topic in the response.
    pub struct ListOffsetsTopicResponse {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// One entry per partition in the response.
        pub partitions: Vec<ListOffsetsPartitionResponse> = versions(0..),
    }
}

kafka_struct! {
    /// One entry per partition in the response.
    pub struct ListOffsetsPartitionResponse {
        /// Index of the partition.
        pub partition_index: i32 = versions(0..),
        /// Error code for this partition; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Offsets found.
        pub old_style_offsets: Vec<i64> = versions(0..=0),
        /// Timestamp that goes with the returned offset.
        pub timestamp: i64 = versions(1..) default(-1),
        /// Offset that was found.
        pub offset: i64 = versions(1..) default(-1),
        /// Leader epoch that goes with the returned offset.
        pub leader_epoch: i32 = versions(4..) default(-1),
    }
}

kafka_message!(
    ListOffsetsResponse,
    api_key = 2,
    versions = 0..=11,
    flexible = Some(6)
);
