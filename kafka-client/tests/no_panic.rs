//! Arbitrary input to every parser in this crate's foundations returns a value or a typed error,
//! never a panic: properties text, JAAS lines, config values, SCRAM server messages, key hashes.

use kafka_client::config::{
    ConfigError, ConsumerConfig, ProducerConfig, parse_jaas_config, parse_properties,
};
use kafka_client::partitioner::{StickyPartitioner, TopicPartitions, partition_for_key};
use kafka_client::sasl::{Credentials, ScramClient, ScramMechanism};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

const KEYS: &[&str] = &[
    "acks",
    "linger.ms",
    "batch.size",
    "compression.type",
    "compression.zstd.level",
    "enable.idempotence",
    "retries",
    "max.in.flight.requests.per.connection",
    "transactional.id",
    "delivery.timeout.ms",
    "security.protocol",
    "sasl.mechanism",
    "sasl.jaas.config",
    "bootstrap.servers",
    "connections.max.idle.ms",
    "auto.offset.reset",
    "group.id",
    "group.instance.id",
    "group.protocol",
    "partition.assignment.strategy",
    "isolation.level",
    "session.timeout.ms",
];

proptest! {
    #[test]
    fn properties_text_never_panics(text in "\\PC{0,200}") {
        if let Ok(pairs) = parse_properties(&text) {
            prop_assert!(pairs.len() <= text.split('\n').count());
        }
    }

    #[test]
    fn properties_with_escapes_never_panic(text in "([a-z.=: \\\\\n\t#!u0-9a-fA-F]){0,120}") {
        if let Ok(pairs) = parse_properties(&text) {
            prop_assert!(pairs.len() <= text.split('\n').count());
        }
    }

    #[test]
    fn jaas_never_panics(text in "[a-zA-Z.=\";\\\\ ]{0,120}") {
        if let Ok(credentials) = parse_jaas_config(&text) {
            prop_assert!(text.contains("username") && text.contains("password"));
            prop_assert!(text.contains(credentials.username.as_str()));
        }
    }

    #[test]
    fn config_values_never_panic(
        settings in proptest::collection::vec((0..KEYS.len(), "\\PC{0,40}"), 0..8)
    ) {
        let pairs: Vec<(&str, String)> = std::iter::once(("bootstrap.servers", "b:9092".to_owned()))
            .chain(settings.into_iter().map(|(k, v)| (KEYS[k], v)))
            .collect();
        let results = [
            ProducerConfig::from_properties(pairs.iter().map(|(k, v)| (*k, v.as_str()))).err(),
            ConsumerConfig::from_properties(pairs.iter().map(|(k, v)| (*k, v.as_str()))).err(),
        ];
        for err in results.into_iter().flatten() {
            // A rejected value is reported under one of the keys that was given (or under
            // sasl.mechanism, whose Java default GSSAPI is not supported).
            if let ConfigError::InvalidValue { key, .. } = &err {
                prop_assert!(key == "sasl.mechanism" || pairs.iter().any(|(k, _)| k == key), "{err}");
            }
        }
    }

    #[test]
    fn scram_server_first_never_panics(tail in "[ -~]{0,80}") {
        let mut c = ScramClient::with_nonce(ScramMechanism::Sha256, Credentials::new("u", "p"), "n0nce");
        c.client_first_message().unwrap();
        // Starting with the right nonce prefix gets the parser past the nonce check.
        if let Ok(client_final) = c.handle_server_first(format!("r=n0nce{tail}").as_bytes()) {
            prop_assert!(client_final.starts_with(b"c=biws,r=n0nce"));
        }
    }

    #[test]
    fn keyed_partition_is_in_range(key in proptest::collection::vec(any::<u8>(), 0..200), n in 1u32..10_000) {
        let p = partition_for_key(&key, n);
        prop_assert!(p >= 0 && (p as u32) < n);
    }

    #[test]
    fn sticky_choice_is_an_available_partition(
        available in proptest::collection::btree_set(0i32..50, 1..10),
        appends in proptest::collection::vec(0u32..40_000, 1..50),
        seed in any::<u64>(),
    ) {
        let available: Vec<i32> = available.into_iter().collect();
        let topic = TopicPartitions { partition_count: 50, available: &available };
        let mut rng = StdRng::seed_from_u64(seed);
        let mut sticky = StickyPartitioner::new(16_384);
        for bytes in appends {
            prop_assert!(available.contains(&sticky.partition(topic, &mut rng)));
            sticky.record_appended(bytes, true, topic, &mut rng);
        }
    }
}
