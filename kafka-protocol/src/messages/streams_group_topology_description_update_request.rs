//! StreamsGroupTopologyDescriptionUpdateRequest (API key 93), version 0.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md. A streams member sends
//! it (KIP-1331) when a StreamsGroupHeartbeat v1+ answer sets `topology_description_required`.

kafka_struct! {
    /// Request body for StreamsGroupTopologyDescriptionUpdate (API key 93).
    pub struct StreamsGroupTopologyDescriptionUpdateRequest {
        /// Identifier of the streams group.
        pub group_id: String = versions(0..),
        /// Member ID of the group member pushing the description. The broker refuses a member
        /// that is no longer in the group (also when the group is gone) with UNKNOWN_MEMBER_ID,
        /// which the client takes as being fenced, so it joins again.
        pub member_id: String = versions(0..),
        /// Epoch of the topology this description belongs to.
        pub topology_epoch: i32 = versions(0..),
        /// Description of the topology.
        pub topology_description: TopologyDescription = versions(0..),
    }
}

kafka_struct! {
    /// Description of a whole topology.
    pub struct TopologyDescription {
        /// Subtopologies the topology consists of.
        pub subtopologies: Vec<TopologyDescriptionSubtopology> = versions(0..),
        /// Global state stores the topology uses.
        pub global_stores: Vec<TopologyDescriptionGlobalStore> = versions(0..),
    }
}

kafka_struct! {
    /// One subtopology of a described topology.
    pub struct TopologyDescriptionSubtopology {
        /// ID of the subtopology, unique inside the topology.
        pub subtopology_id: String = versions(0..),
        /// Processing nodes belonging to this subtopology.
        pub nodes: Vec<TopologyDescriptionNode> = versions(0..),
    }
}

kafka_struct! {
    /// One processing node of a described topology.
    pub struct TopologyDescriptionNode {
        /// Name of the node, for example KSTREAM-SOURCE-0000000000.
        pub name: String = versions(0..),
        /// Kind of node: 1 SOURCE, 2 PROCESSOR, 3 SINK.
        pub node_type: i8 = versions(0..),
        /// Topics this node consumes; only set for source nodes, and possibly empty when the topics
        /// are resolved at runtime.
        pub source_topics: Vec<String> = versions(0..),
        /// Topic this node produces to; only set for sink nodes, and possibly null when the topic
        /// is resolved at runtime.
        pub sink_topic: Option<String> = versions(0..) nullable(0..) default(None),
        /// Names of the state stores this node uses; only set for processor nodes.
        pub stores: Vec<String> = versions(0..),
        /// Names of the nodes that follow this one in the processing graph; predecessors are
        /// derived from this list.
        pub successors: Vec<String> = versions(0..),
    }
}

kafka_struct! {
    /// One global state store of a described topology.
    pub struct TopologyDescriptionGlobalStore {
        /// Source node that feeds the global store.
        pub source: TopologyDescriptionNode = versions(0..),
        /// Processor node that fills the global store.
        pub processor: TopologyDescriptionNode = versions(0..),
    }
}

kafka_message!(
    StreamsGroupTopologyDescriptionUpdateRequest,
    api_key = 93,
    versions = 0..=0,
    flexible = Some(0)
);
kafka_request!(
    StreamsGroupTopologyDescriptionUpdateRequest => super::StreamsGroupTopologyDescriptionUpdateResponse
);
