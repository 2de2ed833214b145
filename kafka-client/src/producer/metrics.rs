//! The producer's metrics under the names, descriptions and recording rules of Java's
//! `Sender.SenderMetrics` (with `SenderMetricsRegistry`), `KafkaProducerMetrics`, `BufferPool`
//! and `RecordAccumulator` (Kafka 4.4): group `producer-metrics` and, per topic,
//! `producer-topic-metrics`, tagged `client-id`.
//!
//! Recording happens per drained request and per batch outcome, never per record: Java's
//! `record-send-total` is itself fed one batch's record count at a time, so the sums and rates
//! are the same.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::accumulator::ProducerBatch;
use super::fast_hash::FastMap;
use crate::metrics::{Kind, MetricName, Metrics, RecordingLevel, Sensor, meter};

/// Java's `KafkaProducerMetrics.GROUP` / `SenderMetricsRegistry` client-level group.
pub(crate) const GROUP: &str = "producer-metrics";
/// Java's `SenderMetricsRegistry.TOPIC_METRIC_GROUP_NAME`.
pub(crate) const TOPIC_GROUP: &str = "producer-topic-metrics";

/// A topic's sensors, registered when its first batch is drained (as Java's
/// `maybeRegisterTopicMetrics`).
#[derive(Debug)]
struct TopicSensors {
    records: Sensor,
    bytes: Sensor,
    compression: Sensor,
    retries: Sensor,
    errors: Sensor,
}

/// The sensors of one producer.
#[derive(Debug)]
pub(crate) struct ProducerMetrics {
    registry: Metrics,
    client_id: String,
    batch_size: Sensor,
    compression_rate: Sensor,
    queue_time: Sensor,
    request_time: Sensor,
    records_per_request: Sensor,
    retries: Sensor,
    errors: Sensor,
    record_size: Sensor,
    batch_split: Sensor,
    throttle_time: Sensor,
    flush_time: Sensor,
    txn_init_time: Sensor,
    txn_begin_time: Sensor,
    txn_send_offsets_time: Sensor,
    txn_commit_time: Sensor,
    txn_abort_time: Sensor,
    metadata_wait_time: Sensor,
    /// Java's `bufferpool-wait-ratio` is a rate of nanoseconds per nanosecond; recorded here in
    /// seconds, so a per-second rate is the same fraction.
    buffer_wait_ratio: Sensor,
    buffer_wait_total: Sensor,
    buffer_exhausted: Sensor,
    /// Locked once per drained request, and per batch retried or failed.
    topics: Mutex<FastMap<Arc<str>, Arc<TopicSensors>>>,
}

/// Which transactional call a duration belongs to (Java's `txn-*-time-ns-total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TxnCall {
    Init,
    Begin,
    SendOffsets,
    Commit,
    Abort,
}

fn nanos(d: Duration) -> f64 {
    d.as_nanos() as f64
}

fn millis(d: Duration) -> f64 {
    // Java reports whole milliseconds; the fraction is kept, so a loopback request of 0.4 ms
    // does not read as 0.
    d.as_secs_f64() * 1000.0
}

impl ProducerMetrics {
    /// Java's `metadata-age`: seconds since the metadata was last refreshed. Weak, because the
    /// cluster's connections hold this registry: a strong reference would keep both alive after
    /// the producer is dropped.
    pub(crate) fn register_metadata_age(&self, cluster: std::sync::Weak<crate::cluster::Cluster>) {
        self.registry.gauge(
            MetricName::new(
                "metadata-age",
                GROUP,
                &[("client-id", self.client_id.as_str())],
            ),
            "The age in seconds of the current producer metadata being used.",
            move || {
                cluster
                    .upgrade()
                    .map_or(f64::NAN, |c| c.metadata_age().as_secs_f64())
            },
        );
    }

    /// Registers the client-level metrics of producer `client_id` in `registry`.
    pub(crate) fn new(registry: Metrics, client_id: &str) -> ProducerMetrics {
        let n = |name: &str| MetricName::new(name, GROUP, &[("client-id", client_id)]);
        let s = |stats: Vec<(MetricName, &'static str, Kind)>| {
            registry.sensor(RecordingLevel::Info, stats)
        };
        let total_ns = |what: &str, description: &'static str| {
            s(vec![(
                n(&format!("{what}-time-ns-total")),
                description,
                Kind::Total,
            )])
        };
        ProducerMetrics {
            batch_size: s(vec![
                (
                    n("batch-size-avg"),
                    "The average number of bytes sent per partition per-request.",
                    Kind::Avg,
                ),
                (
                    n("batch-size-max"),
                    "The max number of bytes sent per partition per-request.",
                    Kind::Max,
                ),
            ]),
            compression_rate: s(vec![(
                n("compression-rate-avg"),
                "The average compression rate of record batches, defined as the average ratio of \
                 the compressed batch size over the uncompressed size.",
                Kind::Avg,
            )]),
            queue_time: s(vec![
                (
                    n("record-queue-time-avg"),
                    "The average time in ms record batches spent in the send buffer.",
                    Kind::Avg,
                ),
                (
                    n("record-queue-time-max"),
                    "The maximum time in ms record batches spent in the send buffer.",
                    Kind::Max,
                ),
            ]),
            request_time: s(vec![
                (
                    n("request-latency-avg"),
                    "The average request latency in ms",
                    Kind::Avg,
                ),
                (
                    n("request-latency-max"),
                    "The maximum request latency in ms",
                    Kind::Max,
                ),
            ]),
            records_per_request: s({
                let mut v = meter(
                    n("record-send-rate"),
                    "The average number of records sent per second.",
                    n("record-send-total"),
                    "The total number of records sent.",
                )
                .to_vec();
                v.push((
                    n("records-per-request-avg"),
                    "The average number of records per request.",
                    Kind::Avg,
                ));
                v
            }),
            retries: s(meter(
                n("record-retry-rate"),
                "The average per-second number of retried record sends",
                n("record-retry-total"),
                "The total number of retried record sends",
            )
            .to_vec()),
            errors: s(meter(
                n("record-error-rate"),
                "The average per-second number of record sends that resulted in errors",
                n("record-error-total"),
                "The total number of record sends that resulted in errors",
            )
            .to_vec()),
            record_size: s(vec![
                (n("record-size-max"), "The maximum record size", Kind::Max),
                (n("record-size-avg"), "The average record size", Kind::Avg),
            ]),
            batch_split: s(meter(
                n("batch-split-rate"),
                "The average number of batch splits per second",
                n("batch-split-total"),
                "The total number of batch splits",
            )
            .to_vec()),
            throttle_time: s(vec![
                (
                    n("produce-throttle-time-avg"),
                    "The average time in ms a request was throttled by a broker",
                    Kind::Avg,
                ),
                (
                    n("produce-throttle-time-max"),
                    "The maximum time in ms a request was throttled by a broker",
                    Kind::Max,
                ),
            ]),
            flush_time: total_ns(
                "flush",
                "Total time producer has spent in flush in nanoseconds.",
            ),
            txn_init_time: total_ns(
                "txn-init",
                "Total time producer has spent in initTransactions in nanoseconds.",
            ),
            txn_begin_time: total_ns(
                "txn-begin",
                "Total time producer has spent in beginTransaction in nanoseconds.",
            ),
            txn_send_offsets_time: total_ns(
                "txn-send-offsets",
                "Total time producer has spent in sendOffsetsToTransaction in nanoseconds.",
            ),
            txn_commit_time: total_ns(
                "txn-commit",
                "Total time producer has spent in commitTransaction in nanoseconds.",
            ),
            txn_abort_time: total_ns(
                "txn-abort",
                "Total time producer has spent in abortTransaction in nanoseconds.",
            ),
            metadata_wait_time: total_ns(
                "metadata-wait",
                "Total time producer has spent waiting on topic metadata in nanoseconds.",
            ),
            buffer_wait_ratio: s(vec![(
                n("bufferpool-wait-ratio"),
                "The fraction of time an appender waits for space allocation.",
                Kind::Rate,
            )]),
            buffer_wait_total: s(vec![(
                n("bufferpool-wait-time-ns-total"),
                "The total time in nanoseconds an appender waits for space allocation.",
                Kind::Total,
            )]),
            buffer_exhausted: s(meter(
                n("buffer-exhausted-rate"),
                "The average per-second number of record sends that are dropped due to buffer \
                 exhaustion",
                n("buffer-exhausted-total"),
                "The total number of record sends that are dropped due to buffer exhaustion",
            )
            .to_vec()),
            topics: Mutex::new(FastMap::default()),
            client_id: client_id.to_owned(),
            registry,
        }
    }

    /// The registry the metrics live in.
    pub(crate) fn registry(&self) -> &Metrics {
        &self.registry
    }

    /// Registers a client-level gauge.
    pub(crate) fn gauge(
        &self,
        name: &str,
        description: &'static str,
        f: impl Fn() -> f64 + Send + Sync + 'static,
    ) {
        self.registry.gauge(
            MetricName::new(name, GROUP, &[("client-id", &self.client_id)]),
            description,
            f,
        );
    }

    fn topic_sensors(&self, topic: &Arc<str>) -> Arc<TopicSensors> {
        let mut topics = self.topics.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = topics.get(topic) {
            return t.clone();
        }
        let tags = [("client-id", self.client_id.as_str()), ("topic", topic)];
        let n = |name: &str| MetricName::new(name, TOPIC_GROUP, &tags);
        let s = |stats: Vec<(MetricName, &'static str, Kind)>| {
            self.registry.sensor(RecordingLevel::Info, stats)
        };
        let sensors = Arc::new(TopicSensors {
            records: s(meter(
                n("record-send-rate"),
                "The average number of records sent per second for a topic.",
                n("record-send-total"),
                "The total number of records sent for a topic.",
            )
            .to_vec()),
            bytes: s(meter(
                n("byte-rate"),
                "The average number of bytes sent per second for a topic.",
                n("byte-total"),
                "The total number of bytes sent for a topic.",
            )
            .to_vec()),
            compression: s(vec![(
                n("compression-rate"),
                "The average compression rate of record batches for a topic, defined as the \
                 average ratio of the compressed batch size over the uncompressed size.",
                Kind::Avg,
            )]),
            retries: s(meter(
                n("record-retry-rate"),
                "The average per-second number of retried record sends for a topic",
                n("record-retry-total"),
                "The total number of retried record sends for a topic",
            )
            .to_vec()),
            errors: s(meter(
                n("record-error-rate"),
                "The average per-second number of record sends that resulted in errors for a \
                 topic",
                n("record-error-total"),
                "The total number of record sends that resulted in errors for a topic",
            )
            .to_vec()),
        });
        topics.insert(topic.clone(), sensors.clone());
        sensors
    }

    /// A topic's sensors if its first batch has been drained: Java records a topic's retries
    /// and errors only then, so a batch that expires unsent counts at client level only.
    fn registered(&self, topic: &str) -> Option<Arc<TopicSensors>> {
        self.topics
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(topic)
            .cloned()
    }

    /// One request's batches, drained at `now` (Java's `updateProduceRequestMetrics`); a
    /// retried batch counts again, as in Java.
    pub(crate) fn drained(&self, batches: &[ProducerBatch], now: Instant) {
        let mut records = 0.0;
        let mut last: Option<(&str, Arc<TopicSensors>)> = None;
        for b in batches {
            // A request's batches are grouped by topic: one lookup per run of a topic.
            let t = match &last {
                Some((name, t)) if **name == *b.tp.topic => t.clone(),
                _ => {
                    let t = self.topic_sensors(&b.tp.topic);
                    last = Some((&b.tp.topic, t.clone()));
                    t
                }
            };
            let count = f64::from(b.record_count());
            let size = b.sent_size() as f64;
            t.records.record(count);
            t.bytes.record(size);
            t.compression.record(b.compression_ratio);
            self.batch_size.record(size);
            self.queue_time
                .record(millis(now.saturating_duration_since(b.created)));
            self.compression_rate.record(b.compression_ratio);
            self.record_size.record(b.max_record_size as f64);
            records += count;
        }
        self.records_per_request.record(records);
    }

    /// `count` records of `topic` go back to their queue to be retried.
    pub(crate) fn retried(&self, topic: &str, count: i32) {
        self.retries.record(f64::from(count));
        if let Some(t) = self.registered(topic) {
            t.retries.record(f64::from(count));
        }
    }

    /// `count` records of `topic` failed for good (Java's `Sender.failBatch`).
    pub(crate) fn failed(&self, topic: &str, count: i32) {
        self.errors.record(f64::from(count));
        if let Some(t) = self.registered(topic) {
            t.errors.record(f64::from(count));
        }
    }

    /// `send` refused a record (Java's `KafkaProducer.doSend` error path: one error, no topic).
    pub(crate) fn send_failed(&self) {
        self.errors.record(1.0);
    }

    /// A batch was split after `MESSAGE_TOO_LARGE`.
    pub(crate) fn split(&self) {
        self.batch_split.record(1.0);
    }

    /// A Produce response arrived `latency` after the request was started, throttled by
    /// `throttle_ms`.
    pub(crate) fn response(&self, latency: Duration, throttle_ms: i32) {
        self.request_time.record(millis(latency));
        self.throttle_time.record(f64::from(throttle_ms.max(0)));
    }

    /// `flush` took `d`.
    pub(crate) fn flushed(&self, d: Duration) {
        self.flush_time.record(nanos(d));
    }

    /// A transactional call completed after `d`.
    pub(crate) fn txn(&self, call: TxnCall, d: Duration) {
        let s = match call {
            TxnCall::Init => &self.txn_init_time,
            TxnCall::Begin => &self.txn_begin_time,
            TxnCall::SendOffsets => &self.txn_send_offsets_time,
            TxnCall::Commit => &self.txn_commit_time,
            TxnCall::Abort => &self.txn_abort_time,
        };
        s.record(nanos(d));
    }

    /// `send` waited `d` for a topic's metadata.
    pub(crate) fn metadata_waited(&self, d: Duration) {
        self.metadata_wait_time.record(nanos(d));
    }

    /// `send` waited `d` for `buffer.memory`.
    pub(crate) fn buffer_waited(&self, d: Duration) {
        self.buffer_wait_ratio.record(d.as_secs_f64());
        self.buffer_wait_total.record(nanos(d));
    }

    /// `send` gave up waiting for `buffer.memory` (`max.block.ms`).
    pub(crate) fn buffer_exhausted(&self) {
        self.buffer_exhausted.record(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::super::accumulator::{
        Accumulator, AccumulatorConfig, TopicPartition, java_record_size_upper_bound,
    };
    use super::*;
    use crate::backoff::ExponentialBackoff;
    use crate::error::Error;
    use crate::metrics::MetricsConfig;
    use kafka_protocol::record::{Compression, HeaderRef};

    fn acc(m: &Arc<ProducerMetrics>, compression: Compression) -> Accumulator {
        let mut acc = Accumulator::new(AccumulatorConfig {
            batch_size: 16384,
            linger: Duration::ZERO,
            compression,
            compression_level: None,
            delivery_timeout: Duration::from_secs(60),
            retry_backoff: ExponentialBackoff::new(
                Duration::from_millis(1),
                Duration::from_millis(1),
            ),
            max_in_flight: 5,
            idempotent: false,
            ignore_keys: false,
            adaptive: false,
            availability_timeout: Duration::ZERO,
        });
        acc.metrics = Some(m.clone());
        acc
    }

    fn push(acc: &mut Accumulator, topic: &str, p: i32, value: &[u8], now: Instant) {
        acc.append(
            topic,
            Some(p),
            2,
            &[0, 1],
            1,
            None,
            Some(value),
            &[],
            value.len(),
            || now,
        )
        .expect("append");
    }

    fn value(m: &ProducerMetrics, name: &str) -> f64 {
        m.registry()
            .value(GROUP, name, &[("client-id", "p-1")])
            .unwrap_or_else(|| panic!("{name} is not registered"))
    }

    fn topic_value(m: &ProducerMetrics, topic: &str, name: &str) -> Option<f64> {
        m.registry()
            .value(TOPIC_GROUP, name, &[("client-id", "p-1"), ("topic", topic)])
    }

    #[test]
    fn record_size_is_javas_upper_bound_with_zigzag_length_prefixes() {
        // 61 batch header + 21 record overhead + null key (1) + 100-byte value with a 2-byte
        // prefix (zig-zag 200) + no headers (1).
        assert_eq!(
            java_record_size_upper_bound(None, Some(&[0; 100]), &[]),
            186
        );
        // key "key-1" 6, value "value-1" 8, one header "seq"="1": 1 + 4 + 2.
        let h = [HeaderRef::new("seq", Some(b"1"))];
        assert_eq!(
            java_record_size_upper_bound(Some(b"key-1"), Some(b"value-1"), &h),
            61 + 21 + 6 + 8 + 1 + 4 + 2
        );
        assert_eq!(
            java_record_size_upper_bound(None, None, &[HeaderRef::new("k", None)]),
            61 + 21 + 1 + 1 + 1 + 2 + 1
        );
    }

    #[test]
    fn a_drained_request_counts_its_records_batches_and_topics() {
        let m = Arc::new(ProducerMetrics::new(
            Metrics::new(MetricsConfig::default()),
            "p-1",
        ));
        let mut acc = acc(&m, Compression::None);
        let now = Instant::now();
        for _ in 0..3 {
            push(&mut acc, "t", 0, &[7; 100], now);
        }
        push(&mut acc, "t", 1, &[7; 10], now);
        push(&mut acc, "t", 1, &[7; 100], now);
        assert_eq!(
            topic_value(&m, "t", "record-send-total"),
            None,
            "a topic's metrics appear with its first drained batch, as in Java"
        );
        let later = now + Duration::from_millis(40);
        let batches = acc.drain(1, 1 << 20, later, |_| Some(1)).expect("drain");
        assert_eq!(batches.len(), 2);
        m.drained(&batches, later);
        let sizes: Vec<f64> = batches.iter().map(|b| b.sent_size() as f64).collect();
        assert_eq!(value(&m, "record-send-total"), 5.0);
        assert_eq!(value(&m, "records-per-request-avg"), 5.0);
        assert_eq!(value(&m, "batch-size-max"), sizes[0].max(sizes[1]));
        assert_eq!(value(&m, "batch-size-avg"), (sizes[0] + sizes[1]) / 2.0);
        assert_eq!(value(&m, "compression-rate-avg"), 1.0);
        assert_eq!(value(&m, "record-queue-time-max"), 40.0);
        assert_eq!(value(&m, "record-size-max"), 186.0);
        // Java averages each batch's largest record, not every record.
        assert_eq!(value(&m, "record-size-avg"), 186.0);
        assert_eq!(topic_value(&m, "t", "record-send-total"), Some(5.0));
        assert_eq!(
            topic_value(&m, "t", "byte-total"),
            Some(sizes[0] + sizes[1])
        );
        assert_eq!(topic_value(&m, "t", "compression-rate"), Some(1.0));
        assert!(value(&m, "record-send-rate") > 0.0);

        // One batch retried, the other failed for good.
        let mut it = batches.into_iter();
        let (first, second) = (it.next().expect("two"), it.next().expect("two"));
        let (n1, n2) = (first.record_count(), second.record_count());
        acc.retry(first, Error::Closed, later);
        acc.fail_batch(second, &Arc::new(Error::Closed));
        assert_eq!(value(&m, "record-retry-total"), f64::from(n1));
        assert_eq!(value(&m, "record-error-total"), f64::from(n2));
        assert_eq!(
            topic_value(&m, "t", "record-retry-total"),
            Some(f64::from(n1))
        );
        assert_eq!(
            topic_value(&m, "t", "record-error-total"),
            Some(f64::from(n2))
        );

        // A batch of a topic never drained expires: an error at client level only.
        push(&mut acc, "u", 0, &[1; 5], now);
        let expired = acc.expire(now + Duration::from_secs(61));
        assert_eq!(expired.len(), 2, "the retried batch of t expires too");
        assert_eq!(value(&m, "record-error-total"), 6.0);
        assert_eq!(topic_value(&m, "u", "record-error-total"), None);
        assert_eq!(
            topic_value(&m, "t", "record-error-total"),
            Some(f64::from(n2 + n1))
        );
    }

    #[test]
    fn compression_rate_is_the_sealed_over_the_uncompressed_records() {
        let m = Arc::new(ProducerMetrics::new(
            Metrics::new(MetricsConfig::default()),
            "p-1",
        ));
        let mut acc = acc(&m, Compression::Gzip);
        let now = Instant::now();
        for _ in 0..50 {
            push(&mut acc, "t", 0, &[b'a'; 100], now);
        }
        let batches = acc.drain(1, 1 << 20, now, |_| Some(1)).expect("drain");
        m.drained(&batches, now);
        let rate = value(&m, "compression-rate-avg");
        assert!(
            rate > 0.0 && rate < 0.2,
            "50 equal records compress well: {rate}"
        );
        assert_eq!(topic_value(&m, "t", "compression-rate"), Some(rate));
    }

    #[test]
    fn a_split_counts_once_and_its_records_are_not_retries() {
        let m = Arc::new(ProducerMetrics::new(
            Metrics::new(MetricsConfig::default()),
            "p-1",
        ));
        let mut acc = acc(&m, Compression::None);
        let now = Instant::now();
        for _ in 0..4 {
            push(&mut acc, "t", 0, &[1; 100], now);
        }
        let mut batches = acc.drain(1, 1 << 20, now, |_| Some(1)).expect("drain");
        assert!(acc.split_and_requeue(batches.remove(0)).is_none());
        assert_eq!(value(&m, "batch-split-total"), 1.0);
        assert_eq!(value(&m, "record-retry-total"), 0.0);
        let tp = TopicPartition {
            topic: Arc::from("t"),
            partition: 0,
        };
        assert!(acc.queued(&tp) >= 2);
    }

    #[tokio::test]
    async fn a_refused_send_is_one_error_and_the_buffer_gauges_read_the_producer() {
        use super::super::{Producer, ProducerRecord};
        use crate::config::ProducerConfig;
        // Nothing listens there; a record over max.request.size is refused before any IO.
        let cfg = ProducerConfig::builder()
            .bootstrap_servers(["127.0.0.1:1"])
            .client_id("p-1")
            .set("max.request.size", "1000")
            .and_then(|b| b.set("buffer.memory", "65536"))
            .and_then(|b| b.build())
            .expect("config");
        let p = Producer::new(cfg).expect("producer");
        let m = p.metrics_registry().clone();
        let get = |name: &str| {
            m.value(GROUP, name, &[("client-id", "p-1")])
                .unwrap_or_else(|| panic!("{name} is not registered"))
        };
        assert!(
            p.send(ProducerRecord::new("t", vec![0u8; 2000]))
                .await
                .is_err()
        );
        assert_eq!(get("record-error-total"), 1.0);
        assert_eq!(get("buffer-total-bytes"), 65536.0);
        assert_eq!(get("buffer-available-bytes"), 65536.0);
        assert_eq!(get("waiting-threads"), 0.0);
        assert_eq!(get("requests-in-flight"), 0.0);
        p.close(Duration::ZERO).await;
        // A closed producer's refusal is not a record error (Java's `doSend` lets
        // IllegalStateException through uncounted).
        assert!(p.send(ProducerRecord::new("t", "v")).await.is_err());
        assert_eq!(get("record-error-total"), 1.0);
        assert_eq!(p.metrics().len(), m.snapshot().len());
        drop(p);
        // The gauges hold the producer weakly: once its tasks are done with it, it is freed
        // and they read 0 (a strong reference would keep it alive for ever).
        let freed = tokio::time::timeout(Duration::from_secs(10), async {
            while get("buffer-available-bytes") != 0.0 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        assert!(freed.is_ok(), "the producer was never freed");
    }

    #[test]
    fn every_client_level_metric_is_registered_up_front() {
        let m = ProducerMetrics::new(Metrics::new(MetricsConfig::default()), "p-1");
        let names: Vec<String> = m
            .registry()
            .snapshot()
            .into_iter()
            .filter(|x| x.name.group != "kafka-metrics-count")
            .inspect(|x| assert_eq!(x.name.group, GROUP))
            .map(|x| x.name.name)
            .collect();
        for n in [
            "record-send-rate",
            "record-send-total",
            "record-error-total",
            "request-latency-avg",
            "produce-throttle-time-max",
            "bufferpool-wait-time-ns-total",
            "flush-time-ns-total",
            "txn-commit-time-ns-total",
        ] {
            assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
        }
        assert!(value(&m, "request-latency-avg").is_nan());
        assert_eq!(value(&m, "record-send-total"), 0.0);
    }
}
