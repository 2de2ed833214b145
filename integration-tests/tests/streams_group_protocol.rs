//! KIP-1071 streams groups on the wire, against the real broker: the messages a streams member
//! and the admin client send (StreamsGroupHeartbeat, StreamsGroupDescribe and KIP-1331's
//! StreamsGroupTopologyDescriptionUpdate), sent on raw connections with `kafka-protocol`'s types,
//! and the broker's answers decoded and checked against what the coordinator must say.
//!
//! The Rust streams runtime will join groups that Java Kafka Streams pods are members of, so
//! before any runtime exists these tests pin down that the codec and the broker agree: a member
//! joining with a one-subtopology topology gets an epoch, the coordinator creates the changelog
//! topic the topology declares, the member ends up owning every task, describe shows that member
//! and topology, and leaving ends the membership.
//!
//! A Kafka 4.1+ broker that does not offer streams groups makes the tests fail, naming the broker
//! configuration that is missing; they never skip. Against a release without streams groups
//! (`KAFKA_VERSION=3.9.x`) they check that the broker lists none of these APIs, and say so.

use std::time::{Duration, Instant};

use integration_tests::{api_versions, kafka, runtime, unique_topic};
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::config::{AdminConfig, ConsumerConfig};
use kafka_client::connection::{ConnectOptions, Connection};
use kafka_protocol::Message;
use kafka_protocol::messages::find_coordinator_request::FindCoordinatorRequest;
use kafka_protocol::messages::streams_group_describe_response::Assignment;
use kafka_protocol::messages::streams_group_describe_response::DescribedGroup;
use kafka_protocol::messages::streams_group_heartbeat_request::{
    self as heartbeat_request, KeyValue, Subtopology, TopicInfo, Topology,
};
use kafka_protocol::messages::streams_group_heartbeat_response::TaskIds;
use kafka_protocol::messages::streams_group_topology_description_update_request::{
    TopologyDescription, TopologyDescriptionNode, TopologyDescriptionSubtopology,
};
use kafka_protocol::messages::{
    ApiVersionsRequest, StreamsGroupDescribeRequest, StreamsGroupDescribeResponse,
    StreamsGroupHeartbeatRequest, StreamsGroupHeartbeatResponse,
    StreamsGroupTopologyDescriptionUpdateRequest,
};

const PARTITIONS: i32 = 2;
const CLIENT_ID: &str = "streams-group-protocol-test";
const SUBTOPOLOGY: &str = "0";

const UNSUPPORTED_VERSION: i16 = 35;
const INVALID_REQUEST: i16 = 42;
const GROUP_ID_NOT_FOUND: i16 = 69;

/// The member epoch that leaves a group.
const LEAVE_EPOCH: i32 = -1;

/// StreamsGroupDescribeResponse v1 `TopologyDescriptionStatus` values.
const NOT_STORED: i8 = 1;
const AVAILABLE: i8 = 3;

/// Streams heartbeat status codes (StreamsGroupHeartbeatResponse.json, `Status`).
const MISSING_INTERNAL_TOPICS: i8 = 3;
const ASSIGNMENT_DELAYED: i8 = 5;

/// How long a test waits for the coordinator to reach the state it waits for: internal topics
/// created and the first assignment computed (the broker delays a new group's first assignment
/// by `group.streams.initial.rebalance.delay.ms`, 3 s by default).
const SETTLE: Duration = Duration::from_secs(60);

/// The versions of the streams-group APIs to use with the fixture broker: the highest both sides
/// speak.
struct StreamsApis {
    heartbeat: i16,
    describe: i16,
    /// KIP-1331's push of a topology description, when the broker has it (Kafka 4.4 does).
    topology_update: Option<i16>,
}

/// Kafka releases before 4.1 have no streams groups at all (KIP-1071 came as early access in 4.1
/// and became generally available in 4.2).
fn release_has_streams_groups(version: &str) -> bool {
    let mut parts = version
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (4, 1)
}

/// What the fixture broker offers. `None` for a release without streams groups, after checking
/// that such a broker indeed lists none of their APIs. Panics, naming the broker configuration
/// that is missing, when a release that has streams groups does not offer them.
fn streams_apis() -> Option<StreamsApis> {
    let addr = kafka().bootstrap();
    let answer = api_versions(&addr, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("ApiVersions to {addr}: {e}"));
    let release = integration_tests::kafka_version();
    if !release_has_streams_groups(&release) {
        for key in [88, 89, 93] {
            assert_eq!(
                answer.range(key),
                None,
                "Kafka {release} has no streams groups, yet its broker lists API {key}"
            );
        }
        eprintln!(
            "streams_group_protocol: Kafka {release} has no streams groups (KIP-1071 is 4.1+); \
             checked that its broker lists none of their APIs, and nothing else"
        );
        return None;
    }
    let pick = |key: i16, min: i16, max: i16| {
        answer
            .range(key)
            .map(|(lo, hi)| (lo.max(min), hi.min(max)))
            .filter(|(lo, hi)| lo <= hi)
            .map(|(_, hi)| hi)
    };
    let heartbeat = pick(
        StreamsGroupHeartbeatRequest::API_KEY,
        StreamsGroupHeartbeatRequest::MIN_VERSION,
        StreamsGroupHeartbeatRequest::MAX_VERSION,
    );
    let describe = pick(
        StreamsGroupDescribeRequest::API_KEY,
        StreamsGroupDescribeRequest::MIN_VERSION,
        StreamsGroupDescribeRequest::MAX_VERSION,
    );
    let (Some(heartbeat), Some(describe)) = (heartbeat, describe) else {
        let (_, features) = runtime().block_on(streams_feature(&addr));
        panic!(
            "the broker at {addr} (Kafka {release}) does not offer streams groups: ApiVersions \
             lists StreamsGroupHeartbeat (88) as {:?} and StreamsGroupDescribe (89) as {:?}; \
             {features}. The broker needs the `streams.version` feature finalized at level 1 or \
             more (the default for a cluster formatted by Kafka 4.2+; otherwise format with \
             `kafka-storage format --feature streams.version=1` or run `kafka-features \
             --bootstrap-server {addr} upgrade --feature streams.version=1`), and, if the \
             deprecated `group.coordinator.rebalance.protocols` is set, `streams` in that list \
             (on Kafka 4.1 also `unstable.api.versions.enable=true`)",
            answer.range(88),
            answer.range(89),
        );
    };
    let topology_update = pick(
        StreamsGroupTopologyDescriptionUpdateRequest::API_KEY,
        StreamsGroupTopologyDescriptionUpdateRequest::MIN_VERSION,
        StreamsGroupTopologyDescriptionUpdateRequest::MAX_VERSION,
    );
    Some(StreamsApis {
        heartbeat,
        describe,
        topology_update,
    })
}

/// The broker's finalized `streams.version` level as ApiVersions reports it, and a description of
/// the feature for messages.
async fn streams_feature(addr: &str) -> (Option<i16>, String) {
    let conn = match Connection::connect(addr, &connect_options()).await {
        Ok(c) => c,
        Err(e) => return (None, format!("(could not read its features: {e})")),
    };
    // v3+ carries the feature levels (features whose oldest level is 0, as streams.version,
    // only from v4 on, KIP-1022); the broker refuses an empty software name.
    let req = ApiVersionsRequest {
        client_software_name: "kstreams-rs-test".to_owned(),
        client_software_version: "0".to_owned(),
        ..Default::default()
    };
    let version = conn.version_for::<ApiVersionsRequest>().unwrap_or(3);
    let resp = match conn.send_version(&req, version).await {
        Ok(r) => r,
        Err(e) => return (None, format!("(could not read its features: {e})")),
    };
    let supported = resp
        .supported_features
        .iter()
        .find(|f| f.name == STREAMS_FEATURE)
        .map(|f| format!("{}..={}", f.min_version, f.max_version));
    let finalized = resp
        .finalized_features
        .iter()
        .find(|f| f.name == STREAMS_FEATURE)
        .map(|f| f.max_version_level);
    let all: Vec<String> = resp
        .finalized_features
        .iter()
        .map(|f| format!("{}={}", f.name, f.max_version_level))
        .collect();
    let text = format!(
        "feature {STREAMS_FEATURE}: supported {}, finalized level {} (all finalized: {})",
        supported.as_deref().unwrap_or("not at all"),
        finalized.map_or("none".to_owned(), |l| l.to_string()),
        all.join(", ")
    );
    (finalized, text)
}

const STREAMS_FEATURE: &str = "streams.version";

fn connect_options() -> ConnectOptions {
    let config = ConsumerConfig::builder()
        .bootstrap_servers(kafka().servers())
        .client_id(CLIENT_ID)
        .build()
        .expect("consumer config");
    ConnectOptions::from_config(&config.common).expect("connect options")
}

/// A connection to `group`'s coordinator, found with FindCoordinator (streams groups live in
/// `__consumer_offsets` like every other group, so the key type is GROUP).
async fn coordinator(group: &str) -> Connection {
    let opts = connect_options();
    let bootstrap = Connection::connect(&kafka().bootstrap(), &opts)
        .await
        .expect("connect to bootstrap");
    let deadline = Instant::now() + SETTLE;
    loop {
        // Every broker with streams groups speaks FindCoordinator v4+, where keys come as a list.
        let version = bootstrap
            .version_for::<FindCoordinatorRequest>()
            .expect("FindCoordinator version");
        let req = FindCoordinatorRequest {
            key_type: 0,
            coordinator_keys: vec![group.to_owned()],
            ..Default::default()
        };
        let resp = bootstrap
            .send_version(&req, version.max(4))
            .await
            .expect("FindCoordinator");
        let (code, host, port) = match resp.coordinators.first() {
            Some(c) => (c.error_code, c.host.clone(), c.port),
            None => (resp.error_code, resp.host.clone(), resp.port),
        };
        if code == 0 {
            return Connection::connect(&format!("{host}:{port}"), &opts)
                .await
                .expect("connect to coordinator");
        }
        assert!(
            Instant::now() < deadline,
            "no coordinator for {group}: error {code}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

const COORDINATOR_LOAD_IN_PROGRESS: i16 = 14;
const COORDINATOR_NOT_AVAILABLE: i16 = 15;
const NOT_COORDINATOR: i16 = 16;

/// Sends a heartbeat, retrying the coordinator errors Java's client retries (the group's
/// `__consumer_offsets` partition may still be loading or moving, as right after the first group
/// of a fresh broker creates that topic), looking the coordinator up again when told to.
async fn heartbeat(
    conn: &mut Connection,
    req: &StreamsGroupHeartbeatRequest,
    version: i16,
) -> StreamsGroupHeartbeatResponse {
    let deadline = Instant::now() + SETTLE;
    loop {
        let resp = conn
            .send_version(req, version)
            .await
            .expect("StreamsGroupHeartbeat");
        match resp.error_code {
            COORDINATOR_LOAD_IN_PROGRESS | COORDINATOR_NOT_AVAILABLE | NOT_COORDINATOR
                if Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if resp.error_code != COORDINATOR_LOAD_IN_PROGRESS {
                    *conn = coordinator(&req.group_id).await;
                }
            }
            _ => return resp,
        }
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

async fn input_topic(admin: &Admin) -> String {
    let topic = unique_topic("streams-group-input");
    admin
        .create_topics(&[NewTopic::new(&topic, PARTITIONS)])
        .await
        .expect("create input topic");
    admin
        .wait_for_topics(&[(&topic, PARTITIONS)], Duration::from_secs(60))
        .await
        .expect("input topic propagated");
    topic
}

/// A count over `input` as Kafka Streams describes it to the coordinator: one subtopology reading
/// the topic, with a compacted changelog for its store (partition count 0: the changelog takes
/// the source's, as for every changelog).
fn topology(input: &str, changelog: &str) -> Topology {
    Topology {
        epoch: 0,
        subtopologies: vec![Subtopology {
            subtopology_id: SUBTOPOLOGY.to_owned(),
            source_topics: vec![input.to_owned()],
            state_changelog_topics: vec![TopicInfo {
                name: changelog.to_owned(),
                partitions: 0,
                replication_factor: 0,
                topic_configs: vec![KeyValue {
                    key: "cleanup.policy".to_owned(),
                    value: "compact".to_owned(),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// The first heartbeat of a member: epoch 0 with the topology and every field a joining Java
/// Kafka Streams member sends (empty task lists, its process id).
fn join_request(
    group: &str,
    member: &str,
    process: &str,
    topology: Topology,
) -> StreamsGroupHeartbeatRequest {
    StreamsGroupHeartbeatRequest {
        group_id: group.to_owned(),
        member_id: member.to_owned(),
        member_epoch: 0,
        endpoint_information_epoch: 0,
        rebalance_timeout_ms: 30_000,
        topology: Some(topology),
        active_tasks: Some(vec![]),
        standby_tasks: Some(vec![]),
        warmup_tasks: Some(vec![]),
        process_id: Some(process.to_owned()),
        client_tags: Some(vec![]),
        task_offsets: Some(vec![]),
        task_end_offsets: Some(vec![]),
        ..Default::default()
    }
}

/// A member id like the ones Java's streams client generates (a random UUID string); unique per
/// call without a random number generator.
fn member_id(tag: &str) -> String {
    unique_topic(&format!("member-{tag}"))
}

fn statuses(resp: &StreamsGroupHeartbeatResponse) -> Vec<(i8, String)> {
    resp.status
        .iter()
        .flatten()
        .map(|s| (s.status_code, s.status_detail.clone()))
        .collect()
}

fn sorted_partitions(tasks: &[TaskIds]) -> Vec<(String, i32)> {
    let mut v: Vec<(String, i32)> = tasks
        .iter()
        .flat_map(|t| {
            t.partitions
                .iter()
                .map(move |p| (t.subtopology_id.clone(), *p))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_broker_offers_the_streams_group_apis() {
    let Some(apis) = streams_apis() else { return };
    let (level, features) = runtime().block_on(streams_feature(&kafka().bootstrap()));
    eprintln!(
        "streams group APIs: heartbeat v{}, describe v{}, topology update {:?}; {features}",
        apis.heartbeat, apis.describe, apis.topology_update
    );
    // Kafka 4.4's jar defines heartbeat and describe v0-v1 and the topology update v0; the
    // broker of the same release offers all of them.
    if integration_tests::kafka_version() == integration_tests::DEFAULT_KAFKA_VERSION {
        assert_eq!(apis.heartbeat, 1);
        assert_eq!(apis.describe, 1);
        assert_eq!(apis.topology_update, Some(0));
        // The fixture sets no streams configuration: a cluster formatted by Kafka 4.4 finalizes
        // streams.version 1, which is what turns streams groups on.
        assert!(level >= Some(1), "{features}");
    }
}

#[test]
fn a_member_joins_owns_every_task_is_described_and_leaves() {
    let Some(apis) = streams_apis() else { return };
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let input = input_topic(&admin).await;
        let group = unique_topic("streams-group");
        let changelog = format!("{group}-counts-changelog");
        let member = member_id("a");
        let process = member_id("process");
        let mut conn = coordinator(&group).await;

        let first = heartbeat(
            &mut conn,
            &join_request(&group, &member, &process, topology(&input, &changelog)),
            apis.heartbeat,
        )
        .await;
        assert_eq!(first.error_code, 0, "join: {:?}", first.error_message);
        assert_eq!(
            first.member_id, member,
            "the coordinator keeps the client's member id"
        );
        assert!(
            first.member_epoch > 0,
            "a joined member has an epoch: {first:?}"
        );
        assert!(first.heartbeat_interval_ms > 0);

        // Heartbeat as a member would until it owns every task, acknowledging what it was given.
        let mut epoch = first.member_epoch;
        let mut owned: Vec<TaskIds> = first.active_tasks.clone().unwrap_or_default();
        let mut seen_status: Vec<(i8, String)> = statuses(&first);
        let deadline = Instant::now() + SETTLE;
        let mut last = first;
        while sorted_partitions(&owned).len() < PARTITIONS as usize {
            assert!(
                Instant::now() < deadline,
                "no full assignment within {SETTLE:?}; last answer {last:?}, \
                 statuses seen {seen_status:?}"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
            let req = StreamsGroupHeartbeatRequest {
                group_id: group.clone(),
                member_id: member.clone(),
                member_epoch: epoch,
                endpoint_information_epoch: last.endpoint_information_epoch,
                active_tasks: Some(
                    owned
                        .iter()
                        .map(|t| heartbeat_request::TaskIds {
                            subtopology_id: t.subtopology_id.clone(),
                            partitions: t.partitions.clone(),
                            ..Default::default()
                        })
                        .collect(),
                ),
                standby_tasks: Some(vec![]),
                warmup_tasks: Some(vec![]),
                ..Default::default()
            };
            let resp = heartbeat(&mut conn, &req, apis.heartbeat).await;
            assert_eq!(resp.error_code, 0, "heartbeat: {:?}", resp.error_message);
            epoch = resp.member_epoch;
            if let Some(active) = &resp.active_tasks {
                owned = active.clone();
            }
            for s in statuses(&resp) {
                if !seen_status.contains(&s) {
                    seen_status.push(s);
                }
            }
            last = resp;
        }
        // The coordinator holds a new group's first assignment back (initial rebalance delay) and
        // creates the changelog the topology declares; it says both while the member waits.
        let codes: Vec<i8> = seen_status.iter().map(|(c, _)| *c).collect();
        assert!(
            codes.contains(&ASSIGNMENT_DELAYED),
            "a new group's first assignment is delayed: {seen_status:?}"
        );
        assert!(
            seen_status
                .iter()
                .any(|(c, d)| *c == MISSING_INTERNAL_TOPICS && d.contains(&changelog)),
            "the changelog was reported missing before the coordinator made it: {seen_status:?}"
        );
        assert_eq!(
            sorted_partitions(&owned),
            vec![(SUBTOPOLOGY.to_owned(), 0), (SUBTOPOLOGY.to_owned(), 1)],
            "the only member owns both tasks"
        );
        assert!(
            epoch > 1,
            "the assignment bumped the member epoch: {last:?}"
        );

        let described = describe(&mut conn, &group, true, apis.describe).await;
        let g = only_group(&described, &group);
        assert_eq!(g.error_code, 0, "describe: {:?}", g.error_message);
        assert_eq!(g.group_state, "Stable");
        assert_eq!(g.group_epoch, epoch);
        assert_eq!(g.assignment_epoch, epoch);
        assert_ne!(
            g.authorized_operations,
            i32::MIN,
            "asked for, so the operations are filled in"
        );
        let topology = g
            .topology
            .as_ref()
            .expect("an initialized group has a topology");
        assert_eq!(topology.epoch, 0);
        let subtopologies = topology
            .subtopologies
            .as_ref()
            .expect("configured subtopologies, the source topic being there");
        assert_eq!(subtopologies.len(), 1);
        let sub = &subtopologies[0];
        assert_eq!(sub.subtopology_id, SUBTOPOLOGY);
        assert_eq!(sub.source_topics, vec![input.clone()]);
        assert_eq!(sub.state_changelog_topics.len(), 1);
        let cl = &sub.state_changelog_topics[0];
        assert_eq!(cl.name, changelog);
        assert_eq!(
            cl.partitions, PARTITIONS,
            "the configured topology gives the changelog the source's partition count"
        );
        assert_eq!(
            cl.topic_configs
                .iter()
                .map(|kv| (kv.key.as_str(), kv.value.as_str()))
                .collect::<Vec<_>>(),
            vec![("cleanup.policy", "compact")]
        );
        assert_eq!(g.members.len(), 1, "{:?}", g.members);
        let m = &g.members[0];
        assert_eq!(m.member_id, member);
        assert_eq!(m.member_epoch, epoch);
        assert_eq!(m.client_id, CLIENT_ID);
        assert_eq!(m.process_id, process);
        assert_eq!(m.topology_epoch, 0);
        assert!(!m.is_classic);
        assert_eq!(m.user_endpoint, None);
        let active = |a: &Assignment| {
            let mut v: Vec<(String, i32)> = a
                .active_tasks
                .iter()
                .flat_map(|t| {
                    t.partitions
                        .iter()
                        .map(move |p| (t.subtopology_id.clone(), *p))
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(active(&m.assignment), sorted_partitions(&owned));
        assert_eq!(active(&m.target_assignment), sorted_partitions(&owned));
        if apis.describe >= 1 {
            assert!(g.assignor_name.is_some(), "v1 names the assignor: {g:?}");
        }

        // KIP-1331: a member may push a human-readable topology description. A broker without
        // `group.streams.topology.description.plugin.class` keeps none: it never asks for one
        // (TopologyDescriptionRequired stays false), refuses the push as unsupported and
        // describes the description as NOT_STORED. With a plugin the push is stored and comes
        // back from describe as sent.
        if let Some(v) = apis.topology_update {
            let sent = description(&input, "counts");
            let update = conn
                .send_version(
                    &StreamsGroupTopologyDescriptionUpdateRequest {
                        group_id: group.clone(),
                        member_id: member.clone(),
                        topology_epoch: 0,
                        topology_description: sent.clone(),
                        ..Default::default()
                    },
                    v,
                )
                .await
                .expect("StreamsGroupTopologyDescriptionUpdate");
            let after = describe(&mut conn, &group, true, apis.describe).await;
            let g = only_group(&after, &group);
            match update.error_code {
                UNSUPPORTED_VERSION => {
                    assert!(
                        !last.topology_description_required,
                        "no plugin, yet the broker asked for a description"
                    );
                    assert!(
                        update
                            .error_message
                            .as_deref()
                            .is_some_and(|m| m.contains("plugin")),
                        "{update:?}"
                    );
                    assert_eq!(g.topology_description_status, NOT_STORED);
                    assert_eq!(g.topology_description, None);
                }
                0 => {
                    assert_eq!(g.topology_description_status, AVAILABLE);
                    let got = g
                        .topology_description
                        .as_ref()
                        .expect("AVAILABLE carries it");
                    assert_eq!(got.subtopologies.len(), 1);
                    assert_eq!(
                        got.subtopologies[0].nodes.len(),
                        sent.subtopologies[0].nodes.len()
                    );
                }
                other => panic!("topology description update: error {other}: {update:?}"),
            }
        }

        let leave = heartbeat(
            &mut conn,
            &StreamsGroupHeartbeatRequest {
                group_id: group.clone(),
                member_id: member.clone(),
                member_epoch: LEAVE_EPOCH,
                ..Default::default()
            },
            apis.heartbeat,
        )
        .await;
        assert_eq!(leave.error_code, 0, "leave: {:?}", leave.error_message);
        assert_eq!(
            leave.member_epoch, LEAVE_EPOCH,
            "the coordinator confirms the leave"
        );
        let after = describe(&mut conn, &group, true, apis.describe).await;
        let g = only_group(&after, &group);
        assert!(g.members.is_empty(), "the member is gone: {g:?}");
        assert_eq!(g.group_state, "Empty");
    });
}

#[test]
fn the_coordinator_refuses_a_join_without_topology_and_unknown_groups() {
    let Some(apis) = streams_apis() else { return };
    let rt = runtime();
    rt.block_on(async {
        let group = unique_topic("streams-group-bad");
        let mut conn = coordinator(&group).await;
        let mut req = join_request(
            &group,
            &member_id("b"),
            &member_id("process"),
            Topology::default(),
        );
        req.topology = None;
        let resp = heartbeat(&mut conn, &req, apis.heartbeat).await;
        assert_eq!(resp.error_code, INVALID_REQUEST, "{resp:?}");
        assert!(
            resp.error_message
                .as_deref()
                .is_some_and(|m| m.contains("Topology")),
            "the message names the missing field: {resp:?}"
        );
        assert_eq!(resp.member_epoch, 0);

        let unknown = unique_topic("streams-group-never");
        let resp = describe(&mut conn, &unknown, false, apis.describe).await;
        let g = only_group(&resp, &unknown);
        assert_eq!(g.error_code, GROUP_ID_NOT_FOUND, "{g:?}");
        assert!(g.members.is_empty());
        assert_eq!(g.topology, None);
    });
}

/// Describes `group`, retrying the coordinator errors Java's admin client retries (the group's
/// offsets partition may still be loading on a fresh broker). `with_description` asks for the
/// KIP-1331 topology description (v1+) too; authorized operations are always asked for.
async fn describe(
    conn: &mut Connection,
    group: &str,
    with_description: bool,
    version: i16,
) -> StreamsGroupDescribeResponse {
    let req = StreamsGroupDescribeRequest {
        group_ids: vec![group.to_owned()],
        include_authorized_operations: true,
        include_topology_description: with_description && version >= 1,
        ..Default::default()
    };
    let deadline = Instant::now() + SETTLE;
    loop {
        let resp = conn
            .send_version(&req, version)
            .await
            .expect("StreamsGroupDescribe");
        match resp.groups.first().map(|g| g.error_code) {
            Some(
                code @ (COORDINATOR_LOAD_IN_PROGRESS | COORDINATOR_NOT_AVAILABLE | NOT_COORDINATOR),
            ) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if code != COORDINATOR_LOAD_IN_PROGRESS {
                    *conn = coordinator(group).await;
                }
            }
            _ => return resp,
        }
    }
}

fn only_group<'a>(resp: &'a StreamsGroupDescribeResponse, group: &str) -> &'a DescribedGroup {
    assert_eq!(resp.groups.len(), 1, "{resp:?}");
    let g = &resp.groups[0];
    assert_eq!(g.group_id, group);
    g
}

/// How Kafka Streams describes the count topology: a source feeding an aggregate that holds
/// `store`.
fn description(input: &str, store: &str) -> TopologyDescription {
    let node = |name: &str, kind: i8, successors: &[&str]| TopologyDescriptionNode {
        name: name.to_owned(),
        node_type: kind,
        successors: successors.iter().map(|s| (*s).to_owned()).collect(),
        ..Default::default()
    };
    let mut source = node(
        "KSTREAM-SOURCE-0000000000",
        1,
        &["KSTREAM-AGGREGATE-0000000001"],
    );
    source.source_topics = vec![input.to_owned()];
    let mut aggregate = node("KSTREAM-AGGREGATE-0000000001", 2, &[]);
    aggregate.stores = vec![store.to_owned()];
    TopologyDescription {
        subtopologies: vec![TopologyDescriptionSubtopology {
            subtopology_id: SUBTOPOLOGY.to_owned(),
            nodes: vec![source, aggregate],
            ..Default::default()
        }],
        global_stores: vec![],
        ..Default::default()
    }
}
