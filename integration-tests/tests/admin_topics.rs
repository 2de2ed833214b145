//! The admin client against a real broker: topics (listed as Kafka's own `kafka-topics --list`
//! lists them) and partitions, the cluster, configs
//! (describe with sources and synonyms, incremental SET/DELETE/APPEND/SUBTRACT), offsets
//! (earliest, latest, by timestamp, max timestamp) and DeleteRecords — and the typed,
//! resource-naming errors of each.

use std::collections::BTreeMap;
use std::time::Duration;

use integration_tests::{JavaPeer, kafka, runtime, unique_topic};
use kafka_client::Error;
use kafka_client::KafkaCode;
use kafka_client::admin::{
    Admin, AlterConfigOp, ConfigEntry, ConfigResource, ConfigSource, NewPartitions, NewTopic,
    OffsetSpec, TopicPartition,
};
use kafka_client::config::{AdminConfig, ProducerConfig};
use kafka_client::producer::{Producer, ProducerRecord};

const WAIT: Duration = Duration::from_secs(60);
const INVALID_CONFIG: KafkaCode = KafkaCode(40);
const OFFSET_OUT_OF_RANGE: KafkaCode = KafkaCode(1);
const INVALID_PARTITIONS: KafkaCode = KafkaCode(37);

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

async fn topic_configs(admin: &Admin, topic: &str) -> BTreeMap<String, ConfigEntry> {
    let r = ConfigResource::topic(topic);
    let mut all = admin
        .describe_configs(std::slice::from_ref(&r))
        .await
        .expect("describe");
    all.remove(&r)
        .expect("the topic is in the answer")
        .expect("the topic's configs")
        .into_iter()
        .map(|e| (e.name.clone(), e))
        .collect()
}

/// The topic's configs once `settled` holds for them. A broker serves DescribeConfigs from its
/// own copy of the cluster metadata, which learns of an alteration a moment after the
/// controller accepted it; the last answer is returned either way, for the assertions to judge.
async fn topic_configs_when(
    admin: &Admin,
    topic: &str,
    settled: impl Fn(&BTreeMap<String, ConfigEntry>) -> bool,
) -> BTreeMap<String, ConfigEntry> {
    let mut configs = topic_configs(admin, topic).await;
    for _ in 0..100 {
        if settled(&configs) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        configs = topic_configs(admin, topic).await;
    }
    configs
}

/// The topic names Kafka's own `kafka-topics --list` prints (`--exclude-internal` without the
/// internal ones).
fn java_topic_list(peer: &JavaPeer, exclude_internal: bool) -> Vec<String> {
    let mut args = vec![
        "--bootstrap-server".to_owned(),
        kafka().bootstrap(),
        "--list".into(),
    ];
    if exclude_internal {
        args.push("--exclude-internal".into());
    }
    let out = peer
        .run_class("org.apache.kafka.tools.TopicCommand", &args)
        .expect("kafka-topics --list");
    out.lines()
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn list_topics_agrees_with_kafka_topics_list() {
    let peer = JavaPeer::new().expect("Java peer");
    let rt = runtime();
    let admin = admin();
    let (a, b, gone) = (
        unique_topic("admin-list-a"),
        unique_topic("admin-list-b"),
        unique_topic("admin-list-gone"),
    );
    rt.block_on(async {
        admin
            .create_topics(&[
                NewTopic::new(&a, 1),
                NewTopic::new(&b, 2),
                NewTopic::new(&gone, 1),
            ])
            .await
            .expect("create");
        admin
            .wait_for_topics(&[(&a, 1), (&b, 2), (&gone, 1)], WAIT)
            .await
            .expect("propagated");
        admin.delete_topics(&[&gone]).await.expect("delete");
        // Looking up a group's coordinator makes the broker create __consumer_offsets, an
        // internal topic to list or leave out.
        admin
            .list_group_offsets("admin-list-group", None)
            .await
            .expect("group offsets");
    });
    // Other tests of this binary create and delete topics meanwhile: compare what this test
    // controls, and the internal topics.
    let (ours_all, ours_external) = rt.block_on(async {
        (
            admin.list_topics(true).await.expect("list all"),
            admin.list_topics(false).await.expect("list"),
        )
    });
    let (java_all, java_external) = (java_topic_list(&peer, false), java_topic_list(&peer, true));
    let names = |l: &[kafka_client::admin::TopicListing]| -> Vec<String> {
        l.iter().map(|t| t.name.clone()).collect()
    };
    let (ours_all_names, ours_external_names) = (names(&ours_all), names(&ours_external));
    for t in [&a, &b] {
        for (side, list) in [
            ("ours, all", &ours_all_names),
            ("ours, external", &ours_external_names),
            ("Java, all", &java_all),
            ("Java, external", &java_external),
        ] {
            assert!(list.contains(t), "{side} lists {t}: {list:?}");
        }
    }
    for (side, list) in [("ours", &ours_all_names), ("Java", &java_all)] {
        assert!(!list.contains(&gone), "{side} lists the deleted {gone}");
    }
    let internal: Vec<&str> = ours_all
        .iter()
        .filter(|t| t.is_internal)
        .map(|t| t.name.as_str())
        .collect();
    assert!(internal.contains(&"__consumer_offsets"), "{internal:?}");
    for t in &internal {
        assert!(java_all.iter().any(|j| j == t), "Java lists {t}");
        assert!(!java_external.iter().any(|j| j == t), "Java leaves {t} out");
        assert!(
            !ours_external_names.iter().any(|o| o == t),
            "ours leaves {t} out"
        );
    }
    assert!(
        ours_all_names.windows(2).all(|w| w[0] < w[1]),
        "sorted by name"
    );
    let listed_a = ours_all.iter().find(|t| t.name == a).expect("a");
    let described = rt.block_on(admin.describe_topics(&[&a])).expect("describe");
    assert_eq!(listed_a.topic_id, described[0].topic_id);
    assert!(!listed_a.is_internal);
}

#[test]
fn create_partitions_then_describe_shows_the_new_count() {
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let topic = unique_topic("admin-partitions");
        let ids = admin
            .create_topics(&[NewTopic::new(&topic, 2).replication_factor(1)])
            .await
            .expect("create");
        assert_ne!(ids[0], kafka_protocol::Uuid::ZERO, "a topic id is returned");
        admin
            .wait_for_topics(&[(&topic, 2)], WAIT)
            .await
            .expect("propagated");

        // Creating it again fails for that topic only, naming it.
        let other = unique_topic("admin-partitions-other");
        let each = admin
            .create_topics_each(&[NewTopic::new(&topic, 2), NewTopic::new(&other, 1)])
            .await
            .expect("request");
        let dup = each[&topic].as_ref().expect_err("duplicate");
        assert_eq!(dup.code(), Some(KafkaCode::TOPIC_ALREADY_EXISTS), "{dup}");
        assert!(dup.to_string().contains(&topic), "{dup}");
        assert!(each[&other].is_ok(), "{:?}", each[&other]);

        let grown = admin
            .create_partitions(&[NewPartitions::increase_to(&topic, 5)])
            .await
            .expect("request");
        grown[&topic].as_ref().expect("grown");
        admin
            .wait_for_topics(&[(&topic, 5)], WAIT)
            .await
            .expect("propagated");
        let described = admin.describe_topics(&[&topic]).await.expect("describe");
        assert_eq!(described[0].partitions.len(), 5);
        assert_eq!(described[0].topic_id, ids[0]);
        assert!(described[0].partitions.iter().all(|p| p.leader >= 0));

        // Shrinking is refused, per topic, with Kafka's code.
        let shrink = admin
            .create_partitions(&[NewPartitions::increase_to(&topic, 3)])
            .await
            .expect("request");
        let err = shrink[&topic].as_ref().expect_err("cannot shrink");
        assert_eq!(err.code(), Some(INVALID_PARTITIONS), "{err}");

        let deleted = admin
            .delete_topics_each(&[&topic, &other])
            .await
            .expect("request");
        assert!(deleted.values().all(Result::is_ok), "{deleted:?}");
    });
}

#[test]
fn describe_cluster_names_the_broker_and_cluster() {
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let c = admin.describe_cluster().await.expect("describe cluster");
        assert!(!c.cluster_id.is_empty());
        assert_eq!(c.brokers.len(), 1, "{c:?}");
        let port = kafka().bootstrap().rsplit(':').next().unwrap().to_owned();
        assert_eq!(c.brokers[0].port.to_string(), port, "{c:?}");
        let controller = c.controller_id.expect("a controller id");
        assert!(c.brokers.iter().any(|b| b.node_id == controller), "{c:?}");
        // The same id Metadata reports.
        let md = admin.cluster().fetch_metadata(Some(&[])).await.unwrap();
        assert_eq!(md.cluster_id.as_deref(), Some(c.cluster_id.as_str()));
    });
}

#[test]
fn configs_describe_sources_and_alter_incrementally() {
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let topic = unique_topic("admin-configs");
        admin
            .create_topics(&[NewTopic::new(&topic, 1).config("retention.ms", "7200000")])
            .await
            .expect("create");

        let before = topic_configs(&admin, &topic).await;
        let retention = &before["retention.ms"];
        assert_eq!(retention.value.as_deref(), Some("7200000"));
        assert_eq!(retention.source, ConfigSource::DynamicTopicConfig);
        assert!(!retention.is_read_only && !retention.is_sensitive);
        assert_eq!(
            retention
                .synonyms
                .first()
                .map(|s| (s.name.as_str(), s.source)),
            Some(("retention.ms", ConfigSource::DynamicTopicConfig)),
            "the topic's own setting is the first synonym: {retention:?}"
        );
        assert!(
            retention.synonyms.len() >= 2,
            "broker-level synonyms follow: {retention:?}"
        );
        assert_eq!(before["cleanup.policy"].value.as_deref(), Some("delete"));
        assert_ne!(
            before["cleanup.policy"].source,
            ConfigSource::DynamicTopicConfig
        );

        let r = ConfigResource::topic(&topic);
        let altered = admin
            .incremental_alter_configs(&[(
                r.clone(),
                vec![
                    AlterConfigOp::set("max.message.bytes", "65536"),
                    AlterConfigOp::delete("retention.ms"),
                    AlterConfigOp::append("cleanup.policy", "compact"),
                ],
            )])
            .await
            .expect("request");
        altered[&r].as_ref().expect("altered");
        let after = topic_configs_when(&admin, &topic, |c| {
            c["max.message.bytes"].value.as_deref() == Some("65536")
        })
        .await;
        assert_eq!(after["max.message.bytes"].value.as_deref(), Some("65536"));
        assert_eq!(
            after["max.message.bytes"].source,
            ConfigSource::DynamicTopicConfig
        );
        assert_ne!(
            after["retention.ms"].source,
            ConfigSource::DynamicTopicConfig,
            "deleted: the broker's value applies again: {:?}",
            after["retention.ms"]
        );
        assert_eq!(
            after["cleanup.policy"].value.as_deref(),
            Some("delete,compact")
        );
        assert_eq!(
            after["cleanup.policy"].source,
            ConfigSource::DynamicTopicConfig
        );

        let subtracted = admin
            .incremental_alter_configs(&[(
                r.clone(),
                vec![AlterConfigOp::subtract("cleanup.policy", "delete")],
            )])
            .await
            .expect("request");
        subtracted[&r].as_ref().expect("subtracted");
        let last = topic_configs_when(&admin, &topic, |c| {
            c["cleanup.policy"].value.as_deref() != Some("delete,compact")
        })
        .await;
        assert_eq!(last["cleanup.policy"].value.as_deref(), Some("compact"));

        // A broker's own configs go to that broker; read-only and sensitive flags come through.
        let broker_id = admin.describe_cluster().await.unwrap().brokers[0].node_id;
        let b = ConfigResource::broker(broker_id);
        let mut described = admin
            .describe_configs(std::slice::from_ref(&b))
            .await
            .expect("request");
        let entries = described.remove(&b).unwrap().expect("broker configs");
        let by_name: BTreeMap<_, _> = entries.iter().map(|e| (e.name.as_str(), e)).collect();
        let node_id = by_name["node.id"];
        assert_eq!(
            node_id.value.as_deref(),
            Some(broker_id.to_string().as_str())
        );
        assert!(node_id.is_read_only, "{node_id:?}");
        assert_eq!(node_id.source, ConfigSource::StaticBrokerConfig);
        assert!(
            entries.iter().any(|e| e.is_sensitive && e.value.is_none()),
            "sensitive configs are reported without their value"
        );
        assert!(entries.iter().any(|e| e.is_default()));

        admin.delete_topics(&[&topic]).await.expect("delete");
    });
}

#[test]
fn config_and_topic_errors_are_typed_and_named() {
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let missing = unique_topic("admin-missing");
        let err = admin
            .describe_topics(&[&missing])
            .await
            .expect_err("no such topic");
        assert!(
            matches!(&err, Error::UnknownTopic { topic, code } if *topic == missing && *code == KafkaCode::UNKNOWN_TOPIC_OR_PARTITION),
            "{err:?}"
        );

        let existing = unique_topic("admin-existing");
        admin
            .create_topics(&[NewTopic::new(&existing, 1)])
            .await
            .expect("create");
        admin
            .wait_for_topics(&[(&existing, 1)], WAIT)
            .await
            .expect("propagated");
        let each = admin
            .describe_topics_each(&[&existing, &missing])
            .await
            .expect("request");
        assert_eq!(each[&existing].as_ref().expect("exists").partitions.len(), 1);
        let err = each[&missing].as_ref().expect_err("missing");
        assert!(
            matches!(err, Error::UnknownTopic { topic, .. } if *topic == missing),
            "{err:?}"
        );
        admin.delete_topics(&[&existing]).await.expect("delete");

        let r = ConfigResource::topic(&missing);
        let described = admin.describe_configs(std::slice::from_ref(&r)).await.expect("request");
        let err = described[&r].as_ref().expect_err("no such topic");
        assert_eq!(err.code(), Some(KafkaCode::UNKNOWN_TOPIC_OR_PARTITION));
        assert!(err.to_string().contains(&missing), "{err}");

        let topic = unique_topic("admin-bad-config");
        admin
            .create_topics(&[NewTopic::new(&topic, 1)])
            .await
            .expect("create");
        let r = ConfigResource::topic(&topic);
        let altered = admin
            .incremental_alter_configs(&[(
                r.clone(),
                vec![AlterConfigOp::set("no.such.config.ever", "1")],
            )])
            .await
            .expect("request");
        let err = altered[&r].as_ref().expect_err("unknown config");
        match err {
            Error::Resource {
                resource,
                code,
                message,
            } => {
                assert_eq!(*code, INVALID_CONFIG, "{err}");
                assert!(resource.contains(&topic), "{err}");
                assert!(
                    message
                        .as_deref()
                        .is_some_and(|m| m.contains("no.such.config.ever")),
                    "{err}"
                );
            }
            other => panic!("expected a resource error, got {other:?}"),
        }
        admin.delete_topics(&[&topic]).await.expect("delete");
    });
}

#[test]
fn list_offsets_and_delete_records() {
    let rt = runtime();
    rt.block_on(async {
        let admin = admin();
        let topic = unique_topic("admin-records");
        admin
            .create_topics(&[NewTopic::new(&topic, 2)])
            .await
            .expect("create");
        admin
            .wait_for_topics(&[(&topic, 2)], WAIT)
            .await
            .expect("propagated");
        let producer = Producer::new(
            ProducerConfig::builder()
                .bootstrap_servers(kafka().servers())
                .build()
                .unwrap(),
        )
        .unwrap();
        // Timestamps out of order so the max-timestamp record is not the last one.
        const TS: i64 = 1_700_000_000_000;
        let stamps = [5, 1, 9, 3, 20, 7, 2, 8, 4, 6];
        let mut acks = Vec::new();
        for (i, s) in stamps.iter().enumerate() {
            let rec = ProducerRecord::new(&topic, format!("v{i}"))
                .partition(0)
                .timestamp(TS + s);
            acks.push(producer.send(rec).await.expect("queued"));
        }
        for a in acks {
            a.await.expect("acked");
        }
        producer.close(Duration::from_secs(5)).await;

        let offsets = admin
            .list_offsets(
                &topic,
                &[(0, OffsetSpec::Earliest), (1, OffsetSpec::Latest)],
            )
            .await
            .expect("offsets");
        assert_eq!((offsets[0].partition, offsets[0].offset), (0, 0));
        assert_eq!((offsets[1].partition, offsets[1].offset), (1, 0));
        let p0 = async |spec| admin.list_offsets(&topic, &[(0, spec)]).await;
        assert_eq!(p0(OffsetSpec::Latest).await.unwrap()[0].offset, 10);
        let by_time = p0(OffsetSpec::Timestamp(TS + 9)).await.unwrap()[0];
        assert_eq!((by_time.offset, by_time.timestamp), (2, TS + 9));
        let max = p0(OffsetSpec::MaxTimestamp).await.unwrap()[0];
        assert_eq!((max.offset, max.timestamp), (4, TS + 20));
        let none_later = p0(OffsetSpec::Timestamp(TS + 1000)).await.unwrap()[0];
        assert_eq!(none_later.offset, -1);

        let tp0 = TopicPartition::new(&topic, 0);
        let tp1 = TopicPartition::new(&topic, 1);
        let tp9 = TopicPartition::new(&topic, 9);
        let deleted = admin
            .delete_records(&[(tp0.clone(), 4), (tp1.clone(), 5), (tp9.clone(), 0)])
            .await
            .expect("request");
        assert_eq!(*deleted[&tp0].as_ref().expect("deleted"), 4);
        let past_end = deleted[&tp1].as_ref().expect_err("partition 1 is empty");
        assert_eq!(past_end.code(), Some(OFFSET_OUT_OF_RANGE), "{past_end}");
        assert!(
            past_end.to_string().contains(&tp1.to_string()),
            "{past_end}"
        );
        let no_partition = deleted[&tp9].as_ref().expect_err("no partition 9");
        assert_eq!(
            no_partition.code(),
            Some(KafkaCode::UNKNOWN_TOPIC_OR_PARTITION),
            "{no_partition}"
        );

        let earliest = p0(OffsetSpec::Earliest).await.unwrap()[0];
        assert_eq!(earliest.offset, 4, "the new low watermark");
        let each = admin
            .list_offsets_each(&[
                (tp0.clone(), OffsetSpec::Earliest),
                (tp1.clone(), OffsetSpec::Latest),
            ])
            .await
            .unwrap();
        assert_eq!(each[&tp0].as_ref().unwrap().offset, 4);
        assert_eq!(each[&tp1].as_ref().unwrap().offset, 0);

        // -1: everything up to the high watermark.
        let all = admin
            .delete_records(&[(tp0.clone(), -1)])
            .await
            .expect("request");
        assert_eq!(*all[&tp0].as_ref().expect("deleted"), 10);
        assert_eq!(p0(OffsetSpec::Earliest).await.unwrap()[0].offset, 10);

        admin.delete_topics(&[&topic]).await.expect("delete");
    });
}
