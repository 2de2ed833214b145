//! Async Apache Kafka client built on tokio and the sans-IO `kafka-protocol` crate.
//!
//! It is to hold per-broker connections, the metadata cache, the idempotent and transactional
//! producer, the group consumer and the admin client, with the Java client's semantics and
//! configuration names. The streams runtime in `streams-core` stands on it.
//!
//! Status: nothing here yet beyond the crate itself; see the workspace README's status table.
