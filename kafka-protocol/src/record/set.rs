//! Walking a fetched record set batch by batch.
//!
//! A record set is a concatenation of batches (magic 2) and/or legacy messages (magic 0/1); all
//! begin with `offset: int64, length: int32` and carry their magic at byte 16, which is how we
//! tell them apart. The broker may cut the last batch short to respect the fetch size; that is
//! reported through [`Batches::partial`], as Java's consumer silently skips it.

use bytes::Bytes;

use super::batch::{LENGTH, MAGIC, RecordBatch, be_i32, be_i64};
use super::compression::DEFAULT_MAX_DECOMPRESSED_BYTES;
use super::error::RecordError;
use super::legacy::{LegacyMessage, MIN_MESSAGE_SIZE_V0, check_crc};
use super::records::{Record, Records};
use super::{HEADER_SIZE_UP_TO_MAGIC, LOG_OVERHEAD};

/// A record set (the `records` field of a Fetch or Produce partition) to iterate.
#[derive(Debug, Clone)]
pub struct RecordSet {
    data: Bytes,
    verify_crc: bool,
    max_decompressed: usize,
}

impl RecordSet {
    /// Wraps the bytes; nothing is parsed yet.
    pub fn new(data: Bytes) -> Self {
        RecordSet {
            data,
            verify_crc: true,
            max_decompressed: DEFAULT_MAX_DECOMPRESSED_BYTES,
        }
    }

    /// Whether to check each batch's CRC while iterating (on by default, like Java's
    /// `check.crcs=true`).
    pub fn verify_crc(mut self, verify: bool) -> Self {
        self.verify_crc = verify;
        self
    }

    /// The most bytes one batch may decompress to.
    pub fn max_decompressed_bytes(mut self, limit: usize) -> Self {
        self.max_decompressed = limit;
        self
    }

    /// The underlying bytes.
    pub fn as_bytes(&self) -> &Bytes {
        &self.data
    }

    /// Iterates the complete batches.
    pub fn batches(&self) -> Batches {
        Batches {
            data: self.data.clone(),
            pos: 0,
            verify_crc: self.verify_crc,
            max_decompressed: self.max_decompressed,
            partial: None,
            done: false,
        }
    }

    /// Iterates every record of every complete batch, in order; the first error ends it.
    pub fn records(&self) -> impl Iterator<Item = Result<Record, RecordError>> + use<> {
        let mut batches = self.batches();
        let mut current: Option<BatchRecords> = None;
        std::iter::from_fn(move || {
            loop {
                if let Some(records) = current.as_mut() {
                    match records.next() {
                        Some(item) => return Some(item),
                        None => current = None,
                    }
                }
                match batches.next()? {
                    Ok(batch) => match batch.records_with_limit(batches.max_decompressed) {
                        Ok(records) => current = Some(records),
                        Err(e) => {
                            batches.done = true;
                            return Some(Err(e));
                        }
                    },
                    Err(e) => return Some(Err(e)),
                }
            }
        })
    }
}

/// A truncated batch at the end of a record set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialBatch {
    /// Where it starts in the record set.
    pub position: usize,
    /// Its base offset, if at least 8 bytes of it arrived.
    pub base_offset: Option<i64>,
    /// Its full size, if the length field arrived.
    pub size: Option<usize>,
    /// How many of its bytes arrived.
    pub available: usize,
}

/// Iterator over the complete batches of a [`RecordSet`]; a malformed batch yields an error and
/// ends the iteration.
#[derive(Debug, Clone)]
pub struct Batches {
    data: Bytes,
    pos: usize,
    verify_crc: bool,
    max_decompressed: usize,
    partial: Option<PartialBatch>,
    done: bool,
}

impl Batches {
    /// The truncated trailing batch, once iteration has reached it.
    pub fn partial(&self) -> Option<PartialBatch> {
        self.partial
    }

    /// Bytes not yet consumed by the iteration.
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    fn next_batch(&mut self) -> Result<Option<Batch>, RecordError> {
        let rest = &self.data[self.pos..];
        if rest.is_empty() {
            return Ok(None);
        }
        // The same order of checks as Java's ByteBufferLogInputStream: a length is judged as
        // soon as it has arrived, the magic only once the whole batch has.
        if rest.len() < LOG_OVERHEAD {
            self.partial = Some(PartialBatch {
                position: self.pos,
                base_offset: (rest.len() >= 8).then(|| be_i64(rest, 0)),
                size: None,
                available: rest.len(),
            });
            return Ok(None);
        }
        let length = be_i32(rest, LENGTH);
        if length < MIN_MESSAGE_SIZE_V0 as i32 {
            return Err(RecordError::LengthTooSmall {
                what: "record batch",
                length: i64::from(length),
                minimum: MIN_MESSAGE_SIZE_V0,
            });
        }
        let size = LOG_OVERHEAD + length as usize;
        if rest.len() < size || rest.len() < HEADER_SIZE_UP_TO_MAGIC {
            self.partial = Some(PartialBatch {
                position: self.pos,
                base_offset: Some(be_i64(rest, 0)),
                size: Some(size),
                available: rest.len(),
            });
            return Ok(None);
        }
        let magic = rest[MAGIC] as i8;
        if !(0..=2).contains(&magic) {
            return Err(RecordError::UnsupportedMagic(magic));
        }
        let bytes = self.data.slice(self.pos..self.pos + size);
        let batch = if magic == 2 {
            let batch = RecordBatch::parse(bytes)?;
            if self.verify_crc {
                batch.verify_crc()?;
            }
            Batch::V2(batch)
        } else {
            if self.verify_crc {
                check_crc(&bytes)?;
            }
            Batch::Legacy(LegacyMessage::parse(bytes)?)
        };
        self.pos += size;
        Ok(Some(batch))
    }
}

impl Iterator for Batches {
    type Item = Result<Batch, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_batch() {
            Ok(Some(batch)) => Some(Ok(batch)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// One entry of a record set: a v2 batch or a legacy message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Batch {
    /// A magic-2 record batch.
    V2(RecordBatch),
    /// A magic-0 or magic-1 message (possibly a compressed wrapper).
    Legacy(LegacyMessage),
}

impl Batch {
    /// The magic byte.
    pub fn magic(&self) -> i8 {
        match self {
            Batch::V2(b) => b.magic(),
            Batch::Legacy(m) => m.magic(),
        }
    }

    /// The offset of the last record (for legacy wrappers: the wrapper's offset).
    pub fn last_offset(&self) -> i64 {
        match self {
            Batch::V2(b) => b.last_offset(),
            Batch::Legacy(m) => m.offset(),
        }
    }

    /// The entry's size in bytes.
    pub fn size_in_bytes(&self) -> usize {
        match self {
            Batch::V2(b) => b.size_in_bytes(),
            Batch::Legacy(m) => m.as_bytes().len(),
        }
    }

    /// The records, decompressing once if needed (at most
    /// [`DEFAULT_MAX_DECOMPRESSED_BYTES`]).
    pub fn records(&self) -> Result<BatchRecords, RecordError> {
        self.records_with_limit(DEFAULT_MAX_DECOMPRESSED_BYTES)
    }

    /// The records, refusing to decompress more than `limit` bytes.
    pub fn records_with_limit(&self, limit: usize) -> Result<BatchRecords, RecordError> {
        Ok(match self {
            Batch::V2(b) => BatchRecords::V2(b.records_with_limit(limit)?),
            Batch::Legacy(m) => BatchRecords::Legacy(m.records(limit)?.into_iter()),
        })
    }
}

/// The records of one [`Batch`].
#[derive(Debug, Clone)]
pub enum BatchRecords {
    /// Lazily decoded records of a v2 batch.
    V2(Records),
    /// Records of a legacy message, already decoded (a wrapper's inner offsets can only be made
    /// absolute once the last one is known).
    Legacy(std::vec::IntoIter<Record>),
}

impl BatchRecords {
    /// Bytes of a v2 batch's (decompressed) records read so far; `None` for legacy messages.
    pub fn bytes_read(&self) -> Option<usize> {
        match self {
            BatchRecords::V2(r) => Some(r.bytes_read()),
            BatchRecords::Legacy(_) => None,
        }
    }
}

impl Iterator for BatchRecords {
    type Item = Result<Record, RecordError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            BatchRecords::V2(r) => r.next(),
            BatchRecords::Legacy(r) => r.next().map(Ok),
        }
    }
}
