//! The typed Kafka Streams DSL: the crate applications depend on.
//!
//! It is to offer `StreamsBuilder`, `KStream`, `KTable`, `GlobalKTable`, serdes, windows and joins,
//! each compiled down to a `streams-core` topology whose internal topics, stores and record layouts
//! match what Java Kafka Streams produces, so Rust and Java instances can share an application.
//!
//! Status: nothing here yet beyond the crate itself; see the workspace README's status table.
