//! The admin client's consumer-group calls against a real broker, on groups our own consumer
//! (kafka-client's `Consumer`) forms: list (with state and type filters), describe (classic
//! DescribeGroups and KIP-848 ConsumerGroupDescribe) with members and assignments, committed
//! offsets (fetch, alter, delete), and deletion once the group is empty.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use integration_tests::{kafka, runtime, unique_topic};
use kafka_client::KafkaCode;
use kafka_client::admin::{
    Admin, GroupDescription, GroupType, MemberToRemove, NewTopic, OffsetAndMetadata, TopicPartition,
};
use kafka_client::config::{
    AdminConfig, Assignor, AutoOffsetReset, ConsumerConfig, GroupProtocol, ProducerConfig,
};
use kafka_client::consumer::Consumer;
use kafka_client::producer::{Producer, ProducerRecord};

const PARTITIONS: i32 = 3;
const RECORDS: usize = 30;
const NON_EMPTY_GROUP: KafkaCode = KafkaCode(68);
const GROUP_ID_NOT_FOUND: KafkaCode = KafkaCode(69);
const UNKNOWN_MEMBER_ID: KafkaCode = KafkaCode(25);

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

/// A topic with `RECORDS` records spread over its partitions.
async fn topic_with_records(admin: &Admin, prefix: &str) -> String {
    let topic = unique_topic(prefix);
    admin
        .create_topics(&[NewTopic::new(&topic, PARTITIONS)])
        .await
        .expect("create");
    admin
        .wait_for_topics(&[(&topic, PARTITIONS)], Duration::from_secs(60))
        .await
        .expect("propagated");
    let producer = Producer::new(
        ProducerConfig::builder()
            .bootstrap_servers(kafka().servers())
            .build()
            .unwrap(),
    )
    .unwrap();
    let mut acks = Vec::new();
    for i in 0..RECORDS {
        let p = i32::try_from(i).unwrap() % PARTITIONS;
        let rec = ProducerRecord::new(&topic, format!("v{i}")).partition(p);
        acks.push(producer.send(rec).await.expect("queued"));
    }
    for a in acks {
        a.await.expect("acked");
    }
    producer.close(Duration::from_secs(5)).await;
    topic
}

fn consumer(group: &str, protocol: GroupProtocol) -> Consumer {
    let mut b = ConsumerConfig::builder()
        .bootstrap_servers(kafka().servers())
        .client_id("admin-groups-test")
        .group_id(group)
        .auto_offset_reset(AutoOffsetReset::Earliest)
        .enable_auto_commit(false)
        .group_protocol(protocol);
    if protocol == GroupProtocol::Classic {
        b = b.partition_assignment_strategy(vec![Assignor::Range]);
    }
    Consumer::new(b.build().unwrap()).unwrap()
}

/// Polls until every record was read, then commits what was consumed.
async fn consume_all_and_commit(c: &mut Consumer, topic: &str) {
    c.subscribe([topic], None).unwrap();
    let mut seen = 0;
    for _ in 0..600 {
        seen += c
            .poll(Duration::from_millis(200))
            .await
            .expect("poll")
            .len();
        if seen >= RECORDS {
            break;
        }
    }
    assert_eq!(seen, RECORDS, "the consumer read every record");
    c.commit_sync(None).await.expect("commit");
}

fn all_partitions(topic: &str) -> BTreeSet<TopicPartition> {
    (0..PARTITIONS)
        .map(|p| TopicPartition::new(topic, p))
        .collect()
}

async fn describe(admin: &Admin, group: &str) -> kafka_client::error::Result<GroupDescription> {
    admin
        .describe_groups(&[group])
        .await
        .expect("request")
        .remove(group)
        .expect("the group is in the answer")
}

/// The committed offsets of `group`, which must all be readable.
async fn committed(admin: &Admin, group: &str) -> BTreeMap<TopicPartition, i64> {
    admin
        .list_group_offsets(group, None)
        .await
        .expect("offsets")
        .into_iter()
        .map(|(tp, r)| {
            let o = r.expect("partition offset").expect("committed");
            (tp, o.offset)
        })
        .collect()
}

#[test]
fn classic_group_listed_described_offsets_and_deleted() {
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let topic = topic_with_records(&admin, "admin-classic").await;
        let group = unique_topic("admin-classic-group");
        let mut c = consumer(&group, GroupProtocol::Classic);
        consume_all_and_commit(&mut c, &topic).await;

        let listed = admin.list_groups(&[], &[]).await.expect("list");
        let g = listed
            .iter()
            .find(|g| g.group_id == group)
            .expect("our group is listed");
        assert_eq!(g.protocol_type, "consumer");
        assert_eq!(g.state.as_deref(), Some("Stable"));
        assert_eq!(g.group_type.as_deref(), Some("classic"));
        let stable = admin.list_groups(&["Stable"], &["classic"]).await.unwrap();
        assert!(stable.iter().any(|g| g.group_id == group));
        let empty = admin.list_groups(&["Empty"], &[]).await.unwrap();
        assert!(!empty.iter().any(|g| g.group_id == group));
        let kip848 = admin.list_groups(&[], &["consumer"]).await.unwrap();
        assert!(!kip848.iter().any(|g| g.group_id == group));

        let d = describe(&admin, &group).await.expect("described");
        assert_eq!(d.group_type, GroupType::Classic);
        assert_eq!(d.state, "Stable");
        assert_eq!(d.protocol_type, "consumer");
        assert_eq!(d.assignor, "range");
        assert_eq!(d.coordinator, g.coordinator);
        assert_eq!(d.members.len(), 1, "{d:?}");
        let m = &d.members[0];
        assert_eq!(m.client_id, "admin-groups-test");
        assert_eq!(m.subscribed_topics, vec![topic.clone()]);
        let owned: BTreeSet<_> = m.assignment.iter().cloned().collect();
        assert_eq!(owned, all_partitions(&topic));

        let offsets = committed(&admin, &group).await;
        let per_partition = i64::try_from(RECORDS).unwrap() / i64::from(PARTITIONS);
        assert_eq!(
            offsets,
            all_partitions(&topic)
                .into_iter()
                .map(|tp| (tp, per_partition))
                .collect::<BTreeMap<_, _>>()
        );

        // Not deletable while a member is in it.
        let refused = admin.delete_groups(&[&group]).await.expect("request");
        let err = refused[&group].as_ref().expect_err("group has a member");
        assert_eq!(err.code(), Some(NON_EMPTY_GROUP), "{err}");
        assert!(err.to_string().contains(&group), "{err}");

        // The member is removed on its behalf (the consumer is idle, not polling), then the
        // consumer closes.
        let removed = admin
            .remove_group_members(&group, &[MemberToRemove::member(&m.member_id)])
            .await
            .expect("request");
        assert_eq!(removed.len(), 1);
        removed[0].1.as_ref().expect("removed");
        let again = admin
            .remove_group_members(&group, &[MemberToRemove::member(&m.member_id)])
            .await
            .expect("request");
        let err = again[0].1.as_ref().expect_err("already gone");
        assert_eq!(err.code(), Some(UNKNOWN_MEMBER_ID), "{err}");
        assert!(err.to_string().contains(&m.member_id), "{err}");
        c.close().await.expect("close");
        let d = describe(&admin, &group).await.expect("described");
        assert_eq!((d.state.as_str(), d.members.len()), ("Empty", 0));

        // Offsets of an empty group can be set and deleted.
        let tp0 = TopicPartition::new(&topic, 0);
        let tp1 = TopicPartition::new(&topic, 1);
        let set = admin
            .alter_group_offsets(
                &group,
                &[(tp0.clone(), OffsetAndMetadata::with_metadata(3, "by admin"))],
            )
            .await
            .expect("request");
        set[&tp0].as_ref().expect("altered");
        let removed = admin
            .delete_group_offsets(&group, std::slice::from_ref(&tp1))
            .await
            .expect("request");
        removed[&tp1].as_ref().expect("deleted");
        let after = admin
            .list_group_offsets(&group, Some(&[tp0.clone(), tp1.clone()]))
            .await
            .expect("offsets");
        let o0 = after[&tp0].as_ref().unwrap().as_ref().expect("committed");
        assert_eq!((o0.offset, o0.metadata.as_str()), (3, "by admin"));
        assert_eq!(
            after[&tp1].as_ref().unwrap(),
            &None,
            "no offset after OffsetDelete"
        );

        let deleted = admin.delete_groups(&[&group]).await.expect("request");
        deleted[&group].as_ref().expect("deleted");
        let listed = admin.list_groups(&[], &[]).await.unwrap();
        assert!(!listed.iter().any(|g| g.group_id == group));
        match describe(&admin, &group).await {
            Err(e) => assert_eq!(e.code(), Some(GROUP_ID_NOT_FOUND), "{e}"),
            Ok(d) => assert_eq!(d.state, "Dead", "{d:?}"),
        }
        admin.delete_topics(&[&topic]).await.expect("delete topic");
    });
}

#[test]
fn kip848_group_described_with_consumer_group_describe() {
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let topic = topic_with_records(&admin, "admin-kip848").await;
        let group = unique_topic("admin-kip848-group");
        let mut c = consumer(&group, GroupProtocol::Consumer);
        consume_all_and_commit(&mut c, &topic).await;

        let listed = admin.list_groups(&[], &["consumer"]).await.expect("list");
        let g = listed
            .iter()
            .find(|g| g.group_id == group)
            .expect("listed as a consumer-type group");
        assert_eq!(g.group_type.as_deref(), Some("consumer"));

        let d = describe(&admin, &group).await.expect("described");
        assert_eq!(d.group_type, GroupType::Consumer);
        assert_eq!(d.state, "Stable");
        assert!(d.group_epoch.is_some_and(|e| e > 0), "{d:?}");
        assert_eq!(d.members.len(), 1, "{d:?}");
        let m = &d.members[0];
        assert_eq!(m.client_id, "admin-groups-test");
        assert_eq!(m.subscribed_topics, vec![topic.clone()]);
        assert!(m.member_epoch.is_some_and(|e| e > 0), "{m:?}");
        let owned: BTreeSet<_> = m.assignment.iter().cloned().collect();
        assert_eq!(owned, all_partitions(&topic));

        let offsets = committed(&admin, &group).await;
        assert_eq!(offsets.len(), usize::try_from(PARTITIONS).unwrap());
        let total: i64 = offsets.values().sum();
        assert_eq!(total, i64::try_from(RECORDS).unwrap());

        c.close().await.expect("close");
        // The member's leave reaches the coordinator before close returns; deletion is
        // refused only while a member remains.
        let deleted = admin.delete_groups(&[&group]).await.expect("request");
        deleted[&group].as_ref().expect("deleted once empty");
        admin.delete_topics(&[&topic]).await.expect("delete topic");
    });
}

#[test]
fn unknown_group_is_a_typed_error_per_group() {
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let group = unique_topic("admin-no-such-group");
        let deleted = admin.delete_groups(&[&group]).await.expect("request");
        let err = deleted[&group].as_ref().expect_err("no such group");
        assert_eq!(err.code(), Some(GROUP_ID_NOT_FOUND), "{err}");
        assert!(err.to_string().contains(&group), "{err}");
        let offsets = admin
            .list_group_offsets(&group, None)
            .await
            .expect("an unknown group has no offsets");
        assert!(offsets.is_empty(), "{offsets:?}");
    });
}

/// A dynamic classic member leaves the group when it closes (LeaveGroup at the negotiated
/// version), so the group is empty at once rather than after `session.timeout.ms` (45 s by
/// default). The leave once failed to encode at v5 and was dropped, leaving the member behind.
#[test]
fn classic_member_leaves_on_close() {
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let topic = topic_with_records(&admin, "admin-classic-leave").await;
        let group = unique_topic("admin-classic-leave-group");
        let mut c = consumer(&group, GroupProtocol::Classic);
        consume_all_and_commit(&mut c, &topic).await;
        let d = describe(&admin, &group).await.expect("described");
        assert_eq!((d.state.as_str(), d.members.len()), ("Stable", 1));

        c.close().await.expect("close");
        let d = describe(&admin, &group).await.expect("described");
        assert_eq!(
            (d.state.as_str(), d.members.len()),
            ("Empty", 0),
            "the closed member left: {d:?}"
        );
    });
}

/// Closing waits for the asynchronous commits issued before it (Java's close does too), so the
/// group keeps the last offset the application committed even when it never awaited the commits.
#[test]
fn close_waits_for_pending_async_commits() {
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let topic = topic_with_records(&admin, "admin-close-commits").await;
        let group = unique_topic("admin-close-commits-group");
        let mut c = consumer(&group, GroupProtocol::Classic);
        consume_all_and_commit(&mut c, &topic).await;
        let tp = TopicPartition::new(&topic, 0);
        // Many commits in a row, none awaited; each waits for the one before it.
        for offset in 1..=50_i64 {
            let offsets = BTreeMap::from([(tp.clone(), OffsetAndMetadata::new(offset))]);
            drop(c.commit_async(Some(offsets)).expect("queued"));
        }
        c.close().await.expect("close");
        let offsets = committed(&admin, &group).await;
        assert_eq!(
            offsets.get(&tp),
            Some(&50),
            "the last async commit landed: {offsets:?}"
        );
    });
}
