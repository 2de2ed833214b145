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
//!
//! # A windowed aggregation
//!
//! Clicks per user per minute, accepting clicks up to ten seconds late, each window's count
//! emitted once when the window closes:
//!
//! ```
//! use std::time::Duration;
//! use streams_core::serde::Serdes;
//! use streams_core::test_driver::TopologyTestDriver;
//! use streams_core::StreamsConfig;
//! use streams_dsl::{StreamsBuilder, Suppressed, TimeWindows};
//!
//! let builder = StreamsBuilder::new();
//! builder
//!     .stream::<String, String>("clicks")
//!     .group_by_key()
//!     .windowed_by(TimeWindows::of_size_and_grace(Duration::from_secs(60), Duration::from_secs(10)))
//!     .count()
//!     .suppress(Suppressed::until_window_closes())
//!     .to_stream()
//!     .map(|w, n| (format!("{}@{}", w.key, w.window.start), n))
//!     .to("clicks-per-minute");
//! let driver = TopologyTestDriver::with_wall_clock(builder.build()?, StreamsConfig::new("c"), 0)?;
//! let mut clicks = driver.create_input_topic("clicks", Serdes::string(), Serdes::string());
//! let mut out = driver.create_output_topic(
//!     "clicks-per-minute",
//!     Serdes::string(),
//!     streams_dsl::serdes::builtin::<Option<i64>>().unwrap(),
//! );
//! clicks.pipe_input_at("ann".into(), "/home".into(), 1_000)?;
//! clicks.pipe_input_at("ann".into(), "/cart".into(), 59_000)?;
//! assert!(out.is_empty()); // the window [0, 60s) is still open
//! clicks.pipe_input_at("bob".into(), "/home".into(), 70_000)?; // stream time passes 60s + 10s
//! assert_eq!(out.read_key_values_to_list()?, vec![("ann@0".to_owned(), Some(2))]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # A stream-table join
//!
//! Each order picks up its customer's current name; the table is materialized for the lookup
//! (as `customers-STATE-STORE-0000000000`, Java's name):
//!
//! ```
//! use streams_core::serde::Serdes;
//! use streams_core::test_driver::TopologyTestDriver;
//! use streams_core::StreamsConfig;
//! use streams_dsl::StreamsBuilder;
//!
//! let builder = StreamsBuilder::new();
//! let customers = builder.table::<String, String>("customers");
//! builder
//!     .stream::<String, String>("orders")
//!     .left_join_table(&customers, |item, name| {
//!         format!("{item} for {}", name.map_or("unknown", String::as_str))
//!     })
//!     .to("enriched-orders");
//! let driver = TopologyTestDriver::with_wall_clock(builder.build()?, StreamsConfig::new("o"), 0)?;
//! let mut customers = driver.create_input_topic("customers", Serdes::string(), Serdes::string());
//! let mut orders = driver.create_input_topic("orders", Serdes::string(), Serdes::string());
//! let mut out = driver.create_output_topic("enriched-orders", Serdes::string(), Serdes::string());
//! customers.pipe_input_at("c1".into(), "Ann".into(), 1)?;
//! orders.pipe_input_at("c1".into(), "book".into(), 2)?;
//! orders.pipe_input_at("c2".into(), "pen".into(), 3)?;
//! assert_eq!(
//!     out.read_values_to_list()?,
//!     vec!["book for Ann".to_owned(), "pen for unknown".to_owned()]
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Differences from Java
//!
//! - Values are typed: a table's changes reach a stream as `Option<V>` (`None` is a delete), and
//!   joiners for left and outer joins take `Option<&V>` for the missing side.
//! - Java's null key or value is `None` of an `Option` type (the built-in serdes of `Option`s
//!   pass nulls). With such types the operators treat nulls as Java's do: aggregations,
//!   windowed aggregations, joins and table sources skip them and count them in
//!   `dropped-records`, a repartition drops null keys, a left or outer join joins a null key
//!   with nothing. A type that is not an `Option` cannot be null: a null key read into a
//!   `String` key fails deserialization (and goes to the deserialization handler), where
//!   Java would hand the operator a null.
//! - Aggregations (key-value, time-window, sliding-window, session) cache as Java's do: one
//!   result per key and window per commit; [`Materialized::with_caching_disabled`] forwards
//!   every update. Materialized source tables (and `to_table`) cache too, as Java's
//!   `KTableSource` does: one change per key per commit.
//! - Emit-final windows and outer stream-stream joins check for closed windows on every record;
//!   Java throttles those checks to once per second of wall-clock time, which changes when
//!   results appear, not which.
//! - Window and session stores filter reads at exactly their retention (before the store's
//!   stream time minus retention plus one), as Java's stores do, and multi-key window reads come
//!   in Java's order (segment by segment; by window start in memory). Java's caching layer,
//!   though, keeps serving windows and sessions it still caches after they expire below it,
//!   and so does streams-dsl's, to lookups and ranges alike: with caching on, a late record
//!   can merge with a cached session just past retention, in both.
//! - `topology.optimization` ([`StreamsBuilder::build_with`]) applies Java's three rewrites
//!   (`reuse.ktable.source.topics`, `merge.repartition.topics`, `single.store.self.join`, or
//!   `all`) to the same topology Java's `build(props)` gives, quirks included: a left or outer
//!   self-join becomes Java's single-store self-join, which gives inner-join results. One
//!   difference: where a merged repartition's operations disagree on serdes and the first one
//!   has none given, Java takes a later one's while streams-dsl uses the built-in serde for
//!   the type (which differs only for a custom serde).
//! - Suppression buffers log Java's changelog records byte for byte (its "V3" layout), so a
//!   buffer restores from either language's changelog; older Java layouts (before Kafka 2.4)
//!   are rejected with an error. [`BufferConfig::max_bytes`] counts bytes as Java does.
//! - The operators record Java's own metrics (`suppression-emit`, `suppression-buffer-size` and
//!   `-count`, `window-aggregate-final-emit` and its latency, late records in `dropped-records`),
//!   compared live with Java's driver. A foreign-key join answer dropped because its row
//!   changed since is not counted in `dropped-records` (Java counts it).
//! - A stream-stream join is named, given serdes and stores with [`StreamJoined`] (Java's
//!   `StreamJoined`; [`StreamJoined::in_memory`] stands for Java's in-memory
//!   `withDslStoreSuppliers`); a store supplier of one's own is not offered. `named(n)` before a
//!   stream-stream join names it as `StreamJoined::with_name(n)` does.
//! - Names follow Java's: `named(n)` before an operation is Java's `Named.as(n)` (and
//!   `Joined.as`, `TableJoined.as`, `Suppressed.withName`, `StreamJoined.withName`), a named
//!   operation draws a generated index as Java's does, so generated names after it, and the
//!   stores and internal topics named after them, match Java's. A grouped stream's aggregation
//!   is named with [`KGroupedStream::named`] (Java's `count(Named)`), a sliding-window one with
//!   [`SlidingWindowedKStream::named`]; time-window, session and table aggregations take no
//!   processor name. Stores are named with [`Materialized`].
//! - Versioned key-value stores (KIP-889) are not implemented.
//! - Windowed tables and foreign-key join results cannot be looked up by key, so joining them
//!   again is a build error ([`DslError::NotReadable`]).

mod builder;
mod cogroup;
mod fk_join;
mod grouped;
mod grouped_table;
mod join;
mod kstream;
mod ktable;
mod metrics;
mod murmur3;
mod optimize;
mod options;
mod processors;
pub mod serdes;
mod sliding;
mod stream_join;
mod suppress;
mod suppress_buffer;
pub mod windowed;

pub use builder::{DslError, StreamsBuilder};
pub use cogroup::{
    CogroupedKStream, SessionWindowedCogroupedKStream, TimeWindowedCogroupedKStream,
};
pub use grouped::KGroupedStream;
pub use grouped_table::KGroupedTable;
pub use kstream::{Branched, BranchedKStream, KStream};
pub use ktable::{GlobalKTable, KTable};
pub use options::{Consumed, Grouped, Materialized, Partitioner, Produced, Repartitioned};
pub use serdes::Data;
pub use sliding::{SlidingWindowedKStream, SlidingWindows};
pub use stream_join::{JoinWindows, StreamJoined};
pub use suppress::{BufferConfig, SuppressBufferFull};
pub use windowed::{
    EmitStrategy, SessionWindowedKStream, SessionWindows, Suppressed, TimeWindowedKStream,
    TimeWindows,
};
