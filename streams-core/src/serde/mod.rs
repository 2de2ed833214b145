//! Serdes: typed values to and from the bytes Kafka stores, byte-compatible with Kafka's Java serdes.
//!
//! One trait, [`Serde<T>`], does both directions so a topology node or a store needs to hold one
//! object per type. A serde sees Kafka's nullable bytes as `Option`: a serde for a plain type maps
//! `None` bytes to an error (there is no null `String` in Rust), while [`Nullable`] lifts any serde to
//! `Option<T>` with Java's null-in, null-out behaviour. Keys of records read from a topic without
//! keys are therefore typed `Option<K>`.

mod json;
mod primitive;

use bytes::Bytes;
use std::sync::Arc;

pub use json::Json;
pub use primitive::{
    BoolSerde, ByteArraySerde, BytesSerde, DoubleSerde, FloatSerde, IntegerSerde, LongSerde,
    ShortSerde, StringSerde, Uuid, UuidSerde, VoidSerde,
};

use crate::processor::Headers;

/// Why bytes could not become a value or a value could not become bytes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SerdeError {
    /// A fixed-width type got the wrong number of bytes.
    #[error(
        "size of data received by the {type_name} deserializer is not {expected} (got {actual})"
    )]
    InvalidLength {
        /// The type being read.
        type_name: &'static str,
        /// The width it needs.
        expected: usize,
        /// The width it got.
        actual: usize,
    },
    /// Null bytes where the type has no null; use [`Nullable`] to accept them.
    #[error("null data for the non-nullable type {type_name}")]
    UnexpectedNull {
        /// The type being read.
        type_name: &'static str,
    },
    /// Non-null bytes for a type that is always null (Java's `VoidDeserializer`).
    #[error("data should be null for a void deserializer (got {len} bytes)")]
    ExpectedNull {
        /// How many bytes came.
        len: usize,
    },
    /// The bytes are not valid UTF-8.
    #[error("invalid UTF-8 at byte {valid_up_to}")]
    InvalidUtf8 {
        /// How many leading bytes were valid.
        valid_up_to: usize,
    },
    /// A UUID string that is not in the 8-4-4-4-12 hex form.
    #[error("invalid UUID string form")]
    InvalidUuid,
    /// A boolean byte other than 0 or 1.
    #[error("invalid boolean byte {0:#04x}")]
    InvalidBool(u8),
    /// JSON that does not match the target type, or a value that cannot be written as JSON.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// A timestamped value shorter than its 8-byte timestamp prefix.
    #[error("timestamped value of {0} bytes is shorter than its 8-byte timestamp")]
    TruncatedTimestamp(usize),
}

/// Converts `T` to Kafka bytes and back. `None` bytes are Kafka's null.
///
/// Implementations must be pure: the same value gives the same bytes, so caches and changelogs can
/// compare serialized forms.
pub trait Serde<T>: Send + Sync + 'static {
    /// Writes `value` as bytes for `topic`; `None` means the record carries a null.
    fn serialize(
        &self,
        topic: &str,
        headers: &Headers,
        value: &T,
    ) -> Result<Option<Bytes>, SerdeError>;
    /// Reads a value from the bytes of a record of `topic`.
    fn deserialize(
        &self,
        topic: &str,
        headers: &Headers,
        data: Option<&Bytes>,
    ) -> Result<T, SerdeError>;
    /// Appends the bytes [`Self::serialize`] gives to `out`; returns `false` (appending nothing)
    /// for null. Stores use it to serialize lookup keys into a reused buffer instead of a fresh
    /// allocation per call; serdes that can write directly override it.
    fn serialize_into(
        &self,
        topic: &str,
        headers: &Headers,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<bool, SerdeError> {
        match self.serialize(topic, headers, value)? {
            Some(b) => {
                out.extend_from_slice(&b);
                Ok(true)
            }
            None => Ok(false),
        }
    }
    /// Whether `value` is Kafka's null, as Java's operators test `key == null` (aggregations and
    /// repartitions skip such records). Only a nullable type, such as [`Nullable`]'s `Option`,
    /// has one; the default says no without serializing.
    fn is_null(&self, value: &T) -> bool {
        let _ = value;
        false
    }
}

/// A shared, type-erased serde as topology nodes and stores hold it.
pub type SharedSerde<T> = Arc<dyn Serde<T>>;

impl<T: 'static> Serde<T> for Arc<dyn Serde<T>> {
    fn serialize(
        &self,
        topic: &str,
        headers: &Headers,
        value: &T,
    ) -> Result<Option<Bytes>, SerdeError> {
        (**self).serialize(topic, headers, value)
    }
    fn deserialize(
        &self,
        topic: &str,
        headers: &Headers,
        data: Option<&Bytes>,
    ) -> Result<T, SerdeError> {
        (**self).deserialize(topic, headers, data)
    }
    fn serialize_into(
        &self,
        topic: &str,
        headers: &Headers,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<bool, SerdeError> {
        (**self).serialize_into(topic, headers, value, out)
    }
    fn is_null(&self, value: &T) -> bool {
        (**self).is_null(value)
    }
}

/// Lifts a serde for `T` to `Option<T>`: `None` and null bytes map to each other, as Java's serdes
/// pass nulls through.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nullable<S>(pub S);

impl<T, S: Serde<T>> Serde<Option<T>> for Nullable<S> {
    fn serialize(
        &self,
        topic: &str,
        headers: &Headers,
        value: &Option<T>,
    ) -> Result<Option<Bytes>, SerdeError> {
        match value {
            None => Ok(None),
            Some(v) => self.0.serialize(topic, headers, v),
        }
    }
    fn deserialize(
        &self,
        topic: &str,
        headers: &Headers,
        data: Option<&Bytes>,
    ) -> Result<Option<T>, SerdeError> {
        match data {
            None => Ok(None),
            Some(_) => self.0.deserialize(topic, headers, data).map(Some),
        }
    }
    fn serialize_into(
        &self,
        topic: &str,
        headers: &Headers,
        value: &Option<T>,
        out: &mut Vec<u8>,
    ) -> Result<bool, SerdeError> {
        match value {
            None => Ok(false),
            Some(v) => self.0.serialize_into(topic, headers, v, out),
        }
    }
    fn is_null(&self, value: &Option<T>) -> bool {
        value.is_none()
    }
}

/// A value with the timestamp of its last update, as timestamped stores keep it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueAndTimestamp<V> {
    /// The value.
    pub value: V,
    /// Milliseconds since the epoch.
    pub timestamp: i64,
}

/// Java's `ValueAndTimestampSerde`: an 8-byte big-endian timestamp followed by the inner value's
/// bytes. A null inner value makes the whole value null.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueAndTimestampSerde<S>(pub S);

impl<V, S: Serde<V>> Serde<ValueAndTimestamp<V>> for ValueAndTimestampSerde<S> {
    fn serialize(
        &self,
        topic: &str,
        headers: &Headers,
        value: &ValueAndTimestamp<V>,
    ) -> Result<Option<Bytes>, SerdeError> {
        let mut out = Vec::new();
        Ok(self
            .serialize_into(topic, headers, value, &mut out)?
            .then(|| Bytes::from(out)))
    }
    fn serialize_into(
        &self,
        topic: &str,
        headers: &Headers,
        value: &ValueAndTimestamp<V>,
        out: &mut Vec<u8>,
    ) -> Result<bool, SerdeError> {
        let start = out.len();
        out.extend_from_slice(&value.timestamp.to_be_bytes());
        let written = self.0.serialize_into(topic, headers, &value.value, out)?;
        if !written {
            out.truncate(start);
        }
        Ok(written)
    }
    fn deserialize(
        &self,
        topic: &str,
        headers: &Headers,
        data: Option<&Bytes>,
    ) -> Result<ValueAndTimestamp<V>, SerdeError> {
        let Some(data) = data else {
            return Err(SerdeError::UnexpectedNull {
                type_name: "ValueAndTimestamp",
            });
        };
        let (timestamp, rest) = split_timestamp(data)?;
        let value = self.0.deserialize(topic, headers, Some(&rest))?;
        Ok(ValueAndTimestamp { value, timestamp })
    }
}

/// Splits Java's timestamped-value layout into its timestamp and the raw value bytes.
pub fn split_timestamp(data: &Bytes) -> Result<(i64, Bytes), SerdeError> {
    if data.len() < 8 {
        return Err(SerdeError::TruncatedTimestamp(data.len()));
    }
    let mut ts = [0u8; 8];
    ts.copy_from_slice(&data[..8]);
    Ok((i64::from_be_bytes(ts), data.slice(8..)))
}

/// Shorthands for the built-in serdes, named as Java's `Serdes` factory names them.
#[derive(Debug)]
pub struct Serdes;

impl Serdes {
    /// UTF-8 strings.
    pub fn string() -> SharedSerde<String> {
        Arc::new(StringSerde)
    }
    /// Nullable UTF-8 strings.
    pub fn nullable_string() -> SharedSerde<Option<String>> {
        Arc::new(Nullable(StringSerde))
    }
    /// Big-endian `i64`.
    pub fn long() -> SharedSerde<i64> {
        Arc::new(LongSerde)
    }
    /// Big-endian `i32`.
    pub fn integer() -> SharedSerde<i32> {
        Arc::new(IntegerSerde)
    }
    /// Raw bytes.
    pub fn bytes() -> SharedSerde<Bytes> {
        Arc::new(BytesSerde)
    }
}

#[cfg(test)]
mod tests;
