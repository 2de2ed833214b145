//! StreamsGroupHeartbeatRequest (API key 88), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for StreamsGroupHeartbeat (API key 88).
    pub struct StreamsGroupHeartbeatRequest {
        /// Identifier of the group.
        pub group_id: String = versions(0..),
        /// Member ID created by the streams consumer; it must stay the same for as long as the
        /// consumer process runs.
        pub member_id: String = versions(0..),
        /// Member epoch the client currently holds: 0 joins the group, -1 leaves it, and -2 signals
        /// that a static member is going to come back.
        pub member_epoch: i32 = versions(0..),
        /// Endpoint epoch the client currently holds, i.e. the newest one it has been sent.
        pub endpoint_information_epoch: i32 = versions(0..),
        /// Static-membership instance ID, or null when it is not set or unchanged since the
        /// previous heartbeat.
        pub instance_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// Member rack ID, or null when it is not set or unchanged since the previous heartbeat.
        pub rack_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// Longest time in milliseconds the coordinator waits for the member to give up its tasks,
        /// or -1 when unchanged since the previous heartbeat.
        pub rebalance_timeout_ms: i32 = versions(0..) default(-1),
        /// Topology metadata of the streams application, used to initialize the group's topology
        /// and to check it against the one already initialized. Must be present and non-empty only
        /// when memberEpoch is 0; null otherwise.
        pub topology: Option<Topology> = versions(0..) nullable(0..) default(None),
        /// Active tasks the client owns right now; null when unchanged since the previous
        /// heartbeat.
        pub active_tasks: Option<Vec<TaskIds>> = versions(0..) nullable(0..) default(None),
        /// Standby tasks the client owns right now; null when unchanged since the previous
        /// heartbeat.
        pub standby_tasks: Option<Vec<TaskIds>> = versions(0..) nullable(0..) default(None),
        /// Warm-up tasks the client owns right now; null when unchanged since the previous
        /// heartbeat.
        pub warmup_tasks: Option<Vec<TaskIds>> = versions(0..) nullable(0..) default(None),
        /// Identity of the streams process, which can run several consumers; null when unchanged
        /// since the previous heartbeat.
        pub process_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// User-supplied Interactive Queries endpoint; null when unchanged since the previous
        /// heartbeat or when the client has none.
        pub user_endpoint: Option<Endpoint> = versions(0..) nullable(0..) default(None),
        /// Input for rack-aware task assignment; null when unchanged since the previous heartbeat.
        pub client_tags: Option<Vec<KeyValue>> = versions(0..) nullable(0..) default(None),
        /// Accumulated changelog offsets per task, refreshed only when a warm-up task catches up or
        /// the task offset interval elapses; null when unchanged since the previous heartbeat.
        pub task_offsets: Option<Vec<TaskOffset>> = versions(0..) nullable(0..) default(None),
        /// Accumulated changelog end offsets per task, refreshed only when a warm-up task catches
        /// up or the task offset interval elapses; null when unchanged since the previous
        /// heartbeat.
        pub task_end_offsets: Option<Vec<TaskOffset>> = versions(0..) nullable(0..) default(None),
        /// Set when every Streams client of the group should shut down.
        pub shutdown_application: bool = versions(0..),
    }
}

kafka_struct! {
    /// Accumulated changelog offsets per task, refreshed only when a warm-up task catches up or the
    /// task offset interval elapses; null when unchanged since the previous heartbeat.
    pub struct TaskOffset {
        /// ID of the subtopology.
        pub subtopology_id: String = versions(0..),
        /// Partition number.
        pub partition: i32 = versions(0..),
        /// Offset value.
        pub offset: i64 = versions(0..),
    }
}

kafka_struct! {
    /// User-supplied Interactive Queries endpoint; null when unchanged since the previous heartbeat
    /// or when the client has none.
    pub struct Endpoint {
        /// Host name of the endpoint.
        pub host: String = versions(0..),
        /// Port of the endpoint.
        pub port: u16 = versions(0..),
    }
}

kafka_struct! {
    /// Active tasks the client owns right now; null when unchanged since the previous heartbeat.
    pub struct TaskIds {
        /// ID of the subtopology.
        pub subtopology_id: String = versions(0..),
        /// Input-topic partitions this member processes.
        pub partitions: Vec<i32> = versions(0..),
    }
}

kafka_struct! {
    /// Topology metadata of the streams application, used to initialize the group's topology and to
    /// check it against the one already initialized. Must be present and non-empty only when
    /// memberEpoch is 0; null otherwise.
    pub struct Topology {
        /// Topology epoch, used to check the topology against the one initialized on the brokers.
        pub epoch: i32 = versions(0..),
        /// Subtopologies of the streams application.
        pub subtopologies: Vec<Subtopology> = versions(0..),
    }
}

kafka_struct! {
    /// Subtopologies of the streams application.
    pub struct Subtopology {
        /// Unique string ID of the subtopology, derived deterministically from the topology.
        pub subtopology_id: String = versions(0..),
        /// Topics the topology consumes.
        pub source_topics: Vec<String> = versions(0..),
        /// Regular expressions selecting the topics the subtopology consumes.
        pub source_topic_regex: Vec<String> = versions(0..),
        /// State changelog topics belonging to this subtopology; they are created automatically.
        pub state_changelog_topics: Vec<TopicInfo> = versions(0..),
        /// Repartition topics the subtopology produces to.
        pub repartition_sink_topics: Vec<String> = versions(0..),
        /// Source topics that are internal repartition topics; they are created automatically.
        pub repartition_source_topics: Vec<TopicInfo> = versions(0..),
        /// Source topics that have to be co-partitioned with each other.
        pub copartition_groups: Vec<CopartitionGroup> = versions(0..),
    }
}

kafka_struct! {
    /// Source topics that have to be co-partitioned with each other.
    pub struct CopartitionGroup {
        /// Topics the topology consumes, given as indexes into the subtopology-level array.
        pub source_topics: Vec<i16> = versions(0..),
        /// Regular expressions selecting the topics the subtopology consumes, given as indexes into
        /// the subtopology-level array.
        pub source_topic_regex: Vec<i16> = versions(0..),
        /// Source topics that are internal repartition topics, given as indexes into the
        /// subtopology-level array.
        pub repartition_source_topics: Vec<i16> = versions(0..),
    }
}

kafka_struct! {
    /// State changelog topics belonging to this subtopology; they are created automatically.
    pub struct TopicInfo {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// Partition count of the topic; 0 when no particular count is required, which is what
        /// changelog topics always carry.
        pub partitions: i32 = versions(0..),
        /// Replication factor of the topic; 0 means use the default.
        pub replication_factor: i16 = versions(0..),
        /// Per-topic configuration entries as key/value pairs.
        pub topic_configs: Vec<KeyValue> = versions(0..),
    }
}

kafka_struct! {
    /// Per-topic configuration entries as key/value pairs.
    pub struct KeyValue {
        /// Configuration key.
        pub key: String = versions(0..),
        /// Configuration value.
        pub value: String = versions(0..),
    }
}

kafka_message!(
    StreamsGroupHeartbeatRequest,
    api_key = 88,
    versions = 0..=1,
    flexible = Some(0)
);
kafka_request!(StreamsGroupHeartbeatRequest => super::StreamsGroupHeartbeatResponse);
