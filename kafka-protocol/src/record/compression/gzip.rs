//! Gzip, as `java.util.zip.GZIPOutputStream` writes it: a ten-byte header with no name, no
//! modification time, no extra flags and operating-system byte 0, deflate at the chosen level
//! (6 unless asked otherwise), then CRC32 and length.

use std::io::Write;

use flate2::write::DeflateEncoder;
use flate2::{Compression as Level, Crc};

use super::{Compression, CompressionError, read_bounded};

/// The deflate level Java's `Deflater.DEFAULT_COMPRESSION` (-1) stands for.
const DEFAULT_LEVEL: u32 = 6;

/// Java's header: magic, deflate, no flags, mtime 0, XFL 0, OS 0. flate2's `GzBuilder` would
/// set XFL to 2 or 4 at levels 9 and 1; Java always writes 0, so we write the header ourselves
/// to stay byte-identical at every level.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0];

/// The deflate level for a Kafka gzip level: `None` and -1 (Java's default) mean 6; anything
/// else is clamped to 1..=9, the range Java accepts (0 would be deflate's "store", which Kafka
/// does not allow).
pub(super) fn effective_level(level: Option<i32>) -> u32 {
    match level {
        None | Some(-1) => DEFAULT_LEVEL,
        Some(l) => l.clamp(1, 9) as u32,
    }
}

pub(super) fn compress(
    input: &[u8],
    level: Option<i32>,
    out: &mut Vec<u8>,
) -> Result<(), CompressionError> {
    let io = |source| CompressionError::Io {
        codec: Compression::Gzip,
        source,
    };
    out.extend_from_slice(&HEADER);
    let mut encoder = DeflateEncoder::new(&mut *out, Level::new(effective_level(level)));
    encoder.write_all(input).map_err(io)?;
    encoder.finish().map_err(io)?;
    let mut crc = Crc::new();
    crc.update(input);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&crc.amount().to_le_bytes());
    Ok(())
}

pub(super) fn decompress(input: &[u8], limit: usize) -> Result<Vec<u8>, CompressionError> {
    // Java's GZIPInputStream reads concatenated members, so we do too.
    let decoder = flate2::read::MultiGzDecoder::new(input);
    read_bounded(
        Compression::Gzip,
        decoder,
        input.len().saturating_mul(4),
        limit,
    )
}
