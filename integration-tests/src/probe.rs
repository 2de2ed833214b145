//! A minimal ApiVersions exchange, used to tell when a broker is ready.
//!
//! This deliberately does not use the `kafka-protocol` crate: the fixture must be able to tell
//! whether a broker is up even while that crate is broken, so a failing codec shows up as failing
//! codec tests rather than as "broker never started".

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// What a broker said to an ApiVersions v0 request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiVersionsAnswer {
    /// The response's error code (0 when the broker is serving).
    pub error_code: i16,
    /// `(api_key, min_version, max_version)` for every API the broker listed.
    pub apis: Vec<(i16, i16, i16)>,
}

impl ApiVersionsAnswer {
    /// The version range the broker supports for `api_key`, if it listed it.
    pub fn range(&self, api_key: i16) -> Option<(i16, i16)> {
        self.apis
            .iter()
            .find(|(k, _, _)| *k == api_key)
            .map(|&(_, min, max)| (min, max))
    }
}

/// Sends ApiVersions v0 to `addr` and parses the answer.
///
/// Every broker version accepts v0, and its response body is the same non-flexible layout in all of
/// them: correlation id, error code, then an int32-counted array of (key, min, max) int16 triples.
pub fn api_versions(addr: &str, timeout: Duration) -> std::io::Result<ApiVersionsAnswer> {
    let sock = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other(format!("{addr} resolves to no address")))?;
    let mut stream = TcpStream::connect_timeout(&sock, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;

    const API_VERSIONS: i16 = 18;
    const CORRELATION_ID: i32 = 0x6b73_7273;
    let client_id = b"kstreams-fixture-probe";
    let mut body = Vec::with_capacity(32);
    body.extend_from_slice(&API_VERSIONS.to_be_bytes());
    body.extend_from_slice(&0i16.to_be_bytes());
    body.extend_from_slice(&CORRELATION_ID.to_be_bytes());
    body.extend_from_slice(&(client_id.len() as i16).to_be_bytes());
    body.extend_from_slice(client_id);
    let mut frame = (body.len() as i32).to_be_bytes().to_vec();
    frame.extend_from_slice(&body);
    stream.write_all(&frame)?;

    let mut len = [0u8; 4];
    stream.read_exact(&mut len)?;
    let len = i32::from_be_bytes(len);
    if !(10..=1 << 20).contains(&len) {
        return Err(invalid(format!(
            "ApiVersions response length {len} is implausible"
        )));
    }
    let mut buf = vec![0u8; len as usize];
    stream.read_exact(&mut buf)?;
    parse(&buf, CORRELATION_ID)
}

fn parse(buf: &[u8], correlation_id: i32) -> std::io::Result<ApiVersionsAnswer> {
    let mut r = Reader(buf);
    let got = r.i32()?;
    if got != correlation_id {
        return Err(invalid(format!(
            "correlation id {got}, expected {correlation_id}"
        )));
    }
    let error_code = r.i16()?;
    let n = r.i32()?;
    if n < 0 || n as usize * 6 > r.0.len() {
        return Err(invalid(format!(
            "api array length {n} does not fit the response"
        )));
    }
    let apis = (0..n)
        .map(|_| Ok((r.i16()?, r.i16()?, r.i16()?)))
        .collect::<std::io::Result<Vec<_>>>()?;
    Ok(ApiVersionsAnswer { error_code, apis })
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> std::io::Result<[u8; N]> {
        let (head, rest) = self
            .0
            .split_first_chunk::<N>()
            .ok_or_else(|| invalid("ApiVersions response ends early".to_string()))?;
        self.0 = rest;
        Ok(*head)
    }
    fn i16(&mut self) -> std::io::Result<i16> {
        self.take().map(i16::from_be_bytes)
    }
    fn i32(&mut self) -> std::io::Result<i32> {
        self.take().map(i32::from_be_bytes)
    }
}

fn invalid(msg: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_v0_answer() {
        let mut buf = Vec::new();
        buf.extend_from_slice(&7i32.to_be_bytes());
        buf.extend_from_slice(&0i16.to_be_bytes());
        buf.extend_from_slice(&2i32.to_be_bytes());
        for v in [0i16, 3, 12, 18, 0, 4] {
            buf.extend_from_slice(&v.to_be_bytes());
        }
        let a = parse(&buf, 7).unwrap();
        assert_eq!(a.error_code, 0);
        assert_eq!(a.range(18), Some((0, 4)));
        assert_eq!(a.range(1), None);
    }

    #[test]
    fn rejects_truncated_and_mismatched_answers() {
        let mut buf = Vec::new();
        buf.extend_from_slice(&7i32.to_be_bytes());
        buf.extend_from_slice(&0i16.to_be_bytes());
        buf.extend_from_slice(&1000i32.to_be_bytes());
        assert!(parse(&buf, 7).is_err(), "array longer than the bytes");
        assert!(parse(&buf, 8).is_err(), "wrong correlation id");
        assert!(parse(&buf[..3], 7).is_err(), "truncated");
    }
}
