//! Timestamp extractors: which time a record counts as for stream time and windows.
//!
//! The built-in ones read the timestamp the record carries and differ only in what they do with a
//! negative one, as Java's four built-in extractors do.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::StreamsError;
use crate::processor::ConsumedRecord;

/// Picks a record's timestamp. A negative result makes the task drop the record with a warning.
pub trait TimestampExtractor: Send + Sync + 'static {
    /// The timestamp of `record`; `partition_time` is the largest timestamp seen so far on the
    /// record's partition, or -1 if none yet.
    fn extract(&self, record: &ConsumedRecord, partition_time: i64) -> Result<i64, StreamsError>;
}

/// Shared, type-erased extractor.
pub type SharedTimestampExtractor = Arc<dyn TimestampExtractor>;

/// The default: the record's own timestamp; a negative one is an error that stops processing.
#[derive(Debug, Clone, Copy, Default)]
pub struct FailOnInvalidTimestamp;

impl TimestampExtractor for FailOnInvalidTimestamp {
    fn extract(&self, record: &ConsumedRecord, _: i64) -> Result<i64, StreamsError> {
        if record.timestamp < 0 {
            return Err(StreamsError::InvalidTimestamp {
                topic: record.topic.to_string(),
                partition: record.partition,
                offset: record.offset,
                timestamp: record.timestamp,
            });
        }
        Ok(record.timestamp)
    }
}

/// The record's own timestamp; a negative one is logged and the record skipped.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogAndSkipOnInvalidTimestamp;

impl TimestampExtractor for LogAndSkipOnInvalidTimestamp {
    fn extract(&self, record: &ConsumedRecord, _: i64) -> Result<i64, StreamsError> {
        if record.timestamp < 0 {
            tracing::warn!(
                topic = %record.topic, partition = record.partition, offset = record.offset,
                timestamp = record.timestamp,
                "input record will be dropped because it has an invalid (negative) timestamp"
            );
        }
        // The negative value is returned as is: the task drops records with negative timestamps.
        Ok(record.timestamp)
    }
}

/// The record's own timestamp; a negative one is replaced by the partition time, and it is an
/// error when the partition has no time yet.
#[derive(Debug, Clone, Copy, Default)]
pub struct UsePartitionTimeOnInvalidTimestamp;

impl TimestampExtractor for UsePartitionTimeOnInvalidTimestamp {
    fn extract(&self, record: &ConsumedRecord, partition_time: i64) -> Result<i64, StreamsError> {
        if record.timestamp >= 0 {
            return Ok(record.timestamp);
        }
        if partition_time < 0 {
            return Err(StreamsError::InvalidTimestamp {
                topic: record.topic.to_string(),
                partition: record.partition,
                offset: record.offset,
                timestamp: record.timestamp,
            });
        }
        Ok(partition_time)
    }
}

/// The current wall-clock time, ignoring the record's timestamp (processing-time semantics).
#[derive(Debug, Clone, Copy, Default)]
pub struct WallclockTimestampExtractor;

impl TimestampExtractor for WallclockTimestampExtractor {
    fn extract(&self, _: &ConsumedRecord, _: i64) -> Result<i64, StreamsError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Ok(now)
    }
}
