//! The admin client: topics, partitions, offsets — over the shared [`Cluster`] core.
//!
//! Like Java's `Admin`, a call with several resources fails with the first resource's error;
//! each error is typed and carries Kafka's error name and message.

use std::sync::Arc;
use std::time::Duration;

use kafka_protocol::Uuid;
use kafka_protocol::messages::create_topics_request::{CreatableTopic, CreatableTopicConfig};
use kafka_protocol::messages::delete_topics_request::DeleteTopicState;
use kafka_protocol::messages::list_offsets_request::{ListOffsetsPartition, ListOffsetsTopic};
use kafka_protocol::messages::{CreateTopicsRequest, DeleteTopicsRequest, ListOffsetsRequest};

use crate::cluster::Cluster;
use crate::config::AdminConfig;
use crate::error::{Error, KafkaCode, Result};
use crate::metadata::TopicMetadata;

/// A topic to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTopic {
    /// The name.
    pub name: String,
    /// Partitions, or -1 for the broker's `num.partitions`.
    pub num_partitions: i32,
    /// Replication factor, or -1 for the broker's `default.replication.factor`.
    pub replication_factor: i16,
    /// Topic configs (`cleanup.policy`, `retention.ms`, ...).
    pub configs: Vec<(String, String)>,
}

impl NewTopic {
    /// A topic with `partitions` partitions and the broker's default replication factor.
    pub fn new(name: impl Into<String>, partitions: i32) -> Self {
        NewTopic {
            name: name.into(),
            num_partitions: partitions,
            replication_factor: -1,
            configs: Vec::new(),
        }
    }

    /// Sets the replication factor.
    pub fn replication_factor(mut self, rf: i16) -> Self {
        self.replication_factor = rf;
        self
    }

    /// Adds a topic config.
    pub fn config(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.configs.push((key.into(), value.into()));
        self
    }
}

/// Which offset ListOffsets looks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetSpec {
    /// The log start offset.
    Earliest,
    /// The log end offset (high watermark).
    Latest,
    /// The first offset whose timestamp is at or after this one (ms).
    Timestamp(i64),
}

impl OffsetSpec {
    fn timestamp(self) -> i64 {
        match self {
            OffsetSpec::Earliest => -2,
            OffsetSpec::Latest => -1,
            OffsetSpec::Timestamp(t) => t,
        }
    }
}

/// An offset ListOffsets returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListedOffset {
    /// The partition.
    pub partition: i32,
    /// The offset (-1 when no record has a timestamp that late).
    pub offset: i64,
    /// The timestamp of the record at that offset (-1 for earliest/latest).
    pub timestamp: i64,
}

fn kafka_err(code: i16, message: Option<String>) -> Result<()> {
    if code == 0 {
        Ok(())
    } else {
        Err(Error::Kafka {
            code: KafkaCode(code),
            message: message.filter(|m| !m.is_empty()),
        })
    }
}

/// An admin client.
#[derive(Debug, Clone)]
pub struct Admin {
    cluster: Arc<Cluster>,
    timeout: Duration,
}

impl Admin {
    /// An admin client for `cfg` (connects lazily).
    pub fn new(cfg: AdminConfig) -> Result<Admin> {
        Ok(Admin {
            cluster: Cluster::new(cfg.common.clone(), false)?,
            timeout: cfg.default_api_timeout,
        })
    }

    /// The shared cluster core.
    pub fn cluster(&self) -> &Arc<Cluster> {
        &self.cluster
    }

    fn timeout_ms(&self) -> i32 {
        i32::try_from(self.timeout.as_millis()).unwrap_or(i32::MAX)
    }

    /// Creates topics; returns their ids.
    pub async fn create_topics(&self, topics: &[NewTopic]) -> Result<Vec<Uuid>> {
        let req = CreateTopicsRequest {
            topics: topics
                .iter()
                .map(|t| CreatableTopic {
                    name: t.name.clone(),
                    num_partitions: t.num_partitions,
                    replication_factor: t.replication_factor,
                    configs: t
                        .configs
                        .iter()
                        .map(|(k, v)| CreatableTopicConfig {
                            name: k.clone(),
                            value: Some(v.clone()),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                })
                .collect(),
            timeout_ms: self.timeout_ms(),
            validate_only: false,
            ..Default::default()
        };
        // KRaft brokers forward to the controller, so any broker will do.
        let resp = self.cluster.send_any(&req).await?;
        let mut ids = Vec::new();
        for t in &topics.iter().map(|t| &t.name).collect::<Vec<_>>() {
            let r = resp
                .topics
                .iter()
                .find(|r| &&r.name == t)
                .ok_or_else(|| Error::Protocol {
                    broker: "controller".into(),
                    reason: format!("CreateTopics response lacks topic {t}"),
                })?;
            kafka_err(r.error_code, r.error_message.clone())?;
            ids.push(r.topic_id);
        }
        Ok(ids)
    }

    /// Deletes topics by name.
    pub async fn delete_topics(&self, names: &[&str]) -> Result<()> {
        let req = DeleteTopicsRequest {
            topics: names
                .iter()
                .map(|n| DeleteTopicState {
                    name: Some((*n).to_owned()),
                    ..Default::default()
                })
                .collect(),
            topic_names: names.iter().map(|n| (*n).to_owned()).collect(),
            timeout_ms: self.timeout_ms(),
            ..Default::default()
        };
        let resp = self.cluster.send_any(&req).await?;
        for r in &resp.responses {
            kafka_err(r.error_code, r.error_message.clone())?;
        }
        Ok(())
    }

    /// Describes topics (partitions, leaders, replicas, ids) from fresh metadata.
    pub async fn describe_topics(&self, names: &[&str]) -> Result<Vec<TopicMetadata>> {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let snapshot = self.cluster.fetch_metadata(Some(&names)).await?;
        names
            .iter()
            .map(|n| {
                let t = snapshot.topic(n).ok_or_else(|| Error::UnknownTopic {
                    topic: n.clone(),
                    code: KafkaCode::UNKNOWN_TOPIC_OR_PARTITION,
                })?;
                if !t.error.is_ok() {
                    return Err(Error::UnknownTopic {
                        topic: n.clone(),
                        code: t.error,
                    });
                }
                Ok(t.clone())
            })
            .collect()
    }

    /// Offsets of `topic`'s partitions, each asked of its leader.
    pub async fn list_offsets(
        &self,
        topic: &str,
        partitions: &[(i32, OffsetSpec)],
    ) -> Result<Vec<ListedOffset>> {
        let meta = self.cluster.wait_for_topic(topic, self.timeout).await?;
        let mut by_leader: Vec<(i32, Vec<(i32, OffsetSpec)>)> = Vec::new();
        for &(p, spec) in partitions {
            let leader = meta
                .partition(p)
                .map(|pm| pm.leader)
                .filter(|&l| l >= 0)
                .ok_or_else(|| Error::kafka(KafkaCode::LEADER_NOT_AVAILABLE))?;
            match by_leader.iter_mut().find(|(l, _)| *l == leader) {
                Some((_, v)) => v.push((p, spec)),
                None => by_leader.push((leader, vec![(p, spec)])),
            }
        }
        let mut out = Vec::new();
        for (leader, parts) in by_leader {
            let req = ListOffsetsRequest {
                replica_id: -1,
                topics: vec![ListOffsetsTopic {
                    name: topic.to_owned(),
                    partitions: parts
                        .iter()
                        .map(|&(p, spec)| ListOffsetsPartition {
                            partition_index: p,
                            current_leader_epoch: -1,
                            timestamp: spec.timestamp(),
                            max_num_offsets: 1,
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                }],
                timeout_ms: self.timeout_ms(),
                ..Default::default()
            };
            let resp = self.cluster.send_to(leader, &req).await?;
            for t in resp.topics {
                for p in t.partitions {
                    kafka_err(p.error_code, None)?;
                    let offset = if p.offset == -1 && !p.old_style_offsets.is_empty() {
                        p.old_style_offsets[0]
                    } else {
                        p.offset
                    };
                    out.push(ListedOffset {
                        partition: p.partition_index,
                        offset,
                        timestamp: p.timestamp,
                    });
                }
            }
        }
        out.sort_by_key(|o| o.partition);
        Ok(out)
    }

    /// Closes the connections.
    pub async fn close(&self) {
        self.cluster.close(Duration::from_secs(1)).await;
    }
}
