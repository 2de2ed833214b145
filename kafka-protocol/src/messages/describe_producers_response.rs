//! DescribeProducersResponse (API key 61), versions 0-0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for DescribeProducers (API key 61).
    pub struct DescribeProducersResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// One entry per topic in the response.
        pub topics: Vec<TopicResponse> = versions(0..),
    }
}

kafka_struct! {
    /// One entry per topic in the response.
    pub struct TopicResponse {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// One entry per partition in the response.
        pub partitions: Vec<PartitionResponse> = versions(0..),
    }
}

kafka_struct! {
    /// One entry per partition in the response.
    pub struct PartitionResponse {
        /// Index of the partition.
        pub partition_index: i32 = versions(0..),
        /// Error code for this partition; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Error message for this partition; may be null when there is nothing more to say.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
        /// Producers currently active on the partition.
        pub active_producers: Vec<ProducerState> = versions(0..),
    }
}

kafka_struct! {
    /// Producers currently active on the partition.
    pub struct ProducerState {
        /// ID of the producer.
        pub producer_id: i64 = versions(0..),
        /// Epoch of the producer.
        pub producer_epoch: i32 = versions(0..),
        /// Sequence number of the producer's most recent write.
        pub last_sequence: i32 = versions(0..) default(-1),
        /// Timestamp of the producer's most recent write.
        pub last_timestamp: i64 = versions(0..) default(-1),
        /// Current coordinator epoch of the producer.
        pub coordinator_epoch: i32 = versions(0..),
        /// Offset at which the producer's ongoing transaction started.
        pub current_txn_start_offset: i64 = versions(0..) default(-1),
    }
}

kafka_message!(
    DescribeProducersResponse,
    api_key = 61,
    versions = 0..=0,
    flexible = Some(0)
);
