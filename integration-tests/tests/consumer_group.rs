//! Consumer groups against a real broker: our consumers alone (classic protocol with
//! cooperative-sticky, and KIP-848), members joining and leaving while records flow, a group
//! shared with Java's KafkaConsumer, and static membership.
//!
//! A shared ledger records who owns which partition (from the rebalance callbacks) and who
//! processed which record. It fails the test when a partition is assigned to a member while
//! another still owns it, unless that other member then reports the partition lost (it was
//! expelled from the group, see [`Ledger`]); or when a record is processed by a member that does
//! not own its partition.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use integration_tests::{JavaPeer, kafka, unique_topic};
use kafka_client::config::{
    Assignor, AutoOffsetReset, ConsumerConfig, GroupProtocol, ProducerConfig,
};
use kafka_client::consumer::{Consumer, RebalanceContext, RebalanceListener, TopicPartition};
use kafka_client::producer::{Producer, ProducerRecord};

/// Partition ownership as the rebalance callbacks tell it, with Java's rules.
///
/// The cooperative protocol never gives a partition to a member while another member of the
/// group still owns it. But a member can be expelled from the group (session timeout under
/// load, rebalance timeout, poll timeout) while it believes it owns partitions: the group moves
/// on without it, and it learns so only on its next heartbeat or poll, when its partitions are
/// reported lost (`on_partitions_lost`: "another member may own them already"). So a partition
/// given to a member while another still owns it is a hand-over that the old owner must
/// settle with "lost". Its "revoked" (it was still a member, and the partition was owned twice)
/// is a violation, and so is a hand-over never settled. Until it learns, the old owner may
/// still process records of the partition (fetched before it knew), as a Java member does.
#[derive(Default)]
struct Ledger {
    owners: HashMap<i32, String>,
    /// (partition, old owner) -> new owner, for partitions given away while owned.
    handed_over: HashMap<(i32, String), String>,
    /// (partition, offset) -> [(member, generation)]
    processed: HashMap<(i32, i64), Vec<(String, i32)>>,
    violations: Vec<String>,
    errors: Vec<String>,
    assignments: BTreeMap<String, BTreeSet<i32>>,
    callbacks: HashMap<String, usize>,
}

impl Ledger {
    fn assign(&mut self, me: &str, partitions: &[i32]) {
        for p in partitions {
            if let Some(other) = self.owners.get(p)
                && other != me
            {
                self.handed_over.insert((*p, other.clone()), me.to_owned());
            }
            self.owners.insert(*p, me.to_owned());
            self.assignments
                .entry(me.to_owned())
                .or_default()
                .insert(*p);
        }
        *self.callbacks.entry(me.to_owned()).or_default() += 1;
    }

    /// `on_partitions_revoked`: the member gives up partitions it still owned as a member.
    fn revoke(&mut self, me: &str, partitions: &[i32]) {
        for p in partitions {
            if let Some(new) = self.handed_over.remove(&(*p, me.to_owned())) {
                self.violations.push(format!(
                    "{new} got partition {p} while {me} still owned it ({me} revoked it later, \
                     so it was still a member)"
                ));
            }
        }
        self.give_up(me, partitions);
    }

    /// `on_partitions_lost`: the member was no longer in the group; a hand-over of these
    /// partitions is settled.
    fn lost(&mut self, me: &str, partitions: &[i32]) {
        for p in partitions {
            self.handed_over.remove(&(*p, me.to_owned()));
        }
        self.give_up(me, partitions);
    }

    fn give_up(&mut self, me: &str, partitions: &[i32]) {
        for p in partitions {
            if self.owners.get(p).map(String::as_str) == Some(me) {
                self.owners.remove(p);
            }
            if let Some(a) = self.assignments.get_mut(me) {
                a.remove(p);
            }
        }
        *self.callbacks.entry(me.to_owned()).or_default() += 1;
    }

    fn record(&mut self, me: &str, generation: i32, partition: i32, offset: i64) {
        let owner = self.owners.get(&partition).map(String::as_str) == Some(me);
        let expelled_not_told = self.handed_over.contains_key(&(partition, me.to_owned()));
        if !owner && !expelled_not_told {
            self.violations.push(format!(
                "{me} processed {partition}@{offset} without owning the partition (owner {:?})",
                self.owners.get(&partition)
            ));
        }
        self.processed
            .entry((partition, offset))
            .or_default()
            .push((me.to_owned(), generation));
    }

    /// The violations, with every hand-over its old owner never settled.
    fn all_violations(&self) -> Vec<String> {
        let mut all = self.violations.clone();
        all.extend(self.handed_over.iter().map(|((p, old), new)| {
            format!(
                "{new} got partition {p} while {old} still owned it, and {old} never gave it up"
            )
        }));
        all
    }
}

type Shared = Arc<Mutex<Ledger>>;

struct LedgerListener {
    me: String,
    ledger: Shared,
}

fn numbers(partitions: &[TopicPartition]) -> Vec<i32> {
    partitions.iter().map(|tp| tp.partition).collect()
}

impl RebalanceListener for LedgerListener {
    fn on_partitions_revoked(&mut self, ctx: &mut RebalanceContext, partitions: &[TopicPartition]) {
        // Commit what was consumed while still the owner.
        ctx.commit_positions(partitions);
        self.ledger
            .lock()
            .unwrap()
            .revoke(&self.me, &numbers(partitions));
    }

    fn on_partitions_assigned(
        &mut self,
        _ctx: &mut RebalanceContext,
        partitions: &[TopicPartition],
    ) {
        self.ledger
            .lock()
            .unwrap()
            .assign(&self.me, &numbers(partitions));
    }

    fn on_partitions_lost(&mut self, _ctx: &mut RebalanceContext, partitions: &[TopicPartition]) {
        self.ledger
            .lock()
            .unwrap()
            .lost(&self.me, &numbers(partitions));
    }
}

fn member_config(
    bootstrap: &str,
    group: &str,
    protocol: GroupProtocol,
    instance: Option<&str>,
) -> ConsumerConfig {
    let mut b = ConsumerConfig::builder()
        .bootstrap_servers([bootstrap])
        .group_id(group)
        .auto_offset_reset(AutoOffsetReset::Earliest)
        .enable_auto_commit(false)
        .max_poll_records(200)
        .group_protocol(protocol);
    if protocol == GroupProtocol::Classic {
        b = b
            .partition_assignment_strategy(vec![Assignor::CooperativeSticky])
            .session_timeout(Duration::from_secs(30))
            .heartbeat_interval(Duration::from_secs(1));
    }
    if let Some(id) = instance {
        b = b.group_instance_id(id);
    }
    b.build().expect("config")
}

/// Runs one member until `stop`; `pace` slows processing so rebalances happen mid-stream.
async fn run_member(
    name: String,
    config: ConsumerConfig,
    topic: String,
    ledger: Shared,
    stop: Arc<AtomicBool>,
    pace: Duration,
) -> Consumer {
    let mut c = Consumer::new(config).expect("consumer");
    c.subscribe(
        [topic],
        Some(Box::new(LedgerListener {
            me: name.clone(),
            ledger: ledger.clone(),
        })),
    )
    .expect("subscribe");
    while !stop.load(Ordering::SeqCst) {
        let records = match c.poll(Duration::from_millis(200)).await {
            Ok(r) => r,
            Err(e) => {
                ledger
                    .lock()
                    .unwrap()
                    .errors
                    .push(format!("{name}: poll: {e}"));
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        let generation = c.group_metadata().map_or(-1, |g| g.0);
        if !records.is_empty() {
            {
                let mut l = ledger.lock().unwrap();
                for r in &records {
                    l.record(&name, generation, r.partition, r.offset);
                }
            }
            if !pace.is_zero() {
                tokio::time::sleep(pace).await;
            }
            if let Err(e) = c.commit_sync(None).await {
                // A commit racing a rebalance may be refused; the revoke callback commits.
                eprintln!("{name}: commit failed: {e}");
            }
        }
    }
    c
}

fn create_topic(peer: &JavaPeer, bootstrap: &str, topic: &str, partitions: usize) {
    peer.run_class(
        "GroupPeer",
        &[
            "create".into(),
            bootstrap.into(),
            topic.into(),
            partitions.to_string(),
        ],
    )
    .expect("create topic");
}

/// The end offset of each partition after producing `n` more records.
fn produce(peer: &JavaPeer, bootstrap: &str, topic: &str, n: usize) -> BTreeMap<i32, i64> {
    let acks = peer
        .produce(
            bootstrap,
            topic,
            n,
            &[("linger.ms", "10"), ("batch.size", "65536")],
        )
        .expect("produce");
    assert_eq!(acks.len(), n);
    let mut ends: BTreeMap<i32, i64> = BTreeMap::new();
    for (p, o, _) in acks {
        let e = ends.entry(p).or_default();
        *e = (*e).max(o + 1);
    }
    ends
}

async fn wait_for(what: &str, limit: Duration, ledger: &Shared, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {}",
            dump(ledger)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn dump(ledger: &Shared) -> String {
    let l = ledger.lock().unwrap();
    let mut per_member: BTreeMap<String, usize> = BTreeMap::new();
    for v in l.processed.values() {
        for (m, _) in v {
            *per_member.entry(m.clone()).or_default() += 1;
        }
    }
    let mut per_partition: BTreeMap<i32, (usize, i64)> = BTreeMap::new();
    for (p, o) in l.processed.keys() {
        let e = per_partition.entry(*p).or_insert((0, -1));
        e.0 += 1;
        e.1 = e.1.max(*o);
    }
    format!(
        "processed {} records by {:?}; per partition (count, max offset) {:?}; assignments {:?}; errors {:?}; violations {:?}",
        l.processed.len(),
        per_member,
        per_partition,
        l.assignments,
        l.errors,
        &l.all_violations()[..l.all_violations().len().min(5)]
    )
}

fn all_processed(ledger: &Shared, per: &BTreeMap<i32, i64>) -> bool {
    let l = ledger.lock().unwrap();
    // Cheap until it can be true: the full check walks every offset.
    if (l.processed.len() as i64) < per.values().sum::<i64>() {
        return false;
    }
    per.iter()
        .all(|(p, n)| (0..*n).all(|o| l.processed.contains_key(&(*p, o))))
}

fn balanced(ledger: &Shared, members: usize, partitions: usize) -> bool {
    let l = ledger.lock().unwrap();
    let sizes: Vec<usize> = l
        .assignments
        .values()
        .map(|a| a.len())
        .filter(|n| *n > 0)
        .collect();
    sizes.len() == members
        && sizes.iter().sum::<usize>() == partitions
        && sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1
}

/// Records processed by two members within one generation (classic only: KIP-848 epochs
/// are per member).
fn same_generation_duplicates(ledger: &Shared) -> usize {
    let l = ledger.lock().unwrap();
    l.processed
        .values()
        .filter(|v| {
            v.iter()
                .any(|(m, g)| v.iter().any(|(m2, g2)| m != m2 && g == g2))
        })
        .count()
}

/// The end offset of each of `partitions` after writing `n` records round-robin with our
/// producer (in bulk: up to 64 KiB batches, every acknowledgement awaited at the end).
async fn produce_bulk(
    bootstrap: &str,
    topic: &str,
    partitions: i32,
    n: usize,
) -> BTreeMap<i32, i64> {
    let p = Producer::new(
        ProducerConfig::builder()
            .bootstrap_servers([bootstrap])
            .set("linger.ms", "20")
            .unwrap()
            .set("batch.size", "65536")
            .unwrap()
            .build()
            .expect("producer config"),
    )
    .expect("producer");
    let mut acks = Vec::with_capacity(n);
    for i in 0..n {
        let r = ProducerRecord::new(topic, format!("v{i:07}")).partition(i as i32 % partitions);
        acks.push(p.send(r).await.expect("queued"));
    }
    let mut ends: BTreeMap<i32, i64> = BTreeMap::new();
    for a in acks {
        let m = a.await.expect("acknowledged");
        let e = ends.entry(m.partition).or_default();
        *e = (*e).max(m.offset + 1);
    }
    p.close(Duration::from_secs(10)).await;
    ends
}

async fn three_members(protocol: GroupProtocol) {
    // The scale: 1M records over 12 partitions.
    const RECORDS: usize = 1_000_000;
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("group3");
    create_topic(&peer, &bootstrap, &topic, 12);
    let started = std::time::Instant::now();
    let per = produce_bulk(&bootstrap, &topic, 12, RECORDS).await;
    eprintln!(
        "three_members({protocol:?}): produced {RECORDS} in {:?}",
        started.elapsed()
    );
    assert_eq!(per.len(), 12, "records reached every partition");
    assert_eq!(per.values().sum::<i64>(), RECORDS as i64);
    let group = unique_topic("group3-g");
    let ledger: Shared = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let members: Vec<_> = (0..3)
        .map(|i| {
            tokio::spawn(run_member(
                format!("m{i}"),
                member_config(&bootstrap, &group, protocol, None),
                topic.clone(),
                ledger.clone(),
                stop.clone(),
                Duration::ZERO,
            ))
        })
        .collect();
    let started = std::time::Instant::now();
    wait_for("every record", Duration::from_secs(600), &ledger, || {
        all_processed(&ledger, &per)
    })
    .await;
    eprintln!(
        "three_members({protocol:?}): consumed {RECORDS} in {:?}",
        started.elapsed()
    );
    wait_for(
        "a balanced assignment",
        Duration::from_secs(30),
        &ledger,
        || balanced(&ledger, 3, 12),
    )
    .await;
    stop.store(true, Ordering::SeqCst);
    for m in members {
        m.await.expect("member task").close().await.expect("close");
    }
    let l = ledger.lock().unwrap();
    assert!(
        l.all_violations().is_empty(),
        "{:#?}",
        &l.all_violations()[..l.all_violations().len().min(10)]
    );
    assert!(l.errors.is_empty(), "{:#?}", l.errors);
    assert_eq!(l.processed.len(), RECORDS);
    drop(l);
    if protocol == GroupProtocol::Classic {
        assert_eq!(same_generation_duplicates(&ledger), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_members_share_twelve_partitions_classic() {
    three_members(GroupProtocol::Classic).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_members_share_twelve_partitions_kip848() {
    three_members(GroupProtocol::Consumer).await;
}

async fn join_and_leave(protocol: GroupProtocol) {
    const RECORDS: usize = 40_000;
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("churn");
    create_topic(&peer, &bootstrap, &topic, 12);
    let per = produce(&peer, &bootstrap, &topic, RECORDS);
    let group = unique_topic("churn-g");
    let ledger: Shared = Arc::default();
    let pace = Duration::from_millis(40);
    let spawn = |name: &str, stop: &Arc<AtomicBool>| {
        tokio::spawn(run_member(
            name.to_owned(),
            member_config(&bootstrap, &group, protocol, None),
            topic.clone(),
            ledger.clone(),
            stop.clone(),
            pace,
        ))
    };
    let processed = |l: &Shared| l.lock().unwrap().processed.len();
    let all_stop = Arc::new(AtomicBool::new(false));
    let b_stop = Arc::new(AtomicBool::new(false));
    let a = spawn("a", &all_stop);
    wait_for("a to start", Duration::from_secs(60), &ledger, || {
        processed(&ledger) > 2_000
    })
    .await;
    let b = spawn("b", &b_stop);
    wait_for("b to start", Duration::from_secs(60), &ledger, || {
        processed(&ledger) > 8_000
    })
    .await;
    let c = spawn("c", &all_stop);
    wait_for("progress", Duration::from_secs(60), &ledger, || {
        processed(&ledger) > 16_000
    })
    .await;
    b_stop.store(true, Ordering::SeqCst);
    b.await.expect("b").close().await.expect("b leaves");
    wait_for("progress", Duration::from_secs(60), &ledger, || {
        processed(&ledger) > 24_000
    })
    .await;
    let d = spawn("d", &all_stop);
    wait_for("every record", Duration::from_secs(110), &ledger, || {
        all_processed(&ledger, &per)
    })
    .await;
    all_stop.store(true, Ordering::SeqCst);
    for m in [a, c, d] {
        m.await.expect("member").close().await.expect("close");
    }
    {
        let l = ledger.lock().unwrap();
        assert!(
            l.all_violations().is_empty(),
            "{:#?}",
            &l.all_violations()[..l.all_violations().len().min(10)]
        );
        assert!(l.errors.is_empty(), "{:#?}", l.errors);
    }

    // Nothing committed was lost: the group's committed offsets reach the end of every
    // partition.
    let mut check = Consumer::new(member_config(
        &bootstrap,
        &group,
        GroupProtocol::Classic,
        None,
    ))
    .unwrap();
    let tps: Vec<TopicPartition> = (0..12)
        .map(|p| TopicPartition::new(topic.clone(), p))
        .collect();
    let committed = check.committed(&tps).await.unwrap();
    let ends = check.end_offsets(&tps).await.unwrap();
    for tp in &tps {
        assert_eq!(committed.get(tp).map(|o| o.offset), Some(ends[tp]), "{tp}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn members_join_and_leave_while_records_flow_cooperative() {
    join_and_leave(GroupProtocol::Classic).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn members_join_and_leave_while_records_flow_kip848() {
    join_and_leave(GroupProtocol::Consumer).await;
}

struct JavaMember {
    child: Child,
    reader: std::thread::JoinHandle<()>,
}

fn spawn_java_member(
    peer: &JavaPeer,
    bootstrap: &str,
    group: &str,
    topic: &str,
    name: &str,
    ledger: Shared,
    protocol: GroupProtocol,
) -> JavaMember {
    let protocol_arg = match protocol {
        GroupProtocol::Classic => "group.protocol=classic",
        GroupProtocol::Consumer => "group.protocol=consumer",
    };
    let mut child = peer
        .command("GroupPeer")
        .args(["member", bootstrap, group, topic, name, protocol_arg])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn Java member");
    let out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let split = |s: &str| -> Vec<i32> {
            s.split(',')
                .filter(|x| !x.is_empty())
                .map(|x| x.parse().unwrap())
                .collect()
        };
        for line in BufReader::new(out).lines() {
            let line = line.unwrap();
            let f: Vec<&str> = line.split('\t').collect();
            let mut l = ledger.lock().unwrap();
            match f.as_slice() {
                ["ASSIGNED", name, _, parts] => l.assign(name, &split(parts)),
                ["REVOKED", name, _, parts] => l.revoke(name, &split(parts)),
                ["LOST", name, _, parts] => l.lost(name, &split(parts)),
                ["ASSIGNED", name, _] => l.assign(name, &[]),
                ["REVOKED", name, _] => l.revoke(name, &[]),
                ["LOST", name, _] => l.lost(name, &[]),
                ["RECORD", name, g, p, o] => l.record(
                    name,
                    g.parse().unwrap(),
                    p.parse().unwrap(),
                    o.parse().unwrap(),
                ),
                _ => {}
            }
        }
    });
    JavaMember { child, reader }
}

fn stop_java(mut m: JavaMember) {
    let _ = m.child.stdin.as_mut().unwrap().write_all(b"stop\n");
    let status = m.child.wait().expect("java member exits");
    assert!(status.success(), "java member failed: {status}");
    m.reader.join().unwrap();
}

async fn mixed_group(java_first: bool, protocol: GroupProtocol) {
    const RECORDS: usize = 10_000;
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("mixed");
    create_topic(&peer, &bootstrap, &topic, 12);
    // Half before anyone joins, half once all four members share the partitions, so both
    // sides have records to read whoever came first.
    produce(&peer, &bootstrap, &topic, RECORDS);
    let group = unique_topic("mixed-g");
    let ledger: Shared = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let owns_something = |l: &Shared, who: &str| {
        l.lock()
            .unwrap()
            .assignments
            .iter()
            .any(|(m, a)| m.starts_with(who) && !a.is_empty())
    };
    let mut java = Vec::new();
    let mut rust = Vec::new();
    let pace = Duration::from_millis(20);
    for round in 0..2 {
        if java_first == (round == 0) {
            for i in 0..2 {
                java.push(spawn_java_member(
                    &peer,
                    &bootstrap,
                    &group,
                    &topic,
                    &format!("java{i}"),
                    ledger.clone(),
                    protocol,
                ));
            }
            wait_for("Java members", Duration::from_secs(60), &ledger, || {
                owns_something(&ledger, "java")
            })
            .await;
        } else {
            for i in 0..2 {
                rust.push(tokio::spawn(run_member(
                    format!("rust{i}"),
                    member_config(&bootstrap, &group, protocol, None),
                    topic.clone(),
                    ledger.clone(),
                    stop.clone(),
                    pace,
                )));
            }
            wait_for("Rust members", Duration::from_secs(60), &ledger, || {
                owns_something(&ledger, "rust")
            })
            .await;
        }
    }
    wait_for(
        "a balanced assignment",
        Duration::from_secs(60),
        &ledger,
        || balanced(&ledger, 4, 12),
    )
    .await;
    let per = produce(&peer, &bootstrap, &topic, RECORDS);
    wait_for("every record", Duration::from_secs(110), &ledger, || {
        all_processed(&ledger, &per)
    })
    .await;
    {
        let l = ledger.lock().unwrap();
        let by_side = |side: &str| {
            l.processed
                .values()
                .filter(|v| v.iter().any(|(m, _)| m.starts_with(side)))
                .count()
        };
        assert!(by_side("java") > 0, "Java members consumed nothing");
        assert!(by_side("rust") > 0, "our members consumed nothing");
        assert!(
            l.all_violations().is_empty(),
            "{:#?}",
            &l.all_violations()[..l.all_violations().len().min(10)]
        );
        assert!(l.errors.is_empty(), "{:#?}", l.errors);
    }
    stop.store(true, Ordering::SeqCst);
    for m in rust {
        m.await.expect("rust member").close().await.expect("close");
    }
    for m in java {
        stop_java(m);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mixed_group_with_java_leader() {
    mixed_group(true, GroupProtocol::Classic).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mixed_group_with_our_leader() {
    mixed_group(false, GroupProtocol::Classic).await;
}

async fn static_restart(protocol: GroupProtocol) {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("static");
    create_topic(&peer, &bootstrap, &topic, 4);
    produce(&peer, &bootstrap, &topic, 400);
    let group = unique_topic("static-g");
    let ledger: Shared = Arc::default();
    let stop_all = Arc::new(AtomicBool::new(false));
    let stop_1 = Arc::new(AtomicBool::new(false));
    let cfg = |id: &str| member_config(&bootstrap, &group, protocol, Some(id));
    let s2 = tokio::spawn(run_member(
        "s2".into(),
        cfg("s2"),
        topic.clone(),
        ledger.clone(),
        stop_all.clone(),
        Duration::ZERO,
    ));
    let s1 = tokio::spawn(run_member(
        "s1".into(),
        cfg("s1"),
        topic.clone(),
        ledger.clone(),
        stop_1.clone(),
        Duration::ZERO,
    ));
    wait_for(
        "a balanced assignment",
        Duration::from_secs(60),
        &ledger,
        || balanced(&ledger, 2, 4),
    )
    .await;
    // Let the group settle, then note s2's callbacks and s1's partitions.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (s2_callbacks, s1_parts) = {
        let l = ledger.lock().unwrap();
        (l.callbacks["s2"], l.assignments["s1"].clone())
    };
    stop_1.store(true, Ordering::SeqCst);
    let old = s1.await.expect("s1");
    let old_generation = old.group_metadata().map(|g| g.0);
    // A static member's close does not leave the group (classic), or leaves with epoch -2
    // (KIP-848), so the coordinator keeps its place.
    old.close().await.expect("close");
    // The process "restarts": the same instance id, well within session.timeout.ms.
    ledger
        .lock()
        .unwrap()
        .revoke("s1", &s1_parts.iter().copied().collect::<Vec<_>>());
    let stop_again = Arc::new(AtomicBool::new(false));
    let again = tokio::spawn(run_member(
        "s1".into(),
        cfg("s1"),
        topic.clone(),
        ledger.clone(),
        stop_again.clone(),
        Duration::ZERO,
    ));
    wait_for("s1 back", Duration::from_secs(60), &ledger, || {
        ledger
            .lock()
            .unwrap()
            .assignments
            .get("s1")
            .is_some_and(|a| !a.is_empty())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    {
        let l = ledger.lock().unwrap();
        assert_eq!(
            l.assignments["s1"], s1_parts,
            "the restarted member gets its partitions back"
        );
        assert_eq!(l.callbacks["s2"], s2_callbacks, "s2 saw no rebalance");
        assert!(l.all_violations().is_empty(), "{:#?}", l.all_violations());
        assert!(l.errors.is_empty(), "{:#?}", l.errors);
    }
    stop_again.store(true, Ordering::SeqCst);
    stop_all.store(true, Ordering::SeqCst);
    let again = again.await.expect("s1 again");
    if protocol == GroupProtocol::Classic {
        assert_eq!(
            again.group_metadata().map(|g| g.0),
            old_generation,
            "same generation"
        );
    }
    again.close().await.unwrap();
    s2.await.expect("s2").close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn static_member_restart_keeps_partitions_without_rebalance_classic() {
    static_restart(GroupProtocol::Classic).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn static_member_restart_keeps_partitions_without_rebalance_kip848() {
    static_restart(GroupProtocol::Consumer).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn added_partitions_are_assigned_after_the_leader_notices() {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("grow");
    create_topic(&peer, &bootstrap, &topic, 2);
    let group = unique_topic("grow-g");
    let ledger: Shared = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let config = || {
        ConsumerConfig::builder()
            .bootstrap_servers([bootstrap.as_str()])
            .group_id(group.as_str())
            .auto_offset_reset(AutoOffsetReset::Earliest)
            .enable_auto_commit(false)
            .partition_assignment_strategy(vec![Assignor::CooperativeSticky])
            .metadata_max_age(Duration::from_secs(1))
            .build()
            .unwrap()
    };
    let members: Vec<_> = ["g0", "g1"]
        .into_iter()
        .map(|name| {
            tokio::spawn(run_member(
                name.into(),
                config(),
                topic.clone(),
                ledger.clone(),
                stop.clone(),
                Duration::ZERO,
            ))
        })
        .collect();
    wait_for(
        "two partitions shared",
        Duration::from_secs(60),
        &ledger,
        || balanced(&ledger, 2, 2),
    )
    .await;
    peer.run_class(
        "GroupPeer",
        &[
            "partitions".into(),
            bootstrap.clone(),
            topic.clone(),
            "6".into(),
        ],
    )
    .expect("grow the topic");
    wait_for(
        "six partitions shared",
        Duration::from_secs(60),
        &ledger,
        || balanced(&ledger, 2, 6),
    )
    .await;
    stop.store(true, Ordering::SeqCst);
    for m in members {
        m.await.expect("member").close().await.expect("close");
    }
    let l = ledger.lock().unwrap();
    assert!(l.all_violations().is_empty(), "{:#?}", l.all_violations());
    assert!(l.errors.is_empty(), "{:#?}", l.errors);
}

/// A custom assignor, as the streams runtime will plug in: each member's user data names it;
/// the leader gives every partition to the member named "boss" and tells each member, in the
/// assignment's user data, which member got them.
#[derive(Debug)]
struct BossAssignor {
    me: String,
    told: Mutex<Option<(String, i32)>>,
}

impl kafka_client::consumer::assignor::PartitionAssignor for BossAssignor {
    fn name(&self) -> &str {
        "boss"
    }

    fn subscription_user_data(&self, _topics: &[String]) -> Option<bytes::Bytes> {
        Some(bytes::Bytes::from(self.me.clone()))
    }

    fn assign(
        &self,
        partitions: &kafka_client::consumer::assignor::PartitionsPerTopic,
        members: &[kafka_client::consumer::assignor::GroupMember],
    ) -> Result<
        BTreeMap<String, kafka_client::consumer::assignor::Assignment>,
        kafka_client::consumer::assignor::AssignorError,
    > {
        // Until the boss has joined, nobody gets anything.
        let boss = members
            .iter()
            .find(|m| m.subscription.user_data.as_deref() == Some(b"boss".as_slice()))
            .map_or_else(|| "nobody".to_owned(), |m| m.member_id.clone());
        Ok(members
            .iter()
            .map(|m| {
                let mine = m.member_id == boss;
                let partitions = partitions
                    .iter()
                    .flat_map(|(t, n)| (0..*n).map(|p| TopicPartition::new(t.clone(), p)))
                    .filter(|_| mine)
                    .collect();
                (
                    m.member_id.clone(),
                    kafka_client::consumer::assignor::Assignment {
                        partitions,
                        user_data: Some(bytes::Bytes::from(format!("boss is {boss}"))),
                    },
                )
            })
            .collect())
    }

    fn on_assignment(
        &self,
        assignment: &kafka_client::consumer::assignor::Assignment,
        generation_id: i32,
    ) {
        let text = String::from_utf8_lossy(assignment.user_data.as_deref().unwrap_or_default());
        *self.told.lock().unwrap() = Some((text.into_owned(), generation_id));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_custom_assignor_exchanges_its_own_user_data() {
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("custom-assignor");
    create_topic(&peer, &bootstrap, &topic, 3);
    let group = unique_topic("custom-g");
    let config = || member_config(&bootstrap, &group, GroupProtocol::Classic, None);
    let boss = Arc::new(BossAssignor {
        me: "boss".into(),
        told: Mutex::new(None),
    });
    let worker = Arc::new(BossAssignor {
        me: "worker".into(),
        told: Mutex::new(None),
    });
    // Each member polls in its own task (a member blocked in JoinGroup waits for the others
    // to poll), publishing its assignment size and (generation, member id) after every poll.
    type Seen = Arc<Mutex<(usize, Option<(i32, String)>)>>;
    let stop = Arc::new(AtomicBool::new(false));
    let run = |assignor: Arc<BossAssignor>, seen: Seen| {
        let (config, topic, stop) = (config(), topic.clone(), stop.clone());
        tokio::spawn(async move {
            let mut c = Consumer::with_assignors(config, vec![assignor]).unwrap();
            c.subscribe([topic], None).unwrap();
            while !stop.load(Ordering::SeqCst) {
                c.poll(Duration::from_millis(200)).await.unwrap();
                *seen.lock().unwrap() = (c.assignment().len(), c.group_metadata());
            }
            c.close().await.unwrap();
        })
    };
    let (seen_a, seen_b): (Seen, Seen) = (Arc::default(), Arc::default());
    let a = run(boss.clone(), seen_a.clone());
    let b = run(worker.clone(), seen_b.clone());
    let settled = || {
        let (na, ga) = seen_a.lock().unwrap().clone();
        let (nb, gb) = seen_b.lock().unwrap().clone();
        let same_generation = matches!((&ga, &gb), (Some(x), Some(y)) if x.0 == y.0);
        let told = worker.told.lock().unwrap().clone();
        let told_now = matches!((&told, &ga), (Some(t), Some(g)) if t.1 == g.0);
        na == 3 && nb == 0 && same_generation && told_now
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !settled() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the group did not settle"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (generation, boss_id) = seen_a.lock().unwrap().1.clone().unwrap();
    for told in [&boss.told, &worker.told] {
        assert_eq!(
            told.lock().unwrap().clone(),
            Some((format!("boss is {boss_id}"), generation))
        );
    }
    stop.store(true, Ordering::SeqCst);
    a.await.unwrap();
    b.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eager_range_group_shares_every_record_once_per_generation() {
    const RECORDS: usize = 20_000;
    let bootstrap = kafka().bootstrap();
    let peer = JavaPeer::new().expect("Java peer");
    let topic = unique_topic("range");
    create_topic(&peer, &bootstrap, &topic, 12);
    let per = produce(&peer, &bootstrap, &topic, RECORDS);
    let group = unique_topic("range-g");
    let ledger: Shared = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let config = || {
        ConsumerConfig::builder()
            .bootstrap_servers([bootstrap.as_str()])
            .group_id(group.as_str())
            .auto_offset_reset(AutoOffsetReset::Earliest)
            .enable_auto_commit(false)
            .max_poll_records(200)
            .partition_assignment_strategy(vec![Assignor::Range])
            .build()
            .unwrap()
    };
    let members: Vec<_> = (0..3)
        .map(|i| {
            tokio::spawn(run_member(
                format!("r{i}"),
                config(),
                topic.clone(),
                ledger.clone(),
                stop.clone(),
                Duration::from_millis(10),
            ))
        })
        .collect();
    wait_for("every record", Duration::from_secs(110), &ledger, || {
        all_processed(&ledger, &per)
    })
    .await;
    wait_for(
        "a balanced assignment",
        Duration::from_secs(30),
        &ledger,
        || balanced(&ledger, 3, 12),
    )
    .await;
    stop.store(true, Ordering::SeqCst);
    for m in members {
        m.await.expect("member").close().await.expect("close");
    }
    {
        let l = ledger.lock().unwrap();
        assert!(l.all_violations().is_empty(), "{:#?}", l.all_violations());
        assert!(l.errors.is_empty(), "{:#?}", l.errors);
    }
    assert_eq!(same_generation_duplicates(&ledger), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mixed_group_kip848() {
    mixed_group(false, GroupProtocol::Consumer).await;
}

/// The ledger's rules on their own (no broker): a hand-over settled by the old owner's "lost"
/// passes, and its records until then are tolerated; a partition the old owner revokes after
/// it was handed over, a hand-over never settled, and records processed after "lost" fail.
#[test]
fn the_ledger_tells_an_expelled_owner_from_a_partition_owned_twice() {
    let mut l = Ledger::default();
    l.assign("m1", &[0]);
    l.assign("m2", &[1]);
    l.assign("m1", &[1]);
    l.record("m2", 1, 1, 10);
    assert_eq!(l.all_violations().len(), 1, "not settled yet");
    l.lost("m2", &[1]);
    assert_eq!(l.all_violations(), Vec::<String>::new());
    l.record("m2", 1, 1, 11);
    assert_eq!(l.all_violations().len(), 1, "{:?}", l.all_violations());

    let mut l = Ledger::default();
    l.assign("m2", &[1]);
    l.assign("m1", &[1]);
    l.revoke("m2", &[1]);
    let v = l.all_violations();
    assert!(v.len() == 1 && v[0].contains("still a member"), "{v:?}");

    let mut l = Ledger::default();
    l.assign("m2", &[1]);
    l.revoke("m2", &[1]);
    l.assign("m1", &[1]);
    l.record("m1", 2, 1, 0);
    assert_eq!(
        l.all_violations(),
        Vec::<String>::new(),
        "a cooperative move"
    );
}
