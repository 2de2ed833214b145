//! CreatePartitionsRequest (API key 37), versions 0-3.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The CreatePartitions request (API key 37).
    pub struct CreatePartitionsRequest {
        /// Each topic that we want to create new partitions inside.
        pub topics: Vec<CreatePartitionsTopic> = versions(0..),
        /// The time in ms to wait for the partitions to be created.
        pub timeout_ms: i32 = versions(0..),
        /// If true, then validate the request, but don't actually increase the number of
        /// partitions.
        pub validate_only: bool = versions(0..),
    }
}

kafka_struct! {
    /// Each topic that we want to create new partitions inside.
    pub struct CreatePartitionsTopic {
        /// The topic name.
        pub name: String = versions(0..),
        /// The new partition count.
        pub count: i32 = versions(0..),
        /// The new partition assignments.
        pub assignments: Option<Vec<CreatePartitionsAssignment>> = versions(0..) nullable(0..) default(Some(Default::default())),
    }
}

kafka_struct! {
    /// The new partition assignments.
    pub struct CreatePartitionsAssignment {
        /// The assigned broker IDs.
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
