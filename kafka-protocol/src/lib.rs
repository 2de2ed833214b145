//! Sans-IO codec for the Apache Kafka wire protocol.
//!
//! This crate turns Kafka requests, responses and record batches into bytes and back. It does no
//! IO, reads no clock and spawns nothing, so it can be fuzzed and tested without sockets; the
//! `kafka-client` crate drives it over tokio connections.
//!
//! Decoding never panics on bytes from the network: every length is checked against what remains
//! and malformed input is reported as a typed error.
//!
//! Layout: [`primitives`] holds the wire types (integers, varints, strings, tagged fields) that
//! everything else is built from; [`error`] holds [`DecodeError`] and [`EncodeError`];
//! [`header`] the request and response headers; [`messages`] one module per request and
//! response, declared in the [`schema`] language and implementing [`Message`] / [`Request`];
//! [`error_code`] Kafka's error table; `record` the record batches inside Produce and Fetch.

#[macro_use]
pub mod schema;

pub mod error;
pub mod error_code;
pub mod header;
pub mod message;
pub mod messages;
pub mod negotiate;
pub mod primitives;
pub mod record;
pub mod uuid;

pub use error::{DecodeError, EncodeError};
pub use error_code::ErrorCode;
pub use message::{Message, Request};
pub use uuid::Uuid;
