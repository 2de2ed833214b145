//! Topics: list, create, delete, describe, add partitions, and wait for metadata to reach every
//! broker.

use std::collections::BTreeMap;
use std::time::Duration;

use kafka_protocol::Uuid;
use kafka_protocol::messages::create_partitions_request::{
    CreatePartitionsAssignment, CreatePartitionsTopic,
};
use kafka_protocol::messages::create_topics_request::{CreatableTopic, CreatableTopicConfig};
use kafka_protocol::messages::delete_topics_request::DeleteTopicState;
use kafka_protocol::messages::metadata_request::MetadataRequestTopic;
use kafka_protocol::messages::{
    CreatePartitionsRequest, CreateTopicsRequest, DeleteTopicsRequest, MetadataRequest,
    MetadataResponse,
};
use tokio::time::Instant;

use super::{Admin, missing, resource_result};
use crate::error::{Error, KafkaCode, Result};
use crate::metadata::TopicMetadata;

fn topic_resource(name: &str) -> String {
    format!("topic {name:?}")
}

/// A topic as [`Admin::list_topics`] reports it (Java's `TopicListing`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicListing {
    /// The name.
    pub name: String,
    /// The topic id (zero from brokers before 2.8).
    pub topic_id: Uuid,
    /// Whether it is an internal topic (`__consumer_offsets`, `__transaction_state`).
    pub is_internal: bool,
}

/// A topic to create.
///
/// ```
/// use kafka_client::admin::NewTopic;
/// let t = NewTopic::new("orders", 6).replication_factor(3).config("cleanup.policy", "compact");
/// assert_eq!(t.configs, vec![("cleanup.policy".to_owned(), "compact".to_owned())]);
/// ```
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

/// Partitions to add to an existing topic (Java's `NewPartitions`).
///
/// ```
/// use kafka_client::admin::NewPartitions;
/// // Grow "orders" to 12 partitions, letting the controller place the new replicas.
/// let grow = NewPartitions::increase_to("orders", 12);
/// assert_eq!(grow.total_count, 12);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPartitions {
    /// The topic.
    pub topic: String,
    /// The partition count after the change (not the number added).
    pub total_count: i32,
    /// Replica broker ids for each new partition, in partition order; `None` lets the
    /// controller choose.
    pub assignments: Option<Vec<Vec<i32>>>,
}

impl NewPartitions {
    /// Grows `topic` to `total_count` partitions.
    pub fn increase_to(topic: impl Into<String>, total_count: i32) -> Self {
        NewPartitions {
            topic: topic.into(),
            total_count,
            assignments: None,
        }
    }

    /// Places the new partitions' replicas on these brokers (one list per new partition).
    pub fn assignments(mut self, replicas: Vec<Vec<i32>>) -> Self {
        self.assignments = Some(replicas);
        self
    }
}

impl Admin {
    /// Creates topics; returns their ids, or the first topic's error.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// use kafka_client::admin::NewTopic;
    /// let ids = admin.create_topics(&[NewTopic::new("orders", 3)]).await?;
    /// assert_eq!(ids.len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_topics(&self, topics: &[NewTopic]) -> Result<Vec<Uuid>> {
        let mut each = self.create_topics_each(topics).await?;
        topics
            .iter()
            .map(|t| {
                each.remove(&t.name)
                    .unwrap_or_else(|| Err(missing("CreateTopics", &topic_resource(&t.name))))
            })
            .collect()
    }

    /// Creates topics; the id or the error of each, by name.
    pub async fn create_topics_each(
        &self,
        topics: &[NewTopic],
    ) -> Result<BTreeMap<String, Result<Uuid>>> {
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
        let mut out = BTreeMap::new();
        for t in topics {
            let r = match resp.topics.iter().find(|r| r.name == t.name) {
                Some(r) => resource_result(
                    || topic_resource(&t.name),
                    r.error_code,
                    r.error_message.as_deref(),
                )
                .map(|()| r.topic_id),
                None => Err(missing("CreateTopics", &topic_resource(&t.name))),
            };
            out.insert(t.name.clone(), r);
        }
        Ok(out)
    }

    /// Deletes topics by name; fails with the first topic's error.
    pub async fn delete_topics(&self, names: &[&str]) -> Result<()> {
        for r in self.delete_topics_each(names).await?.into_values() {
            r?;
        }
        Ok(())
    }

    /// Deletes topics by name; the outcome of each, by name.
    pub async fn delete_topics_each(&self, names: &[&str]) -> Result<BTreeMap<String, Result<()>>> {
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
        let mut out = BTreeMap::new();
        for n in names {
            let r = match resp
                .responses
                .iter()
                .find(|r| r.name.as_deref() == Some(*n))
            {
                Some(r) => resource_result(
                    || topic_resource(n),
                    r.error_code,
                    r.error_message.as_deref(),
                ),
                None => Err(missing("DeleteTopics", &topic_resource(n))),
            };
            out.insert((*n).to_owned(), r);
        }
        Ok(out)
    }

    /// The topics of the cluster, by name, from fresh metadata (Java's `listTopics`); internal
    /// topics only when `list_internal`.
    ///
    /// As in Java, a topic whose metadata carries an error (one still being created or deleted)
    /// is not listed.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// for t in admin.list_topics(false).await? {
    ///     println!("{} ({})", t.name, t.topic_id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn list_topics(&self, list_internal: bool) -> Result<Vec<TopicListing>> {
        let snapshot = self.cluster.fetch_metadata(None).await?;
        let mut topics: Vec<TopicListing> = snapshot
            .topics
            .values()
            .filter(|t| t.error.is_ok() && (list_internal || !t.is_internal))
            .map(|t| TopicListing {
                name: t.name.clone(),
                topic_id: t.topic_id,
                is_internal: t.is_internal,
            })
            .collect();
        topics.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(topics)
    }

    /// Describes topics (partitions, leaders, replicas, ids) from fresh metadata.
    ///
    /// A topic that does not exist fails the call with [`Error::UnknownTopic`] naming it.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// let topics = admin.describe_topics(&["orders"]).await?;
    /// println!("orders has {} partitions", topics[0].partitions.len());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn describe_topics(&self, names: &[&str]) -> Result<Vec<TopicMetadata>> {
        let mut each = self.describe_topics_each(names).await?;
        names
            .iter()
            .map(|n| {
                each.remove(*n)
                    .unwrap_or_else(|| Err(missing("Metadata", &topic_resource(n))))
            })
            .collect()
    }

    /// Describes topics from fresh metadata; the description or the error of each, by name
    /// ([`Error::UnknownTopic`] for one that does not exist).
    pub async fn describe_topics_each(
        &self,
        names: &[&str],
    ) -> Result<BTreeMap<String, Result<TopicMetadata>>> {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let snapshot = self.cluster.fetch_metadata(Some(&names)).await?;
        Ok(names
            .into_iter()
            .map(|n| {
                let r = match snapshot.topic(&n) {
                    Some(t) if t.error.is_ok() => Ok(t.clone()),
                    found => Err(Error::UnknownTopic {
                        topic: n.clone(),
                        code: found.map_or(KafkaCode::UNKNOWN_TOPIC_OR_PARTITION, |t| t.error),
                    }),
                };
                (n, r)
            })
            .collect())
    }

    /// Adds partitions to existing topics (CreatePartitions); the outcome of each, by topic.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// use kafka_client::admin::NewPartitions;
    /// let result = admin.create_partitions(&[NewPartitions::increase_to("orders", 12)]).await?;
    /// result["orders"].as_ref().map_err(|e| e.to_string()).unwrap();
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_partitions(
        &self,
        partitions: &[NewPartitions],
    ) -> Result<BTreeMap<String, Result<()>>> {
        let req = CreatePartitionsRequest {
            topics: partitions
                .iter()
                .map(|p| CreatePartitionsTopic {
                    name: p.topic.clone(),
                    count: p.total_count,
                    assignments: p.assignments.as_ref().map(|a| {
                        a.iter()
                            .map(|ids| CreatePartitionsAssignment {
                                broker_ids: ids.clone(),
                                ..Default::default()
                            })
                            .collect()
                    }),
                    ..Default::default()
                })
                .collect(),
            timeout_ms: self.timeout_ms(),
            validate_only: false,
            ..Default::default()
        };
        // Forwarded to the controller by whichever broker gets it.
        let resp = self.cluster.send_any(&req).await?;
        let mut out = BTreeMap::new();
        for p in partitions {
            let r = match resp.results.iter().find(|r| r.name == p.topic) {
                Some(r) => resource_result(
                    || topic_resource(&p.topic),
                    r.error_code,
                    r.error_message.as_deref(),
                ),
                None => Err(missing("CreatePartitions", &topic_resource(&p.topic))),
            };
            out.insert(p.topic.clone(), r);
        }
        Ok(out)
    }

    /// Waits until every broker's metadata shows each `(topic, partitions)` with at least that
    /// many partitions, each with a leader — what a test needs after creating a topic or adding
    /// partitions, since brokers learn of the change at their own pace.
    ///
    /// Ends in [`Error::Timeout`] naming the first topic some broker still lacked.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// use std::time::Duration;
    /// admin.wait_for_topics(&[("orders", 6)], Duration::from_secs(30)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_for_topics(&self, topics: &[(&str, i32)], timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        let names: Vec<String> = topics.iter().map(|(n, _)| (*n).to_owned()).collect();
        let req = MetadataRequest {
            topics: Some(
                names
                    .iter()
                    .map(|n| MetadataRequestTopic {
                        name: Some(n.clone()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            allow_auto_topic_creation: false,
            ..Default::default()
        };
        let mut attempt = 0;
        let mut lagging = String::from("no broker answered");
        loop {
            match self.cluster.fetch_metadata(Some(&names)).await {
                Ok(snapshot) => {
                    let mut ids: Vec<i32> = snapshot.brokers.keys().copied().collect();
                    ids.sort_unstable();
                    let mut all = !ids.is_empty();
                    for id in ids {
                        let seen = match self.cluster.send_to(id, &req).await {
                            Ok(resp) => first_lagging(&resp, topics),
                            Err(e) => Some(format!("broker {id}: {e}")),
                        };
                        if let Some(what) = seen {
                            lagging = format!("broker {id}: {what}");
                            all = false;
                            break;
                        }
                    }
                    if all {
                        return Ok(());
                    }
                }
                Err(e) if e.is_retriable() => lagging = e.to_string(),
                Err(e) => return Err(e),
            }
            if !self.backoff(attempt, deadline).await {
                return Err(Error::Timeout {
                    what: format!("topic metadata to propagate ({lagging})"),
                    after: timeout,
                });
            }
            attempt += 1;
        }
    }
}

/// The first of `topics` that `resp` does not yet show fully, described.
fn first_lagging(resp: &MetadataResponse, topics: &[(&str, i32)]) -> Option<String> {
    for (name, want) in topics {
        let Some(t) = resp
            .topics
            .iter()
            .find(|t| t.name.as_deref() == Some(*name))
        else {
            return Some(format!("topic {name:?} absent"));
        };
        if t.error_code != 0 {
            return Some(format!("topic {name:?}: {}", KafkaCode(t.error_code)));
        }
        let led = t.partitions.iter().filter(|p| p.leader_id >= 0).count();
        if t.partitions.len() < usize::try_from(*want).unwrap_or(0) || led < t.partitions.len() {
            return Some(format!(
                "topic {name:?} has {} partitions, {led} with a leader, want {want}",
                t.partitions.len()
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::messages::metadata_response::{
        MetadataResponsePartition, MetadataResponseTopic,
    };

    fn topic(name: &str, leaders: &[i32], error_code: i16) -> MetadataResponseTopic {
        MetadataResponseTopic {
            name: Some(name.into()),
            error_code,
            partitions: leaders
                .iter()
                .enumerate()
                .map(|(i, &leader_id)| MetadataResponsePartition {
                    partition_index: i32::try_from(i).unwrap(),
                    leader_id,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_topic_is_propagated_with_every_partition_led() {
        let resp = |topics| MetadataResponse {
            topics,
            ..Default::default()
        };
        let want = [("a", 2)];
        assert_eq!(
            first_lagging(&resp(vec![topic("a", &[1, 1], 0)]), &want),
            None
        );
        assert_eq!(
            first_lagging(&resp(vec![topic("a", &[1, 1, 1], 0)]), &want),
            None,
            "more than asked for is fine"
        );
        let lag = |topics| first_lagging(&resp(topics), &want).unwrap();
        assert!(lag(vec![]).contains("absent"));
        assert!(lag(vec![topic("a", &[1], 0)]).contains("has 1 partitions"));
        assert!(lag(vec![topic("a", &[1, -1], 0)]).contains("1 with a leader"));
        assert!(lag(vec![topic("a", &[], 3)]).contains("UNKNOWN_TOPIC_OR_PARTITION"));
    }
}
