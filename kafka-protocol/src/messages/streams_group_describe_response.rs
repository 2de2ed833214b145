//! StreamsGroupDescribeResponse (API key 89), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for StreamsGroupDescribe (API key 89).
    pub struct StreamsGroupDescribeResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// One entry for every group that was described.
        pub groups: Vec<DescribedGroup> = versions(0..),
    }
}

kafka_struct! {
    /// One entry for every group that was described.
    pub struct DescribedGroup {
        /// Error code from describing this group; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Error message from describing this group; null on success.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
        /// ID of the group.
        pub group_id: String = versions(0..),
        /// Current state of the group, or an empty string.
        pub group_state: String = versions(0..),
        /// Epoch of the group.
        pub group_epoch: i32 = versions(0..),
        /// Epoch of the current assignment.
        pub assignment_epoch: i32 = versions(0..),
        /// Topology metadata the streams application is currently initialized with; may be null
        /// when describing failed.
        pub topology: Option<Topology> = versions(0..) nullable(0..) default(None),
        /// Members of the group.
        pub members: Vec<Member> = versions(0..),
        /// Bitfield (32 bits) of the operations the caller may perform on this group.
        pub authorized_operations: i32 = versions(0..) default(-2147483648),
        /// Complete topology description of the group; present exactly when
        /// TopologyDescriptionStatus is AVAILABLE (3), otherwise null.
        pub topology_description: Option<TopologyDescription> = versions(1..) nullable(1..) default(None),
        /// State of the topology description, read together with TopologyDescription: 0
        /// NOT_REQUESTED (IncludeTopologyDescription was not set), 1 NOT_STORED (the group has no
        /// recorded description), 2 ERROR (the broker could not load the description; check the
        /// broker logs), 3 AVAILABLE (TopologyDescription holds it). TopologyDescription is null
        /// for every status other than 3.
        pub topology_description_status: i8 = versions(1..),
        /// Task assignor the coordinator will apply the next time it computes an assignment. It can
        /// differ from the assignor behind the current assignment, since changing the assignor
        /// setting does not start a rebalance. Null when describing failed.
        pub assignor_name: Option<String> = versions(1..) nullable(1..) ignorable(true) default(None),
    }
}

kafka_struct! {
    /// Complete topology description of the group; present exactly when TopologyDescriptionStatus
    /// is AVAILABLE (3), otherwise null.
    pub struct TopologyDescription {
        /// Subtopologies the topology consists of.
        pub subtopologies: Vec<TopologyDescriptionSubtopology> = versions(1..),
        /// Global state stores the topology uses.
        pub global_stores: Vec<TopologyDescriptionGlobalStore> = versions(1..),
    }
}

kafka_struct! {
    /// Global state stores the topology uses.
    pub struct TopologyDescriptionGlobalStore {
        /// Source node that feeds the global store.
        pub source: TopologyDescriptionNode = versions(1..),
        /// Processor node that fills the global store.
        pub processor: TopologyDescriptionNode = versions(1..),
    }
}

kafka_struct! {
    /// Subtopologies the topology consists of.
    pub struct TopologyDescriptionSubtopology {
        /// ID of the subtopology, unique inside the topology.
        pub subtopology_id: String = versions(1..),
        /// Processing nodes belonging to this subtopology.
        pub nodes: Vec<TopologyDescriptionNode> = versions(1..),
    }
}

kafka_struct! {
    /// Processing nodes belonging to this subtopology.
    pub struct TopologyDescriptionNode {
        /// Name of the node, for example KSTREAM-SOURCE-0000000000.
        pub name: String = versions(1..),
        /// Kind of node: 1 SOURCE, 2 PROCESSOR, 3 SINK.
        pub node_type: i8 = versions(1..),
        /// Topics this node consumes; only set for source nodes, and possibly empty when the topics
        /// are resolved at runtime.
        pub source_topics: Vec<String> = versions(1..),
        /// Topic this node produces to; only set for sink nodes, and possibly null when the topic
        /// is resolved at runtime.
        pub sink_topic: Option<String> = versions(1..) nullable(1..) default(None),
        /// Names of the state stores this node uses; only set for processor nodes.
        pub stores: Vec<String> = versions(1..),
        /// Names of the nodes that follow this one in the processing graph; predecessors are
        /// derived from this list.
        pub successors: Vec<String> = versions(1..),
    }
}

kafka_struct! {
    /// Members of the group.
    pub struct Member {
        /// ID of the member.
        pub member_id: String = versions(0..),
        /// Epoch of the member.
        pub member_epoch: i32 = versions(0..),
        /// Static-membership instance ID of the member.
        pub instance_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// Rack ID.
        pub rack_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// Client ID of the member.
        pub client_id: String = versions(0..),
        /// Host the member connects from.
        pub client_host: String = versions(0..),
        /// Topology epoch the client holds.
        pub topology_epoch: i32 = versions(0..),
        /// Identity of the streams process, which can run several clients.
        pub process_id: String = versions(0..),
        /// User-supplied Interactive Queries endpoint; null when the client has none.
        pub user_endpoint: Option<Endpoint> = versions(0..) nullable(0..) default(None),
        /// Input for rack-aware task assignment.
        pub client_tags: Vec<KeyValue> = versions(0..),
        /// Accumulated changelog offsets per task.
        pub task_offsets: Vec<TaskOffset> = versions(0..),
        /// Accumulated changelog end offsets per task.
        pub task_end_offsets: Vec<TaskOffset> = versions(0..),
        /// Assignment the member currently holds.
        pub assignment: Assignment = versions(0..),
        /// Assignment the member is moving towards.
        pub target_assignment: Assignment = versions(0..),
        /// Set for classic-protocol members not yet upgraded.
        pub is_classic: bool = versions(0..),
    }
}

kafka_struct! {
    /// Assignment the member currently holds.
    pub struct Assignment {
        /// Active tasks of this client.
        pub active_tasks: Vec<TaskIds> = versions(0..),
        /// Standby tasks of this client.
        pub standby_tasks: Vec<TaskIds> = versions(0..),
        /// Warm-up tasks of this client.
        pub warmup_tasks: Vec<TaskIds> = versions(0..),
    }
}

kafka_struct! {
    /// Active tasks of this client.
    pub struct TaskIds {
        /// ID of the subtopology.
        pub subtopology_id: String = versions(0..),
        /// Input-topic partitions this member processes.
        pub partitions: Vec<i32> = versions(0..),
    }
}

kafka_struct! {
    /// Accumulated changelog offsets per task.
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
    /// User-supplied Interactive Queries endpoint; null when the client has none.
    pub struct Endpoint {
        /// Host name of the endpoint.
        pub host: String = versions(0..),
        /// Port of the endpoint.
        pub port: u16 = versions(0..),
    }
}

kafka_struct! {
    /// Topology metadata the streams application is currently initialized with; may be null when
    /// describing failed.
    pub struct Topology {
        /// Epoch of the topology the group is currently initialized with.
        pub epoch: i32 = versions(0..),
        /// Subtopologies of the streams application as configured: partition counts filled in and
        /// regular expressions expanded to concrete topics. Null when the group is not initialized
        /// yet or its source topics are missing or wrongly partitioned.
        pub subtopologies: Option<Vec<Subtopology>> = versions(0..) nullable(0..) default(None),
    }
}

kafka_struct! {
    /// Subtopologies of the streams application as configured: partition counts filled in and
    /// regular expressions expanded to concrete topics. Null when the group is not initialized yet
    /// or its source topics are missing or wrongly partitioned.
    pub struct Subtopology {
        /// Unique string ID of the subtopology.
        pub subtopology_id: String = versions(0..),
        /// Topics the subtopology consumes.
        pub source_topics: Vec<String> = versions(0..),
        /// Repartition topics the subtopology produces to.
        pub repartition_sink_topics: Vec<String> = versions(0..),
        /// State changelog topics belonging to this subtopology; they are created automatically.
        pub state_changelog_topics: Vec<TopicInfo> = versions(0..),
        /// Source topics that are internal repartition topics; they are created automatically.
        pub repartition_source_topics: Vec<TopicInfo> = versions(0..),
    }
}

kafka_struct! {
    /// State changelog topics belonging to this subtopology; they are created automatically.
    pub struct TopicInfo {
        /// Name of the topic.
        pub name: String = versions(0..),
        /// Partition count of the topic. Here the coordinator reports the count it configured, so a
        /// changelog shows its subtopology's source partition count (a 4.4 broker does, although
        /// the schema text, shared with the heartbeat, says changelogs carry 0).
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
    StreamsGroupDescribeResponse,
    api_key = 89,
    versions = 0..=1,
    flexible = Some(0)
);
