//! The v2 record batch header (magic 2) and a parsed batch.
//!
//! Layout (big-endian, offsets in bytes):
//!
//! ```text
//!  0 baseOffset: int64          27 baseTimestamp: int64
//!  8 batchLength: int32         35 maxTimestamp: int64
//! 12 partitionLeaderEpoch: int32 43 producerId: int64
//! 16 magic: int8 (= 2)          51 producerEpoch: int16
//! 17 crc: uint32 (CRC32C of     53 baseSequence: int32
//!    attributes..end)           57 recordCount: int32
//! 21 attributes: int16          61 records...
//! 23 lastOffsetDelta: int32
//! ```
//!
//! `batchLength` counts the bytes after itself, so a batch is `12 + batchLength` bytes long.

use bytes::Bytes;

use super::compression::{Compression, DEFAULT_MAX_DECOMPRESSED_BYTES};
use super::error::RecordError;
use super::records::Records;
use super::{BATCH_HEADER_SIZE, LOG_OVERHEAD};

pub(crate) const BASE_OFFSET: usize = 0;
pub(crate) const LENGTH: usize = 8;
pub(crate) const PARTITION_LEADER_EPOCH: usize = 12;
pub(crate) const MAGIC: usize = 16;
pub(crate) const CRC: usize = 17;
pub(crate) const ATTRIBUTES: usize = 21;
pub(crate) const LAST_OFFSET_DELTA: usize = 23;
pub(crate) const BASE_TIMESTAMP: usize = 27;
pub(crate) const MAX_TIMESTAMP: usize = 35;
pub(crate) const PRODUCER_ID: usize = 43;
pub(crate) const PRODUCER_EPOCH: usize = 51;
pub(crate) const BASE_SEQUENCE: usize = 53;
pub(crate) const RECORD_COUNT: usize = 57;

pub(crate) const COMPRESSION_MASK: i16 = 0x07;
pub(crate) const TIMESTAMP_TYPE_BIT: i16 = 0x08;
pub(crate) const TRANSACTIONAL_BIT: i16 = 0x10;
pub(crate) const CONTROL_BIT: i16 = 0x20;
pub(crate) const DELETE_HORIZON_BIT: i16 = 0x40;

/// Which clock a batch's timestamps come from (attributes bit 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TimestampType {
    /// The producer's timestamp for each record.
    #[default]
    CreateTime,
    /// The broker's append time, stored once as the batch's max timestamp.
    LogAppendTime,
}

#[inline]
pub(crate) fn be_i16(b: &[u8], at: usize) -> i16 {
    i16::from_be_bytes([b[at], b[at + 1]])
}
#[inline]
pub(crate) fn be_i32(b: &[u8], at: usize) -> i32 {
    i32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
#[inline]
pub(crate) fn be_i64(b: &[u8], at: usize) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    i64::from_be_bytes(a)
}

/// One v2 record batch whose header has been parsed; its records stay undecoded until
/// [`records`](Self::records) is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordBatch {
    /// The whole batch, header included (a slice of the fetched record set).
    bytes: Bytes,
}

impl RecordBatch {
    /// Parses one complete batch: exactly `12 + batchLength` bytes starting at the base offset.
    ///
    /// Checks the magic, the length and the record count's sign; the CRC is checked separately by
    /// [`verify_crc`](Self::verify_crc) (the record-set iterator does it by default).
    pub fn parse(bytes: Bytes) -> Result<Self, RecordError> {
        if bytes.len() < BATCH_HEADER_SIZE {
            return Err(RecordError::LengthTooSmall {
                what: "record batch",
                length: bytes.len() as i64,
                minimum: BATCH_HEADER_SIZE,
            });
        }
        let magic = bytes[MAGIC] as i8;
        if magic != 2 {
            return Err(RecordError::UnsupportedMagic(magic));
        }
        let length = be_i32(&bytes, LENGTH);
        if length as i64 + LOG_OVERHEAD as i64 != bytes.len() as i64 {
            return Err(RecordError::InvalidLength {
                what: "record batch",
                length: length as i64,
                remaining: bytes.len() - LOG_OVERHEAD,
            });
        }
        let count = be_i32(&bytes, RECORD_COUNT);
        if count < 0 {
            return Err(RecordError::NegativeRecordCount(count));
        }
        Ok(RecordBatch { bytes })
    }

    /// Checks the stored CRC32C against the bytes from the attributes to the end.
    pub fn verify_crc(&self) -> Result<(), RecordError> {
        let stored = self.crc();
        let computed = crc32c::crc32c(&self.bytes[ATTRIBUTES..]);
        if stored != computed {
            return Err(RecordError::ChecksumMismatch {
                what: "batch CRC32C",
                stored,
                computed,
            });
        }
        Ok(())
    }

    /// The batch's bytes, exactly as received.
    pub fn as_bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// Offset of the first record.
    pub fn base_offset(&self) -> i64 {
        be_i64(&self.bytes, BASE_OFFSET)
    }

    /// Offset of the last record: `baseOffset + lastOffsetDelta`. Compaction may have removed
    /// records, so this can be past the last record actually present.
    pub fn last_offset(&self) -> i64 {
        self.base_offset()
            .wrapping_add(i64::from(self.last_offset_delta()))
    }

    /// The offset after this batch: where a consumer continues.
    pub fn next_offset(&self) -> i64 {
        self.last_offset().wrapping_add(1)
    }

    /// The `batchLength` field: bytes after the length field.
    pub fn batch_length(&self) -> i32 {
        be_i32(&self.bytes, LENGTH)
    }

    /// Total size of the batch in bytes (`12 + batchLength`).
    pub fn size_in_bytes(&self) -> usize {
        self.bytes.len()
    }

    /// Epoch of the leader that appended the batch (-1 if none stamped it).
    pub fn partition_leader_epoch(&self) -> i32 {
        be_i32(&self.bytes, PARTITION_LEADER_EPOCH)
    }

    /// Always 2.
    pub fn magic(&self) -> i8 {
        self.bytes[MAGIC] as i8
    }

    /// The stored CRC32C.
    pub fn crc(&self) -> u32 {
        be_i32(&self.bytes, CRC) as u32
    }

    /// The raw attributes field.
    pub fn attributes(&self) -> i16 {
        be_i16(&self.bytes, ATTRIBUTES)
    }

    /// The compression codec (attributes bits 0-2); errors on ids Kafka does not define.
    pub fn compression(&self) -> Result<Compression, RecordError> {
        Ok(Compression::from_id(
            (self.attributes() & COMPRESSION_MASK) as u8,
        )?)
    }

    /// The timestamp type (attributes bit 3).
    pub fn timestamp_type(&self) -> TimestampType {
        if self.attributes() & TIMESTAMP_TYPE_BIT != 0 {
            TimestampType::LogAppendTime
        } else {
            TimestampType::CreateTime
        }
    }

    /// Whether the batch belongs to a transaction (attributes bit 4).
    pub fn is_transactional(&self) -> bool {
        self.attributes() & TRANSACTIONAL_BIT != 0
    }

    /// Whether the batch holds a control record (attributes bit 5).
    pub fn is_control(&self) -> bool {
        self.attributes() & CONTROL_BIT != 0
    }

    /// Whether the base timestamp holds a delete horizon set by compaction (attributes bit 6).
    pub fn has_delete_horizon(&self) -> bool {
        self.attributes() & DELETE_HORIZON_BIT != 0
    }

    /// The delete horizon, if compaction set one.
    pub fn delete_horizon_ms(&self) -> Option<i64> {
        self.has_delete_horizon().then(|| self.base_timestamp())
    }

    /// `lastOffsetDelta`: the last record's offset minus the base offset.
    pub fn last_offset_delta(&self) -> i32 {
        be_i32(&self.bytes, LAST_OFFSET_DELTA)
    }

    /// The timestamp record timestamp deltas are relative to.
    pub fn base_timestamp(&self) -> i64 {
        be_i64(&self.bytes, BASE_TIMESTAMP)
    }

    /// The largest record timestamp, or the log-append time for
    /// [`TimestampType::LogAppendTime`] batches.
    pub fn max_timestamp(&self) -> i64 {
        be_i64(&self.bytes, MAX_TIMESTAMP)
    }

    /// The idempotent producer's id, or -1.
    pub fn producer_id(&self) -> i64 {
        be_i64(&self.bytes, PRODUCER_ID)
    }

    /// The idempotent producer's epoch, or -1.
    pub fn producer_epoch(&self) -> i16 {
        be_i16(&self.bytes, PRODUCER_EPOCH)
    }

    /// Sequence number of the first record, or -1.
    pub fn base_sequence(&self) -> i32 {
        be_i32(&self.bytes, BASE_SEQUENCE)
    }

    /// Sequence number of the last record (wrapping at `i32::MAX` as Java does), or -1.
    pub fn last_sequence(&self) -> i32 {
        let base = self.base_sequence();
        if base == super::NO_SEQUENCE {
            return super::NO_SEQUENCE;
        }
        let delta = self.last_offset_delta();
        // Java's DefaultRecordBatch.incrementSequence: wrap past Integer.MAX_VALUE to 0.
        if base > i32::MAX - delta {
            delta - (i32::MAX - base) - 1
        } else {
            base + delta
        }
    }

    /// The number of records the header declares.
    pub fn record_count(&self) -> i32 {
        be_i32(&self.bytes, RECORD_COUNT)
    }

    /// The records section exactly as stored (compressed if the batch is).
    pub fn raw_records(&self) -> Bytes {
        self.bytes.slice(BATCH_HEADER_SIZE..)
    }

    /// Iterates the records, decompressing first if needed (at most
    /// [`DEFAULT_MAX_DECOMPRESSED_BYTES`]).
    pub fn records(&self) -> Result<Records, RecordError> {
        self.records_with_limit(DEFAULT_MAX_DECOMPRESSED_BYTES)
    }

    /// Iterates the records, refusing to decompress more than `limit` bytes.
    pub fn records_with_limit(&self, limit: usize) -> Result<Records, RecordError> {
        let codec = self.compression()?;
        let data = match codec {
            // Like Java, an empty batch (compaction can leave one) has nothing to decompress.
            _ if self.record_count() == 0 => Bytes::new(),
            Compression::None => self.raw_records(),
            _ => Bytes::from(codec.decompress(&self.bytes[BATCH_HEADER_SIZE..], limit)?),
        };
        let log_append_time = match self.timestamp_type() {
            TimestampType::LogAppendTime => Some(self.max_timestamp()),
            TimestampType::CreateTime => None,
        };
        Ok(Records::new(
            data,
            self.record_count(),
            self.base_offset(),
            self.base_timestamp(),
            log_append_time,
        ))
    }
}
