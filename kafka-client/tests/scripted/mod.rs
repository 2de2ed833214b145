//! A scripted in-process broker for tests of retry and error paths that a live cluster reaches
//! only in a race: it frames requests, decodes their headers, and writes back whatever body the
//! test's handler encodes for each one.

// Each test crate uses its own subset.
#![allow(dead_code)]

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use kafka_protocol::header::{RequestHeader, ResponseHeader, header_versions};
use kafka_protocol::messages::ApiVersionsResponse;
use kafka_protocol::messages::MetadataResponse;
use kafka_protocol::messages::api_versions_response::ApiVersion;
use kafka_protocol::messages::metadata_response::{
    MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic,
};
use kafka_protocol::{Message, messages};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// ApiVersions.
pub(crate) const API_VERSIONS: i16 = 18;

// The API keys the scripted tests answer, from the protocol crate's message types.
/// Metadata.
pub(crate) const METADATA: i16 = <messages::MetadataRequest as Message>::API_KEY;
/// FindCoordinator.
pub(crate) const FIND_COORDINATOR: i16 = <messages::FindCoordinatorRequest as Message>::API_KEY;
/// OffsetFetch.
pub(crate) const OFFSET_FETCH: i16 = <messages::OffsetFetchRequest as Message>::API_KEY;
/// OffsetCommit.
pub(crate) const OFFSET_COMMIT: i16 = <messages::OffsetCommitRequest as Message>::API_KEY;
/// Fetch.
pub(crate) const FETCH: i16 = <messages::FetchRequest as Message>::API_KEY;
/// SyncGroup.
pub(crate) const SYNC_GROUP: i16 = <messages::SyncGroupRequest as Message>::API_KEY;
/// ListOffsets.
pub(crate) const LIST_OFFSETS: i16 = <messages::ListOffsetsRequest as Message>::API_KEY;
/// LeaveGroup.
pub(crate) const LEAVE_GROUP: i16 = <messages::LeaveGroupRequest as Message>::API_KEY;
/// JoinGroup.
pub(crate) const JOIN_GROUP: i16 = <messages::JoinGroupRequest as Message>::API_KEY;
/// Heartbeat.
pub(crate) const HEARTBEAT: i16 = <messages::HeartbeatRequest as Message>::API_KEY;
/// ConsumerGroupHeartbeat.
pub(crate) const CONSUMER_GROUP_HEARTBEAT: i16 =
    <messages::ConsumerGroupHeartbeatRequest as Message>::API_KEY;
/// OffsetForLeaderEpoch.
pub(crate) const OFFSET_FOR_LEADER_EPOCH: i16 =
    <messages::OffsetForLeaderEpochRequest as Message>::API_KEY;
/// DeleteGroups.
pub(crate) const DELETE_GROUPS: i16 = <messages::DeleteGroupsRequest as Message>::API_KEY;

// The error codes the scripted brokers answer with.
/// UNKNOWN_TOPIC_OR_PARTITION.
pub(crate) const UNKNOWN_TOPIC_OR_PARTITION: i16 = 3;
/// REQUEST_TIMED_OUT.
pub(crate) const REQUEST_TIMED_OUT: i16 = 7;
/// COORDINATOR_LOAD_IN_PROGRESS.
pub(crate) const COORDINATOR_LOAD_IN_PROGRESS: i16 = 14;
/// COORDINATOR_NOT_AVAILABLE.
pub(crate) const COORDINATOR_NOT_AVAILABLE: i16 = 15;
/// NOT_COORDINATOR.
pub(crate) const NOT_COORDINATOR: i16 = 16;
/// ILLEGAL_GENERATION.
pub(crate) const ILLEGAL_GENERATION: i16 = 22;
/// UNKNOWN_MEMBER_ID.
pub(crate) const UNKNOWN_MEMBER_ID: i16 = 25;
/// REBALANCE_IN_PROGRESS.
pub(crate) const REBALANCE_IN_PROGRESS: i16 = 27;
/// FENCED_INSTANCE_ID.
pub(crate) const FENCED_INSTANCE_ID: i16 = 82;
/// UNSTABLE_OFFSET_COMMIT.
pub(crate) const UNSTABLE_OFFSET_COMMIT: i16 = 88;
/// FENCED_MEMBER_EPOCH.
pub(crate) const FENCED_MEMBER_EPOCH: i16 = 110;
/// STALE_MEMBER_EPOCH.
pub(crate) const STALE_MEMBER_EPOCH: i16 = 113;

/// A Fetch answer with no records for every partition asked for (an empty log: offsets 0).
pub(crate) fn empty_fetch(req: &messages::FetchRequest) -> messages::FetchResponse {
    use messages::fetch_response::{FetchableTopicResponse, PartitionData};
    messages::FetchResponse {
        responses: req
            .topics
            .iter()
            .map(|t| FetchableTopicResponse {
                topic: t.topic.clone(),
                partitions: t
                    .partitions
                    .iter()
                    .map(|p| PartitionData {
                        partition_index: p.partition,
                        high_watermark: 0,
                        last_stable_offset: 0,
                        log_start_offset: 0,
                        records: Some(Bytes::new()),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// An OffsetFetch answer in the v8+ shape (per group) giving every partition asked for the
/// committed `offset`, with no leader epoch.
pub(crate) fn grouped_committed_offsets(
    req: &messages::OffsetFetchRequest,
    offset: i64,
) -> messages::OffsetFetchResponse {
    use messages::offset_fetch_response::{
        OffsetFetchResponseGroup, OffsetFetchResponsePartitions, OffsetFetchResponseTopics,
    };
    messages::OffsetFetchResponse {
        groups: req
            .groups
            .iter()
            .map(|g| OffsetFetchResponseGroup {
                group_id: g.group_id.clone(),
                topics: g
                    .topics
                    .iter()
                    .flatten()
                    .map(|t| OffsetFetchResponseTopics {
                        name: t.name.clone(),
                        partitions: t
                            .partition_indexes
                            .iter()
                            .map(|&p| OffsetFetchResponsePartitions {
                                partition_index: p,
                                committed_offset: offset,
                                committed_leader_epoch: -1,
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// An OffsetFetch answer in the pre-v8 shape (topics at the top level) giving every partition
/// asked for the committed `offset`.
pub(crate) fn committed_offsets(
    req: &messages::OffsetFetchRequest,
    offset: i64,
) -> messages::OffsetFetchResponse {
    use messages::offset_fetch_response::{OffsetFetchResponsePartition, OffsetFetchResponseTopic};
    messages::OffsetFetchResponse {
        topics: req
            .topics
            .iter()
            .flatten()
            .map(|t| OffsetFetchResponseTopic {
                name: t.name.clone(),
                partitions: t
                    .partition_indexes
                    .iter()
                    .map(|&p| OffsetFetchResponsePartition {
                        partition_index: p,
                        committed_offset: offset,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// One request as the handler sees it.
pub(crate) struct Request {
    /// The API key.
    pub(crate) api_key: i16,
    /// The request version.
    pub(crate) version: i16,
    /// The request body, after the header.
    pub(crate) body: Bytes,
    /// The port the broker listens on (for the broker's own address in answers).
    pub(crate) port: u16,
}

/// What the broker does with a request.
pub(crate) enum Reply {
    /// Answer with this encoded body.
    Body(BytesMut),
    /// Answer with this body after a pause (a fetch with nothing to give).
    After(Duration, BytesMut),
    /// Close the connection without answering.
    Hangup,
}

/// A FindCoordinator answer naming the scripted broker (node 1 on `port`) as coordinator.
pub(crate) fn coordinator_at(port: u16) -> messages::FindCoordinatorResponse {
    messages::FindCoordinatorResponse {
        node_id: 1,
        host: "127.0.0.1".into(),
        port: i32::from(port),
        ..Default::default()
    }
}

/// An OffsetCommit answer giving every partition of `req` the error `code` (0: committed).
pub(crate) fn commit_answer(
    req: &messages::OffsetCommitRequest,
    code: i16,
) -> messages::OffsetCommitResponse {
    use messages::offset_commit_response::{
        OffsetCommitResponsePartition, OffsetCommitResponseTopic,
    };
    messages::OffsetCommitResponse {
        topics: req
            .topics
            .iter()
            .map(|t| OffsetCommitResponseTopic {
                name: t.name.clone(),
                partitions: t
                    .partitions
                    .iter()
                    .map(|p| OffsetCommitResponsePartition {
                        partition_index: p.partition_index,
                        error_code: code,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// What a scripted broker offers a classic group member, as `(key, max version)` for
/// [`api_versions`]: versions that name topics by name and members by the classic protocol.
pub(crate) const CLASSIC_APIS: [(i16, i16); 11] = [
    (API_VERSIONS, 3),
    (METADATA, 9),
    (FETCH, 12),
    (LIST_OFFSETS, 7),
    (OFFSET_COMMIT, 8),
    (OFFSET_FETCH, 7),
    (FIND_COORDINATOR, 3),
    (JOIN_GROUP, 7),
    (HEARTBEAT, 4),
    (LEAVE_GROUP, 4),
    (SYNC_GROUP, 5),
];

/// The body of an ApiVersions answer at `version` listing `apis` as `(key, max version)`, each
/// from version 0. A request at a version the broker does not speak gets v0 back, as Kafka does.
pub(crate) fn api_versions(version: i16, apis: &[(i16, i16)]) -> Reply {
    let mut body = BytesMut::new();
    ApiVersionsResponse {
        api_keys: apis
            .iter()
            .map(|&(api_key, max_version)| ApiVersion {
                api_key,
                min_version: 0,
                max_version,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
    .encode(&mut body, version.min(ApiVersionsResponse::MAX_VERSION))
    .unwrap();
    Reply::Body(body)
}

/// The metadata answer of a one-broker cluster (node 1, this scripted broker on `port`) with
/// `topic` in `partitions` partitions, each led by node 1 at `leader_epoch`.
pub(crate) fn one_broker_metadata(
    port: u16,
    topic: &str,
    partitions: i32,
    leader_epoch: i32,
) -> MetadataResponse {
    MetadataResponse {
        brokers: vec![MetadataResponseBroker {
            node_id: 1,
            host: "127.0.0.1".into(),
            port: i32::from(port),
            ..Default::default()
        }],
        cluster_id: Some("scripted".into()),
        controller_id: 1,
        topics: vec![MetadataResponseTopic {
            name: Some(topic.into()),
            partitions: (0..partitions)
                .map(|p| MetadataResponsePartition {
                    partition_index: p,
                    leader_id: 1,
                    leader_epoch,
                    replica_nodes: vec![1],
                    isr_nodes: vec![1],
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// Encodes `message` at `version` as a reply.
pub(crate) fn reply<M: Message>(message: &M, version: i16) -> Reply {
    let mut body = BytesMut::new();
    message.encode(&mut body, version).unwrap();
    Reply::Body(body)
}

/// Starts a broker on 127.0.0.1 answering with `handler`; returns its address.
pub(crate) async fn start<H, F>(handler: H) -> String
where
    H: Fn(Request) -> F + Send + Sync + 'static,
    F: Future<Output = Reply> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        let port = listener.local_addr().unwrap().port();
        while let Ok((sock, _)) = listener.accept().await {
            tokio::spawn(connection(sock, port, handler.clone()));
        }
    });
    addr
}

async fn connection<H, F>(mut sock: TcpStream, port: u16, handler: Arc<H>)
where
    H: Fn(Request) -> F + Send + Sync + 'static,
    F: Future<Output = Reply> + Send + 'static,
{
    loop {
        let mut size = [0u8; 4];
        if sock.read_exact(&mut size).await.is_err() {
            return;
        }
        let mut frame = vec![0u8; usize::try_from(i32::from_be_bytes(size)).unwrap()];
        if sock.read_exact(&mut frame).await.is_err() {
            return;
        }
        let mut body = Bytes::from(frame);
        let (api_key, version) = {
            let mut peek = body.clone();
            (peek.get_i16(), peek.get_i16())
        };
        let (req_hv, resp_hv) = header_versions(api_key, version).expect("a known api and version");
        let header = RequestHeader::decode(&mut body, req_hv).unwrap();
        let answer = match handler(Request {
            api_key,
            version,
            body,
            port,
        })
        .await
        {
            Reply::Body(b) => b,
            Reply::After(pause, b) => {
                tokio::time::sleep(pause).await;
                b
            }
            Reply::Hangup => return,
        };
        let mut out = BytesMut::new();
        ResponseHeader {
            correlation_id: header.correlation_id,
            ..Default::default()
        }
        .encode(&mut out, resp_hv)
        .unwrap();
        out.extend_from_slice(&answer);
        let mut framed = BytesMut::new();
        framed.put_i32(i32::try_from(out.len()).unwrap());
        framed.extend_from_slice(&out);
        if sock.write_all(&framed).await.is_err() {
            return;
        }
    }
}
