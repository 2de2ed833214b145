//! Building v2 record batches for producers.
//!
//! Records are encoded straight into one `BytesMut` as they are appended, behind space reserved
//! for the 61-byte header; nothing is allocated per record. [`BatchBuilder::build`] then
//! compresses the records section if asked, fills in the header and computes the CRC32C.

use bytes::{BufMut, Bytes, BytesMut};

use crate::primitives::{varint_len, varlong_len, write_varint, write_varlong};

use super::batch::{
    ATTRIBUTES, BASE_OFFSET, BASE_SEQUENCE, BASE_TIMESTAMP, CONTROL_BIT, CRC, DELETE_HORIZON_BIT,
    LAST_OFFSET_DELTA, LENGTH, MAGIC, MAX_TIMESTAMP, PARTITION_LEADER_EPOCH, PRODUCER_EPOCH,
    PRODUCER_ID, RECORD_COUNT, TIMESTAMP_TYPE_BIT, TRANSACTIONAL_BIT, TimestampType,
};
use super::compression::Compression;
use super::control::{ControlRecordType, encode_key, encode_marker_value};
use super::error::BuildError;
use super::{
    BATCH_HEADER_SIZE, LOG_OVERHEAD, NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID,
    NO_SEQUENCE, NO_TIMESTAMP,
};

/// The batch-level fields of a batch to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchOptions {
    /// Offset of the first record (producers write 0; the broker assigns real offsets).
    pub base_offset: i64,
    /// Codec for the records section.
    pub compression: Compression,
    /// Which timestamps the batch carries.
    pub timestamp_type: TimestampType,
    /// For [`TimestampType::LogAppendTime`] batches: the append time, stored as the max
    /// timestamp. Ignored for create-time batches.
    pub log_append_time: i64,
    /// Leader epoch stamp (-1 from producers).
    pub partition_leader_epoch: i32,
    /// Idempotent producer id, or -1.
    pub producer_id: i64,
    /// Idempotent producer epoch, or -1.
    pub producer_epoch: i16,
    /// Sequence number of the first record, or -1.
    pub base_sequence: i32,
    /// Whether the batch is part of a transaction.
    pub is_transactional: bool,
    /// Whether the batch is a control batch (use [`BatchBuilder::end_txn_marker`] for markers).
    pub is_control: bool,
    /// A delete horizon set by compaction; when present it becomes the base timestamp.
    pub delete_horizon_ms: Option<i64>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            base_offset: 0,
            compression: Compression::None,
            timestamp_type: TimestampType::CreateTime,
            log_append_time: NO_TIMESTAMP,
            partition_leader_epoch: NO_PARTITION_LEADER_EPOCH,
            producer_id: NO_PRODUCER_ID,
            producer_epoch: NO_PRODUCER_EPOCH,
            base_sequence: NO_SEQUENCE,
            is_transactional: false,
            is_control: false,
            delete_horizon_ms: None,
        }
    }
}

/// A record header to append: a UTF-8 key and a nullable value, both borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderRef<'a> {
    /// The header key.
    pub key: &'a str,
    /// The header value, or `None` for null.
    pub value: Option<&'a [u8]>,
}

impl<'a> HeaderRef<'a> {
    /// A header with key `key` and value `value`.
    pub fn new(key: &'a str, value: Option<&'a [u8]>) -> Self {
        HeaderRef { key, value }
    }
}

/// Accumulates records into one v2 batch.
///
/// ```
/// use kafka_protocol::record::{BatchBuilder, BatchOptions, Compression, HeaderRef};
///
/// let mut builder = BatchBuilder::new(BatchOptions {
///     compression: Compression::Lz4,
///     ..BatchOptions::default()
/// });
/// builder.append(1_700_000_000_000, Some(b"key"), Some(b"value"), &[HeaderRef::new("h", None)])?;
/// let batch = builder.build()?;
/// assert_eq!(batch[16], 2); // magic
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct BatchBuilder {
    options: BatchOptions,
    compression_level: Option<i32>,
    buf: BytesMut,
    count: i32,
    base_timestamp: Option<i64>,
    max_timestamp: i64,
}

impl BatchBuilder {
    /// A builder for a batch with `options`.
    pub fn new(options: BatchOptions) -> Self {
        Self::with_capacity(options, 4096)
    }

    /// A builder whose buffer starts with room for `capacity` bytes of records.
    pub fn with_capacity(options: BatchOptions, capacity: usize) -> Self {
        let mut buf = BytesMut::with_capacity(BATCH_HEADER_SIZE + capacity);
        buf.put_bytes(0, BATCH_HEADER_SIZE);
        BatchBuilder {
            options,
            compression_level: None,
            buf,
            count: 0,
            base_timestamp: options.delete_horizon_ms,
            max_timestamp: NO_TIMESTAMP,
        }
    }

    /// The batch options.
    pub fn options(&self) -> &BatchOptions {
        &self.options
    }

    /// Sets the level [`build`](Self::build) compresses at, in the numbering of the Java
    /// client's `compression.<codec>.level` (KIP-390); `None`, the default, is the codec's
    /// default level. See [`Compression::compress_with_level`] for what each codec makes of it.
    pub fn with_compression_level(mut self, level: Option<i32>) -> Self {
        self.compression_level = level;
        self
    }

    /// The compression level set by [`with_compression_level`](Self::with_compression_level).
    pub fn compression_level(&self) -> Option<i32> {
        self.compression_level
    }

    /// Records appended so far.
    pub fn record_count(&self) -> usize {
        self.count as usize
    }

    /// Whether no record has been appended.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Size of the batch so far before compression: header plus encoded records.
    pub fn uncompressed_size(&self) -> usize {
        self.buf.len()
    }

    /// The encoded size a record would add, for deciding whether it still fits a batch.
    pub fn record_size(
        &self,
        timestamp: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[HeaderRef<'_>],
    ) -> usize {
        let body = self.body_len(timestamp, key, value, headers);
        varint_len(body as i32) + body
    }

    fn body_len(
        &self,
        timestamp: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[HeaderRef<'_>],
    ) -> usize {
        let base = self.base_timestamp.unwrap_or(timestamp);
        let mut len = 1
            + varlong_len(timestamp.wrapping_sub(base))
            + varint_len(self.count)
            + nullable_len(key)
            + nullable_len(value)
            + varint_len(headers.len() as i32);
        for h in headers {
            len += nullable_len(Some(h.key.as_bytes())) + nullable_len(h.value);
        }
        len
    }

    /// Appends a record with the next offset and returns that offset.
    ///
    /// `timestamp` is milliseconds since the epoch, or -1 for none; other negative values are
    /// refused, as Java's `MemoryRecordsBuilder` refuses them.
    pub fn append(
        &mut self,
        timestamp: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[HeaderRef<'_>],
    ) -> Result<i64, BuildError> {
        if timestamp < NO_TIMESTAMP {
            return Err(BuildError::InvalidTimestamp(timestamp));
        }
        if self.count == i32::MAX {
            return Err(BuildError::TooLarge {
                size: self.buf.len(),
            });
        }
        let body = self.body_len(timestamp, key, value, headers);
        if body > i32::MAX as usize || self.buf.len() + body > i32::MAX as usize {
            return Err(BuildError::TooLarge {
                size: self.buf.len().saturating_add(body),
            });
        }
        let base = *self.base_timestamp.get_or_insert(timestamp);
        self.buf.reserve(5 + body);
        let buf = &mut self.buf;
        write_varint(buf, body as i32);
        buf.put_u8(0); // attributes
        write_varlong(buf, timestamp.wrapping_sub(base));
        write_varint(buf, self.count);
        put_nullable(buf, key);
        put_nullable(buf, value);
        write_varint(buf, headers.len() as i32);
        for h in headers {
            put_nullable(buf, Some(h.key.as_bytes()));
            put_nullable(buf, h.value);
        }
        self.max_timestamp = self.max_timestamp.max(timestamp);
        let offset = self.options.base_offset.wrapping_add(i64::from(self.count));
        self.count += 1;
        Ok(offset)
    }

    /// Seals the batch: compresses the records, writes the header and the CRC32C.
    pub fn build(self) -> Result<Bytes, BuildError> {
        let BatchBuilder {
            options,
            compression_level,
            mut buf,
            count,
            base_timestamp,
            max_timestamp,
        } = self;
        if options.compression != Compression::None && count > 0 {
            let mut compressed = Vec::with_capacity((buf.len() - BATCH_HEADER_SIZE) / 2 + 64);
            options.compression.compress_with_level(
                &buf[BATCH_HEADER_SIZE..],
                compression_level,
                &mut compressed,
            )?;
            buf.truncate(BATCH_HEADER_SIZE);
            buf.extend_from_slice(&compressed);
        }
        let length = buf.len() - LOG_OVERHEAD;
        if length > i32::MAX as usize {
            return Err(BuildError::TooLarge { size: buf.len() });
        }
        let mut attributes = i16::from(options.compression.id());
        let max_timestamp = match options.timestamp_type {
            TimestampType::CreateTime => max_timestamp,
            TimestampType::LogAppendTime => {
                attributes |= TIMESTAMP_TYPE_BIT;
                options.log_append_time
            }
        };
        if options.is_transactional {
            attributes |= TRANSACTIONAL_BIT;
        }
        if options.is_control {
            attributes |= CONTROL_BIT;
        }
        if options.delete_horizon_ms.is_some() {
            attributes |= DELETE_HORIZON_BIT;
        }
        let h = &mut buf[..BATCH_HEADER_SIZE];
        h[BASE_OFFSET..LENGTH].copy_from_slice(&options.base_offset.to_be_bytes());
        h[LENGTH..PARTITION_LEADER_EPOCH].copy_from_slice(&(length as i32).to_be_bytes());
        h[PARTITION_LEADER_EPOCH..MAGIC]
            .copy_from_slice(&options.partition_leader_epoch.to_be_bytes());
        h[MAGIC] = 2;
        h[ATTRIBUTES..LAST_OFFSET_DELTA].copy_from_slice(&attributes.to_be_bytes());
        // Offsets are assigned sequentially, so the last delta is count - 1 (-1 when empty, as
        // Java writes for an empty batch).
        h[LAST_OFFSET_DELTA..BASE_TIMESTAMP].copy_from_slice(&(count - 1).to_be_bytes());
        h[BASE_TIMESTAMP..MAX_TIMESTAMP]
            .copy_from_slice(&base_timestamp.unwrap_or(NO_TIMESTAMP).to_be_bytes());
        h[MAX_TIMESTAMP..PRODUCER_ID].copy_from_slice(&max_timestamp.to_be_bytes());
        h[PRODUCER_ID..PRODUCER_EPOCH].copy_from_slice(&options.producer_id.to_be_bytes());
        h[PRODUCER_EPOCH..BASE_SEQUENCE].copy_from_slice(&options.producer_epoch.to_be_bytes());
        h[BASE_SEQUENCE..RECORD_COUNT].copy_from_slice(&options.base_sequence.to_be_bytes());
        h[RECORD_COUNT..BATCH_HEADER_SIZE].copy_from_slice(&count.to_be_bytes());
        let crc = crc32c::crc32c(&buf[ATTRIBUTES..]);
        buf[CRC..ATTRIBUTES].copy_from_slice(&crc.to_be_bytes());
        Ok(buf.freeze())
    }

    /// Builds a transaction marker batch: one control record saying the producer's
    /// transaction committed or aborted, as the coordinator asks leaders to write.
    ///
    /// `kind` must be [`ControlRecordType::Commit`] or [`ControlRecordType::Abort`].
    #[allow(clippy::too_many_arguments)]
    pub fn end_txn_marker(
        base_offset: i64,
        timestamp: i64,
        partition_leader_epoch: i32,
        producer_id: i64,
        producer_epoch: i16,
        kind: ControlRecordType,
        coordinator_epoch: i32,
    ) -> Result<Bytes, BuildError> {
        if !matches!(kind, ControlRecordType::Commit | ControlRecordType::Abort) {
            return Err(BuildError::InvalidControlBatch(
                "a transaction marker is either commit or abort",
            ));
        }
        let mut builder = BatchBuilder::with_capacity(
            BatchOptions {
                base_offset,
                partition_leader_epoch,
                producer_id,
                producer_epoch,
                is_transactional: true,
                is_control: true,
                ..BatchOptions::default()
            },
            32,
        );
        builder.append(
            timestamp,
            Some(&encode_key(kind)),
            Some(&encode_marker_value(coordinator_epoch)),
            &[],
        )?;
        builder.build()
    }
}

#[inline]
fn nullable_len(field: Option<&[u8]>) -> usize {
    match field {
        None => 1,
        Some(b) => varint_len(b.len() as i32) + b.len(),
    }
}

#[inline]
fn put_nullable(buf: &mut BytesMut, field: Option<&[u8]>) {
    match field {
        None => write_varint(buf, -1),
        Some(b) => {
            write_varint(buf, b.len() as i32);
            buf.put_slice(b);
        }
    }
}
