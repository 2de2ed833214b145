//! The consumer: fetching, consumer groups, offsets.
//!
//! * [`Consumer`] (in `client`): the tokio driver — `subscribe`/`assign`, `poll`, `seek`,
//!   `commit_*`, `pause`/`resume`, offset lookups.
//! * [`fetcher`] and [`fetch_session`]: turning Fetch responses into records lazily, with the
//!   `read_committed` rules, and incremental fetch sessions (KIP-227), both without IO.
//! * [`group`]: membership state machines without IO — the classic protocol
//!   ([`group::classic`]) with its subscription/assignment payloads
//!   ([`group::consumer_protocol`]), and KIP-848 ([`group::kip848`]).
//! * [`assignor`]: the public assignor trait and the built-in assignors.
//! * [`listener`]: rebalance callbacks.
//! * [`validation`]: checking positions against a new leader's log (KIP-320), without IO.

pub mod assignor;
mod client;
mod error;
pub mod fetch_session;
pub mod fetcher;
pub mod group;
pub mod listener;
mod metrics;
mod types;
pub mod validation;

pub use client::Consumer;
pub use error::ConsumerError;
pub use listener::{NoopListener, RebalanceContext, RebalanceListener};
pub use types::{ConsumerRecord, OffsetAndMetadata, TopicPartition};
