//! The admin client on a 3-node cluster, where routing matters: partitions placed on chosen
//! brokers with CreatePartitions assignments, DeleteRecords and ListOffsets sent to each
//! partition's own leader, and per-broker configs read and altered on that broker.

use std::collections::BTreeSet;
use std::time::Duration;

use integration_tests::{ClusterSpec, KafkaCluster, unique_topic};
use kafka_client::admin::{
    Admin, AlterConfigOp, ConfigResource, ConfigSource, NewPartitions, NewTopic, OffsetSpec,
    TopicPartition,
};
use kafka_client::config::{AdminConfig, ProducerConfig};
use kafka_client::producer::{Producer, ProducerRecord};

const RECORDS_PER_PARTITION: i64 = 8;

#[test]
fn records_and_configs_go_to_the_right_broker() {
    let cluster = KafkaCluster::start(ClusterSpec::three_nodes()).expect("3-node cluster");
    let servers: Vec<String> = cluster.bootstrap().split(',').map(str::to_owned).collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let admin = Admin::new(
            AdminConfig::builder()
                .bootstrap_servers(servers.clone())
                .default_api_timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        )
        .unwrap();
        let described = admin.describe_cluster().await.expect("describe cluster");
        let ids: Vec<i32> = described.brokers.iter().map(|b| b.node_id).collect();
        assert_eq!(ids.len(), 3, "{described:?}");

        // One partition wherever the controller puts it, then one on each broker by assignment.
        let topic = unique_topic("admin-routing");
        admin
            .create_topics(&[NewTopic::new(&topic, 1).replication_factor(1)])
            .await
            .expect("create");
        let grown = admin
            .create_partitions(&[NewPartitions::increase_to(&topic, 4)
                .assignments(ids.iter().map(|&id| vec![id]).collect())])
            .await
            .expect("request");
        grown[&topic].as_ref().expect("placed");
        admin
            .wait_for_topics(&[(&topic, 4)], Duration::from_secs(60))
            .await
            .expect("propagated");
        let meta = &admin.describe_topics(&[&topic]).await.unwrap()[0];
        for (i, &id) in ids.iter().enumerate() {
            let p = meta.partition(i32::try_from(i).unwrap() + 1).unwrap();
            assert_eq!((p.leader, p.replicas.clone()), (id, vec![id]), "{meta:?}");
        }
        let leaders: BTreeSet<i32> = meta.partitions.iter().map(|p| p.leader).collect();
        assert_eq!(leaders.len(), 3, "every broker leads a partition");

        let producer = Producer::new(
            ProducerConfig::builder()
                .bootstrap_servers(servers.clone())
                .build()
                .unwrap(),
        )
        .unwrap();
        let mut acks = Vec::new();
        for p in 0..4 {
            for i in 0..RECORDS_PER_PARTITION {
                let rec = ProducerRecord::new(&topic, format!("{p}-{i}")).partition(p);
                acks.push(producer.send(rec).await.expect("queued"));
            }
        }
        for a in acks {
            a.await.expect("acked");
        }
        producer.close(Duration::from_secs(5)).await;

        let tps: Vec<TopicPartition> = (0..4).map(|p| TopicPartition::new(&topic, p)).collect();
        let deleted = admin
            .delete_records(
                &tps.iter()
                    .map(|tp| (tp.clone(), i64::from(tp.partition) + 1))
                    .collect::<Vec<_>>(),
            )
            .await
            .expect("request");
        for tp in &tps {
            assert_eq!(
                *deleted[tp].as_ref().expect("deleted at the leader"),
                i64::from(tp.partition) + 1
            );
        }
        let earliest = admin
            .list_offsets_each(
                &tps.iter()
                    .map(|tp| (tp.clone(), OffsetSpec::Earliest))
                    .collect::<Vec<_>>(),
            )
            .await
            .expect("request");
        let latest = admin
            .list_offsets_each(
                &tps.iter()
                    .map(|tp| (tp.clone(), OffsetSpec::Latest))
                    .collect::<Vec<_>>(),
            )
            .await
            .expect("request");
        for tp in &tps {
            assert_eq!(
                earliest[tp].as_ref().unwrap().offset,
                i64::from(tp.partition) + 1
            );
            assert_eq!(latest[tp].as_ref().unwrap().offset, RECORDS_PER_PARTITION);
        }

        // Each broker describes its own configs: node.id proves which one answered.
        let resources: Vec<ConfigResource> =
            ids.iter().map(|&id| ConfigResource::broker(id)).collect();
        let configs = admin.describe_configs(&resources).await.expect("request");
        for (&id, r) in ids.iter().zip(&resources) {
            let entries = configs[r].as_ref().expect("broker configs");
            let node = entries.iter().find(|e| e.name == "node.id").unwrap();
            assert_eq!(node.value.as_deref(), Some(id.to_string().as_str()));
        }

        // A per-broker dynamic setting lands on that broker only.
        let target = ConfigResource::broker(ids[1]);
        let altered = admin
            .incremental_alter_configs(&[(
                target.clone(),
                vec![AlterConfigOp::set("message.max.bytes", "2000000")],
            )])
            .await
            .expect("request");
        altered[&target].as_ref().expect("altered");
        let mut seen = None;
        for _ in 0..100 {
            let now = admin.describe_configs(&resources).await.expect("request");
            let value = |r: &ConfigResource| {
                let e = now[r]
                    .as_ref()
                    .unwrap()
                    .iter()
                    .find(|e| e.name == "message.max.bytes")
                    .cloned()
                    .unwrap();
                (e.value, e.source)
            };
            let all: Vec<_> = resources.iter().map(value).collect();
            // The broker can name the dynamic source a moment before it reports the new value,
            // so wait for both.
            let done = all[1]
                == (
                    Some("2000000".to_owned()),
                    ConfigSource::DynamicBrokerConfig,
                );
            seen = Some(all);
            if done {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let seen = seen.unwrap();
        assert_eq!(
            seen[1],
            (
                Some("2000000".to_owned()),
                ConfigSource::DynamicBrokerConfig
            )
        );
        for other in [&seen[0], &seen[2]] {
            assert_ne!(other.1, ConfigSource::DynamicBrokerConfig, "{seen:?}");
        }
        let reset = admin
            .incremental_alter_configs(&[(
                target.clone(),
                vec![AlterConfigOp::delete("message.max.bytes")],
            )])
            .await
            .expect("request");
        reset[&target].as_ref().expect("reset");
    });
}
