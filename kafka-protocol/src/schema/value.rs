//! A schema-independent view of a decoded message.

use bytes::Bytes;

use crate::uuid::Uuid;

/// A message or field value as a tree, without its Rust type.
///
/// Golden-vector tests compare it with the JSON Kafka's `*JsonConverter` classes print; it is
/// also handy for logging a message generically. Struct entries list only the fields present in
/// the version the value was inspected at, named as in the Rust struct.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Any integer type.
    Int(i64),
    /// A `float64`.
    Float(f64),
    /// A `bool`.
    Bool(bool),
    /// A string.
    Str(String),
    /// `bytes` or `records`.
    Bytes(Bytes),
    /// A UUID.
    Uuid(Uuid),
    /// A null string, bytes, array or struct.
    Null,
    /// An array.
    Array(Vec<Value>),
    /// A struct: field name and value, in declaration order.
    Struct(Vec<(&'static str, Value)>),
}
