//! One TCP connection to one broker: the tokio driver around [`super::frame`].
//!
//! Setup runs in the caller's task, strictly request-by-request: TCP connect, ApiVersions
//! (choosing the highest version both sides speak), then SASL if configured. After that two
//! tasks own the socket: a writer that coalesces queued frames into one write (pipelining), and
//! a reader that matches each response to the oldest outstanding request. Callers encode and
//! decode bodies in their own tasks, so the socket tasks only move bytes.
//!
//! A request that times out closes the connection, as the Java client does: the broker may be
//! stuck, and later responses on the same socket would arrive behind the lost one anyway.
//!
//! A connection idle for `connections.max.idle.ms` closes too, as Java's `Selector` closes
//! expired connections: the idle clock is the connection's own, reset by every frame written or
//! read (and when the pool hands the connection to a caller about to send), and a connection
//! waiting for a response is not idle. A third task, started only when
//! the limit is set, sleeps until the connection could expire and closes it then; whoever holds
//! it sees it closed and connects again (the [`ConnectionPool`](super::ConnectionPool) does that
//! on the next request to the node).

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use kafka_protocol::messages::{
    ApiVersionsRequest, ApiVersionsResponse, SaslAuthenticateRequest, SaslHandshakeRequest,
};
use kafka_protocol::{Message, Request};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::task::AbortHandle;

use super::frame::{Expect, InFlight, MAX_RESPONSE_SIZE, encode_request};
use super::tls::{self, TlsConnector};
use super::versions::BrokerVersions;
use crate::config::SaslConfig;
use crate::error::{Error, KafkaCode, Result};
use crate::metrics::network::{NetworkMetrics, NodeMetrics};
use crate::sasl::SaslClient;

/// The software name sent in ApiVersions v3+ (the broker checks it against
/// `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?`).
const SOFTWARE_NAME: &str = "kstreams-rs";

/// How to open a connection.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// `client.id`.
    pub client_id: String,
    /// `request.timeout.ms`: how long a request may wait for its response.
    pub request_timeout: Duration,
    /// `socket.connection.setup.timeout.ms`: TCP connect plus handshakes.
    pub setup_timeout: Duration,
    /// SASL credentials, for `SASL_PLAINTEXT` and `SASL_SSL`.
    pub sasl: Option<SaslConfig>,
    /// TLS, for `SSL` and `SASL_SSL`; SASL (if any) runs inside it.
    pub tls: Option<TlsConnector>,
    /// `connections.max.idle.ms`: a connection with no frame written or read for this long
    /// (10 ms at the least), and no request waiting for its response, is closed. `None` keeps
    /// idle connections open.
    pub max_idle: Option<Duration>,
    /// Where connections record the client's network metrics, if the client keeps them.
    pub(crate) metrics: Option<Arc<NetworkMetrics>>,
}

impl ConnectOptions {
    /// Options from the shared client configuration; reads the TLS stores when the protocol
    /// uses TLS.
    pub fn from_config(common: &crate::config::CommonConfig) -> Result<Self> {
        let tls = if common.security_protocol.uses_tls() {
            let default = crate::config::TlsConfig::default();
            tls::connector(Some(common.tls.as_ref().unwrap_or(&default)))?
        } else {
            None
        };
        Ok(ConnectOptions {
            client_id: common.client_id.clone(),
            request_timeout: common.request_timeout,
            setup_timeout: common.socket_connection_setup_timeout,
            sasl: if common.security_protocol.uses_sasl() {
                common.sasl.clone()
            } else {
                None
            },
            tls,
            max_idle: common.connections_max_idle,
            metrics: None,
        })
    }
}

/// A frame for the writer, with the response slot when one is expected.
struct Outgoing {
    frame: Bytes,
    expect: Option<(Expect, oneshot::Sender<Result<Bytes>>)>,
}

type Pending = oneshot::Sender<Result<Bytes>>;

struct Shared {
    broker: String,
    client_id: String,
    request_timeout: Duration,
    versions: BrokerVersions,
    next_correlation: AtomicI32,
    in_flight: Mutex<InFlight<Pending>>,
    closed: AtomicBool,
    outstanding: AtomicUsize,
    tasks: Mutex<Vec<AbortHandle>>,
    /// The client's network metrics; `counted` is whether this connection still counts as open
    /// there, so its close is recorded once whichever way it ends.
    metrics: Option<Arc<NetworkMetrics>>,
    counted: AtomicBool,
    /// The sensors of the node this connection was opened to, when it was opened as one.
    node: Option<Arc<NodeMetrics>>,
    /// When the connection started, the origin of `last_active`.
    born: tokio::time::Instant,
    /// Nanoseconds after `born` of the last frame written or read (the idle clock).
    last_active: AtomicU64,
}

impl Shared {
    /// A frame moved: the connection is not idle now.
    fn touch(&self) {
        let nanos = u64::try_from(self.born.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last_active.fetch_max(nanos, Ordering::Relaxed);
    }

    /// When the connection last moved a frame.
    fn last_active(&self) -> tokio::time::Instant {
        self.born + Duration::from_nanos(self.last_active.load(Ordering::Relaxed))
    }

    fn uncount(&self) {
        if self.counted.swap(false, Ordering::SeqCst)
            && let Some(m) = &self.metrics
        {
            m.disconnected();
        }
    }

    /// Marks the connection dead and fails everything outstanding.
    fn fail_all(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let drained: Vec<_> = {
            let mut q = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            q.drain().collect()
        };
        for (_, tx) in drained {
            let _ = tx.send(Err(Error::Disconnected {
                broker: self.broker.clone(),
            }));
        }
    }

    fn abort(&self) {
        self.fail_all();
        self.uncount();
        for t in self
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            t.abort();
        }
    }
}

impl Drop for Shared {
    /// Socket tasks dropped without an abort (their runtime shut down) still close the socket.
    fn drop(&mut self) {
        self.uncount();
    }
}

/// A cheap, cloneable handle to one broker connection.
#[derive(Clone)]
pub struct Connection {
    shared: Arc<Shared>,
    tx: mpsc::Sender<Outgoing>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("broker", &self.shared.broker)
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl Connection {
    /// Connects to `addr` (`host:port`), negotiates versions and authenticates. The connection
    /// belongs to no node: it records no per-node metrics.
    pub async fn connect(addr: &str, opts: &ConnectOptions) -> Result<Connection> {
        Self::connect_with(addr, None, opts).await
    }

    /// [`connect`](Self::connect) to `addr` as node `node_id`, the connection id Java's clients
    /// give it and tag its node's metrics with (`node-id=node-<node_id>`): a broker's id (`1`),
    /// a bootstrap server's `-1 - index` (`-1`), a consumer's group coordinator `+<id>` (`+1`).
    pub async fn connect_node(
        addr: &str,
        node_id: &str,
        opts: &ConnectOptions,
    ) -> Result<Connection> {
        Self::connect_with(addr, Some(node_id), opts).await
    }

    async fn connect_with(
        addr: &str,
        node_id: Option<&str>,
        opts: &ConnectOptions,
    ) -> Result<Connection> {
        match tokio::time::timeout(opts.setup_timeout, Self::setup(addr, node_id, opts)).await {
            Ok(r) => r,
            Err(_) => Err(Error::Timeout {
                what: format!("connecting to {addr}"),
                after: opts.setup_timeout,
            }),
        }
    }

    async fn setup(addr: &str, node_id: Option<&str>, opts: &ConnectOptions) -> Result<Connection> {
        let io = |source| Error::Io {
            broker: addr.to_owned(),
            source,
        };
        let connected = TcpStream::connect(addr).await;
        // Java registers a node's sensors at its connection's first socket event, which a
        // refused connect is too (a name that does not resolve never gets that far).
        let reached = match &connected {
            Ok(_) => true,
            Err(e) => e.kind() == std::io::ErrorKind::ConnectionRefused,
        };
        let node = opts
            .metrics
            .as_deref()
            .zip(node_id)
            .filter(|_| reached)
            .map(|(m, id)| m.node(id));
        let mut stream = connected.map_err(io)?;
        let metrics = opts.metrics.as_deref();
        if let Some(m) = metrics {
            m.connected();
        }
        let result = async {
            stream.set_nodelay(true).map_err(io)?;
            match &opts.tls {
                None => {
                    let (versions, correlation) =
                        Self::handshake(&mut stream, addr, opts, node.as_deref()).await?;
                    let (read, write) = stream.into_split();
                    Ok(Self::spawn(
                        read,
                        write,
                        addr,
                        opts,
                        node,
                        versions,
                        correlation,
                    ))
                }
                Some(tls) => {
                    let mut stream = tls.connect(stream, addr).await?;
                    let (versions, correlation) =
                        Self::handshake(&mut stream, addr, opts, node.as_deref()).await?;
                    let (read, write) = tokio::io::split(stream);
                    Ok(Self::spawn(
                        read,
                        write,
                        addr,
                        opts,
                        node,
                        versions,
                        correlation,
                    ))
                }
            }
        }
        .await;
        if let Some(m) = metrics {
            match &result {
                // A PLAINTEXT channel is ready the moment it connects, and Java's selector
                // counts only the authentications it had to wait for (TLS, SASL).
                Ok(_) if opts.tls.is_some() || opts.sasl.is_some() => m.authenticated(),
                Ok(_) => {}
                Err(e) => {
                    if matches!(e, Error::Authentication { .. } | Error::Tls(_)) {
                        m.authentication_failed();
                    }
                    // The socket dies with this attempt (the connection itself is never made).
                    m.disconnected();
                }
            }
        }
        result
    }

    /// ApiVersions and SASL; returns the versions and the next correlation id.
    async fn handshake<S: AsyncRead + AsyncWrite + Unpin>(
        stream: &mut S,
        addr: &str,
        opts: &ConnectOptions,
        node: Option<&NodeMetrics>,
    ) -> Result<(BrokerVersions, i32)> {
        let mut setup = Setup {
            stream,
            broker: addr,
            client_id: &opts.client_id,
            correlation: 0,
            metrics: opts.metrics.as_deref(),
            node,
        };
        let versions = setup.api_versions().await?;
        if let Some(sasl) = &opts.sasl {
            setup.authenticate(sasl, &versions).await?;
        }
        Ok((versions, setup.correlation))
    }

    fn spawn<R, W>(
        read: R,
        write: W,
        addr: &str,
        opts: &ConnectOptions,
        node: Option<Arc<NodeMetrics>>,
        versions: BrokerVersions,
        correlation: i32,
    ) -> Connection
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let shared = Arc::new(Shared {
            broker: addr.to_owned(),
            client_id: opts.client_id.clone(),
            request_timeout: opts.request_timeout,
            versions,
            next_correlation: AtomicI32::new(correlation),
            in_flight: Mutex::new(InFlight::default()),
            closed: AtomicBool::new(false),
            outstanding: AtomicUsize::new(0),
            tasks: Mutex::new(Vec::new()),
            counted: AtomicBool::new(opts.metrics.is_some()),
            metrics: opts.metrics.clone(),
            node,
            // The setup exchanges just ended: the idle clock starts now.
            born: tokio::time::Instant::now(),
            last_active: AtomicU64::new(0),
        });
        // Bounded: a burst of requests waits here instead of growing an unbounded queue.
        let (tx, rx) = mpsc::channel(256);
        let reader = tokio::spawn(read_loop(read, shared.clone()));
        let writer = tokio::spawn(write_loop(write, rx, shared.clone()));
        let mut tasks = vec![reader.abort_handle(), writer.abort_handle()];
        if let Some(limit) = opts.max_idle {
            // Weak: the watcher must not keep a connection nobody holds any more alive.
            tasks.push(
                tokio::spawn(expire_when_idle(Arc::downgrade(&shared), limit)).abort_handle(),
            );
        }
        shared
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(tasks);
        Connection { shared, tx }
    }

    /// `host:port` of the broker.
    pub fn broker(&self) -> &str {
        &self.shared.broker
    }

    /// The broker's advertised API versions.
    pub fn versions(&self) -> &BrokerVersions {
        &self.shared.versions
    }

    /// Whether the connection has failed or been closed.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::SeqCst) || self.tx.is_closed()
    }

    /// Restarts the idle clock for a caller about to send on this connection, so that it does
    /// not expire between being handed out and the request reaching it (Java has no such gap:
    /// its sends and its expiry check run on one thread, and a send resets the clock).
    pub(crate) fn mark_in_use(&self) {
        self.shared.touch();
    }

    /// Requests sent whose responses have not arrived.
    pub fn outstanding(&self) -> usize {
        self.shared.outstanding.load(Ordering::Relaxed)
    }

    /// The version of `R` to use with this broker.
    pub fn version_for<R: Message>(&self) -> Result<i16> {
        self.shared
            .versions
            .negotiate::<R>()
            .ok_or_else(|| Error::UnsupportedApi {
                broker: self.shared.broker.clone(),
                api: R::NAME,
            })
    }

    /// Sends `req` at the negotiated version and waits for its response.
    pub async fn send<R: Request>(&self, req: &R) -> Result<R::Response> {
        let version = self.version_for::<R>()?;
        self.send_version(req, version).await
    }

    /// Sends `req` at `version` and waits for its response (at most `request.timeout.ms`).
    pub async fn send_version<R: Request>(&self, req: &R, version: i16) -> Result<R::Response> {
        self.enqueue(req, version).await?.await
    }

    /// Queues `req` on the socket and returns a future of its response.
    ///
    /// Requests reach the broker in the order their `enqueue` calls complete, so a caller that
    /// needs ordering (the producer: sequence numbers of one partition) enqueues from one task
    /// and awaits the responses elsewhere.
    pub async fn enqueue<R: Request>(
        &self,
        req: &R,
        version: i16,
    ) -> Result<impl std::future::Future<Output = Result<R::Response>> + Send + 'static> {
        // Java times a request from its creation to its response's arrival.
        let started = self
            .shared
            .node
            .as_ref()
            .is_some_and(|n| n.times(R::API_KEY))
            .then(std::time::Instant::now);
        let (frame, correlation_id) = self.encode(req, version)?;
        let (tx, rx) = oneshot::channel();
        let expect = Expect::of::<R>(version, correlation_id);
        self.shared.outstanding.fetch_add(1, Ordering::Relaxed);
        let guard = OutstandingGuard(self.shared.clone());
        self.tx
            .send(Outgoing {
                frame,
                expect: Some((expect, tx)),
            })
            .await
            .map_err(|_| self.disconnected())?;
        let shared = self.shared.clone();
        Ok(async move {
            let _guard = guard;
            let body = match tokio::time::timeout(shared.request_timeout, rx).await {
                Ok(Ok(result)) => result?,
                Ok(Err(_)) => {
                    return Err(Error::Disconnected {
                        broker: shared.broker.clone(),
                    });
                }
                Err(_) => {
                    tracing::debug!(broker = %shared.broker, api = R::NAME, "request timed out; closing the connection");
                    shared.abort();
                    return Err(Error::Timeout {
                        what: format!("{} request to {}", R::NAME, shared.broker),
                        after: shared.request_timeout,
                    });
                }
            };
            let response =
                R::Response::decode_exact(body, version).map_err(|source| Error::Decode {
                    broker: shared.broker.clone(),
                    source,
                })?;
            if let (Some(started), Some(node)) = (started, &shared.node) {
                node.latency(started.elapsed());
            }
            Ok(response)
        })
    }

    /// Sends a request that gets no response (Produce with `acks=0`).
    pub async fn send_no_response<R: Request>(&self, req: &R, version: i16) -> Result<()> {
        let (frame, _) = self.encode(req, version)?;
        self.tx
            .send(Outgoing {
                frame,
                expect: None,
            })
            .await
            .map_err(|_| self.disconnected())
    }

    fn encode<R: Request>(&self, req: &R, version: i16) -> Result<(Bytes, i32)> {
        if self.is_closed() {
            return Err(self.disconnected());
        }
        let correlation_id = self.shared.next_correlation.fetch_add(1, Ordering::Relaxed);
        let mut buf = BytesMut::with_capacity(256);
        encode_request(
            &mut buf,
            req,
            version,
            correlation_id,
            &self.shared.client_id,
        )?;
        Ok((buf.freeze(), correlation_id))
    }

    /// Stops accepting requests, waits up to `timeout` for outstanding responses, then closes.
    pub async fn close(&self, timeout: Duration) {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.outstanding() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.shared.abort();
    }

    fn disconnected(&self) -> Error {
        Error::Disconnected {
            broker: self.shared.broker.clone(),
        }
    }
}

struct OutstandingGuard(Arc<Shared>);

impl Drop for OutstandingGuard {
    fn drop(&mut self) {
        self.0.outstanding.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(
    write: W,
    mut rx: mpsc::Receiver<Outgoing>,
    shared: Arc<Shared>,
) {
    let mut out = BufWriter::with_capacity(64 * 1024, write);
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        // Coalesce whatever is already queued into one flush.
        while let Some(msg) = next.take() {
            if let Some((expect, tx)) = msg.expect {
                shared
                    .in_flight
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(expect, tx);
                // The reader may have failed between our check and the push: fail it here.
                if shared.closed.load(Ordering::SeqCst) {
                    shared.fail_all();
                    return;
                }
            }
            if let Err(e) = out.write_all(&msg.frame).await {
                tracing::debug!(broker = %shared.broker, error = %e, "write failed");
                shared.abort();
                return;
            }
            shared.touch();
            if let Some(m) = &shared.metrics {
                m.sent(msg.frame.len());
            }
            if let Some(n) = &shared.node {
                n.sent(msg.frame.len());
            }
            next = rx.try_recv().ok();
        }
        if let Err(e) = out.flush().await {
            tracing::debug!(broker = %shared.broker, error = %e, "flush failed");
            shared.abort();
            return;
        }
    }
    // Every handle is gone: half-close so the broker ends the connection after answering.
    let _ = out.shutdown().await;
}

async fn read_loop<R: AsyncRead + Unpin>(mut read: R, shared: Arc<Shared>) {
    let result: std::result::Result<(), String> = async {
        loop {
            let frame = match read_frame(&mut read).await {
                Ok(Some(f)) => f,
                Ok(None) => return Ok(()),
                Err(e) => return Err(e.to_string()),
            };
            shared.touch();
            if let Some(m) = &shared.metrics {
                m.received(FRAME_PREFIX + frame.len());
            }
            if let Some(n) = &shared.node {
                n.received(FRAME_PREFIX + frame.len());
            }
            let matched = shared
                .in_flight
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .handle_response(frame);
            match matched {
                Ok((tx, body)) => {
                    let _ = tx.send(Ok(body));
                }
                Err(e) => return Err(e.to_string()),
            }
        }
    }
    .await;
    if let Err(reason) = result {
        tracing::debug!(broker = %shared.broker, %reason, "connection failed");
    }
    shared.abort();
}

/// The shortest idle limit kept: below it (`connections.max.idle.ms` 0 closes a connection as
/// soon as it is idle, in Java at its selector's next poll) a connection could expire in the
/// instants between its connect and its first request, or the watcher poll that often while
/// a request waits.
const MIN_IDLE_LIMIT: Duration = Duration::from_millis(10);

/// Closes the connection once it has moved no frame for `limit` (at least
/// [`MIN_IDLE_LIMIT`]) and waits for no response, as Java's `Selector` expires idle connections
/// (`connections.max.idle.ms`). The close counts in `connection-close-total` and leaves
/// `connection-count` like any other close.
async fn expire_when_idle(shared: std::sync::Weak<Shared>, limit: Duration) {
    let limit = limit.max(MIN_IDLE_LIMIT);
    loop {
        let due = {
            let Some(s) = shared.upgrade() else { return };
            if s.closed.load(Ordering::SeqCst) {
                return;
            }
            let due = s.last_active() + limit;
            let now = tokio::time::Instant::now();
            if now < due {
                due
            } else if s.outstanding.load(Ordering::SeqCst) > 0 {
                // Busy: its response will reset the clock; look again a full limit
                // later at the latest (earlier frames move the deadline past that anyway).
                now + limit
            } else {
                tracing::debug!(
                    broker = %s.broker,
                    idle_ms = s.last_active().elapsed().as_millis() as u64,
                    limit_ms = limit.as_millis() as u64,
                    "closing idle connection (connections.max.idle.ms)"
                );
                // This ends the socket tasks and this one (at its next await, which never
                // comes).
                s.abort();
                return;
            }
        };
        tokio::time::sleep_until(due).await;
    }
}

/// The size prefix in front of every frame, which Java's byte and size metrics include.
const FRAME_PREFIX: usize = 4;

/// Reads one size-prefixed frame; `None` on a clean end of stream between frames. A size out
/// of bounds is an `InvalidData` error.
async fn read_frame<R: AsyncReadExt + Unpin>(read: &mut R) -> std::io::Result<Option<Bytes>> {
    let mut size = [0u8; 4];
    match read.read_exact(&mut size).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let size = i32::from_be_bytes(size);
    let size = usize::try_from(size)
        .ok()
        .filter(|&s| s <= MAX_RESPONSE_SIZE)
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("response size {size} out of bounds"),
            )
        })?;
    let mut buf = BytesMut::zeroed(size);
    read.read_exact(&mut buf).await?;
    Ok(Some(buf.freeze()))
}

/// The strictly sequential exchanges before the socket tasks start.
struct Setup<'a, S> {
    stream: &'a mut S,
    broker: &'a str,
    client_id: &'a str,
    correlation: i32,
    /// Counts the ApiVersions exchange as Java's selector does; the SASL exchanges, which
    /// Java's authenticator makes beside the selector, are not counted.
    metrics: Option<&'a NetworkMetrics>,
    /// The node's sensors count the same exchanges.
    node: Option<&'a NodeMetrics>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Setup<'_, S> {
    async fn roundtrip<R: Request>(&mut self, req: &R, version: i16) -> Result<Bytes> {
        let correlation_id = self.correlation;
        self.correlation += 1;
        let mut buf = BytesMut::new();
        encode_request(&mut buf, req, version, correlation_id, self.client_id)?;
        let counted = R::API_KEY == ApiVersionsRequest::API_KEY;
        let metrics = self.metrics.filter(|_| counted);
        let node = self.node.filter(|_| counted);
        // Over TLS the broker's verdict on our certificate (TLS 1.3) arrives as an alert on
        // this first exchange: typed as a TLS error, not as a socket or protocol failure.
        let broker = self.broker;
        self.stream
            .write_all(&buf)
            .await
            .map_err(|e| match tls::failure(broker, &e) {
                Some(t) => Error::Tls(t),
                None => Error::Io {
                    broker: broker.to_owned(),
                    source: e,
                },
            })?;
        if let Some(m) = metrics {
            m.sent(buf.len());
        }
        if let Some(n) = node {
            n.sent(buf.len());
        }
        let frame = read_frame(self.stream)
            .await
            .map_err(|e| match tls::failure(broker, &e) {
                Some(t) => Error::Tls(t),
                None => Error::Protocol {
                    broker: broker.to_owned(),
                    reason: e.to_string(),
                },
            })?
            .ok_or_else(|| Error::Disconnected {
                broker: self.broker.to_owned(),
            })?;
        if let Some(m) = metrics {
            m.received(FRAME_PREFIX + frame.len());
        }
        if let Some(n) = node {
            n.received(FRAME_PREFIX + frame.len());
        }
        let mut q = InFlight::default();
        q.push(Expect::of::<R>(version, correlation_id), ());
        q.handle_response(frame)
            .map(|(_, body)| body)
            .map_err(|e| Error::Protocol {
                broker: self.broker.to_owned(),
                reason: e.to_string(),
            })
    }

    fn decode<M: Message>(&self, body: Bytes, version: i16) -> Result<M> {
        M::decode_exact(body, version).map_err(|source| Error::Decode {
            broker: self.broker.to_owned(),
            source,
        })
    }

    /// ApiVersions at our newest version; a broker that does not know it answers at v0 with
    /// UNSUPPORTED_VERSION and its own range for ApiVersions, and we retry at that.
    async fn api_versions(&mut self) -> Result<BrokerVersions> {
        let req = ApiVersionsRequest {
            client_software_name: SOFTWARE_NAME.into(),
            client_software_version: env!("CARGO_PKG_VERSION").into(),
            ..Default::default()
        };
        let mut version = ApiVersionsRequest::MAX_VERSION;
        for _ in 0..2 {
            let body = self.roundtrip(&req, version).await?;
            let resp = match self.decode::<ApiVersionsResponse>(body.clone(), version) {
                Ok(r) => r,
                Err(_) => self.decode::<ApiVersionsResponse>(body, 0)?,
            };
            let code = KafkaCode(resp.error_code);
            if code == KafkaCode::UNSUPPORTED_VERSION {
                let theirs = BrokerVersions::from_response(&resp);
                version = theirs
                    .negotiate::<ApiVersionsRequest>()
                    .unwrap_or(0)
                    .min(version - 1);
                continue;
            }
            code.ok()?;
            return Ok(BrokerVersions::from_response(&resp));
        }
        Err(Error::UnsupportedApi {
            broker: self.broker.to_owned(),
            api: ApiVersionsRequest::NAME,
        })
    }

    /// SaslHandshake v1 then SaslAuthenticate round trips until the mechanism completes.
    async fn authenticate(&mut self, sasl: &SaslConfig, versions: &BrokerVersions) -> Result<()> {
        let hs_version = versions
            .negotiate::<SaslHandshakeRequest>()
            .filter(|&v| v >= 1)
            .ok_or_else(|| Error::UnsupportedApi {
                broker: self.broker.to_owned(),
                api: SaslHandshakeRequest::NAME,
            })?;
        let auth_version = versions
            .negotiate::<SaslAuthenticateRequest>()
            .ok_or_else(|| Error::UnsupportedApi {
                broker: self.broker.to_owned(),
                api: SaslAuthenticateRequest::NAME,
            })?;
        let mech = sasl.mechanism.name();
        let hs = SaslHandshakeRequest {
            mechanism: mech.into(),
            ..Default::default()
        };
        let body = self.roundtrip(&hs, hs_version).await?;
        let resp: kafka_protocol::messages::SaslHandshakeResponse =
            self.decode(body, hs_version)?;
        if resp.error_code != 0 {
            return Err(Error::Authentication {
                broker: self.broker.to_owned(),
                reason: format!(
                    "{}: mechanism {mech} not enabled; the broker offers {:?}",
                    KafkaCode(resp.error_code),
                    resp.mechanisms
                ),
            });
        }
        let mut client = SaslClient::new(sasl.mechanism, sasl.credentials.clone());
        let mut out = client.initial_response()?;
        loop {
            let req = SaslAuthenticateRequest {
                auth_bytes: Bytes::from(out),
                ..Default::default()
            };
            let body = self.roundtrip(&req, auth_version).await?;
            let resp: kafka_protocol::messages::SaslAuthenticateResponse =
                self.decode(body, auth_version)?;
            if resp.error_code != 0 {
                let code = KafkaCode(resp.error_code);
                return Err(Error::Authentication {
                    broker: self.broker.to_owned(),
                    reason: match resp.error_message {
                        Some(m) if !m.is_empty() => format!("{code}: {m}"),
                        _ => code.to_string(),
                    },
                });
            }
            if client.is_complete() {
                return Ok(());
            }
            match client.handle_challenge(&resp.auth_bytes)? {
                Some(reply) => out = reply,
                None if client.is_complete() => return Ok(()),
                None => {
                    return Err(Error::Authentication {
                        broker: self.broker.to_owned(),
                        reason: format!("{mech} exchange stalled before completing"),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    fn opts() -> ConnectOptions {
        ConnectOptions {
            client_id: "test".into(),
            request_timeout: Duration::from_millis(300),
            setup_timeout: Duration::from_millis(500),
            sasl: None,
            tls: None,
            max_idle: None,
            metrics: None,
        }
    }

    /// A connection over an in-memory pipe (no setup exchanges), expiring after `limit` idle,
    /// and the broker's end of the pipe.
    fn piped(limit: Duration) -> (Connection, tokio::io::DuplexStream) {
        let (ours, theirs) = tokio::io::duplex(4096);
        let (read, write) = tokio::io::split(ours);
        let opts = ConnectOptions {
            max_idle: Some(limit),
            ..opts()
        };
        let conn = Connection::spawn(
            read,
            write,
            "pipe:1",
            &opts,
            None,
            BrokerVersions::default(),
            0,
        );
        (conn, theirs)
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_expires_at_its_limit_measured_from_its_last_use() {
        let (conn, _broker) = piped(Duration::from_secs(10));
        tokio::time::sleep(Duration::from_secs(9)).await;
        assert!(!conn.is_closed());
        // Handed out to a caller about to send: the clock starts again.
        conn.mark_in_use();
        tokio::time::sleep(Duration::from_secs(9)).await;
        assert!(
            !conn.is_closed(),
            "expired 10 s after its start, not its use"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert!(conn.is_closed(), "idle 11 s with a limit of 10 s");
    }

    #[tokio::test(start_paused = true)]
    async fn a_frame_written_restarts_the_idle_clock() {
        let (conn, mut broker) = piped(Duration::from_secs(10));
        tokio::time::sleep(Duration::from_secs(9)).await;
        conn.send_no_response(&ApiVersionsRequest::default(), 0)
            .await
            .expect("queued");
        let mut got = [0u8; 4];
        broker
            .read_exact(&mut got)
            .await
            .expect("the frame arrived");
        tokio::time::sleep(Duration::from_secs(9)).await;
        assert!(!conn.is_closed(), "the write at 9 s restarted the clock");
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert!(conn.is_closed());
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_waiting_for_its_answer_keeps_the_connection_and_the_answer_restarts_the_clock()
     {
        let (conn, mut broker) = piped(Duration::from_secs(10));
        let answer = conn
            .enqueue(&ApiVersionsRequest::default(), 0)
            .await
            .expect("queued");
        // The broker takes 15 s, longer than the limit: the connection is busy, not idle.
        let mut size = [0u8; 4];
        broker.read_exact(&mut size).await.expect("request size");
        let mut request = vec![0u8; usize::try_from(i32::from_be_bytes(size)).unwrap()];
        broker.read_exact(&mut request).await.expect("request");
        tokio::time::sleep(Duration::from_secs(15)).await;
        assert!(!conn.is_closed(), "closed with a request in flight");
        let mut body = BytesMut::new();
        body.extend_from_slice(&0i32.to_be_bytes()); // correlation id 0 (header v0)
        ApiVersionsResponse::default().encode(&mut body, 0).unwrap();
        let mut frame = (body.len() as i32).to_be_bytes().to_vec();
        frame.extend_from_slice(&body);
        broker.write_all(&frame).await.expect("answer");
        answer.await.expect("answered");
        // Idle from the answer on.
        tokio::time::sleep(Duration::from_secs(9)).await;
        assert!(!conn.is_closed(), "the answer at 15 s restarted the clock");
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert!(conn.is_closed());
    }

    #[tokio::test(start_paused = true)]
    async fn no_limit_keeps_an_idle_connection() {
        let (ours, _theirs) = tokio::io::duplex(64);
        let (read, write) = tokio::io::split(ours);
        let conn = Connection::spawn(
            read,
            write,
            "pipe:1",
            &opts(),
            None,
            BrokerVersions::default(),
            0,
        );
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert!(!conn.is_closed());
    }

    #[tokio::test]
    async fn setup_times_out_against_a_silent_peer() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        // Accept and never answer.
        let hold = tokio::spawn(async move {
            let (s, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(s);
        });
        let err = Connection::connect(&addr, &opts()).await.unwrap_err();
        assert!(matches!(err, Error::Timeout { .. }), "{err}");
        hold.abort();
    }

    #[tokio::test]
    async fn refused_connection_is_an_io_error() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        drop(listener);
        let err = Connection::connect(&addr, &opts()).await.unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert!(err.is_retriable());
    }

    #[tokio::test]
    async fn oversized_frame_is_a_protocol_error() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 512];
            let _ = s.read(&mut buf).await;
            s.write_all(&i32::MAX.to_be_bytes()).await.unwrap();
            tokio::time::sleep(Duration::from_secs(1)).await;
        });
        let err = Connection::connect(&addr, &opts()).await.unwrap_err();
        assert!(matches!(err, Error::Protocol { .. }), "{err}");
        server.abort();
    }
}
