//! Records inside a v2 batch, and the lazy iterator that decodes them.
//!
//! Record layout (varints are zigzag):
//!
//! ```text
//! length: varint             (bytes after this field)
//! attributes: int8           (unused, 0)
//! timestampDelta: varlong
//! offsetDelta: varint
//! keyLength: varint, key     (-1 = null)
//! valueLength: varint, value (-1 = null)
//! headerCount: varint
//! headers: [keyLength: varint, key (UTF-8), valueLength: varint, value (-1 = null)]
//! ```

use bytes::Bytes;

use crate::primitives::{read_varint, read_varlong};

use super::error::RecordError;

/// One record: absolute offset and timestamp, and slices of the batch's (decompressed) data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The record's offset in the partition.
    pub offset: i64,
    /// The record's timestamp: the producer's, or the broker's append time for
    /// log-append-time batches.
    pub timestamp: i64,
    /// The key, or `None` for a null key.
    pub key: Option<Bytes>,
    /// The value, or `None` for a null value (a tombstone).
    pub value: Option<Bytes>,
    /// The record's headers, decoded lazily.
    pub headers: Headers,
}

/// A record's headers, still in wire form (already validated), iterated without allocating.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Headers {
    data: Bytes,
    count: u32,
}

/// One record header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The header key's UTF-8 bytes (see [`key_str`](Self::key_str)).
    pub key: Bytes,
    /// The header value, or `None` for null.
    pub value: Option<Bytes>,
}

impl Header {
    /// The key as a string, if it is valid UTF-8 (Kafka requires it to be).
    pub fn key_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.key).ok()
    }
}

impl Headers {
    /// How many headers the record has.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// Whether the record has no headers.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Iterates the headers in wire order.
    pub fn iter(&self) -> HeadersIter {
        HeadersIter {
            data: self.data.clone(),
            pos: 0,
            remaining: self.count,
        }
    }
}

impl IntoIterator for &Headers {
    type Item = Header;
    type IntoIter = HeadersIter;
    fn into_iter(self) -> HeadersIter {
        self.iter()
    }
}

/// Iterator over a record's [`Headers`].
#[derive(Debug, Clone)]
pub struct HeadersIter {
    data: Bytes,
    pos: usize,
    remaining: u32,
}

impl Iterator for HeadersIter {
    type Item = Header;

    fn next(&mut self) -> Option<Header> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        // The bytes were validated when the record was decoded, so this cannot fail; if it did,
        // ending the iteration is the safe answer.
        let mut cursor = &self.data[self.pos..];
        let before = cursor.len();
        let key = read_field(&mut cursor, before, self.pos, &self.data, "header key").ok()??;
        let value = read_field(&mut cursor, before, self.pos, &self.data, "header value").ok()?;
        self.pos += before - cursor.len();
        Some(Header { key, value })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining as usize, Some(self.remaining as usize))
    }
}

/// Reads a varint length and that many bytes, returning a slice of `data`.
///
/// `cursor` is positioned within `data`; `start_len` and `start_pos` map the cursor back to
/// offsets in `data` so the result can be a `Bytes` slice rather than a copy.
#[inline(always)]
fn read_field(
    cursor: &mut &[u8],
    start_len: usize,
    start_pos: usize,
    data: &Bytes,
    what: &'static str,
) -> Result<Option<Bytes>, RecordError> {
    let len = read_varint(cursor, what).map_err(RecordError::primitive("record"))?;
    if len < 0 {
        if len == -1 {
            return Ok(None);
        }
        return Err(RecordError::InvalidLength {
            what,
            length: i64::from(len),
            remaining: cursor.len(),
        });
    }
    let len = len as usize;
    if len > cursor.len() {
        return Err(RecordError::InvalidLength {
            what,
            length: len as i64,
            remaining: cursor.len(),
        });
    }
    let at = start_pos + (start_len - cursor.len());
    *cursor = &cursor[len..];
    Ok(Some(data.slice(at..at + len)))
}

/// Skips a varint-length-prefixed field without slicing it.
#[inline(always)]
fn skip_field(cursor: &mut &[u8], what: &'static str, nullable: bool) -> Result<(), RecordError> {
    let len = read_varint(cursor, what).map_err(RecordError::primitive("record header"))?;
    if len < 0 {
        if len == -1 && nullable {
            return Ok(());
        }
        return Err(RecordError::InvalidLength {
            what,
            length: i64::from(len),
            remaining: cursor.len(),
        });
    }
    let len = len as usize;
    if len > cursor.len() {
        return Err(RecordError::InvalidLength {
            what,
            length: len as i64,
            remaining: cursor.len(),
        });
    }
    *cursor = &cursor[len..];
    Ok(())
}

/// Lazily decodes the records of one batch. Yields at most the declared count; an error ends
/// the iteration.
#[derive(Debug, Clone)]
pub struct Records {
    data: Bytes,
    pos: usize,
    declared: i32,
    yielded: i32,
    base_offset: i64,
    base_timestamp: i64,
    log_append_time: Option<i64>,
    done: bool,
}

impl Records {
    pub(crate) fn new(
        data: Bytes,
        declared: i32,
        base_offset: i64,
        base_timestamp: i64,
        log_append_time: Option<i64>,
    ) -> Self {
        Records {
            data,
            pos: 0,
            declared,
            yielded: 0,
            base_offset,
            base_timestamp,
            log_append_time,
            done: false,
        }
    }

    /// The (decompressed) records data this iterator reads from.
    pub fn data(&self) -> &Bytes {
        &self.data
    }

    /// Records not yet yielded, per the batch header.
    pub fn remaining(&self) -> usize {
        (self.declared - self.yielded).max(0) as usize
    }

    fn decode_one(&mut self) -> Result<Record, RecordError> {
        let data = &self.data;
        let mut cursor = &data[self.pos..];
        let length =
            read_varint(&mut cursor, "record length").map_err(RecordError::primitive("record"))?;
        if length < 0 || length as usize > cursor.len() {
            return Err(RecordError::InvalidLength {
                what: "record",
                length: i64::from(length),
                remaining: cursor.len(),
            });
        }
        let body_pos = self.pos + (data.len() - self.pos - cursor.len());
        let body_len = length as usize;
        let mut body = &cursor[..body_len];
        let start_len = body.len();
        let prim = RecordError::primitive("record");
        if body.is_empty() {
            return Err(RecordError::LengthTooSmall {
                what: "record",
                length: 0,
                minimum: 1,
            });
        }
        // attributes: unused by every Kafka version so far.
        body = &body[1..];
        let timestamp_delta = read_varlong(&mut body, "timestamp delta").map_err(prim)?;
        let offset_delta =
            read_varint(&mut body, "offset delta").map_err(RecordError::primitive("record"))?;
        let key = read_field(&mut body, start_len, body_pos, data, "record key")?;
        let value = read_field(&mut body, start_len, body_pos, data, "record value")?;
        let header_count =
            read_varint(&mut body, "header count").map_err(RecordError::primitive("record"))?;
        if header_count < 0 {
            return Err(RecordError::InvalidLength {
                what: "header count",
                length: i64::from(header_count),
                remaining: body.len(),
            });
        }
        let headers_pos = body_pos + (start_len - body.len());
        for _ in 0..header_count {
            skip_field(&mut body, "header key", false)?;
            skip_field(&mut body, "header value", true)?;
        }
        if !body.is_empty() {
            return Err(RecordError::TrailingBytes {
                what: "record fields",
                remaining: body.len(),
            });
        }
        let end = body_pos + body_len;
        let headers = if header_count == 0 {
            Headers::default()
        } else {
            Headers {
                data: data.slice(headers_pos..end),
                count: header_count as u32,
            }
        };
        self.pos = end;
        let timestamp = match self.log_append_time {
            Some(t) => t,
            None => self.base_timestamp.wrapping_add(timestamp_delta),
        };
        Ok(Record {
            offset: self.base_offset.wrapping_add(i64::from(offset_delta)),
            timestamp,
            key,
            value,
            headers,
        })
    }
}

impl Iterator for Records {
    type Item = Result<Record, RecordError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.yielded >= self.declared {
            self.done = true;
            let left = self.data.len() - self.pos;
            if left != 0 {
                return Some(Err(RecordError::TrailingBytes {
                    what: "the declared record count",
                    remaining: left,
                }));
            }
            return None;
        }
        if self.pos >= self.data.len() {
            self.done = true;
            return Some(Err(RecordError::MissingRecords {
                declared: self.declared,
                found: self.yielded,
            }));
        }
        match self.decode_one() {
            Ok(record) => {
                self.yielded += 1;
                Some(Ok(record))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done {
            (0, Some(0))
        } else {
            // Plus one for a possible trailing error.
            (0, Some(self.remaining() + 1))
        }
    }
}
