//! `committed()` of a `group.protocol=consumer` (KIP-848) member against a real broker: the
//! consumer names its member id and epoch in OffsetFetch (v9), as Java's consumer does, and the
//! coordinator checks them.
//!
//! * A member reads back what it committed; the coordinator accepts its id and epoch, and
//!   refuses the same fetch with an older epoch (STALE_MEMBER_EPOCH) or another id
//!   (UNKNOWN_MEMBER_ID), so what the consumer sends is what is checked.
//! * A member removed by the admin client, before its next heartbeat tells it so, gets
//!   UNKNOWN_MEMBER_ID from `committed()` (Java's consumer fails it too, not retrying); once the
//!   heartbeat has told it and it has joined again, `committed()` works with its new epoch.

use std::collections::BTreeMap;
use std::time::Duration;

use integration_tests::{kafka, runtime, unique_topic};
use kafka_client::admin::{Admin, MemberToRemove, NewTopic};
use kafka_client::config::{AdminConfig, AutoOffsetReset, ConsumerConfig, GroupProtocol};
use kafka_client::connection::{ConnectOptions, Connection};
use kafka_client::consumer::{Consumer, ConsumerError, OffsetAndMetadata, TopicPartition};
use kafka_protocol::messages::OffsetFetchRequest;
use kafka_protocol::messages::offset_fetch_request::{
    OffsetFetchRequestGroup, OffsetFetchRequestTopics,
};

const PARTITIONS: i32 = 3;
const UNKNOWN_MEMBER_ID: i16 = 25;
const STALE_MEMBER_EPOCH: i16 = 113;

fn admin() -> Admin {
    Admin::new(
        AdminConfig::builder()
            .bootstrap_servers(kafka().servers())
            .default_api_timeout(Duration::from_secs(30))
            .build()
            .expect("admin config"),
    )
    .expect("admin")
}

async fn topic(admin: &Admin, prefix: &str) -> String {
    let topic = unique_topic(prefix);
    admin
        .create_topics(&[NewTopic::new(&topic, PARTITIONS)])
        .await
        .expect("create");
    admin
        .wait_for_topics(&[(&topic, PARTITIONS)], Duration::from_secs(60))
        .await
        .expect("propagated");
    topic
}

fn consumer(group: &str) -> Consumer {
    Consumer::new(
        ConsumerConfig::builder()
            .bootstrap_servers(kafka().servers())
            .client_id("kip848-committed-test")
            .group_id(group)
            .group_protocol(GroupProtocol::Consumer)
            .auto_offset_reset(AutoOffsetReset::Earliest)
            .enable_auto_commit(false)
            .build()
            .unwrap(),
    )
    .unwrap()
}

fn partitions(topic: &str) -> Vec<TopicPartition> {
    (0..PARTITIONS)
        .map(|p| TopicPartition::new(topic, p))
        .collect()
}

/// Polls until the consumer is a member owning every partition of `topic`, at another epoch
/// than `gone` (a membership the coordinator has ended); returns its `(epoch, member id)`.
async fn join(c: &mut Consumer, topic: &str, gone: Option<i32>) -> (i32, String) {
    let all = partitions(topic);
    for _ in 0..600 {
        c.poll(Duration::from_millis(100)).await.expect("poll");
        if let Some((epoch, id)) = c.group_metadata()
            && epoch > 0
            && Some(epoch) != gone
            && all.iter().all(|tp| c.assignment().contains(tp))
        {
            return (epoch, id);
        }
    }
    panic!(
        "no full assignment: {:?}, {:?}",
        c.group_metadata(),
        c.assignment()
    );
}

/// The heartbeats the consumer has had answered so far.
fn heartbeats(c: &Consumer) -> f64 {
    c.metrics_registry()
        .value("consumer-coordinator-metrics", "heartbeat-total", &[])
        .expect("heartbeat-total is registered for a group member")
}

/// The group-level error code of an OffsetFetch v9 for `group` naming `member` at `epoch`,
/// sent on a connection of its own (the one-broker fixture is every group's coordinator).
async fn raw_fetch(group: &str, tps: &[TopicPartition], member: &str, epoch: i32) -> i16 {
    let config = ConsumerConfig::builder()
        .bootstrap_servers(kafka().servers())
        .build()
        .unwrap();
    let conn = Connection::connect(
        &kafka().bootstrap(),
        &ConnectOptions::from_config(&config.common).unwrap(),
    )
    .await
    .expect("connect");
    let req = OffsetFetchRequest {
        groups: vec![OffsetFetchRequestGroup {
            group_id: group.to_owned(),
            member_id: Some(member.to_owned()),
            member_epoch: epoch,
            topics: Some(vec![OffsetFetchRequestTopics {
                name: tps[0].topic.clone(),
                partition_indexes: tps.iter().map(|tp| tp.partition).collect(),
                ..Default::default()
            }]),
            ..Default::default()
        }],
        require_stable: true,
        ..Default::default()
    };
    let resp = conn.send_version(&req, 9).await.expect("OffsetFetch v9");
    resp.groups
        .iter()
        .find(|g| g.group_id == group)
        .expect("our group in the answer")
        .error_code
}

#[test]
fn a_member_reads_its_commits_and_the_coordinator_checks_its_epoch() {
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let topic = topic(&admin, "kip848-committed").await;
        let group = unique_topic("kip848-committed-group");
        let mut c = consumer(&group);
        c.subscribe([topic.as_str()], None).unwrap();
        let (epoch, member_id) = join(&mut c, &topic, None).await;

        let tps = partitions(&topic);
        let wanted: BTreeMap<TopicPartition, OffsetAndMetadata> = tps
            .iter()
            .zip(7..)
            .map(|(tp, offset)| {
                (
                    tp.clone(),
                    OffsetAndMetadata {
                        offset,
                        leader_epoch: -1,
                        metadata: format!("at {offset}"),
                    },
                )
            })
            .collect();
        c.commit_sync(Some(wanted.clone())).await.expect("commit");
        let got = c.committed(&tps).await.expect("committed");
        assert_eq!(got, wanted);

        // The checks our consumer's fetch passes, seen from outside while it is a member at
        // `epoch` (its heartbeats every 5 s do not move the epoch of a stable member).
        assert_eq!(raw_fetch(&group, &tps, &member_id, epoch).await, 0);
        assert_eq!(
            raw_fetch(&group, &tps, &member_id, epoch - 1).await,
            STALE_MEMBER_EPOCH
        );
        assert_eq!(
            raw_fetch(&group, &tps, "no-such-member", epoch).await,
            UNKNOWN_MEMBER_ID
        );
        assert_eq!(c.group_metadata().map(|(e, _)| e), Some(epoch));

        c.close().await.expect("close");
        admin.delete_topics(&[&topic]).await.expect("delete topic");
    });
}

#[test]
fn a_removed_member_is_refused_until_it_has_joined_again() {
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let topic = topic(&admin, "kip848-removed").await;
        let group = unique_topic("kip848-removed-group");
        let mut c = consumer(&group);
        c.subscribe([topic.as_str()], None).unwrap();
        let tps = partitions(&topic);
        let mut refused = None;
        let mut gone = None;
        // The removal races the member's next heartbeat (every 5 s): when a heartbeat is
        // answered between the removal and the fetch, the consumer may already know it is out
        // and name no member, so that attempt shows nothing and is made again.
        for _attempt in 0..3 {
            let (epoch, member_id) = join(&mut c, &topic, gone).await;
            gone = Some(epoch);
            let before = heartbeats(&c);
            let removed = admin
                .remove_group_members(&group, &[MemberToRemove::member(&member_id)])
                .await
                .expect("request");
            removed[0].1.as_ref().expect("removed");
            let r = c.committed(&tps).await;
            if heartbeats(&c) != before {
                continue;
            }
            refused = Some((epoch, r));
            break;
        }
        let (epoch, r) = refused.expect("a fetch between a removal and the next heartbeat");
        match r {
            Err(ConsumerError::Client(e)) => {
                assert_eq!(e.code().map(|c| c.0), Some(UNKNOWN_MEMBER_ID), "{e}");
            }
            other => panic!("a removed member (epoch {epoch}) read offsets: {other:?}"),
        }

        // The next heartbeat tells the consumer; it joins again and reads with its new epoch.
        let (new_epoch, _) = join(&mut c, &topic, gone).await;
        let got = c.committed(&tps).await.expect("committed after rejoining");
        assert!(got.is_empty(), "nothing was committed: {got:?}");
        assert_eq!(c.group_metadata().map(|(e, _)| e), Some(new_epoch));
        assert!(new_epoch > 0);

        c.close().await.expect("close");
        admin.delete_topics(&[&topic]).await.expect("delete topic");
    });
}
