//! Consumer groups: list (every broker), describe (ConsumerGroupDescribe for KIP-848 groups,
//! DescribeGroups for classic ones), delete, and their committed offsets (fetch, alter,
//! delete) — each group's requests going to its coordinator.

use std::collections::BTreeMap;

use kafka_protocol::messages::leave_group_request::MemberIdentity;
use kafka_protocol::messages::offset_commit_request::{
    OffsetCommitRequestPartition, OffsetCommitRequestTopic,
};
use kafka_protocol::messages::offset_delete_request::{
    OffsetDeleteRequestPartition, OffsetDeleteRequestTopic,
};
use kafka_protocol::messages::{
    ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse, DeleteGroupsRequest,
    DescribeGroupsRequest, DescribeGroupsResponse, LeaveGroupRequest, ListGroupsRequest,
    OffsetCommitRequest, OffsetDeleteRequest,
};

use kafka_protocol::Message;

use super::coordinator::{group_resource, is_coordinator_retry};
use super::{Admin, missing, resource_result};
use crate::consumer::group::consumer_protocol::{Assignment, PROTOCOL_TYPE, Subscription};
use crate::consumer::{OffsetAndMetadata, TopicPartition};
use crate::error::{Error, KafkaCode, Result};
use crate::offset_fetch;

/// `GROUP_ID_NOT_FOUND`: also what ConsumerGroupDescribe answers for a classic group.
const GROUP_ID_NOT_FOUND: i16 = 69;
/// OffsetCommit v10 names topics by id only; v9 still by name. (OffsetFetch has the same cap,
/// `offset_fetch::MAX_VERSION`.)
const MAX_BY_NAME_VERSION: i16 = 9;

/// A group as ListGroups reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupListing {
    /// The group id.
    pub group_id: String,
    /// The protocol type (`consumer` for consumer groups, empty for some non-consumer groups).
    pub protocol_type: String,
    /// The state (`Stable`, `Empty`, ...), from brokers that report it (ListGroups v4+).
    pub state: Option<String>,
    /// The type (`classic`, `consumer`, `share`, `streams`), from ListGroups v5+.
    pub group_type: Option<String>,
    /// The broker that coordinates it.
    pub coordinator: i32,
}

/// Which rebalance protocol a described group uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupType {
    /// The classic protocol (JoinGroup/SyncGroup), described with DescribeGroups.
    Classic,
    /// The KIP-848 consumer protocol, described with ConsumerGroupDescribe.
    Consumer,
}

/// One member of a described group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberDescription {
    /// The member id.
    pub member_id: String,
    /// `group.instance.id` for static members.
    pub group_instance_id: Option<String>,
    /// The member's `client.id`.
    pub client_id: String,
    /// The host it connects from.
    pub client_host: String,
    /// The topics it subscribes to (from its subscription for classic consumer groups).
    pub subscribed_topics: Vec<String>,
    /// The partitions assigned to it.
    pub assignment: Vec<TopicPartition>,
    /// The partitions it is being moved to (KIP-848 groups only).
    pub target_assignment: Option<Vec<TopicPartition>>,
    /// Its member epoch (KIP-848 groups only).
    pub member_epoch: Option<i32>,
}

/// A described group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDescription {
    /// The group id.
    pub group_id: String,
    /// Which protocol the group uses.
    pub group_type: GroupType,
    /// The state as the coordinator names it (`Stable`, `Empty`, `PreparingRebalance`, `Dead`, ...).
    pub state: String,
    /// The protocol type (`consumer`), for classic groups.
    pub protocol_type: String,
    /// The partition assignor in use (`range`, `cooperative-sticky`, `uniform`, ...).
    pub assignor: String,
    /// The group epoch (KIP-848 groups only).
    pub group_epoch: Option<i32>,
    /// The coordinator's broker id.
    pub coordinator: i32,
    /// The members.
    pub members: Vec<MemberDescription>,
}

/// A member to remove from a classic group (Java's `MemberToRemove`): a static member by its
/// `group.instance.id`, or a dynamic one by member id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberToRemove {
    /// The member id (empty for a static member named by instance id).
    pub member_id: String,
    /// The static member's `group.instance.id`.
    pub group_instance_id: Option<String>,
}

impl MemberToRemove {
    /// The dynamic member `member_id` (as [`describe_groups`](Admin::describe_groups) lists it).
    pub fn member(member_id: impl Into<String>) -> Self {
        MemberToRemove {
            member_id: member_id.into(),
            group_instance_id: None,
        }
    }

    /// The static member with `group.instance.id` `instance_id`.
    pub fn instance(instance_id: impl Into<String>) -> Self {
        MemberToRemove {
            member_id: String::new(),
            group_instance_id: Some(instance_id.into()),
        }
    }
}

fn partition_resource(tp: &TopicPartition) -> String {
    format!("partition {tp}")
}

/// Groups `partitions` by topic, in topic order.
fn by_topic(partitions: &[TopicPartition]) -> BTreeMap<&str, Vec<i32>> {
    let mut m: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for tp in partitions {
        m.entry(tp.topic.as_str()).or_default().push(tp.partition);
    }
    m
}

impl Admin {
    /// Lists the groups of every broker, optionally only those in one of `states` (`Stable`,
    /// `Empty`, ...; ListGroups v4+) or of one of `types` (`classic`, `consumer`; v5+). An empty
    /// filter matches everything.
    ///
    /// A filter the brokers cannot apply is [`Error::UnsupportedApi`], not silently ignored.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// for g in admin.list_groups(&["Stable"], &[]).await? {
    ///     println!("{} ({:?}) on broker {}", g.group_id, g.group_type, g.coordinator);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn list_groups(&self, states: &[&str], types: &[&str]) -> Result<Vec<GroupListing>> {
        let snapshot = self.cluster.fetch_metadata(Some(&[])).await?;
        let mut brokers: Vec<i32> = snapshot.brokers.keys().copied().collect();
        brokers.sort_unstable();
        let deadline = self.deadline();
        let mut out = Vec::new();
        for id in brokers {
            let mut attempt = 0;
            loop {
                let outcome = async {
                    let conn = self.cluster.broker(id).await?;
                    let v = conn.version_for::<ListGroupsRequest>()?;
                    if (!states.is_empty() && v < 4) || (!types.is_empty() && v < 5) {
                        return Err(Error::UnsupportedApi {
                            broker: conn.broker().to_owned(),
                            api: "ListGroups with a state (v4) or type (v5) filter",
                        });
                    }
                    let req = ListGroupsRequest {
                        states_filter: states.iter().map(|s| (*s).to_owned()).collect(),
                        types_filter: types.iter().map(|s| (*s).to_owned()).collect(),
                        ..Default::default()
                    };
                    let resp = conn.send_version(&req, v).await?;
                    resource_result(|| format!("groups of broker {id}"), resp.error_code, None)?;
                    Ok((v, resp.groups))
                }
                .await;
                match outcome {
                    Ok((v, groups)) => {
                        out.extend(groups.into_iter().map(|g| GroupListing {
                            group_id: g.group_id,
                            protocol_type: g.protocol_type,
                            state: (v >= 4).then_some(g.group_state),
                            group_type: (v >= 5).then_some(g.group_type),
                            coordinator: id,
                        }));
                        break;
                    }
                    Err(e) if e.is_retriable() && self.backoff(attempt, deadline).await => {
                        attempt += 1;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        out.sort_by(|a, b| a.group_id.cmp(&b.group_id));
        Ok(out)
    }

    /// Describes groups: members, their assignments and the group's state; the description or
    /// the error of each group.
    ///
    /// KIP-848 groups are described with ConsumerGroupDescribe; groups it does not know as
    /// consumer groups (classic ones) with DescribeGroups, as Java's admin does. A group that
    /// does not exist is `GROUP_ID_NOT_FOUND` on brokers that say so (DescribeGroups v6+),
    /// else a group in state `Dead` with no members.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// let mut groups = admin.describe_groups(&["billing"]).await?;
    /// let g = groups.remove("billing").unwrap()?;
    /// for m in &g.members {
    ///     println!("{} owns {:?}", m.member_id, m.assignment);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn describe_groups(
        &self,
        groups: &[&str],
    ) -> Result<BTreeMap<String, Result<GroupDescription>>> {
        let mut out = BTreeMap::new();
        for g in groups {
            let r = match self.describe_consumer_group(g).await {
                Ok(Some(d)) => Ok(d),
                Ok(None) => self.describe_classic_group(g).await,
                Err(e) => Err(e),
            };
            out.insert((*g).to_owned(), r);
        }
        Ok(out)
    }

    /// ConsumerGroupDescribe; `None` when the group is not a KIP-848 group here or the
    /// coordinator lacks the API.
    async fn describe_consumer_group(&self, group: &str) -> Result<Option<GroupDescription>> {
        let called = self
            .coordinator_call(
                group,
                ConsumerGroupDescribeRequest::MAX_VERSION,
                |_| ConsumerGroupDescribeRequest {
                    group_ids: vec![group.to_owned()],
                    include_authorized_operations: false,
                    ..Default::default()
                },
                |r: &ConsumerGroupDescribeResponse| r.groups.first().map_or(0, |g| g.error_code),
            )
            .await;
        let (coordinator, _, resp) = match called {
            Ok(r) => r,
            Err(Error::UnsupportedApi { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(d) = resp.groups.into_iter().find(|d| d.group_id == group) else {
            return Err(missing("ConsumerGroupDescribe", &group_resource(group)));
        };
        if d.error_code == GROUP_ID_NOT_FOUND || d.error_code == KafkaCode::UNSUPPORTED_VERSION.0 {
            return Ok(None);
        }
        resource_result(
            || group_resource(group),
            d.error_code,
            d.error_message.as_deref(),
        )?;
        let to_tps = |a: kafka_protocol::messages::consumer_group_describe_response::Assignment| {
            a.topic_partitions
                .into_iter()
                .flat_map(|t| {
                    let name = t.topic_name;
                    t.partitions
                        .into_iter()
                        .map(move |p| TopicPartition::new(name.clone(), p))
                })
                .collect::<Vec<_>>()
        };
        Ok(Some(GroupDescription {
            group_id: d.group_id,
            group_type: GroupType::Consumer,
            state: d.group_state,
            protocol_type: PROTOCOL_TYPE.to_owned(),
            assignor: d.assignor_name,
            group_epoch: Some(d.group_epoch),
            coordinator,
            members: d
                .members
                .into_iter()
                .map(|m| MemberDescription {
                    member_id: m.member_id,
                    group_instance_id: m.instance_id,
                    client_id: m.client_id,
                    client_host: m.client_host,
                    subscribed_topics: m.subscribed_topic_names,
                    assignment: to_tps(m.assignment),
                    target_assignment: Some(to_tps(m.target_assignment)),
                    member_epoch: Some(m.member_epoch),
                })
                .collect(),
        }))
    }

    /// Classic DescribeGroups, decoding consumer members' subscriptions and assignments.
    async fn describe_classic_group(&self, group: &str) -> Result<GroupDescription> {
        let (coordinator, _, resp) = self
            .coordinator_call(
                group,
                DescribeGroupsRequest::MAX_VERSION,
                |_| DescribeGroupsRequest {
                    groups: vec![group.to_owned()],
                    include_authorized_operations: false,
                    ..Default::default()
                },
                |r: &DescribeGroupsResponse| r.groups.first().map_or(0, |g| g.error_code),
            )
            .await?;
        let d = resp
            .groups
            .into_iter()
            .find(|d| d.group_id == group)
            .ok_or_else(|| missing("DescribeGroups", &group_resource(group)))?;
        resource_result(
            || group_resource(group),
            d.error_code,
            d.error_message.as_deref(),
        )?;
        let decode_err = |source| Error::Decode {
            broker: format!(
                "broker {coordinator} (member data of {})",
                group_resource(group)
            ),
            source,
        };
        let is_consumer = d.protocol_type == PROTOCOL_TYPE;
        let mut members = Vec::with_capacity(d.members.len());
        for m in d.members {
            let (subscribed_topics, assignment) = if is_consumer {
                let topics = if m.member_metadata.is_empty() {
                    Vec::new()
                } else {
                    Subscription::decode(m.member_metadata)
                        .map_err(decode_err)?
                        .topics
                };
                let assigned = Assignment::decode(m.member_assignment)
                    .map_err(decode_err)?
                    .partitions;
                (topics, assigned)
            } else {
                (Vec::new(), Vec::new())
            };
            members.push(MemberDescription {
                member_id: m.member_id,
                group_instance_id: m.group_instance_id,
                client_id: m.client_id,
                client_host: m.client_host,
                subscribed_topics,
                assignment,
                target_assignment: None,
                member_epoch: None,
            });
        }
        Ok(GroupDescription {
            group_id: d.group_id,
            group_type: GroupType::Classic,
            state: d.group_state,
            protocol_type: d.protocol_type,
            assignor: d.protocol_data,
            group_epoch: None,
            coordinator,
            members,
        })
    }

    /// Removes members from a classic group (LeaveGroup v3+ on their behalf, as Java's
    /// `removeMembersFromConsumerGroup`); the outcome of each member — `UNKNOWN_MEMBER_ID` for
    /// one the group does not have. A group-level error fails the call.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// use kafka_client::admin::MemberToRemove;
    /// let gone = admin.remove_group_members("billing", &[MemberToRemove::instance("billing-0")]).await?;
    /// for (member, outcome) in gone {
    ///     println!("{member:?}: {outcome:?}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn remove_group_members(
        &self,
        group: &str,
        members: &[MemberToRemove],
    ) -> Result<Vec<(MemberToRemove, Result<()>)>> {
        let (_, _, resp) = self
            .coordinator_call(
                group,
                LeaveGroupRequest::MAX_VERSION,
                |_| LeaveGroupRequest {
                    group_id: group.to_owned(),
                    members: members
                        .iter()
                        .map(|m| MemberIdentity {
                            member_id: m.member_id.clone(),
                            group_instance_id: m.group_instance_id.clone(),
                            reason: Some("removed by the admin client".into()),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                },
                |r| r.error_code,
            )
            .await?;
        resource_result(|| group_resource(group), resp.error_code, None)?;
        Ok(members
            .iter()
            .map(|m| {
                let answer = resp.members.iter().find(|x| match &m.group_instance_id {
                    Some(id) => x.group_instance_id.as_ref() == Some(id),
                    None => x.member_id == m.member_id,
                });
                let r = match answer {
                    Some(x) => resource_result(
                        || match &m.group_instance_id {
                            Some(id) => format!(
                                "member with instance id {id:?} of {}",
                                group_resource(group)
                            ),
                            None => {
                                format!("member {:?} of {}", m.member_id, group_resource(group))
                            }
                        },
                        x.error_code,
                        None,
                    ),
                    None => Err(missing("LeaveGroup", &format!("{m:?}"))),
                };
                (m.clone(), r)
            })
            .collect())
    }

    /// Deletes groups (which must have no members); the outcome of each group —
    /// `NON_EMPTY_GROUP` while members remain, `GROUP_ID_NOT_FOUND` for an unknown group.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// let done = admin.delete_groups(&["billing"]).await?;
    /// done["billing"].as_ref().map_err(|e| e.to_string()).unwrap();
    /// # Ok(())
    /// # }
    /// ```
    pub async fn delete_groups(&self, groups: &[&str]) -> Result<BTreeMap<String, Result<()>>> {
        let mut out = BTreeMap::new();
        for g in groups {
            let called = self
                .coordinator_call(
                    g,
                    DeleteGroupsRequest::MAX_VERSION,
                    |_| DeleteGroupsRequest {
                        groups_names: vec![(*g).to_owned()],
                        ..Default::default()
                    },
                    |r| r.results.first().map_or(0, |x| x.error_code),
                )
                .await;
            let r = called.and_then(|(_, _, resp)| {
                let x = resp
                    .results
                    .into_iter()
                    .find(|x| x.group_id == *g)
                    .ok_or_else(|| missing("DeleteGroups", &group_resource(g)))?;
                resource_result(
                    || group_resource(g),
                    x.error_code,
                    x.error_message.as_deref(),
                )
            });
            out.insert((*g).to_owned(), r);
        }
        Ok(out)
    }

    /// The committed offsets of `group` (OffsetFetch): of `partitions`, or of every partition
    /// it has committed for when `None`. Each partition maps to its offset, `None` when the
    /// group has none for it, or its error; a group-level error fails the call.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// for (tp, committed) in admin.list_group_offsets("billing", None).await? {
    ///     println!("{tp}: {:?}", committed?.map(|o| o.offset));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn list_group_offsets(
        &self,
        group: &str,
        partitions: Option<&[TopicPartition]>,
    ) -> Result<BTreeMap<TopicPartition, Result<Option<OffsetAndMetadata>>>> {
        let (_, v, resp) = self
            .coordinator_call(
                group,
                offset_fetch::MAX_VERSION,
                // Not require_stable: the admin reports what is committed now, as Java's
                // listConsumerGroupOffsets does by default.
                |v| offset_fetch::request(v, group, partitions, false),
                |r| offset_fetch::group_error_code(group, r),
            )
            .await?;
        let answer = offset_fetch::read_response(v, group, resp)
            .map_err(|_| missing("OffsetFetch", &group_resource(group)))?;
        resource_result(|| group_resource(group), answer.error_code, None)?;
        Ok(answer
            .partitions
            .into_iter()
            .map(|p| {
                let r = resource_result(|| partition_resource(&p.partition), p.error_code, None)
                    .map(|()| {
                        (p.offset >= 0).then_some(OffsetAndMetadata {
                            offset: p.offset,
                            leader_epoch: p.leader_epoch,
                            metadata: p.metadata,
                        })
                    });
                (p.partition, r)
            })
            .collect())
    }

    /// Sets `group`'s committed offsets (OffsetCommit as a non-member, as Java's
    /// `alterConsumerGroupOffsets`). The group must have no active members, else the partitions
    /// fail with `UNKNOWN_MEMBER_ID`; the outcome of each partition.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// use kafka_client::admin::{OffsetAndMetadata, TopicPartition};
    /// let tp = TopicPartition::new("orders", 0);
    /// admin.alter_group_offsets("billing", &[(tp, OffsetAndMetadata::new(42))]).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn alter_group_offsets(
        &self,
        group: &str,
        offsets: &[(TopicPartition, OffsetAndMetadata)],
    ) -> Result<BTreeMap<TopicPartition, Result<()>>> {
        let mut topics: BTreeMap<&str, Vec<OffsetCommitRequestPartition>> = BTreeMap::new();
        for (tp, o) in offsets {
            topics
                .entry(tp.topic.as_str())
                .or_default()
                .push(OffsetCommitRequestPartition {
                    partition_index: tp.partition,
                    committed_offset: o.offset,
                    committed_leader_epoch: o.leader_epoch,
                    commit_timestamp: -1,
                    committed_metadata: Some(o.metadata.clone()),
                    ..Default::default()
                });
        }
        let (_, _, resp) = self
            .coordinator_call(
                group,
                MAX_BY_NAME_VERSION,
                |_| OffsetCommitRequest {
                    group_id: group.to_owned(),
                    generation_id_or_member_epoch: -1,
                    member_id: String::new(),
                    group_instance_id: None,
                    retention_time_ms: -1,
                    topics: topics
                        .iter()
                        .map(|(name, ps)| OffsetCommitRequestTopic {
                            name: (*name).to_owned(),
                            partitions: ps.clone(),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                },
                // Coordinator errors come per partition here; one of them speaks for all.
                |r| {
                    r.topics
                        .iter()
                        .flat_map(|t| &t.partitions)
                        .map(|p| p.error_code)
                        .find(|&c| is_coordinator_retry(c))
                        .unwrap_or(0)
                },
            )
            .await?;
        let mut answered = BTreeMap::new();
        for t in resp.topics {
            for p in t.partitions {
                answered.insert(
                    TopicPartition::new(t.name.clone(), p.partition_index),
                    p.error_code,
                );
            }
        }
        Ok(offsets
            .iter()
            .map(|(tp, _)| {
                let r = match answered.get(tp) {
                    Some(&code) => resource_result(|| partition_resource(tp), code, None),
                    None => Err(missing("OffsetCommit", &partition_resource(tp))),
                };
                (tp.clone(), r)
            })
            .collect())
    }

    /// Deletes `group`'s committed offsets for `partitions` (OffsetDelete); the outcome of
    /// each partition — `GROUP_SUBSCRIBED_TO_TOPIC` while a member still subscribes to it.
    /// A group-level error (e.g. `GROUP_ID_NOT_FOUND`) fails the call.
    pub async fn delete_group_offsets(
        &self,
        group: &str,
        partitions: &[TopicPartition],
    ) -> Result<BTreeMap<TopicPartition, Result<()>>> {
        let topics = by_topic(partitions);
        let (_, _, resp) = self
            .coordinator_call(
                group,
                OffsetDeleteRequest::MAX_VERSION,
                |_| OffsetDeleteRequest {
                    group_id: group.to_owned(),
                    topics: topics
                        .iter()
                        .map(|(name, ps)| OffsetDeleteRequestTopic {
                            name: (*name).to_owned(),
                            partitions: ps
                                .iter()
                                .map(|&p| OffsetDeleteRequestPartition {
                                    partition_index: p,
                                    ..Default::default()
                                })
                                .collect(),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                },
                |r| r.error_code,
            )
            .await?;
        resource_result(|| group_resource(group), resp.error_code, None)?;
        let mut answered = BTreeMap::new();
        for t in resp.topics {
            for p in t.partitions {
                answered.insert(
                    TopicPartition::new(t.name.clone(), p.partition_index),
                    p.error_code,
                );
            }
        }
        Ok(partitions
            .iter()
            .map(|tp| {
                let r = match answered.get(tp) {
                    Some(&code) => resource_result(|| partition_resource(tp), code, None),
                    None => Err(missing("OffsetDelete", &partition_resource(tp))),
                };
                (tp.clone(), r)
            })
            .collect())
    }
}
