//! A deleted topic (auto-creation off) is a typed error within the configured time, both for a
//! producer that never saw it and for one that had it cached.

use std::time::Duration;

use integration_tests::{ClusterSpec, KafkaCluster, unique_topic};
use kafka_client::Error;
use kafka_client::admin::{Admin, NewTopic};
use kafka_client::config::{AdminConfig, ProducerConfig};
use kafka_client::producer::{Producer, ProducerRecord};

const NO_HANG: Duration = Duration::from_secs(90);

#[test]
fn sending_to_a_deleted_topic_fails_typed_and_in_time() {
    let cluster = KafkaCluster::start(
        ClusterSpec::single().with_property("auto.create.topics.enable", "false"),
    )
    .expect("broker");
    let bootstrap = cluster.bootstrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let _enter = rt.enter();
    let topic = unique_topic("client-deleted");
    let admin = Admin::new(
        AdminConfig::builder()
            .bootstrap_servers([bootstrap.clone()])
            .build()
            .unwrap(),
    )
    .unwrap();
    let producer = |props: &[(&str, &str)]| {
        let mut b = ProducerConfig::builder().bootstrap_servers([bootstrap.clone()]);
        for (k, v) in props {
            b = b.set(k, v).unwrap();
        }
        Producer::new(b.build().unwrap()).unwrap()
    };
    rt.block_on(async {
        admin
            .create_topics(&[NewTopic::new(&topic, 1)])
            .await
            .expect("create");
        let cached = producer(&[
            ("linger.ms", "0"),
            ("request.timeout.ms", "2000"),
            ("delivery.timeout.ms", "4000"),
            ("max.block.ms", "3000"),
        ]);
        cached
            .send(ProducerRecord::new(&topic, "before"))
            .await
            .expect("queued")
            .await
            .expect("the topic exists at first");
        admin.delete_topics(&[&topic]).await.expect("delete");

        // A producer that never knew the topic: unknown after max.block.ms.
        let fresh = producer(&[("max.block.ms", "3000")]);
        let err = tokio::time::timeout(NO_HANG, fresh.send(ProducerRecord::new(&topic, "x")))
            .await
            .expect("no hang")
            .expect_err("deleted topic");
        assert!(
            matches!(err, Error::UnknownTopic { ref topic, .. } if topic.starts_with("client-deleted")),
            "{err:?}"
        );

        // The producer with cached metadata: the record fails by delivery.timeout.ms.
        let outcome = tokio::time::timeout(NO_HANG, async {
            match cached.send(ProducerRecord::new(&topic, "after")).await {
                Ok(f) => f.await,
                Err(e) => Err(e),
            }
        })
        .await
        .expect("no hang");
        let err = outcome.expect_err("deleted topic");
        assert!(
            matches!(err.root(), Error::Timeout { .. } | Error::UnknownTopic { .. }),
            "{err:?}"
        );
    });
}
