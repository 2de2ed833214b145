//! ProduceRequest (API key 0), versions 0-13.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 3 from 3.9.1); see MESSAGES.md.

use crate::Uuid;
use bytes::Bytes;

kafka_struct! {
    /// The Produce request (API key 0).
    pub struct ProduceRequest {
        /// The transactional ID, or null if the producer is not transactional.
        pub transactional_id: Option<String> = versions(3..) nullable(3..) default(None),
        /// The number of acknowledgments the producer requires the leader to have received
        /// before considering a request complete. Allowed values: 0 for no acknowledgments, 1
        /// for only the leader and -1 for the full ISR.
        pub acks: i16 = versions(0..),
        /// The timeout to await a response in milliseconds.
        pub timeout_ms: i32 = versions(0..),
        /// Each topic to produce to.
        pub topic_data: Vec<TopicProduceData> = versions(0..),
    }
}

kafka_struct! {
    /// Each topic to produce to.
    pub struct TopicProduceData {
        /// The topic name.
        pub name: String = versions(0..=12) ignorable(true),
        /// The unique topic ID
        pub topic_id: Uuid = versions(13..) ignorable(true),
        /// Each partition to produce to.
        pub partition_data: Vec<PartitionProduceData> = versions(0..),
    }
}

kafka_struct! {
    /// Each partition to produce to.
    pub struct PartitionProduceData {
        /// The partition index.
        pub index: i32 = versions(0..),
        /// The record data to be produced.
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
