//! DescribeProducersResponse (API key 61), versions 0-0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The DescribeProducers response (API key 61).
    pub struct DescribeProducersResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// Each topic in the response.
        pub topics: Vec<TopicResponse> = versions(0..),
    }
}

kafka_struct! {
    /// Each topic in the response.
    pub struct TopicResponse {
        /// The topic name.
        pub name: String = versions(0..),
        /// Each partition in the response.
        pub partitions: Vec<PartitionResponse> = versions(0..),
    }
}

kafka_struct! {
    /// Each partition in the response.
    pub struct PartitionResponse {
        /// The partition index.
        pub partition_index: i32 = versions(0..),
        /// The partition error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The partition error message, which may be null if no additional details are
        /// available.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
        /// The active producers for the partition.
        pub active_producers: Vec<ProducerState> = versions(0..),
    }
}

kafka_struct! {
    /// The active producers for the partition.
    pub struct ProducerState {
        /// The producer id.
        pub producer_id: i64 = versions(0..),
        /// The producer epoch.
        pub producer_epoch: i32 = versions(0..),
        /// The last sequence number sent by the producer.
        pub last_sequence: i32 = versions(0..) default(-1),
        /// The last timestamp sent by the producer.
        pub last_timestamp: i64 = versions(0..) default(-1),
        /// The current epoch of the producer group.
        pub coordinator_epoch: i32 = versions(0..),
        /// The current transaction start offset of the producer.
        pub current_txn_start_offset: i64 = versions(0..) default(-1),
    }
}

kafka_message!(
    DescribeProducersResponse,
    api_key = 61,
    versions = 0..=0,
    flexible = Some(0)
);
