//! Broker connections: framing, version negotiation, SASL, and the pool that reconnects.
//!
//! * [`frame`](self) (private): request frames and the FIFO matching responses by correlation id.
//! * [`BrokerVersions`]: the ApiVersions answer and the negotiation of each API's version.
//! * [`Connection`]: one socket to one broker, pipelined; cheap to clone.
//! * [`TlsConnector`]: TLS for `SSL` and `SASL_SSL` (the `tls` cargo feature), with typed
//!   [`TlsError`]s.
//! * [`ConnectionPool`]: one connection per node (a broker, or a bootstrap server), reconnecting
//!   with exponential backoff and jitter (`reconnect.backoff.ms` .. `reconnect.backoff.max.ms`).

mod conn;
mod frame;
mod pool;
mod tls;
mod versions;

pub use conn::{ConnectOptions, Connection};
pub use pool::ConnectionPool;
pub use tls::{TlsConnector, TlsError};
pub use versions::BrokerVersions;
