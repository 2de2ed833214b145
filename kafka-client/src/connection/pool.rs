//! One connection per node, reopened on demand with exponential backoff.
//!
//! A node is what Java's clients key connections by: a broker's id, or a bootstrap server's
//! negative index. So a bootstrap server that is also broker 1 gets two connections, as in Java,
//! and each counts in its own node's metrics.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::time::Instant;

use super::conn::{ConnectOptions, Connection};
use crate::backoff::ExponentialBackoff;
use crate::error::Result;

/// Reconnect bookkeeping of one address, without IO: when the next attempt may start.
#[derive(Debug, Default)]
struct Slot {
    conn: Option<Connection>,
    failures: u32,
    next_attempt: Option<Instant>,
}

/// A node id and its `host:port`: what a connection is kept by.
type NodeAddr = (i32, String);

/// Connections by node id and `host:port` (a node that moves to another address gets a new
/// connection).
///
/// A failed connect is not retried before `reconnect.backoff.ms * 2^failures` (jittered, capped
/// at `reconnect.backoff.max.ms`) has passed, as in the Java client; callers that need the
/// broker wait that long inside [`get`](Self::get). Concurrent callers for one address share one
/// connect attempt.
#[derive(Debug)]
pub struct ConnectionPool {
    opts: ConnectOptions,
    backoff: ExponentialBackoff,
    slots: Mutex<HashMap<NodeAddr, Arc<tokio::sync::Mutex<Slot>>>>,
}

impl ConnectionPool {
    /// A pool connecting with `opts` and reconnect backoff `backoff`.
    pub fn new(opts: ConnectOptions, backoff: ExponentialBackoff) -> Self {
        ConnectionPool {
            opts,
            backoff,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The options connections are opened with.
    pub fn options(&self) -> &ConnectOptions {
        &self.opts
    }

    fn slot(&self, node_id: i32, addr: &str) -> Arc<tokio::sync::Mutex<Slot>> {
        self.slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((node_id, addr.to_owned()))
            .or_default()
            .clone()
    }

    /// A live connection to node `node_id` at `addr`, if one is open now (no connect attempt).
    /// Like [`get`](Self::get), it restarts the connection's idle clock: the caller is about to
    /// send on it.
    pub fn existing(&self, node_id: i32, addr: &str) -> Option<Connection> {
        let slot = self.slot(node_id, addr);
        let guard = slot.try_lock().ok()?;
        let c = guard.conn.as_ref().filter(|c| !c.is_closed())?;
        c.mark_in_use();
        Some(c.clone())
    }

    /// The connection to node `node_id` at `addr`, connecting (after any backoff still due) if
    /// needed. `node_id` is a broker's id, or `-1 - index` for a bootstrap server.
    ///
    /// A connection that closed without failing to connect (idle for `connections.max.idle.ms`,
    /// or dropped by the broker) is reopened at once: backoff follows failed connects only.
    pub async fn get(&self, node_id: i32, addr: &str) -> Result<Connection> {
        let slot = self.slot(node_id, addr);
        let mut s = slot.lock().await;
        if let Some(c) = s.conn.as_ref().filter(|c| !c.is_closed()) {
            c.mark_in_use();
            return Ok(c.clone());
        }
        s.conn = None;
        if let Some(at) = s.next_attempt {
            tokio::time::sleep_until(at).await;
        }
        match Connection::connect_node(addr, &node_id.to_string(), &self.opts).await {
            Ok(c) => {
                s.failures = 0;
                s.next_attempt = None;
                s.conn = Some(c.clone());
                Ok(c)
            }
            Err(e) => {
                let wait = self.backoff.backoff(s.failures, &mut rand::rng());
                s.failures = s.failures.saturating_add(1);
                s.next_attempt = Some(Instant::now() + wait);
                tracing::debug!(%addr, node_id, error = %e, ?wait, "connect failed");
                Err(e)
            }
        }
    }

    /// Whether the last attempt to node `node_id` at `addr` failed and its backoff has not yet
    /// passed.
    pub fn is_backing_off(&self, node_id: i32, addr: &str) -> bool {
        let slot = self.slot(node_id, addr);
        let Ok(s) = slot.try_lock() else {
            return false;
        };
        s.next_attempt.is_some_and(|at| at > Instant::now())
    }

    /// Closes every connection, waiting up to `timeout` for outstanding responses.
    pub async fn close(&self, timeout: std::time::Duration) {
        let slots: Vec<_> = self
            .slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        for slot in slots {
            let conn = slot.lock().await.conn.take();
            if let Some(c) = conn {
                c.close(timeout).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn failed_connects_back_off_exponentially() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        drop(listener);
        let pool = ConnectionPool::new(
            ConnectOptions {
                client_id: "t".into(),
                request_timeout: Duration::from_secs(1),
                setup_timeout: Duration::from_secs(1),
                sasl: None,
                tls: None,
                max_idle: None,
                metrics: None,
            },
            ExponentialBackoff::new(Duration::from_millis(100), Duration::from_secs(1))
                .with_jitter(0.0),
        );
        assert!(pool.get(1, &addr).await.is_err());
        assert!(pool.is_backing_off(1, &addr));
        let start = Instant::now();
        assert!(pool.get(1, &addr).await.is_err());
        // The second attempt waited the first backoff (100 ms) before connecting.
        assert!(start.elapsed() >= Duration::from_millis(100));
        let start = Instant::now();
        assert!(pool.get(1, &addr).await.is_err());
        assert!(start.elapsed() >= Duration::from_millis(200));
    }
}
