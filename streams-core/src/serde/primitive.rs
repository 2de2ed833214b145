//! The fixed-layout serdes Java ships in `org.apache.kafka.common.serialization`.

use bytes::Bytes;
use std::fmt;
use std::str::FromStr;

use super::{Serde, SerdeError};
use crate::processor::Headers;

fn non_null<'a>(data: Option<&'a Bytes>, type_name: &'static str) -> Result<&'a Bytes, SerdeError> {
    data.ok_or(SerdeError::UnexpectedNull { type_name })
}

fn fixed<const N: usize>(
    data: Option<&Bytes>,
    type_name: &'static str,
) -> Result<[u8; N], SerdeError> {
    let data = non_null(data, type_name)?;
    <[u8; N]>::try_from(&data[..]).map_err(|_| SerdeError::InvalidLength {
        type_name,
        expected: N,
        actual: data.len(),
    })
}

macro_rules! number_serde {
    ($(#[$doc:meta])* $name:ident, $ty:ty, $n:literal, $java:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl Serde<$ty> for $name {
            fn serialize(&self, _: &str, _: &Headers, value: &$ty) -> Result<Option<Bytes>, SerdeError> {
                Ok(Some(Bytes::copy_from_slice(&value.to_be_bytes())))
            }
            fn serialize_into(&self, _: &str, _: &Headers, value: &$ty, out: &mut Vec<u8>) -> Result<bool, SerdeError> {
                out.extend_from_slice(&value.to_be_bytes());
                Ok(true)
            }
            fn deserialize(&self, _: &str, _: &Headers, data: Option<&Bytes>) -> Result<$ty, SerdeError> {
                Ok(<$ty>::from_be_bytes(fixed::<$n>(data, $java)?))
            }
        }
    };
}

number_serde!(
    /// Java's `ShortSerde`: 2 bytes big-endian.
    ShortSerde, i16, 2, "Short"
);
number_serde!(
    /// Java's `IntegerSerde`: 4 bytes big-endian.
    IntegerSerde, i32, 4, "Integer"
);
number_serde!(
    /// Java's `LongSerde`: 8 bytes big-endian.
    LongSerde, i64, 8, "Long"
);
number_serde!(
    /// Java's `FloatSerde`: the IEEE 754 bits, 4 bytes big-endian.
    FloatSerde, f32, 4, "Float"
);
number_serde!(
    /// Java's `DoubleSerde`: the IEEE 754 bits, 8 bytes big-endian.
    DoubleSerde, f64, 8, "Double"
);

/// Java's `StringSerde` with its default UTF-8 encoding.
///
/// Unlike Java, which replaces malformed sequences with U+FFFD, invalid UTF-8 is an error, so it
/// reaches the deserialization handler instead of silently changing data.
#[derive(Debug, Clone, Copy, Default)]
pub struct StringSerde;

impl Serde<String> for StringSerde {
    fn serialize(&self, _: &str, _: &Headers, value: &String) -> Result<Option<Bytes>, SerdeError> {
        Ok(Some(Bytes::copy_from_slice(value.as_bytes())))
    }
    fn serialize_into(
        &self,
        _: &str,
        _: &Headers,
        value: &String,
        out: &mut Vec<u8>,
    ) -> Result<bool, SerdeError> {
        out.extend_from_slice(value.as_bytes());
        Ok(true)
    }
    fn deserialize(
        &self,
        _: &str,
        _: &Headers,
        data: Option<&Bytes>,
    ) -> Result<String, SerdeError> {
        let data = non_null(data, "String")?;
        std::str::from_utf8(data)
            .map(str::to_owned)
            .map_err(|e| SerdeError::InvalidUtf8 {
                valid_up_to: e.valid_up_to(),
            })
    }
}

/// Java's `ByteArraySerde`: the bytes as they are, copied into a `Vec`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByteArraySerde;

impl Serde<Vec<u8>> for ByteArraySerde {
    fn serialize(
        &self,
        _: &str,
        _: &Headers,
        value: &Vec<u8>,
    ) -> Result<Option<Bytes>, SerdeError> {
        Ok(Some(Bytes::copy_from_slice(value)))
    }
    fn deserialize(
        &self,
        _: &str,
        _: &Headers,
        data: Option<&Bytes>,
    ) -> Result<Vec<u8>, SerdeError> {
        Ok(non_null(data, "byte[]")?.to_vec())
    }
}

/// Java's `BytesSerde`: the bytes as they are, shared without a copy.
#[derive(Debug, Clone, Copy, Default)]
pub struct BytesSerde;

impl Serde<Bytes> for BytesSerde {
    fn serialize(&self, _: &str, _: &Headers, value: &Bytes) -> Result<Option<Bytes>, SerdeError> {
        Ok(Some(value.clone()))
    }
    fn deserialize(&self, _: &str, _: &Headers, data: Option<&Bytes>) -> Result<Bytes, SerdeError> {
        Ok(non_null(data, "Bytes")?.clone())
    }
}

/// Java's `BooleanSerde`: one byte, 1 for true and 0 for false.
#[derive(Debug, Clone, Copy, Default)]
pub struct BoolSerde;

impl Serde<bool> for BoolSerde {
    fn serialize(&self, _: &str, _: &Headers, value: &bool) -> Result<Option<Bytes>, SerdeError> {
        Ok(Some(Bytes::from_static(if *value { &[1] } else { &[0] })))
    }
    fn deserialize(&self, _: &str, _: &Headers, data: Option<&Bytes>) -> Result<bool, SerdeError> {
        match fixed::<1>(data, "Boolean")? {
            [0] => Ok(false),
            [1] => Ok(true),
            [b] => Err(SerdeError::InvalidBool(b)),
        }
    }
}

/// Java's `VoidSerde`: always null.
#[derive(Debug, Clone, Copy, Default)]
pub struct VoidSerde;

impl Serde<()> for VoidSerde {
    fn serialize(&self, _: &str, _: &Headers, _: &()) -> Result<Option<Bytes>, SerdeError> {
        Ok(None)
    }
    fn deserialize(&self, _: &str, _: &Headers, data: Option<&Bytes>) -> Result<(), SerdeError> {
        match data {
            None => Ok(()),
            Some(d) => Err(SerdeError::ExpectedNull { len: d.len() }),
        }
    }
}

/// A 128-bit UUID, shown and parsed in the lowercase 8-4-4-4-12 hex form `java.util.UUID` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid(pub u128);

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            (v >> 96) as u32,
            (v >> 80) as u16,
            (v >> 64) as u16,
            (v >> 48) as u16,
            v & 0xffff_ffff_ffff
        )
    }
}

impl FromStr for Uuid {
    type Err = SerdeError;
    fn from_str(s: &str) -> Result<Self, SerdeError> {
        let b = s.as_bytes();
        if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
            return Err(SerdeError::InvalidUuid);
        }
        let mut v: u128 = 0;
        for (i, &c) in b.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                continue;
            }
            let d = (c as char).to_digit(16).ok_or(SerdeError::InvalidUuid)?;
            v = (v << 4) | u128::from(d);
        }
        Ok(Uuid(v))
    }
}

/// Java's `UUIDSerde`: the UUID's string form in UTF-8 (36 bytes), not its 16 raw bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct UuidSerde;

impl Serde<Uuid> for UuidSerde {
    fn serialize(&self, _: &str, _: &Headers, value: &Uuid) -> Result<Option<Bytes>, SerdeError> {
        Ok(Some(Bytes::from(value.to_string())))
    }
    fn deserialize(&self, _: &str, _: &Headers, data: Option<&Bytes>) -> Result<Uuid, SerdeError> {
        let data = non_null(data, "UUID")?;
        std::str::from_utf8(data)
            .map_err(|_| SerdeError::InvalidUuid)?
            .parse()
    }
}
