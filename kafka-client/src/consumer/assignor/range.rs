//! Java's `RangeAssignor` (`range`): per topic, consecutive ranges of partitions to the
//! subscribed members in member order, the first `partitions % members` getting one extra.

use std::collections::BTreeMap;

use super::{
    Assignment, AssignorError, GroupMember, PartitionAssignor, PartitionsPerTopic,
    empty_assignments, sorted_members,
};
use crate::consumer::TopicPartition;

/// The `range` assignor (eager only).
#[derive(Debug, Clone, Copy, Default)]
pub struct RangeAssignor;

impl PartitionAssignor for RangeAssignor {
    fn name(&self) -> &str {
        "range"
    }

    fn assign(
        &self,
        partitions_per_topic: &PartitionsPerTopic,
        members: &[GroupMember],
    ) -> Result<BTreeMap<String, Assignment>, AssignorError> {
        let mut out = empty_assignments(members);
        let sorted = sorted_members(members);
        for (topic, &count) in partitions_per_topic {
            let subscribers: Vec<&&GroupMember> = sorted
                .iter()
                .filter(|m| m.subscription.topics.iter().any(|t| t == topic))
                .collect();
            if subscribers.is_empty() || count <= 0 {
                continue;
            }
            let n = subscribers.len() as i32;
            let (per, extra) = (count / n, count % n);
            for (i, m) in subscribers.iter().enumerate() {
                let i = i as i32;
                let start = per * i + i.min(extra);
                let len = per + i32::from(i < extra);
                let a = out
                    .get_mut(&m.member_id)
                    .expect("every member has an entry");
                a.partitions
                    .extend((start..start + len).map(|p| TopicPartition::new(topic.clone(), p)));
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
    fn ranges_per_topic_with_extras_first() {
        let t = topics(&[("t0", 3), ("t1", 3)]);
        let members = [member("c0", &["t0", "t1"]), member("c1", &["t0", "t1"])];
        let out = RangeAssignor.assign(&t, &members).unwrap();
        assert_valid(&t, &members, &out);
        assert_eq!(names(&out["c0"]), ["t0-0", "t0-1", "t1-0", "t1-1"]);
        assert_eq!(names(&out["c1"]), ["t0-2", "t1-2"]);
    }

    #[test]
    fn only_subscribers_get_a_topic() {
        let t = topics(&[("a", 2), ("b", 1)]);
        let members = [member("m1", &["a"]), member("m2", &["a", "b"])];
        let out = RangeAssignor.assign(&t, &members).unwrap();
        assert_valid(&t, &members, &out);
        assert_eq!(names(&out["m1"]), ["a-0"]);
        assert_eq!(names(&out["m2"]), ["a-1", "b-0"]);
    }
}
