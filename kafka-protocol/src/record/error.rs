//! Errors from decoding and building record batches.

use crate::error::DecodeError;

use super::compression::CompressionError;

/// Malformed record-set bytes, with what exactly was wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// A wire primitive inside a record was malformed or truncated.
    #[error("in {what}: {source}")]
    Primitive {
        /// The structure being read (e.g. "record", "record header").
        what: &'static str,
        /// The underlying error.
        #[source]
        source: DecodeError,
    },
    /// A batch or message length below the smallest valid size.
    #[error("{what} length {length} is below the minimum {minimum}")]
    LengthTooSmall {
        /// What the length describes.
        what: &'static str,
        /// The length read.
        length: i64,
        /// The smallest valid length.
        minimum: usize,
    },
    /// A length prefix that is negative (where null is not allowed) or runs past its container.
    #[error("invalid {what} length {length}: {remaining} bytes remain")]
    InvalidLength {
        /// What the length describes.
        what: &'static str,
        /// The length read.
        length: i64,
        /// Bytes left in the container.
        remaining: usize,
    },
    /// The stored checksum does not match the bytes.
    #[error("{what} checksum mismatch: stored {stored:#010x}, computed {computed:#010x}")]
    ChecksumMismatch {
        /// "batch CRC32C" or "message CRC32".
        what: &'static str,
        /// The checksum in the header.
        stored: u32,
        /// The checksum of the bytes.
        computed: u32,
    },
    /// A magic byte other than 0, 1 or 2.
    #[error("unsupported magic byte {0}")]
    UnsupportedMagic(i8),
    /// The records could not be decompressed.
    #[error("decompressing batch records: {0}")]
    Compression(#[from] CompressionError),
    /// The record count in the header is negative.
    #[error("negative record count {0}")]
    NegativeRecordCount(i32),
    /// The records ran out before the declared count.
    #[error("batch declares {declared} records but its data holds only {found}")]
    MissingRecords {
        /// The count in the header.
        declared: i32,
        /// Records decoded before the data ended.
        found: i32,
    },
    /// Bytes remain after the declared number of records (or inside one record after its
    /// fields).
    #[error("{remaining} bytes left over after {what}")]
    TrailingBytes {
        /// What was fully decoded.
        what: &'static str,
        /// Bytes left over.
        remaining: usize,
    },
    /// A control record's key or value is malformed.
    #[error("invalid control record: {0}")]
    InvalidControlRecord(&'static str),
    /// A compressed legacy message wraps another compressed message, which Kafka forbids.
    #[error("compressed legacy message contains another compressed message")]
    NestedCompression,
    /// A legacy message's inner message has a different magic than its wrapper.
    #[error("inner legacy message has magic {inner}, wrapper has {outer}")]
    InnerMagicMismatch {
        /// The wrapper's magic.
        outer: i8,
        /// The inner message's magic.
        inner: i8,
    },
}

impl RecordError {
    #[cold]
    pub(crate) fn primitive(what: &'static str) -> impl FnOnce(DecodeError) -> RecordError {
        move |source| RecordError::Primitive { what, source }
    }
}

/// Why a batch could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Compressing the records failed.
    #[error("compressing batch records: {0}")]
    Compression(#[from] CompressionError),
    /// The batch would exceed the 2 GiB an int32 length can describe.
    #[error("batch of {size} bytes is too large for the batch format")]
    TooLarge {
        /// The size the batch would have.
        size: usize,
    },
    /// A negative timestamp other than -1 ("none"), which Java's builder refuses too.
    #[error("invalid negative timestamp {0}")]
    InvalidTimestamp(i64),
    /// A control batch holds exactly one control record; this one was asked for something else.
    #[error("invalid control batch: {0}")]
    InvalidControlBatch(&'static str),
}
