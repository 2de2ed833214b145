//! Async Apache Kafka client built on tokio and the sans-IO `kafka-protocol` crate.
//!
//! It is to hold per-broker connections, the metadata cache, the idempotent and transactional
//! producer, the group consumer and the admin client, with the Java client's semantics and
//! configuration names. The streams runtime in `streams-core` stands on it.
//!
//! The protocol-independent foundations: typed configuration for producer, consumer and admin
//! with the Java names, defaults and rules ([`config`]), the Java-identical partitioner
//! ([`partitioner`]), the exponential backoff used for reconnects and retries ([`backoff`]) and
//! the SASL PLAIN and SCRAM client state machines ([`sasl`]).

pub mod admin;
pub mod backoff;
pub mod cluster;
pub mod config;
pub mod connection;
pub mod consumer;
pub mod error;
pub mod fetch;
pub mod metadata;
pub mod metrics;
mod offset_fetch;
pub mod partitioner;
pub mod producer;
pub mod sasl;
pub use error::{Error, KafkaCode};
