//! The encoder refuses what Kafka's generated code refuses, and the decoder names the field
//! that was malformed.

use bytes::{Bytes, BytesMut};
use kafka_protocol::messages::fetch_request::{FetchPartition, FetchTopic};
use kafka_protocol::messages::metadata_request::MetadataRequestTopic;
use kafka_protocol::messages::{FetchRequest, MetadataRequest, ProduceRequest};
use kafka_protocol::{DecodeError, EncodeError, Message, Uuid};

#[test]
fn non_default_field_missing_from_version_is_refused() {
    // ForgottenTopicsData exists from v7 and is not ignorable.
    let req = FetchRequest {
        forgotten_topics_data: vec![Default::default()],
        ..Default::default()
    };
    let err = req.encode(&mut BytesMut::new(), 6).unwrap_err();
    assert_eq!(
        err,
        EncodeError::FieldNotInVersion {
            message: "FetchRequest",
            field: "forgotten_topics_data",
            version: 6
        }
    );
    assert!(req.encode(&mut BytesMut::new(), 7).is_ok());
}

#[test]
fn ignorable_field_is_dropped_silently() {
    // RackId (v11+) is ignorable: older versions just leave it out.
    let with = FetchRequest {
        rack_id: "rack-a".into(),
        ..Default::default()
    };
    let mut a = BytesMut::new();
    with.encode(&mut a, 10).unwrap();
    let mut b = BytesMut::new();
    FetchRequest::default().encode(&mut b, 10).unwrap();
    assert_eq!(a, b);
}

#[test]
fn null_where_not_nullable_is_refused() {
    // Metadata topic names become nullable in v10.
    let req = MetadataRequest {
        topics: Some(vec![MetadataRequestTopic {
            name: None,
            topic_id: Uuid::from_halves(1, 2),
            ..Default::default()
        }]),
        ..Default::default()
    };
    assert!(matches!(
        req.encode(&mut BytesMut::new(), 9),
        Err(EncodeError::NullNotAllowed { field: "name", .. })
    ));
    assert!(req.encode(&mut BytesMut::new(), 10).is_ok());
}

#[test]
fn unsupported_versions_are_errors_both_ways() {
    let v = FetchRequest::MAX_VERSION + 1;
    assert!(matches!(
        FetchRequest::default().encode(&mut BytesMut::new(), v),
        Err(EncodeError::UnsupportedVersion { api_key: 1, .. })
    ));
    assert!(matches!(
        FetchRequest::decode(&mut Bytes::new(), -1),
        Err(DecodeError::UnsupportedVersion {
            api_key: 1,
            version: -1
        })
    ));
}

#[test]
fn decode_errors_name_the_path() {
    let req = FetchRequest {
        topics: vec![FetchTopic {
            topic: "t".into(),
            partitions: vec![FetchPartition::default()],
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut buf = BytesMut::new();
    req.encode(&mut buf, 4).unwrap();
    let bytes = buf.freeze();
    let err = FetchRequest::decode_exact(bytes.slice(..bytes.len() - 2), 4).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("FetchRequest.topics: FetchTopic.partitions: FetchPartition."),
        "{text}"
    );
    assert!(matches!(err.root(), DecodeError::Truncated { .. }));
}

#[test]
fn records_are_zero_copy() {
    use kafka_protocol::messages::produce_request::{PartitionProduceData, TopicProduceData};
    let req = ProduceRequest {
        acks: -1,
        topic_data: vec![TopicProduceData {
            name: "t".into(),
            partition_data: vec![PartitionProduceData {
                index: 0,
                records: Some(Bytes::from_static(b"record batch bytes")),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut buf = BytesMut::new();
    req.encode(&mut buf, 9).unwrap();
    let input = buf.freeze();
    let back = ProduceRequest::decode_exact(input.clone(), 9).unwrap();
    let records = back.topic_data[0].partition_data[0]
        .records
        .as_ref()
        .unwrap();
    assert_eq!(&records[..], b"record batch bytes");
    let start = input.as_ptr() as usize;
    let at = records.as_ptr() as usize;
    assert!(
        at >= start && at < start + input.len(),
        "records were copied"
    );
}

#[test]
fn unknown_tagged_fields_need_a_flexible_version() {
    let req = MetadataRequest {
        unknown_tagged_fields: vec![kafka_protocol::primitives::RawTaggedField {
            tag: 50,
            data: Bytes::from_static(b"x"),
        }],
        ..Default::default()
    };
    assert!(req.encode(&mut BytesMut::new(), 9).is_ok());
    assert!(matches!(
        req.encode(&mut BytesMut::new(), 8),
        Err(EncodeError::TaggedFieldsNotSupported {
            message: "MetadataRequest",
            version: 8
        })
    ));
}
