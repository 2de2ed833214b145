//! Client-side partition assignment for the classic group protocol.
//!
//! The group leader runs the assignor every member agreed on (the first protocol in the
//! leader's list that all members support) over every member's [`Subscription`]. The
//! [`PartitionAssignor`] trait is public so callers — the streams runtime in particular — can
//! plug in their own, with their own user data in both directions: each member's
//! [`PartitionAssignor::subscription_user_data`] reaches the leader's
//! [`PartitionAssignor::assign`], and the leader's per-member [`Assignment::user_data`] reaches
//! that member's [`PartitionAssignor::on_assignment`].
//!
//! Built in, with Java's protocol names and results: [`RangeAssignor`] (`range`),
//! [`RoundRobinAssignor`] (`roundrobin`) and [`CooperativeStickyAssignor`]
//! (`cooperative-sticky`, incremental rebalancing, KIP-429).

mod cooperative_sticky;
mod range;
mod roundrobin;

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;

pub use cooperative_sticky::CooperativeStickyAssignor;
pub use range::RangeAssignor;
pub use roundrobin::RoundRobinAssignor;

use crate::config::Assignor;
pub use crate::consumer::group::consumer_protocol::{Assignment, Subscription};

/// How a group moves partitions between members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RebalanceProtocol {
    /// Every member gives up everything before rejoining.
    Eager,
    /// Members keep what they own; only partitions that move are revoked, and a second
    /// rebalance hands them to their new owner (KIP-429).
    Cooperative,
}

/// One member as the leader sees it in the JoinGroup response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMember {
    /// The coordinator-given member id.
    pub member_id: String,
    /// `group.instance.id` of a static member.
    pub group_instance_id: Option<String>,
    /// Its subscription.
    pub subscription: Subscription,
}

impl GroupMember {
    /// Java's `MemberInfo` order: static members by instance id first-class, then member id.
    pub(crate) fn sort_key(&self) -> (u8, &str, &str) {
        match &self.group_instance_id {
            Some(id) => (0, id.as_str(), self.member_id.as_str()),
            None => (1, self.member_id.as_str(), ""),
        }
    }
}

/// What the leader knows about the topics: partition counts by topic name.
pub type PartitionsPerTopic = BTreeMap<String, i32>;

/// Why an assignor could not assign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AssignorError {
    /// The assignor rejected its input.
    #[error("assignor {assignor} failed: {reason}")]
    Failed {
        /// The assignor's name.
        assignor: String,
        /// Why.
        reason: String,
    },
}

/// A classic-protocol partition assignor. Implementations use interior mutability for state
/// kept across rebalances (the trait takes `&self` so one assignor can be shared).
pub trait PartitionAssignor: Send + Sync + std::fmt::Debug {
    /// The protocol name in JoinGroup (`range`, `cooperative-sticky`, ...).
    fn name(&self) -> &str;

    /// The rebalance protocols this assignor supports; the consumer uses cooperative
    /// rebalancing only if every configured assignor supports it.
    fn supported_protocols(&self) -> Vec<RebalanceProtocol> {
        vec![RebalanceProtocol::Eager]
    }

    /// User data this member sends in its subscription.
    fn subscription_user_data(&self, _topics: &[String]) -> Option<Bytes> {
        None
    }

    /// Run by the leader: an assignment for every member id in `members`.
    fn assign(
        &self,
        partitions_per_topic: &PartitionsPerTopic,
        members: &[GroupMember],
    ) -> Result<BTreeMap<String, Assignment>, AssignorError>;

    /// Called on every member with its own assignment once SyncGroup completes.
    fn on_assignment(&self, _assignment: &Assignment, _generation_id: i32) {}
}

/// The built-in assignor for a configured [`Assignor`] name. `sticky` (the eager
/// `StickyAssignor`) is served by the sticky algorithm in eager mode.
pub fn builtin(assignor: Assignor) -> Arc<dyn PartitionAssignor> {
    match assignor {
        Assignor::Range => Arc::new(RangeAssignor),
        Assignor::RoundRobin => Arc::new(RoundRobinAssignor),
        Assignor::Sticky => Arc::new(CooperativeStickyAssignor::eager()),
        Assignor::CooperativeSticky => Arc::new(CooperativeStickyAssignor::new()),
    }
}

/// Members sorted in Java's `MemberInfo` order.
pub(crate) fn sorted_members(members: &[GroupMember]) -> Vec<&GroupMember> {
    let mut v: Vec<&GroupMember> = members.iter().collect();
    v.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    v
}

/// An empty assignment for every member, to be filled in.
pub(crate) fn empty_assignments(members: &[GroupMember]) -> BTreeMap<String, Assignment> {
    members
        .iter()
        .map(|m| (m.member_id.clone(), Assignment::default()))
        .collect()
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;
    use crate::consumer::TopicPartition;

    pub(crate) fn member(id: &str, topics: &[&str]) -> GroupMember {
        GroupMember {
            member_id: id.into(),
            group_instance_id: None,
            subscription: Subscription {
                topics: topics.iter().map(|t| t.to_string()).collect(),
                ..Default::default()
            },
        }
    }

    pub(crate) fn owning(
        mut m: GroupMember,
        generation: i32,
        owned: &[(&str, i32)],
    ) -> GroupMember {
        m.subscription.generation_id = generation;
        m.subscription.owned_partitions = owned
            .iter()
            .map(|(t, p)| TopicPartition::new(*t, *p))
            .collect();
        m
    }

    pub(crate) fn topics(spec: &[(&str, i32)]) -> PartitionsPerTopic {
        spec.iter().map(|(t, n)| (t.to_string(), *n)).collect()
    }

    pub(crate) fn names(a: &Assignment) -> Vec<String> {
        let mut v: Vec<String> = a.partitions.iter().map(|tp| tp.to_string()).collect();
        v.sort();
        v
    }

    /// Every partition of the subscribed topics assigned at most once, only to subscribers.
    pub(crate) fn assert_valid(
        topics: &PartitionsPerTopic,
        members: &[GroupMember],
        out: &BTreeMap<String, Assignment>,
    ) {
        let mut seen = std::collections::BTreeSet::new();
        for m in members {
            for tp in &out[&m.member_id].partitions {
                assert!(
                    m.subscription.topics.contains(&tp.topic),
                    "{tp} to non-subscriber"
                );
                assert!(tp.partition < topics[&tp.topic], "{tp} does not exist");
                assert!(seen.insert(tp.clone()), "{tp} assigned twice");
            }
        }
    }
}
