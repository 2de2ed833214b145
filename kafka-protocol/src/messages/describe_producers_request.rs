//! DescribeProducersRequest (API key 61), versions 0-0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The DescribeProducers request (API key 61).
    pub struct DescribeProducersRequest {
        /// The topics to list producers for.
        pub topics: Vec<TopicRequest> = versions(0..),
    }
}

kafka_struct! {
    /// The topics to list producers for.
    pub struct TopicRequest {
        /// The topic name.
        pub name: String = versions(0..),
        /// The indexes of the partitions to list producers for.
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
