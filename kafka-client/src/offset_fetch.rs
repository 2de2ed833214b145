//! OffsetFetch (API key 9) as the consumer (`committed`) and the admin client
//! (`list_group_offsets`) both send it: one place that shapes the request for the negotiated
//! version and reads either response shape into one result.
//!
//! Version 8 moved the request and the response from one top-level group (`group_id`, `topics`,
//! `error_code`) into a `groups` array; the old fields are absent from v8 on and the array is
//! absent before. Keeping both shapes here means a caller cannot fill the half of the message its
//! version does not carry, which the encoder would reject or, for the ignorable fields, drop
//! without a word.

use std::collections::BTreeMap;

use kafka_protocol::messages::offset_fetch_request::{
    OffsetFetchRequest, OffsetFetchRequestGroup, OffsetFetchRequestTopic, OffsetFetchRequestTopics,
};
use kafka_protocol::messages::offset_fetch_response::OffsetFetchResponse;

use crate::consumer::TopicPartition;
use crate::error::KafkaCode;

/// The newest version this module speaks: v10 names topics by id only, and both callers know
/// topics by name.
pub(crate) const MAX_VERSION: i16 = 9;

/// The first version with the `groups` array instead of the top-level group.
const GROUPS_VERSION: i16 = 8;
/// The first version carrying `require_stable`.
const STABLE_VERSION: i16 = 7;
/// The first version carrying the member id and epoch (KIP-848).
const MEMBER_VERSION: i16 = 9;

const COORDINATOR_LOAD_IN_PROGRESS: i16 = 14;
const COORDINATOR_NOT_AVAILABLE: i16 = 15;
const NOT_COORDINATOR: i16 = 16;
const UNKNOWN_MEMBER_ID: i16 = 25;
const STALE_MEMBER_EPOCH: i16 = 113;

/// The KIP-848 member an OffsetFetch speaks for: the coordinator of a `consumer` group checks
/// that the id is a member's and the epoch its current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member<'a> {
    /// The member id.
    pub(crate) id: &'a str,
    /// The member epoch the coordinator last gave the member.
    pub(crate) epoch: i32,
}

/// What the consumer does after a group-level error in an OffsetFetch answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupErrorAction {
    /// Send the fetch again after the backoff, naming the member as it is then.
    Retry,
    /// Find the coordinator again, then send the fetch again after the backoff.
    RetryWithNewCoordinator,
    /// The error is the outcome.
    Fail,
}

/// The consumer's reaction to group-level error `code` of an OffsetFetch (Java's
/// `CommitRequestManager`), where `still_member` says whether the consumer is a KIP-848 member
/// with an epoch when the answer arrives.
///
/// `STALE_MEMBER_EPOCH` only means the coordinator moved the member to a newer epoch than the
/// request named; a member that is still in the group learns the new epoch from its next
/// heartbeat, so the fetch is retried and names it then. A consumer that has meanwhile left or
/// been fenced has no epoch to retry with, and `UNKNOWN_MEMBER_ID` says the coordinator has
/// dropped the member: both fail rather than read offsets on behalf of a membership that is
/// gone. `COORDINATOR_LOAD_IN_PROGRESS` is retried at the same coordinator (it is the right one,
/// still loading); only `NOT_COORDINATOR` and `COORDINATOR_NOT_AVAILABLE` send the consumer
/// looking for another.
pub(crate) fn consumer_group_error_action(code: i16, still_member: bool) -> GroupErrorAction {
    match code {
        STALE_MEMBER_EPOCH if still_member => GroupErrorAction::Retry,
        STALE_MEMBER_EPOCH | UNKNOWN_MEMBER_ID => GroupErrorAction::Fail,
        NOT_COORDINATOR | COORDINATOR_NOT_AVAILABLE => GroupErrorAction::RetryWithNewCoordinator,
        COORDINATOR_LOAD_IN_PROGRESS => GroupErrorAction::Retry,
        c if KafkaCode(c).is_retriable() => GroupErrorAction::Retry,
        _ => GroupErrorAction::Fail,
    }
}

/// What went wrong reading an OffsetFetch answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum OffsetFetchError {
    /// A v8+ response without an entry for the group the request named.
    #[error("OffsetFetch response lacks group {0:?}")]
    MissingGroup(String),
}

/// One partition's committed offset as the broker reported it, whichever shape it used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FetchedOffset {
    /// The partition.
    pub(crate) partition: TopicPartition,
    /// The committed offset; negative (-1) when the group has none for the partition.
    pub(crate) offset: i64,
    /// The leader epoch committed with it; -1 when unknown (and always before v5).
    pub(crate) leader_epoch: i32,
    /// The metadata committed with it; empty when the broker sent null.
    pub(crate) metadata: String,
    /// The partition's error code; 0 means none.
    pub(crate) error_code: i16,
}

/// One group's answer to an OffsetFetch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct GroupOffsets {
    /// The group-level error code (the top-level one before v8, the group's own from v8); 0
    /// means none. Before v2 there is none, and the broker reports group errors per partition.
    pub(crate) error_code: i16,
    /// The partitions in the broker's order.
    pub(crate) partitions: Vec<FetchedOffset>,
}

/// The OffsetFetch for `group_id` at `version`: of `partitions`, or of every partition the group
/// has committed for when `None` (null topics, v2+).
///
/// `require_stable` (v7+) asks the broker to answer `UNSTABLE_OFFSET_COMMIT` for partitions with a
/// pending transactional commit instead of the last stable offset. A broker too old for it (below
/// v7) cannot be asked, so the flag is dropped with a warning, as Java's client does: the fetch
/// still answers, only without the pending-commit check.
///
/// `version` must be at most [`MAX_VERSION`] (callers cap the negotiation there): from v10 the
/// topic names this fills in are not on the wire, and the encoder drops them without an error.
///
/// The request names no member (null id, epoch -1), which the coordinator takes as "no member
/// check": what the admin client and the classic consumer send.
pub(crate) fn request(
    version: i16,
    group_id: &str,
    partitions: Option<&[TopicPartition]>,
    require_stable: bool,
) -> OffsetFetchRequest {
    request_as(version, group_id, partitions, require_stable, None)
}

/// [`request`] on behalf of `member`, a KIP-848 member with an epoch, as Java's consumer sends it
/// for `group.protocol=consumer`: from v9 the coordinator then answers `UNKNOWN_MEMBER_ID` or
/// `STALE_MEMBER_EPOCH` instead of offsets when the membership is gone or has moved on. Before
/// v9 there is nowhere to put the member and the fetch goes unchecked, as those versions always
/// did.
pub(crate) fn request_as(
    version: i16,
    group_id: &str,
    partitions: Option<&[TopicPartition]>,
    require_stable: bool,
    member: Option<Member<'_>>,
) -> OffsetFetchRequest {
    let topics = partitions.map(by_topic);
    let require_stable = if require_stable && version < STABLE_VERSION {
        tracing::warn!(
            group_id,
            version,
            "the broker's OffsetFetch predates require_stable (v7); fetching without it"
        );
        false
    } else {
        require_stable
    };
    if version >= GROUPS_VERSION {
        OffsetFetchRequest {
            groups: vec![OffsetFetchRequestGroup {
                group_id: group_id.to_owned(),
                // Null member and epoch -1 is the broker's "no member check" (the admin client's
                // and the classic consumer's fetch), the same as the versions without them.
                member_id: member
                    .filter(|_| version >= MEMBER_VERSION)
                    .map(|m| m.id.to_owned()),
                member_epoch: member
                    .filter(|_| version >= MEMBER_VERSION)
                    .map_or(-1, |m| m.epoch),
                topics: topics.map(|ts| {
                    ts.into_iter()
                        .map(|(name, partition_indexes)| OffsetFetchRequestTopics {
                            name: name.to_owned(),
                            partition_indexes,
                            ..Default::default()
                        })
                        .collect()
                }),
                ..Default::default()
            }],
            require_stable,
            ..Default::default()
        }
    } else {
        OffsetFetchRequest {
            group_id: group_id.to_owned(),
            topics: topics.map(|ts| {
                ts.into_iter()
                    .map(|(name, partition_indexes)| OffsetFetchRequestTopic {
                        name: name.to_owned(),
                        partition_indexes,
                        ..Default::default()
                    })
                    .collect()
            }),
            require_stable,
            ..Default::default()
        }
    }
}

/// The group-level error code for `group_id` in a response of either shape, for a retry decision
/// made before the response is read (the coordinator moved or is loading). A v8+ response
/// without the group gives the (absent, so 0) top-level code; [`read_response`] then reports the
/// group missing.
pub(crate) fn group_error_code(group_id: &str, resp: &OffsetFetchResponse) -> i16 {
    resp.groups
        .iter()
        .find(|g| g.group_id == group_id)
        .map_or(resp.error_code, |g| g.error_code)
}

/// The per-partition answers of either response shape: v8+ and older versions name their topic
/// and partition structs differently but give them the same fields.
macro_rules! fetched_offsets {
    ($topics:expr) => {
        $topics
            .into_iter()
            .flat_map(|t| {
                let name = t.name;
                t.partitions.into_iter().map(move |p| FetchedOffset {
                    partition: TopicPartition::new(name.clone(), p.partition_index),
                    offset: p.committed_offset,
                    leader_epoch: p.committed_leader_epoch,
                    metadata: p.metadata.unwrap_or_default(),
                    error_code: p.error_code,
                })
            })
            .collect()
    };
}

/// Reads the answer for `group_id` out of a response decoded at `version`.
pub(crate) fn read_response(
    version: i16,
    group_id: &str,
    resp: OffsetFetchResponse,
) -> Result<GroupOffsets, OffsetFetchError> {
    if version >= GROUPS_VERSION {
        let g = resp
            .groups
            .into_iter()
            .find(|g| g.group_id == group_id)
            .ok_or_else(|| OffsetFetchError::MissingGroup(group_id.to_owned()))?;
        Ok(GroupOffsets {
            error_code: g.error_code,
            partitions: fetched_offsets!(g.topics),
        })
    } else {
        Ok(GroupOffsets {
            error_code: resp.error_code,
            partitions: fetched_offsets!(resp.topics),
        })
    }
}

/// Partition indexes per topic, topics in name order (the order the callers always sent).
fn by_topic(partitions: &[TopicPartition]) -> BTreeMap<&str, Vec<i32>> {
    let mut m: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for tp in partitions {
        m.entry(tp.topic.as_str()).or_default().push(tp.partition);
    }
    m
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;
    use kafka_protocol::Message;
    use kafka_protocol::messages::offset_fetch_response::{
        OffsetFetchResponseGroup, OffsetFetchResponsePartition, OffsetFetchResponsePartitions,
        OffsetFetchResponseTopic, OffsetFetchResponseTopics,
    };

    use super::*;

    fn tps() -> Vec<TopicPartition> {
        vec![
            TopicPartition::new("orders", 1),
            TopicPartition::new("audit", 0),
            TopicPartition::new("orders", 0),
        ]
    }

    /// Encodes at `version` and decodes the bytes back, so the test sees what goes on the wire.
    fn round_trip<M: Message>(m: &M, version: i16) -> M {
        let mut buf = BytesMut::new();
        m.encode(&mut buf, version)
            .unwrap_or_else(|e| panic!("{} v{version}: {e}", M::NAME));
        M::decode_exact(buf.freeze(), version)
            .unwrap_or_else(|e| panic!("{} v{version}: {e}", M::NAME))
    }

    #[test]
    fn old_shape_up_to_v7_names_the_group_at_the_top() {
        for v in 0..=7 {
            // require_stable exists from v7 only (below, request() drops it).
            let stable = v >= 7;
            let req = request(v, "billing", Some(&tps()), stable);
            assert!(req.groups.is_empty(), "v{v} filled groups");
            let wire = round_trip(&req, v);
            assert_eq!(wire.group_id, "billing", "v{v}");
            let topics = wire.topics.expect("named partitions are not null");
            let got: Vec<(&str, &[i32])> = topics
                .iter()
                .map(|t| (t.name.as_str(), t.partition_indexes.as_slice()))
                .collect();
            assert_eq!(got, [("audit", &[0][..]), ("orders", &[1, 0][..])], "v{v}");
            assert_eq!(wire.require_stable, stable, "v{v}");
            assert!(wire.groups.is_empty(), "v{v}");
        }
    }

    #[test]
    fn require_stable_below_v7_is_dropped_not_an_encode_error() {
        // Java's OffsetFetchRequest.Builder drops the flag (with a warning) on brokers that
        // predate it; the consumer's committed() must still work there.
        for v in 1..7 {
            let req = request(v, "billing", Some(&tps()), true);
            let wire = round_trip(&req, v);
            assert!(!wire.require_stable, "v{v}");
            assert_eq!(wire.group_id, "billing", "v{v}");
        }
    }

    #[test]
    fn groups_shape_from_v8_leaves_the_top_level_group_empty() {
        for v in 8..=MAX_VERSION {
            for stable in [false, true] {
                let req = request(v, "billing", Some(&tps()), stable);
                assert_eq!(req.group_id, "", "v{v} used the top-level group_id");
                assert_eq!(
                    req.topics,
                    Some(Vec::new()),
                    "v{v} used the top-level topics"
                );
                let wire = round_trip(&req, v);
                assert_eq!(wire.require_stable, stable, "v{v}");
                let [g] = wire.groups.as_slice() else {
                    panic!("v{v}: {:?}", wire.groups)
                };
                assert_eq!(g.group_id, "billing", "v{v}");
                assert_eq!(g.member_id, None, "v{v}");
                assert_eq!(g.member_epoch, -1, "v{v}");
                let topics = g.topics.as_ref().expect("named partitions are not null");
                let got: Vec<(&str, &[i32])> = topics
                    .iter()
                    .map(|t| (t.name.as_str(), t.partition_indexes.as_slice()))
                    .collect();
                assert_eq!(got, [("audit", &[0][..]), ("orders", &[1, 0][..])], "v{v}");
            }
        }
    }

    #[test]
    fn a_kip848_member_is_named_from_v9_and_dropped_before() {
        let member = Member {
            id: "member-7",
            epoch: 12,
        };
        for v in 0..=MAX_VERSION {
            let wire = round_trip(
                &request_as(v, "billing", Some(&tps()), v >= 7, Some(member)),
                v,
            );
            if v < GROUPS_VERSION {
                assert_eq!(wire.group_id, "billing", "v{v}");
                continue;
            }
            let [g] = wire.groups.as_slice() else {
                panic!("v{v}: {:?}", wire.groups)
            };
            if v >= MEMBER_VERSION {
                assert_eq!(
                    (g.member_id.as_deref(), g.member_epoch),
                    (Some("member-7"), 12),
                    "v{v}"
                );
            } else {
                // v8 has no member fields: the fetch goes unchecked, as it always did there.
                assert_eq!((g.member_id.as_deref(), g.member_epoch), (None, -1), "v{v}");
            }
        }
    }

    #[test]
    fn group_errors_are_retried_or_final_as_in_javas_consumer() {
        use GroupErrorAction::{Fail, Retry, RetryWithNewCoordinator};
        let cases = [
            // STALE_MEMBER_EPOCH: the member's next heartbeat brings the epoch to retry with;
            // without a membership there is none.
            (113, true, Retry),
            (113, false, Fail),
            // UNKNOWN_MEMBER_ID: the coordinator dropped the member.
            (25, true, Fail),
            (25, false, Fail),
            // COORDINATOR_LOAD_IN_PROGRESS: the right coordinator, still loading.
            (14, true, Retry),
            (14, false, Retry),
            // COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR: look for the coordinator again.
            (15, false, RetryWithNewCoordinator),
            (16, true, RetryWithNewCoordinator),
            // Other retriable codes (REQUEST_TIMED_OUT) are retried where they were sent.
            (7, false, Retry),
            // GROUP_AUTHORIZATION_FAILED, GROUP_ID_NOT_FOUND, FENCED_MEMBER_EPOCH and unknown
            // codes are final.
            (30, true, Fail),
            (69, false, Fail),
            (110, true, Fail),
            (-7, false, Fail),
        ];
        for (code, still_member, want) in cases {
            assert_eq!(
                consumer_group_error_action(code, still_member),
                want,
                "code {code}, still a member: {still_member}"
            );
        }
    }

    #[test]
    fn all_partitions_is_null_topics_in_both_shapes() {
        for v in 2..=MAX_VERSION {
            let wire = round_trip(&request(v, "billing", None, false), v);
            if v >= 8 {
                assert_eq!(wire.groups[0].topics, None, "v{v}");
            } else {
                assert_eq!(wire.topics, None, "v{v}");
            }
        }
    }

    fn v7_response(group_code: i16) -> OffsetFetchResponse {
        OffsetFetchResponse {
            error_code: group_code,
            topics: vec![
                OffsetFetchResponseTopic {
                    name: "audit".into(),
                    partitions: vec![OffsetFetchResponsePartition {
                        partition_index: 0,
                        committed_offset: -1,
                        committed_leader_epoch: -1,
                        metadata: None,
                        error_code: 0,
                        ..Default::default()
                    }],
                    ..Default::default()
                },
                OffsetFetchResponseTopic {
                    name: "orders".into(),
                    partitions: vec![
                        OffsetFetchResponsePartition {
                            partition_index: 1,
                            committed_offset: 42,
                            committed_leader_epoch: 3,
                            metadata: Some("m".into()),
                            error_code: 0,
                            ..Default::default()
                        },
                        OffsetFetchResponsePartition {
                            partition_index: 0,
                            committed_offset: -1,
                            committed_leader_epoch: -1,
                            metadata: Some(String::new()),
                            error_code: 88,
                            ..Default::default()
                        },
                    ],
                    ..Default::default()
                },
            ],
            ..Default::default()
        }
    }

    /// The same answer as [`v7_response`], in the v8 shape, next to another group's.
    fn v8_response(group_code: i16) -> OffsetFetchResponse {
        let other = OffsetFetchResponseGroup {
            group_id: "other".into(),
            error_code: 16,
            ..Default::default()
        };
        let ours = OffsetFetchResponseGroup {
            group_id: "billing".into(),
            error_code: group_code,
            topics: v7_response(0)
                .topics
                .into_iter()
                .map(|t| OffsetFetchResponseTopics {
                    name: t.name,
                    partitions: t
                        .partitions
                        .into_iter()
                        .map(|p| OffsetFetchResponsePartitions {
                            partition_index: p.partition_index,
                            committed_offset: p.committed_offset,
                            committed_leader_epoch: p.committed_leader_epoch,
                            metadata: p.metadata,
                            error_code: p.error_code,
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        OffsetFetchResponse {
            groups: vec![other, ours],
            ..Default::default()
        }
    }

    #[test]
    fn both_response_shapes_read_the_same() {
        for code in [0, 14] {
            let old = read_response(7, "billing", round_trip(&v7_response(code), 7)).unwrap();
            for v in 8..=MAX_VERSION {
                let new = read_response(v, "billing", round_trip(&v8_response(code), v)).unwrap();
                assert_eq!(old, new, "v{v}, group code {code}");
            }
            assert_eq!(old.error_code, code);
            assert_eq!(
                old.partitions,
                [
                    FetchedOffset {
                        partition: TopicPartition::new("audit", 0),
                        offset: -1,
                        leader_epoch: -1,
                        metadata: String::new(),
                        error_code: 0,
                    },
                    FetchedOffset {
                        partition: TopicPartition::new("orders", 1),
                        offset: 42,
                        leader_epoch: 3,
                        metadata: "m".into(),
                        error_code: 0,
                    },
                    FetchedOffset {
                        partition: TopicPartition::new("orders", 0),
                        offset: -1,
                        leader_epoch: -1,
                        metadata: String::new(),
                        error_code: 88,
                    },
                ]
            );
        }
    }

    #[test]
    fn group_error_code_is_found_in_either_shape() {
        assert_eq!(group_error_code("billing", &v7_response(15)), 15);
        // Another group's error, listed first, is not ours.
        assert_eq!(group_error_code("billing", &v8_response(15)), 15);
        assert_eq!(group_error_code("billing", &v8_response(0)), 0);
    }

    #[test]
    fn old_versions_without_epoch_read_it_as_unknown() {
        // Before v5 the epoch is not on the wire: it must come back as -1, not as what was sent.
        let got = read_response(4, "billing", round_trip(&v7_response(0), 4)).unwrap();
        assert!(got.partitions.iter().all(|p| p.leader_epoch == -1));
        assert_eq!(got.partitions[1].offset, 42);
    }

    #[test]
    fn a_v8_response_without_the_group_is_an_error() {
        let mut resp = v8_response(0);
        resp.groups.remove(1);
        assert_eq!(
            read_response(8, "billing", resp),
            Err(OffsetFetchError::MissingGroup("billing".into()))
        );
        assert_eq!(
            read_response(8, "billing", OffsetFetchResponse::default()),
            Err(OffsetFetchError::MissingGroup("billing".into()))
        );
    }
}
