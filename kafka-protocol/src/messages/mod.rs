//! Request and response bodies, one module per message, declared with `kafka_struct!`.
//!
//! Top-level types are re-exported here; nested structs live in their message's module
//! (`messages::fetch_request::FetchTopic`). [`API_VERSIONS`] lists every API this crate
//! implements with its version range, for version negotiation and the drift test.

pub mod add_offsets_to_txn_request;
pub mod add_offsets_to_txn_response;
pub mod add_partitions_to_txn_request;
pub mod add_partitions_to_txn_response;
pub mod api_versions_request;
pub mod api_versions_response;
pub mod consumer_group_describe_request;
pub mod consumer_group_describe_response;
pub mod consumer_group_heartbeat_request;
pub mod consumer_group_heartbeat_response;
pub mod create_partitions_request;
pub mod create_partitions_response;
pub mod create_topics_request;
pub mod create_topics_response;
pub mod delete_groups_request;
pub mod delete_groups_response;
pub mod delete_records_request;
pub mod delete_records_response;
pub mod delete_topics_request;
pub mod delete_topics_response;
pub mod describe_cluster_request;
pub mod describe_cluster_response;
pub mod describe_configs_request;
pub mod describe_configs_response;
pub mod describe_groups_request;
pub mod describe_groups_response;
pub mod describe_producers_request;
pub mod describe_producers_response;
pub mod describe_transactions_request;
pub mod describe_transactions_response;
pub mod drift;
pub mod end_txn_request;
pub mod end_txn_response;
pub mod fetch_request;
pub mod fetch_response;
pub mod find_coordinator_request;
pub mod find_coordinator_response;
pub mod heartbeat_request;
pub mod heartbeat_response;
pub mod incremental_alter_configs_request;
pub mod incremental_alter_configs_response;
pub mod init_producer_id_request;
pub mod init_producer_id_response;
pub mod join_group_request;
pub mod join_group_response;
pub mod leave_group_request;
pub mod leave_group_response;
pub mod list_groups_request;
pub mod list_groups_response;
pub mod list_offsets_request;
pub mod list_offsets_response;
pub mod list_transactions_request;
pub mod list_transactions_response;
pub mod metadata_request;
pub mod metadata_response;
pub mod offset_commit_request;
pub mod offset_commit_response;
pub mod offset_delete_request;
pub mod offset_delete_response;
pub mod offset_fetch_request;
pub mod offset_fetch_response;
pub mod offset_for_leader_epoch_request;
pub mod offset_for_leader_epoch_response;
pub mod produce_request;
pub mod produce_response;
pub mod sasl_authenticate_request;
pub mod sasl_authenticate_response;
pub mod sasl_handshake_request;
pub mod sasl_handshake_response;
pub mod streams_group_describe_request;
pub mod streams_group_describe_response;
pub mod streams_group_heartbeat_request;
pub mod streams_group_heartbeat_response;
pub mod streams_group_topology_description_update_request;
pub mod streams_group_topology_description_update_response;
pub mod sync_group_request;
pub mod sync_group_response;
pub mod txn_offset_commit_request;
pub mod txn_offset_commit_response;

pub use add_offsets_to_txn_request::AddOffsetsToTxnRequest;
pub use add_offsets_to_txn_response::AddOffsetsToTxnResponse;
pub use add_partitions_to_txn_request::AddPartitionsToTxnRequest;
pub use add_partitions_to_txn_response::AddPartitionsToTxnResponse;
pub use api_versions_request::ApiVersionsRequest;
pub use api_versions_response::ApiVersionsResponse;
pub use consumer_group_describe_request::ConsumerGroupDescribeRequest;
pub use consumer_group_describe_response::ConsumerGroupDescribeResponse;
pub use consumer_group_heartbeat_request::ConsumerGroupHeartbeatRequest;
pub use consumer_group_heartbeat_response::ConsumerGroupHeartbeatResponse;
pub use create_partitions_request::CreatePartitionsRequest;
pub use create_partitions_response::CreatePartitionsResponse;
pub use create_topics_request::CreateTopicsRequest;
pub use create_topics_response::CreateTopicsResponse;
pub use delete_groups_request::DeleteGroupsRequest;
pub use delete_groups_response::DeleteGroupsResponse;
pub use delete_records_request::DeleteRecordsRequest;
pub use delete_records_response::DeleteRecordsResponse;
pub use delete_topics_request::DeleteTopicsRequest;
pub use delete_topics_response::DeleteTopicsResponse;
pub use describe_cluster_request::DescribeClusterRequest;
pub use describe_cluster_response::DescribeClusterResponse;
pub use describe_configs_request::DescribeConfigsRequest;
pub use describe_configs_response::DescribeConfigsResponse;
pub use describe_groups_request::DescribeGroupsRequest;
pub use describe_groups_response::DescribeGroupsResponse;
pub use describe_producers_request::DescribeProducersRequest;
pub use describe_producers_response::DescribeProducersResponse;
pub use describe_transactions_request::DescribeTransactionsRequest;
pub use describe_transactions_response::DescribeTransactionsResponse;
pub use end_txn_request::EndTxnRequest;
pub use end_txn_response::EndTxnResponse;
pub use fetch_request::FetchRequest;
pub use fetch_response::FetchResponse;
pub use find_coordinator_request::FindCoordinatorRequest;
pub use find_coordinator_response::FindCoordinatorResponse;
pub use heartbeat_request::HeartbeatRequest;
pub use heartbeat_response::HeartbeatResponse;
pub use incremental_alter_configs_request::IncrementalAlterConfigsRequest;
pub use incremental_alter_configs_response::IncrementalAlterConfigsResponse;
pub use init_producer_id_request::InitProducerIdRequest;
pub use init_producer_id_response::InitProducerIdResponse;
pub use join_group_request::JoinGroupRequest;
pub use join_group_response::JoinGroupResponse;
pub use leave_group_request::LeaveGroupRequest;
pub use leave_group_response::LeaveGroupResponse;
pub use list_groups_request::ListGroupsRequest;
pub use list_groups_response::ListGroupsResponse;
pub use list_offsets_request::ListOffsetsRequest;
pub use list_offsets_response::ListOffsetsResponse;
pub use list_transactions_request::ListTransactionsRequest;
pub use list_transactions_response::ListTransactionsResponse;
pub use metadata_request::MetadataRequest;
pub use metadata_response::MetadataResponse;
pub use offset_commit_request::OffsetCommitRequest;
pub use offset_commit_response::OffsetCommitResponse;
pub use offset_delete_request::OffsetDeleteRequest;
pub use offset_delete_response::OffsetDeleteResponse;
pub use offset_fetch_request::OffsetFetchRequest;
pub use offset_fetch_response::OffsetFetchResponse;
pub use offset_for_leader_epoch_request::OffsetForLeaderEpochRequest;
pub use offset_for_leader_epoch_response::OffsetForLeaderEpochResponse;
pub use produce_request::ProduceRequest;
pub use produce_response::ProduceResponse;
pub use sasl_authenticate_request::SaslAuthenticateRequest;
pub use sasl_authenticate_response::SaslAuthenticateResponse;
pub use sasl_handshake_request::SaslHandshakeRequest;
pub use sasl_handshake_response::SaslHandshakeResponse;
pub use streams_group_describe_request::StreamsGroupDescribeRequest;
pub use streams_group_describe_response::StreamsGroupDescribeResponse;
pub use streams_group_heartbeat_request::StreamsGroupHeartbeatRequest;
pub use streams_group_heartbeat_response::StreamsGroupHeartbeatResponse;
pub use streams_group_topology_description_update_request::StreamsGroupTopologyDescriptionUpdateRequest;
pub use streams_group_topology_description_update_response::StreamsGroupTopologyDescriptionUpdateResponse;
pub use sync_group_request::SyncGroupRequest;
pub use sync_group_response::SyncGroupResponse;
pub use txn_offset_commit_request::TxnOffsetCommitRequest;
pub use txn_offset_commit_response::TxnOffsetCommitResponse;

/// One API this crate implements: key, name and the versions of its request schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiInfo {
    /// The API key.
    pub api_key: i16,
    /// The API name as Kafka spells it (`Fetch`).
    pub name: &'static str,
    /// The oldest version implemented.
    pub min_version: i16,
    /// The newest version implemented.
    pub max_version: i16,
    /// The first flexible version, if any.
    pub flexible_min: Option<i16>,
}

/// Every API this crate implements, in API-key order.
pub const API_VERSIONS: &[ApiInfo] = &[
    ApiInfo {
        api_key: 0,
        name: "Produce",
        min_version: 0,
        max_version: 13,
        flexible_min: Some(9),
    },
    ApiInfo {
        api_key: 1,
        name: "Fetch",
        min_version: 0,
        max_version: 18,
        flexible_min: Some(12),
    },
    ApiInfo {
        api_key: 2,
        name: "ListOffsets",
        min_version: 0,
        max_version: 11,
        flexible_min: Some(6),
    },
    ApiInfo {
        api_key: 3,
        name: "Metadata",
        min_version: 0,
        max_version: 13,
        flexible_min: Some(9),
    },
    ApiInfo {
        api_key: 8,
        name: "OffsetCommit",
        min_version: 0,
        max_version: 10,
        flexible_min: Some(8),
    },
    ApiInfo {
        api_key: 9,
        name: "OffsetFetch",
        min_version: 0,
        max_version: 10,
        flexible_min: Some(6),
    },
    ApiInfo {
        api_key: 10,
        name: "FindCoordinator",
        min_version: 0,
        max_version: 6,
        flexible_min: Some(3),
    },
    ApiInfo {
        api_key: 11,
        name: "JoinGroup",
        min_version: 0,
        max_version: 9,
        flexible_min: Some(6),
    },
    ApiInfo {
        api_key: 12,
        name: "Heartbeat",
        min_version: 0,
        max_version: 4,
        flexible_min: Some(4),
    },
    ApiInfo {
        api_key: 13,
        name: "LeaveGroup",
        min_version: 0,
        max_version: 5,
        flexible_min: Some(4),
    },
    ApiInfo {
        api_key: 14,
        name: "SyncGroup",
        min_version: 0,
        max_version: 5,
        flexible_min: Some(4),
    },
    ApiInfo {
        api_key: 15,
        name: "DescribeGroups",
        min_version: 0,
        max_version: 6,
        flexible_min: Some(5),
    },
    ApiInfo {
        api_key: 16,
        name: "ListGroups",
        min_version: 0,
        max_version: 5,
        flexible_min: Some(3),
    },
    ApiInfo {
        api_key: 17,
        name: "SaslHandshake",
        min_version: 0,
        max_version: 1,
        flexible_min: None,
    },
    ApiInfo {
        api_key: 18,
        name: "ApiVersions",
        min_version: 0,
        max_version: 5,
        flexible_min: Some(3),
    },
    ApiInfo {
        api_key: 19,
        name: "CreateTopics",
        min_version: 0,
        max_version: 7,
        flexible_min: Some(5),
    },
    ApiInfo {
        api_key: 20,
        name: "DeleteTopics",
        min_version: 0,
        max_version: 6,
        flexible_min: Some(4),
    },
    ApiInfo {
        api_key: 21,
        name: "DeleteRecords",
        min_version: 0,
        max_version: 2,
        flexible_min: Some(2),
    },
    ApiInfo {
        api_key: 22,
        name: "InitProducerId",
        min_version: 0,
        max_version: 5,
        flexible_min: Some(2),
    },
    ApiInfo {
        api_key: 23,
        name: "OffsetForLeaderEpoch",
        min_version: 0,
        max_version: 4,
        flexible_min: Some(4),
    },
    ApiInfo {
        api_key: 24,
        name: "AddPartitionsToTxn",
        min_version: 0,
        max_version: 5,
        flexible_min: Some(3),
    },
    ApiInfo {
        api_key: 25,
        name: "AddOffsetsToTxn",
        min_version: 0,
        max_version: 4,
        flexible_min: Some(3),
    },
    ApiInfo {
        api_key: 26,
        name: "EndTxn",
        min_version: 0,
        max_version: 5,
        flexible_min: Some(3),
    },
    ApiInfo {
        api_key: 28,
        name: "TxnOffsetCommit",
        min_version: 0,
        max_version: 6,
        flexible_min: Some(3),
    },
    ApiInfo {
        api_key: 32,
        name: "DescribeConfigs",
        min_version: 0,
        max_version: 4,
        flexible_min: Some(4),
    },
    ApiInfo {
        api_key: 36,
        name: "SaslAuthenticate",
        min_version: 0,
        max_version: 2,
        flexible_min: Some(2),
    },
    ApiInfo {
        api_key: 37,
        name: "CreatePartitions",
        min_version: 0,
        max_version: 3,
        flexible_min: Some(2),
    },
    ApiInfo {
        api_key: 42,
        name: "DeleteGroups",
        min_version: 0,
        max_version: 3,
        flexible_min: Some(2),
    },
    ApiInfo {
        api_key: 44,
        name: "IncrementalAlterConfigs",
        min_version: 0,
        max_version: 1,
        flexible_min: Some(1),
    },
    ApiInfo {
        api_key: 47,
        name: "OffsetDelete",
        min_version: 0,
        max_version: 0,
        flexible_min: None,
    },
    ApiInfo {
        api_key: 60,
        name: "DescribeCluster",
        min_version: 0,
        max_version: 2,
        flexible_min: Some(0),
    },
    ApiInfo {
        api_key: 61,
        name: "DescribeProducers",
        min_version: 0,
        max_version: 0,
        flexible_min: Some(0),
    },
    ApiInfo {
        api_key: 65,
        name: "DescribeTransactions",
        min_version: 0,
        max_version: 0,
        flexible_min: Some(0),
    },
    ApiInfo {
        api_key: 66,
        name: "ListTransactions",
        min_version: 0,
        max_version: 2,
        flexible_min: Some(0),
    },
    ApiInfo {
        api_key: 68,
        name: "ConsumerGroupHeartbeat",
        min_version: 0,
        max_version: 1,
        flexible_min: Some(0),
    },
    ApiInfo {
        api_key: 69,
        name: "ConsumerGroupDescribe",
        min_version: 0,
        max_version: 1,
        flexible_min: Some(0),
    },
    ApiInfo {
        api_key: 88,
        name: "StreamsGroupHeartbeat",
        min_version: 0,
        max_version: 1,
        flexible_min: Some(0),
    },
    ApiInfo {
        api_key: 89,
        name: "StreamsGroupDescribe",
        min_version: 0,
        max_version: 1,
        flexible_min: Some(0),
    },
    ApiInfo {
        api_key: 93,
        name: "StreamsGroupTopologyDescriptionUpdate",
        min_version: 0,
        max_version: 0,
        flexible_min: Some(0),
    },
];

/// The entry for `api_key`, if this crate implements it.
pub fn api_info(api_key: i16) -> Option<&'static ApiInfo> {
    API_VERSIONS.iter().find(|a| a.api_key == api_key)
}

/// Calls `$m!` once with every `(api key, request type, response type)`; used by tests and
/// the fuzz target to visit every message generically.
#[macro_export]
macro_rules! for_each_api {
    ($m:ident) => {
        $m!(
            0,
            $crate::messages::ProduceRequest,
            $crate::messages::ProduceResponse
        );
        $m!(
            1,
            $crate::messages::FetchRequest,
            $crate::messages::FetchResponse
        );
        $m!(
            2,
            $crate::messages::ListOffsetsRequest,
            $crate::messages::ListOffsetsResponse
        );
        $m!(
            3,
            $crate::messages::MetadataRequest,
            $crate::messages::MetadataResponse
        );
        $m!(
            8,
            $crate::messages::OffsetCommitRequest,
            $crate::messages::OffsetCommitResponse
        );
        $m!(
            9,
            $crate::messages::OffsetFetchRequest,
            $crate::messages::OffsetFetchResponse
        );
        $m!(
            10,
            $crate::messages::FindCoordinatorRequest,
            $crate::messages::FindCoordinatorResponse
        );
        $m!(
            11,
            $crate::messages::JoinGroupRequest,
            $crate::messages::JoinGroupResponse
        );
        $m!(
            12,
            $crate::messages::HeartbeatRequest,
            $crate::messages::HeartbeatResponse
        );
        $m!(
            13,
            $crate::messages::LeaveGroupRequest,
            $crate::messages::LeaveGroupResponse
        );
        $m!(
            14,
            $crate::messages::SyncGroupRequest,
            $crate::messages::SyncGroupResponse
        );
        $m!(
            15,
            $crate::messages::DescribeGroupsRequest,
            $crate::messages::DescribeGroupsResponse
        );
        $m!(
            16,
            $crate::messages::ListGroupsRequest,
            $crate::messages::ListGroupsResponse
        );
        $m!(
            17,
            $crate::messages::SaslHandshakeRequest,
            $crate::messages::SaslHandshakeResponse
        );
        $m!(
            18,
            $crate::messages::ApiVersionsRequest,
            $crate::messages::ApiVersionsResponse
        );
        $m!(
            19,
            $crate::messages::CreateTopicsRequest,
            $crate::messages::CreateTopicsResponse
        );
        $m!(
            20,
            $crate::messages::DeleteTopicsRequest,
            $crate::messages::DeleteTopicsResponse
        );
        $m!(
            21,
            $crate::messages::DeleteRecordsRequest,
            $crate::messages::DeleteRecordsResponse
        );
        $m!(
            22,
            $crate::messages::InitProducerIdRequest,
            $crate::messages::InitProducerIdResponse
        );
        $m!(
            23,
            $crate::messages::OffsetForLeaderEpochRequest,
            $crate::messages::OffsetForLeaderEpochResponse
        );
        $m!(
            24,
            $crate::messages::AddPartitionsToTxnRequest,
            $crate::messages::AddPartitionsToTxnResponse
        );
        $m!(
            25,
            $crate::messages::AddOffsetsToTxnRequest,
            $crate::messages::AddOffsetsToTxnResponse
        );
        $m!(
            26,
            $crate::messages::EndTxnRequest,
            $crate::messages::EndTxnResponse
        );
        $m!(
            28,
            $crate::messages::TxnOffsetCommitRequest,
            $crate::messages::TxnOffsetCommitResponse
        );
        $m!(
            32,
            $crate::messages::DescribeConfigsRequest,
            $crate::messages::DescribeConfigsResponse
        );
        $m!(
            36,
            $crate::messages::SaslAuthenticateRequest,
            $crate::messages::SaslAuthenticateResponse
        );
        $m!(
            37,
            $crate::messages::CreatePartitionsRequest,
            $crate::messages::CreatePartitionsResponse
        );
        $m!(
            42,
            $crate::messages::DeleteGroupsRequest,
            $crate::messages::DeleteGroupsResponse
        );
        $m!(
            44,
            $crate::messages::IncrementalAlterConfigsRequest,
            $crate::messages::IncrementalAlterConfigsResponse
        );
        $m!(
            47,
            $crate::messages::OffsetDeleteRequest,
            $crate::messages::OffsetDeleteResponse
        );
        $m!(
            60,
            $crate::messages::DescribeClusterRequest,
            $crate::messages::DescribeClusterResponse
        );
        $m!(
            61,
            $crate::messages::DescribeProducersRequest,
            $crate::messages::DescribeProducersResponse
        );
        $m!(
            65,
            $crate::messages::DescribeTransactionsRequest,
            $crate::messages::DescribeTransactionsResponse
        );
        $m!(
            66,
            $crate::messages::ListTransactionsRequest,
            $crate::messages::ListTransactionsResponse
        );
        $m!(
            68,
            $crate::messages::ConsumerGroupHeartbeatRequest,
            $crate::messages::ConsumerGroupHeartbeatResponse
        );
        $m!(
            69,
            $crate::messages::ConsumerGroupDescribeRequest,
            $crate::messages::ConsumerGroupDescribeResponse
        );
        $m!(
            88,
            $crate::messages::StreamsGroupHeartbeatRequest,
            $crate::messages::StreamsGroupHeartbeatResponse
        );
        $m!(
            89,
            $crate::messages::StreamsGroupDescribeRequest,
            $crate::messages::StreamsGroupDescribeResponse
        );
        $m!(
            93,
            $crate::messages::StreamsGroupTopologyDescriptionUpdateRequest,
            $crate::messages::StreamsGroupTopologyDescriptionUpdateResponse
        );
    };
}
