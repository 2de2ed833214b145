//! StreamsGroupDescribeResponse (API key 89), versions 0-1.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The StreamsGroupDescribe response (API key 89).
    pub struct StreamsGroupDescribeResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// Each described group.
        pub groups: Vec<DescribedGroup> = versions(0..),
    }
}

kafka_struct! {
    /// Each described group.
    pub struct DescribedGroup {
        /// The describe error, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The top-level error message, or null if there was no error.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
        /// The group ID string.
        pub group_id: String = versions(0..),
        /// The group state string, or the empty string.
        pub group_state: String = versions(0..),
        /// The group epoch.
        pub group_epoch: i32 = versions(0..),
        /// The assignment epoch.
        pub assignment_epoch: i32 = versions(0..),
        /// The topology metadata currently initialized for the streams application. Can be null
        /// in case of a describe error.
        pub topology: Option<Topology> = versions(0..) nullable(0..) default(None),
        /// The members.
        pub members: Vec<Member> = versions(0..),
        /// 32-bit bitfield to represent authorized operations for this group.
        pub authorized_operations: i32 = versions(0..) default(-2147483648),
        /// The full topology description for this group. Non-null if and only if
        /// TopologyDescriptionStatus is AVAILABLE (3); null otherwise.
        pub topology_description: Option<TopologyDescription> = versions(1..) nullable(1..) default(None),
        /// The status of the topology description for this group, paired with
        /// TopologyDescription: 0=NOT_REQUESTED (client did not set IncludeTopologyDescription;
        /// TopologyDescription is null); 1=NOT_STORED (no description recorded for this group;
        /// TopologyDescription is null); 2=ERROR (broker failed to fetch the description, see
        /// broker logs; TopologyDescription is null); 3=AVAILABLE (TopologyDescription is
        /// non-null and carries the description).
        pub topology_description_status: i8 = versions(1..),
        /// The task assignor that the group coordinator will use for the next assignment
        /// computation. This may differ from the assignor that computed the current assignment,
        /// because changing the assignor configuration does not trigger a rebalance. Null in
        /// case of a describe error.
        pub assignor_name: Option<String> = versions(1..) nullable(1..) ignorable(true) default(None),
    }
}

kafka_struct! {
    /// The full topology description for this group. Non-null if and only if
    /// TopologyDescriptionStatus is AVAILABLE (3); null otherwise.
    pub struct TopologyDescription {
        /// The subtopologies that make up this topology.
        pub subtopologies: Vec<TopologyDescriptionSubtopology> = versions(1..),
        /// Global state stores used by this topology.
        pub global_stores: Vec<TopologyDescriptionGlobalStore> = versions(1..),
    }
}

kafka_struct! {
    /// Global state stores used by this topology.
    pub struct TopologyDescriptionGlobalStore {
        /// The source node providing data to the global store.
        pub source: TopologyDescriptionNode = versions(1..),
        /// The processor node that populates the global store.
        pub processor: TopologyDescriptionNode = versions(1..),
    }
}

kafka_struct! {
    /// The subtopologies that make up this topology.
    pub struct TopologyDescriptionSubtopology {
        /// The subtopology identifier, unique within the topology.
        pub subtopology_id: String = versions(1..),
        /// The processing nodes in this subtopology.
        pub nodes: Vec<TopologyDescriptionNode> = versions(1..),
    }
}

kafka_struct! {
    /// The processing nodes in this subtopology.
    pub struct TopologyDescriptionNode {
        /// The name of this node (e.g., KSTREAM-SOURCE-0000000000).
        pub name: String = versions(1..),
        /// The type of this node: 1=SOURCE, 2=PROCESSOR, 3=SINK.
        pub node_type: i8 = versions(1..),
        /// The source topics this node reads from. Defined only for source nodes, may be empty
        /// if source topics are dynamically determined.
        pub source_topics: Vec<String> = versions(1..),
        /// The topic this node writes to. Defined only for sink nodes, may be null if sink
        /// topic is dynamically determined.
        pub sink_topic: Option<String> = versions(1..) nullable(1..) default(None),
        /// The state store names accessed by this node. Defined only for processor nodes.
        pub stores: Vec<String> = versions(1..),
        /// The names of successor nodes in the processing graph. Predecessor relationships are
        /// reconstructed from this field.
        pub successors: Vec<String> = versions(1..),
    }
}

kafka_struct! {
    /// The members.
    pub struct Member {
        /// The member ID.
        pub member_id: String = versions(0..),
        /// The member epoch.
        pub member_epoch: i32 = versions(0..),
        /// The member instance ID for static membership.
        pub instance_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// The rack ID.
        pub rack_id: Option<String> = versions(0..) nullable(0..) default(None),
        /// The client ID.
        pub client_id: String = versions(0..),
        /// The client host.
        pub client_host: String = versions(0..),
        /// The epoch of the topology on the client.
        pub topology_epoch: i32 = versions(0..),
        /// Identity of the streams instance that may have multiple clients.
        pub process_id: String = versions(0..),
        /// User-defined endpoint for Interactive Queries. Null if not defined for this client.
        pub user_endpoint: Option<Endpoint> = versions(0..) nullable(0..) default(None),
        /// Used for rack-aware assignment algorithm.
        pub client_tags: Vec<KeyValue> = versions(0..),
        /// Cumulative changelog offsets for tasks.
        pub task_offsets: Vec<TaskOffset> = versions(0..),
        /// Cumulative changelog end offsets for tasks.
        pub task_end_offsets: Vec<TaskOffset> = versions(0..),
        /// The current assignment.
        pub assignment: Assignment = versions(0..),
        /// The target assignment.
        pub target_assignment: Assignment = versions(0..),
        /// True for classic members that have not been upgraded yet.
        pub is_classic: bool = versions(0..),
    }
}

kafka_struct! {
    /// The current assignment.
    pub struct Assignment {
        /// Active tasks for this client.
        pub active_tasks: Vec<TaskIds> = versions(0..),
        /// Standby tasks for this client.
        pub standby_tasks: Vec<TaskIds> = versions(0..),
        /// Warm-up tasks for this client.
        pub warmup_tasks: Vec<TaskIds> = versions(0..),
    }
}

kafka_struct! {
    /// Active tasks for this client.
    pub struct TaskIds {
        /// The subtopology identifier.
        pub subtopology_id: String = versions(0..),
        /// The partitions of the input topics processed by this member.
        pub partitions: Vec<i32> = versions(0..),
    }
}

kafka_struct! {
    /// Cumulative changelog offsets for tasks.
    pub struct TaskOffset {
        /// The subtopology identifier.
        pub subtopology_id: String = versions(0..),
        /// The partition.
        pub partition: i32 = versions(0..),
        /// The offset.
        pub offset: i64 = versions(0..),
    }
}

kafka_struct! {
    /// User-defined endpoint for Interactive Queries. Null if not defined for this client.
    pub struct Endpoint {
        /// host of the endpoint
        pub host: String = versions(0..),
        /// port of the endpoint
        pub port: u16 = versions(0..),
    }
}

kafka_struct! {
    /// The topology metadata currently initialized for the streams application. Can be null in
    /// case of a describe error.
    pub struct Topology {
        /// The epoch of the currently initialized topology for this group.
        pub epoch: i32 = versions(0..),
        /// The subtopologies of the streams application. This contains the configured
        /// subtopologies, where the number of partitions are set and any regular expressions
        /// are resolved to actual topics. Null if the group is uninitialized, source topics are
        /// missing or incorrectly partitioned.
        pub subtopologies: Option<Vec<Subtopology>> = versions(0..) nullable(0..) default(None),
    }
}

kafka_struct! {
    /// The subtopologies of the streams application. This contains the configured
    /// subtopologies, where the number of partitions are set and any regular expressions are
    /// resolved to actual topics. Null if the group is uninitialized, source topics are missing
    /// or incorrectly partitioned.
    pub struct Subtopology {
        /// String to uniquely identify the subtopology.
        pub subtopology_id: String = versions(0..),
        /// The topics the subtopology reads from.
        pub source_topics: Vec<String> = versions(0..),
        /// The repartition topics the subtopology writes to.
        pub repartition_sink_topics: Vec<String> = versions(0..),
        /// The set of state changelog topics associated with this subtopology. Created
        /// automatically.
        pub state_changelog_topics: Vec<TopicInfo> = versions(0..),
        /// The set of source topics that are internally created repartition topics. Created
        /// automatically.
        pub repartition_source_topics: Vec<TopicInfo> = versions(0..),
    }
}

kafka_struct! {
    /// The set of state changelog topics associated with this subtopology. Created
    /// automatically.
    pub struct TopicInfo {
        /// The name of the topic.
        pub name: String = versions(0..),
        /// The number of partitions in the topic. Can be 0 if no specific number of partitions
        /// is enforced. Always 0 for changelog topics.
        pub partitions: i32 = versions(0..),
        /// The replication factor of the topic. Can be 0 if the default replication factor
        /// should be used.
        pub replication_factor: i16 = versions(0..),
        /// Topic-level configurations as key-value pairs.
        pub topic_configs: Vec<KeyValue> = versions(0..),
    }
}

kafka_struct! {
    /// Topic-level configurations as key-value pairs.
    pub struct KeyValue {
        /// key of the config
        pub key: String = versions(0..),
        /// value of the config
        pub value: String = versions(0..),
    }
}

kafka_message!(
    StreamsGroupDescribeResponse,
    api_key = 89,
    versions = 0..=1,
    flexible = Some(0)
);
