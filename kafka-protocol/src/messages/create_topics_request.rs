//! CreateTopicsRequest (API key 19), versions 0-7.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 2 from 3.9.1); see MESSAGES.md.

kafka_struct! {
    /// The CreateTopics request (API key 19).
    pub struct CreateTopicsRequest {
        /// The topics to create.
        pub topics: Vec<CreatableTopic> = versions(0..),
        /// How long to wait in milliseconds before timing out the request.
        pub timeout_ms: i32 = versions(0..) default(60000),
        /// If true, check that the topics can be created as specified, but don't create
        /// anything.
        pub validate_only: bool = versions(1..),
    }
}

kafka_struct! {
    /// The topics to create.
    pub struct CreatableTopic {
        /// The topic name.
        pub name: String = versions(0..),
        /// The number of partitions to create in the topic, or -1 if we are either specifying a
        /// manual partition assignment or using the default partitions.
        pub num_partitions: i32 = versions(0..),
        /// The number of replicas to create for each partition in the topic, or -1 if we are
        /// either specifying a manual partition assignment or using the default replication
        /// factor.
        pub replication_factor: i16 = versions(0..),
        /// The manual partition assignment, or the empty array if we are using automatic
        /// assignment.
        pub assignments: Vec<CreatableReplicaAssignment> = versions(0..),
        /// The custom topic configurations to set.
        pub configs: Vec<CreatableTopicConfig> = versions(0..),
    }
}

kafka_struct! {
    /// The custom topic configurations to set.
    pub struct CreatableTopicConfig {
        /// The configuration name.
        pub name: String = versions(0..),
        /// The configuration value.
        pub value: Option<String> = versions(0..) nullable(0..) default(Some(Default::default())),
    }
}

kafka_struct! {
    /// The manual partition assignment, or the empty array if we are using automatic
    /// assignment.
    pub struct CreatableReplicaAssignment {
        /// The partition index.
        pub partition_index: i32 = versions(0..),
        /// The brokers to place the partition on.
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
