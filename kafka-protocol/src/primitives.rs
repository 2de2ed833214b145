//! Wire primitives: fixed-width integers, varints, strings, bytes, array lengths and
//! tagged-field sections, as described in Kafka's protocol guide.
//!
//! Readers take the buffer to advance and a `what` naming the element, which ends up in the
//! [`DecodeError`] if the bytes are malformed. Integer readers work on any [`Buf`]; readers that
//! return byte slices take [`Bytes`] so the result shares the input's allocation instead of
//! copying it. Writers append to any [`BufMut`] (usually a `BytesMut`).
//!
//! "Compact" forms are the ones flexible message versions use: lengths as unsigned varints
//! holding `len + 1`, with 0 meaning null.

use bytes::{Buf, BufMut, Bytes};

use crate::error::{DecodeError, EncodeError};
use crate::uuid::Uuid;

#[inline]
fn need<B: Buf>(buf: &B, n: usize, what: &'static str) -> Result<(), DecodeError> {
    if buf.remaining() < n {
        return Err(DecodeError::Truncated {
            what,
            needed: n,
            remaining: buf.remaining(),
        });
    }
    Ok(())
}

/// Reads a signed 8-bit integer.
#[inline]
pub fn read_i8<B: Buf>(buf: &mut B, what: &'static str) -> Result<i8, DecodeError> {
    need(buf, 1, what)?;
    Ok(buf.get_i8())
}

/// Reads a big-endian signed 16-bit integer.
#[inline]
pub fn read_i16<B: Buf>(buf: &mut B, what: &'static str) -> Result<i16, DecodeError> {
    need(buf, 2, what)?;
    Ok(buf.get_i16())
}

/// Reads a big-endian signed 32-bit integer.
#[inline]
pub fn read_i32<B: Buf>(buf: &mut B, what: &'static str) -> Result<i32, DecodeError> {
    need(buf, 4, what)?;
    Ok(buf.get_i32())
}

/// Reads a big-endian signed 64-bit integer.
#[inline]
pub fn read_i64<B: Buf>(buf: &mut B, what: &'static str) -> Result<i64, DecodeError> {
    need(buf, 8, what)?;
    Ok(buf.get_i64())
}

/// Reads a big-endian unsigned 16-bit integer.
#[inline]
pub fn read_u16<B: Buf>(buf: &mut B, what: &'static str) -> Result<u16, DecodeError> {
    need(buf, 2, what)?;
    Ok(buf.get_u16())
}

/// Reads a big-endian unsigned 32-bit integer.
#[inline]
pub fn read_u32<B: Buf>(buf: &mut B, what: &'static str) -> Result<u32, DecodeError> {
    need(buf, 4, what)?;
    Ok(buf.get_u32())
}

/// Reads a big-endian IEEE 754 double.
#[inline]
pub fn read_f64<B: Buf>(buf: &mut B, what: &'static str) -> Result<f64, DecodeError> {
    need(buf, 8, what)?;
    Ok(buf.get_f64())
}

/// Reads a boolean byte; like Kafka, any non-zero byte is true.
#[inline]
pub fn read_bool<B: Buf>(buf: &mut B, what: &'static str) -> Result<bool, DecodeError> {
    need(buf, 1, what)?;
    Ok(buf.get_u8() != 0)
}

/// Reads a 16-byte UUID.
#[inline]
pub fn read_uuid<B: Buf>(buf: &mut B, what: &'static str) -> Result<Uuid, DecodeError> {
    need(buf, 16, what)?;
    let mut b = [0u8; 16];
    buf.copy_to_slice(&mut b);
    Ok(Uuid(b))
}

/// Reads an unsigned varint of at most 5 bytes (a `u32`).
#[inline]
pub fn read_unsigned_varint<B: Buf>(buf: &mut B, what: &'static str) -> Result<u32, DecodeError> {
    let mut value: u32 = 0;
    for i in 0..5 {
        need(buf, 1, what)?;
        let b = buf.get_u8();
        // The fifth byte may only carry the top 4 bits of a u32.
        if i == 4 && b > 0x0f {
            return Err(DecodeError::VarintTooLong { what, max_bytes: 5 });
        }
        value |= ((b & 0x7f) as u32) << (7 * i);
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(DecodeError::VarintTooLong { what, max_bytes: 5 })
}

/// Reads an unsigned varlong of at most 10 bytes (a `u64`).
#[inline]
pub fn read_unsigned_varlong<B: Buf>(buf: &mut B, what: &'static str) -> Result<u64, DecodeError> {
    let mut value: u64 = 0;
    for i in 0..10 {
        need(buf, 1, what)?;
        let b = buf.get_u8();
        if i == 9 && b > 0x01 {
            return Err(DecodeError::VarintTooLong {
                what,
                max_bytes: 10,
            });
        }
        value |= ((b & 0x7f) as u64) << (7 * i);
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(DecodeError::VarintTooLong {
        what,
        max_bytes: 10,
    })
}

/// Reads a zigzag-encoded signed varint (`i32`), the form record fields use.
#[inline]
pub fn read_varint<B: Buf>(buf: &mut B, what: &'static str) -> Result<i32, DecodeError> {
    let raw = read_unsigned_varint(buf, what)?;
    Ok(((raw >> 1) as i32) ^ -((raw & 1) as i32))
}

/// Reads a zigzag-encoded signed varlong (`i64`), the form record fields use.
#[inline]
pub fn read_varlong<B: Buf>(buf: &mut B, what: &'static str) -> Result<i64, DecodeError> {
    let raw = read_unsigned_varlong(buf, what)?;
    Ok(((raw >> 1) as i64) ^ -((raw & 1) as i64))
}

/// Writes an unsigned varint.
#[inline]
pub fn write_unsigned_varint<B: BufMut>(buf: &mut B, mut value: u32) {
    while value >= 0x80 {
        buf.put_u8((value as u8) | 0x80);
        value >>= 7;
    }
    buf.put_u8(value as u8);
}

/// Writes an unsigned varlong.
#[inline]
pub fn write_unsigned_varlong<B: BufMut>(buf: &mut B, mut value: u64) {
    while value >= 0x80 {
        buf.put_u8((value as u8) | 0x80);
        value >>= 7;
    }
    buf.put_u8(value as u8);
}

/// Writes a zigzag-encoded signed varint.
#[inline]
pub fn write_varint<B: BufMut>(buf: &mut B, value: i32) {
    write_unsigned_varint(buf, ((value << 1) ^ (value >> 31)) as u32);
}

/// Writes a zigzag-encoded signed varlong.
#[inline]
pub fn write_varlong<B: BufMut>(buf: &mut B, value: i64) {
    write_unsigned_varlong(buf, ((value << 1) ^ (value >> 63)) as u64);
}

/// Bytes an unsigned varint takes on the wire.
#[inline]
pub fn unsigned_varint_len(value: u32) -> usize {
    match value {
        0..=0x7f => 1,
        0x80..=0x3fff => 2,
        0x4000..=0x1f_ffff => 3,
        0x20_0000..=0x0fff_ffff => 4,
        _ => 5,
    }
}

/// Bytes an unsigned varlong takes on the wire.
#[inline]
pub fn unsigned_varlong_len(value: u64) -> usize {
    let bits = 64 - (value | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// Bytes a zigzag varint takes on the wire.
#[inline]
pub fn varint_len(value: i32) -> usize {
    unsigned_varint_len(((value << 1) ^ (value >> 31)) as u32)
}

/// Bytes a zigzag varlong takes on the wire.
#[inline]
pub fn varlong_len(value: i64) -> usize {
    unsigned_varlong_len(((value << 1) ^ (value >> 63)) as u64)
}

/// Writes a UUID.
#[inline]
pub fn write_uuid<B: BufMut>(buf: &mut B, value: &Uuid) {
    buf.put_slice(&value.0);
}

/// Writes a boolean as one byte, 1 or 0.
#[inline]
pub fn write_bool<B: BufMut>(buf: &mut B, value: bool) {
    buf.put_u8(value as u8);
}

/// Reads a length prefix: `int16` for classic strings, `int32` for classic bytes and arrays,
/// unsigned varint `len + 1` for compact forms. Returns `None` for null (-1 or compact 0).
///
/// The length is checked against the bytes remaining, so a hostile prefix cannot make the
/// caller allocate more than the input holds.
#[inline]
fn read_len(
    buf: &mut Bytes,
    compact: bool,
    wide: bool,
    what: &'static str,
) -> Result<Option<usize>, DecodeError> {
    let len: i64 = if compact {
        read_unsigned_varint(buf, what)? as i64 - 1
    } else if wide {
        read_i32(buf, what)? as i64
    } else {
        read_i16(buf, what)? as i64
    };
    if len == -1 {
        return Ok(None);
    }
    if len < -1 {
        return Err(DecodeError::InvalidLength { what, len });
    }
    let len = len as usize;
    need(buf, len, what)?;
    Ok(Some(len))
}

/// Reads a nullable string's bytes without copying or validating UTF-8.
#[inline]
pub fn read_nullable_str_bytes(
    buf: &mut Bytes,
    compact: bool,
    what: &'static str,
) -> Result<Option<Bytes>, DecodeError> {
    Ok(read_len(buf, compact, false, what)?.map(|n| buf.split_to(n)))
}

/// Reads a nullable string (`int16` length, or compact).
#[inline]
pub fn read_nullable_string(
    buf: &mut Bytes,
    compact: bool,
    what: &'static str,
) -> Result<Option<String>, DecodeError> {
    match read_len(buf, compact, false, what)? {
        None => Ok(None),
        Some(n) => {
            let s =
                std::str::from_utf8(&buf[..n]).map_err(|_| DecodeError::InvalidUtf8 { what })?;
            let s = s.to_owned();
            buf.advance(n);
            Ok(Some(s))
        }
    }
}

/// Reads a non-nullable string; null is an error.
#[inline]
pub fn read_string(
    buf: &mut Bytes,
    compact: bool,
    what: &'static str,
) -> Result<String, DecodeError> {
    read_nullable_string(buf, compact, what)?.ok_or(DecodeError::UnexpectedNull { what })
}

/// Reads nullable bytes (`int32` length, or compact), sharing `buf`'s allocation.
#[inline]
pub fn read_nullable_bytes(
    buf: &mut Bytes,
    compact: bool,
    what: &'static str,
) -> Result<Option<Bytes>, DecodeError> {
    Ok(read_len(buf, compact, true, what)?.map(|n| buf.split_to(n)))
}

/// Reads non-nullable bytes, sharing `buf`'s allocation; null is an error.
#[inline]
pub fn read_bytes(
    buf: &mut Bytes,
    compact: bool,
    what: &'static str,
) -> Result<Bytes, DecodeError> {
    read_nullable_bytes(buf, compact, what)?.ok_or(DecodeError::UnexpectedNull { what })
}

/// Reads an array's element count (`int32`, or compact); `None` for a null array.
///
/// Like Kafka's generated code, a count larger than the bytes remaining is rejected: every
/// element takes at least one byte, so such a count can only come from corrupt input, and
/// rejecting it bounds what the caller allocates.
#[inline]
pub fn read_array_len(
    buf: &mut Bytes,
    compact: bool,
    what: &'static str,
) -> Result<Option<usize>, DecodeError> {
    let len: i64 = if compact {
        read_unsigned_varint(buf, what)? as i64 - 1
    } else {
        read_i32(buf, what)? as i64
    };
    if len == -1 {
        return Ok(None);
    }
    if len < -1 {
        return Err(DecodeError::InvalidLength { what, len });
    }
    if len as usize > buf.remaining() {
        return Err(DecodeError::Truncated {
            what,
            needed: len as usize,
            remaining: buf.remaining(),
        });
    }
    Ok(Some(len as usize))
}

/// Writes a length prefix, or the null marker when `len` is `None`.
#[inline]
pub(crate) fn write_len<B: BufMut>(
    buf: &mut B,
    len: Option<usize>,
    compact: bool,
    wide: bool,
    what: &'static str,
) -> Result<(), EncodeError> {
    match (len, compact) {
        (None, true) => write_unsigned_varint(buf, 0),
        (None, false) if wide => buf.put_i32(-1),
        (None, false) => buf.put_i16(-1),
        (Some(n), true) => {
            let v = u32::try_from(n)
                .ok()
                .and_then(|n| n.checked_add(1))
                .filter(|v| *v <= i32::MAX as u32)
                .ok_or(EncodeError::TooLong { what, len: n })?;
            write_unsigned_varint(buf, v);
        }
        (Some(n), false) if wide => {
            buf.put_i32(i32::try_from(n).map_err(|_| EncodeError::TooLong { what, len: n })?)
        }
        (Some(n), false) => {
            buf.put_i16(i16::try_from(n).map_err(|_| EncodeError::TooLong { what, len: n })?)
        }
    }
    Ok(())
}

/// Writes a nullable string (`int16` length, or compact).
#[inline]
pub fn write_nullable_string<B: BufMut>(
    buf: &mut B,
    value: Option<&str>,
    compact: bool,
) -> Result<(), EncodeError> {
    write_len(buf, value.map(str::len), compact, false, "string")?;
    if let Some(s) = value {
        buf.put_slice(s.as_bytes());
    }
    Ok(())
}

/// Writes a non-nullable string.
#[inline]
pub fn write_string<B: BufMut>(buf: &mut B, value: &str, compact: bool) -> Result<(), EncodeError> {
    write_nullable_string(buf, Some(value), compact)
}

/// Writes nullable bytes (`int32` length, or compact).
#[inline]
pub fn write_nullable_bytes<B: BufMut>(
    buf: &mut B,
    value: Option<&[u8]>,
    compact: bool,
) -> Result<(), EncodeError> {
    write_len(buf, value.map(<[u8]>::len), compact, true, "bytes")?;
    if let Some(b) = value {
        buf.put_slice(b);
    }
    Ok(())
}

/// Writes non-nullable bytes.
#[inline]
pub fn write_bytes<B: BufMut>(buf: &mut B, value: &[u8], compact: bool) -> Result<(), EncodeError> {
    write_nullable_bytes(buf, Some(value), compact)
}

/// Writes an array's element count, or the null marker.
#[inline]
pub fn write_array_len<B: BufMut>(
    buf: &mut B,
    len: Option<usize>,
    compact: bool,
) -> Result<(), EncodeError> {
    write_len(buf, len, compact, true, "array")
}

/// A tagged field this crate's schema does not know, kept so it survives a decode/encode
/// round trip unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawTaggedField {
    /// The tag.
    pub tag: u32,
    /// The field's bytes, without the tag and size prefix.
    pub data: Bytes,
}

/// Reads a tagged-field section: a count, then `(tag, size, bytes)` entries in increasing tag
/// order. `known` is offered each entry first and returns `Ok(true)` if it consumed it;
/// anything it declines is appended to `unknown`.
pub fn read_tagged_fields(
    buf: &mut Bytes,
    what: &'static str,
    unknown: &mut Vec<RawTaggedField>,
    mut known: impl FnMut(u32, &mut Bytes) -> Result<bool, DecodeError>,
) -> Result<(), DecodeError> {
    let count = read_unsigned_varint(buf, "tagged field count")?;
    let mut prev: Option<u32> = None;
    for _ in 0..count {
        let tag = read_unsigned_varint(buf, "tag")?;
        if prev.is_some_and(|p| tag <= p) {
            return Err(DecodeError::TagOrder { what, tag });
        }
        prev = Some(tag);
        let size = read_unsigned_varint(buf, "tagged field size")? as usize;
        need(buf, size, "tagged field")?;
        let mut data = buf.split_to(size);
        if known(tag, &mut data)? {
            if !data.is_empty() {
                return Err(DecodeError::TaggedFieldSize {
                    what,
                    tag,
                    declared: size,
                    used: size - data.len(),
                });
            }
        } else {
            unknown.push(RawTaggedField { tag, data });
        }
    }
    Ok(())
}

/// Writes one tagged field: tag, size, bytes.
#[inline]
pub fn write_tagged_field<B: BufMut>(
    buf: &mut B,
    tag: u32,
    data: &[u8],
) -> Result<(), EncodeError> {
    write_unsigned_varint(buf, tag);
    let len = u32::try_from(data.len()).map_err(|_| EncodeError::TooLong {
        what: "tagged field",
        len: data.len(),
    })?;
    write_unsigned_varint(buf, len);
    buf.put_slice(data);
    Ok(())
}

/// Writes a tagged-field section holding only `fields` (already in increasing tag order).
pub fn write_raw_tagged_fields<B: BufMut>(
    buf: &mut B,
    fields: &[RawTaggedField],
) -> Result<(), EncodeError> {
    write_unsigned_varint(buf, fields.len() as u32);
    for f in fields {
        write_tagged_field(buf, f.tag, &f.data)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BytesMut;

    #[test]
    fn unsigned_varint_known_encodings() {
        for (v, enc) in [
            (0u32, &[0x00][..]),
            (1, &[0x01]),
            (127, &[0x7f]),
            (128, &[0x80, 0x01]),
            (300, &[0xac, 0x02]),
            (u32::MAX, &[0xff, 0xff, 0xff, 0xff, 0x0f]),
        ] {
            let mut b = BytesMut::new();
            write_unsigned_varint(&mut b, v);
            assert_eq!(&b[..], enc, "encoding {v}");
            assert_eq!(unsigned_varint_len(v), enc.len());
            let mut r = b.freeze();
            assert_eq!(read_unsigned_varint(&mut r, "t").unwrap(), v);
            assert!(r.is_empty());
        }
    }

    #[test]
    fn zigzag_matches_protobuf_table() {
        for (v, raw) in [
            (0i32, 0u32),
            (-1, 1),
            (1, 2),
            (-2, 3),
            (i32::MAX, u32::MAX - 1),
            (i32::MIN, u32::MAX),
        ] {
            let mut b = BytesMut::new();
            write_varint(&mut b, v);
            let mut r = b.clone().freeze();
            assert_eq!(read_unsigned_varint(&mut r, "t").unwrap(), raw);
            let mut r = b.freeze();
            assert_eq!(read_varint(&mut r, "t").unwrap(), v);
            assert_eq!(varint_len(v), unsigned_varint_len(raw));
        }
        for v in [0i64, -1, 1, i64::MAX, i64::MIN, 1 << 40, -(1 << 40)] {
            let mut b = BytesMut::new();
            write_varlong(&mut b, v);
            assert_eq!(b.len(), varlong_len(v));
            let mut r = b.freeze();
            assert_eq!(read_varlong(&mut r, "t").unwrap(), v);
        }
    }

    #[test]
    fn overlong_varints_are_rejected() {
        let mut r = Bytes::from_static(&[0xff, 0xff, 0xff, 0xff, 0x1f]);
        assert!(matches!(
            read_unsigned_varint(&mut r, "t"),
            Err(DecodeError::VarintTooLong { .. })
        ));
        let mut r = Bytes::from_static(&[0x80; 11]);
        assert!(matches!(
            read_unsigned_varlong(&mut r, "t"),
            Err(DecodeError::VarintTooLong { .. })
        ));
        let mut r = Bytes::from_static(&[0x80]);
        assert!(matches!(
            read_unsigned_varint(&mut r, "t"),
            Err(DecodeError::Truncated { .. })
        ));
    }

    #[test]
    fn strings_classic_and_compact() {
        for compact in [false, true] {
            let mut b = BytesMut::new();
            write_string(&mut b, "héllo", compact).unwrap();
            write_nullable_string(&mut b, None, compact).unwrap();
            let mut r = b.freeze();
            assert_eq!(read_string(&mut r, compact, "s").unwrap(), "héllo");
            assert_eq!(read_nullable_string(&mut r, compact, "s").unwrap(), None);
            assert!(r.is_empty());
        }
        let mut r = Bytes::from_static(&[0x00, 0x05, b'a']);
        assert!(matches!(
            read_string(&mut r, false, "s"),
            Err(DecodeError::Truncated { .. })
        ));
        let mut r = Bytes::from_static(&[0xff, 0xff]);
        assert!(matches!(
            read_string(&mut r, false, "s"),
            Err(DecodeError::UnexpectedNull { .. })
        ));
        let mut r = Bytes::from_static(&[0xff, 0xfe]);
        assert!(matches!(
            read_string(&mut r, false, "s"),
            Err(DecodeError::InvalidLength { .. })
        ));
        let mut r = Bytes::from_static(&[0x00, 0x01, 0xff]);
        assert!(matches!(
            read_string(&mut r, false, "s"),
            Err(DecodeError::InvalidUtf8 { .. })
        ));
    }

    #[test]
    fn bytes_are_zero_copy() {
        let mut b = BytesMut::new();
        write_bytes(&mut b, b"payload", true).unwrap();
        let input = b.freeze();
        let mut r = input.clone();
        let out = read_bytes(&mut r, true, "b").unwrap();
        assert_eq!(&out[..], b"payload");
        // The slice points into the input buffer rather than a copy.
        assert_eq!(out.as_ptr(), input[1..].as_ptr());
    }

    #[test]
    fn array_len_bounded_by_remaining() {
        let mut r = Bytes::from_static(&[0x7f, 0xff, 0xff, 0xff, 0x00]);
        assert!(matches!(
            read_array_len(&mut r, false, "a"),
            Err(DecodeError::Truncated { .. })
        ));
        let mut r = Bytes::from_static(&[0x00]);
        assert_eq!(read_array_len(&mut r, true, "a").unwrap(), None);
        let mut r = Bytes::from_static(&[0x02, 0x05]);
        assert_eq!(read_array_len(&mut r, true, "a").unwrap(), Some(1));
    }

    #[test]
    fn tagged_fields_keep_unknown_and_reject_disorder() {
        let mut b = BytesMut::new();
        let raw = vec![
            RawTaggedField {
                tag: 1,
                data: Bytes::from_static(b"ab"),
            },
            RawTaggedField {
                tag: 7,
                data: Bytes::from_static(b""),
            },
        ];
        write_raw_tagged_fields(&mut b, &raw).unwrap();
        let encoded = b.freeze();
        let mut r = encoded.clone();
        let mut unknown = Vec::new();
        read_tagged_fields(&mut r, "t", &mut unknown, |_, _| Ok(false)).unwrap();
        assert_eq!(unknown, raw);
        let mut again = BytesMut::new();
        write_raw_tagged_fields(&mut again, &unknown).unwrap();
        assert_eq!(again.freeze(), encoded);

        let mut b = BytesMut::new();
        write_unsigned_varint(&mut b, 2);
        write_tagged_field(&mut b, 3, b"").unwrap();
        write_tagged_field(&mut b, 3, b"").unwrap();
        let mut r = b.freeze();
        assert!(matches!(
            read_tagged_fields(&mut r, "t", &mut Vec::new(), |_, _| Ok(false)),
            Err(DecodeError::TagOrder { tag: 3, .. })
        ));
    }
}
