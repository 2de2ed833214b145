//! Errors raised while decoding or encoding protocol bytes.

use thiserror::Error;

/// Bytes that could not be decoded, with a description of what was malformed.
///
/// `what` strings name the wire element being read ("string length", "unsigned varint", ...);
/// a [`DecodeError::Field`] wraps an inner error with the message and field it occurred in, so
/// a failure deep inside a nested array reads like a path.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Fewer bytes remained than the element needs.
    #[error("truncated {what}: needed {needed} bytes, {remaining} remained")]
    Truncated {
        /// The element being read.
        what: &'static str,
        /// Bytes the element needs.
        needed: usize,
        /// Bytes that remained.
        remaining: usize,
    },
    /// A length prefix was negative where null is not a valid value, or below -1.
    #[error("invalid length {len} for {what}")]
    InvalidLength {
        /// The element whose length was read.
        what: &'static str,
        /// The length read from the wire.
        len: i64,
    },
    /// A variable-length integer ran past its maximum width.
    #[error("{what} is longer than {max_bytes} bytes")]
    VarintTooLong {
        /// The element being read.
        what: &'static str,
        /// The longest legal encoding.
        max_bytes: usize,
    },
    /// A string was not valid UTF-8.
    #[error("{what} is not valid UTF-8")]
    InvalidUtf8 {
        /// The element being read.
        what: &'static str,
    },
    /// Null was read for a value that is not nullable in this version.
    #[error("null {what} where the schema does not allow null")]
    UnexpectedNull {
        /// The element being read.
        what: &'static str,
    },
    /// A marker byte with a value the schema does not define (nullable struct presence is
    /// -1 or 1). Booleans never raise this: like Kafka, any non-zero byte reads as true.
    #[error("invalid marker byte {value} for {what}")]
    InvalidMarker {
        /// The element being read.
        what: &'static str,
        /// The byte read.
        value: i8,
    },
    /// A tagged field's bytes were not fully consumed by its decoder, or overran its size.
    #[error("tagged field {tag} of {what} declared {declared} bytes but its value used {used}")]
    TaggedFieldSize {
        /// The struct holding the tagged field.
        what: &'static str,
        /// The tag.
        tag: u32,
        /// Size declared on the wire.
        declared: usize,
        /// Bytes the value actually used.
        used: usize,
    },
    /// Tags in a tagged-field section were not strictly increasing.
    #[error("tag {tag} in {what} is not greater than the previous tag")]
    TagOrder {
        /// The struct holding the section.
        what: &'static str,
        /// The out-of-order tag.
        tag: u32,
    },
    /// The message version is outside the range this crate implements.
    #[error("unsupported version {version} for api key {api_key}")]
    UnsupportedVersion {
        /// The API key.
        api_key: i16,
        /// The requested version.
        version: i16,
    },
    /// The API key is not one this crate knows.
    #[error("unknown api key {api_key}")]
    UnknownApiKey {
        /// The API key read from the wire.
        api_key: i16,
    },
    /// Bytes remained after a complete message was decoded.
    #[error("{remaining} trailing bytes after {what}")]
    TrailingBytes {
        /// The message decoded.
        what: &'static str,
        /// Bytes left over.
        remaining: usize,
    },
    /// An error inside a named field of a named struct.
    #[error("{message}.{field}: {source}")]
    Field {
        /// The struct being decoded.
        message: &'static str,
        /// The field being decoded.
        field: &'static str,
        /// What went wrong.
        source: Box<DecodeError>,
    },
}

impl DecodeError {
    /// Wraps `self` with the struct and field it occurred in.
    #[cold]
    pub fn in_field(self, message: &'static str, field: &'static str) -> Self {
        DecodeError::Field {
            message,
            field,
            source: Box::new(self),
        }
    }

    /// The innermost error, below every [`DecodeError::Field`] wrapper.
    pub fn root(&self) -> &DecodeError {
        match self {
            DecodeError::Field { source, .. } => source.root(),
            other => other,
        }
    }
}

/// A value that cannot be written at the requested version.
///
/// Kafka's Java client refuses the same cases: a field set to a non-default value in a version
/// that lacks it (unless the schema marks it ignorable), or null where the version forbids null.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A non-default value in a field the version does not carry.
    #[error("{message}.{field} has a non-default value but version {version} does not carry it")]
    FieldNotInVersion {
        /// The struct being encoded.
        message: &'static str,
        /// The field.
        field: &'static str,
        /// The version requested.
        version: i16,
    },
    /// Null in a field that is not nullable in this version.
    #[error("{message}.{field} is null but not nullable in version {version}")]
    NullNotAllowed {
        /// The struct being encoded.
        message: &'static str,
        /// The field.
        field: &'static str,
        /// The version requested.
        version: i16,
    },
    /// A value too long for its length prefix.
    #[error("{what} of length {len} does not fit its length prefix")]
    TooLong {
        /// The element being written.
        what: &'static str,
        /// Its length.
        len: usize,
    },
    /// The version is outside the range this crate implements for the API.
    #[error("unsupported version {version} for api key {api_key}")]
    UnsupportedVersion {
        /// The API key.
        api_key: i16,
        /// The requested version.
        version: i16,
    },
    /// Unknown tagged fields set on a struct encoded at a version without tagged fields.
    #[error("{message} has unknown tagged fields but version {version} is not flexible")]
    TaggedFieldsNotSupported {
        /// The struct being encoded.
        message: &'static str,
        /// The version requested.
        version: i16,
    },
    /// Null at a nesting level where no field name is known yet (filled in by the caller).
    #[error("null value where the schema does not allow null")]
    UnexpectedNull,
}
