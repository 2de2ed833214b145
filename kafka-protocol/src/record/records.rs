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
    /// `None` when there are none: most records have no headers, and an absent `Bytes` costs
    /// nothing to drop where even an empty one is a call through its vtable.
    data: Option<Bytes>,
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
            data: self.data.clone().unwrap_or_default(),
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
#[derive(Debug, PartialEq, Eq)]
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

/// Parses the record starting at `pos`, validating every field, headers included: the same
/// checks as [`parse_checked`] but without error detail, so the per-record loop carries no
/// error construction. `None` (malformed, or a varint longer than the inline paths read) sends
/// the caller to [`parse_checked`], which names the fault.
#[inline(always)]
fn parse_fast(data: &[u8], mut pos: usize) -> Option<Spans> {
    let length = read_varint(data, &mut pos)?;
    if length <= 0 {
        return None;
    }
    // Every later read is bounded by the record's end: one slice, one bound.
    let end = pos + length as usize;
    let body = data.get(..end)?;
    // Skip attributes (unused by every Kafka version so far); length >= 1 keeps pos <= end.
    pos += 1;
    let timestamp_delta = read_varlong(body, &mut pos)?;
    let offset_delta = read_varint(body, &mut pos)?;
    let key = fast_field::<true>(body, &mut pos)?;
    let value = fast_field::<true>(body, &mut pos)?;
    let header_count = read_varint(body, &mut pos)?;
    let headers_start = pos;
    if header_count != 0 {
        if header_count < 0 {
            return None;
        }
        for _ in 0..header_count {
            fast_field::<false>(body, &mut pos)?;
            fast_field::<true>(body, &mut pos)?;
        }
    }
    if pos != end {
        return None;
    }
    Some(Spans {
        timestamp_delta,
        offset_delta,
        key,
        value,
        headers: (headers_start, end),
        header_count: header_count as u32,
        end,
    })
}

/// A length-prefixed field inside `body` (which ends where the record ends): `Some(None)` for
/// null where `NULLABLE`, `None` for anything invalid.
#[inline(always)]
fn fast_field<const NULLABLE: bool>(
    body: &[u8],
    pos: &mut usize,
) -> Option<Option<(usize, usize)>> {
    let len = read_varint(body, pos)?;
    let start = *pos;
    if len >= 0 {
        // `start <= body.len()`: the varint read just checked it.
        if len as usize > body.len() - start {
            return None;
        }
        *pos = start + len as usize;
        Some(Some((start, *pos)))
    } else if NULLABLE && len == -1 {
        Some(None)
    } else {
        None
    }
}

/// Parses the record starting at `pos` with every check spelled out, naming what was wrong.
#[cold]
#[inline(never)]
fn parse_checked(data: &[u8], mut pos: usize) -> Result<Spans, RecordError> {
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

    /// Bytes of [`Self::data`] read so far: a record's encoded size (as Java's
    /// `DefaultRecord.sizeInBytes`) is the difference across its `next`.
    pub fn bytes_read(&self) -> usize {
        self.pos
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

    /// The next well-formed record, if there is one and the fast parser takes it; everything
    /// else (the end, a count mismatch, a malformed record) is left to [`Self::advance_slow`].
    #[inline(always)]
    fn advance_fast(&mut self) -> Option<Spans> {
        if self.done || self.yielded >= self.declared {
            return None;
        }
        let spans = parse_fast(&self.data, self.pos)?;
        self.pos = spans.end;
        self.yielded += 1;
        Some(spans)
    }

    /// Checks the declared count before decoding the next record: `None` when all were read,
    /// an error (once) for a count/data mismatch or a malformed record.
    #[cold]
    #[inline(never)]
    fn advance_slow(&mut self) -> Option<Result<Spans, RecordError>> {
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
        match parse_checked(&self.data, self.pos) {
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

    #[inline(always)]
    fn borrowed(&self, spans: Spans) -> RecordRef<'_> {
        let data: &[u8] = &self.data;
        RecordRef {
            offset: self.base_offset.wrapping_add(i64::from(spans.offset_delta)),
            timestamp: self.timestamp(spans.timestamp_delta),
            key: spans.key.map(|(s, e)| &data[s..e]),
            value: spans.value.map(|(s, e)| &data[s..e]),
            headers: HeadersRef {
                data: &data[spans.headers.0..spans.headers.1],
                count: spans.header_count,
            },
        }
    }

    #[inline(always)]
    fn owned(&self, spans: Spans) -> Record {
        let headers = if spans.header_count == 0 {
            Headers::default()
        } else {
            Headers {
                data: Some(self.data.slice(spans.headers.0..spans.headers.1)),
                count: spans.header_count,
            }
        };
        Record {
            offset: self.base_offset.wrapping_add(i64::from(spans.offset_delta)),
            timestamp: self.timestamp(spans.timestamp_delta),
            key: spans.key.map(|(s, e)| self.data.slice(s..e)),
            value: spans.value.map(|(s, e)| self.data.slice(s..e)),
            headers,
        }
    }

    /// The next record, borrowed from the batch data instead of sharing it: no reference
    /// counts are touched. Same checks and errors as the [`Iterator`] implementation.
    #[inline]
    pub fn next_ref(&mut self) -> Option<Result<RecordRef<'_>, RecordError>> {
        if let Some(spans) = self.advance_fast() {
            return Some(Ok(self.borrowed(spans)));
        }
        match self.advance_slow()? {
            Ok(spans) => Some(Ok(self.borrowed(spans))),
            Err(e) => Some(Err(e)),
        }
    }
}

impl Iterator for Records {
    type Item = Result<Record, RecordError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if let Some(spans) = self.advance_fast() {
            return Some(Ok(self.owned(spans)));
        }
        match self.advance_slow()? {
            Ok(spans) => Some(Ok(self.owned(spans))),
            Err(e) => Some(Err(e)),
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

#[cfg(test)]
mod tests {
    use bytes::BytesMut;
    use proptest::prelude::*;

    use super::*;
    use crate::primitives::{write_varint, write_varlong};

    /// One record in wire form, from its parts; `headers` values of `None` are null.
    fn record(
        ts: i64,
        od: i32,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[(Vec<u8>, Option<Vec<u8>>)],
    ) -> Vec<u8> {
        let mut body = BytesMut::new();
        body.extend_from_slice(&[0]);
        write_varlong(&mut body, ts);
        write_varint(&mut body, od);
        for field in [key, value] {
            match field {
                Some(f) => {
                    write_varint(&mut body, f.len() as i32);
                    body.extend_from_slice(f);
                }
                None => write_varint(&mut body, -1),
            }
        }
        write_varint(&mut body, headers.len() as i32);
        for (k, v) in headers {
            write_varint(&mut body, k.len() as i32);
            body.extend_from_slice(k);
            match v {
                Some(v) => {
                    write_varint(&mut body, v.len() as i32);
                    body.extend_from_slice(v);
                }
                None => write_varint(&mut body, -1),
            }
        }
        let mut out = BytesMut::new();
        write_varint(&mut out, body.len() as i32);
        out.extend_from_slice(&body);
        out.to_vec()
    }

    fn arb_record() -> impl Strategy<Value = Vec<u8>> {
        let field = proptest::option::of(proptest::collection::vec(any::<u8>(), 0..300));
        let header = (
            proptest::collection::vec(any::<u8>(), 0..20),
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
        );
        (
            prop_oneof![any::<i64>(), -100_000i64..100_000],
            prop_oneof![any::<i32>(), 0i32..5000],
            field.clone(),
            field,
            proptest::collection::vec(header, 0..4),
        )
            .prop_map(|(ts, od, k, v, h)| record(ts, od, k.as_deref(), v.as_deref(), &h))
    }

    proptest! {
        /// Every well-formed record takes the fast path, which agrees with the checked parser
        /// wherever the record sits and whatever follows it.
        #[test]
        fn fast_path_takes_valid_records(
            rec in arb_record(),
            lead in proptest::collection::vec(any::<u8>(), 0..3),
            tail in proptest::collection::vec(any::<u8>(), 0..12),
        ) {
            let mut data = lead.clone();
            data.extend_from_slice(&rec);
            data.extend_from_slice(&tail);
            let checked = parse_checked(&data, lead.len()).expect("valid record");
            prop_assert_eq!(checked.end, lead.len() + rec.len());
            prop_assert_eq!(parse_fast(&data, lead.len()), Some(checked));
        }

        /// On corrupted records the fast path never accepts what the checked parser refuses,
        /// and never disagrees with it on what it accepts.
        #[test]
        fn fast_path_never_accepts_more(
            rec in arb_record(),
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
            cut in any::<prop::sample::Index>(),
            tail in proptest::collection::vec(any::<u8>(), 0..12),
        ) {
            let mut data = rec.clone();
            for (at, byte) in flips {
                let i = at.index(data.len());
                data[i] = byte;
            }
            data.truncate(cut.index(data.len() + 1).max(1));
            data.extend_from_slice(&tail);
            if let Some(fast) = parse_fast(&data, 0) {
                prop_assert_eq!(Some(fast), parse_checked(&data, 0).ok());
            }
        }
    }
}
