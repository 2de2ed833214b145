//! Processors that may change values but never keys (Java's `FixedKeyProcessor`, behind the DSL's
//! `processValues`): a record's key cannot be replaced, so the stream stays partitioned as it
//! was and no repartition follows.

use std::time::Duration;

use super::{Cancellable, Headers, ProcessorContext, PunctuationType, Record, RecordMetadata};
use crate::error::StreamsError;
use crate::metrics::StreamsMetrics;
use crate::task::TaskId;

/// A record whose key is fixed (Java's `FixedKeyRecord`): its value, timestamp and headers can
/// change, its key cannot.
#[derive(Debug, Clone, PartialEq)]
pub struct FixedKeyRecord<K, V> {
    record: Record<K, V>,
}

impl<K, V> FixedKeyRecord<K, V> {
    /// The key.
    pub fn key(&self) -> &K {
        &self.record.key
    }

    /// The value.
    pub fn value(&self) -> &V {
        &self.record.value
    }

    /// The timestamp.
    pub fn timestamp(&self) -> i64 {
        self.record.timestamp
    }

    /// The headers.
    pub fn headers(&self) -> &Headers {
        &self.record.headers
    }

    /// The headers, to change.
    pub fn headers_mut(&mut self) -> &mut Headers {
        &mut self.record.headers
    }

    /// The same record with `value`.
    pub fn with_value<V2>(self, value: V2) -> FixedKeyRecord<K, V2> {
        FixedKeyRecord {
            record: self.record.with_value(value),
        }
    }

    /// The same record at `timestamp`.
    pub fn with_timestamp(self, timestamp: i64) -> Self {
        FixedKeyRecord {
            record: self.record.with_timestamp(timestamp),
        }
    }

    /// The same record with `headers`.
    pub fn with_headers(self, headers: Headers) -> Self {
        FixedKeyRecord {
            record: self.record.with_headers(headers),
        }
    }

    /// The value, giving up the record.
    pub fn into_value(self) -> V {
        self.record.value
    }
}

/// What a [`FixedKeyProcessor`] can do (Java's `FixedKeyProcessorContext`): everything a
/// [`ProcessorContext`] offers, except forwarding a record under another key.
pub struct FixedKeyProcessorContext<'a, K, V> {
    inner: ProcessorContext<'a, K, V>,
}

impl<'a, K, V> FixedKeyProcessorContext<'a, K, V> {
    fn wrap(ctx: &'a mut ProcessorContext<'_, K, V>) -> Self {
        FixedKeyProcessorContext {
            inner: ProcessorContext::new(ctx.inner.reborrow()),
        }
    }

    /// Forwards `record` to every child.
    pub fn forward(&mut self, record: FixedKeyRecord<K, V>) -> Result<(), StreamsError>
    where
        K: Clone + Send + 'static,
        V: Clone + Send + 'static,
    {
        self.inner.forward(record.record)
    }

    /// Forwards `record` to the child named `child` only.
    pub fn forward_to(
        &mut self,
        record: FixedKeyRecord<K, V>,
        child: &str,
    ) -> Result<(), StreamsError>
    where
        K: Clone + Send + 'static,
        V: Clone + Send + 'static,
    {
        self.inner.forward_to(record.record, child)
    }

    /// The name of this processor node.
    pub fn node_name(&self) -> &str {
        self.inner.node_name()
    }

    /// The task this processor instance belongs to.
    pub fn task_id(&self) -> TaskId {
        self.inner.task_id()
    }

    /// The application id (`application.id`).
    pub fn application_id(&self) -> &str {
        self.inner.application_id()
    }

    /// Where the record being processed came from; `None` inside a punctuator.
    pub fn record_metadata(&self) -> Option<RecordMetadata> {
        self.inner.record_metadata()
    }

    /// The task's stream time.
    pub fn current_stream_time(&self) -> i64 {
        self.inner.current_stream_time()
    }

    /// The task clock's wall-clock time in milliseconds.
    pub fn current_system_time(&self) -> i64 {
        self.inner.current_system_time()
    }

    /// Asks the task to commit after this record.
    pub fn commit(&mut self) {
        self.inner.commit();
    }

    /// A handle to a state store connected to this processor (or a global store).
    pub fn state_store<S: Clone + 'static>(&self, name: &str) -> Result<S, StreamsError> {
        self.inner.state_store(name)
    }

    /// The metrics registry, for sensors of the processor's own.
    pub fn metrics(&self) -> &StreamsMetrics {
        self.inner.metrics()
    }

    /// Counts a record this processor drops in the task's `dropped-records` metric.
    pub fn record_dropped(&mut self) {
        self.inner.record_dropped();
    }

    /// Schedules `punctuator` every `interval` on the given clock, as
    /// [`ProcessorContext::schedule`] does.
    pub fn schedule<F>(
        &mut self,
        interval: Duration,
        kind: PunctuationType,
        mut punctuator: F,
    ) -> Result<Cancellable, StreamsError>
    where
        F: FnMut(&mut FixedKeyProcessorContext<'_, K, V>, i64) -> Result<(), StreamsError>
            + Send
            + 'static,
        K: Clone + Send + 'static,
        V: Clone + Send + 'static,
    {
        self.inner.schedule(interval, kind, move |ctx, ts| {
            punctuator(&mut FixedKeyProcessorContext::wrap(ctx), ts)
        })
    }
}

/// A processor that may change values but not keys (Java's `api.FixedKeyProcessor`), for the
/// DSL's `process_values`; [`FixedKey`] runs it as a [`super::Processor`].
pub trait FixedKeyProcessor<K, VIn, VOut = ()>: Send + 'static {
    /// Called once before any record.
    fn init(
        &mut self,
        ctx: &mut FixedKeyProcessorContext<'_, K, VOut>,
    ) -> Result<(), StreamsError> {
        let _ = ctx;
        Ok(())
    }
    /// Handles one record.
    fn process(
        &mut self,
        ctx: &mut FixedKeyProcessorContext<'_, K, VOut>,
        record: FixedKeyRecord<K, VIn>,
    ) -> Result<(), StreamsError>;
    /// Called once when the task closes.
    fn close(&mut self) {}
}

/// Runs a [`FixedKeyProcessor`] as a topology node.
///
/// ```
/// use streams_core::processor::{FixedKey, FixedKeyProcessor, FixedKeyProcessorContext, FixedKeyRecord};
/// use streams_core::serde::Serdes;
/// use streams_core::topology::{Consumed, Produced, TopologyBuilder};
/// use streams_core::StreamsError;
///
/// struct Upper;
/// impl FixedKeyProcessor<String, String, String> for Upper {
///     fn process(
///         &mut self,
///         ctx: &mut FixedKeyProcessorContext<'_, String, String>,
///         r: FixedKeyRecord<String, String>,
///     ) -> Result<(), StreamsError> {
///         let upper = r.value().to_uppercase();
///         ctx.forward(r.with_value(upper))
///     }
/// }
///
/// let mut b = TopologyBuilder::new();
/// b.add_source("src", Consumed::with(Serdes::string(), Serdes::string()), "in")
///     .add_processor("upper", || FixedKey(Upper), &["src"])
///     .add_sink("out", "out", Produced::with(Serdes::string(), Serdes::string()), &["upper"]);
/// b.build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct FixedKey<P>(pub P);

impl<K, VIn, VOut, P> super::Processor<K, VIn, K, VOut> for FixedKey<P>
where
    P: FixedKeyProcessor<K, VIn, VOut>,
{
    fn init(&mut self, ctx: &mut ProcessorContext<'_, K, VOut>) -> Result<(), StreamsError> {
        self.0.init(&mut FixedKeyProcessorContext::wrap(ctx))
    }

    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, K, VOut>,
        record: Record<K, VIn>,
    ) -> Result<(), StreamsError> {
        self.0.process(
            &mut FixedKeyProcessorContext::wrap(ctx),
            FixedKeyRecord { record },
        )
    }

    fn close(&mut self) {
        self.0.close();
    }
}
