//! Auto-commit of manually assigned partitions against a real broker: a consumer with a
//! `group.id` and `enable.auto.commit=true` that `assign`s its partitions commits what it
//! consumed to the group, on the interval and on close, in both `group.protocol`s, as Java
//! 4.4's consumers do (no generation, no member id). The group's committed offsets are read
//! back with the admin client.
//!
//! Subscribed, beside Java's consumer run the same way (`UnsubscribePeer`): `unsubscribe()`
//! commits nothing, auto-commit or not, and `close()` commits every position, in both
//! protocols, in ours as in Java's.

use std::collections::BTreeMap;
use std::time::Duration;

use integration_tests::{JavaPeer, kafka, runtime, unique_topic};
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::config::{
    AdminConfig, AutoOffsetReset, ConsumerConfig, GroupProtocol, ProducerConfig,
};
use kafka_client::consumer::{Consumer, TopicPartition};
use kafka_client::producer::{Producer, ProducerRecord};

const PARTITIONS: i32 = 2;
const RECORDS: usize = 20;

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

/// A new topic holding `RECORDS` records spread over its partitions; returns the topic and each
/// partition's end offset.
async fn filled_topic(admin: &Admin, prefix: &str) -> (String, BTreeMap<TopicPartition, i64>) {
    let topic = unique_topic(prefix);
    admin
        .create_topics(&[NewTopic::new(&topic, PARTITIONS)])
        .await
        .expect("create");
    admin
        .wait_for_topics(&[(&topic, PARTITIONS)], Duration::from_secs(60))
        .await
        .expect("propagated");
    let p = Producer::new(
        ProducerConfig::builder()
            .bootstrap_servers(kafka().servers())
            .build()
            .expect("producer config"),
    )
    .expect("producer");
    let mut acks = Vec::with_capacity(RECORDS);
    for i in 0..RECORDS {
        let partition = i32::try_from(i).expect("small") % PARTITIONS;
        let r = ProducerRecord::new(&topic, format!("v{i}")).partition(partition);
        acks.push(p.send(r).await.expect("queued"));
    }
    let mut ends = BTreeMap::new();
    for a in acks {
        let m = a.await.expect("acknowledged");
        let end = ends
            .entry(TopicPartition::new(&topic, m.partition))
            .or_insert(0);
        *end = (*end).max(m.offset + 1);
    }
    p.close(Duration::from_secs(10)).await;
    (topic, ends)
}

fn consumer(group: &str, protocol: GroupProtocol, interval_ms: &str) -> Consumer {
    Consumer::new(
        ConsumerConfig::builder()
            .bootstrap_servers(kafka().servers())
            .client_id("manual-auto-commit-test")
            .group_id(group)
            .group_protocol(protocol)
            .auto_offset_reset(AutoOffsetReset::Earliest)
            .enable_auto_commit(true)
            .set("auto.commit.interval.ms", interval_ms)
            .expect("interval")
            .build()
            .expect("consumer config"),
    )
    .expect("consumer")
}

/// Assigns every partition of `topic` and polls until every record is consumed.
async fn consume_all(c: &mut Consumer, topic: &str) {
    c.assign((0..PARTITIONS).map(|p| TopicPartition::new(topic, p)))
        .expect("assign");
    poll_all(c).await;
}

/// Polls until every record is consumed.
async fn poll_all(c: &mut Consumer) {
    let mut seen = 0;
    // A hang guard, not a speed check.
    for _ in 0..600 {
        seen += c
            .poll(Duration::from_millis(100))
            .await
            .expect("poll")
            .len();
        if seen >= RECORDS {
            return;
        }
    }
    panic!("consumed {seen} of {RECORDS} records");
}

/// The group's committed offsets of `ends`' partitions (`None` where nothing is committed).
async fn committed(
    admin: &Admin,
    group: &str,
    ends: &BTreeMap<TopicPartition, i64>,
) -> BTreeMap<TopicPartition, Option<i64>> {
    let tps: Vec<TopicPartition> = ends.keys().cloned().collect();
    admin
        .list_group_offsets(group, Some(&tps))
        .await
        .expect("list group offsets")
        .into_iter()
        .map(|(tp, o)| (tp, o.expect("partition offset").map(|o| o.offset)))
        .collect()
}

fn all_at_end(ends: &BTreeMap<TopicPartition, i64>) -> BTreeMap<TopicPartition, Option<i64>> {
    ends.iter().map(|(tp, e)| (tp.clone(), Some(*e))).collect()
}

async fn commits_on_the_interval(protocol: GroupProtocol) {
    let admin = admin();
    let (topic, ends) = filled_topic(&admin, "manual-auto-commit-interval").await;
    let group = unique_topic("manual-auto-commit-interval-group");
    let mut c = consumer(&group, protocol, "200");
    consume_all(&mut c, &topic).await;
    // Polling past the interval lets the auto-commit go; the consumer stays open.
    let want = all_at_end(&ends);
    let mut got = BTreeMap::new();
    for _ in 0..300 {
        c.poll(Duration::from_millis(100)).await.expect("poll");
        got = committed(&admin, &group, &ends).await;
        if got == want {
            break;
        }
    }
    assert_eq!(
        got, want,
        "the interval auto-commit committed every position"
    );
    c.close().await.expect("close");
    admin.delete_topics(&[&topic]).await.expect("delete topic");
}

async fn commits_on_close(protocol: GroupProtocol) {
    let admin = admin();
    let (topic, ends) = filled_topic(&admin, "manual-auto-commit-close").await;
    let group = unique_topic("manual-auto-commit-close-group");
    // An interval far beyond the test: only closing commits.
    let mut c = consumer(&group, protocol, "600000");
    consume_all(&mut c, &topic).await;
    let none: BTreeMap<TopicPartition, Option<i64>> =
        ends.keys().map(|tp| (tp.clone(), None)).collect();
    assert_eq!(committed(&admin, &group, &ends).await, none);
    c.close().await.expect("close");
    assert_eq!(
        committed(&admin, &group, &ends).await,
        all_at_end(&ends),
        "closing committed every position"
    );
    admin.delete_topics(&[&topic]).await.expect("delete topic");
}

#[test]
fn classic_manual_assignment_auto_commits_on_the_interval() {
    runtime().block_on(commits_on_the_interval(GroupProtocol::Classic));
}

#[test]
fn consumer_protocol_manual_assignment_auto_commits_on_the_interval() {
    runtime().block_on(commits_on_the_interval(GroupProtocol::Consumer));
}

#[test]
fn classic_manual_assignment_auto_commits_on_close() {
    runtime().block_on(commits_on_close(GroupProtocol::Classic));
}

#[test]
fn consumer_protocol_manual_assignment_auto_commits_on_close() {
    runtime().block_on(commits_on_close(GroupProtocol::Consumer));
}

/// Subscribed with auto-commit on (the interval far off), ours consumes every record of
/// `topic`, then unsubscribes (when `unsubscribe`) and closes.
async fn ours_subscribed(group: &str, topic: &str, protocol: GroupProtocol, unsubscribe: bool) {
    let mut c = consumer(group, protocol, "600000");
    c.subscribe([topic], None).expect("subscribe");
    poll_all(&mut c).await;
    if unsubscribe {
        c.unsubscribe().await.expect("unsubscribe");
        assert!(c.assignment().is_empty());
    }
    c.close().await.expect("close");
}

/// Java's consumer, the same way (`UnsubscribePeer`).
fn javas_subscribed(peer: &JavaPeer, group: &str, topic: &str, protocol: &str, unsubscribe: bool) {
    peer.run_class(
        "UnsubscribePeer",
        &[
            kafka().bootstrap(),
            group.to_owned(),
            topic.to_owned(),
            RECORDS.to_string(),
            if unsubscribe { "unsubscribe" } else { "close" }.to_owned(),
            format!("group.protocol={protocol}"),
        ],
    )
    .expect("UnsubscribePeer");
}

/// What unsubscribing and closing commit, ours and Java's, in `protocol`.
async fn unsubscribe_then_close_as_javas(protocol: GroupProtocol, name: &str) {
    let peer = JavaPeer::new().expect("Java peer");
    let admin = admin();
    let (topic, ends) = filled_topic(&admin, "subscribed-auto-commit").await;
    let none: BTreeMap<TopicPartition, Option<i64>> =
        ends.keys().map(|tp| (tp.clone(), None)).collect();
    for unsubscribe in [true, false] {
        let ours = unique_topic("unsubscribe-ours");
        let java = unique_topic("unsubscribe-java");
        ours_subscribed(&ours, &topic, protocol, unsubscribe).await;
        javas_subscribed(&peer, &java, &topic, name, unsubscribe);
        let (o, j) = (
            committed(&admin, &ours, &ends).await,
            committed(&admin, &java, &ends).await,
        );
        println!("{name}, unsubscribe {unsubscribe}: ours {o:?}, Java's {j:?}");
        let want = if unsubscribe {
            // Unsubscribing gave the partitions up uncommitted; closing then had none.
            &none
        } else {
            &all_at_end(&ends)
        };
        assert_eq!(&j, want, "Java's, unsubscribe {unsubscribe}");
        assert_eq!(&o, want, "ours, unsubscribe {unsubscribe}");
    }
    admin.delete_topics(&[&topic]).await.expect("delete topic");
}

#[test]
fn classic_unsubscribe_commits_nothing_and_close_everything_as_javas() {
    runtime().block_on(unsubscribe_then_close_as_javas(
        GroupProtocol::Classic,
        "classic",
    ));
}

#[test]
fn consumer_protocol_unsubscribe_commits_nothing_and_close_everything_as_javas() {
    runtime().block_on(unsubscribe_then_close_as_javas(
        GroupProtocol::Consumer,
        "consumer",
    ));
}
