//! ProduceRequest (API key 0), versions 0-13.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema (versions below 3 from 3.9.1); see MESSAGES.md.

use crate::Uuid;
use crate::error::EncodeError;
use crate::primitives as p;
use crate::schema::{Ctx, Field};
use bytes::{BufMut, Bytes, BytesMut};

kafka_struct! {
    /// Request body for Produce (API key 0).
    pub struct ProduceRequest {
        /// Transactional ID, or null for a producer that does not use transactions.
        pub transactional_id: Option<String> = versions(3..) nullable(3..) default(None),
        /// How many acknowledgments the leader must collect before it treats the request as done: 0
        /// for none, 1 for the leader alone, -1 for every in-sync replica.
        pub acks: i16 = versions(0..),
        /// Milliseconds to wait for the response.
        pub timeout_ms: i32 = versions(0..),
        /// Topics to write records to.
        pub topic_data: Vec<TopicProduceData> = versions(0..),
    }
}

kafka_struct! {
    /// Topics to write records to.
    pub struct TopicProduceData {
        /// Name of the topic.
        pub name: String = versions(0..=12) ignorable(true),
        /// Unique ID of the topic.
        pub topic_id: Uuid = versions(13..) ignorable(true),
        /// Partitions to write records to.
        pub partition_data: Vec<PartitionProduceData> = versions(0..),
    }
}

kafka_struct! {
    /// Partitions to write records to.
    pub struct PartitionProduceData {
        /// Index of the partition.
        pub index: i32 = versions(0..),
        /// Records to write.
        pub records: Option<Bytes> = versions(0..) nullable(0..),
    }
}

kafka_message!(
    ProduceRequest,
    api_key = 0,
    versions = 0..=13,
    flexible = Some(9)
);
kafka_request!(ProduceRequest => super::ProduceResponse);

/// Record sets shorter than this are copied into the framing buffer by
/// [`ProduceRequest::encode_vectored`]: an extra iovec entry costs more than a small copy.
pub const VECTORED_MIN_RECORDS_LEN: usize = 512;

impl ProduceRequest {
    /// Encodes the body like [`Message::encode`](crate::Message::encode), but as a list of
    /// chunks to write in order (e.g. with `write_vectored`) instead of one buffer: the framing
    /// (fields, lengths, tagged sections) goes into one `BytesMut` whose frozen pieces are
    /// interleaved with the record sets themselves, shared rather than copied. Record sets
    /// shorter than [`VECTORED_MIN_RECORDS_LEN`] are copied into the framing.
    ///
    /// The chunks concatenated are exactly the bytes `encode` appends, and the errors are the
    /// same. The caller frames them: the request size is the header's length plus the sum of
    /// the chunk lengths.
    pub fn encode_vectored(&self, version: i16) -> Result<Vec<Bytes>, EncodeError> {
        let cx = <Self as crate::Message>::encode_ctx(version)?;
        match self.encode_chunks(cx) {
            Ok(chunks) => Ok(chunks),
            // The one-buffer encoder is the reference: on any failure report its error, so the
            // two never disagree on what is wrong.
            Err(e) => {
                let mut scratch = BytesMut::new();
                <Self as crate::Message>::encode(self, &mut scratch, version)?;
                Err(e)
            }
        }
    }

    fn encode_chunks(&self, cx: Ctx) -> Result<Vec<Bytes>, EncodeError> {
        let framing = 64 + self.topic_data.len() * 64;
        let mut buf = BytesMut::with_capacity(framing);
        let mut chunks = Vec::with_capacity(2 * self.topic_data.len() + 1);
        if cx.version >= 3 {
            Field::write(&self.transactional_id, &mut buf, cx, true)?;
        } else if self.transactional_id.is_some() {
            return Err(EncodeError::FieldNotInVersion {
                message: "ProduceRequest",
                field: "transactional_id",
                version: cx.version,
            });
        }
        buf.put_i16(self.acks);
        buf.put_i32(self.timeout_ms);
        p::write_array_len(&mut buf, Some(self.topic_data.len()), cx.flexible)?;
        for topic in &self.topic_data {
            if cx.version <= 12 {
                p::write_string(&mut buf, &topic.name, cx.flexible)?;
            } else {
                p::write_uuid(&mut buf, &topic.topic_id);
            }
            p::write_array_len(&mut buf, Some(topic.partition_data.len()), cx.flexible)?;
            for partition in &topic.partition_data {
                buf.put_i32(partition.index);
                match &partition.records {
                    Some(records) if records.len() >= VECTORED_MIN_RECORDS_LEN => {
                        p::write_len(&mut buf, Some(records.len()), cx.flexible, true, "bytes")?;
                        chunks.push(buf.split().freeze());
                        chunks.push(records.clone());
                    }
                    records => p::write_nullable_bytes(&mut buf, records.as_deref(), cx.flexible)?,
                }
                let unknown = &partition.unknown_tagged_fields;
                tagged_section(&mut buf, cx, "PartitionProduceData", unknown)?;
            }
            tagged_section(
                &mut buf,
                cx,
                "TopicProduceData",
                &topic.unknown_tagged_fields,
            )?;
        }
        tagged_section(&mut buf, cx, "ProduceRequest", &self.unknown_tagged_fields)?;
        if !buf.is_empty() {
            chunks.push(buf.freeze());
        }
        Ok(chunks)
    }
}

/// A struct's trailing tagged-field section (none of Produce's structs has known tagged fields).
fn tagged_section(
    buf: &mut BytesMut,
    cx: Ctx,
    message: &'static str,
    unknown: &[crate::primitives::RawTaggedField],
) -> Result<(), EncodeError> {
    if cx.flexible {
        crate::schema::write_tagged_section(buf, &mut [], unknown)
    } else if unknown.is_empty() {
        Ok(())
    } else {
        Err(EncodeError::TaggedFieldsNotSupported {
            message,
            version: cx.version,
        })
    }
}
