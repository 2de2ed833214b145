//! CreatePartitionsRequest (API key 37), versions 0-3.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for CreatePartitions (API key 37).
    pub struct CreatePartitionsRequest {
        /// Topics whose partition count should grow.
        pub topics: Vec<CreatePartitionsTopic> = versions(0..),
        /// Milliseconds to wait for the new partitions to be created.
        pub timeout_ms: i32 = versions(0..),
        /// When true, only validate the request without actually adding partitions.
        pub validate_only: bool = versions(0..),
    }
}

kafka_struct! {
    /// Topics whose partition count should grow.
    pub struct CreatePartitionsTopic {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// Partition count the topic should end up with.
        pub count: i32 = versions(0..),
        /// Replica placement for the added partitions.
        pub assignments: Option<Vec<CreatePartitionsAssignment>> = versions(0..) nullable(0..) default(Some(Default::default())),
    }
}

kafka_struct! {
    /// Replica placement for the added partitions.
    pub struct CreatePartitionsAssignment {
        /// IDs of the brokers receiving the replicas.
        pub broker_ids: Vec<i32> = versions(0..),
    }
}

kafka_message!(
    CreatePartitionsRequest,
    api_key = 37,
    versions = 0..=3,
    flexible = Some(2)
);
kafka_request!(CreatePartitionsRequest => super::CreatePartitionsResponse);
