//! The consumer's errors.

use kafka_protocol::DecodeError;
use kafka_protocol::record::RecordError;

use super::assignor::AssignorError;
use super::{OffsetAndMetadata, TopicPartition};
use crate::error::{Error, KafkaCode};

/// Why a consumer operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConsumerError {
    /// A client-level failure (connection, timeout, broker error).
    #[error(transparent)]
    Client(#[from] Error),
    /// `auto.offset.reset=none` and the partition has no committed offset.
    #[error("no committed offset for {0} and auto.offset.reset is none")]
    NoOffset(TopicPartition),
    /// The position fell out of the log's range and `auto.offset.reset=none`.
    #[error("offset {offset} is out of range for {tp}")]
    OffsetOutOfRange {
        /// The partition.
        tp: TopicPartition,
        /// The position that was out of range.
        offset: i64,
    },
    /// The log was truncated below the position after a leader change (KIP-320) and
    /// `auto.offset.reset=none` (Java's `LogTruncationException`). The partition is not
    /// fetched again until the application seeks it.
    #[error(
        "log truncation detected for {tp} at offset {offset} (first divergent offset: {divergent:?})"
    )]
    LogTruncation {
        /// The partition.
        tp: TopicPartition,
        /// The position that the leader's log no longer holds.
        offset: i64,
        /// The first offset known to diverge and its leader epoch, when the leader said.
        divergent: Option<OffsetAndMetadata>,
    },
    /// A commit was refused because the membership it was made for is gone (Java's
    /// `CommitFailedException`); the code is the coordinator's answer.
    ///
    /// Which codes land here depends on `group.protocol`, as in Java 4.4: the classic consumer
    /// (`ConsumerCoordinator`) raises it for `UNKNOWN_MEMBER_ID` and `ILLEGAL_GENERATION`, and for
    /// `FENCED_INSTANCE_ID` answered to an older generation; the `consumer` protocol
    /// (`CommitRequestManager`) for `UNKNOWN_MEMBER_ID`, `FENCED_INSTANCE_ID`, and
    /// `STALE_MEMBER_EPOCH` answered to `commit_sync`. Other refusals, `FENCED_MEMBER_EPOCH`
    /// among them, are [`ConsumerError::Client`] with the code (Java's generic
    /// `KafkaException`), [`ConsumerError::RebalanceInProgress`] or [`ConsumerError::Group`].
    #[error("commit failed: {0}")]
    CommitFailed(KafkaCode),
    /// A classic member's commit was refused because the group is rebalancing, or because the
    /// member has already moved on to a newer generation that is still joining (Java's
    /// `RebalanceInProgressException`): poll to finish the rebalance, then commit again. The
    /// code is the coordinator's answer (`REBALANCE_IN_PROGRESS`, or the `UNKNOWN_MEMBER_ID`,
    /// `ILLEGAL_GENERATION` or `FENCED_INSTANCE_ID` the older generation got).
    #[error("commit refused while the group rebalances: {0}")]
    RebalanceInProgress(KafkaCode),
    /// An asynchronous commit (`commit_async`, the interval auto-commit) failed on an error a
    /// later commit may not meet (Java's `RetriableCommitFailedException`): it is not sent
    /// again, as Java's asynchronous commits are not. The source is the error it met: a code
    /// such as `COORDINATOR_LOAD_IN_PROGRESS` or `NOT_COORDINATOR`, a lost connection, or no
    /// coordinator found.
    #[error("asynchronous commit failed with a retriable error: {0}")]
    RetriableCommitFailed(#[source] Error),
    /// The group refused this member for good (e.g. `FENCED_INSTANCE_ID`,
    /// `INCONSISTENT_GROUP_PROTOCOL`, `GROUP_AUTHORIZATION_FAILED`). A classic member's commit
    /// answered `FENCED_INSTANCE_ID` for its current generation ends here too (Java's
    /// `FencedInstanceIdException`); when the commit was asynchronous, the consumer's next poll
    /// fails with it as well, as Java's does.
    #[error("group membership failed: {0}")]
    Group(KafkaCode),
    /// A group operation on a consumer without `group.id`.
    #[error("this operation needs group.id")]
    NoGroup,
    /// The leader's assignor failed.
    #[error(transparent)]
    Assignor(#[from] AssignorError),
    /// The group chose an assignor this member does not have.
    #[error("the group chose assignor {0:?}, which this consumer does not have")]
    UnknownAssignor(String),
    /// A member's subscription or our assignment could not be decoded.
    #[error("malformed group protocol payload: {0}")]
    Payload(#[from] DecodeError),
    /// A fetched batch was corrupt.
    #[error("corrupt records in {tp}: {source}")]
    Records {
        /// The partition.
        tp: TopicPartition,
        /// What was wrong.
        #[source]
        source: RecordError,
    },
    /// The partition is not assigned to this consumer.
    #[error("{0} is not assigned to this consumer")]
    NotAssigned(TopicPartition),
    /// The call is not valid in the consumer's current state.
    #[error("illegal state: {0}")]
    IllegalState(&'static str),
}
