//! The shared core every client role stands on: the connection pool plus the metadata cache,
//! and the rules for reaching "a broker", "the leader of p" or "broker n".
//!
//! Producer, admin, and later the consumer and the streams runtime each hold an
//! `Arc<Cluster>`. Metadata refreshes are single-flight: concurrent callers that ask for a
//! refresh while one is running wait for it and share its result.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use kafka_protocol::Request;
use kafka_protocol::messages::MetadataRequest;
use kafka_protocol::messages::metadata_request::MetadataRequestTopic;
use tokio::time::Instant;

use crate::config::CommonConfig;
use crate::connection::{ConnectOptions, Connection, ConnectionPool};
use crate::error::{Error, KafkaCode, Result};
use crate::metadata::{ClusterMetadata, TopicMetadata};
use crate::metrics::network::NetworkMetrics;

/// Connections plus metadata for one logical client.
#[derive(Debug)]
pub struct Cluster {
    config: CommonConfig,
    pool: ConnectionPool,
    snapshot: RwLock<Arc<ClusterMetadata>>,
    /// Topics whose metadata is kept fresh (the producer's topics).
    interest: Mutex<BTreeSet<String>>,
    refresh_lock: tokio::sync::Mutex<()>,
    generation: AtomicU64,
    last_refresh: Mutex<Option<Instant>>,
    created: Instant,
    allow_auto_topic_creation: bool,
}

impl Cluster {
    /// A cluster client for `config`; nothing is connected until first use.
    ///
    /// `allow_auto_topic_creation` is what Metadata requests ask for: the producer asks for it
    /// (the broker's `auto.create.topics.enable` decides), admin and consumer do not.
    pub fn new(config: CommonConfig, allow_auto_topic_creation: bool) -> Result<Arc<Cluster>> {
        Self::with_network_metrics(config, allow_auto_topic_creation, None)
    }

    /// [`Cluster::new`] whose connections record into a client's network metrics.
    pub(crate) fn with_network_metrics(
        config: CommonConfig,
        allow_auto_topic_creation: bool,
        metrics: Option<Arc<NetworkMetrics>>,
    ) -> Result<Arc<Cluster>> {
        let mut opts = ConnectOptions::from_config(&config)?;
        opts.metrics = metrics;
        let pool = ConnectionPool::new(opts, config.reconnect_backoff_policy());
        Ok(Arc::new(Cluster {
            config,
            pool,
            snapshot: RwLock::new(Arc::new(ClusterMetadata::default())),
            interest: Mutex::new(BTreeSet::new()),
            refresh_lock: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            last_refresh: Mutex::new(None),
            created: Instant::now(),
            allow_auto_topic_creation,
        }))
    }

    /// The configuration.
    pub fn config(&self) -> &CommonConfig {
        &self.config
    }

    /// The connection pool.
    pub fn pool(&self) -> &ConnectionPool {
        &self.pool
    }

    /// The current metadata snapshot.
    pub fn metadata(&self) -> Arc<ClusterMetadata> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Adds topics to the set kept fresh by [`refresh`](Self::refresh).
    pub fn add_interest<'a>(&self, topics: impl IntoIterator<Item = &'a str>) {
        let mut set = self.interest.lock().unwrap_or_else(|e| e.into_inner());
        for t in topics {
            if !set.contains(t) {
                set.insert(t.to_owned());
            }
        }
    }

    /// How many metadata answers have been merged so far: a caller that notes it when it finds
    /// the metadata wanting can tell later whether an answer came in since.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Whether the snapshot is older than `metadata.max.age.ms` (or there is none).
    pub fn is_stale(&self) -> bool {
        let last = *self.last_refresh.lock().unwrap_or_else(|e| e.into_inner());
        last.is_none_or(|t| t.elapsed() >= self.config.metadata_max_age)
    }

    /// How old the metadata snapshot is: since the last successful refresh, or since this
    /// client started when there has been none (the producer's `metadata-age`).
    pub(crate) fn metadata_age(&self) -> std::time::Duration {
        let last = *self.last_refresh.lock().unwrap_or_else(|e| e.into_inner());
        last.unwrap_or(self.created).elapsed()
    }

    /// Refreshes the metadata of the topics of interest (single-flight).
    pub async fn refresh(&self) -> Result<Arc<ClusterMetadata>> {
        let seen = self.generation.load(Ordering::SeqCst);
        let _guard = self.refresh_lock.lock().await;
        if self.generation.load(Ordering::SeqCst) != seen {
            return Ok(self.metadata());
        }
        let topics: Vec<String> = self
            .interest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect();
        self.fetch_metadata(Some(&topics)).await
    }

    /// Asks a broker for the metadata of `topics` (`None`: every topic) and merges the answer
    /// into the cache.
    pub async fn fetch_metadata(&self, topics: Option<&[String]>) -> Result<Arc<ClusterMetadata>> {
        let req = MetadataRequest {
            topics: topics.map(|ts| {
                ts.iter()
                    .map(|t| MetadataRequestTopic {
                        name: Some(t.clone()),
                        ..Default::default()
                    })
                    .collect()
            }),
            allow_auto_topic_creation: self.allow_auto_topic_creation,
            ..Default::default()
        };
        let resp = self.send_any(&req).await?;
        let mut w = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
        let next = Arc::new(w.merge(&resp, topics.is_none()));
        *w = next.clone();
        drop(w);
        self.generation.fetch_add(1, Ordering::SeqCst);
        *self.last_refresh.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        Ok(next)
    }

    /// Waits until `topic` has metadata with at least one partition, refreshing with
    /// `retry.backoff.ms` backoff, for at most `timeout`.
    ///
    /// A topic that stays unknown ends in [`Error::UnknownTopic`]; other failures to learn it
    /// in time end in [`Error::Timeout`].
    pub async fn wait_for_topic(&self, topic: &str, timeout: Duration) -> Result<TopicMetadata> {
        self.add_interest([topic]);
        let deadline = Instant::now() + timeout;
        let backoff = self.config.retry_backoff_policy();
        let mut attempt = 0;
        let mut last_code = None;
        loop {
            let snapshot = self.metadata();
            if let Some(t) = snapshot.topic(topic) {
                if !t.partitions.is_empty() {
                    return Ok(t.clone());
                }
                last_code = Some(t.error);
                if !t.error.is_ok() && !t.error.is_retriable() {
                    return Err(Error::UnknownTopic {
                        topic: topic.to_owned(),
                        code: t.error,
                    });
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(match last_code {
                    Some(code) if code == KafkaCode::UNKNOWN_TOPIC_OR_PARTITION => {
                        Error::UnknownTopic {
                            topic: topic.to_owned(),
                            code,
                        }
                    }
                    _ => Error::Timeout {
                        what: format!("metadata for topic {topic:?}"),
                        after: timeout,
                    },
                });
            }
            if attempt > 0 {
                let wait = backoff.backoff(attempt - 1, &mut rand::rng());
                tokio::time::sleep_until((now + wait).min(deadline)).await;
            }
            attempt += 1;
            match tokio::time::timeout_at(deadline, self.refresh()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) if e.is_retriable() => {
                    tracing::debug!(%topic, error = %e, "metadata refresh failed");
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => {}
            }
        }
    }

    /// The connection to broker `node_id` (from the metadata).
    pub async fn broker(&self, node_id: i32) -> Result<Connection> {
        let addr = self
            .metadata()
            .brokers
            .get(&node_id)
            .map(|b| b.address())
            .ok_or_else(|| Error::NoBroker(format!("broker {node_id} is not in the metadata")))?;
        self.pool.get(node_id, &addr).await
    }

    /// Some live broker: an open connection if there is one, else the first known broker (then
    /// bootstrap server) that accepts a connection.
    ///
    /// A bootstrap server is a node of its own (`-1 - index`, as Java numbers them) and is used
    /// only while no known broker has its address: once metadata names the broker behind it,
    /// that broker's own connection carries the traffic, as in Java's clients.
    pub async fn any_broker(&self) -> Result<Connection> {
        let snapshot = self.metadata();
        let mut nodes: Vec<(i32, String)> = snapshot
            .brokers
            .iter()
            .map(|(id, b)| (*id, b.address()))
            .collect();
        nodes.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        for (i, b) in self.config.bootstrap_servers.iter().enumerate() {
            let a = format!("{}:{}", b.host, b.port);
            if !nodes.iter().any(|(_, known)| *known == a) {
                nodes.push((bootstrap_node_id(i), a));
            }
        }
        if let Some(c) = nodes.iter().find_map(|(id, a)| self.pool.existing(*id, a)) {
            return Ok(c);
        }
        // Prefer nodes not in backoff, but try them all rather than fail early.
        nodes.sort_by_key(|(id, a)| self.pool.is_backing_off(*id, a));
        let mut last = None;
        for (id, a) in &nodes {
            match self.pool.get(*id, a).await {
                Ok(c) => return Ok(c),
                // Wrong credentials or an unusable broker will not get better on another
                // address of the same cluster: report it as it is.
                Err(e) if !e.is_retriable() => return Err(e),
                Err(e) => last = Some(format!("{a}: {e}")),
            }
        }
        Err(Error::NoBroker(last.unwrap_or_else(|| {
            "no bootstrap servers configured".into()
        })))
    }

    /// Sends `req` to some broker.
    pub async fn send_any<R: Request>(&self, req: &R) -> Result<R::Response> {
        let conn = self.any_broker().await?;
        conn.send(req).await
    }

    /// Sends `req` to broker `node_id`.
    pub async fn send_to<R: Request>(&self, node_id: i32, req: &R) -> Result<R::Response> {
        let conn = self.broker(node_id).await?;
        conn.send(req).await
    }

    /// Closes every connection, waiting up to `timeout` for outstanding responses.
    pub async fn close(&self, timeout: Duration) {
        self.pool.close(timeout).await;
    }
}

/// The node id of the bootstrap server at `index` of `bootstrap.servers`: -1, -2, … as Java's
/// clients number them, so they never collide with a broker's id.
fn bootstrap_node_id(index: usize) -> i32 {
    i32::try_from(index).map_or(i32::MIN, |i| -1 - i)
}
