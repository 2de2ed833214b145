//! The traits every request and response implements, so a client can negotiate versions and
//! encode or decode any message generically.

use bytes::{Bytes, BytesMut};

use crate::error::{DecodeError, EncodeError};
use crate::schema::{Ctx, Value};

/// A top-level request or response body.
pub trait Message: Sized {
    /// The API key shared by the request and its response.
    const API_KEY: i16;
    /// The oldest version this crate implements.
    const MIN_VERSION: i16;
    /// The newest version this crate implements.
    const MAX_VERSION: i16;
    /// The first flexible version (compact encodings, tagged fields), if any.
    const FLEXIBLE_MIN: Option<i16>;
    /// The message's name as Kafka spells it (`FetchRequest`).
    const NAME: &'static str;

    /// Appends the body (no header, no size prefix) at `version`.
    fn encode(&self, buf: &mut BytesMut, version: i16) -> Result<(), EncodeError>;

    /// Decodes a body at `version`, advancing `buf` past it.
    fn decode(buf: &mut Bytes, version: i16) -> Result<Self, DecodeError>;

    /// A schema-independent view of the fields present at `version`.
    fn inspect(&self, version: i16) -> Value;

    /// Whether `version` is within `MIN_VERSION..=MAX_VERSION`.
    fn supports(version: i16) -> bool {
        (Self::MIN_VERSION..=Self::MAX_VERSION).contains(&version)
    }

    /// Whether `version` uses the flexible encoding.
    fn is_flexible(version: i16) -> bool {
        Self::FLEXIBLE_MIN.is_some_and(|f| version >= f)
    }

    /// Decodes a whole body, failing if bytes remain after it.
    fn decode_exact(mut buf: Bytes, version: i16) -> Result<Self, DecodeError> {
        let msg = Self::decode(&mut buf, version)?;
        if !buf.is_empty() {
            return Err(DecodeError::TrailingBytes {
                what: Self::NAME,
                remaining: buf.len(),
            });
        }
        Ok(msg)
    }

    /// The codec context for encoding at `version`, or an error if unsupported.
    #[doc(hidden)]
    fn encode_ctx(version: i16) -> Result<Ctx, EncodeError> {
        if !Self::supports(version) {
            return Err(EncodeError::UnsupportedVersion {
                api_key: Self::API_KEY,
                version,
            });
        }
        Ok(Ctx {
            version,
            flexible: Self::is_flexible(version),
        })
    }

    /// The codec context for decoding at `version`, or an error if unsupported.
    #[doc(hidden)]
    fn decode_ctx(version: i16) -> Result<Ctx, DecodeError> {
        if !Self::supports(version) {
            return Err(DecodeError::UnsupportedVersion {
                api_key: Self::API_KEY,
                version,
            });
        }
        Ok(Ctx {
            version,
            flexible: Self::is_flexible(version),
        })
    }
}

/// A request, tied to the response type that answers it.
pub trait Request: Message {
    /// The response to this request.
    type Response: Message;
}
