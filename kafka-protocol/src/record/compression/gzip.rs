//! Gzip, as `java.util.zip.GZIPOutputStream` writes it: a ten-byte header with no name and no
//! modification time, operating-system byte 0, deflate at level 6, then CRC32 and length.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::{Compression as Level, GzBuilder};

use super::{Compression, CompressionError, read_bounded};

pub(super) fn compress(input: &[u8], out: &mut Vec<u8>) -> Result<(), CompressionError> {
    // Java writes OS = 0 where flate2 defaults to 255 ("unknown"); matching it keeps our header
    // byte-identical to the Java client's.
    let mut encoder: GzEncoder<&mut Vec<u8>> = GzBuilder::new()
        .operating_system(0)
        .write(out, Level::new(6));
    let io = |source| CompressionError::Io {
        codec: Compression::Gzip,
        source,
    };
    encoder.write_all(input).map_err(io)?;
    encoder.finish().map_err(io)?;
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
