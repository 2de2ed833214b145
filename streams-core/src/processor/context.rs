//! What a processor can do besides returning: forward, read metadata, reach stores, schedule.

use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::error::StreamsError;
use crate::processor::{Record, RecordMetadata};
use crate::task::{NodeCtx, PunctuationSchedule, TaskId};

/// Which clock a punctuator follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PunctuationType {
    /// Stream time: fires as record timestamps advance, aligned to multiples of the interval.
    StreamTime,
    /// Wall-clock time: fires as the task's clock advances, first one interval after scheduling.
    WallClockTime,
}

/// Cancels a scheduled punctuator; dropping it does not cancel.
#[derive(Debug, Clone)]
pub struct Cancellable(pub(crate) Arc<AtomicBool>);

impl Cancellable {
    /// Stops the punctuator; it will not fire again, even if cancelled from inside itself.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Release);
    }
}

/// The processor's view of its task, typed by what the processor forwards.
pub struct ProcessorContext<'a, K, V> {
    pub(crate) inner: NodeCtx<'a>,
    _types: PhantomData<fn(K, V)>,
}

impl<'a, K, V> ProcessorContext<'a, K, V> {
    pub(crate) fn new(inner: NodeCtx<'a>) -> Self {
        ProcessorContext {
            inner,
            _types: PhantomData,
        }
    }

    /// The name of this processor node.
    pub fn node_name(&self) -> &str {
        &self.inner.graph.names[self.inner.node]
    }

    /// The task this processor instance belongs to.
    pub fn task_id(&self) -> TaskId {
        self.inner.state.task_id
    }

    /// The application id (`application.id`).
    pub fn application_id(&self) -> &str {
        &self.inner.state.application_id
    }

    /// Where the record being processed came from; `None` inside a punctuator.
    pub fn record_metadata(&self) -> Option<RecordMetadata> {
        self.inner.state.record_meta.clone()
    }

    /// The task's stream time: the largest timestamp processed so far, or -1 before any record.
    pub fn current_stream_time(&self) -> i64 {
        self.inner.state.stream_time
    }

    /// The task clock's wall-clock time in milliseconds.
    pub fn current_system_time(&self) -> i64 {
        self.inner.state.clock.now_ms()
    }

    /// Asks the task to commit after this record, as Java's `ProcessorContext.commit()`.
    pub fn commit(&mut self) {
        self.inner.state.commit_requested = true;
    }

    /// The metrics registry, for sensors of the processor's own (Java's `context.metrics()`),
    /// from `init` on. Make sensors once, in `init`, and record into them per record.
    ///
    /// ```
    /// use streams_core::metrics::{RecordingLevel, StreamsSensor};
    /// use streams_core::processor::{Processor, ProcessorContext, Record};
    /// use streams_core::StreamsError;
    ///
    /// #[derive(Default)]
    /// struct Enrich {
    ///     lookups: Option<StreamsSensor>,
    /// }
    ///
    /// impl Processor<String, String, String, String> for Enrich {
    ///     fn init(&mut self, ctx: &mut ProcessorContext<'_, String, String>) -> Result<(), StreamsError> {
    ///         let node = ctx.node_name().to_owned();
    ///         self.lookups = ctx
    ///             .metrics()
    ///             .add_rate_total_sensor("enrich", &node, "lookup", RecordingLevel::Info, &[])
    ///             .ok();
    ///         Ok(())
    ///     }
    ///
    ///     fn process(
    ///         &mut self,
    ///         ctx: &mut ProcessorContext<'_, String, String>,
    ///         record: Record<String, String>,
    ///     ) -> Result<(), StreamsError> {
    ///         if let Some(s) = &self.lookups {
    ///             s.record();
    ///         }
    ///         ctx.forward(record)
    ///     }
    /// }
    /// ```
    pub fn metrics(&self) -> &crate::metrics::StreamsMetrics {
        &self.inner.state.metrics
    }

    /// Counts a record this processor drops in the task's `dropped-records` metric, as Kafka
    /// Streams' own operators count the late records and null keys they skip.
    pub fn record_dropped(&mut self) {
        self.inner.state.dropped_by_processors += 1;
    }

    /// A handle to a state store connected to this processor (or a global store).
    ///
    /// `S` is the typed store handle, e.g. [`crate::state::KeyValueStore`]; asking for another
    /// type than the store was built as is an error.
    pub fn state_store<S: Clone + 'static>(&self, name: &str) -> Result<S, StreamsError> {
        let state = &*self.inner.state;
        let connected = self.inner.graph.stores[self.inner.node]
            .iter()
            .any(|s| s == name)
            || state.global_stores.contains_key(name);
        if !connected {
            return Err(StreamsError::StoreNotConnected {
                node: self.node_name().to_owned(),
                store: name.to_owned(),
            });
        }
        let handle = state
            .stores
            .get(name)
            .map(|s| &s.handle)
            .or_else(|| state.global_stores.get(name))
            .ok_or_else(|| StreamsError::StoreNotConnected {
                node: self.node_name().to_owned(),
                store: name.to_owned(),
            })?;
        handle
            .downcast_ref::<S>()
            .cloned()
            .ok_or(StreamsError::StoreTypeMismatch {
                store: name.to_owned(),
                expected: std::any::type_name::<S>(),
            })
    }

    /// The type-erased handle of a store connected to this processor (or a global store), for
    /// code that downcasts it itself (e.g. value getters chained over stores of several types).
    pub fn state_store_handle(
        &self,
        name: &str,
    ) -> Result<crate::state::StoreHandle, StreamsError> {
        let state = &*self.inner.state;
        let connected = self.inner.graph.stores[self.inner.node]
            .iter()
            .any(|s| s == name)
            || state.global_stores.contains_key(name);
        let handle = state
            .stores
            .get(name)
            .map(|s| &s.handle)
            .or_else(|| state.global_stores.get(name))
            .filter(|_| connected)
            .ok_or_else(|| StreamsError::StoreNotConnected {
                node: self.node_name().to_owned(),
                store: name.to_owned(),
            })?;
        Ok(handle.clone())
    }
}

impl<'a, K, V> ProcessorContext<'a, K, V>
where
    K: Clone + Send + 'static,
    V: Clone + Send + 'static,
{
    /// Sends a record to every child of this node, depth-first, in the order they were connected.
    pub fn forward(&mut self, record: Record<K, V>) -> Result<(), StreamsError> {
        let graph = self.inner.graph;
        let children = &graph.children[self.inner.node];
        crate::task::dispatch(graph, self.inner.state, children, record)
    }

    /// Forwards a record read earlier, with the metadata it was read with: the children see
    /// `meta` from [`Self::record_metadata`] (and a sink's topic extractor gets it) until this
    /// returns. For processors that hold records back and emit them later, as Java's
    /// suppression sets the buffered record's context while it forwards it.
    pub fn forward_with_metadata(
        &mut self,
        record: Record<K, V>,
        meta: Option<RecordMetadata>,
    ) -> Result<(), StreamsError> {
        let current = self.inner.state.set_record_meta(meta);
        let result = self.forward(record);
        self.inner.state.set_record_meta(current);
        result
    }

    /// Sends a record to the named child only.
    pub fn forward_to(&mut self, record: Record<K, V>, child: &str) -> Result<(), StreamsError> {
        let graph = self.inner.graph;
        let idx = graph.children[self.inner.node]
            .iter()
            .copied()
            .find(|&c| graph.names[c] == child)
            .ok_or_else(|| StreamsError::UnknownChild {
                node: graph.names[self.inner.node].clone(),
                child: child.to_owned(),
            })?;
        crate::task::dispatch(graph, self.inner.state, &[idx], record)
    }

    /// Schedules `punctuator` every `interval` on the given clock; it gets this context and the
    /// current time of that clock (not the scheduled time), as in Java.
    pub fn schedule<F>(
        &mut self,
        interval: Duration,
        kind: PunctuationType,
        punctuator: F,
    ) -> Result<Cancellable, StreamsError>
    where
        F: FnMut(&mut ProcessorContext<'_, K, V>, i64) -> Result<(), StreamsError> + Send + 'static,
    {
        let interval_ms = i64::try_from(interval.as_millis()).unwrap_or(i64::MAX);
        if interval_ms < 1 {
            return Err(StreamsError::InvalidPunctuationInterval);
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let state = &mut *self.inner.state;
        let (queue, first) = match kind {
            // Aligned to 0 so stream-time punctuation fires as soon as there is data.
            PunctuationType::StreamTime => (&mut state.stream_punctuations, 0),
            PunctuationType::WallClockTime => (
                &mut state.wall_punctuations,
                state.clock.now_ms().saturating_add(interval_ms),
            ),
        };
        queue.push(PunctuationSchedule::new(
            self.inner.node,
            first,
            interval_ms,
            cancel.clone(),
            Box::new(TypedPunctuator::<K, V, F> {
                f: punctuator,
                _t: PhantomData,
            }),
        ));
        Ok(Cancellable(cancel))
    }
}

/// A punctuator with its context type erased so the task can keep them in one queue.
pub(crate) trait ErasedPunctuator: Send {
    fn punctuate(&mut self, ctx: NodeCtx<'_>, timestamp: i64) -> Result<(), StreamsError>;
}

struct TypedPunctuator<K, V, F> {
    f: F,
    _t: PhantomData<fn(K, V)>,
}

impl<K, V, F> ErasedPunctuator for TypedPunctuator<K, V, F>
where
    F: FnMut(&mut ProcessorContext<'_, K, V>, i64) -> Result<(), StreamsError> + Send,
{
    fn punctuate(&mut self, ctx: NodeCtx<'_>, timestamp: i64) -> Result<(), StreamsError> {
        (self.f)(&mut ProcessorContext::new(ctx), timestamp)
    }
}
