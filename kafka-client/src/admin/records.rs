//! Partition-level record operations, each sent to the partition's leader: ListOffsets and
//! DeleteRecords.
//!
//! Partitions whose leader moved or is not yet known (NOT_LEADER_OR_FOLLOWER,
//! LEADER_NOT_AVAILABLE, a topic not yet in the metadata, ...) are retried after a metadata
//! refresh until `default.api.timeout.ms`, as Java's admin does; other errors end that
//! partition at once.

use std::collections::{BTreeMap, BTreeSet};

use kafka_protocol::messages::delete_records_request::{
    DeleteRecordsPartition, DeleteRecordsTopic,
};
use kafka_protocol::messages::list_offsets_request::{ListOffsetsPartition, ListOffsetsTopic};
use kafka_protocol::messages::{DeleteRecordsRequest, ListOffsetsRequest};

use super::{Admin, missing, resource_result};
use crate::consumer::TopicPartition;
use crate::error::{Error, KafkaCode, Result};

/// Which offset ListOffsets looks up (Java's `OffsetSpec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetSpec {
    /// The log start offset.
    Earliest,
    /// The log end offset (high watermark).
    Latest,
    /// The first offset whose timestamp is at or after this one (ms).
    Timestamp(i64),
    /// The offset and timestamp of the record with the largest timestamp (KIP-734; brokers 3.0+,
    /// ListOffsets v7).
    MaxTimestamp,
}

impl OffsetSpec {
    fn timestamp(self) -> i64 {
        match self {
            OffsetSpec::Earliest => -2,
            OffsetSpec::Latest => -1,
            OffsetSpec::MaxTimestamp => -3,
            OffsetSpec::Timestamp(t) => t,
        }
    }
}

/// An offset ListOffsets returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListedOffset {
    /// The partition.
    pub partition: i32,
    /// The offset (-1 when no record has a timestamp that late, or the partition is empty).
    pub offset: i64,
    /// The timestamp of the record at that offset (-1 for earliest/latest).
    pub timestamp: i64,
}

fn partition_resource(tp: &TopicPartition) -> String {
    format!("partition {tp}")
}

/// Whether a partition that failed with `e` may succeed once metadata is refreshed.
fn retry_on_fresh_metadata(e: &Error) -> bool {
    match e.code() {
        Some(code) => code.is_retriable() || code.invalidates_metadata(),
        None => e.is_retriable(),
    }
}

type PartitionResults<V> = Vec<(TopicPartition, Result<V>)>;

impl Admin {
    /// Offsets of `topic`'s partitions, each asked of its leader; fails with the first
    /// partition's error.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// use kafka_client::admin::OffsetSpec;
    /// let ends = admin.list_offsets("orders", &[(0, OffsetSpec::Latest), (1, OffsetSpec::MaxTimestamp)]).await?;
    /// println!("partition 0 ends at {}", ends[0].offset);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn list_offsets(
        &self,
        topic: &str,
        partitions: &[(i32, OffsetSpec)],
    ) -> Result<Vec<ListedOffset>> {
        let asked: Vec<(TopicPartition, OffsetSpec)> = partitions
            .iter()
            .map(|&(p, s)| (TopicPartition::new(topic, p), s))
            .collect();
        let each = self.list_offsets_each(&asked).await?;
        each.into_values().collect()
    }

    /// Offsets of any partitions, each asked of its leader; the offset or the error of each.
    pub async fn list_offsets_each(
        &self,
        partitions: &[(TopicPartition, OffsetSpec)],
    ) -> Result<BTreeMap<TopicPartition, Result<ListedOffset>>> {
        let timeout_ms = self.timeout_ms();
        self.by_leader(
            "ListOffsets",
            partitions.to_vec(),
            async |leader, batch: &[(TopicPartition, OffsetSpec)]| {
                let conn = self.cluster.broker(leader).await?;
                let version = conn.version_for::<ListOffsetsRequest>()?;
                let mut out: PartitionResults<ListedOffset> = Vec::new();
                let mut topics: BTreeMap<&str, Vec<ListOffsetsPartition>> = BTreeMap::new();
                for (tp, spec) in batch {
                    if *spec == OffsetSpec::MaxTimestamp && version < 7 {
                        out.push((
                            tp.clone(),
                            Err(Error::UnsupportedApi {
                                broker: conn.broker().to_owned(),
                                api: "ListOffsets with OffsetSpec::MaxTimestamp (v7)",
                            }),
                        ));
                        continue;
                    }
                    topics
                        .entry(tp.topic.as_str())
                        .or_default()
                        .push(ListOffsetsPartition {
                            partition_index: tp.partition,
                            current_leader_epoch: -1,
                            timestamp: spec.timestamp(),
                            max_num_offsets: 1,
                            ..Default::default()
                        });
                }
                if topics.is_empty() {
                    return Ok(out);
                }
                let req = ListOffsetsRequest {
                    replica_id: -1,
                    isolation_level: 0,
                    topics: topics
                        .into_iter()
                        .map(|(name, partitions)| ListOffsetsTopic {
                            name: name.to_owned(),
                            partitions,
                            ..Default::default()
                        })
                        .collect(),
                    timeout_ms,
                    ..Default::default()
                };
                let resp = conn.send_version(&req, version).await?;
                for t in resp.topics {
                    for p in t.partitions {
                        let tp = TopicPartition::new(t.name.clone(), p.partition_index);
                        let r = resource_result(|| partition_resource(&tp), p.error_code, None)
                            .map(|()| ListedOffset {
                                partition: p.partition_index,
                                offset: if p.offset == -1 && !p.old_style_offsets.is_empty() {
                                    p.old_style_offsets[0]
                                } else {
                                    p.offset
                                },
                                timestamp: p.timestamp,
                            });
                        out.push((tp, r));
                    }
                }
                Ok(out)
            },
        )
        .await
    }

    /// Deletes the records before each given offset (DeleteRecords, sent to each partition's
    /// leader); the partition's new low watermark (log start offset) or its error.
    ///
    /// An offset of -1 deletes up to the high watermark. An offset past the high watermark
    /// fails that partition with `OFFSET_OUT_OF_RANGE`.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// use kafka_client::admin::TopicPartition;
    /// let tp = TopicPartition::new("orders", 0);
    /// let done = admin.delete_records(&[(tp.clone(), 100)]).await?;
    /// assert_eq!(*done[&tp].as_ref().unwrap(), 100);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn delete_records(
        &self,
        before: &[(TopicPartition, i64)],
    ) -> Result<BTreeMap<TopicPartition, Result<i64>>> {
        let timeout_ms = self.timeout_ms();
        self.by_leader(
            "DeleteRecords",
            before.to_vec(),
            async |leader, batch: &[(TopicPartition, i64)]| {
                let mut topics: BTreeMap<&str, Vec<DeleteRecordsPartition>> = BTreeMap::new();
                for (tp, offset) in batch {
                    topics
                        .entry(tp.topic.as_str())
                        .or_default()
                        .push(DeleteRecordsPartition {
                            partition_index: tp.partition,
                            offset: *offset,
                            ..Default::default()
                        });
                }
                let req = DeleteRecordsRequest {
                    topics: topics
                        .into_iter()
                        .map(|(name, partitions)| DeleteRecordsTopic {
                            name: name.to_owned(),
                            partitions,
                            ..Default::default()
                        })
                        .collect(),
                    timeout_ms,
                    ..Default::default()
                };
                let resp = self.cluster.send_to(leader, &req).await?;
                let mut out: PartitionResults<i64> = Vec::new();
                for t in resp.topics {
                    for p in t.partitions {
                        let tp = TopicPartition::new(t.name.clone(), p.partition_index);
                        let r = resource_result(|| partition_resource(&tp), p.error_code, None)
                            .map(|()| p.low_watermark);
                        out.push((tp, r));
                    }
                }
                Ok(out)
            },
        )
        .await
    }

    /// Routes `items` to their partitions' leaders through `send`, retrying the partitions
    /// whose leader is unknown or moved until the deadline.
    async fn by_leader<T: Clone, V>(
        &self,
        api: &str,
        items: Vec<(TopicPartition, T)>,
        send: impl AsyncFn(i32, &[(TopicPartition, T)]) -> Result<PartitionResults<V>>,
    ) -> Result<BTreeMap<TopicPartition, Result<V>>> {
        let deadline = self.deadline();
        let mut out: BTreeMap<TopicPartition, Result<V>> = BTreeMap::new();
        let mut pending = items;
        let mut attempt = 0;
        while !pending.is_empty() {
            let topics: Vec<String> = pending
                .iter()
                .map(|(tp, _)| tp.topic.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut retry: Vec<(TopicPartition, T, Error)> = Vec::new();
            match self.cluster.fetch_metadata(Some(&topics)).await {
                Err(e) if e.is_retriable() => {
                    let shared = std::sync::Arc::new(e);
                    retry.extend(
                        pending
                            .drain(..)
                            .map(|(tp, t)| (tp, t, Error::Shared(shared.clone()))),
                    );
                }
                Err(e) => return Err(e),
                Ok(snapshot) => {
                    let mut by: BTreeMap<i32, Vec<(TopicPartition, T)>> = BTreeMap::new();
                    for (tp, t) in pending.drain(..) {
                        let Some(meta) = snapshot.topic(&tp.topic).filter(|m| m.error.is_ok())
                        else {
                            let code = snapshot
                                .topic(&tp.topic)
                                .map_or(KafkaCode::UNKNOWN_TOPIC_OR_PARTITION, |m| m.error);
                            let err = Error::UnknownTopic {
                                topic: tp.topic.clone(),
                                code,
                            };
                            // A topic just created may not be in this broker's metadata yet.
                            if code.is_retriable() {
                                retry.push((tp, t, err));
                            } else {
                                out.insert(tp, Err(err));
                            }
                            continue;
                        };
                        match meta.partition(tp.partition) {
                            None => {
                                let err = Error::Resource {
                                    resource: partition_resource(&tp),
                                    code: KafkaCode::UNKNOWN_TOPIC_OR_PARTITION,
                                    message: Some(format!(
                                        "the topic has {} partitions",
                                        meta.partitions.len()
                                    )),
                                };
                                out.insert(tp, Err(err));
                            }
                            Some(pm) if pm.leader < 0 => {
                                let err = Error::Resource {
                                    resource: partition_resource(&tp),
                                    code: KafkaCode::LEADER_NOT_AVAILABLE,
                                    message: None,
                                };
                                retry.push((tp, t, err));
                            }
                            Some(pm) => by.entry(pm.leader).or_default().push((tp, t)),
                        }
                    }
                    for (leader, batch) in by {
                        match send(leader, &batch).await {
                            Err(e) if retry_on_fresh_metadata(&e) => {
                                let shared = std::sync::Arc::new(e);
                                retry.extend(
                                    batch
                                        .into_iter()
                                        .map(|(tp, t)| (tp, t, Error::Shared(shared.clone()))),
                                );
                            }
                            Err(e) => {
                                let shared = std::sync::Arc::new(e);
                                for (tp, _) in batch {
                                    out.insert(tp, Err(Error::Shared(shared.clone())));
                                }
                            }
                            Ok(results) => {
                                let mut answered: BTreeMap<TopicPartition, Result<V>> =
                                    results.into_iter().collect();
                                for (tp, t) in batch {
                                    match answered.remove(&tp) {
                                        Some(Err(e)) if retry_on_fresh_metadata(&e) => {
                                            retry.push((tp, t, e));
                                        }
                                        Some(r) => {
                                            out.insert(tp, r);
                                        }
                                        None => {
                                            let err = missing(api, &partition_resource(&tp));
                                            out.insert(tp, Err(err));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if retry.is_empty() {
                break;
            }
            tracing::debug!(api, partitions = retry.len(), "retrying on fresh metadata");
            if !self.backoff(attempt, deadline).await {
                for (tp, _, e) in retry {
                    out.insert(tp, Err(e));
                }
                break;
            }
            attempt += 1;
            pending = retry.into_iter().map(|(tp, t, _)| (tp, t)).collect();
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_specs_use_kafkas_sentinel_timestamps() {
        assert_eq!(OffsetSpec::Earliest.timestamp(), -2);
        assert_eq!(OffsetSpec::Latest.timestamp(), -1);
        assert_eq!(OffsetSpec::MaxTimestamp.timestamp(), -3);
        assert_eq!(OffsetSpec::Timestamp(42).timestamp(), 42);
    }

    #[test]
    fn stale_leader_errors_are_retried_others_are_not() {
        let partition = |code| Error::Resource {
            resource: "partition t-0".into(),
            code: KafkaCode(code),
            message: None,
        };
        assert!(
            retry_on_fresh_metadata(&partition(6)),
            "NOT_LEADER_OR_FOLLOWER"
        );
        assert!(
            retry_on_fresh_metadata(&partition(5)),
            "LEADER_NOT_AVAILABLE"
        );
        assert!(
            !retry_on_fresh_metadata(&partition(1)),
            "OFFSET_OUT_OF_RANGE"
        );
        assert!(retry_on_fresh_metadata(&Error::Disconnected {
            broker: "b:9092".into()
        }));
        assert!(!retry_on_fresh_metadata(&Error::UnsupportedApi {
            broker: "b:9092".into(),
            api: "ListOffsets"
        }));
    }
}
