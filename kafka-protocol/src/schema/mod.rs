//! How message schemas are declared in this crate, and the per-type wire rules they rely on.
//!
//! Every struct in a request or response is declared with the crate's `kafka_struct!` macro
//! (see `MESSAGES.md` at the crate root): one line per field giving its Rust type, the versions
//! that carry it, the versions where it may be null, its tag if it is a tagged field, whether it
//! is ignorable, and its default. The macro writes the struct, its `Default`, and a decoder and
//! encoder that consult those ranges at run time. The wire rules for each Rust type live here in
//! the [`Field`] trait, so a message file holds schema and nothing else.

#[macro_use]
mod macros;
mod sample;
mod value;

pub use sample::Sampler;
pub use value::Value;

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{DecodeError, EncodeError};
use crate::primitives::{self as p, RawTaggedField};
use crate::uuid::Uuid;

/// What a field codec needs to know about the message being read or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ctx {
    /// The message version.
    pub version: i16,
    /// Whether this version is flexible (compact lengths, tagged-field sections).
    pub flexible: bool,
}

/// A Rust type that can appear as a message field.
///
/// `nullable` says whether the current version allows null; only `Option<T>` looks at it.
pub trait Field: Sized {
    /// Reads the field.
    fn read(buf: &mut Bytes, cx: Ctx, nullable: bool) -> Result<Self, DecodeError>;
    /// Appends the field.
    fn write(&self, buf: &mut BytesMut, cx: Ctx, nullable: bool) -> Result<(), EncodeError>;
    /// A schema-independent view of the value, for tests and debugging tools.
    fn inspect(&self, version: i16) -> Value;
    /// A pseudo-random value valid at `cx.version` (null only if `nullable`).
    fn sample(g: &mut Sampler, cx: Ctx, nullable: bool) -> Self;
}

/// A field type with a null form on the wire (strings, bytes, arrays, structs).
pub trait Nullable: Field {
    /// Reads a value that may be null.
    fn read_nullable(buf: &mut Bytes, cx: Ctx) -> Result<Option<Self>, DecodeError>;
    /// Appends the null form.
    fn write_null(buf: &mut BytesMut, cx: Ctx) -> Result<(), EncodeError>;
    /// Appends a present value in a version where the field is nullable. Only structs differ
    /// from [`Field::write`]: they are preceded by a presence marker.
    fn write_present(&self, buf: &mut BytesMut, cx: Ctx) -> Result<(), EncodeError> {
        self.write(buf, cx, false)
    }
}

impl<T: Nullable> Field for Option<T> {
    #[inline]
    fn read(buf: &mut Bytes, cx: Ctx, nullable: bool) -> Result<Self, DecodeError> {
        if nullable {
            T::read_nullable(buf, cx)
        } else {
            T::read(buf, cx, false).map(Some)
        }
    }

    #[inline]
    fn write(&self, buf: &mut BytesMut, cx: Ctx, nullable: bool) -> Result<(), EncodeError> {
        match self {
            Some(v) if nullable => v.write_present(buf, cx),
            Some(v) => v.write(buf, cx, false),
            None if nullable => T::write_null(buf, cx),
            None => Err(EncodeError::UnexpectedNull),
        }
    }

    fn inspect(&self, version: i16) -> Value {
        match self {
            Some(v) => v.inspect(version),
            None => Value::Null,
        }
    }

    fn sample(g: &mut Sampler, cx: Ctx, nullable: bool) -> Self {
        if nullable && g.one_in(3) {
            None
        } else {
            Some(T::sample(g, cx, false))
        }
    }
}

macro_rules! int_field {
    ($t:ty, $read:path, $put:ident, $what:literal) => {
        impl Field for $t {
            #[inline]
            fn read(buf: &mut Bytes, _: Ctx, _: bool) -> Result<Self, DecodeError> {
                $read(buf, $what)
            }
            #[inline]
            fn write(&self, buf: &mut BytesMut, _: Ctx, _: bool) -> Result<(), EncodeError> {
                buf.$put(*self);
                Ok(())
            }
            fn inspect(&self, _: i16) -> Value {
                Value::Int(*self as i64)
            }
            fn sample(g: &mut Sampler, _: Ctx, _: bool) -> Self {
                // Mix small values (most real fields) with full-range ones.
                if g.one_in(2) {
                    (g.below(5) as i64 - 1) as $t
                } else {
                    g.next_u64() as $t
                }
            }
        }
    };
}

int_field!(i8, p::read_i8, put_i8, "int8");
int_field!(i16, p::read_i16, put_i16, "int16");
int_field!(i32, p::read_i32, put_i32, "int32");
int_field!(i64, p::read_i64, put_i64, "int64");
int_field!(u16, p::read_u16, put_u16, "uint16");
int_field!(u32, p::read_u32, put_u32, "uint32");

impl Field for f64 {
    #[inline]
    fn read(buf: &mut Bytes, _: Ctx, _: bool) -> Result<Self, DecodeError> {
        p::read_f64(buf, "float64")
    }
    #[inline]
    fn write(&self, buf: &mut BytesMut, _: Ctx, _: bool) -> Result<(), EncodeError> {
        buf.put_f64(*self);
        Ok(())
    }
    fn inspect(&self, _: i16) -> Value {
        Value::Float(*self)
    }
    fn sample(g: &mut Sampler, _: Ctx, _: bool) -> Self {
        // Integers and halves: exact in f64, never NaN, so equality holds after a round trip.
        (g.next_u64() as i32) as f64 / 2.0
    }
}

impl Field for bool {
    #[inline]
    fn read(buf: &mut Bytes, _: Ctx, _: bool) -> Result<Self, DecodeError> {
        p::read_bool(buf, "bool")
    }
    #[inline]
    fn write(&self, buf: &mut BytesMut, _: Ctx, _: bool) -> Result<(), EncodeError> {
        p::write_bool(buf, *self);
        Ok(())
    }
    fn inspect(&self, _: i16) -> Value {
        Value::Bool(*self)
    }
    fn sample(g: &mut Sampler, _: Ctx, _: bool) -> Self {
        g.one_in(2)
    }
}

impl Field for Uuid {
    #[inline]
    fn read(buf: &mut Bytes, _: Ctx, _: bool) -> Result<Self, DecodeError> {
        p::read_uuid(buf, "uuid")
    }
    #[inline]
    fn write(&self, buf: &mut BytesMut, _: Ctx, _: bool) -> Result<(), EncodeError> {
        p::write_uuid(buf, self);
        Ok(())
    }
    fn inspect(&self, _: i16) -> Value {
        Value::Uuid(*self)
    }
    fn sample(g: &mut Sampler, _: Ctx, _: bool) -> Self {
        Uuid::from_halves(g.next_u64(), g.next_u64())
    }
}

impl Field for String {
    #[inline]
    fn read(buf: &mut Bytes, cx: Ctx, _: bool) -> Result<Self, DecodeError> {
        p::read_string(buf, cx.flexible, "string")
    }
    #[inline]
    fn write(&self, buf: &mut BytesMut, cx: Ctx, _: bool) -> Result<(), EncodeError> {
        p::write_string(buf, self, cx.flexible)
    }
    fn inspect(&self, _: i16) -> Value {
        Value::Str(self.clone())
    }
    fn sample(g: &mut Sampler, _: Ctx, _: bool) -> Self {
        g.string()
    }
}

impl Nullable for String {
    #[inline]
    fn read_nullable(buf: &mut Bytes, cx: Ctx) -> Result<Option<Self>, DecodeError> {
        p::read_nullable_string(buf, cx.flexible, "string")
    }
    #[inline]
    fn write_null(buf: &mut BytesMut, cx: Ctx) -> Result<(), EncodeError> {
        p::write_nullable_string(buf, None, cx.flexible)
    }
}

/// `bytes` and `records` fields: the value shares the decoded buffer's allocation.
impl Field for Bytes {
    #[inline]
    fn read(buf: &mut Bytes, cx: Ctx, _: bool) -> Result<Self, DecodeError> {
        p::read_bytes(buf, cx.flexible, "bytes")
    }
    #[inline]
    fn write(&self, buf: &mut BytesMut, cx: Ctx, _: bool) -> Result<(), EncodeError> {
        p::write_bytes(buf, self, cx.flexible)
    }
    fn inspect(&self, _: i16) -> Value {
        Value::Bytes(self.clone())
    }
    fn sample(g: &mut Sampler, _: Ctx, _: bool) -> Self {
        Bytes::from(g.bytes())
    }
}

impl Nullable for Bytes {
    #[inline]
    fn read_nullable(buf: &mut Bytes, cx: Ctx) -> Result<Option<Self>, DecodeError> {
        p::read_nullable_bytes(buf, cx.flexible, "bytes")
    }
    #[inline]
    fn write_null(buf: &mut BytesMut, cx: Ctx) -> Result<(), EncodeError> {
        p::write_nullable_bytes(buf, None, cx.flexible)
    }
}

impl<T: Field> Field for Vec<T> {
    fn read(buf: &mut Bytes, cx: Ctx, _: bool) -> Result<Self, DecodeError> {
        Self::read_nullable(buf, cx)?.ok_or(DecodeError::UnexpectedNull { what: "array" })
    }
    fn write(&self, buf: &mut BytesMut, cx: Ctx, _: bool) -> Result<(), EncodeError> {
        p::write_array_len(buf, Some(self.len()), cx.flexible)?;
        for item in self {
            item.write(buf, cx, false)?;
        }
        Ok(())
    }
    fn inspect(&self, version: i16) -> Value {
        Value::Array(self.iter().map(|v| v.inspect(version)).collect())
    }
    fn sample(g: &mut Sampler, cx: Ctx, _: bool) -> Self {
        let n = g.below(3);
        (0..n).map(|_| T::sample(g, cx, false)).collect()
    }
}

impl<T: Field> Nullable for Vec<T> {
    fn read_nullable(buf: &mut Bytes, cx: Ctx) -> Result<Option<Self>, DecodeError> {
        let Some(n) = p::read_array_len(buf, cx.flexible, "array length")? else {
            return Ok(None);
        };
        // `read_array_len` bounded n by the bytes remaining.
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(T::read(buf, cx, false)?);
        }
        Ok(Some(out))
    }
    fn write_null(buf: &mut BytesMut, cx: Ctx) -> Result<(), EncodeError> {
        p::write_array_len(buf, None, cx.flexible)
    }
}

/// Appends a flexible version's tagged-field section: the known fields that differ from their
/// defaults (already encoded, in any order) merged by tag with the unknown ones kept from
/// decoding, the way Kafka's generated code interleaves them.
pub fn write_tagged_section(
    buf: &mut BytesMut,
    known: &mut [(u32, BytesMut)],
    unknown: &[RawTaggedField],
) -> Result<(), EncodeError> {
    known.sort_unstable_by_key(|(tag, _)| *tag);
    let count = known.len() + unknown.len();
    let count = u32::try_from(count).map_err(|_| EncodeError::TooLong {
        what: "tagged fields",
        len: count,
    })?;
    p::write_unsigned_varint(buf, count);
    let (mut k, mut u) = (known.iter().peekable(), unknown.iter().peekable());
    loop {
        let take_known = match (k.peek(), u.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some((kt, _)), Some(uf)) => *kt <= uf.tag,
        };
        if take_known {
            let (tag, data) = k.next().expect("peeked");
            p::write_tagged_field(buf, *tag, data)?;
        } else {
            let f = u.next().expect("peeked");
            p::write_tagged_field(buf, f.tag, &f.data)?;
        }
    }
    Ok(())
}

/// Names the field an anonymous null error came from; other errors pass through.
#[cold]
pub fn name_encode_error(
    e: EncodeError,
    message: &'static str,
    field: &'static str,
    cx: Ctx,
) -> EncodeError {
    match e {
        EncodeError::UnexpectedNull => EncodeError::NullNotAllowed {
            message,
            field,
            version: cx.version,
        },
        other => other,
    }
}

/// Whether a field differs from its default (typed so `Default::default()` infers).
#[inline]
pub fn differs<T: PartialEq>(value: &T, default: T) -> bool {
    *value != default
}
