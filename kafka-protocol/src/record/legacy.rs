//! The legacy message format (magic 0 and 1), decode only: brokers may still hold such data
//! and hand it out on fetch.
//!
//! Each entry in a legacy message set is:
//!
//! ```text
//! offset: int64, messageSize: int32,
//! crc: uint32 (CRC32 of magic..end), magic: int8, attributes: int8,
//! timestamp: int64 (magic 1 only),
//! key: int32 length + bytes (-1 = null), value: int32 length + bytes (-1 = null)
//! ```
//!
//! A compressed message's value holds a whole inner message set. In magic 0 the inner offsets are
//! absolute; in magic 1 they are relative, and the wrapper carries the absolute offset of the
//! last inner message.

use bytes::Bytes;

use super::batch::{be_i32, be_i64};
use super::compression::Compression;
use super::error::RecordError;
use super::records::{Headers, Record};
use super::{LOG_OVERHEAD, NO_TIMESTAMP};

const CRC: usize = LOG_OVERHEAD;
const MAGIC: usize = CRC + 4;
const ATTRIBUTES: usize = MAGIC + 1;
const TIMESTAMP_TYPE_BIT: u8 = 0x08;
/// Smallest legacy message (after offset and size): crc, magic, attributes, two -1 lengths.
pub(crate) const MIN_MESSAGE_SIZE_V0: usize = 4 + 1 + 1 + 4 + 4;

/// One legacy (magic 0 or 1) message, possibly a compressed wrapper of inner messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyMessage {
    bytes: Bytes,
    key: Option<Bytes>,
    value: Option<Bytes>,
}

impl LegacyMessage {
    /// Parses one complete legacy message entry, offset and size prefix included.
    pub fn parse(bytes: Bytes) -> Result<Self, RecordError> {
        if bytes.len() < LOG_OVERHEAD + MIN_MESSAGE_SIZE_V0 {
            return Err(RecordError::LengthTooSmall {
                what: "legacy message",
                length: bytes.len() as i64,
                minimum: LOG_OVERHEAD + MIN_MESSAGE_SIZE_V0,
            });
        }
        let size = be_i32(&bytes, 8);
        if size as i64 != (bytes.len() - LOG_OVERHEAD) as i64 {
            return Err(RecordError::InvalidLength {
                what: "legacy message",
                length: i64::from(size),
                remaining: bytes.len() - LOG_OVERHEAD,
            });
        }
        let magic = bytes[MAGIC] as i8;
        let mut pos = match magic {
            0 => ATTRIBUTES + 1,
            1 => ATTRIBUTES + 1 + 8,
            other => return Err(RecordError::UnsupportedMagic(other)),
        };
        let key = read_bytes(&bytes, &mut pos, "legacy message key")?;
        let value = read_bytes(&bytes, &mut pos, "legacy message value")?;
        if pos != bytes.len() {
            return Err(RecordError::TrailingBytes {
                what: "legacy message",
                remaining: bytes.len() - pos,
            });
        }
        Ok(LegacyMessage { bytes, key, value })
    }

    /// Checks the stored CRC32 against the bytes from the magic to the end.
    pub fn verify_crc(&self) -> Result<(), RecordError> {
        check_crc(&self.bytes)
    }

    /// The entry's bytes, exactly as received.
    pub fn as_bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The entry's offset (for a magic-1 compressed wrapper: the last inner message's offset).
    pub fn offset(&self) -> i64 {
        be_i64(&self.bytes, 0)
    }

    /// The stored CRC32.
    pub fn crc(&self) -> u32 {
        be_i32(&self.bytes, CRC) as u32
    }

    /// 0 or 1.
    pub fn magic(&self) -> i8 {
        self.bytes[MAGIC] as i8
    }

    /// The raw attributes byte.
    pub fn attributes(&self) -> u8 {
        self.bytes[ATTRIBUTES]
    }

    /// The compression codec of the wrapper (attributes bits 0-2).
    pub fn compression(&self) -> Result<Compression, RecordError> {
        Ok(Compression::from_id(self.attributes() & 0x07)?)
    }

    /// Whether a magic-1 message's timestamp is the broker's append time.
    pub fn is_log_append_time(&self) -> bool {
        self.magic() == 1 && self.attributes() & TIMESTAMP_TYPE_BIT != 0
    }

    /// The timestamp (magic 1), or -1 for magic 0.
    pub fn timestamp(&self) -> i64 {
        if self.magic() == 1 {
            be_i64(&self.bytes, ATTRIBUTES + 1)
        } else {
            NO_TIMESTAMP
        }
    }

    /// The key, or `None` for null.
    pub fn key(&self) -> Option<&Bytes> {
        self.key.as_ref()
    }

    /// The value, or `None` for null.
    pub fn value(&self) -> Option<&Bytes> {
        self.value.as_ref()
    }

    /// The records this entry holds: itself if uncompressed, else its inner messages with
    /// absolute offsets. Inner CRCs are checked.
    pub fn records(&self, limit: usize) -> Result<Vec<Record>, RecordError> {
        let codec = self.compression()?;
        if codec == Compression::None {
            return Ok(vec![Record {
                offset: self.offset(),
                timestamp: self.timestamp(),
                key: self.key.clone(),
                value: self.value.clone(),
                headers: Headers::default(),
            }]);
        }
        let Some(value) = &self.value else {
            return Ok(Vec::new());
        };
        // Magic-0 LZ4 data was written with a wrong frame-descriptor checksum by old clients;
        // Java ignores that checksum for magic 0 and so do we.
        let inner = Bytes::from(codec.decompress_inner(value, limit, self.magic() == 0)?);
        let mut messages = Vec::new();
        let mut pos = 0;
        while pos < inner.len() {
            let rest = &inner[pos..];
            if rest.len() < LOG_OVERHEAD {
                return Err(RecordError::TrailingBytes {
                    what: "inner legacy messages",
                    remaining: rest.len(),
                });
            }
            let size = be_i32(rest, 8);
            if size < MIN_MESSAGE_SIZE_V0 as i32 || size as usize > rest.len() - LOG_OVERHEAD {
                return Err(RecordError::InvalidLength {
                    what: "inner legacy message",
                    length: i64::from(size),
                    remaining: rest.len() - LOG_OVERHEAD,
                });
            }
            let end = pos + LOG_OVERHEAD + size as usize;
            let entry = inner.slice(pos..end);
            check_crc(&entry)?;
            let message = LegacyMessage::parse(entry)?;
            if message.magic() != self.magic() {
                return Err(RecordError::InnerMagicMismatch {
                    outer: self.magic(),
                    inner: message.magic(),
                });
            }
            if message.compression()? != Compression::None {
                return Err(RecordError::NestedCompression);
            }
            messages.push(message);
            pos = end;
        }
        let base = match (self.magic(), messages.last()) {
            (1, Some(last)) => self.offset().wrapping_sub(last.offset()),
            _ => 0,
        };
        let wrapper_time = self.is_log_append_time().then(|| self.timestamp());
        Ok(messages
            .into_iter()
            .map(|m| Record {
                offset: base.wrapping_add(m.offset()),
                timestamp: wrapper_time.unwrap_or_else(|| m.timestamp()),
                key: m.key,
                value: m.value,
                headers: Headers::default(),
            })
            .collect())
    }
}

/// Checks a legacy entry's CRC32 before its fields are parsed, so corruption is reported as a
/// checksum failure rather than as whatever field it happened to garble.
pub(crate) fn check_crc(entry: &[u8]) -> Result<(), RecordError> {
    if entry.len() <= MAGIC {
        return Err(RecordError::LengthTooSmall {
            what: "legacy message",
            length: entry.len() as i64,
            minimum: MAGIC + 1,
        });
    }
    let stored = be_i32(entry, CRC) as u32;
    let computed = crc32fast::hash(&entry[MAGIC..]);
    if stored != computed {
        return Err(RecordError::ChecksumMismatch {
            what: "message CRC32",
            stored,
            computed,
        });
    }
    Ok(())
}

fn read_bytes(
    bytes: &Bytes,
    pos: &mut usize,
    what: &'static str,
) -> Result<Option<Bytes>, RecordError> {
    let remaining = bytes.len().saturating_sub(*pos);
    if remaining < 4 {
        return Err(RecordError::InvalidLength {
            what,
            length: 4,
            remaining,
        });
    }
    let len = be_i32(bytes, *pos);
    *pos += 4;
    if len == -1 {
        return Ok(None);
    }
    if len < 0 || len as usize > remaining - 4 {
        return Err(RecordError::InvalidLength {
            what,
            length: i64::from(len),
            remaining: remaining - 4,
        });
    }
    let start = *pos;
    *pos += len as usize;
    Ok(Some(bytes.slice(start..*pos)))
}
