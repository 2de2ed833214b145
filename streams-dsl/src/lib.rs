//! A typed Kafka Streams DSL for Rust, compiled to `streams-core` topologies.
//!
//! Start with a [`StreamsBuilder`], read topics as [`KStream`]s or [`KTable`]s, transform,
//! group, window, join and write them back, then [`StreamsBuilder::build`] a
//! [`Topology`](streams_core::topology::Topology) to run (or to test with the
//! [`TopologyTestDriver`](streams_core::test_driver::TopologyTestDriver)).
//!
//! Node, store and internal topic names follow Java's DSL exactly (`KSTREAM-SOURCE-0000000000`,
//! `KSTREAM-AGGREGATE-STATE-STORE-0000000003`, `<application.id>-<store>-changelog`,
//! `<application.id>-<name>-repartition`), so describe() output and state carry over. See
//! [`StreamsBuilder`] for when generated names shift.
//!
//! # Serdes
//!
//! Each operation that writes a topic or a store picks serdes in this order: the ones given in its
//! options ([`Produced`], [`Grouped`], [`Materialized`], [`Repartitioned`]); the ones inherited
//! from upstream (an operation that changes the key or value type drops the inherited one); the
//! built-in serde for the type (`String`, `i64`, `i32`, `i16`, `f64`, `f32`, `bool`, `Vec<u8>`,
//! `Bytes` and their `Option`s). A store with no serde fails [`StreamsBuilder::build`] with
//! [`DslError::MissingSerde`] naming the operation; a source or sink with none falls back to the
//! configured default serdes, and without one the driver fails to start, naming the node.
//!
//! # Word count
//!
//! ```
//! use streams_dsl::{Produced, StreamsBuilder};
//! use streams_core::serde::Serdes;
//! use streams_core::test_driver::TopologyTestDriver;
//! use streams_core::StreamsConfig;
//!
//! let builder = StreamsBuilder::new();
//! builder
//!     .stream::<String, String>("text")
//!     .flat_map_values(|line| {
//!         line.to_lowercase().split_whitespace().map(str::to_owned).collect::<Vec<_>>()
//!     })
//!     .group_by(|_, word| word.clone())
//!     .count()
//!     .to_stream()
//!     .to("counts");
//! let topology = builder.build()?;
//!
//! let driver = TopologyTestDriver::with_wall_clock(topology, StreamsConfig::new("wc"), 0)?;
//! let mut text = driver.create_input_topic("text", Serdes::string(), Serdes::string());
//! let mut counts = driver.create_output_topic("counts", Serdes::string(), std::sync::Arc::new(streams_core::serde::Nullable(streams_core::serde::LongSerde)));
//! text.pipe_input("line-1".to_owned(), "a b a".to_owned())?;
//! assert_eq!(
//!     counts.read_key_values_to_list()?,
//!     vec![("a".to_owned(), Some(1)), ("b".to_owned(), Some(1)), ("a".to_owned(), Some(2))]
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builder;
mod grouped;
mod grouped_table;
mod join;
mod kstream;
mod ktable;
mod options;
mod processors;
pub mod serdes;
pub mod windowed;

pub use builder::{DslError, StreamsBuilder};
pub use grouped::KGroupedStream;
pub use grouped_table::KGroupedTable;
pub use join::JoinWindows;
pub use kstream::{Branched, BranchedKStream, KStream};
pub use ktable::{GlobalKTable, KTable};
pub use options::{Consumed, Grouped, Materialized, Partitioner, Produced, Repartitioned};
pub use serdes::Data;
pub use windowed::{
    SessionWindowedKStream, SessionWindows, Suppressed, TimeWindowedKStream, TimeWindows,
};
