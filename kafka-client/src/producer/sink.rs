//! The per-broker side of the producer: one Produce request built from drained batches, and
//! what each partition's answer does to its batch (complete, retry, fail, bump the epoch).

use std::sync::Arc;

use kafka_protocol::Uuid;
use kafka_protocol::messages::produce_request::{PartitionProduceData, TopicProduceData};
use kafka_protocol::messages::produce_response::PartitionProduceResponse;
use kafka_protocol::messages::{ProduceRequest, ProduceResponse};
use tokio::time::Instant;

use super::accumulator::{Accumulator, ProducerBatch};
use crate::error::{Error, KafkaCode};
use crate::metadata::ClusterMetadata;

/// Produce v3 is the first to carry v2 record batches (and so idempotence).
pub(crate) const MIN_PRODUCE_VERSION: i16 = 3;
/// From v13 topics are named by id only.
const TOPIC_ID_PRODUCE_VERSION: i16 = 13;

/// Builds the request for `batches` and the version to send it at (`max_version` is the
/// negotiated one; topics without a known id keep it below v13).
pub(crate) fn build_request(
    batches: &[ProducerBatch],
    acks: i16,
    timeout_ms: i32,
    max_version: i16,
    metadata: &ClusterMetadata,
) -> (ProduceRequest, i16) {
    let mut topic_data: Vec<TopicProduceData> = Vec::new();
    let mut all_ids = true;
    for b in batches {
        let topic_id = metadata
            .topic(&b.tp.topic)
            .map_or(Uuid::ZERO, |t| t.topic_id);
        all_ids &= topic_id != Uuid::ZERO;
        let part = PartitionProduceData {
            index: b.tp.partition,
            records: b.bytes.clone(),
            ..Default::default()
        };
        match topic_data.iter_mut().find(|t| *t.name == *b.tp.topic) {
            Some(t) => t.partition_data.push(part),
            None => topic_data.push(TopicProduceData {
                name: b.tp.topic.to_string(),
                topic_id,
                partition_data: vec![part],
                ..Default::default()
            }),
        }
    }
    let version = if all_ids {
        max_version
    } else {
        max_version.min(TOPIC_ID_PRODUCE_VERSION - 1)
    };
    (
        ProduceRequest {
            transactional_id: None,
            acks,
            timeout_ms,
            topic_data,
            ..Default::default()
        },
        version,
    )
}

/// What handling a response asks of the sender afterwards.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// Some error meant the metadata is stale.
    pub(crate) refresh_metadata: bool,
    /// The producer was fenced or its epoch is invalid: nothing more can be sent.
    pub(crate) fatal: bool,
}

fn find<'a>(
    resp: &'a ProduceResponse,
    batch: &ProducerBatch,
    topic_id: Uuid,
) -> Option<&'a PartitionProduceResponse> {
    resp.responses
        .iter()
        .filter(|t| {
            if t.name.is_empty() {
                topic_id != Uuid::ZERO && t.topic_id == topic_id
            } else {
                *t.name == *batch.tp.topic
            }
        })
        .flat_map(|t| t.partition_responses.iter())
        .find(|p| p.index == batch.tp.partition)
}

/// Applies a Produce response to the batches it answers.
pub(crate) fn handle_response(
    acc: &mut Accumulator,
    batches: Vec<ProducerBatch>,
    resp: &ProduceResponse,
    metadata: &ClusterMetadata,
    broker: &str,
    now: Instant,
) -> Outcome {
    let mut out = Outcome::default();
    for batch in batches {
        let topic_id = metadata
            .topic(&batch.tp.topic)
            .map_or(Uuid::ZERO, |t| t.topic_id);
        let Some(p) = find(resp, &batch, topic_id) else {
            out.refresh_metadata = true;
            acc.retry(
                batch,
                Error::Protocol {
                    broker: broker.to_owned(),
                    reason: "produce response lacks a partition that was sent".into(),
                },
                now,
            );
            continue;
        };
        let code = KafkaCode(p.error_code);
        let error = || Error::Kafka {
            code,
            message: p.error_message.clone().filter(|m| !m.is_empty()),
        };
        match code {
            KafkaCode::NONE => acc.complete(batch, p.base_offset, p.log_append_time_ms),
            // The broker already has this batch (a retry of one whose answer was lost).
            KafkaCode::DUPLICATE_SEQUENCE_NUMBER => acc.complete(batch, -1, -1),
            KafkaCode::OUT_OF_ORDER_SEQUENCE_NUMBER => {
                let seq = batch.base_sequence().unwrap_or(0);
                if acc.idem.is_next_expected(&batch.tp, seq) {
                    // The broker lost our state: this batch fails, the epoch is bumped and
                    // the rest of the queue is re-sequenced (KIP-360).
                    acc.idem.request_bump();
                    acc.fail_batch(batch, &Arc::new(error()));
                } else {
                    // An earlier batch is unresolved; this one retries behind it.
                    acc.retry(batch, error(), now);
                }
            }
            KafkaCode::UNKNOWN_PRODUCER_ID => {
                acc.idem.request_bump();
                acc.retry(batch, error(), now);
            }
            // Too large for the broker (its message.max.bytes or the topic's
            // max.message.bytes): split and resend, as Java does; a lone record fails.
            KafkaCode::MESSAGE_TOO_LARGE => {
                if let Some(batch) = acc.split_and_requeue(batch) {
                    acc.fail_batch(batch, &Arc::new(error()));
                }
            }
            KafkaCode::INVALID_PRODUCER_EPOCH | KafkaCode::PRODUCER_FENCED => {
                out.fatal = true;
                acc.fail_batch(batch, &Arc::new(error()));
            }
            c if c.is_retriable() => {
                out.refresh_metadata |= c.invalidates_metadata();
                acc.retry(batch, error(), now);
            }
            _ => acc.fail_batch(batch, &Arc::new(error())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::accumulator::{AccumulatorConfig, TopicPartition};
    use super::super::delivery::DeliveryFuture;
    use super::super::record::RecordMetadata;
    use super::*;
    use crate::backoff::ExponentialBackoff;
    use kafka_protocol::messages::produce_response::TopicProduceResponse;
    use kafka_protocol::record::Compression;
    use std::time::Duration;

    fn acc_with(n: usize) -> (Accumulator, Vec<ProducerBatch>, Vec<DeliveryFuture>) {
        let mut acc = Accumulator::new(AccumulatorConfig {
            batch_size: 16384,
            linger: Duration::ZERO,
            compression: Compression::None,
            compression_level: None,
            delivery_timeout: Duration::from_secs(60),
            retry_backoff: ExponentialBackoff::new(
                Duration::from_millis(1),
                Duration::from_millis(1),
            ),
            max_in_flight: 5,
            idempotent: true,
            ignore_keys: false,
            adaptive: true,
            availability_timeout: Duration::ZERO,
        });
        acc.idem.set_producer(1, 0);
        let now = Instant::now();
        let mut futures = Vec::new();
        for p in 0..n as i32 {
            let (_, _, f) = acc
                .append(
                    "t",
                    Some(p),
                    n as u32,
                    &[],
                    5,
                    None,
                    Some(b"v"),
                    &[],
                    1,
                    || now,
                )
                .unwrap();
            futures.push(f);
        }
        let batches = acc.drain(1, 1 << 20, now, |_| Some(1)).unwrap();
        (acc, batches, futures)
    }

    fn response(codes: &[(i32, i16)]) -> ProduceResponse {
        ProduceResponse {
            responses: vec![TopicProduceResponse {
                name: "t".into(),
                partition_responses: codes
                    .iter()
                    .map(|&(index, error_code)| PartitionProduceResponse {
                        index,
                        error_code,
                        base_offset: 10,
                        log_append_time_ms: -1,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn request_groups_partitions_by_topic_and_avoids_v13_without_ids() {
        let (_acc, batches, _rx) = acc_with(3);
        let (req, v) = build_request(&batches, -1, 30_000, 13, &ClusterMetadata::default());
        assert_eq!(v, 12);
        assert_eq!(req.topic_data.len(), 1);
        assert_eq!(req.topic_data[0].partition_data.len(), 3);
        assert_eq!(req.acks, -1);
    }

    #[test]
    fn per_partition_errors_complete_retry_or_fail() {
        let (mut acc, batches, mut futures) = acc_with(4);
        let resp = response(&[(0, 0), (1, 6), (2, 10), (3, 90)]);
        let out = handle_response(
            &mut acc,
            batches,
            &resp,
            &ClusterMetadata::default(),
            "b",
            Instant::now(),
        );
        assert!(out.refresh_metadata, "NOT_LEADER_OR_FOLLOWER refreshes");
        assert!(out.fatal, "PRODUCER_FENCED is fatal");
        assert_eq!(
            futures[0].try_now().unwrap().unwrap(),
            RecordMetadata {
                partition: 0,
                offset: 10,
                timestamp: 5
            }
        );
        assert!(futures[1].try_now().is_none(), "retried, not completed");
        let too_large = futures[2].try_now().unwrap().unwrap_err();
        assert_eq!(too_large.code(), Some(KafkaCode::MESSAGE_TOO_LARGE));
        assert!(!acc.is_empty(), "partition 1 is queued again");
        let tp1 = TopicPartition {
            topic: Arc::from("t"),
            partition: 1,
        };
        assert_eq!(acc.queued(&tp1), 1);
    }

    #[test]
    fn out_of_order_behind_an_unresolved_batch_retries_else_bumps() {
        let (mut acc, batches, mut futures) = acc_with(1);
        // First batch of the epoch rejected as out of order: broker lost state.
        handle_response(
            &mut acc,
            batches,
            &response(&[(0, 45)]),
            &ClusterMetadata::default(),
            "b",
            Instant::now(),
        );
        assert!(acc.idem.bump_needed());
        assert!(futures[0].try_now().unwrap().is_err());
    }
}
