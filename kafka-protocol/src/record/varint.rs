//! Zigzag varint readers specialised for a byte slice and an index.
//!
//! The generic readers in [`crate::primitives`] work on any `Buf` and check the remaining
//! length byte by byte; that is right for request and response fields, but a record batch reads
//! five or more varints per record in a tight loop, where a one-byte fast path and plain index
//! arithmetic measurably matter (see `benches/record_batch.rs`). The accepted encodings and the
//! errors are the same as the primitives'.

use crate::error::DecodeError;
use crate::primitives;

#[inline(always)]
fn unzigzag32(raw: u32) -> i32 {
    ((raw >> 1) as i32) ^ -((raw & 1) as i32)
}

#[inline(always)]
fn unzigzag64(raw: u64) -> i64 {
    ((raw >> 1) as i64) ^ -((raw & 1) as i64)
}

/// Reads a zigzag varint at `*pos`, advancing past it; `None` if it is truncated or too long
/// (then [`varint_error`] says which). One- and two-byte encodings, which cover nearly every
/// length, delta and count in a batch, take the inline fast path.
#[inline(always)]
pub(crate) fn read_varint(buf: &[u8], pos: &mut usize) -> Option<i32> {
    let p = *pos;
    let b0 = *buf.get(p)?;
    if b0 < 0x80 {
        *pos = p + 1;
        return Some(unzigzag32(u32::from(b0)));
    }
    let b1 = *buf.get(p + 1)?;
    if b1 < 0x80 {
        *pos = p + 2;
        return Some(unzigzag32(u32::from(b0 & 0x7f) | u32::from(b1) << 7));
    }
    let (raw, next) = read_unsigned(buf, p, 5)?;
    *pos = next;
    Some(unzigzag32(raw as u32))
}

/// Reads a zigzag varlong at `*pos`, advancing past it; `None` if truncated or too long.
/// Like [`read_varint`], one and two bytes are inline: a record's timestamp delta is usually
/// under 8 seconds from the batch's first record.
#[inline(always)]
pub(crate) fn read_varlong(buf: &[u8], pos: &mut usize) -> Option<i64> {
    let p = *pos;
    let b0 = *buf.get(p)?;
    if b0 < 0x80 {
        *pos = p + 1;
        return Some(unzigzag64(u64::from(b0)));
    }
    let b1 = *buf.get(p + 1)?;
    if b1 < 0x80 {
        *pos = p + 2;
        return Some(unzigzag64(u64::from(b0 & 0x7f) | u64::from(b1) << 7));
    }
    let (raw, next) = read_unsigned(buf, p, 10)?;
    *pos = next;
    Some(unzigzag64(raw))
}

/// The general case: up to `max_bytes` (5 for 32-bit, 10 for 64-bit values), with the same
/// limits on the last byte as [`crate::primitives`]. Returns the raw value and the position
/// after it: taking the position by value keeps the callers' cursor in a register.
#[cold]
#[inline(never)]
fn read_unsigned(buf: &[u8], pos: usize, max_bytes: usize) -> Option<(u64, usize)> {
    let last_bits = if max_bytes == 5 { 0x0f } else { 0x01 };
    let mut value = 0u64;
    for i in 0..max_bytes {
        let b = *buf.get(pos + i)?;
        if i == max_bytes - 1 && b > last_bits {
            return None;
        }
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, pos + i + 1));
        }
    }
    None
}

/// The precise error for a varint at `pos` that [`read_varint`] refused, as the generic
/// primitives report it.
#[cold]
#[inline(never)]
pub(crate) fn varint_error(buf: &[u8], pos: usize, what: &'static str) -> DecodeError {
    let mut rest = buf.get(pos..).unwrap_or_default();
    match primitives::read_varint(&mut rest, what) {
        Err(e) => e,
        // Unreachable while the two readers agree (tested below); still an error, not a panic.
        Ok(_) => DecodeError::VarintTooLong { what, max_bytes: 5 },
    }
}

/// As [`varint_error`], for varlongs.
#[cold]
#[inline(never)]
pub(crate) fn varlong_error(buf: &[u8], pos: usize, what: &'static str) -> DecodeError {
    let mut rest = buf.get(pos..).unwrap_or_default();
    match primitives::read_varlong(&mut rest, what) {
        Err(e) => e,
        Ok(_) => DecodeError::VarintTooLong {
            what,
            max_bytes: 10,
        },
    }
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
            assert_eq!(read_varint(&buf, &mut pos).unwrap(), v);
            assert_eq!(pos, buf.len());
        }
        let longs = [0, -1, i64::MAX, i64::MIN, 1 << 40, -(1 << 35)];
        for v in longs {
            let mut buf = BytesMut::new();
            primitives::write_varlong(&mut buf, v);
            let mut pos = 0;
            assert_eq!(read_varlong(&buf, &mut pos).unwrap(), v);
            assert_eq!(pos, buf.len());
        }
        for bad in [
            &[0x80u8][..],
            &[0xff, 0xff, 0xff, 0xff, 0x10],
            &[0xff; 6],
            &[],
        ] {
            let mut pos = 0;
            let ours = read_varint(bad, &mut pos).is_none();
            let theirs = primitives::read_varint(&mut &bad[..], "t").is_err();
            assert!(ours && theirs, "{bad:?}");
        }
        let mut long_bad = vec![0xffu8; 9];
        long_bad.push(0x02);
        assert!(read_varlong(&long_bad, &mut 0).is_none());
        assert!(matches!(
            varlong_error(&long_bad, 0, "t"),
            DecodeError::VarintTooLong { max_bytes: 10, .. }
        ));
        assert!(matches!(
            varint_error(&[0x80], 0, "t"),
            DecodeError::Truncated { .. }
        ));
        assert!(primitives::read_varlong(&mut &long_bad[..], "t").is_err());
    }
}
