//! Zigzag varint readers specialised for a byte slice and an index.
//!
//! The generic readers in [`crate::primitives`] work on any `Buf` and check the remaining
//! length byte by byte; that is right for request and response fields, but a record batch reads
//! five or more varints per record in a tight loop, where a one-byte fast path and plain index
//! arithmetic measurably matter (see `benches/record_batch.rs`). The accepted encodings and the
//! errors are the same as the primitives'.

use crate::error::DecodeError;

#[inline(always)]
pub(crate) fn read_varint(
    buf: &[u8],
    pos: &mut usize,
    what: &'static str,
) -> Result<i32, DecodeError> {
    match buf.get(*pos) {
        Some(&b) if b < 0x80 => {
            *pos += 1;
            Ok(((b >> 1) as i32) ^ -((b & 1) as i32))
        }
        _ => read_varint_slow(buf, pos, what),
    }
}

#[cold]
#[inline(never)]
fn read_varint_slow(buf: &[u8], pos: &mut usize, what: &'static str) -> Result<i32, DecodeError> {
    let raw = read_unsigned(buf, pos, what, 5)? as u32;
    Ok(((raw >> 1) as i32) ^ -((raw & 1) as i32))
}

#[inline(always)]
pub(crate) fn read_varlong(
    buf: &[u8],
    pos: &mut usize,
    what: &'static str,
) -> Result<i64, DecodeError> {
    match buf.get(*pos) {
        Some(&b) if b < 0x80 => {
            *pos += 1;
            Ok(((b >> 1) as i64) ^ -((b & 1) as i64))
        }
        _ => {
            let raw = read_unsigned(buf, pos, what, 10)?;
            Ok(((raw >> 1) as i64) ^ -((raw & 1) as i64))
        }
    }
}

/// Reads an unsigned varint of at most `max_bytes` (5 for 32-bit, 10 for 64-bit values).
#[inline]
fn read_unsigned(
    buf: &[u8],
    pos: &mut usize,
    what: &'static str,
    max_bytes: usize,
) -> Result<u64, DecodeError> {
    let mut value = 0u64;
    for i in 0..max_bytes {
        let Some(&b) = buf.get(*pos + i) else {
            return Err(DecodeError::Truncated {
                what,
                needed: i + 1,
                remaining: buf.len().saturating_sub(*pos),
            });
        };
        // The last byte may only carry the bits that still fit: 4 for a u32, 1 for a u64.
        let last_bits = if max_bytes == 5 { 0x0f } else { 0x01 };
        if i == max_bytes - 1 && b > last_bits {
            return Err(DecodeError::VarintTooLong { what, max_bytes });
        }
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            *pos += i + 1;
            return Ok(value);
        }
    }
    Err(DecodeError::VarintTooLong { what, max_bytes })
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;

    use super::*;
    use crate::primitives;

    /// Same values and same accept/reject decisions as the generic primitives.
    #[test]
    fn agrees_with_primitives() {
        let ints = [
            0,
            1,
            -1,
            63,
            -64,
            64,
            300,
            -300,
            i32::MAX,
            i32::MIN,
            1 << 20,
        ];
        for v in ints {
            let mut buf = BytesMut::new();
            primitives::write_varint(&mut buf, v);
            let mut pos = 0;
            assert_eq!(read_varint(&buf, &mut pos, "t").unwrap(), v);
            assert_eq!(pos, buf.len());
        }
        let longs = [0, -1, i64::MAX, i64::MIN, 1 << 40, -(1 << 35)];
        for v in longs {
            let mut buf = BytesMut::new();
            primitives::write_varlong(&mut buf, v);
            let mut pos = 0;
            assert_eq!(read_varlong(&buf, &mut pos, "t").unwrap(), v);
            assert_eq!(pos, buf.len());
        }
        for bad in [
            &[0x80u8][..],
            &[0xff, 0xff, 0xff, 0xff, 0x10],
            &[0xff; 6],
            &[],
        ] {
            let mut pos = 0;
            let ours = read_varint(bad, &mut pos, "t").is_err();
            let theirs = primitives::read_varint(&mut &bad[..], "t").is_err();
            assert!(ours && theirs, "{bad:?}");
        }
        let mut long_bad = vec![0xffu8; 9];
        long_bad.push(0x02);
        assert!(read_varlong(&long_bad, &mut 0, "t").is_err());
        assert!(primitives::read_varlong(&mut &long_bad[..], "t").is_err());
    }
}
