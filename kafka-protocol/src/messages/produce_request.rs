//! ProduceRequest (API key 0), versions 0-13.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 3 from 3.9.1); see MESSAGES.md.

use crate::Uuid;
use bytes::Bytes;

kafka_struct! {
    /// Request body for Produce (API key 0).
    pub struct ProduceRequest {
        /// Transactional ID, or null for a producer that does not use transactions.
        pub transactional_id: Option<String> = versions(3..) nullable(3..) default(None),
        /// How many acknowledgments the leader must collect before it treats the request as done: 0
        /// for none, 1 for the leader alone, -1 for every in-sync replica.
        pub acks: i16 = versions(0..),
        /// Milliseconds to wait for the response.
        pub timeout_ms: i32 = versions(0..),
        /// Topics to write records to.
        pub topic_data: Vec<TopicProduceData> = versions(0..),
    }
}

kafka_struct! {
    /// Topics to write records to.
    pub struct TopicProduceData {
        /// Name of the topic.
        pub name: String = versions(0..=12) ignorable(true),
        /// Unique ID of the topic.
        pub topic_id: Uuid = versions(13..) ignorable(true),
        /// Partitions to write records to.
        pub partition_data: Vec<PartitionProduceData> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions to write records to.
    pub struct PartitionProduceData {
        /// Index of the partition.
        pub index: i32 = versions(0..),
        /// Records to write.
        pub records: Option<Bytes> = versions(0..) nullable(0..),
    }
}

kafka_message!(
    ProduceRequest,
    api_key = 0,
    versions = 0..=13,
    flexible = Some(9)
);
kafka_request!(ProduceRequest => super::ProduceResponse);
