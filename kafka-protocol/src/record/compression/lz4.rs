//! LZ4 in the subset of the LZ4 frame format that Kafka's `Lz4BlockOutputStream` writes and
//! `Lz4BlockInputStream` reads: magic `0x184D2204`, a frame descriptor with version 1 and
//! independent blocks, 64 KiB maximum block size, no content size and no checksums on write;
//! blocks prefixed by a little-endian length whose high bit marks a block stored uncompressed;
//! a zero length as end mark.
//!
//! We frame by hand around `lz4_flex`'s block codec rather than use its frame codec because
//! Kafka needs two things a general frame codec does not give: byte-for-byte the same
//! descriptor as Java writes, and tolerance of the wrong descriptor checksum that magic-0
//! messages carry (old clients hashed the magic number too).
//!
//! Compression levels: Java's `compression.lz4.level` (1..=17, default 9) switches its encoder
//! to LZ4 HC at the higher levels. `lz4_flex` has only the fast block compressor and we know of
//! no pure-Rust HC encoder, so the level is accepted and ignored: we always write fast-mode
//! blocks. They are ordinary LZ4 frames any reader (Java's included) decodes; only the ratio
//! may be worse than Java's at high levels.

use super::{Compression, CompressionError};

const MAGIC: u32 = 0x184D_2204;
const FLG_VERSION_1: u8 = 0b0100_0000;
const FLG_BLOCK_INDEPENDENCE: u8 = 0b0010_0000;
const FLG_BLOCK_CHECKSUM: u8 = 0b0001_0000;
const FLG_CONTENT_SIZE: u8 = 0b0000_1000;
const FLG_CONTENT_CHECKSUM: u8 = 0b0000_0100;
/// Block maximum size code 4: 64 KiB, the size Kafka writes.
const BD_64KB: u8 = 4 << 4;
const BLOCK_SIZE: usize = 64 * 1024;
const UNCOMPRESSED_BIT: u32 = 0x8000_0000;

pub(super) fn compress(input: &[u8], out: &mut Vec<u8>) -> Result<(), CompressionError> {
    out.extend_from_slice(&MAGIC.to_le_bytes());
    let descriptor = [FLG_VERSION_1 | FLG_BLOCK_INDEPENDENCE, BD_64KB];
    out.extend_from_slice(&descriptor);
    out.push(header_checksum(&descriptor));
    let mut block = vec![0u8; lz4_flex::block::get_maximum_output_size(BLOCK_SIZE)];
    for chunk in input.chunks(BLOCK_SIZE) {
        let n = lz4_flex::block::compress_into(chunk, &mut block)
            .map_err(|e| CompressionError::corrupt(Compression::Lz4, e.to_string()))?;
        // Like Java, store a block that did not shrink as it is, flagged by the high bit.
        if n >= chunk.len() {
            out.extend_from_slice(&(chunk.len() as u32 | UNCOMPRESSED_BIT).to_le_bytes());
            out.extend_from_slice(chunk);
        } else {
            out.extend_from_slice(&(n as u32).to_le_bytes());
            out.extend_from_slice(&block[..n]);
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    Ok(())
}

fn corrupt(reason: impl Into<String>) -> CompressionError {
    CompressionError::corrupt(Compression::Lz4, reason)
}

fn read_u32_le(input: &[u8], pos: usize, what: &str) -> Result<u32, CompressionError> {
    input
        .get(pos..pos + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| corrupt(format!("{what} truncated")))
}

pub(super) fn decompress(
    input: &[u8],
    limit: usize,
    ignore_header_checksum: bool,
) -> Result<Vec<u8>, CompressionError> {
    if read_u32_le(input, 0, "frame magic")? != MAGIC {
        return Err(corrupt("bad frame magic"));
    }
    let (&flg, &bd) = match input.get(4..6) {
        Some([flg, bd]) => (flg, bd),
        _ => return Err(corrupt("frame descriptor truncated")),
    };
    if flg & 0b1100_0000 != FLG_VERSION_1 {
        return Err(corrupt(format!(
            "unsupported frame version in FLG {flg:#04x}"
        )));
    }
    if flg & 0b11 != 0 || bd & 0b1000_1111 != 0 {
        return Err(corrupt("reserved frame descriptor bits set"));
    }
    // Java refuses dependent blocks; a block that refers to its predecessor cannot be decoded on
    // its own, so we refuse them the same way.
    if flg & FLG_BLOCK_INDEPENDENCE == 0 {
        return Err(corrupt("dependent LZ4 blocks are not supported"));
    }
    let block_max = match bd >> 4 {
        code @ 4..=7 => 1usize << (2 * code + 8),
        code => return Err(corrupt(format!("invalid block size code {code}"))),
    };
    let mut pos = 6;
    if flg & FLG_CONTENT_SIZE != 0 {
        pos += 8;
    }
    let hc = *input
        .get(pos)
        .ok_or_else(|| corrupt("frame descriptor truncated"))?;
    if !ignore_header_checksum && hc != header_checksum(&input[4..pos]) {
        return Err(corrupt("frame descriptor checksum mismatch"));
    }
    pos += 1;

    let block_checksum = flg & FLG_BLOCK_CHECKSUM != 0;
    let mut out = Vec::with_capacity(input.len().saturating_mul(3).min(limit));
    loop {
        let word = read_u32_le(input, pos, "block length")?;
        pos += 4;
        let len = (word & !UNCOMPRESSED_BIT) as usize;
        if len == 0 {
            break;
        }
        if len > block_max {
            return Err(corrupt(format!(
                "block of {len} bytes exceeds the frame's maximum {block_max}"
            )));
        }
        let block = input
            .get(pos..pos + len)
            .ok_or_else(|| corrupt("block truncated"))?;
        pos += len;
        if block_checksum {
            let expected = read_u32_le(input, pos, "block checksum")?;
            pos += 4;
            if xxh32(block, 0) != expected {
                return Err(corrupt("block checksum mismatch"));
            }
        }
        let start = out.len();
        if word & UNCOMPRESSED_BIT != 0 {
            if len > limit - start {
                return Err(CompressionError::TooLarge { limit });
            }
            out.extend_from_slice(block);
        } else {
            // A block never decompresses past the frame's block maximum, so reserving that much
            // (bounded by the limit) is enough.
            let room = block_max.min(limit - start);
            out.resize(start + room, 0);
            match lz4_flex::block::decompress_into(block, &mut out[start..]) {
                Ok(n) => out.truncate(start + n),
                Err(_) if room < block_max => return Err(CompressionError::TooLarge { limit }),
                Err(e) => return Err(corrupt(e.to_string())),
            }
        }
    }
    if flg & FLG_CONTENT_CHECKSUM != 0 {
        let expected = read_u32_le(input, pos, "content checksum")?;
        if xxh32(&out, 0) != expected {
            return Err(corrupt("content checksum mismatch"));
        }
    }
    Ok(out)
}

/// The frame descriptor checksum: the second byte of the XXH32 of the descriptor bytes.
fn header_checksum(descriptor: &[u8]) -> u8 {
    (xxh32(descriptor, 0) >> 8) as u8
}

const PRIME1: u32 = 0x9E37_79B1;
const PRIME2: u32 = 0x85EB_CA77;
const PRIME3: u32 = 0xC2B2_AE3D;
const PRIME4: u32 = 0x27D4_EB2F;
const PRIME5: u32 = 0x1656_67B1;

/// XXH32, as the LZ4 frame format uses for its checksums. Only descriptor bytes and (rarely)
/// checksummed frames from other clients go through it, so a plain version is enough.
fn xxh32(data: &[u8], seed: u32) -> u32 {
    let round = |acc: u32, lane: u32| {
        acc.wrapping_add(lane.wrapping_mul(PRIME2))
            .rotate_left(13)
            .wrapping_mul(PRIME1)
    };
    let le = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let mut rest = data;
    let mut h = if data.len() >= 16 {
        let mut v = [
            seed.wrapping_add(PRIME1).wrapping_add(PRIME2),
            seed.wrapping_add(PRIME2),
            seed,
            seed.wrapping_sub(PRIME1),
        ];
        while rest.len() >= 16 {
            for (i, lane) in v.iter_mut().enumerate() {
                *lane = round(*lane, le(&rest[i * 4..]));
            }
            rest = &rest[16..];
        }
        v[0].rotate_left(1)
            .wrapping_add(v[1].rotate_left(7))
            .wrapping_add(v[2].rotate_left(12))
            .wrapping_add(v[3].rotate_left(18))
    } else {
        seed.wrapping_add(PRIME5)
    };
    h = h.wrapping_add(data.len() as u32);
    while rest.len() >= 4 {
        h = h
            .wrapping_add(le(rest).wrapping_mul(PRIME3))
            .rotate_left(17)
            .wrapping_mul(PRIME4);
        rest = &rest[4..];
    }
    for &byte in rest {
        h = h
            .wrapping_add(u32::from(byte).wrapping_mul(PRIME5))
            .rotate_left(11)
            .wrapping_mul(PRIME1);
    }
    h ^= h >> 15;
    h = h.wrapping_mul(PRIME2);
    h ^= h >> 13;
    h = h.wrapping_mul(PRIME3);
    h ^ (h >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xxh32_matches_reference_vectors() {
        // Values from the xxHash reference implementation.
        assert_eq!(xxh32(b"", 0), 0x02CC_5D05);
        assert_eq!(xxh32(b"a", 0), 0x550D_7456);
        assert_eq!(xxh32(b"abc", 0), 0x32D1_53FF);
        assert_eq!(
            xxh32(b"Nobody inspects the spammish repetition", 0),
            0xE229_3B2F
        );
    }

    #[test]
    fn magic_zero_broken_header_checksum_is_accepted_only_when_asked() {
        let data = b"old clients hashed the magic number into the descriptor checksum".repeat(50);
        let mut frame = Vec::new();
        compress(&data, &mut frame).unwrap();
        // Rewrite HC the way pre-0.10 clients computed it: over magic and descriptor.
        frame[6] = header_checksum(&frame[..6]);
        assert_ne!(frame[6], header_checksum(&frame[4..6]));
        assert!(decompress(&frame, 1 << 20, false).is_err());
        assert_eq!(decompress(&frame, 1 << 20, true).unwrap(), data);
    }

    #[test]
    fn incompressible_blocks_are_stored_raw_and_split_at_64k() {
        let mut x = 0x1234_5678_9abc_def0u64;
        let noise: Vec<u8> = (0..150_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let mut frame = Vec::new();
        compress(&noise, &mut frame).unwrap();
        let first = u32::from_le_bytes(frame[7..11].try_into().unwrap());
        assert_eq!(first, UNCOMPRESSED_BIT | BLOCK_SIZE as u32);
        assert_eq!(decompress(&frame, 1 << 20, false).unwrap(), noise);
    }

    #[test]
    fn checksummed_frames_from_other_writers_are_verified() {
        // A frame with block and content checksums, as lz4's reference CLI may write.
        let data = b"checksums everywhere ".repeat(10);
        let flg =
            FLG_VERSION_1 | FLG_BLOCK_INDEPENDENCE | FLG_BLOCK_CHECKSUM | FLG_CONTENT_CHECKSUM;
        let mut frame = MAGIC.to_le_bytes().to_vec();
        frame.extend_from_slice(&[flg, BD_64KB]);
        frame.push(header_checksum(&[flg, BD_64KB]));
        let block = lz4_flex::block::compress(&data);
        frame.extend_from_slice(&(block.len() as u32).to_le_bytes());
        frame.extend_from_slice(&block);
        frame.extend_from_slice(&xxh32(&block, 0).to_le_bytes());
        frame.extend_from_slice(&0u32.to_le_bytes());
        frame.extend_from_slice(&xxh32(&data, 0).to_le_bytes());
        assert_eq!(decompress(&frame, 1 << 20, false).unwrap(), data);
        let last = frame.len() - 1;
        frame[last] ^= 1;
        assert!(decompress(&frame, 1 << 20, false).is_err());
    }

    #[test]
    fn descriptor_matches_what_java_writes() {
        let mut out = Vec::new();
        compress(b"", &mut out).unwrap();
        // Magic, FLG 0x60, BD 0x40, HC, end mark: the header Lz4BlockOutputStream writes.
        assert_eq!(&out[..6], &[0x04, 0x22, 0x4D, 0x18, 0x60, 0x40]);
        assert_eq!(out[6], 0x82);
        assert_eq!(&out[7..], &[0, 0, 0, 0]);
    }
}
