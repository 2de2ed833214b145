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

use super::varint::{read_varint, read_varlong, varint_error, varlong_error};

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
        let end = self.data.len();
        let key = field(&self.data, &mut self.pos, end, "header key", false).ok()??;
        let value = field(&self.data, &mut self.pos, end, "header value", true).ok()?;
        Some(Header {
            key: self.data.slice(key.0..key.1),
            value: value.map(|(s, e)| self.data.slice(s..e)),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining as usize, Some(self.remaining as usize))
    }
}

/// Where one record's parts lie in the records data.
struct Spans {
    timestamp_delta: i64,
    offset_delta: i32,
    key: Option<(usize, usize)>,
    value: Option<(usize, usize)>,
    headers: (usize, usize),
    header_count: u32,
    end: usize,
}

#[inline(always)]
fn varint(data: &[u8], pos: &mut usize, what: &'static str) -> Result<i32, RecordError> {
    let at = *pos;
    match read_varint(data, pos) {
        Some(v) => Ok(v),
        None => Err(RecordError::primitive("record")(varint_error(
            data, at, what,
        ))),
    }
}

#[inline(always)]
fn varlong(data: &[u8], pos: &mut usize, what: &'static str) -> Result<i64, RecordError> {
    let at = *pos;
    match read_varlong(data, pos) {
        Some(v) => Ok(v),
        None => Err(RecordError::primitive("record")(varlong_error(
            data, at, what,
        ))),
    }
}

/// Reads a varint length and skips that many bytes, returning their (start, end), or `None`
/// for a null (-1) length where `nullable`.
#[inline(always)]
fn field(
    data: &[u8],
    pos: &mut usize,
    end: usize,
    what: &'static str,
    nullable: bool,
) -> Result<Option<(usize, usize)>, RecordError> {
    let len = varint(data, pos, what)?;
    if len < 0 {
        if len == -1 && nullable {
            return Ok(None);
        }
    } else if len as usize <= end.saturating_sub(*pos) {
        let start = *pos;
        *pos += len as usize;
        return Ok(Some((start, *pos)));
    }
    Err(RecordError::InvalidLength {
        what,
        length: i64::from(len),
        remaining: end.saturating_sub(*pos),
    })
}

/// Parses the record starting at `pos`, validating every field, headers included.
#[inline(always)]
fn parse_record(data: &[u8], mut pos: usize) -> Result<Spans, RecordError> {
    let length = varint(data, &mut pos, "record length")?;
    let remaining = data.len() - pos;
    if length <= 0 || length as usize > remaining {
        return Err(RecordError::InvalidLength {
            what: "record",
            length: i64::from(length),
            remaining,
        });
    }
    let end = pos + length as usize;
    let body = &data[..end];
    // Skip attributes: unused by every Kafka version so far.
    pos += 1;
    let timestamp_delta = varlong(body, &mut pos, "timestamp delta")?;
    let offset_delta = varint(body, &mut pos, "offset delta")?;
    let key = field(body, &mut pos, end, "record key", true)?;
    let value = field(body, &mut pos, end, "record value", true)?;
    let header_count = varint(body, &mut pos, "header count")?;
    if header_count < 0 {
        return Err(RecordError::InvalidLength {
            what: "header count",
            length: i64::from(header_count),
            remaining: end - pos.min(end),
        });
    }
    let headers_start = pos;
    for _ in 0..header_count {
        field(body, &mut pos, end, "header key", false)?;
        field(body, &mut pos, end, "header value", true)?;
    }
    if pos != end {
        return Err(RecordError::TrailingBytes {
            what: "record fields",
            remaining: end - pos,
        });
    }
    Ok(Spans {
        timestamp_delta,
        offset_delta,
        key,
        value,
        headers: (headers_start, end),
        header_count: header_count as u32,
        end,
    })
}

/// A record borrowed from its batch's data: the cheapest way to read records, with no
/// reference counting at all. Use [`Records::next_ref`] to get one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// The record's offset in the partition.
    pub offset: i64,
    /// The record's timestamp (see [`Record::timestamp`]).
    pub timestamp: i64,
    /// The key, or `None` for null.
    pub key: Option<&'a [u8]>,
    /// The value, or `None` for null.
    pub value: Option<&'a [u8]>,
    /// The headers in wire form, and how many there are.
    pub headers: HeadersRef<'a>,
}

/// A record's headers, borrowed and already validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HeadersRef<'a> {
    data: &'a [u8],
    count: u32,
}

impl<'a> HeadersRef<'a> {
    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Iterates `(key, value)` pairs in wire order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a [u8], Option<&'a [u8]>)> + use<'a> {
        let data = self.data;
        let mut pos = 0;
        (0..self.count).map_while(move |_| {
            let end = data.len();
            let key = field(data, &mut pos, end, "header key", false).ok()??;
            let value = field(data, &mut pos, end, "header value", true).ok()?;
            Some((&data[key.0..key.1], value.map(|(s, e)| &data[s..e])))
        })
    }
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

    #[inline(always)]
    fn timestamp(&self, delta: i64) -> i64 {
        match self.log_append_time {
            Some(t) => t,
            None => self.base_timestamp.wrapping_add(delta),
        }
    }

    /// Checks the declared count before decoding the next record: `Ok(None)` when all were
    /// read, an error (once) for a count/data mismatch.
    #[inline(always)]
    fn advance(&mut self) -> Option<Result<Spans, RecordError>> {
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
        match parse_record(&self.data, self.pos) {
            Ok(spans) => {
                self.pos = spans.end;
                self.yielded += 1;
                Some(Ok(spans))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    /// The next record, borrowed from the batch data instead of sharing it: no reference
    /// counts are touched. Same checks and errors as the [`Iterator`] implementation.
    #[inline]
    pub fn next_ref(&mut self) -> Option<Result<RecordRef<'_>, RecordError>> {
        let spans = match self.advance()? {
            Ok(spans) => spans,
            Err(e) => return Some(Err(e)),
        };
        let data: &[u8] = &self.data;
        Some(Ok(RecordRef {
            offset: self.base_offset.wrapping_add(i64::from(spans.offset_delta)),
            timestamp: self.timestamp(spans.timestamp_delta),
            key: spans.key.map(|(s, e)| &data[s..e]),
            value: spans.value.map(|(s, e)| &data[s..e]),
            headers: HeadersRef {
                data: &data[spans.headers.0..spans.headers.1],
                count: spans.header_count,
            },
        }))
    }
}

impl Iterator for Records {
    type Item = Result<Record, RecordError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let spans = match self.advance()? {
            Ok(spans) => spans,
            Err(e) => return Some(Err(e)),
        };
        let headers = if spans.header_count == 0 {
            Headers::default()
        } else {
            Headers {
                data: self.data.slice(spans.headers.0..spans.headers.1),
                count: spans.header_count,
            }
        };
        Some(Ok(Record {
            offset: self.base_offset.wrapping_add(i64::from(spans.offset_delta)),
            timestamp: self.timestamp(spans.timestamp_delta),
            key: spans.key.map(|(s, e)| self.data.slice(s..e)),
            value: spans.value.map(|(s, e)| self.data.slice(s..e)),
            headers,
        }))
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
