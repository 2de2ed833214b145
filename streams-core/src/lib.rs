//! The Kafka Streams runtime core: the Processor API and everything that runs a topology.
//!
//! - [`topology`]: build a topology of sources, processors, sinks and stores; it is checked when
//!   built and described in Kafka Streams' text format.
//! - [`processor`]: the [`Processor`](processor::Processor) trait, its context (forward, record
//!   metadata, stores, punctuation, commit requests), timestamp extractors and deserialization
//!   handlers.
//! - [`task`]: tasks, the partition group choosing the next record by timestamp, stream time,
//!   punctuation queues, and the [`RecordCollector`](task::RecordCollector) seam to Kafka.
//! - [`serde`]: serdes byte-compatible with Kafka's Java serdes, and `Json<T>`.
//! - [`state`]: key-value, window and session stores on redb or in memory, layered as typed >
//!   caching > change-logging > bytes, with changelog checkpoints committed atomically with data.
//! - [`test_driver`]: the `TopologyTestDriver`.
//!
//! Kafka IO lives elsewhere: the runtime in another crate feeds tasks consumed records, gives them
//! a producer-backed collector and a clock.
//!
//! # Word count with the Processor API
//!
//! ```
//! use std::sync::Arc;
//! use streams_core::processor::{Processor, ProcessorContext, Record};
//! use streams_core::serde::{Nullable, Serdes, StringSerde};
//! use streams_core::state::{KeyValueStore, Stores};
//! use streams_core::topology::{Consumed, Produced, TopologyBuilder};
//! use streams_core::test_driver::TopologyTestDriver;
//! use streams_core::{StreamsConfig, StreamsError};
//!
//! /// Splits lines and counts words in a store, forwarding each new count.
//! struct WordCount {
//!     counts: Option<KeyValueStore<String, i64>>,
//! }
//!
//! impl Processor<Option<String>, String, String, i64> for WordCount {
//!     fn init(&mut self, ctx: &mut ProcessorContext<'_, String, i64>) -> Result<(), StreamsError> {
//!         self.counts = Some(ctx.state_store("counts")?);
//!         Ok(())
//!     }
//!     fn process(
//!         &mut self,
//!         ctx: &mut ProcessorContext<'_, String, i64>,
//!         record: Record<Option<String>, String>,
//!     ) -> Result<(), StreamsError> {
//!         let counts = self.counts.as_ref().expect("initialized");
//!         for word in record.value.split_whitespace().map(str::to_lowercase) {
//!             let n = counts.get(&word)?.unwrap_or(0) + 1;
//!             counts.put(&word, &n)?;
//!             ctx.forward(Record::new(word, n, record.timestamp))?;
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let mut builder = TopologyBuilder::new();
//! builder
//!     .add_source("lines", Consumed::with(Arc::new(Nullable(StringSerde)), Serdes::string()), "text")
//!     .add_processor("count", || WordCount { counts: None }, &["lines"])
//!     .add_state_store(
//!         Stores::key_value_store_builder(
//!             Stores::persistent_key_value_store("counts"),
//!             Serdes::string(),
//!             Serdes::long(),
//!         ),
//!         &["count"],
//!     )
//!     .add_sink("out", "word-counts", Produced::with(Serdes::string(), Serdes::long()), &["count"]);
//! let topology = builder.build()?;
//!
//! let driver = TopologyTestDriver::with_wall_clock(topology, StreamsConfig::new("wc"), 0)?;
//! let mut input = driver.create_input_topic("text", Arc::new(Nullable(StringSerde)), Serdes::string());
//! let mut output = driver.create_output_topic("word-counts", Serdes::string(), Serdes::long());
//! input.pipe_value("a b a".to_owned())?;
//! assert_eq!(
//!     output.read_key_values_to_list()?,
//!     vec![("a".to_owned(), 1), ("b".to_owned(), 1), ("a".to_owned(), 2)]
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod clock;
pub mod config;
mod error;
mod key_hash;
pub mod metrics;
mod name_hash;
pub mod processor;
pub mod serde;
pub mod state;
pub mod task;
pub mod test_driver;
pub mod topology;

pub use config::StreamsConfig;
pub use error::StreamsError;
