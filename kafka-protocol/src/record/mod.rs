//! Record batches: the v2 batch format (magic 2), its compression codecs, control records, and
//! decoding of the legacy v0/v1 message sets.
//!
//! # Decoding
//!
//! A fetched record set is one [`Bytes`](bytes::Bytes). [`RecordSet::batches`] walks it batch by
//! batch, parsing each batch header (and checking its CRC) but leaving the records as a slice
//! until [`Batch::records`] is called. Uncompressed records hand out keys, values and header
//! values as slices of the input — no copy; a compressed batch is decompressed once, into one
//! buffer, and its records are slices of that. A truncated batch at the end of the set, which a
//! Fetch response normally carries, ends the iteration and is described by
//! [`Batches::partial`], not reported as an error.
//!
//! # Encoding
//!
//! [`BatchBuilder`] writes records straight into one `BytesMut` as they are appended and seals
//! the batch (compression, header, CRC32C) in [`BatchBuilder::build`].
//!
//! The byte layout is the one in Kafka's "Message format" documentation; every module names the
//! fields it handles.

mod batch;
mod builder;
pub mod compression;
mod control;
mod error;
mod legacy;
mod records;
mod set;
mod varint;

pub use batch::{RecordBatch, TimestampType};
pub use builder::{BatchBuilder, BatchOptions, HeaderRef};
pub use compression::{Compression, CompressionError, DEFAULT_MAX_DECOMPRESSED_BYTES};
pub use control::{ControlRecord, ControlRecordType, EndTxnMarker};
pub use error::{BuildError, RecordError};
pub use legacy::LegacyMessage;
pub use records::{Header, Headers, HeadersIter, HeadersRef, Record, RecordRef, Records};
pub use set::{Batch, BatchRecords, Batches, PartialBatch, RecordSet};

/// Bytes before a batch's `magic` field that every format shares: base offset (8), length (4)
/// and, for v2, partition leader epoch (4) — or, for v0/v1, the CRC (4).
pub(crate) const HEADER_SIZE_UP_TO_MAGIC: usize = 17;
/// The offset and length that prefix every batch and legacy message (`LOG_OVERHEAD` in Java).
pub(crate) const LOG_OVERHEAD: usize = 12;
/// Size of the v2 batch header, up to and including the record count.
pub const BATCH_HEADER_SIZE: usize = 61;
/// `producerId` of a batch written without an idempotent producer.
pub const NO_PRODUCER_ID: i64 = -1;
/// `producerEpoch` of a batch written without an idempotent producer.
pub const NO_PRODUCER_EPOCH: i16 = -1;
/// `baseSequence` of a batch written without an idempotent producer.
pub const NO_SEQUENCE: i32 = -1;
/// `partitionLeaderEpoch` of a batch not yet stamped by a leader.
pub const NO_PARTITION_LEADER_EPOCH: i32 = -1;
/// The timestamp value meaning "no timestamp".
pub const NO_TIMESTAMP: i64 = -1;
