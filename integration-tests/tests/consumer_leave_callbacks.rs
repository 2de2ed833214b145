//! What the rebalance listener hears when a subscribed member leaves its group, ours beside
//! Java 4.4's consumer run the same way (`LeavePeer`), in both `group.protocol`s:
//!
//! * a static member (`group.instance.id`) that closes, or unsubscribes and closes: its
//!   partitions revoked (classic: no LeaveGroup, it stays in the group until its session
//!   times out; KIP-848: it leaves with epoch -2);
//! * a member that stopped polling and left the group on `max.poll.interval.ms`: its
//!   partitions lost when it then unsubscribes (both protocols) or closes (classic); revoked
//!   when a KIP-848 member closes (Java's close decides on the group metadata's generation,
//!   which keeps the last positive epoch).
//!
//! * a classic member whose rebalance failed on it (its own assignor, as leader, failing the
//!   round after the first: its poll fails with the round begun) and that then closes: its
//!   partitions lost, as a rebalance is in progress, and a LeaveGroup sent.
//!
//! One difference is kept and checked: Java 4.4's KIP-848 consumer, closed after
//! `unsubscribe()`, reports the partitions the unsubscribe revoked lost as well (its
//! assignment snapshot is not cleared by the unsubscribe, whose group metadata reset leaves
//! generation -1); ours reports nothing more, as the partitions are no longer its.
//!
//! The events compared are the listener calls with partitions (Java's classic consumer also
//! calls `onPartitionsAssigned` with none, which is not what these tests are about). The
//! scripted tests of the same rules are `kafka-client/tests/consumer_leave_callbacks.rs`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use integration_tests::{JavaPeer, kafka, runtime, unique_topic};
use kafka_client::admin::{Admin, NewPartitions, NewTopic};
use kafka_client::config::{AdminConfig, AutoOffsetReset, ConsumerConfig, GroupProtocol};
use kafka_client::consumer::assignor::{
    Assignment, AssignorError, GroupMember, PartitionAssignor, PartitionsPerTopic,
    RebalanceProtocol,
};
use kafka_client::consumer::{Consumer, RebalanceContext, RebalanceListener, TopicPartition};

const PARTITIONS: i32 = 2;
/// `max.poll.interval.ms` of the members that stop polling.
const POLL_INTERVAL_MS: u64 = 3000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    /// Close.
    Close,
    /// Unsubscribe, then close.
    Unsubscribe,
    /// Stop polling until the member has left on the poll timeout, then close.
    Stall,
    /// As `Stall`, then unsubscribe and close.
    StallUnsubscribe,
    /// Classic only: with [`FailingAssignor`], grow the topic to twice its partitions, poll
    /// until a poll fails (the rebalance that follows fails on this member, its leader), then
    /// close.
    RebalanceFail,
}

impl Mode {
    fn arg(self) -> &'static str {
        match self {
            Mode::Close => "close",
            Mode::Unsubscribe => "unsubscribe",
            Mode::Stall => "stall",
            Mode::StallUnsubscribe => "stall-unsubscribe",
            Mode::RebalanceFail => "rebalance-fail",
        }
    }

    fn stalls(self) -> bool {
        matches!(self, Mode::Stall | Mode::StallUnsubscribe)
    }
}

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

/// An assignor whose first assignment gives every partition to the first member (by member
/// id) and whose later ones fail, as `LeavePeer`'s `FailingAssignor`.
#[derive(Debug, Default)]
struct FailingAssignor {
    calls: AtomicUsize,
}

impl PartitionAssignor for FailingAssignor {
    fn name(&self) -> &str {
        "failing-after-first"
    }

    fn supported_protocols(&self) -> Vec<RebalanceProtocol> {
        vec![RebalanceProtocol::Eager, RebalanceProtocol::Cooperative]
    }

    fn assign(
        &self,
        partitions: &PartitionsPerTopic,
        members: &[GroupMember],
    ) -> Result<BTreeMap<String, Assignment>, AssignorError> {
        if self.calls.fetch_add(1, Ordering::SeqCst) > 0 {
            return Err(AssignorError::Failed {
                assignor: self.name().to_owned(),
                reason: "fails after the first assignment".into(),
            });
        }
        let mut out: BTreeMap<String, Assignment> = members
            .iter()
            .map(|m| {
                (
                    m.member_id.clone(),
                    Assignment {
                        partitions: Vec::new(),
                        user_data: None,
                    },
                )
            })
            .collect();
        if let Some(first) = members.iter().min_by(|a, b| a.member_id.cmp(&b.member_id)) {
            let mut topics: Vec<&String> = first.subscription.topics.iter().collect();
            topics.sort();
            let all = topics
                .into_iter()
                .flat_map(|t| {
                    let count = partitions.get(t).copied().unwrap_or(0);
                    (0..count).map(move |p| TopicPartition::new(t.clone(), p))
                })
                .collect();
            if let Some(a) = out.get_mut(&first.member_id) {
                a.partitions = all;
            }
        }
        Ok(out)
    }
}

/// One line per listener call with partitions: "assigned 0,1", "revoked 0,1", "lost 0,1".
fn line(what: &str, partitions: &[TopicPartition]) -> Option<String> {
    let mut numbers: Vec<i32> = partitions.iter().map(|tp| tp.partition).collect();
    numbers.sort_unstable();
    (!numbers.is_empty()).then(|| {
        let list: Vec<String> = numbers.iter().map(i32::to_string).collect();
        format!("{what} {}", list.join(","))
    })
}

struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    fn push(&self, what: &str, partitions: &[TopicPartition]) {
        if let Some(l) = line(what, partitions) {
            self.0.lock().expect("events").push(l);
        }
    }
}

impl RebalanceListener for Recorder {
    fn on_partitions_revoked(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
        self.push("revoked", partitions);
    }

    fn on_partitions_assigned(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
        self.push("assigned", partitions);
    }

    fn on_partitions_lost(&mut self, _: &mut RebalanceContext, partitions: &[TopicPartition]) {
        self.push("lost", partitions);
    }
}

/// The members of `group` (none for a group that is gone or empty).
async fn members(admin: &Admin, group: &str) -> usize {
    match admin
        .describe_groups(&[group])
        .await
        .expect("describe groups")
        .remove(group)
    {
        Some(Ok(d)) => d.members.len(),
        _ => 0,
    }
}

/// Ours: subscribes, polls until it owns every partition, then leaves as `mode` says; returns
/// the listener's events.
async fn ours(
    admin: &Admin,
    group: &str,
    topic: &str,
    protocol: GroupProtocol,
    instance: Option<&str>,
    mode: Mode,
) -> Vec<String> {
    let mut builder = ConsumerConfig::builder()
        .bootstrap_servers(kafka().servers())
        .client_id("leave-callbacks-test")
        .group_id(group)
        .group_protocol(protocol)
        .auto_offset_reset(AutoOffsetReset::Earliest)
        .enable_auto_commit(false);
    if mode.stalls() {
        builder = builder.max_poll_interval(Duration::from_millis(POLL_INTERVAL_MS));
    }
    if mode == Mode::RebalanceFail {
        builder = builder
            .set("metadata.max.age.ms", "500")
            .expect("metadata.max.age.ms");
    }
    if let Some(id) = instance {
        builder = builder.group_instance_id(id);
    }
    let events = Arc::new(Mutex::new(Vec::new()));
    let config = builder.build().expect("consumer config");
    let mut c = if mode == Mode::RebalanceFail {
        Consumer::with_assignors(config, vec![Arc::new(FailingAssignor::default())])
    } else {
        Consumer::new(config)
    }
    .expect("consumer");
    c.subscribe([topic], Some(Box::new(Recorder(events.clone()))))
        .expect("subscribe");
    // A hang guard, not a speed check.
    for _ in 0..600 {
        if c.assignment().len() == PARTITIONS as usize {
            break;
        }
        c.poll(Duration::from_millis(100)).await.expect("poll");
    }
    assert_eq!(
        c.assignment().len(),
        PARTITIONS as usize,
        "ours got every partition"
    );
    match mode {
        Mode::Close => {}
        Mode::Unsubscribe => c.unsubscribe().await.expect("unsubscribe"),
        Mode::Stall | Mode::StallUnsubscribe => {
            // Waiting for the member to leave on the poll timeout (a hang guard of 120 s).
            let mut gone = false;
            for _ in 0..1200 {
                if members(admin, group).await == 0 {
                    gone = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert!(gone, "ours left the group on the poll timeout");
            if mode == Mode::StallUnsubscribe {
                c.unsubscribe().await.expect("unsubscribe");
            }
        }
        Mode::RebalanceFail => {
            admin
                .create_partitions(&[NewPartitions::increase_to(topic, 2 * PARTITIONS)])
                .await
                .expect("create partitions")
                .remove(topic)
                .expect("the topic's answer")
                .expect("partitions added");
            // A hang guard of 60 s, not a speed check.
            let mut failed = None;
            for _ in 0..600 {
                if let Err(e) = c.poll(Duration::from_millis(100)).await {
                    failed = Some(e);
                    break;
                }
            }
            let e = failed.expect("a poll failed");
            assert!(
                e.to_string().contains("fails after the first assignment"),
                "the assignor failed the round: {e}"
            );
        }
    }
    c.close().await.expect("close");
    events.lock().expect("events").clone()
}

/// Java's consumer, the same way (`LeavePeer`); returns its listener's events with partitions.
fn javas(
    peer: &JavaPeer,
    group: &str,
    topic: &str,
    protocol: &str,
    instance: Option<&str>,
    mode: Mode,
) -> Vec<String> {
    let mut args = vec![
        kafka().bootstrap(),
        group.to_owned(),
        topic.to_owned(),
        PARTITIONS.to_string(),
        mode.arg().to_owned(),
        format!("group.protocol={protocol}"),
    ];
    if let Some(id) = instance {
        args.push(format!("group.instance.id={id}"));
    }
    if mode.stalls() {
        args.push(format!("max.poll.interval.ms={POLL_INTERVAL_MS}"));
    }
    let out = peer.run_class("LeavePeer", &args).expect("LeavePeer");
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    assert_eq!(lines.last(), Some(&"closed"), "LeavePeer finished: {out}");
    if mode == Mode::RebalanceFail {
        assert!(lines.contains(&"poll failed"), "Java's poll failed: {out}");
    }
    lines
        .iter()
        .filter(|l| {
            ["assigned ", "revoked ", "lost "]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .map(|l| (*l).to_owned())
        .collect()
}

/// Runs ours and Java's as `mode` says, in `protocol`, and checks both heard `want`, and that
/// both groups keep as many members after closing.
async fn as_javas(
    protocol: GroupProtocol,
    name: &str,
    static_member: bool,
    mode: Mode,
    want: &[&str],
) {
    both_heard(protocol, name, static_member, mode, want, want).await;
}

/// As [`as_javas`], with what each should hear given apart.
async fn both_heard(
    protocol: GroupProtocol,
    name: &str,
    static_member: bool,
    mode: Mode,
    want_ours: &[&str],
    want_javas: &[&str],
) {
    let peer = JavaPeer::new().expect("Java peer");
    let admin = admin();
    // One topic each: the rebalance-failing mode grows it.
    let (topic, javas_topic) = (
        unique_topic("leave-callbacks"),
        unique_topic("leave-callbacks-java"),
    );
    admin
        .create_topics(&[
            NewTopic::new(&topic, PARTITIONS),
            NewTopic::new(&javas_topic, PARTITIONS),
        ])
        .await
        .expect("create");
    admin
        .wait_for_topics(
            &[(&topic, PARTITIONS), (&javas_topic, PARTITIONS)],
            Duration::from_secs(60),
        )
        .await
        .expect("propagated");
    let (ours_group, javas_group) = (unique_topic("leave-ours"), unique_topic("leave-java"));
    let instance = static_member.then(|| unique_topic("instance"));
    let o = ours(
        &admin,
        &ours_group,
        &topic,
        protocol,
        instance.as_deref(),
        mode,
    )
    .await;
    let j = javas(
        &peer,
        &javas_group,
        &javas_topic,
        name,
        instance.as_deref(),
        mode,
    );
    let (om, jm) = (
        members(&admin, &ours_group).await,
        members(&admin, &javas_group).await,
    );
    println!(
        "{name}, static {static_member}, {mode:?}: ours {o:?} ({om} members after), Java's {j:?} ({jm} members after)"
    );
    let owned = |w: &[&str]| -> Vec<String> { w.iter().map(|s| (*s).to_owned()).collect() };
    assert_eq!(j, owned(want_javas), "Java's");
    assert_eq!(o, owned(want_ours), "ours");
    assert_eq!(
        om, jm,
        "members left in the group after closing, ours and Java's"
    );
    admin
        .delete_topics(&[&topic, &javas_topic])
        .await
        .expect("delete topics");
}

const REVOKED: &[&str] = &["assigned 0,1", "revoked 0,1"];
const LOST: &[&str] = &["assigned 0,1", "lost 0,1"];

#[test]
fn classic_static_member_close_revokes_as_javas() {
    runtime().block_on(as_javas(
        GroupProtocol::Classic,
        "classic",
        true,
        Mode::Close,
        REVOKED,
    ));
}

#[test]
fn classic_static_member_unsubscribe_revokes_as_javas() {
    runtime().block_on(as_javas(
        GroupProtocol::Classic,
        "classic",
        true,
        Mode::Unsubscribe,
        REVOKED,
    ));
}

#[test]
fn classic_member_closing_after_the_poll_timeout_reports_lost_as_javas() {
    runtime().block_on(as_javas(
        GroupProtocol::Classic,
        "classic",
        false,
        Mode::Stall,
        LOST,
    ));
}

/// Java's poll returns with a round begun and not completed also when the poll's time runs
/// out; ours waits the round out, so here the round fails on the member (its assignor, as
/// leader) for both.
#[test]
fn classic_member_closing_during_a_rebalance_reports_lost_as_javas() {
    runtime().block_on(as_javas(
        GroupProtocol::Classic,
        "classic",
        false,
        Mode::RebalanceFail,
        LOST,
    ));
}

#[test]
fn classic_member_unsubscribing_after_the_poll_timeout_reports_lost_as_javas() {
    runtime().block_on(as_javas(
        GroupProtocol::Classic,
        "classic",
        false,
        Mode::StallUnsubscribe,
        LOST,
    ));
}

#[test]
fn consumer_protocol_static_member_close_revokes_as_javas() {
    runtime().block_on(as_javas(
        GroupProtocol::Consumer,
        "consumer",
        true,
        Mode::Close,
        REVOKED,
    ));
}

/// Java's close after the unsubscribe reports the revoked partitions lost too (see the
/// module comment); ours does not.
#[test]
fn consumer_protocol_static_member_unsubscribe_revokes_as_javas() {
    runtime().block_on(both_heard(
        GroupProtocol::Consumer,
        "consumer",
        true,
        Mode::Unsubscribe,
        REVOKED,
        &["assigned 0,1", "revoked 0,1", "lost 0,1"],
    ));
}

#[test]
fn consumer_protocol_member_closing_after_the_poll_timeout_reports_revoked_as_javas() {
    runtime().block_on(as_javas(
        GroupProtocol::Consumer,
        "consumer",
        false,
        Mode::Stall,
        REVOKED,
    ));
}

#[test]
fn consumer_protocol_member_unsubscribing_after_the_poll_timeout_reports_lost_as_javas() {
    runtime().block_on(as_javas(
        GroupProtocol::Consumer,
        "consumer",
        false,
        Mode::StallUnsubscribe,
        LOST,
    ));
}
