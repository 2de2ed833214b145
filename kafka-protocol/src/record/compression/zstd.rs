//! Zstandard: the pure-Rust `structured-zstd` by default, the C library only with the `zstd-c`
//! feature. Level 3 (the Java client's default) unless another is asked for.
//!
//! `structured-zstd` implements the whole of C zstd's level range, -131072..=22 (the same range
//! Java's `compression.zstd.level` accepts), so a Kafka level maps to itself; 0 means the
//! default, as in C zstd. Levels outside the range are clamped to its ends.

use super::{Compression, CompressionError, read_bounded};

const DEFAULT_LEVEL: i32 = 3;
const MIN_LEVEL: i32 = -131072;
const MAX_LEVEL: i32 = 22;

/// The zstd level for a Kafka zstd level: `None` and 0 mean 3; others are clamped to
/// -131072..=22.
pub(super) fn effective_level(level: Option<i32>) -> i32 {
    match level {
        None | Some(0) => DEFAULT_LEVEL,
        Some(l) => l.clamp(MIN_LEVEL, MAX_LEVEL),
    }
}

/// The largest window a frame may ask for: 2^27 (128 MiB), what zstd level 22 can use and what
/// the Java client's zstd-jni accepts by default.
const MAX_WINDOW_LOG: u32 = 27;

#[cfg(not(feature = "zstd-c"))]
pub(super) fn compress(
    input: &[u8],
    level: Option<i32>,
    out: &mut Vec<u8>,
) -> Result<(), CompressionError> {
    use structured_zstd::encoding::{CompressionLevel, compress_slice_to_vec};
    let frame = compress_slice_to_vec(input, CompressionLevel::Level(effective_level(level)));
    out.extend_from_slice(&frame);
    Ok(())
}

#[cfg(not(feature = "zstd-c"))]
pub(super) fn decompress(input: &[u8], limit: usize) -> Result<Vec<u8>, CompressionError> {
    use structured_zstd::decoding::{FrameDecoder, StreamingDecoder};
    let mut frame_decoder = FrameDecoder::new();
    // The window is not tied to `limit`: Java's streaming compressor declares a 2 MiB window
    // for level 3 even for a tiny batch. The output limit is enforced while reading instead.
    frame_decoder
        .set_max_window_size(1 << MAX_WINDOW_LOG)
        .map_err(|e| CompressionError::corrupt(Compression::Zstd, e.to_string()))?;
    let decoder = StreamingDecoder::new_with_decoder(input, frame_decoder);
    read_bounded(
        Compression::Zstd,
        decoder,
        input.len().saturating_mul(4),
        limit,
    )
}

#[cfg(feature = "zstd-c")]
pub(super) fn compress(
    input: &[u8],
    level: Option<i32>,
    out: &mut Vec<u8>,
) -> Result<(), CompressionError> {
    let frame = ::zstd::bulk::compress(input, effective_level(level)).map_err(|source| {
        CompressionError::Io {
            codec: Compression::Zstd,
            source,
        }
    })?;
    out.extend_from_slice(&frame);
    Ok(())
}

#[cfg(feature = "zstd-c")]
pub(super) fn decompress(input: &[u8], limit: usize) -> Result<Vec<u8>, CompressionError> {
    let io = |source| CompressionError::Io {
        codec: Compression::Zstd,
        source,
    };
    let mut decoder = ::zstd::stream::read::Decoder::new(input).map_err(io)?;
    decoder.window_log_max(MAX_WINDOW_LOG).map_err(io)?;
    read_bounded(
        Compression::Zstd,
        decoder,
        input.len().saturating_mul(4),
        limit,
    )
}
