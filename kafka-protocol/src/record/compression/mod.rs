//! The five compression codecs a record batch may use, with the exact framing the Java client
//! writes and reads.
//!
//! Each codec lives in its own module because each has a Kafka-specific wrinkle: snappy is
//! wrapped in xerial's block framing, lz4 uses Kafka's own subset of the LZ4 frame format (and the
//! broken header checksum of magic-0 messages), gzip carries a Java-style header, and zstd has a
//! pure-Rust default with the C library behind a feature.
//!
//! Decompression always takes an output limit: a batch of a few kilobytes can expand to gigabytes
//! (a "zip bomb"), so every decoder stops and reports [`CompressionError::TooLarge`] as soon as
//! the output would pass the limit, before allocating for it.

mod gzip;
mod lz4;
mod snappy;
mod zstd;

use std::io::Read;

/// The default ceiling on one batch's decompressed size (256 MiB).
///
/// Kafka's own limits (`message.max.bytes`, `fetch.max.bytes`) are on compressed sizes, so a
/// legitimate batch may decompress well past them; 256 MiB is far above any sane batch while
/// still bounding what a hostile one can make us allocate.
pub const DEFAULT_MAX_DECOMPRESSED_BYTES: usize = 256 * 1024 * 1024;

/// A record batch's compression codec: bits 0-2 of the batch attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Compression {
    /// No compression (codec id 0).
    #[default]
    None,
    /// Gzip (codec id 1): deflate with a gzip header, as `java.util.zip.GZIPOutputStream` writes.
    Gzip,
    /// Snappy (codec id 2), in the xerial block framing the Java client writes.
    Snappy,
    /// LZ4 (codec id 3), in the LZ4 frame subset Kafka's `Lz4BlockOutputStream` writes.
    Lz4,
    /// Zstandard (codec id 4).
    Zstd,
}

impl Compression {
    /// Every codec, in codec-id order (handy for tests and benches).
    pub const ALL: [Compression; 5] = [
        Compression::None,
        Compression::Gzip,
        Compression::Snappy,
        Compression::Lz4,
        Compression::Zstd,
    ];

    /// The codec named by the low three bits of a batch's attributes.
    pub fn from_id(id: u8) -> Result<Self, CompressionError> {
        match id {
            0 => Ok(Compression::None),
            1 => Ok(Compression::Gzip),
            2 => Ok(Compression::Snappy),
            3 => Ok(Compression::Lz4),
            4 => Ok(Compression::Zstd),
            other => Err(CompressionError::UnknownCodec(other)),
        }
    }

    /// This codec's id as written in the attributes bits 0-2.
    pub fn id(self) -> u8 {
        match self {
            Compression::None => 0,
            Compression::Gzip => 1,
            Compression::Snappy => 2,
            Compression::Lz4 => 3,
            Compression::Zstd => 4,
        }
    }

    /// The name Kafka uses for this codec in `compression.type`.
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Snappy => "snappy",
            Compression::Lz4 => "lz4",
            Compression::Zstd => "zstd",
        }
    }

    /// Compresses `input` and appends the result to `out`, with each codec's default level
    /// (the Java client's defaults: gzip 6, lz4 fast, zstd 3).
    pub fn compress_into(self, input: &[u8], out: &mut Vec<u8>) -> Result<(), CompressionError> {
        self.compress_with_level(input, None, out)
    }

    /// Compresses `input` and appends the result to `out` at `level`, in the numbering of the
    /// Java client's `compression.<codec>.level` (KIP-390); `None` means the codec's default.
    ///
    /// * gzip: 1..=9, -1 meaning the default 6; other values are clamped to 1..=9.
    /// * zstd: -131072..=22 as in C zstd (0 meaning the default 3), all supported by the
    ///   pure-Rust encoder; other values are clamped to that range.
    /// * lz4: accepted but without effect. Java uses LZ4 HC at high levels; we have no
    ///   pure-Rust HC encoder and always write fast-mode blocks, which decode everywhere but
    ///   may be larger than Java's.
    /// * none, snappy: no levels; ignored.
    pub fn compress_with_level(
        self,
        input: &[u8],
        level: Option<i32>,
        out: &mut Vec<u8>,
    ) -> Result<(), CompressionError> {
        match self {
            Compression::None => {
                out.extend_from_slice(input);
                Ok(())
            }
            Compression::Gzip => gzip::compress(input, level, out),
            Compression::Snappy => snappy::compress(input, out),
            Compression::Lz4 => lz4::compress(input, out),
            Compression::Zstd => zstd::compress(input, level, out),
        }
    }

    /// Decompresses `input`, failing with [`CompressionError::TooLarge`] rather than produce
    /// more than `limit` bytes.
    pub fn decompress(self, input: &[u8], limit: usize) -> Result<Vec<u8>, CompressionError> {
        self.decompress_inner(input, limit, false)
    }

    /// Like [`decompress`](Self::decompress), but for a magic-0 message: those were written
    /// by old clients with a wrong LZ4 frame-descriptor checksum, which Java ignores too.
    pub(crate) fn decompress_inner(
        self,
        input: &[u8],
        limit: usize,
        ignore_lz4_header_checksum: bool,
    ) -> Result<Vec<u8>, CompressionError> {
        match self {
            Compression::None => {
                if input.len() > limit {
                    return Err(CompressionError::TooLarge { limit });
                }
                Ok(input.to_vec())
            }
            Compression::Gzip => gzip::decompress(input, limit),
            Compression::Snappy => snappy::decompress(input, limit),
            Compression::Lz4 => lz4::decompress(input, limit, ignore_lz4_header_checksum),
            Compression::Zstd => zstd::decompress(input, limit),
        }
    }
}

impl std::fmt::Display for Compression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What went wrong compressing or decompressing a batch's records.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompressionError {
    /// The attributes named a codec id Kafka does not define (5, 6 or 7).
    #[error("unknown compression codec id {0}")]
    UnknownCodec(u8),
    /// Decompressing would produce more than the allowed number of bytes.
    #[error("decompressed data exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The limit that was hit.
        limit: usize,
    },
    /// The compressed bytes are malformed for this codec.
    #[error("corrupt {codec} data: {reason}")]
    Corrupt {
        /// The codec whose data was malformed.
        codec: Compression,
        /// What exactly was malformed.
        reason: String,
    },
    /// An I/O error from a streaming codec (only ever about the in-memory data).
    #[error("{codec} codec error: {source}")]
    Io {
        /// The codec that failed.
        codec: Compression,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl CompressionError {
    fn corrupt(codec: Compression, reason: impl Into<String>) -> Self {
        CompressionError::Corrupt {
            codec,
            reason: reason.into(),
        }
    }
}

/// Reads a decompressing stream to its end, but never more than `limit` bytes.
///
/// `hint` sizes the first allocation (clamped to the limit) so a typical batch decompresses
/// without regrowing the buffer many times.
fn read_bounded(
    codec: Compression,
    reader: impl Read,
    hint: usize,
    limit: usize,
) -> Result<Vec<u8>, CompressionError> {
    let mut out = Vec::with_capacity(hint.min(limit));
    // One byte past the limit tells "exactly at the limit" from "over it".
    let mut bounded = reader.take(limit as u64 + 1);
    bounded
        .read_to_end(&mut out)
        .map_err(|source| CompressionError::Io { codec, source })?;
    if out.len() > limit {
        return Err(CompressionError::TooLarge { limit });
    }
    Ok(out)
}
