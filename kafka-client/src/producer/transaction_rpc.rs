//! The IO side of transactions: coordinator lookup, the transactional requests with Kafka's
//! retry rules, and the public `Producer` methods that drive [`super::transaction`].
//!
//! Transaction protocol v1 (KIP-98): partitions are added with AddPartitionsToTxn (client
//! versions up to 3), offsets with AddOffsetsToTxn, and Produce stays at v11 and EndTxn at v4
//! so the coordinator never expects KIP-890's implicit adds or per-transaction epoch bumps.
//!
//! Transaction protocol v2 (KIP-890), chosen at `init_transactions` when the coordinator's
//! ApiVersions finalizes `transaction.version` >= 2: Produce v12+ adds partitions implicitly,
//! TxnOffsetCommit v5 adds the group (no AddOffsetsToTxn), and EndTxn v5 answers with the
//! bumped epoch the next transaction uses.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use kafka_protocol::messages::add_partitions_to_txn_request::AddPartitionsToTxnTopic;
use kafka_protocol::messages::find_coordinator_request::FindCoordinatorRequest;
use kafka_protocol::messages::txn_offset_commit_request::{
    TxnOffsetCommitRequestPartition, TxnOffsetCommitRequestTopic,
};
use kafka_protocol::messages::{
    AddOffsetsToTxnRequest, AddPartitionsToTxnRequest, ApiVersionsRequest, EndTxnRequest,
    InitProducerIdRequest, ProduceRequest, TxnOffsetCommitRequest,
};
use kafka_protocol::{Message, Request};
use tokio::time::Instant;

use super::metrics::TxnCall;
use super::transaction::{
    ConsumerGroupMetadata, Handling, TransactionError, TransactionManager, TxnApi, TxnState,
    classify,
};
use super::{IDLE_TICK, Inner, Producer, TopicPartition};
use crate::connection::Connection;
use crate::consumer::{OffsetAndMetadata, TopicPartition as ConsumerPartition};
use crate::error::{Error, KafkaCode};

/// Highest Produce version of transaction protocol v1 (v12 means "adds partitions implicitly").
pub(crate) const MAX_PRODUCE_VERSION_V1: i16 = 11;
/// AddPartitionsToTxn v4+ is broker-to-broker.
const MAX_ADD_PARTITIONS_VERSION: i16 = 3;
/// EndTxn v5 asks for an epoch bump per transaction (KIP-890).
const MAX_END_TXN_VERSION: i16 = 4;
const MAX_ADD_OFFSETS_VERSION: i16 = 4;
const MAX_TXN_OFFSET_COMMIT_VERSION: i16 = 4;
/// Transaction protocol v2's versions: Produce, TxnOffsetCommit and EndTxn.
const V2_PRODUCE_VERSION: i16 = 12;
const V2_TXN_OFFSET_COMMIT_VERSION: i16 = 5;
const V2_END_TXN_VERSION: i16 = 5;
/// ApiVersions v3 is the first to carry finalized features.
const API_VERSIONS_FEATURES_VERSION: i16 = 3;
/// InitProducerId v6 adds two-phase-commit fields this client does not use.
const MAX_INIT_PRODUCER_ID_VERSION: i16 = 5;
const FIND_COORDINATOR_MAX: i16 = 6;
const KEY_GROUP: i8 = 0;
const KEY_TRANSACTION: i8 = 1;

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Cached coordinators by `(key type, key)`: node id and address.
pub(crate) type Coordinators = std::sync::Mutex<BTreeMap<(i8, String), (i32, String)>>;

async fn coordinator(inner: &Inner, key_type: i8, key: &str) -> Result<Connection, Error> {
    let cached = lock(&inner.coordinators)
        .get(&(key_type, key.to_owned()))
        .cloned();
    // Java's producer reaches its coordinators as the brokers they are: one connection per
    // node, shared with its produce traffic.
    if let Some((node_id, addr)) = cached {
        return inner.cluster.pool().get(node_id, &addr).await;
    }
    let conn = inner.cluster.any_broker().await?;
    let v = conn
        .versions()
        .negotiate_within(
            FindCoordinatorRequest::API_KEY,
            FindCoordinatorRequest::MIN_VERSION,
            FIND_COORDINATOR_MAX,
        )
        .ok_or_else(|| Error::UnsupportedApi {
            broker: conn.broker().to_owned(),
            api: "FindCoordinator",
        })?;
    let req = FindCoordinatorRequest {
        key: if v < 4 { key.to_owned() } else { String::new() },
        key_type,
        coordinator_keys: if v >= 4 { vec![key.to_owned()] } else { vec![] },
        ..Default::default()
    };
    let resp = conn.send_version(&req, v).await?;
    let (code, node_id, host, port) = if v >= 4 {
        let c = resp.coordinators.first().ok_or_else(|| Error::Protocol {
            broker: conn.broker().to_owned(),
            reason: "FindCoordinator answered no coordinator".into(),
        })?;
        (c.error_code, c.node_id, c.host.clone(), c.port)
    } else {
        (resp.error_code, resp.node_id, resp.host.clone(), resp.port)
    };
    KafkaCode(code).ok()?;
    let addr = format!("{host}:{port}");
    lock(&inner.coordinators).insert((key_type, key.to_owned()), (node_id, addr.clone()));
    inner.cluster.pool().get(node_id, &addr).await
}

fn forget_coordinator(inner: &Inner, key_type: i8, key: &str) {
    lock(&inner.coordinators).remove(&(key_type, key.to_owned()));
}

/// Sends a request built by `build` to the coordinator of `(key_type, key)` until it succeeds,
/// fails for good, or `deadline` passes; `code` picks the error of an answer.
#[allow(clippy::too_many_arguments)]
async fn coordinator_call<R: Request>(
    inner: &Inner,
    txn: &std::sync::Mutex<TransactionManager>,
    api: TxnApi,
    operation: &'static str,
    key_type: i8,
    key: &str,
    max_version: i16,
    deadline: Instant,
    build: impl Fn() -> R,
    code: impl Fn(&R::Response) -> KafkaCode,
) -> Result<R::Response, TransactionError> {
    let backoff = inner
        .cfg
        .common
        .retry_backoff
        .max(Duration::from_millis(10));
    loop {
        let mut wait = backoff;
        let last = match coordinator(inner, key_type, key).await {
            Err(e) if e.is_retriable() || e.code().is_some() => {
                // FindCoordinator's own errors (e.g. COORDINATOR_NOT_AVAILABLE while the
                // internal topic is created) are transient; a coordinator that cannot be
                // reached has probably moved.
                forget_coordinator(inner, key_type, key);
                Arc::new(e)
            }
            Err(e) => return Err(TransactionError::Fatal(Arc::new(e))),
            Ok(conn) => {
                let Some(v) =
                    conn.versions()
                        .negotiate_within(R::API_KEY, R::MIN_VERSION, max_version)
                else {
                    let e = Arc::new(Error::UnsupportedApi {
                        broker: conn.broker().to_owned(),
                        api: operation,
                    });
                    lock(txn).set_fatal(e.clone());
                    return Err(TransactionError::Fatal(e));
                };
                match conn.send_version(&build(), v).await {
                    Ok(resp) => {
                        let c = code(&resp);
                        let h = classify(api, c);
                        if h == Handling::Done {
                            return Ok(resp);
                        }
                        wait = lock(txn).retry_backoff(api, c, backoff);
                        let e = Arc::new(Error::Kafka {
                            code: c,
                            message: None,
                        });
                        if h == Handling::FindCoordinator {
                            forget_coordinator(inner, key_type, key);
                        }
                        if let Some(err) = lock(txn).fail(h, e.clone()) {
                            return Err(err);
                        }
                        e
                    }
                    Err(e) if e.is_retriable() => {
                        forget_coordinator(inner, key_type, key);
                        Arc::new(e)
                    }
                    Err(e) => {
                        let e = Arc::new(e);
                        lock(txn).set_fatal(e.clone());
                        return Err(TransactionError::Fatal(e));
                    }
                }
            }
        };
        tracing::debug!(operation, error = %last, "transactional request failed; retrying");
        if Instant::now() + wait >= deadline {
            return Err(TransactionError::Timeout { operation, last });
        }
        tokio::time::sleep(wait).await;
    }
}

fn first_error<'a>(codes: impl IntoIterator<Item = &'a i16>) -> KafkaCode {
    codes
        .into_iter()
        .copied()
        .find(|&c| c != 0)
        .map_or(KafkaCode::NONE, KafkaCode)
}

fn txn_of(inner: &Inner) -> Result<&std::sync::Mutex<TransactionManager>, TransactionError> {
    inner.txn.as_ref().ok_or(TransactionError::NotTransactional)
}

/// InitProducerId for the transactional id: fresh (fencing older epochs) or, after an abort
/// that lost sequences, a KIP-360 bump of the current epoch.
async fn init_producer_id(inner: &Inner, bump: bool) -> Result<(), TransactionError> {
    let txn = txn_of(inner)?;
    let id = lock(txn).transactional_id().to_owned();
    let (pid, epoch) = lock(&inner.acc).idem.producer();
    let (pid, epoch) = if bump { (pid, epoch) } else { (-1, -1) };
    let timeout_ms = i32::try_from(inner.cfg.transaction_timeout.as_millis()).unwrap_or(i32::MAX);
    let resp = coordinator_call(
        inner,
        txn,
        TxnApi::InitProducerId,
        "InitProducerId",
        KEY_TRANSACTION,
        &id,
        MAX_INIT_PRODUCER_ID_VERSION,
        Instant::now() + inner.cfg.max_block,
        || InitProducerIdRequest {
            transactional_id: Some(id.clone()),
            transaction_timeout_ms: timeout_ms,
            producer_id: pid,
            producer_epoch: epoch,
            ..Default::default()
        },
        |r| KafkaCode(r.error_code),
    )
    .await?;
    tracing::debug!(
        transactional_id = %id,
        producer_id = resp.producer_id,
        epoch = resp.producer_epoch,
        "transactional producer id"
    );
    lock(&inner.acc)
        .idem
        .set_producer(resp.producer_id, resp.producer_epoch);
    Ok(())
}

/// AddPartitionsToTxn for the partitions the sender found pending; called by the sender
/// before it drains. Errors are recorded in the transaction state (and retried next round
/// when transient).
pub(crate) async fn add_pending_partitions(inner: &Inner) {
    let Some(txn) = inner.txn.as_ref() else {
        return;
    };
    let (id, pending) = {
        let t = lock(txn);
        if !matches!(t.state(), TxnState::InTransaction | TxnState::Committing) {
            return;
        }
        (t.transactional_id().to_owned(), t.pending_partitions())
    };
    if pending.is_empty() {
        return;
    }
    let (pid, epoch) = lock(&inner.acc).idem.producer();
    let mut topics: Vec<AddPartitionsToTxnTopic> = Vec::new();
    for tp in &pending {
        match topics.iter_mut().find(|t| *t.name == *tp.topic) {
            Some(t) => t.partitions.push(tp.partition),
            None => topics.push(AddPartitionsToTxnTopic {
                name: tp.topic.to_string(),
                partitions: vec![tp.partition],
                ..Default::default()
            }),
        }
    }
    let r = coordinator_call(
        inner,
        txn,
        TxnApi::AddPartitions,
        "AddPartitionsToTxn",
        KEY_TRANSACTION,
        &id,
        MAX_ADD_PARTITIONS_VERSION,
        Instant::now() + inner.cfg.common.request_timeout,
        || AddPartitionsToTxnRequest {
            v3_and_below_transactional_id: id.clone(),
            v3_and_below_producer_id: pid,
            v3_and_below_producer_epoch: epoch,
            v3_and_below_topics: topics.clone(),
            ..Default::default()
        },
        |r| {
            first_error(
                r.results_by_topic_v3_and_below
                    .iter()
                    .flat_map(|t| t.results_by_partition.iter())
                    .map(|p| &p.partition_error_code),
            )
        },
    )
    .await;
    match r {
        Ok(_) => lock(txn).partitions_added(&pending),
        Err(e) => tracing::debug!(error = %e, "AddPartitionsToTxn failed"),
    }
}

/// Whether the transaction coordinator speaks transaction protocol v2: `transaction.version`
/// finalized at 2 or more, and the request versions v2 needs.
async fn coordinator_speaks_v2(inner: &Inner, id: &str) -> bool {
    let Ok(conn) = coordinator(inner, KEY_TRANSACTION, id).await else {
        return false;
    };
    let v = conn.versions();
    let supports = |key: i16, version: i16| v.range(key).is_some_and(|(_, max)| max >= version);
    if !supports(ProduceRequest::API_KEY, V2_PRODUCE_VERSION)
        || !supports(
            TxnOffsetCommitRequest::API_KEY,
            V2_TXN_OFFSET_COMMIT_VERSION,
        )
        || !supports(EndTxnRequest::API_KEY, V2_END_TXN_VERSION)
        || !supports(ApiVersionsRequest::API_KEY, API_VERSIONS_FEATURES_VERSION)
    {
        return false;
    }
    let req = ApiVersionsRequest {
        client_software_name: "kafka-client-rs".into(),
        client_software_version: env!("CARGO_PKG_VERSION").into(),
        ..Default::default()
    };
    match conn.send_version(&req, API_VERSIONS_FEATURES_VERSION).await {
        Ok(resp) => resp
            .finalized_features
            .iter()
            .any(|f| f.name == "transaction.version" && f.max_version_level >= 2),
        Err(e) => {
            tracing::debug!(error = %e, "ApiVersions for features failed; transaction protocol v1");
            false
        }
    }
}

impl Producer {
    fn txn(&self) -> Result<&std::sync::Mutex<TransactionManager>, TransactionError> {
        txn_of(&self.inner)
    }

    /// Registers the `transactional.id` with its coordinator and gets a producer id and epoch
    /// (Java's `initTransactions`). Fences every older producer with the same id: their open
    /// transaction is aborted and their next request fails with `PRODUCER_FENCED`.
    ///
    /// Must be called once, before the first transaction; a [`TransactionError::Timeout`]
    /// can be retried by calling it again.
    pub async fn init_transactions(&self) -> Result<(), TransactionError> {
        let started = Instant::now();
        let txn = self.txn()?;
        lock(txn).start_init()?;
        init_producer_id(&self.inner, false).await?;
        let id = lock(txn).transactional_id().to_owned();
        let v2 = coordinator_speaks_v2(&self.inner, &id).await;
        tracing::debug!(transactional_id = %id, v2, "transaction protocol");
        let mut t = lock(txn);
        t.set_protocol_v2(v2);
        t.init_done();
        drop(t);
        // As Java, only a call that succeeded counts towards txn-*-time-ns-total.
        self.inner.metrics.txn(TxnCall::Init, started.elapsed());
        Ok(())
    }

    /// Starts a transaction: records sent from now until commit or abort are part of it.
    pub fn begin_transaction(&self) -> Result<(), TransactionError> {
        let started = Instant::now();
        let failures = lock(&self.inner.acc).failures;
        lock(self.txn()?).begin(failures)?;
        self.inner.metrics.txn(TxnCall::Begin, started.elapsed());
        Ok(())
    }

    /// Adds consumed `offsets` to the transaction, committed to `group`'s coordinator only if
    /// the transaction commits (Java's `sendOffsetsToTransaction`). The group metadata's
    /// generation, member id and instance id go to TxnOffsetCommit (KIP-447), so a member that
    /// lost its partitions in a rebalance cannot commit.
    pub async fn send_offsets_to_transaction(
        &self,
        offsets: &BTreeMap<ConsumerPartition, OffsetAndMetadata>,
        group: &ConsumerGroupMetadata,
    ) -> Result<(), TransactionError> {
        let started = Instant::now();
        let inner = &self.inner;
        let txn = self.txn()?;
        let id = {
            let t = lock(txn);
            t.check_offsets()?;
            t.transactional_id().to_owned()
        };
        let (pid, epoch) = lock(&inner.acc).idem.producer();
        let deadline = Instant::now() + inner.cfg.max_block;
        let v2 = lock(txn).is_v2();
        if !v2 {
            coordinator_call(
                inner,
                txn,
                TxnApi::AddOffsets,
                "AddOffsetsToTxn",
                KEY_TRANSACTION,
                &id,
                MAX_ADD_OFFSETS_VERSION,
                deadline,
                || AddOffsetsToTxnRequest {
                    transactional_id: id.clone(),
                    producer_id: pid,
                    producer_epoch: epoch,
                    group_id: group.group_id.clone(),
                    ..Default::default()
                },
                |r| KafkaCode(r.error_code),
            )
            .await?;
        }
        lock(txn).offsets_added();
        let mut topics: Vec<TxnOffsetCommitRequestTopic> = Vec::new();
        for (tp, om) in offsets {
            let part = TxnOffsetCommitRequestPartition {
                partition_index: tp.partition,
                committed_offset: om.offset,
                committed_leader_epoch: om.leader_epoch,
                committed_metadata: Some(om.metadata.clone()),
                ..Default::default()
            };
            match topics.iter_mut().find(|t| t.name == tp.topic) {
                Some(t) => t.partitions.push(part),
                None => topics.push(TxnOffsetCommitRequestTopic {
                    name: tp.topic.clone(),
                    partitions: vec![part],
                    ..Default::default()
                }),
            }
        }
        coordinator_call(
            inner,
            txn,
            TxnApi::TxnOffsetCommit,
            "TxnOffsetCommit",
            KEY_GROUP,
            &group.group_id,
            if v2 {
                V2_TXN_OFFSET_COMMIT_VERSION
            } else {
                MAX_TXN_OFFSET_COMMIT_VERSION
            },
            deadline,
            || TxnOffsetCommitRequest {
                transactional_id: id.clone(),
                group_id: group.group_id.clone(),
                producer_id: pid,
                producer_epoch: epoch,
                generation_id_or_member_epoch: group.generation_id,
                member_id: group.member_id.clone(),
                group_instance_id: group.group_instance_id.clone(),
                topics: topics.clone(),
                ..Default::default()
            },
            |r| {
                first_error(
                    r.topics
                        .iter()
                        .flat_map(|t| t.partitions.iter())
                        .map(|p| &p.error_code),
                )
            },
        )
        .await?;
        inner.metrics.txn(TxnCall::SendOffsets, started.elapsed());
        Ok(())
    }

    /// Sends what is queued and waits until it is all acknowledged, or the transaction
    /// failed (queued batches of a failed transaction would otherwise wait for nothing), or
    /// `max.block.ms` passed (the commit then times out and can be called again).
    async fn flush_transaction(
        &self,
        txn: &std::sync::Mutex<TransactionManager>,
    ) -> Result<(), TransactionError> {
        let inner = &self.inner;
        let deadline = Instant::now() + inner.cfg.max_block;
        lock(&inner.acc).set_flushing(true);
        inner.wake.notify_one();
        let mut result = Ok(());
        loop {
            let progressed = inner.progress.notified();
            if lock(&inner.acc).is_empty()
                || matches!(
                    lock(txn).state(),
                    TxnState::AbortableError(_) | TxnState::FatalError(_)
                )
                || lock(&inner.fatal).is_some()
            {
                break;
            }
            if Instant::now() >= deadline {
                result = Err(TransactionError::Timeout {
                    operation: "commit (flushing the transaction's records)",
                    last: Arc::new(Error::Timeout {
                        what: "records of the transaction".into(),
                        after: inner.cfg.max_block,
                    }),
                });
                break;
            }
            let _ = tokio::time::timeout(IDLE_TICK, progressed).await;
        }
        lock(&inner.acc).set_flushing(false);
        result
    }

    async fn end_txn(&self, commit: bool) -> Result<(), TransactionError> {
        let inner = &self.inner;
        let txn = self.txn()?;
        let (id, v2) = {
            let t = lock(txn);
            (t.transactional_id().to_owned(), t.is_v2())
        };
        let (pid, epoch) = lock(&inner.acc).idem.producer();
        let resp = coordinator_call(
            inner,
            txn,
            TxnApi::EndTxn,
            if commit {
                "commit (EndTxn)"
            } else {
                "abort (EndTxn)"
            },
            KEY_TRANSACTION,
            &id,
            if v2 {
                V2_END_TXN_VERSION
            } else {
                MAX_END_TXN_VERSION
            },
            Instant::now() + inner.cfg.max_block,
            || EndTxnRequest {
                transactional_id: id.clone(),
                producer_id: pid,
                producer_epoch: epoch,
                committed: commit,
                ..Default::default()
            },
            |r| KafkaCode(r.error_code),
        )
        .await?;
        if v2 && resp.producer_id >= 0 {
            // KIP-890: the next transaction runs under the bumped epoch, sequences from 0.
            lock(&inner.acc)
                .idem
                .set_producer(resp.producer_id, resp.producer_epoch);
        }
        Ok(())
    }

    /// Whether transaction protocol v2 (KIP-890) is in use; `None` without
    /// `transactional.id`.
    pub fn transaction_protocol_v2(&self) -> Option<bool> {
        self.inner.txn.as_ref().map(|t| lock(t).is_v2())
    }

    /// Flushes the transaction's records and commits it.
    ///
    /// [`TransactionError::Abortable`]: a record or request failed; call
    /// [`abort_transaction`](Self::abort_transaction). [`TransactionError::Timeout`]: the
    /// outcome is not known yet; calling `commit_transaction` again finishes the same commit
    /// (never a second copy of it). [`TransactionError::Fatal`]: close the producer.
    pub async fn commit_transaction(&self) -> Result<(), TransactionError> {
        let started = Instant::now();
        let txn = self.txn()?;
        if matches!(lock(txn).state(), TxnState::InTransaction) {
            self.flush_transaction(txn).await?;
        }
        if let Some(e) = lock(&self.inner.fatal).clone() {
            lock(txn).set_fatal(e);
        }
        let failures = lock(&self.inner.acc).failures;
        let need = lock(txn).start_commit(failures)?;
        if need {
            self.end_txn(true).await?;
        }
        lock(txn).end_done();
        self.inner.metrics.txn(TxnCall::Commit, started.elapsed());
        Ok(())
    }

    /// Aborts the transaction: queued records are dropped (their futures fail), records
    /// already written are marked aborted and stay invisible to read_committed consumers.
    pub async fn abort_transaction(&self) -> Result<(), TransactionError> {
        let started = Instant::now();
        let inner = &self.inner;
        let txn = self.txn()?;
        let need = lock(txn).start_abort()?;
        let aborted = Arc::new(Error::Transaction(TransactionError::InvalidState {
            operation: "deliver a record of an aborted transaction",
            state: "Aborting",
        }));
        // Requests already on the wire are waited for; whatever is queued (or comes back for
        // a retry) is dropped. A dropped batch that already had a sequence leaves a gap the
        // broker would refuse, so the epoch is bumped afterwards.
        loop {
            let progressed = inner.progress.notified();
            let (left, idle) = {
                let mut acc = lock(&inner.acc);
                let left = acc.take_all();
                if left.iter().any(|b| b.stamped.is_some()) {
                    acc.idem.request_bump();
                }
                (left, acc.in_flight() == 0)
            };
            for b in left {
                inner.memory.add_permits(b.memory);
                b.fail(&aborted);
            }
            if idle {
                break;
            }
            let _ = tokio::time::timeout(IDLE_TICK, progressed).await;
        }
        inner.progress.notify_waiters();
        if need {
            self.end_txn(false).await?;
        }
        if lock(&inner.acc).idem.bump_needed() {
            init_producer_id(inner, true).await?;
        }
        lock(txn).end_done();
        inner.metrics.txn(TxnCall::Abort, started.elapsed());
        Ok(())
    }

    /// The transaction state (for diagnostics); `None` without `transactional.id`.
    pub fn transaction_state(&self) -> Option<TxnState> {
        self.inner.txn.as_ref().map(|t| lock(t).state().clone())
    }
}

/// Whether batches of `tp` may be drained now: always for a non-transactional producer, only
/// once added to the transaction otherwise.
pub(crate) fn may_send(
    added: Option<&std::collections::BTreeSet<TopicPartition>>,
    tp: &TopicPartition,
) -> bool {
    added.is_none_or(|a| a.contains(tp))
}
