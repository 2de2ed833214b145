//! The cluster metadata cache: brokers, controller, topics with their ids and partition leaders.
//!
//! A [`ClusterMetadata`] is an immutable snapshot; refreshing builds a new one from a Metadata
//! response merged over the old ([`ClusterMetadata::merge`], no IO), and readers hold an `Arc`
//! to whichever snapshot they started with. The driver that decides when to refresh — on
//! demand, on `metadata.max.age.ms`, and on errors that mean the cache is stale
//! ([`KafkaCode::invalidates_metadata`]) — is [`crate::cluster::Cluster`].

use std::collections::HashMap;

use kafka_protocol::Uuid;
use kafka_protocol::messages::MetadataResponse;

use crate::error::KafkaCode;

/// One broker as the metadata describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerInfo {
    /// The broker id.
    pub node_id: i32,
    /// Advertised host.
    pub host: String,
    /// Advertised port.
    pub port: i32,
    /// `broker.rack`, if set.
    pub rack: Option<String>,
}

impl BrokerInfo {
    /// `host:port`.
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// One partition's placement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionMetadata {
    /// The partition index.
    pub partition: i32,
    /// The leader's broker id, or -1 while there is none.
    pub leader: i32,
    /// The leader epoch, or -1 if the broker did not say.
    pub leader_epoch: i32,
    /// All replicas.
    pub replicas: Vec<i32>,
    /// In-sync replicas.
    pub isr: Vec<i32>,
    /// Offline replicas.
    pub offline_replicas: Vec<i32>,
    /// The partition's error (e.g. `LEADER_NOT_AVAILABLE`).
    pub error: KafkaCode,
}

/// One topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicMetadata {
    /// The topic name.
    pub name: String,
    /// The topic id (zero before Kafka 2.8 or when unknown).
    pub topic_id: Uuid,
    /// Whether it is an internal topic (`__consumer_offsets`, ...).
    pub is_internal: bool,
    /// The topic-level error; `UNKNOWN_TOPIC_OR_PARTITION` for a topic that does not exist.
    pub error: KafkaCode,
    /// Partitions, indexed by partition number.
    pub partitions: Vec<PartitionMetadata>,
}

impl TopicMetadata {
    /// The partition `p`, if it exists.
    pub fn partition(&self, p: i32) -> Option<&PartitionMetadata> {
        usize::try_from(p).ok().and_then(|i| self.partitions.get(i))
    }

    /// Ids of the partitions that currently have a leader.
    pub fn available_partitions(&self) -> Vec<i32> {
        self.partitions
            .iter()
            .filter(|p| p.leader >= 0)
            .map(|p| p.partition)
            .collect()
    }
}

/// An immutable snapshot of what the client knows about the cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterMetadata {
    /// The cluster id.
    pub cluster_id: Option<String>,
    /// The active controller's id as brokers report it, or -1.
    pub controller_id: i32,
    /// Brokers by id.
    pub brokers: HashMap<i32, BrokerInfo>,
    /// Topics by name (only those asked for, unless a full refresh was made).
    pub topics: HashMap<String, TopicMetadata>,
}

impl ClusterMetadata {
    /// The topic `name`.
    pub fn topic(&self, name: &str) -> Option<&TopicMetadata> {
        self.topics.get(name)
    }

    /// The topic whose id is `id`.
    pub fn topic_by_id(&self, id: Uuid) -> Option<&TopicMetadata> {
        if id == Uuid::ZERO {
            return None;
        }
        self.topics.values().find(|t| t.topic_id == id)
    }

    /// The leader of `topic`/`partition`, when known.
    pub fn leader(&self, topic: &str, partition: i32) -> Option<&BrokerInfo> {
        let p = self.topic(topic)?.partition(partition)?;
        self.brokers.get(&p.leader)
    }

    /// A new snapshot: `resp` over `self`. Brokers, controller and cluster id are replaced;
    /// topics in the response replace their old entries (or are dropped when `full` and absent);
    /// a partition whose new leader epoch is older than the cached one keeps the cached
    /// placement, since the answering broker is behind (Java's `Metadata.updateLatestMetadata`).
    pub fn merge(&self, resp: &MetadataResponse, full: bool) -> ClusterMetadata {
        let brokers: HashMap<i32, BrokerInfo> = resp
            .brokers
            .iter()
            .map(|b| {
                (
                    b.node_id,
                    BrokerInfo {
                        node_id: b.node_id,
                        host: b.host.clone(),
                        port: b.port,
                        rack: b.rack.clone(),
                    },
                )
            })
            .collect();
        let mut topics = if full {
            HashMap::new()
        } else {
            self.topics.clone()
        };
        for t in &resp.topics {
            let Some(name) = t.name.clone() else {
                continue;
            };
            let error = KafkaCode(t.error_code);
            let old = self.topics.get(&name);
            let mut partitions: Vec<PartitionMetadata> = t
                .partitions
                .iter()
                .map(|p| {
                    let fresh = PartitionMetadata {
                        partition: p.partition_index,
                        leader: p.leader_id,
                        leader_epoch: p.leader_epoch,
                        replicas: p.replica_nodes.clone(),
                        isr: p.isr_nodes.clone(),
                        offline_replicas: p.offline_replicas.clone(),
                        error: KafkaCode(p.error_code),
                    };
                    match old.and_then(|o| o.partition(p.partition_index)) {
                        Some(cached)
                            if fresh.leader_epoch >= 0
                                && cached.leader_epoch > fresh.leader_epoch =>
                        {
                            cached.clone()
                        }
                        _ => fresh,
                    }
                })
                .filter(|p| p.partition >= 0)
                .collect();
            partitions.sort_by_key(|p| p.partition);
            // Partitions are dense in Kafka; a gap would make index lookups wrong, so keep
            // only the dense prefix.
            let dense = partitions
                .iter()
                .enumerate()
                .take_while(|(i, p)| p.partition as usize == *i)
                .count();
            partitions.truncate(dense);
            if !error.is_ok() && error != KafkaCode::LEADER_NOT_AVAILABLE {
                // A topic that errors (does not exist, not authorized) carries no placement.
                partitions.clear();
            }
            topics.insert(
                name.clone(),
                TopicMetadata {
                    name,
                    topic_id: t.topic_id,
                    is_internal: t.is_internal,
                    error,
                    partitions,
                },
            );
        }
        ClusterMetadata {
            cluster_id: resp.cluster_id.clone().or_else(|| self.cluster_id.clone()),
            controller_id: resp.controller_id,
            brokers,
            topics,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::messages::metadata_response::{
        MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic,
    };

    fn response(leader: i32, epoch: i32, topic_error: i16) -> MetadataResponse {
        MetadataResponse {
            brokers: vec![MetadataResponseBroker {
                node_id: 1,
                host: "h".into(),
                port: 9092,
                ..Default::default()
            }],
            controller_id: 1,
            topics: vec![MetadataResponseTopic {
                error_code: topic_error,
                name: Some("t".into()),
                topic_id: Uuid::from_halves(1, 2),
                partitions: vec![
                    MetadataResponsePartition {
                        partition_index: 1,
                        leader_id: leader,
                        leader_epoch: epoch,
                        ..Default::default()
                    },
                    MetadataResponsePartition {
                        partition_index: 0,
                        leader_id: 1,
                        leader_epoch: epoch,
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn merge_indexes_partitions_and_keeps_newer_epochs() {
        let m = ClusterMetadata::default().merge(&response(1, 5, 0), false);
        let t = m.topic("t").unwrap();
        assert_eq!(t.partitions.len(), 2);
        assert_eq!(t.partition(1).unwrap().leader, 1);
        assert_eq!(m.leader("t", 0).unwrap().address(), "h:9092");
        assert_eq!(m.topic_by_id(Uuid::from_halves(1, 2)).unwrap().name, "t");
        // A broker that is behind reports an older epoch: the cached leader stays.
        let stale = m.merge(&response(2, 4, 0), false);
        assert_eq!(stale.topic("t").unwrap().partition(1).unwrap().leader, 1);
        // A newer epoch wins.
        let newer = m.merge(&response(-1, 6, 0), false);
        assert_eq!(newer.topic("t").unwrap().partition(1).unwrap().leader, -1);
        assert_eq!(newer.topic("t").unwrap().available_partitions(), vec![0]);
    }

    #[test]
    fn unknown_topic_has_no_partitions_and_full_refresh_drops_absent_topics() {
        let m = ClusterMetadata::default().merge(&response(1, 0, 3), false);
        let t = m.topic("t").unwrap();
        assert_eq!(t.error, KafkaCode::UNKNOWN_TOPIC_OR_PARTITION);
        assert!(t.partitions.is_empty());
        let mut empty = response(1, 0, 0);
        empty.topics.clear();
        assert!(m.merge(&empty, false).topic("t").is_some());
        assert!(m.merge(&empty, true).topic("t").is_none());
    }
}
