//! The uniform sticky partitioner for records without a key (KIP-794, Java's `BuiltInPartitioner`).
//!
//! Records without a key go to one partition until `batch.size` bytes have been produced to it,
//! then the partitioner switches to another. The next partition is drawn uniformly among the
//! partitions that have a leader, or, with adaptive partitioning, weighted towards partitions
//! whose queues are shorter. One instance serves one topic; the record accumulator that owns it
//! calls [`StickyPartitioner::record_appended`] under its own lock, so no atomics are needed here.
//!
//! With `partitioner.rack.aware` (KIP-1123, off by default) both choices prefer partitions whose
//! leader is in the client's rack (`client.rack`) and fall back to all of them when none is.

use rand::Rng;

/// The partitions of one topic as the partitioner needs to see them.
#[derive(Debug, Clone, Copy)]
pub struct TopicPartitions<'a> {
    /// The number of partitions of the topic.
    pub partition_count: u32,
    /// The ids of the partitions that currently have a leader.
    pub available: &'a [i32],
}

/// Cumulative frequency table for adaptive partitioning; see `update_load_stats`.
#[derive(Debug, Clone, Default)]
struct LoadStats {
    cumulative: Vec<u32>,
    partition_ids: Vec<i32>,
}

/// Sticky partition choice for key-less records of one topic.
///
/// ```
/// use kafka_client::partitioner::{StickyPartitioner, TopicPartitions};
///
/// let mut sticky = StickyPartitioner::new(16_384);
/// let topic = TopicPartitions { partition_count: 3, available: &[0, 1, 2] };
/// let mut rng = rand::rng();
/// let first = sticky.partition(topic, &mut rng);
/// // Still below batch.size: the partition stays.
/// sticky.record_appended(10_000, true, topic, &mut rng);
/// assert_eq!(sticky.partition(topic, &mut rng), first);
/// ```
#[derive(Debug, Clone)]
pub struct StickyPartitioner {
    sticky_batch_size: u32,
    current: Option<Current>,
    load_stats: Option<LoadStats>,
    rack_aware: bool,
    /// Available partitions led from the client's rack (rack-aware mode only).
    rack_local_available: Vec<i32>,
    /// Load stats over the rack-local partitions only (rack-aware mode only).
    rack_load_stats: Option<LoadStats>,
}

#[derive(Debug, Clone, Copy)]
struct Current {
    partition: i32,
    produced_bytes: u32,
}

impl StickyPartitioner {
    /// A partitioner that switches after `sticky_batch_size` bytes; the producer passes
    /// `max(1, batch.size)` as Java does (`KafkaProducer` guards against `batch.size = 0`).
    pub fn new(sticky_batch_size: u32) -> Self {
        Self {
            sticky_batch_size: sticky_batch_size.max(1),
            current: None,
            load_stats: None,
            rack_aware: false,
            rack_local_available: Vec::new(),
            rack_load_stats: None,
        }
    }

    /// A partitioner for `partitioner.rack.aware=true`: feed it the rack-local partitions with
    /// [`set_rack_local_available`](Self::set_rack_local_available) and the leaders' racks with
    /// [`update_load_stats_with_racks`](Self::update_load_stats_with_racks).
    pub fn new_rack_aware(sticky_batch_size: u32) -> Self {
        Self {
            rack_aware: true,
            ..Self::new(sticky_batch_size)
        }
    }

    /// The partitions with a leader whose rack equals `client.rack`, in the order of
    /// [`TopicPartitions::available`]; the uniform choice draws from them when there are any.
    /// Ignored unless the partitioner is rack-aware.
    pub fn set_rack_local_available(&mut self, partitions: &[i32]) {
        self.rack_local_available.clear();
        self.rack_local_available.extend_from_slice(partitions);
    }

    /// The partition the next key-less record goes to, choosing one if none is chosen yet.
    ///
    /// Returns -1 only when the topic has no partitions at all (the caller waits for metadata).
    pub fn partition<R: Rng + ?Sized>(&mut self, topic: TopicPartitions<'_>, rng: &mut R) -> i32 {
        if let Some(current) = self.current {
            return current.partition;
        }
        let partition = self.next_partition(topic, rng);
        self.current = Some(Current {
            partition,
            produced_bytes: 0,
        });
        partition
    }

    /// Accounts `appended_bytes` to the current partition and switches once `batch.size` bytes
    /// were produced (when `enable_switch`), or twice that regardless. The accumulator passes
    /// `enable_switch = false` while the partition's batch is not yet ready to send, so that a
    /// switch does not leave a fractional batch behind (Java's comment in `updatePartitionInfo`).
    pub fn record_appended<R: Rng + ?Sized>(
        &mut self,
        appended_bytes: u32,
        enable_switch: bool,
        topic: TopicPartitions<'_>,
        rng: &mut R,
    ) {
        let Some(current) = self.current.as_mut() else {
            return;
        };
        current.produced_bytes = current.produced_bytes.saturating_add(appended_bytes);
        let produced = current.produced_bytes;
        let size = self.sticky_batch_size;
        if (produced >= size && enable_switch) || produced >= size.saturating_mul(2) {
            let partition = self.next_partition(topic, rng);
            self.current = Some(Current {
                partition,
                produced_bytes: 0,
            });
        }
    }

    /// Bytes produced to the current sticky partition since it was chosen.
    pub fn produced_bytes(&self) -> u32 {
        self.current.map_or(0, |c| c.produced_bytes)
    }

    /// Feeds queue sizes for adaptive partitioning (`partitioner.adaptive.partitioning.enable`).
    ///
    /// `queue_sizes[i]` is the number of batches queued for `partition_ids[i]`; only the first
    /// `length` entries are considered (partitions past it were excluded, e.g. by
    /// `partitioner.availability.timeout.ms`), while the slice length is the topic's partition
    /// count. `None` turns adaptive choice off. Partitions with shorter queues get proportionally
    /// more of the next choices: weight = max queue + 1 - queue.
    pub fn update_load_stats(&mut self, queues: Option<(&[u32], &[i32])>, length: usize) {
        self.update_load_stats_with_racks(queues.map(|(q, ids)| (q, ids, &[][..])), length);
    }

    /// [`update_load_stats`](Self::update_load_stats) for a rack-aware partitioner:
    /// `in_client_rack[i]` tells whether the leader of `partition_ids[i]` is in `client.rack`.
    /// The adaptive choice then weighs only the rack-local partitions among the first `length`,
    /// falling back to all of them when none is rack-local. Missing flags count as "not local".
    pub fn update_load_stats_with_racks(
        &mut self,
        queues: Option<(&[u32], &[i32], &[bool])>,
        length: usize,
    ) {
        self.rack_load_stats = None;
        let Some((queue_sizes, partition_ids, in_client_rack)) = queues else {
            self.load_stats = None;
            return;
        };
        let length = length.min(queue_sizes.len()).min(partition_ids.len());
        // Fewer than two partitions in the topic: nothing to balance (Java's rule).
        if length < 1 || queue_sizes.len() < 2 {
            self.load_stats = None;
            return;
        }
        let considered = &queue_sizes[..length];
        let max = considered.iter().copied().max().unwrap_or(0);
        let all_equal = considered.iter().all(|&q| q == considered[0]);
        if all_equal && length == queue_sizes.len() {
            self.load_stats = None;
            return;
        }
        if self.rack_aware {
            // Java: the local subset gets its own maximum, so its weights are relative to it.
            let local: Vec<usize> = (0..length)
                .filter(|&i| in_client_rack.get(i).copied().unwrap_or(false))
                .collect();
            let local_max = local.iter().map(|&i| considered[i]).max();
            self.rack_load_stats = local_max.map(|m| LoadStats {
                cumulative: invert_and_fold(local.iter().map(|&i| considered[i]), m),
                partition_ids: local.iter().map(|&i| partition_ids[i]).collect(),
            });
        }
        self.load_stats = Some(LoadStats {
            cumulative: invert_and_fold(considered.iter().copied(), max),
            partition_ids: partition_ids[..length].to_vec(),
        });
    }

    fn next_partition<R: Rng + ?Sized>(&self, topic: TopicPartitions<'_>, rng: &mut R) -> i32 {
        // Java's Utils.toPositive(ThreadLocalRandom.nextInt()).
        let random = rng.next_u32() & 0x7fff_ffff;
        let stats = match &self.rack_load_stats {
            Some(local) if self.rack_aware && !local.cumulative.is_empty() => Some(local),
            _ => self.load_stats.as_ref(),
        };
        if let Some(stats) = stats
            && let Some(&total) = stats.cumulative.last()
            && total > 0
        {
            let weighted = random % total;
            // The first entry strictly greater than the draw.
            let index = stats.cumulative.partition_point(|&c| c <= weighted);
            if let Some(&p) = stats.partition_ids.get(index) {
                return p;
            }
        }
        if !topic.available.is_empty() {
            let candidates = if self.rack_aware && !self.rack_local_available.is_empty() {
                &self.rack_local_available[..]
            } else {
                topic.available
            };
            return candidates[random as usize % candidates.len()];
        }
        if topic.partition_count == 0 {
            return -1;
        }
        (random % topic.partition_count) as i32
    }
}

/// Turns queue sizes into a cumulative frequency table: weight = max + 1 - queue, summed.
fn invert_and_fold(queues: impl Iterator<Item = u32>, max: u32) -> Vec<u32> {
    let max_plus_one = max.saturating_add(1);
    let mut running = 0u32;
    queues
        .map(|q| {
            running = running.saturating_add(max_plus_one - q.min(max_plus_one));
            running
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    const ALL3: TopicPartitions<'static> = TopicPartitions {
        partition_count: 3,
        available: &[0, 1, 2],
    };

    #[test]
    fn sticks_until_batch_size_then_switches() {
        let mut rng = StdRng::seed_from_u64(11);
        let mut p = StickyPartitioner::new(100);
        let mut switches = 0;
        let mut last = p.partition(ALL3, &mut rng);
        for _ in 0..1000 {
            let before = p.produced_bytes();
            p.record_appended(30, true, ALL3, &mut rng);
            let now = p.partition(ALL3, &mut rng);
            if before + 30 >= 100 {
                assert_eq!(p.produced_bytes(), 0, "counter resets on switch");
                switches += 1;
            } else {
                assert_eq!(now, last, "switched before batch.size");
            }
            last = now;
        }
        // 4 appends of 30 bytes reach 100 bytes: 250 switches in 1000 appends.
        assert_eq!(switches, 250);
    }

    #[test]
    fn switch_disabled_waits_for_twice_batch_size() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut p = StickyPartitioner::new(100);
        p.partition(ALL3, &mut rng);
        p.record_appended(150, false, ALL3, &mut rng);
        assert_eq!(p.produced_bytes(), 150);
        p.record_appended(50, false, ALL3, &mut rng);
        assert_eq!(p.produced_bytes(), 0);
    }

    #[test]
    fn uniform_choice_uses_only_available_partitions() {
        let mut rng = StdRng::seed_from_u64(3);
        let topic = TopicPartitions {
            partition_count: 6,
            available: &[1, 4],
        };
        let mut counts = [0u32; 6];
        let mut p = StickyPartitioner::new(1);
        for _ in 0..2000 {
            counts[p.partition(topic, &mut rng) as usize] += 1;
            p.record_appended(1, true, topic, &mut rng);
        }
        assert_eq!(counts[0] + counts[2] + counts[3] + counts[5], 0);
        assert!(counts[1] > 800 && counts[4] > 800, "{counts:?}");
    }

    #[test]
    fn no_available_falls_back_to_all_partitions() {
        let mut rng = StdRng::seed_from_u64(9);
        let topic = TopicPartitions {
            partition_count: 4,
            available: &[],
        };
        let mut seen = [false; 4];
        let mut p = StickyPartitioner::new(1);
        for _ in 0..200 {
            seen[p.partition(topic, &mut rng) as usize] = true;
            p.record_appended(1, true, topic, &mut rng);
        }
        assert_eq!(seen, [true; 4]);
        let empty = TopicPartitions {
            partition_count: 0,
            available: &[],
        };
        assert_eq!(StickyPartitioner::new(1).partition(empty, &mut rng), -1);
    }

    #[test]
    fn adaptive_weights_follow_inverted_queue_sizes() {
        // Java's example: queues 0 3 1 -> weights 4 1 3 -> table 4 5 8.
        let mut p = StickyPartitioner::new(1);
        p.update_load_stats(Some((&[0, 3, 1], &[10, 11, 12])), 3);
        let stats = p.load_stats.as_ref().map(|s| s.cumulative.clone());
        assert_eq!(stats, Some(vec![4, 5, 8]));
        let mut rng = StdRng::seed_from_u64(5);
        let topic = TopicPartitions {
            partition_count: 3,
            available: &[10, 11, 12],
        };
        let mut counts = std::collections::BTreeMap::new();
        for _ in 0..8000 {
            *counts.entry(p.partition(topic, &mut rng)).or_insert(0u32) += 1;
            p.record_appended(1, true, topic, &mut rng);
        }
        // Expected shares 4/8, 1/8, 3/8 of 8000 draws.
        assert!((3700..4300).contains(&counts[&10]), "{counts:?}");
        assert!((800..1200).contains(&counts[&11]), "{counts:?}");
        assert!((2700..3300).contains(&counts[&12]), "{counts:?}");
    }

    #[test]
    fn adaptive_off_when_queues_equal_or_single_partition() {
        let mut p = StickyPartitioner::new(1);
        p.update_load_stats(Some((&[2, 2, 2], &[0, 1, 2])), 3);
        assert!(p.load_stats.is_none());
        p.update_load_stats(Some((&[5], &[0])), 1);
        assert!(p.load_stats.is_none());
        // Equal queues but one partition excluded: still adaptive, only the first two count.
        p.update_load_stats(Some((&[2, 2, 2], &[0, 1, 2])), 2);
        assert_eq!(
            p.load_stats.as_ref().map(|s| s.partition_ids.clone()),
            Some(vec![0, 1])
        );
        p.update_load_stats(None, 0);
        assert!(p.load_stats.is_none());
    }
}
