//! The sticky assignor: balanced (member counts differ by at most one when subscriptions
//! allow), and moving as few partitions as it can from their current owners.
//!
//! In cooperative mode (`cooperative-sticky`, Java's `CooperativeStickyAssignor`) a partition
//! that changes owner is withheld for one round: its old owner sees it revoked, rejoins, and
//! the follow-up rebalance gives it to the new owner. So no partition is ever assigned to two
//! members at once. In eager mode (`sticky`) it is handed over directly.
//!
//! Ownership comes from the subscription's owned partitions and generation (v1/v2), falling back
//! to the 4-byte generation Java's cooperative-sticky assignor writes as user data. When two
//! members claim one partition the higher generation wins; a tie leaves it unowned, and in
//! cooperative mode it is withheld for a round like a partition changing owner (Java's
//! `partitionsWithMultiplePreviousOwners`): each claimant may still be consuming it, so it goes
//! out only once both have seen it revoked and rejoined without it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicI32, Ordering};

use bytes::Bytes;

use super::{
    Assignment, AssignorError, GroupMember, PartitionAssignor, PartitionsPerTopic,
    RebalanceProtocol, empty_assignments,
};
use crate::consumer::TopicPartition;

/// The sticky assignor, cooperative (`cooperative-sticky`) or eager (`sticky`).
#[derive(Debug)]
pub struct CooperativeStickyAssignor {
    cooperative: bool,
    /// The generation of the last assignment received, sent back as user data.
    generation: AtomicI32,
}

impl Default for CooperativeStickyAssignor {
    fn default() -> Self {
        Self::new()
    }
}

impl CooperativeStickyAssignor {
    /// The cooperative assignor (`cooperative-sticky`).
    pub fn new() -> Self {
        CooperativeStickyAssignor {
            cooperative: true,
            generation: AtomicI32::new(-1),
        }
    }

    /// The eager variant (`sticky`).
    pub fn eager() -> Self {
        CooperativeStickyAssignor {
            cooperative: false,
            generation: AtomicI32::new(-1),
        }
    }
}

fn member_generation(m: &GroupMember) -> i32 {
    if m.subscription.generation_id >= 0 {
        return m.subscription.generation_id;
    }
    match &m.subscription.user_data {
        Some(d) if d.len() >= 4 => i32::from_be_bytes([d[0], d[1], d[2], d[3]]),
        _ => -1,
    }
}

/// Who owned the partitions before this round.
struct PreviousOwners<'a> {
    /// The valid previous owner of each partition (see the module docs).
    owners: HashMap<TopicPartition, &'a str>,
    /// Partitions claimed by several members of the same, highest, generation, with those
    /// members: owned by none of them for the assignment.
    contested: HashMap<TopicPartition, Vec<&'a str>>,
}

fn previous_owners<'a>(
    members: &'a [GroupMember],
    exists: impl Fn(&TopicPartition) -> bool,
) -> PreviousOwners<'a> {
    // Per partition: the highest generation claiming it and its claimants in that generation.
    let mut best: HashMap<TopicPartition, (i32, Vec<&'a str>)> = HashMap::new();
    for m in members {
        let generation = member_generation(m);
        for tp in &m.subscription.owned_partitions {
            if !exists(tp) || !m.subscription.topics.contains(&tp.topic) {
                continue;
            }
            match best.get_mut(tp) {
                None => {
                    best.insert(tp.clone(), (generation, vec![m.member_id.as_str()]));
                }
                Some(entry) if generation > entry.0 => {
                    *entry = (generation, vec![m.member_id.as_str()]);
                }
                Some(entry) if generation == entry.0 => {
                    if !entry.1.contains(&m.member_id.as_str()) {
                        entry.1.push(&m.member_id);
                    }
                }
                Some(_) => {}
            }
        }
    }
    let mut owners = HashMap::new();
    let mut contested = HashMap::new();
    for (tp, (_, claimants)) in best {
        match claimants.as_slice() {
            [owner] => {
                owners.insert(tp, *owner);
            }
            _ => {
                contested.insert(tp, claimants);
            }
        }
    }
    PreviousOwners { owners, contested }
}

/// Whether every member subscribes to the same topics (Java's `allSubscriptionsEqual`, which
/// picks its constrained assignment builder).
fn all_subscriptions_equal(members: &[GroupMember]) -> bool {
    fn topics(m: &GroupMember) -> BTreeSet<&String> {
        m.subscription.topics.iter().collect()
    }
    members
        .split_first()
        .is_none_or(|(first, rest)| rest.iter().all(|m| topics(m) == topics(first)))
}

/// Computes a balanced, sticky assignment (before cooperative withholding).
fn sticky_assign(
    partitions_per_topic: &PartitionsPerTopic,
    members: &[GroupMember],
    owners: &HashMap<TopicPartition, &str>,
) -> BTreeMap<String, BTreeSet<TopicPartition>> {
    let mut ids: Vec<&str> = members.iter().map(|m| m.member_id.as_str()).collect();
    ids.sort();
    let topics_of: HashMap<&str, &Vec<String>> = members
        .iter()
        .map(|m| (m.member_id.as_str(), &m.subscription.topics))
        .collect();
    let mut current: BTreeMap<String, BTreeSet<TopicPartition>> = ids
        .iter()
        .map(|id| (id.to_string(), BTreeSet::new()))
        .collect();
    for (tp, owner) in owners {
        if let Some(set) = current.get_mut(*owner) {
            set.insert(tp.clone());
        }
    }
    // Unowned partitions of subscribed topics, to the eligible member with the fewest.
    for (topic, &count) in partitions_per_topic {
        let eligible: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| topics_of[id].contains(topic))
            .collect();
        if eligible.is_empty() {
            continue;
        }
        for p in 0..count.max(0) {
            let tp = TopicPartition::new(topic.clone(), p);
            if owners.contains_key(&tp) {
                continue;
            }
            let target = eligible
                .iter()
                .min_by_key(|id| (current[**id].len(), **id))
                .expect("eligible is not empty");
            current.get_mut(*target).expect("member").insert(tp);
        }
    }
    // Balance: move one partition at a time from the fullest member to the emptiest member that
    // can take it, while that narrows a gap of more than one. Each move strictly lowers the
    // sum of squared counts, so this ends; the bound is a guard.
    let total: usize = current.values().map(|s| s.len()).sum();
    for _ in 0..=(total * ids.len()) {
        let mut moved = false;
        let mut by_count: Vec<&str> = ids.clone();
        by_count.sort_by_key(|id| std::cmp::Reverse(current[*id].len()));
        'outer: for from in &by_count {
            for to in by_count.iter().rev() {
                if current[*from].len() <= current[*to].len() + 1 {
                    break;
                }
                // Prefer giving away the highest partition the receiver may take.
                let candidate = current[*from]
                    .iter()
                    .rev()
                    .find(|tp| topics_of[*to].contains(&tp.topic))
                    .cloned();
                if let Some(tp) = candidate {
                    current.get_mut(*from).expect("member").remove(&tp);
                    current.get_mut(*to).expect("member").insert(tp);
                    moved = true;
                    break 'outer;
                }
            }
        }
        if !moved {
            break;
        }
    }
    current
}

impl PartitionAssignor for CooperativeStickyAssignor {
    fn name(&self) -> &str {
        if self.cooperative {
            "cooperative-sticky"
        } else {
            "sticky"
        }
    }

    fn supported_protocols(&self) -> Vec<RebalanceProtocol> {
        if self.cooperative {
            vec![RebalanceProtocol::Eager, RebalanceProtocol::Cooperative]
        } else {
            vec![RebalanceProtocol::Eager]
        }
    }

    fn subscription_user_data(&self, _topics: &[String]) -> Option<Bytes> {
        // Java's CooperativeStickyAssignor user data: `generation: int32`.
        self.cooperative
            .then(|| Bytes::copy_from_slice(&self.generation.load(Ordering::SeqCst).to_be_bytes()))
    }

    fn assign(
        &self,
        partitions_per_topic: &PartitionsPerTopic,
        members: &[GroupMember],
    ) -> Result<BTreeMap<String, Assignment>, AssignorError> {
        let exists = |tp: &TopicPartition| {
            partitions_per_topic
                .get(&tp.topic)
                .is_some_and(|&n| tp.partition >= 0 && tp.partition < n)
        };
        let PreviousOwners { owners, contested } = previous_owners(members, exists);
        let target = sticky_assign(partitions_per_topic, members, &owners);
        // Java withholds a contested partition whoever gets it when all subscriptions are equal
        // (its constrained builder records it as transferring ownership); otherwise it compares
        // the owned lists, so a claimant that gets it keeps it and only a new owner waits.
        let equal = all_subscriptions_equal(members);
        let mut out = empty_assignments(members);
        for (member, set) in target {
            let a = out.get_mut(&member).expect("member");
            a.partitions = set
                .into_iter()
                .filter(|tp| {
                    if !self.cooperative {
                        return true;
                    }
                    // A partition still owned by someone else waits a round.
                    if owners.get(tp).is_some_and(|o| *o != member) {
                        return false;
                    }
                    contested
                        .get(tp)
                        .is_none_or(|claimants| !equal && claimants.contains(&member.as_str()))
                })
                .collect();
        }
        Ok(out)
    }

    fn on_assignment(&self, _assignment: &Assignment, generation_id: i32) {
        self.generation.store(generation_id, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    fn counts(out: &BTreeMap<String, Assignment>) -> Vec<usize> {
        out.values().map(|a| a.partitions.len()).collect()
    }

    #[test]
    fn fresh_group_is_balanced() {
        let t = topics(&[("t", 12)]);
        let members = [
            member("a", &["t"]),
            member("b", &["t"]),
            member("c", &["t"]),
        ];
        let out = CooperativeStickyAssignor::new()
            .assign(&t, &members)
            .unwrap();
        assert_valid(&t, &members, &out);
        assert_eq!(counts(&out), [4, 4, 4]);
    }

    #[test]
    fn joining_member_gets_partitions_only_after_revocation() {
        let t = topics(&[("t", 6)]);
        let all: Vec<(&str, i32)> = (0..6).map(|p| ("t", p)).collect();
        let members = [owning(member("a", &["t"]), 3, &all), member("b", &["t"])];
        let assignor = CooperativeStickyAssignor::new();
        let first = assignor.assign(&t, &members).unwrap();
        assert_valid(&t, &members, &first);
        // a keeps three, three are withheld, b gets nothing yet.
        assert_eq!(first["a"].partitions.len(), 3);
        assert!(first["b"].partitions.is_empty());
        // Second round: a owns its three; the rest are free and go to b.
        let kept: Vec<(&str, i32)> = first["a"]
            .partitions
            .iter()
            .map(|tp| ("t", tp.partition))
            .collect();
        let members = [
            owning(member("a", &["t"]), 4, &kept),
            owning(member("b", &["t"]), 4, &[]),
        ];
        let second = assignor.assign(&t, &members).unwrap();
        assert_valid(&t, &members, &second);
        assert_eq!(second["a"].partitions, first["a"].partitions, "sticky");
        assert_eq!(second["b"].partitions.len(), 3);
    }

    #[test]
    fn eager_sticky_hands_over_directly() {
        let t = topics(&[("t", 4)]);
        let all: Vec<(&str, i32)> = (0..4).map(|p| ("t", p)).collect();
        let members = [owning(member("a", &["t"]), 1, &all), member("b", &["t"])];
        let out = CooperativeStickyAssignor::eager()
            .assign(&t, &members)
            .unwrap();
        assert_valid(&t, &members, &out);
        assert_eq!(counts(&out), [2, 2]);
    }

    #[test]
    fn leaving_member_partitions_spread_and_others_stay() {
        let t = topics(&[("t", 9)]);
        let members = [
            owning(member("a", &["t"]), 2, &[("t", 0), ("t", 1), ("t", 2)]),
            owning(member("b", &["t"]), 2, &[("t", 3), ("t", 4), ("t", 5)]),
        ];
        let out = CooperativeStickyAssignor::new()
            .assign(&t, &members)
            .unwrap();
        assert_valid(&t, &members, &out);
        for p in 0..3 {
            assert!(out["a"].partitions.contains(&TopicPartition::new("t", p)));
            assert!(
                out["b"]
                    .partitions
                    .contains(&TopicPartition::new("t", p + 3))
            );
        }
        let mut c = counts(&out);
        c.sort();
        assert_eq!(c, [4, 5]);
    }

    #[test]
    fn higher_generation_wins_a_conflict() {
        let t = topics(&[("t", 2)]);
        let members = [
            owning(member("old", &["t"]), 1, &[("t", 0)]),
            owning(member("new", &["t"]), 2, &[("t", 0)]),
        ];
        let out = CooperativeStickyAssignor::new()
            .assign(&t, &members)
            .unwrap();
        assert_valid(&t, &members, &out);
        assert!(out["new"].partitions.contains(&TopicPartition::new("t", 0)));
    }

    #[test]
    fn a_tie_is_withheld_for_a_round() {
        let t = topics(&[("t", 3)]);
        let members = [
            owning(member("a", &["t"]), 2, &[("t", 0), ("t", 1)]),
            owning(member("b", &["t"]), 2, &[("t", 1), ("t", 2)]),
            member("c", &["t"]),
        ];
        let out = CooperativeStickyAssignor::new()
            .assign(&t, &members)
            .unwrap();
        assert_valid(&t, &members, &out);
        let contested = TopicPartition::new("t", 1);
        assert!(
            out.values().all(|a| !a.partitions.contains(&contested)),
            "both claimants revoke it before anyone gets it: {out:?}"
        );
        // Eager members give everything up before the round: nothing to withhold.
        let eager = CooperativeStickyAssignor::eager()
            .assign(&t, &members)
            .unwrap();
        assert!(eager.values().any(|a| a.partitions.contains(&contested)));
    }

    #[test]
    fn generation_from_user_data() {
        let a = CooperativeStickyAssignor::new();
        a.on_assignment(&Assignment::default(), 9);
        let data = a.subscription_user_data(&[]).unwrap();
        assert_eq!(data.as_ref(), &[0, 0, 0, 9]);
        let mut m = member("x", &["t"]);
        m.subscription.user_data = Some(data);
        assert_eq!(member_generation(&m), 9);
    }

    #[test]
    fn mixed_subscriptions_stay_valid_and_balanced_where_possible() {
        let t = topics(&[("a", 4), ("b", 4)]);
        let members = [
            member("x", &["a"]),
            member("y", &["a", "b"]),
            member("z", &["b"]),
        ];
        let out = CooperativeStickyAssignor::new()
            .assign(&t, &members)
            .unwrap();
        assert_valid(&t, &members, &out);
        let total: usize = counts(&out).iter().sum();
        assert_eq!(total, 8);
        let (min, max) = (
            counts(&out).into_iter().min(),
            counts(&out).into_iter().max(),
        );
        assert!(max.unwrap() - min.unwrap() <= 1, "{:?}", counts(&out));
    }
}
