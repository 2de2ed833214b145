//! The transactional producer's state machine, without IO (Java's `TransactionManager`).
//!
//! ```text
//! Uninitialized --init--> Initializing --InitProducerId ok--> Ready
//! Ready --begin--> InTransaction --commit--> Committing --EndTxn ok--> Ready
//!                               \--abort---> Aborting  --EndTxn ok--> Ready
//! any --abortable error--> AbortableError --abort--> Aborting
//! any --fatal error--> FatalError (terminal)
//! ```
//!
//! Transaction protocol v1 (KIP-98): a partition is added to the transaction with
//! AddPartitionsToTxn before its first batch is sent, and a consumer group with
//! AddOffsetsToTxn before TxnOffsetCommit. The machine records which partitions are pending
//! and which are added; the IO side (the private `transaction_rpc` module) sends the requests
//! and feeds the answers back through [`classify`].
//!
//! A commit or abort that fails with a retriable error (a timeout, a coordinator move) keeps
//! its state, so calling it again resumes the same EndTxn instead of starting anything new;
//! the coordinator answers a repeated EndTxn for a transaction it already completed with
//! success, so a retried commit cannot duplicate.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::accumulator::TopicPartition;
use crate::error::{Error, KafkaCode};

/// Where the transactional producer is.
#[derive(Debug, Clone)]
pub enum TxnState {
    /// `init_transactions` has not completed.
    Uninitialized,
    /// InitProducerId is under way.
    Initializing,
    /// Between transactions.
    Ready,
    /// `begin_transaction` was called; sends and offsets join the transaction.
    InTransaction,
    /// EndTxn(commit) was started and has not completed.
    Committing,
    /// EndTxn(abort) was started and has not completed.
    Aborting,
    /// The transaction cannot commit; the application must abort (and may then retry).
    AbortableError(Arc<Error>),
    /// The producer cannot go on (fenced, unauthorized, ...); it must be closed.
    FatalError(Arc<Error>),
}

impl TxnState {
    fn name(&self) -> &'static str {
        match self {
            TxnState::Uninitialized => "Uninitialized",
            TxnState::Initializing => "Initializing",
            TxnState::Ready => "Ready",
            TxnState::InTransaction => "InTransaction",
            TxnState::Committing => "Committing",
            TxnState::Aborting => "Aborting",
            TxnState::AbortableError(_) => "AbortableError",
            TxnState::FatalError(_) => "FatalError",
        }
    }
}

impl fmt::Display for TxnState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a transactional operation failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TransactionError {
    /// The producer has no `transactional.id`.
    #[error("the producer has no transactional.id")]
    NotTransactional,
    /// The operation is not allowed in the current state (e.g. `send` before `begin`).
    #[error("cannot {operation} in transaction state {state}")]
    InvalidState {
        /// What was attempted.
        operation: &'static str,
        /// The state it was attempted in.
        state: &'static str,
    },
    /// The current transaction must be aborted; after `abort_transaction` the application may
    /// begin a new one.
    #[error("transaction must be aborted: {0}")]
    Abortable(Arc<Error>),
    /// The producer is fenced or otherwise unusable; it must be closed.
    #[error("fatal transactional producer error: {0}")]
    Fatal(Arc<Error>),
    /// The operation did not finish in time; calling it again resumes it.
    #[error("{operation} timed out: {last}")]
    Timeout {
        /// What timed out.
        operation: &'static str,
        /// The last error seen while retrying.
        last: Arc<Error>,
    },
}

impl TransactionError {
    /// Whether the producer is unusable.
    pub fn is_fatal(&self) -> bool {
        matches!(self, TransactionError::Fatal(_))
    }

    /// Whether the application should abort the transaction (and may then retry it).
    pub fn is_abortable(&self) -> bool {
        matches!(self, TransactionError::Abortable(_))
    }
}

/// The consumer's group identity for `send_offsets_to_transaction` (KIP-447): TxnOffsetCommit
/// carries generation, member id and instance id, so the group coordinator fences a zombie
/// whose group membership is stale even when its transactional id is distinct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerGroupMetadata {
    /// `group.id`.
    pub group_id: String,
    /// The group generation (classic) or member epoch (KIP-848); -1 when not a group member.
    pub generation_id: i32,
    /// The member id; empty when not a group member.
    pub member_id: String,
    /// `group.instance.id` of a static member.
    pub group_instance_id: Option<String>,
}

impl ConsumerGroupMetadata {
    /// Metadata for a group the consumer is not a member of (manual assignment): the
    /// coordinator then checks nothing but the producer epoch.
    pub fn new(group_id: impl Into<String>) -> Self {
        ConsumerGroupMetadata {
            group_id: group_id.into(),
            generation_id: -1,
            member_id: String::new(),
            group_instance_id: None,
        }
    }

    /// The metadata of `consumer` (Java's `consumer.groupMetadata()`); `None` without
    /// `group.id`.
    pub fn of(consumer: &crate::consumer::Consumer) -> Option<Self> {
        let cfg = consumer.config();
        let group_id = cfg.group_id.clone()?;
        let (generation_id, member_id) = consumer.group_metadata().unwrap_or((-1, String::new()));
        Some(ConsumerGroupMetadata {
            group_id,
            generation_id,
            member_id,
            group_instance_id: cfg.group_instance_id.clone(),
        })
    }
}

/// What to do with a broker's answer to a transactional request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    /// Success.
    Done,
    /// Retry the same request after a backoff.
    Retry,
    /// Look the coordinator up again, then retry.
    FindCoordinator,
    /// The transaction must be aborted.
    Abortable,
    /// The producer is dead.
    Fatal,
}

/// The transactional requests whose errors [`classify`] knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxnApi {
    /// InitProducerId.
    InitProducerId,
    /// AddPartitionsToTxn.
    AddPartitions,
    /// AddOffsetsToTxn.
    AddOffsets,
    /// TxnOffsetCommit (to the group coordinator).
    TxnOffsetCommit,
    /// EndTxn.
    EndTxn,
}

const COORDINATOR_LOAD_IN_PROGRESS: KafkaCode = KafkaCode(14);
const COORDINATOR_NOT_AVAILABLE: KafkaCode = KafkaCode(15);
const NOT_COORDINATOR: KafkaCode = KafkaCode(16);
const ILLEGAL_GENERATION: KafkaCode = KafkaCode(22);
const UNKNOWN_MEMBER_ID: KafkaCode = KafkaCode(25);
const TOPIC_AUTHORIZATION_FAILED: KafkaCode = KafkaCode(29);
const GROUP_AUTHORIZATION_FAILED: KafkaCode = KafkaCode(30);
const INVALID_PRODUCER_EPOCH: KafkaCode = KafkaCode(47);
const INVALID_TXN_STATE: KafkaCode = KafkaCode(48);
const INVALID_PRODUCER_ID_MAPPING: KafkaCode = KafkaCode(49);
const CONCURRENT_TRANSACTIONS: KafkaCode = KafkaCode(51);
const TRANSACTIONAL_ID_AUTHORIZATION_FAILED: KafkaCode = KafkaCode(53);
const OPERATION_NOT_ATTEMPTED: KafkaCode = KafkaCode(55);
const UNKNOWN_PRODUCER_ID: KafkaCode = KafkaCode(59);
const FENCED_INSTANCE_ID: KafkaCode = KafkaCode(82);
const PRODUCER_FENCED: KafkaCode = KafkaCode(90);
const TRANSACTION_ABORTABLE: KafkaCode = KafkaCode(120);

/// Kafka's handling of `code` in the answer to `api` under transaction protocol v1, as Java's
/// `TransactionManager` handlers decide it.
pub fn classify(api: TxnApi, code: KafkaCode) -> Handling {
    use Handling::*;
    match code {
        KafkaCode::NONE => Done,
        NOT_COORDINATOR | COORDINATOR_NOT_AVAILABLE => FindCoordinator,
        COORDINATOR_LOAD_IN_PROGRESS | CONCURRENT_TRANSACTIONS => Retry,
        // Under v1 a stale epoch means another producer with our id took over.
        PRODUCER_FENCED | INVALID_PRODUCER_EPOCH => Fatal,
        TRANSACTIONAL_ID_AUTHORIZATION_FAILED | INVALID_TXN_STATE => Fatal,
        TRANSACTION_ABORTABLE => Abortable,
        INVALID_PRODUCER_ID_MAPPING | UNKNOWN_PRODUCER_ID => match api {
            // The coordinator lost the id (expired): the transaction cannot complete, but a
            // new epoch can be had.
            TxnApi::InitProducerId => Fatal,
            _ => Abortable,
        },
        // Another partition of the same request failed; this one was not tried.
        OPERATION_NOT_ATTEMPTED => Abortable,
        TOPIC_AUTHORIZATION_FAILED | GROUP_AUTHORIZATION_FAILED => Abortable,
        UNKNOWN_MEMBER_ID | ILLEGAL_GENERATION | FENCED_INSTANCE_ID
            if api == TxnApi::TxnOffsetCommit =>
        {
            // KIP-447: this member's group membership is stale; its offsets must not land.
            Abortable
        }
        c if c.is_retriable() => Retry,
        _ => match api {
            TxnApi::InitProducerId | TxnApi::EndTxn => Fatal,
            _ => Abortable,
        },
    }
}

/// The retry backoff after the first AddPartitionsToTxn of a transaction is answered
/// CONCURRENT_TRANSACTIONS (Java's `ADD_PARTITIONS_RETRY_BACKOFF_MS`).
pub const ADD_PARTITIONS_CONCURRENT_BACKOFF: Duration = Duration::from_millis(20);

/// The state machine of one transactional producer.
#[derive(Debug)]
pub struct TransactionManager {
    transactional_id: String,
    state: TxnState,
    /// Partitions whose AddPartitionsToTxn succeeded in this transaction.
    added: BTreeSet<TopicPartition>,
    /// Partitions written to in this transaction and not yet added.
    pending: BTreeSet<TopicPartition>,
    /// Whether anything (a partition or offsets) joined the transaction on the broker side,
    /// i.e. whether EndTxn is needed.
    started: bool,
    /// Batch failures counted by the sender when the transaction began.
    failures_at_begin: u64,
    /// Transaction protocol v2 (KIP-890): Produce adds partitions implicitly, TxnOffsetCommit
    /// adds the group, and every EndTxn bumps the epoch.
    v2: bool,
}

impl TransactionManager {
    /// A manager for `transactional_id`, in `Uninitialized`.
    pub fn new(transactional_id: impl Into<String>) -> Self {
        TransactionManager {
            transactional_id: transactional_id.into(),
            state: TxnState::Uninitialized,
            added: BTreeSet::new(),
            pending: BTreeSet::new(),
            started: false,
            failures_at_begin: 0,
            v2: false,
        }
    }

    /// Chooses transaction protocol v2 (the coordinator advertised `transaction.version` 2 or
    /// more and the APIs it needs) or v1.
    pub fn set_protocol_v2(&mut self, on: bool) {
        self.v2 = on;
    }

    /// Whether transaction protocol v2 is in use.
    pub fn is_v2(&self) -> bool {
        self.v2
    }

    /// The `transactional.id`.
    pub fn transactional_id(&self) -> &str {
        &self.transactional_id
    }

    /// The current state.
    pub fn state(&self) -> &TxnState {
        &self.state
    }

    fn invalid(&self, operation: &'static str) -> TransactionError {
        match &self.state {
            TxnState::FatalError(e) => TransactionError::Fatal(e.clone()),
            TxnState::AbortableError(e) if operation != "begin a transaction" => {
                TransactionError::Abortable(e.clone())
            }
            s => TransactionError::InvalidState {
                operation,
                state: s.name(),
            },
        }
    }

    /// Starts `init_transactions`; allowed first, or again after a failed attempt.
    pub fn start_init(&mut self) -> Result<(), TransactionError> {
        match self.state {
            TxnState::Uninitialized | TxnState::Initializing => {
                self.state = TxnState::Initializing;
                Ok(())
            }
            _ => Err(self.invalid("initialize transactions")),
        }
    }

    /// InitProducerId succeeded.
    pub fn init_done(&mut self) {
        if matches!(self.state, TxnState::Initializing) {
            self.state = TxnState::Ready;
        }
    }

    /// `begin_transaction`; `failures` is the sender's batch-failure count now.
    pub fn begin(&mut self, failures: u64) -> Result<(), TransactionError> {
        match self.state {
            TxnState::Ready => {
                self.state = TxnState::InTransaction;
                self.added.clear();
                self.pending.clear();
                self.started = false;
                self.failures_at_begin = failures;
                Ok(())
            }
            _ => Err(self.invalid("begin a transaction")),
        }
    }

    /// Checks that a record may be sent now.
    pub fn check_send(&self) -> Result<(), TransactionError> {
        match self.state {
            TxnState::InTransaction => Ok(()),
            _ => Err(self.invalid("send")),
        }
    }

    /// Checks that offsets may be added now.
    pub fn check_offsets(&self) -> Result<(), TransactionError> {
        self.check_send()
            .map_err(|_| self.invalid("send offsets to a transaction"))
    }

    /// A record was appended for `tp`: it must be added before its batch is sent.
    pub fn record_partition(&mut self, tp: &TopicPartition) {
        if self.v2 {
            // The partition leader adds it when the first batch arrives.
            self.started = true;
            self.added.insert(tp.clone());
        } else if !self.added.contains(tp) {
            self.pending.insert(tp.clone());
        }
    }

    /// Partitions waiting for AddPartitionsToTxn.
    pub fn pending_partitions(&self) -> Vec<TopicPartition> {
        self.pending.iter().cloned().collect()
    }

    /// Whether batches of `tp` may be sent.
    pub fn is_added(&self, tp: &TopicPartition) -> bool {
        self.added.contains(tp)
    }

    /// The partitions added so far (the sender's drain filter).
    pub fn added_partitions(&self) -> BTreeSet<TopicPartition> {
        self.added.clone()
    }

    /// How long to wait before retrying `api` after an answer of `code` (classified
    /// [`Handling::Retry`]), given the configured `retry.backoff.ms`.
    ///
    /// CONCURRENT_TRANSACTIONS on the transaction's first AddPartitionsToTxn means the
    /// coordinator is still writing the previous transaction's markers, which takes a few
    /// milliseconds; waiting the whole `retry.backoff.ms` (100 ms by default) would add most
    /// of that to every transaction. Java retries that case after 20 ms; so does this.
    pub fn retry_backoff(&self, api: TxnApi, code: KafkaCode, configured: Duration) -> Duration {
        if api == TxnApi::AddPartitions && code == CONCURRENT_TRANSACTIONS && self.added.is_empty()
        {
            configured.min(ADD_PARTITIONS_CONCURRENT_BACKOFF)
        } else {
            configured
        }
    }

    /// AddPartitionsToTxn succeeded for `tps`.
    pub fn partitions_added(&mut self, tps: &[TopicPartition]) {
        for tp in tps {
            self.pending.remove(tp);
            self.added.insert(tp.clone());
        }
        self.started |= !tps.is_empty();
    }

    /// AddOffsetsToTxn succeeded: the group's offsets partition is in the transaction.
    pub fn offsets_added(&mut self) {
        self.started = true;
    }

    /// Starts (or resumes) a commit; `failures` is the sender's batch-failure count now,
    /// after a flush. Returns whether EndTxn must be sent.
    pub fn start_commit(&mut self, failures: u64) -> Result<bool, TransactionError> {
        match &self.state {
            TxnState::InTransaction => {
                if failures != self.failures_at_begin {
                    let e = Arc::new(Error::FatalProducer(
                        "a record of the transaction failed to send".into(),
                    ));
                    self.state = TxnState::AbortableError(e.clone());
                    return Err(TransactionError::Abortable(e));
                }
                self.state = TxnState::Committing;
                Ok(self.started)
            }
            TxnState::Committing => Ok(self.started),
            _ => Err(self.invalid("commit")),
        }
    }

    /// Starts (or resumes) an abort. Returns whether EndTxn must be sent.
    pub fn start_abort(&mut self) -> Result<bool, TransactionError> {
        match &self.state {
            TxnState::InTransaction | TxnState::AbortableError(_) | TxnState::Aborting => {
                self.state = TxnState::Aborting;
                Ok(self.started)
            }
            _ => Err(self.invalid("abort")),
        }
    }

    /// EndTxn succeeded (or was not needed): back to `Ready`.
    pub fn end_done(&mut self) {
        if matches!(self.state, TxnState::Committing | TxnState::Aborting) {
            self.state = TxnState::Ready;
            self.added.clear();
            self.pending.clear();
            self.started = false;
        }
    }

    /// An error the current transaction cannot survive. Ignored when already fatal, and
    /// outside a transaction (nothing to abort).
    pub fn set_abortable(&mut self, e: Arc<Error>) {
        if matches!(
            self.state,
            TxnState::InTransaction | TxnState::Committing | TxnState::AbortableError(_)
        ) {
            self.state = TxnState::AbortableError(e);
        }
    }

    /// An error the producer cannot survive.
    pub fn set_fatal(&mut self, e: Arc<Error>) {
        if !matches!(self.state, TxnState::FatalError(_)) {
            self.state = TxnState::FatalError(e);
        }
    }

    /// Applies `handling` of an error answer; returns the error for the caller to report when
    /// it ends the operation.
    pub fn fail(&mut self, handling: Handling, e: Arc<Error>) -> Option<TransactionError> {
        match handling {
            Handling::Fatal => {
                self.set_fatal(e.clone());
                Some(TransactionError::Fatal(e))
            }
            Handling::Abortable => {
                self.set_abortable(e.clone());
                Some(TransactionError::Abortable(e))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(p: i32) -> TopicPartition {
        TopicPartition {
            topic: "t".into(),
            partition: p,
        }
    }

    fn err() -> Arc<Error> {
        Arc::new(Error::Closed)
    }

    fn ready() -> TransactionManager {
        let mut m = TransactionManager::new("tx");
        m.start_init().unwrap();
        m.init_done();
        m
    }

    #[test]
    fn happy_path_goes_round() {
        let mut m = TransactionManager::new("tx");
        assert!(matches!(
            m.begin(0),
            Err(TransactionError::InvalidState {
                state: "Uninitialized",
                ..
            })
        ));
        m.start_init().unwrap();
        m.init_done();
        m.begin(0).unwrap();
        m.check_send().unwrap();
        m.record_partition(&tp(0));
        m.record_partition(&tp(1));
        assert!(!m.is_added(&tp(0)));
        assert_eq!(m.pending_partitions(), vec![tp(0), tp(1)]);
        m.partitions_added(&[tp(0), tp(1)]);
        assert!(m.is_added(&tp(1)));
        assert!(m.pending_partitions().is_empty());
        m.record_partition(&tp(0));
        assert!(m.pending_partitions().is_empty(), "already added");
        assert!(
            m.start_commit(0).unwrap(),
            "partitions were added: EndTxn needed"
        );
        assert!(m.check_send().is_err(), "no sends while committing");
        m.end_done();
        assert!(matches!(m.state(), TxnState::Ready));
        m.begin(0).unwrap();
        assert!(
            !m.is_added(&tp(0)),
            "a new transaction adds partitions again"
        );
    }

    #[test]
    fn protocol_v2_adds_partitions_implicitly() {
        let mut m = ready();
        m.set_protocol_v2(true);
        m.begin(0).unwrap();
        m.record_partition(&tp(3));
        assert!(
            m.pending_partitions().is_empty(),
            "no AddPartitionsToTxn under v2"
        );
        assert!(m.is_added(&tp(3)), "batches may go at once");
        assert!(
            m.start_commit(0).unwrap(),
            "a partition was written: EndTxn needed"
        );
    }

    #[test]
    fn empty_transaction_needs_no_end_txn() {
        let mut m = ready();
        m.begin(3).unwrap();
        assert!(!m.start_commit(3).unwrap());
        m.end_done();
        m.begin(3).unwrap();
        m.offsets_added();
        assert!(m.start_abort().unwrap());
    }

    #[test]
    fn failed_send_makes_commit_abortable() {
        let mut m = ready();
        m.begin(5).unwrap();
        let e = m.start_commit(6).unwrap_err();
        assert!(e.is_abortable());
        assert!(matches!(m.state(), TxnState::AbortableError(_)));
        assert!(m.check_send().unwrap_err().is_abortable());
        assert!(m.start_commit(6).unwrap_err().is_abortable());
        assert!(
            m.begin(6)
                .unwrap_err()
                .to_string()
                .contains("AbortableError")
        );
        m.start_abort().unwrap();
        m.end_done();
        m.begin(6).unwrap();
        assert!(!m.start_commit(6).unwrap());
    }

    #[test]
    fn timed_out_commit_resumes_as_commit_only() {
        let mut m = ready();
        m.begin(0).unwrap();
        m.partitions_added(&[tp(0)]);
        assert!(m.start_commit(0).unwrap());
        // EndTxn timed out: the state stays Committing, commit can be called again...
        assert!(m.start_commit(0).unwrap());
        // ...but not turned into an abort or a new transaction.
        assert!(m.start_abort().is_err());
        assert!(m.begin(0).is_err());
        m.end_done();
        assert!(matches!(m.state(), TxnState::Ready));
    }

    #[test]
    fn fatal_is_terminal() {
        let mut m = ready();
        m.begin(0).unwrap();
        assert!(m.fail(Handling::Fatal, err()).is_some_and(|e| e.is_fatal()));
        assert!(m.start_abort().unwrap_err().is_fatal());
        assert!(m.start_commit(0).unwrap_err().is_fatal());
        assert!(m.begin(0).unwrap_err().is_fatal());
        m.set_abortable(err());
        assert!(matches!(m.state(), TxnState::FatalError(_)));
        assert!(m.fail(Handling::Retry, err()).is_none());
    }

    #[test]
    fn abortable_outside_a_transaction_is_ignored() {
        let mut m = ready();
        m.set_abortable(err());
        assert!(matches!(m.state(), TxnState::Ready));
    }

    #[test]
    fn first_add_partitions_after_concurrent_transactions_retries_sooner() {
        let configured = Duration::from_millis(100);
        let mut m = ready();
        m.begin(0).unwrap();
        m.record_partition(&tp(0));
        assert_eq!(
            m.retry_backoff(TxnApi::AddPartitions, CONCURRENT_TRANSACTIONS, configured),
            ADD_PARTITIONS_CONCURRENT_BACKOFF,
            "the previous transaction is still completing"
        );
        assert_eq!(
            m.retry_backoff(
                TxnApi::AddPartitions,
                CONCURRENT_TRANSACTIONS,
                Duration::from_millis(5)
            ),
            Duration::from_millis(5),
            "a shorter configured backoff stays"
        );
        assert_eq!(
            m.retry_backoff(
                TxnApi::AddPartitions,
                COORDINATOR_LOAD_IN_PROGRESS,
                configured
            ),
            configured
        );
        assert_eq!(
            m.retry_backoff(TxnApi::EndTxn, CONCURRENT_TRANSACTIONS, configured),
            configured
        );
        m.partitions_added(&[tp(0)]);
        m.record_partition(&tp(1));
        assert_eq!(
            m.retry_backoff(TxnApi::AddPartitions, CONCURRENT_TRANSACTIONS, configured),
            configured,
            "only the transaction's first add waits less"
        );
    }

    #[test]
    fn classification_follows_kafka() {
        use Handling::*;
        assert_eq!(classify(TxnApi::EndTxn, KafkaCode::NONE), Done);
        assert_eq!(classify(TxnApi::EndTxn, NOT_COORDINATOR), FindCoordinator);
        assert_eq!(
            classify(TxnApi::InitProducerId, CONCURRENT_TRANSACTIONS),
            Retry
        );
        assert_eq!(classify(TxnApi::EndTxn, PRODUCER_FENCED), Fatal);
        assert_eq!(
            classify(TxnApi::AddPartitions, INVALID_PRODUCER_EPOCH),
            Fatal
        );
        assert_eq!(
            classify(
                TxnApi::InitProducerId,
                TRANSACTIONAL_ID_AUTHORIZATION_FAILED
            ),
            Fatal
        );
        assert_eq!(
            classify(TxnApi::TxnOffsetCommit, UNKNOWN_MEMBER_ID),
            Abortable
        );
        assert_eq!(
            classify(TxnApi::TxnOffsetCommit, ILLEGAL_GENERATION),
            Abortable
        );
        assert_eq!(
            classify(TxnApi::TxnOffsetCommit, FENCED_INSTANCE_ID),
            Abortable
        );
        assert_eq!(
            classify(TxnApi::AddPartitions, TRANSACTION_ABORTABLE),
            Abortable
        );
        assert_eq!(
            classify(TxnApi::AddPartitions, OPERATION_NOT_ATTEMPTED),
            Abortable
        );
        assert_eq!(
            classify(TxnApi::AddPartitions, TOPIC_AUTHORIZATION_FAILED),
            Abortable
        );
        assert_eq!(
            classify(
                TxnApi::TxnOffsetCommit,
                KafkaCode::UNKNOWN_TOPIC_OR_PARTITION
            ),
            Retry
        );
        assert_eq!(classify(TxnApi::EndTxn, INVALID_TXN_STATE), Fatal);
    }
}
