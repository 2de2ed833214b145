//! CreateTopicsRequest (API key 19), versions 0-7.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 2 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// Request body for CreateTopics (API key 19).
    pub struct CreateTopicsRequest {
        /// Topics that should be created.
        pub topics: Vec<CreatableTopic> = versions(0..),
        /// Milliseconds to wait before the request times out.
        pub timeout_ms: i32 = versions(0..) default(60000),
        /// When true, only verify that the topics could be created as described, without creating
        /// them.
        pub validate_only: bool = versions(1..),
    }
}

kafka_struct! {
    /// Topics that should be created.
    pub struct CreatableTopic {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// Partition count for the new topic, or -1 when giving an explicit assignment or relying
        /// on the default partition count.
        pub num_partitions: i32 = versions(0..),
        /// Replicas per partition for the new topic, or -1 when giving an explicit assignment or
        /// relying on the default replication factor.
        pub replication_factor: i16 = versions(0..),
        /// Explicit replica placement per partition; empty when placement is left to the broker.
        pub assignments: Vec<CreatableReplicaAssignment> = versions(0..),
        /// Topic-specific configuration overrides to apply.
        pub configs: Vec<CreatableTopicConfig> = versions(0..),
    }
}

kafka_struct! {
    /// Topic-specific configuration overrides to apply.
    pub struct CreatableTopicConfig {
        /// Name of the configuration entry.
        pub name: String = versions(0..),
        /// Value of the configuration entry.
        pub value: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
    }
}

kafka_struct! {
    /// Explicit replica placement per partition; empty when placement is left to the broker.
    pub struct CreatableReplicaAssignment {
        /// Index of the partition.
        pub partition_index: i32 = versions(0..),
        /// Brokers that should host this partition.
        pub broker_ids: Vec<i32> = versions(0..),
    }
}

kafka_message!(
    CreateTopicsRequest,
    api_key = 19,
    versions = 0..=7,
    flexible = Some(5)
);
kafka_request!(CreateTopicsRequest => super::CreateTopicsResponse);
