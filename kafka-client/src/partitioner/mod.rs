//! Partition choice, identical to the Java producer's built-in behaviour.
//!
//! The order is the Java `KafkaProducer.partition` order: an explicit partition on the record
//! wins; otherwise a key (unless `partitioner.ignore.keys`) picks
//! `toPositive(murmur2(key)) % partition_count` over *all* partitions, available or not, so a
//! key keeps its partition while a leader is down; otherwise the record is key-less and goes to
//! the topic's [`StickyPartitioner`] (KIP-794 uniform sticky, optionally adaptive).

mod murmur2;
mod sticky;

pub use murmur2::{murmur2, to_positive};
pub use sticky::{StickyPartitioner, TopicPartitions};

/// Where a record goes, before the sticky partitioner is consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionChoice {
    /// The record named its partition.
    Explicit(i32),
    /// The partition was computed from the key's hash.
    Keyed(i32),
    /// No partition and no (usable) key: the topic's sticky partitioner decides.
    Sticky,
}

/// A record's partition could not be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartitionError {
    /// The topic has no partitions in the metadata (yet).
    #[error("topic has no partitions")]
    NoPartitions,
    /// An explicit partition outside `[0, partition_count)`; Java raises the same as a
    /// `KafkaException` ("Invalid partition given with record").
    #[error(
        "invalid partition {partition} given with record: not in the range [0...{partition_count})"
    )]
    InvalidPartition {
        /// The partition the record named.
        partition: i32,
        /// The topic's partition count.
        partition_count: u32,
    },
}

/// Java's `BuiltInPartitioner.partitionForKey`: the partition of a serialized key.
///
/// `partition_count` must be non-zero; callers check it (see [`choose_partition`]).
///
/// ```
/// use kafka_client::partitioner::partition_for_key;
/// assert_eq!(partition_for_key(b"key-0", 1), 0);
/// assert!(partition_for_key(b"key-0", 12) < 12);
/// ```
pub fn partition_for_key(key: &[u8], partition_count: u32) -> i32 {
    let count = partition_count.clamp(1, i32::MAX as u32) as i32;
    to_positive(murmur2(key)) % count
}

/// Chooses between the record's explicit partition, its key's hash and the sticky partitioner.
///
/// ```
/// use kafka_client::partitioner::{choose_partition, partition_for_key, PartitionChoice};
///
/// assert_eq!(choose_partition(Some(2), Some(b"k"), false, 3), Ok(PartitionChoice::Explicit(2)));
/// assert_eq!(
///     choose_partition(None, Some(b"k"), false, 3),
///     Ok(PartitionChoice::Keyed(partition_for_key(b"k", 3)))
/// );
/// // partitioner.ignore.keys=true sends keyed records to the sticky partition.
/// assert_eq!(choose_partition(None, Some(b"k"), true, 3), Ok(PartitionChoice::Sticky));
/// assert_eq!(choose_partition(None, None, false, 3), Ok(PartitionChoice::Sticky));
/// ```
pub fn choose_partition(
    explicit: Option<i32>,
    key: Option<&[u8]>,
    ignore_keys: bool,
    partition_count: u32,
) -> Result<PartitionChoice, PartitionError> {
    if partition_count == 0 {
        return Err(PartitionError::NoPartitions);
    }
    if let Some(partition) = explicit {
        if partition < 0 || partition as u32 >= partition_count {
            return Err(PartitionError::InvalidPartition {
                partition,
                partition_count,
            });
        }
        return Ok(PartitionChoice::Explicit(partition));
    }
    match key {
        Some(key) if !ignore_keys => Ok(PartitionChoice::Keyed(partition_for_key(
            key,
            partition_count,
        ))),
        _ => Ok(PartitionChoice::Sticky),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_partition_is_range_checked() {
        assert_eq!(
            choose_partition(Some(3), None, false, 3),
            Err(PartitionError::InvalidPartition {
                partition: 3,
                partition_count: 3
            })
        );
        assert_eq!(
            choose_partition(Some(-1), None, false, 3),
            Err(PartitionError::InvalidPartition {
                partition: -1,
                partition_count: 3
            })
        );
        assert_eq!(
            choose_partition(Some(0), None, false, 0),
            Err(PartitionError::NoPartitions)
        );
    }

    #[test]
    fn empty_key_is_still_a_key() {
        // Java hashes an empty serialized key; only a null key is key-less.
        assert_eq!(
            choose_partition(None, Some(b""), false, 100),
            Ok(PartitionChoice::Keyed(275646681 % 100))
        );
    }
}
