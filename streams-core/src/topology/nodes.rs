//! The per-task node instances the builder's specs make: source, processor and sink nodes with
//! their record types erased so one graph can hold them.

use std::any::Any;
use std::collections::BTreeSet;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::config::DefaultSerdes;
use crate::error::StreamsError;
use crate::processor::{ConsumedRecord, Processor, ProcessorContext, Record};
use crate::serde::{SerdeError, SharedSerde};
use crate::state::{transient_copy, with_scratch};
use crate::task::{Node, NodeCtx, dispatch};

use super::TopologyError;
use super::builder::{SinkTarget, TopicNameExtractor};

/// What nodes need from the running application when a task makes them.
pub(crate) struct NodeEnv<'a> {
    pub(crate) defaults: &'a DefaultSerdes,
    pub(crate) application_id: &'a str,
    pub(crate) internal_topics: &'a BTreeSet<String>,
}

impl NodeEnv<'_> {
    /// Internal (repartition) topics are prefixed with the application id at runtime.
    pub(crate) fn runtime_topic(&self, topic: &str) -> String {
        if self.internal_topics.contains(topic) {
            format!("{}-{}", self.application_id, topic)
        } else {
            topic.to_owned()
        }
    }
}

pub(crate) fn resolve_serde<T: 'static>(
    given: &Option<SharedSerde<T>>,
    default: &[Arc<dyn Any + Send + Sync>],
    node: &str,
    which: &'static str,
) -> Result<SharedSerde<T>, TopologyError> {
    if let Some(s) = given {
        return Ok(s.clone());
    }
    default
        .iter()
        .find_map(|d| d.downcast_ref::<SharedSerde<T>>())
        .cloned()
        .ok_or(TopologyError::MissingSerde {
            node: node.to_owned(),
            which,
            type_name: std::any::type_name::<T>(),
        })
}

/// Turns a consumed record into the typed record a source forwards.
pub(crate) trait RecordDeserializer: Send + Sync {
    /// Returns a boxed `Option<Record<K, V>>`, moving the headers out of `raw` on success.
    fn deserialize(&self, raw: &mut ConsumedRecord) -> Result<Box<dyn Any + Send>, SerdeError>;
    /// Sets the extracted timestamp on a record made by [`Self::deserialize`].
    fn set_timestamp(&self, record: &mut dyn Any, timestamp: i64);
}

pub(crate) struct TypedDeserializer<K, V> {
    pub(crate) key: SharedSerde<K>,
    pub(crate) value: SharedSerde<V>,
}

impl<K: Send + 'static, V: Send + 'static> RecordDeserializer for TypedDeserializer<K, V> {
    fn deserialize(&self, raw: &mut ConsumedRecord) -> Result<Box<dyn Any + Send>, SerdeError> {
        let key = self
            .key
            .deserialize(&raw.topic, &raw.headers, raw.key.as_ref())?;
        let value = self
            .value
            .deserialize(&raw.topic, &raw.headers, raw.value.as_ref())?;
        Ok(Box::new(Some(Record {
            key,
            value,
            timestamp: raw.timestamp,
            headers: std::mem::take(&mut raw.headers),
        })))
    }
    fn set_timestamp(&self, record: &mut dyn Any, timestamp: i64) {
        if let Some(Some(r)) = record.downcast_mut::<Option<Record<K, V>>>() {
            r.timestamp = timestamp;
        }
    }
}

fn take_record<K: 'static, V: 'static>(
    record: &mut dyn Any,
    ctx: &NodeCtx<'_>,
) -> Result<Record<K, V>, StreamsError> {
    record
        .downcast_mut::<Option<Record<K, V>>>()
        .and_then(Option::take)
        .ok_or_else(|| StreamsError::RecordTypeMismatch {
            node: ctx.graph.names[ctx.node].clone(),
            expected: std::any::type_name::<Record<K, V>>(),
        })
}

/// A source: forwards what the partition group deserialized.
pub(crate) struct SourceNode<K, V>(pub(crate) PhantomData<fn(K, V)>);

impl<K, V> Node for SourceNode<K, V>
where
    K: Clone + Send + 'static,
    V: Clone + Send + 'static,
{
    fn process(&mut self, ctx: NodeCtx<'_>, record: &mut dyn Any) -> Result<(), StreamsError> {
        let record = take_record::<K, V>(record, &ctx)?;
        let children = &ctx.graph.children[ctx.node];
        dispatch(ctx.graph, ctx.state, children, record)
    }
}

/// A user processor.
pub(crate) struct ProcessorNode<P, KIn, VIn, KOut, VOut> {
    pub(crate) processor: P,
    pub(crate) _types: PhantomData<fn(KIn, VIn, KOut, VOut)>,
}

impl<P, KIn, VIn, KOut, VOut> Node for ProcessorNode<P, KIn, VIn, KOut, VOut>
where
    P: Processor<KIn, VIn, KOut, VOut>,
    KIn: 'static,
    VIn: 'static,
    KOut: 'static,
    VOut: 'static,
{
    fn init(&mut self, ctx: NodeCtx<'_>) -> Result<(), StreamsError> {
        self.processor.init(&mut ProcessorContext::new(ctx))
    }

    fn process(&mut self, mut ctx: NodeCtx<'_>, record: &mut dyn Any) -> Result<(), StreamsError> {
        let record = take_record::<KIn, VIn>(record, &ctx)?;
        // Stores log and cache with the timestamp of the record being processed; restore the
        // caller's afterwards, as Java restores the record context after a forward.
        let previous = ctx.state.set_record_timestamp(record.timestamp);
        // And with its headers, which a cache keeps to forward with the entry.
        let headers = ctx.state.record_context.replace_headers(&record.headers);
        let result = self
            .processor
            .process(&mut ProcessorContext::new(ctx.reborrow()), record);
        let forwarded = ctx.state.forward_cache_flushes(ctx.graph, ctx.node);
        ctx.state.record_context.restore_headers(headers);
        ctx.state.set_record_timestamp(previous);
        // A match, not `and`: no drop glue for the usual `Ok(())` on every processor call.
        match result {
            Ok(()) => forwarded,
            Err(e) => Err(e),
        }
    }

    fn close(&mut self) {
        self.processor.close();
    }
}

/// A sink: serializes and hands records to the collector.
pub(crate) struct SinkNode<K, V> {
    pub(crate) target: SinkTarget<K, V>,
    /// The static topic with any internal-topic prefix applied.
    pub(crate) topic: Option<Arc<str>>,
    pub(crate) key: SharedSerde<K>,
    pub(crate) value: SharedSerde<V>,
    pub(crate) partitioner: Option<super::SinkPartitioner<K, V>>,
}

impl<K: 'static, V: 'static> Node for SinkNode<K, V> {
    fn fixed_topic(&self) -> Option<Arc<str>> {
        match (&self.topic, &self.target) {
            (Some(t), _) => Some(t.clone()),
            (None, SinkTarget::Topic(t)) => Some(Arc::from(t.as_str())),
            (None, SinkTarget::Extractor(..)) => None,
        }
    }

    fn process(&mut self, ctx: NodeCtx<'_>, record: &mut dyn Any) -> Result<(), StreamsError> {
        let record = take_record::<K, V>(record, &ctx)?;
        let topic: Arc<str> = match (&self.topic, &self.target) {
            (Some(t), _) => t.clone(),
            (None, SinkTarget::Extractor(x, _)) => {
                Arc::from(x.extract(&record.key, &record.value, ctx.state.record_meta.as_ref()))
            }
            (None, SinkTarget::Topic(t)) => Arc::from(t.as_str()),
        };
        let ser = |e| StreamsError::Serialization {
            topic: topic.to_string(),
            source: e,
        };
        // Key and value are written into one buffer and copied into a chunk shared with other
        // outgoing records, of which they are two slices: no allocation per record.
        let (key, value) = with_scratch(|buf| {
            let has_key = self
                .key
                .serialize_into(&topic, &record.headers, &record.key, buf)
                .map_err(ser)?;
            let key_len = buf.len();
            let has_value = self
                .value
                .serialize_into(&topic, &record.headers, &record.value, buf)
                .map_err(ser)?;
            let both = transient_copy(buf);
            Ok::<_, StreamsError>((
                has_key.then(|| both.slice(..key_len)),
                has_value.then(|| both.slice(key_len..)),
            ))
        })?;
        let partition = self
            .partitioner
            .as_ref()
            .and_then(|p| p(&topic, &record.key, &record.value));
        ctx.state.send(crate::task::ProducerRecord {
            topic,
            partition,
            key,
            value,
            timestamp: record.timestamp,
            headers: record.headers,
        })
    }
}

/// A closure as a topic-name extractor.
impl<K, V, F> TopicNameExtractor<K, V> for F
where
    F: Fn(&K, &V, Option<&crate::processor::RecordMetadata>) -> String + Send + Sync + 'static,
{
    fn extract(
        &self,
        key: &K,
        value: &V,
        meta: Option<&crate::processor::RecordMetadata>,
    ) -> String {
        self(key, value, meta)
    }
}
