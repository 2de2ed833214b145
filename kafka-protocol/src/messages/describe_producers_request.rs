//! DescribeProducersRequest (API key 61), versions 0-0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for DescribeProducers (API key 61).
    pub struct DescribeProducersRequest {
        /// Topics whose producers should be listed.
        pub topics: Vec<TopicRequest> = versions(0..),
    }
}

kafka_struct! {
    /// Topics whose producers should be listed.
    pub struct TopicRequest {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// Indexes of the partitions whose producers should be listed.
        pub partition_indexes: Vec<i32> = versions(0..),
    }
}

kafka_message!(
    DescribeProducersRequest,
    api_key = 61,
    versions = 0..=0,
    flexible = Some(0)
);
kafka_request!(DescribeProducersRequest => super::DescribeProducersResponse);
