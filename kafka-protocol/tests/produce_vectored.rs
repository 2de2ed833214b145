//! `ProduceRequest::encode_vectored` against the one-buffer encoder: same bytes (chunks
//! concatenated), same errors, and large record sets handed through without a copy.

use bytes::{Bytes, BytesMut};
use kafka_protocol::Message;
use kafka_protocol::Uuid;
use kafka_protocol::messages::ProduceRequest;
use kafka_protocol::messages::produce_request::{
    PartitionProduceData, TopicProduceData, VECTORED_MIN_RECORDS_LEN,
};
use kafka_protocol::primitives::RawTaggedField;
use kafka_protocol::schema::{Ctx, Field, Sampler};
use proptest::prelude::*;

fn one_buffer(req: &ProduceRequest, version: i16) -> Result<Bytes, String> {
    let mut buf = BytesMut::new();
    req.encode(&mut buf, version).map_err(|e| e.to_string())?;
    Ok(buf.freeze())
}

fn vectored(req: &ProduceRequest, version: i16) -> Result<Bytes, String> {
    let chunks = req.encode_vectored(version).map_err(|e| e.to_string())?;
    Ok(Bytes::from(chunks.concat()))
}

/// Two topics, three partitions each: a large record set, a small one, and a null one.
fn request(flexible_extras: bool) -> ProduceRequest {
    let big = Bytes::from(vec![0x5au8; 4 * VECTORED_MIN_RECORDS_LEN]);
    let small = Bytes::from_static(b"tiny record set");
    let tagged = |tag| RawTaggedField {
        tag,
        data: Bytes::from_static(b"?"),
    };
    ProduceRequest {
        transactional_id: Some("txn".into()),
        acks: -1,
        timeout_ms: 30_000,
        topic_data: (0..2)
            .map(|t| TopicProduceData {
                name: format!("topic-{t}"),
                topic_id: Uuid::from_halves(t, t + 7),
                partition_data: vec![
                    PartitionProduceData {
                        index: 0,
                        records: Some(big.clone()),
                        unknown_tagged_fields: if flexible_extras {
                            vec![tagged(90)]
                        } else {
                            Vec::new()
                        },
                    },
                    PartitionProduceData {
                        index: 1,
                        records: Some(small.clone()),
                        ..Default::default()
                    },
                    PartitionProduceData {
                        index: 2,
                        records: None,
                        ..Default::default()
                    },
                ],
                ..Default::default()
            })
            .collect(),
        unknown_tagged_fields: if flexible_extras {
            vec![tagged(91)]
        } else {
            Vec::new()
        },
    }
}

#[test]
fn same_bytes_at_every_version_and_large_record_sets_are_shared() {
    for version in ProduceRequest::MIN_VERSION..=ProduceRequest::MAX_VERSION {
        let mut req = request(ProduceRequest::is_flexible(version));
        if version < 3 {
            req.transactional_id = None;
        }
        let expected = one_buffer(&req, version).expect("encodes");
        assert_eq!(vectored(&req, version).unwrap(), expected, "v{version}");

        let chunks = req.encode_vectored(version).unwrap();
        let big = req.topic_data[0].partition_data[0]
            .records
            .as_ref()
            .unwrap();
        let shared = chunks
            .iter()
            .filter(|c| c.as_ptr() == big.as_ptr() && c.len() == big.len())
            .count();
        // One per topic: the big record set is the same allocation, not a copy.
        assert_eq!(shared, 2, "v{version}");
        // Framing, big set, framing, big set, framing: small and null sets are inline.
        assert_eq!(chunks.len(), 5, "v{version}");
    }
}

#[test]
fn same_errors() {
    // transactional_id does not exist before v3 and is not ignorable.
    let req = request(false);
    for version in 0..3 {
        let a = one_buffer(&req, version).unwrap_err();
        assert_eq!(vectored(&req, version).unwrap_err(), a, "v{version}");
    }
    // Unknown tagged fields cannot be sent in a non-flexible version.
    let req = request(true);
    let a = one_buffer(&req, 8).unwrap_err();
    assert_eq!(vectored(&req, 8).unwrap_err(), a);
    // Unsupported version.
    let a = one_buffer(&req, 99).unwrap_err();
    assert_eq!(vectored(&req, 99).unwrap_err(), a);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// On sampled requests (any field the version carries, null where allowed, unknown tagged
    /// fields in flexible versions), with the sampled record sets sometimes swapped for large
    /// ones, the chunks concatenate to `encode`'s bytes.
    #[test]
    fn sampled_requests_agree(seed in any::<u64>(), big_len in 0usize..3000) {
        for version in ProduceRequest::MIN_VERSION..=ProduceRequest::MAX_VERSION {
            let cx = Ctx { version, flexible: ProduceRequest::is_flexible(version) };
            let mut g = Sampler::new(seed ^ version as u64);
            let mut req = <ProduceRequest as Field>::sample(&mut g, cx, false);
            for (i, topic) in req.topic_data.iter_mut().enumerate() {
                for partition in topic.partition_data.iter_mut().skip(i % 2) {
                    if partition.records.is_some() {
                        partition.records = Some(Bytes::from(vec![i as u8; big_len]));
                    }
                }
            }
            prop_assert_eq!(vectored(&req, version), one_buffer(&req, version), "v{}", version);
        }
    }
}
