//! Our cooperative-sticky assignor against Java's `CooperativeStickyAssignor` (kafka-clients
//! 4.4.0) on groups where members of one generation claim the same partition. Java treats such a
//! partition as owned by none of them and withholds it for one round whoever its new owner is
//! (`partitionsWithMultiplePreviousOwners`, then `adjustAssignment`), so the claimants revoke it
//! before anyone is given it. The cases and Java's answers come from `tests/java/AssignorVectors.java`;
//! each has one balanced, sticky answer, compared member by member.

mod support;

use std::collections::BTreeMap;

use kafka_client::consumer::TopicPartition;
use kafka_client::consumer::assignor::{
    CooperativeStickyAssignor, GroupMember, PartitionAssignor, PartitionsPerTopic, Subscription,
};

fn list(field: &str) -> Vec<&str> {
    if field == "-" {
        Vec::new()
    } else {
        field.split(',').collect()
    }
}

fn tp(s: &str) -> TopicPartition {
    let (topic, partition) = s.rsplit_once('-').expect("topic-partition");
    TopicPartition::new(topic, partition.parse().expect("partition number"))
}

fn name(tp: &TopicPartition) -> String {
    format!("{}-{}", tp.topic, tp.partition)
}

struct Case {
    name: String,
    topics: PartitionsPerTopic,
    members: Vec<GroupMember>,
    java: BTreeMap<String, Vec<String>>,
}

fn check(case: &Case) {
    let ours = CooperativeStickyAssignor::new()
        .assign(&case.topics, &case.members)
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    let ours: BTreeMap<String, Vec<String>> = ours
        .into_iter()
        .map(|(member, a)| {
            let mut partitions = a.partitions;
            partitions.sort();
            (member, partitions.iter().map(name).collect())
        })
        .collect();
    assert_eq!(ours, case.java, "case {}", case.name);
}

#[test]
fn contested_partitions_match_java() {
    let output = support::run_java("AssignorVectors", &[]);
    let mut case: Option<Case> = None;
    let mut cases = 0;
    for line in output.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        match f[0] {
            "C" => {
                if let Some(done) = case.take() {
                    check(&done);
                }
                let topics = list(f[2])
                    .into_iter()
                    .map(|t| {
                        let (topic, count) = t.split_once(':').expect("topic:count");
                        (topic.to_owned(), count.parse().expect("count"))
                    })
                    .collect();
                case = Some(Case {
                    name: f[1].to_owned(),
                    topics,
                    members: Vec::new(),
                    java: BTreeMap::new(),
                });
                cases += 1;
            }
            "S" => case
                .as_mut()
                .expect("case first")
                .members
                .push(GroupMember {
                    member_id: f[1].to_owned(),
                    group_instance_id: None,
                    subscription: Subscription {
                        topics: list(f[3]).into_iter().map(str::to_owned).collect(),
                        owned_partitions: list(f[4]).into_iter().map(tp).collect(),
                        generation_id: f[2].parse().expect("generation"),
                        ..Subscription::default()
                    },
                }),
            "A" => {
                case.as_mut().expect("case first").java.insert(
                    f[1].to_owned(),
                    list(f[2]).into_iter().map(str::to_owned).collect(),
                );
            }
            other => panic!("unexpected line kind {other:?}"),
        }
    }
    if let Some(done) = case.take() {
        check(&done);
    }
    assert_eq!(cases, 5);
}
