//! Snappy in the framing of xerial's `SnappyOutputStream`, which is what the Java client writes:
//! an eight-byte magic (`0x82 "SNAPPY" 0`), two big-endian int32 versions (both 1), then blocks of
//! a big-endian int32 length followed by a raw snappy block of at most 32 KiB of input.
//!
//! Some other clients wrote raw (unframed) snappy; like the Java reader's fallback we accept both
//! when decoding, telling them apart by the magic.

use super::{Compression, CompressionError};

const MAGIC: [u8; 8] = [0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0];
const HEADER_LEN: usize = MAGIC.len() + 8;
const VERSION: i32 = 1;
const MIN_COMPATIBLE_VERSION: i32 = 1;
/// xerial's default block size.
const BLOCK_SIZE: usize = 32 * 1024;

pub(super) fn compress(input: &[u8], out: &mut Vec<u8>) -> Result<(), CompressionError> {
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_be_bytes());
    out.extend_from_slice(&MIN_COMPATIBLE_VERSION.to_be_bytes());
    let mut encoder = snap::raw::Encoder::new();
    let mut block = vec![0u8; snap::raw::max_compress_len(BLOCK_SIZE)];
    for chunk in input.chunks(BLOCK_SIZE) {
        let n = encoder
            .compress(chunk, &mut block)
            .map_err(|e| CompressionError::corrupt(Compression::Snappy, e.to_string()))?;
        out.extend_from_slice(&(n as u32).to_be_bytes());
        out.extend_from_slice(&block[..n]);
    }
    Ok(())
}

pub(super) fn decompress(input: &[u8], limit: usize) -> Result<Vec<u8>, CompressionError> {
    if input.len() >= MAGIC.len() && input[..MAGIC.len()] == MAGIC {
        decompress_framed(input, limit)
    } else {
        let mut out = Vec::new();
        decompress_raw_into(input, limit, &mut out)?;
        Ok(out)
    }
}

fn decompress_framed(input: &[u8], limit: usize) -> Result<Vec<u8>, CompressionError> {
    if input.len() < HEADER_LEN {
        return Err(CompressionError::corrupt(
            Compression::Snappy,
            "xerial header truncated",
        ));
    }
    let mut rest = &input[HEADER_LEN..];
    let mut out = Vec::new();
    while !rest.is_empty() {
        if rest.len() < 4 {
            return Err(CompressionError::corrupt(
                Compression::Snappy,
                "xerial block length truncated",
            ));
        }
        let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        rest = &rest[4..];
        if len > rest.len() {
            return Err(CompressionError::corrupt(
                Compression::Snappy,
                format!("xerial block of {len} bytes but only {} remain", rest.len()),
            ));
        }
        let (block, tail) = rest.split_at(len);
        decompress_raw_into(block, limit, &mut out)?;
        rest = tail;
    }
    Ok(out)
}

/// Appends one raw snappy block to `out`, checking its declared length against the limit
/// before allocating.
fn decompress_raw_into(
    block: &[u8],
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<(), CompressionError> {
    let corrupt = |e: snap::Error| CompressionError::corrupt(Compression::Snappy, e.to_string());
    let len = snap::raw::decompress_len(block).map_err(corrupt)?;
    if len > limit.saturating_sub(out.len()) {
        return Err(CompressionError::TooLarge { limit });
    }
    let start = out.len();
    out.resize(start + len, 0);
    let n = snap::raw::Decoder::new()
        .decompress(block, &mut out[start..])
        .map_err(corrupt)?;
    out.truncate(start + n);
    Ok(())
}
