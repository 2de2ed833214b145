//! Java's `RoundRobinAssignor` (`roundrobin`): every partition, sorted by topic then number,
//! dealt in turn around the sorted members, skipping members not subscribed to its topic.

use std::collections::BTreeMap;

use super::{
    Assignment, AssignorError, GroupMember, PartitionAssignor, PartitionsPerTopic,
    empty_assignments, sorted_members,
};
use crate::consumer::TopicPartition;

/// The `roundrobin` assignor (eager only).
#[derive(Debug, Clone, Copy, Default)]
pub struct RoundRobinAssignor;

impl PartitionAssignor for RoundRobinAssignor {
    fn name(&self) -> &str {
        "roundrobin"
    }

    fn assign(
        &self,
        partitions_per_topic: &PartitionsPerTopic,
        members: &[GroupMember],
    ) -> Result<BTreeMap<String, Assignment>, AssignorError> {
        let mut out = empty_assignments(members);
        let sorted = sorted_members(members);
        if sorted.is_empty() {
            return Ok(out);
        }
        let mut next = 0usize;
        for (topic, &count) in partitions_per_topic {
            if !sorted.iter().any(|m| m.subscription.topics.contains(topic)) {
                continue;
            }
            for p in 0..count.max(0) {
                // Advance to the next member subscribed to this topic (one exists).
                while !sorted[next % sorted.len()]
                    .subscription
                    .topics
                    .contains(topic)
                {
                    next += 1;
                }
                let m = sorted[next % sorted.len()];
                next += 1;
                out.get_mut(&m.member_id)
                    .expect("every member has an entry")
                    .partitions
                    .push(TopicPartition::new(topic.clone(), p));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn deals_partitions_in_turn() {
        let t = topics(&[("t0", 3), ("t1", 3)]);
        let members = [member("c0", &["t0", "t1"]), member("c1", &["t0", "t1"])];
        let out = RoundRobinAssignor.assign(&t, &members).unwrap();
        assert_valid(&t, &members, &out);
        assert_eq!(names(&out["c0"]), ["t0-0", "t0-2", "t1-1"]);
        assert_eq!(names(&out["c1"]), ["t0-1", "t1-0", "t1-2"]);
    }

    #[test]
    fn skips_members_not_subscribed() {
        let t = topics(&[("a", 1), ("b", 2)]);
        let members = [
            member("x", &["a"]),
            member("y", &["a", "b"]),
            member("z", &["b"]),
        ];
        let out = RoundRobinAssignor.assign(&t, &members).unwrap();
        assert_valid(&t, &members, &out);
        assert_eq!(names(&out["x"]), ["a-0"]);
        assert_eq!(names(&out["y"]), ["b-0"]);
        assert_eq!(names(&out["z"]), ["b-1"]);
    }
}
