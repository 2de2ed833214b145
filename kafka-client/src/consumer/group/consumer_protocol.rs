//! The classic group's "consumer" protocol payloads: the subscription each member puts in its
//! JoinGroup metadata and the assignment the leader hands out in SyncGroup.
//!
//! The layout is Java's `ConsumerProtocol` (schemas `ConsumerProtocolSubscription` and
//! `ConsumerProtocolAssignment`, versions 0-3, not flexible): an `int16` version, then the
//! fields of that version. A Java consumer in the same group reads what we write and we read
//! what it writes. Newer versions than 3 are read as version 3 with the unknown tail ignored,
//! since every later field is ignorable by construction.

use std::collections::BTreeMap;

use bytes::{BufMut, Bytes, BytesMut};
use kafka_protocol::DecodeError;
use kafka_protocol::primitives::{
    read_array_len, read_i16, read_i32, read_nullable_bytes, read_nullable_string, read_string,
};

use crate::consumer::TopicPartition;

/// The newest subscription/assignment version this client writes.
pub const CONSUMER_PROTOCOL_VERSION: i16 = 3;

/// The protocol type of consumer groups in JoinGroup.
pub const PROTOCOL_TYPE: &str = "consumer";

/// One member's subscription (JoinGroup protocol metadata).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// The assignor's own data (e.g. the cooperative-sticky generation).
    pub user_data: Option<Bytes>,
    /// Partitions the member owns now (v1+; cooperative rebalancing relies on it).
    pub owned_partitions: Vec<TopicPartition>,
    /// The generation the owned partitions belong to (v2+), -1 if unknown.
    pub generation_id: i32,
    /// `client.rack` (v3+).
    pub rack_id: Option<String>,
}

impl Default for Subscription {
    fn default() -> Self {
        Subscription {
            topics: Vec::new(),
            user_data: None,
            owned_partitions: Vec::new(),
            generation_id: -1,
            rack_id: None,
        }
    }
}

/// One member's assignment (SyncGroup payload).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assignment {
    /// Assigned partitions.
    pub partitions: Vec<TopicPartition>,
    /// The assignor's own data.
    pub user_data: Option<Bytes>,
}

fn put_str(buf: &mut BytesMut, s: &str) {
    // Topic names and rack ids are far below i16::MAX; clamp defensively rather than panic.
    let len = s.len().min(i16::MAX as usize);
    buf.put_i16(len as i16);
    buf.put_slice(&s.as_bytes()[..len]);
}

fn put_nullable_bytes(buf: &mut BytesMut, b: Option<&Bytes>) {
    match b {
        None => buf.put_i32(-1),
        Some(b) => {
            buf.put_i32(b.len() as i32);
            buf.put_slice(b);
        }
    }
}

fn put_topic_partitions(buf: &mut BytesMut, partitions: &[TopicPartition]) {
    let mut by_topic: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for tp in partitions {
        by_topic.entry(&tp.topic).or_default().push(tp.partition);
    }
    buf.put_i32(by_topic.len() as i32);
    for (topic, parts) in by_topic {
        put_str(buf, topic);
        buf.put_i32(parts.len() as i32);
        for p in parts {
            buf.put_i32(p);
        }
    }
}

fn read_topic_partitions(
    buf: &mut Bytes,
    what: &'static str,
) -> Result<Vec<TopicPartition>, DecodeError> {
    let n = read_array_len(buf, false, what)?.unwrap_or(0);
    let mut out = Vec::new();
    for _ in 0..n {
        let topic = read_string(buf, false, what)?;
        let count = read_array_len(buf, false, what)?.unwrap_or(0);
        for _ in 0..count {
            out.push(TopicPartition::new(topic.clone(), read_i32(buf, what)?));
        }
    }
    Ok(out)
}

fn read_version(buf: &mut Bytes, what: &'static str) -> Result<i16, DecodeError> {
    let v = read_i16(buf, what)?;
    if v < 0 {
        return Err(DecodeError::InvalidLength {
            what,
            len: i64::from(v),
        });
    }
    Ok(v.min(CONSUMER_PROTOCOL_VERSION))
}

impl Subscription {
    /// Encodes at `version` (0..=3); fields a version lacks are left out.
    pub fn encode(&self, version: i16) -> Bytes {
        let version = version.clamp(0, CONSUMER_PROTOCOL_VERSION);
        let mut buf = BytesMut::with_capacity(64);
        buf.put_i16(version);
        buf.put_i32(self.topics.len() as i32);
        for t in &self.topics {
            put_str(&mut buf, t);
        }
        put_nullable_bytes(&mut buf, self.user_data.as_ref());
        if version >= 1 {
            put_topic_partitions(&mut buf, &self.owned_partitions);
        }
        if version >= 2 {
            buf.put_i32(self.generation_id);
        }
        if version >= 3 {
            match &self.rack_id {
                None => buf.put_i16(-1),
                Some(r) => put_str(&mut buf, r),
            }
        }
        buf.freeze()
    }

    /// Decodes any version; a truncated or malformed payload is an error.
    pub fn decode(mut buf: Bytes) -> Result<Subscription, DecodeError> {
        const W: &str = "ConsumerProtocolSubscription";
        let version = read_version(&mut buf, W)?;
        let n = read_array_len(&mut buf, false, W)?.unwrap_or(0);
        let mut topics = Vec::with_capacity(n);
        for _ in 0..n {
            topics.push(read_string(&mut buf, false, W)?);
        }
        let user_data = read_nullable_bytes(&mut buf, false, W)?;
        let owned_partitions = if version >= 1 {
            read_topic_partitions(&mut buf, W)?
        } else {
            Vec::new()
        };
        let generation_id = if version >= 2 {
            read_i32(&mut buf, W)?
        } else {
            -1
        };
        let rack_id = if version >= 3 {
            read_nullable_string(&mut buf, false, W)?
        } else {
            None
        };
        Ok(Subscription {
            topics,
            user_data,
            owned_partitions,
            generation_id,
            rack_id,
        })
    }
}

impl Assignment {
    /// Encodes at `version` (all versions share one layout).
    pub fn encode(&self, version: i16) -> Bytes {
        let mut buf = BytesMut::with_capacity(64);
        buf.put_i16(version.clamp(0, CONSUMER_PROTOCOL_VERSION));
        put_topic_partitions(&mut buf, &self.partitions);
        put_nullable_bytes(&mut buf, self.user_data.as_ref());
        buf.freeze()
    }

    /// Decodes any version. An empty payload is an empty assignment: the coordinator sends one
    /// to members the leader left out.
    pub fn decode(mut buf: Bytes) -> Result<Assignment, DecodeError> {
        const W: &str = "ConsumerProtocolAssignment";
        if buf.is_empty() {
            return Ok(Assignment::default());
        }
        read_version(&mut buf, W)?;
        let partitions = read_topic_partitions(&mut buf, W)?;
        let user_data = read_nullable_bytes(&mut buf, false, W)?;
        Ok(Assignment {
            partitions,
            user_data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(t: &str, p: i32) -> TopicPartition {
        TopicPartition::new(t, p)
    }

    #[test]
    fn subscription_v3_bytes_match_the_schema() {
        let s = Subscription {
            topics: vec!["a".into()],
            user_data: Some(Bytes::from_static(&[0, 0, 0, 7])),
            owned_partitions: vec![tp("a", 1)],
            generation_id: 7,
            rack_id: Some("r".into()),
        };
        let bytes = s.encode(3);
        let expected: Vec<u8> = [
            &[0u8, 3][..],                                     // version
            &[0, 0, 0, 1, 0, 1, b'a'],                         // topics
            &[0, 0, 0, 4, 0, 0, 0, 7],                         // user data
            &[0, 0, 0, 1, 0, 1, b'a', 0, 0, 0, 1, 0, 0, 0, 1], // owned
            &[0, 0, 0, 7],                                     // generation
            &[0, 1, b'r'],                                     // rack
        ]
        .concat();
        assert_eq!(bytes.as_ref(), expected.as_slice());
        assert_eq!(Subscription::decode(bytes).unwrap(), s);
    }

    #[test]
    fn older_versions_drop_later_fields() {
        let s = Subscription {
            topics: vec!["t".into(), "u".into()],
            user_data: None,
            owned_partitions: vec![tp("t", 0), tp("u", 3)],
            generation_id: 5,
            rack_id: Some("rack".into()),
        };
        let v0 = Subscription::decode(s.encode(0)).unwrap();
        assert!(v0.owned_partitions.is_empty());
        assert_eq!(v0.generation_id, -1);
        let v1 = Subscription::decode(s.encode(1)).unwrap();
        assert_eq!(v1.owned_partitions, s.owned_partitions);
        assert_eq!(v1.generation_id, -1);
        let v2 = Subscription::decode(s.encode(2)).unwrap();
        assert_eq!(v2.generation_id, 5);
        assert_eq!(v2.rack_id, None);
    }

    #[test]
    fn future_versions_read_as_v3() {
        let s = Subscription {
            topics: vec!["t".into()],
            generation_id: 2,
            ..Default::default()
        };
        let mut bytes = BytesMut::from(s.encode(3).as_ref());
        bytes[1] = 9; // version 9
        bytes.extend_from_slice(&[1, 2, 3]); // a field we do not know
        assert_eq!(Subscription::decode(bytes.freeze()).unwrap(), s);
    }

    #[test]
    fn truncated_payloads_are_errors() {
        let s = Subscription {
            topics: vec!["topic".into()],
            owned_partitions: vec![tp("topic", 0)],
            ..Default::default()
        }
        .encode(3);
        for cut in 1..s.len() {
            assert!(
                Subscription::decode(s.slice(..cut)).is_err(),
                "cut at {cut}"
            );
        }
        let a = Assignment {
            partitions: vec![tp("x", 1)],
            user_data: None,
        }
        .encode(0);
        for cut in 1..a.len() {
            assert!(Assignment::decode(a.slice(..cut)).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn huge_array_counts_do_not_allocate() {
        let bytes = Bytes::from_static(&[0, 0, 0x7f, 0xff, 0xff, 0xff]);
        assert!(Subscription::decode(bytes).is_err());
    }

    #[test]
    fn assignment_round_trip_and_empty() {
        let a = Assignment {
            partitions: vec![tp("a", 0), tp("a", 2), tp("b", 1)],
            user_data: Some(Bytes::from_static(b"x")),
        };
        assert_eq!(Assignment::decode(a.encode(3)).unwrap(), a);
        assert_eq!(
            Assignment::decode(Bytes::new()).unwrap(),
            Assignment::default()
        );
    }
}
