//! Free TCP ports on loopback for the brokers' listeners.

use std::net::{Ipv4Addr, TcpListener};

use crate::FixtureError;

/// Asks the OS for `n` distinct free ports on 127.0.0.1.
///
/// The listeners are held until all ports are chosen so the OS does not hand out the same port
/// twice; they are closed before the broker binds. Another process could take a port in between,
/// which the broker start detects (it fails to bind) and retries with new ports.
pub(crate) fn free_ports(n: usize) -> Result<Vec<u16>, FixtureError> {
    let listeners = (0..n)
        .map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(FixtureError::io("binding a free port on 127.0.0.1"))?;
    listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(FixtureError::io("reading a bound port"))
}
