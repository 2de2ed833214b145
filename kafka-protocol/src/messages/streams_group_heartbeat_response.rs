//! StreamsGroupHeartbeatResponse (API key 88), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for StreamsGroupHeartbeat (API key 88).
    pub struct StreamsGroupHeartbeatResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// Error code for the response as a whole; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Error message for the response as a whole; null on success.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
        /// Member ID; the streams consumer always creates it.
        pub member_id: String = versions(0..),
        /// Epoch of the member.
        pub member_epoch: i32 = versions(0..),
        /// Interval between heartbeats, in milliseconds.
        pub heartbeat_interval_ms: i32 = versions(0..),
        /// Deprecated; use AcceptableRecoveryLag. Largest lag, in offsets still to catch up, at
        /// which a client counts as caught up enough to get an active task.
        pub acceptable_recovery_lag_legacy: i32 = versions(0..=0),
        /// How often a client's task changelog offsets get refreshed on the broker; they go out
        /// with the first heartbeat after the interval passes.
        pub task_offset_interval_ms: i32 = versions(0..),
        /// Largest lag, in offsets still to catch up, at which a client counts as caught up enough
        /// to get an active task; -1 means the broker does not support this setting.
        pub acceptable_recovery_lag: i64 = versions(1..) ignorable(true) default(-1),
        /// Zero or more status entries for the group.
        pub status: Option<Vec<Status>> = versions(0..) nullable(0..) default(Some(Default::default())),
        /// Active tasks handed to this client; null when unchanged since the previous heartbeat.
        pub active_tasks: Option<Vec<TaskIds>> = versions(0..) nullable(0..) default(None),
        /// Standby tasks handed to this client; null when unchanged since the previous heartbeat.
        pub standby_tasks: Option<Vec<TaskIds>> = versions(0..) nullable(0..) default(None),
        /// Warm-up tasks handed to this client; null when unchanged since the previous heartbeat.
        pub warmup_tasks: Option<Vec<TaskIds>> = versions(0..) nullable(0..) default(None),
        /// Set when the broker lacks a current topology description for the group; the client
        /// should then supply one with StreamsGroupTopologyDescriptionUpdate.
        pub topology_description_required: bool = versions(1..),
        /// Endpoint epoch carried by this response.
        pub endpoint_information_epoch: i32 = versions(0..),
        /// Cluster-wide assignment data for Interactive Queries, one entry per member; a client
        /// with several stream threads therefore shows up under the same UserEndpoint more than
        /// once and must merge those entries. Null when unchanged since the previous heartbeat.
        pub partitions_by_user_endpoint: Option<Vec<EndpointToPartitions>> = versions(0..) nullable(0..) default(None),
    }
}

kafka_struct! {
    /// Cluster-wide assignment data for Interactive Queries, one entry per member; a client with
    /// several stream threads therefore shows up under the same UserEndpoint more than once and
    /// must merge those entries. Null when unchanged since the previous heartbeat.
    pub struct EndpointToPartitions {
        /// User-supplied endpoint for reaching the node.
        pub user_endpoint: Endpoint = versions(0..),
        /// Source topic partitions (repartition sources included) of the active tasks given to this
        /// member.
        pub active_partitions: Vec<TopicPartition> = versions(0..),
        /// Source topic partitions (repartition sources included) of the standby and warm-up tasks
        /// given to this member.
        pub standby_partitions: Vec<TopicPartition> = versions(0..),
    }
}

kafka_struct! {
    /// Source topic partitions (repartition sources included) of the active tasks given to this
    /// member.
    pub struct TopicPartition {
        /// Name of the topic.
        pub topic: String = versions(0..),
        /// Partition numbers.
        pub partitions: Vec<i32> = versions(0..),
    }
}

kafka_struct! {
    /// User-supplied endpoint for reaching the node.
    pub struct Endpoint {
        /// Host name of the endpoint.
        pub host: String = versions(0..),
        /// Port of the endpoint.
        pub port: u16 = versions(0..),
    }
}

kafka_struct! {
    /// Active tasks handed to this client; null when unchanged since the previous heartbeat.
    pub struct TaskIds {
        /// ID of the subtopology.
        pub subtopology_id: String = versions(0..),
        /// Input-topic partitions this member processes.
        pub partitions: Vec<i32> = versions(0..),
    }
}

kafka_struct! {
    /// Zero or more status entries for the group.
    pub struct Status {
        /// Which condition currently holds for the membership. The codes Kafka 4.4 defines: 0
        /// STALE_TOPOLOGY (the member's topology epoch is behind the group's), 1
        /// MISSING_SOURCE_TOPICS (a source topic is absent or a source regex matches nothing), 2
        /// INCORRECTLY_PARTITIONED_TOPICS (co-partitioned topics or changelogs disagree in
        /// partition count), 3 MISSING_INTERNAL_TOPICS (internal topics absent; the coordinator
        /// tries to create them and reports failures in the detail), 4 SHUTDOWN_APPLICATION (some
        /// client asked the whole application to stop), 5 ASSIGNMENT_DELAYED (the assignment is
        /// not computed yet), 6 MISSING_CLIENT_TAGS (client tags needed by rack-aware standby
        /// placement are absent; only sent to v1+ clients).
        pub status_code: i8 = versions(0..),
        /// Human-readable form of the status.
        pub status_detail: String = versions(0..),
    }
}

kafka_message!(
    StreamsGroupHeartbeatResponse,
    api_key = 88,
    versions = 0..=1,
    flexible = Some(0)
);
