//! A minimal Fetch-based reader: one partition from an offset, no consumer group, no fetch
//! session. The full consumer (sessions, positions, groups) stands on the same
//! [`Cluster`] and is built elsewhere; this is what tests and tools
//! need to read a partition back.

use std::time::Duration;

use kafka_protocol::Uuid;
use kafka_protocol::messages::FetchRequest;
use kafka_protocol::messages::fetch_request::{FetchPartition, FetchTopic};
use kafka_protocol::record::{Record, RecordSet};

use crate::cluster::Cluster;
use crate::error::{Error, KafkaCode, Result};

/// What one fetch of one partition returned.
#[derive(Debug, Clone)]
pub struct FetchedPartition {
    /// Records at or after the requested offset (control records skipped).
    pub records: Vec<Record>,
    /// The partition's high watermark.
    pub high_watermark: i64,
    /// The partition's log start offset.
    pub log_start_offset: i64,
}

/// Fetches from `topic`/`partition` starting at `offset` from its leader, waiting up to
/// `max_wait` for data (read-uncommitted).
pub async fn fetch_partition(
    cluster: &Cluster,
    topic: &str,
    partition: i32,
    offset: i64,
    max_wait: Duration,
) -> Result<FetchedPartition> {
    let meta = cluster
        .wait_for_topic(topic, cluster.config().request_timeout)
        .await?;
    let leader = meta
        .partition(partition)
        .map(|p| p.leader)
        .filter(|&l| l >= 0)
        .ok_or_else(|| Error::kafka(KafkaCode::LEADER_NOT_AVAILABLE))?;
    let conn = cluster.broker(leader).await?;
    let mut version = conn.version_for::<FetchRequest>()?;
    if meta.topic_id == Uuid::ZERO {
        version = version.min(12);
    }
    let req = FetchRequest {
        max_wait_ms: i32::try_from(max_wait.as_millis()).unwrap_or(i32::MAX),
        min_bytes: 1,
        max_bytes: 50 * 1024 * 1024,
        topics: vec![FetchTopic {
            topic: topic.to_owned(),
            topic_id: meta.topic_id,
            partitions: vec![FetchPartition {
                partition,
                fetch_offset: offset,
                partition_max_bytes: 16 * 1024 * 1024,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let resp = conn.send_version(&req, version).await?;
    KafkaCode(resp.error_code).ok()?;
    let data = resp
        .responses
        .iter()
        .flat_map(|t| t.partitions.iter())
        .find(|p| p.partition_index == partition)
        .ok_or_else(|| Error::Protocol {
            broker: conn.broker().to_owned(),
            reason: "fetch response lacks the partition asked for".into(),
        })?;
    let code = KafkaCode(data.error_code);
    if !code.is_ok() {
        if code.invalidates_metadata() {
            let _ = cluster.refresh().await;
        }
        return Err(Error::kafka(code));
    }
    let mut records = Vec::new();
    if let Some(bytes) = data.records.clone() {
        for batch in RecordSet::new(bytes).batches() {
            let batch = batch?;
            if let kafka_protocol::record::Batch::V2(b) = &batch
                && b.is_control()
            {
                continue;
            }
            for r in batch.records()? {
                let r = r?;
                if r.offset >= offset {
                    records.push(r);
                }
            }
        }
    }
    Ok(FetchedPartition {
        records,
        high_watermark: data.high_watermark,
        log_start_offset: data.log_start_offset,
    })
}
