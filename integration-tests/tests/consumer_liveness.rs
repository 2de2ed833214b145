//! Commit ordering and `max.poll.interval.ms` against a real broker.
//!
//! * Asynchronous commits complete in the order they were issued, as Java's do: callbacks run
//!   in issue order, a later commit's completion implies every earlier one completed, and the
//!   last offset issued is the one the group keeps. Each is sent once, as Java's
//!   `commitAsync` is, so the test first waits for the group's coordinator to be ready, as an
//!   application that needs every asynchronous commit to land must.
//! * A member that stops polling for longer than `max.poll.interval.ms` leaves the group on
//!   its own: the other member gets its partitions, its partitions are reported lost, and its
//!   next poll joins again.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use integration_tests::{JavaPeer, kafka, unique_topic};
use kafka_client::config::{Assignor, AutoOffsetReset, ConsumerConfig, GroupProtocol};
use kafka_client::consumer::{
    Consumer, OffsetAndMetadata, RebalanceContext, RebalanceListener, TopicPartition,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_commits_complete_in_issue_order() {
    const COMMITS: i64 = 200;
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("commit-order");
    peer.produce(&bootstrap, &topic, 10, &[]).expect("produce");
    let tp = TopicPartition::new(topic.clone(), 0);
    let mut c = Consumer::new(
        ConsumerConfig::builder()
            .bootstrap_servers([bootstrap.as_str()])
            .group_id(unique_topic("commit-order-g"))
            .enable_auto_commit(false)
            .build()
            .unwrap(),
    )
    .unwrap();
    c.assign([tp.clone()]).unwrap();
    // On a fresh broker `__consumer_offsets` is created by the first group lookup: the group's
    // coordinator is missing (COORDINATOR_NOT_AVAILABLE), then not yet the partition's leader
    // (NOT_COORDINATOR). An asynchronous commit meeting that reports a retriable failure
    // without trying again, as Java's does; `committed` waits it out.
    let before = c.committed(std::slice::from_ref(&tp)).await.unwrap();
    assert!(
        !before.contains_key(&tp),
        "a new group has no offsets: {before:?}"
    );

    let order: Arc<Mutex<Vec<i64>>> = Arc::default();
    let mut handles = Vec::new();
    for i in 1..=COMMITS {
        let offsets = BTreeMap::from([(tp.clone(), OffsetAndMetadata::new(i))]);
        let order = order.clone();
        handles.push(
            c.commit_async_with(Some(offsets), move |r| {
                assert!(r.is_ok(), "commit {i}: {r:?}");
                order.lock().unwrap().push(i);
            })
            .unwrap(),
        );
    }
    // Waiting for the last commit alone is enough: the earlier ones are done by then.
    let last = handles.pop().unwrap();
    last.await.unwrap().unwrap();
    assert_eq!(
        *order.lock().unwrap(),
        (1..=COMMITS).collect::<Vec<_>>(),
        "callbacks ran in issue order, all before the last commit completed"
    );
    for h in handles {
        assert!(h.is_finished(), "an earlier commit outlived a later one");
        h.await.unwrap().unwrap();
    }
    assert_eq!(
        c.committed(std::slice::from_ref(&tp)).await.unwrap()[&tp].offset,
        COMMITS,
        "the last offset issued is the one kept"
    );

    // A synchronous commit waits for asynchronous ones issued before it.
    let flag: Arc<Mutex<bool>> = Arc::default();
    let f = flag.clone();
    let before = c
        .commit_async_with(
            Some(BTreeMap::from([(tp.clone(), OffsetAndMetadata::new(5))])),
            move |_| *f.lock().unwrap() = true,
        )
        .unwrap();
    c.commit_sync(Some(BTreeMap::from([(
        tp.clone(),
        OffsetAndMetadata::new(7),
    )])))
    .await
    .unwrap();
    assert!(*flag.lock().unwrap(), "the async commit finished first");
    before.await.unwrap().unwrap();
    assert_eq!(
        c.committed(std::slice::from_ref(&tp)).await.unwrap()[&tp].offset,
        7
    );
    c.close().await.unwrap();
}

#[derive(Default)]
struct Events {
    assigned: Vec<BTreeSet<i32>>,
    revoked: Vec<BTreeSet<i32>>,
    lost: Vec<BTreeSet<i32>>,
}

struct Recorder(Arc<Mutex<Events>>);

fn set(ps: &[TopicPartition]) -> BTreeSet<i32> {
    ps.iter().map(|tp| tp.partition).collect()
}

impl RebalanceListener for Recorder {
    fn on_partitions_assigned(&mut self, _: &mut RebalanceContext, ps: &[TopicPartition]) {
        self.0.lock().unwrap().assigned.push(set(ps));
    }
    fn on_partitions_revoked(&mut self, _: &mut RebalanceContext, ps: &[TopicPartition]) {
        self.0.lock().unwrap().revoked.push(set(ps));
    }
    fn on_partitions_lost(&mut self, _: &mut RebalanceContext, ps: &[TopicPartition]) {
        self.0.lock().unwrap().lost.push(set(ps));
    }
}

fn config(bootstrap: &str, group: &str, protocol: GroupProtocol) -> ConsumerConfig {
    let mut b = ConsumerConfig::builder()
        .bootstrap_servers([bootstrap])
        .group_id(group)
        .auto_offset_reset(AutoOffsetReset::Earliest)
        .enable_auto_commit(false)
        .group_protocol(protocol)
        .max_poll_interval(Duration::from_secs(3));
    if protocol == GroupProtocol::Classic {
        b = b
            .partition_assignment_strategy(vec![Assignor::CooperativeSticky])
            // Far longer than the test's deadlines: the partitions can only move because the
            // member left on its own, not because the coordinator gave up on its session.
            .session_timeout(Duration::from_secs(300))
            .heartbeat_interval(Duration::from_millis(500));
    }
    b.build().unwrap()
}

/// The other member: polls every 100 ms in its own task until told to stop, publishing its
/// assignment.
fn spawn_busy(
    config: ConsumerConfig,
    topic: String,
    owned: Arc<Mutex<BTreeSet<i32>>>,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut c = Consumer::new(config).unwrap();
        c.subscribe([topic], None).unwrap();
        while !stop.load(Ordering::SeqCst) {
            c.poll(Duration::from_millis(100))
                .await
                .expect("busy member poll");
            *owned.lock().unwrap() = c.assignment().iter().map(|tp| tp.partition).collect();
        }
        c.close().await.unwrap();
    })
}

async fn poll_interval_expiry(protocol: GroupProtocol) {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("poll-interval");
    peer.run_class(
        "GroupPeer",
        &[
            "create".into(),
            bootstrap.clone(),
            topic.clone(),
            "4".into(),
        ],
    )
    .expect("create topic");
    let group = unique_topic("poll-interval-g");
    let slow_events: Arc<Mutex<Events>> = Arc::default();
    let mut slow = Consumer::new(config(&bootstrap, &group, protocol)).unwrap();
    slow.subscribe(
        [topic.clone()],
        Some(Box::new(Recorder(slow_events.clone()))),
    )
    .unwrap();
    let busy_owned: Arc<Mutex<BTreeSet<i32>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let busy = spawn_busy(
        config(&bootstrap, &group, protocol),
        topic.clone(),
        busy_owned.clone(),
        stop.clone(),
    );
    let busy_has = |n: usize| busy_owned.lock().unwrap().len() == n;

    // Both members share the 4 partitions.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    while slow.assignment().is_empty()
        || busy_owned.lock().unwrap().len() + slow.assignment().len() != 4
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no shared assignment: {:?} / {:?}",
            slow.assignment(),
            busy_owned.lock().unwrap()
        );
        slow.poll(Duration::from_millis(100)).await.unwrap();
    }
    let slow_had = slow.assignment();
    // Forming the group may have taken more than one rebalance; only what follows counts.
    let formed = std::mem::take(&mut *slow_events.lock().unwrap());
    eprintln!(
        "group formed: slow {slow_had:?}; its callbacks so far: assigned {:?} revoked {:?} lost {:?}",
        formed.assigned, formed.revoked, formed.lost
    );
    let (_, slow_member) = slow.group_metadata().unwrap();

    // `slow` stops polling; `busy` gets everything once `slow` has left on its own.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    while !busy_has(4) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the busy member never got all 4 partitions: {:?}",
            busy_owned.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // No callback runs while the member is not polling, as in Java.
    {
        let e = slow_events.lock().unwrap();
        assert!(
            e.lost.is_empty() && e.assigned.is_empty() && e.revoked.is_empty(),
            "callbacks while not polling: assigned {:?} revoked {:?} lost {:?}",
            e.assigned,
            e.revoked,
            e.lost
        );
    }
    assert_eq!(
        slow.assignment(),
        slow_had,
        "nothing changes until it polls"
    );

    // Its next poll reports the loss and joins again, and the group shares the partitions.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    while slow.assignment().is_empty() || busy_has(4) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the slow member did not rejoin: {:?} / {:?}",
            slow.assignment(),
            busy_owned.lock().unwrap()
        );
        slow.poll(Duration::from_millis(100)).await.unwrap();
    }
    {
        let e = slow_events.lock().unwrap();
        let lost: BTreeSet<i32> = e.lost.iter().flatten().copied().collect();
        let had: BTreeSet<i32> = slow_had.iter().map(|tp| tp.partition).collect();
        assert_eq!(lost, had, "every partition it held was reported lost");
        assert!(
            e.revoked.iter().all(|r| r.is_disjoint(&had)),
            "lost, not revoked: {:?}",
            e.revoked
        );
        assert!(!e.assigned.is_empty(), "assigned again after rejoining");
    }
    let (_, member_now) = slow.group_metadata().unwrap();
    if protocol == GroupProtocol::Classic {
        assert_ne!(member_now, slow_member, "it joined as a new member");
    }
    stop.store(true, Ordering::SeqCst);
    busy.await.unwrap();
    slow.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_that_stops_polling_leaves_and_rejoins_classic() {
    poll_interval_expiry(GroupProtocol::Classic).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_that_stops_polling_leaves_and_rejoins_kip848() {
    poll_interval_expiry(GroupProtocol::Consumer).await;
}
