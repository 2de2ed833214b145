//! Our key partitioning against the Java client's, key by key: 10,000 keys (`key-<i>` and
//! seeded random bytes of length 0..=64) times partition counts 1, 3, 7, 12 and 100, each
//! compared with Java's `Utils.toPositive(Utils.murmur2(key)) % n` and with
//! `BuiltInPartitioner.partitionForKey(key, n)` from kafka-clients.

mod support;

use kafka_client::partitioner::{murmur2, partition_for_key};

const COUNTS: [u32; 5] = [1, 3, 7, 12, 100];

fn hex_key(text: &str) -> Vec<u8> {
    if text == "-" {
        return Vec::new();
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex key from Java"))
        .collect()
}

#[test]
fn partitions_match_java_for_10000_keys() {
    let output = support::run_java("PartitionVectors", &[]);
    let mut keys = 0;
    let mut checked = 0;
    for line in output.lines() {
        let mut fields = line.split(' ');
        let key = hex_key(fields.next().expect("key field"));
        let java_hash: i32 = fields.next().expect("hash field").parse().expect("hash");
        assert_eq!(murmur2(&key), java_hash, "murmur2 of {key:02x?}");
        for n in COUNTS {
            let (utils, builtin) = fields
                .next()
                .and_then(|f| f.split_once('/'))
                .expect("partition pair");
            let ours = partition_for_key(&key, n);
            assert_eq!(
                ours.to_string(),
                utils,
                "Utils partition of {key:02x?} with {n} partitions"
            );
            assert_eq!(
                ours.to_string(),
                builtin,
                "BuiltInPartitioner partition of {key:02x?} with {n}"
            );
            checked += 1;
        }
        assert!(
            fields.next().is_none(),
            "unexpected extra fields in {line:?}"
        );
        keys += 1;
    }
    assert_eq!(keys, 10_000, "Java printed {keys} keys");
    assert_eq!(checked, 50_000);
}
