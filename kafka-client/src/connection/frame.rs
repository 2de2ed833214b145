//! Request framing and response matching, without IO.
//!
//! A request goes out as `size:i32 | header | body`; responses come back on the same connection
//! in request order, each `size:i32 | header | body`. Because the broker answers in order, the
//! client keeps its outstanding requests in a FIFO and checks that each response's correlation
//! id is the one at the head of the queue — a mismatch means the stream is out of sync and the
//! connection must be dropped.

use std::collections::VecDeque;

use bytes::{BufMut, Bytes, BytesMut};
use kafka_protocol::header::{
    RequestHeader, ResponseHeader, request_header_version, response_header_version,
};
use kafka_protocol::{EncodeError, Request};

/// Largest response frame accepted (Java's default `socket.request.max.bytes` for the broker
/// is 100 MiB; a fetch can approach `fetch.max.bytes` = 50 MiB). Larger sizes mean a corrupt
/// stream or a non-Kafka peer, and are refused before any allocation.
pub(crate) const MAX_RESPONSE_SIZE: usize = 256 * 1024 * 1024;

/// Appends a whole request frame (size prefix included) for `req` at `version`.
pub(crate) fn encode_request<R: Request>(
    buf: &mut BytesMut,
    req: &R,
    version: i16,
    correlation_id: i32,
    client_id: &str,
) -> Result<(), EncodeError> {
    let start = buf.len();
    buf.put_i32(0);
    let header = RequestHeader {
        request_api_key: R::API_KEY,
        request_api_version: version,
        correlation_id,
        client_id: Some(client_id.to_owned()),
        unknown_tagged_fields: Vec::new(),
    };
    header.encode(buf, request_header_version(R::is_flexible(version)))?;
    req.encode(buf, version)?;
    let size = buf.len() - start - 4;
    let size = i32::try_from(size).map_err(|_| EncodeError::UnsupportedVersion {
        api_key: R::API_KEY,
        version,
    })?;
    buf[start..start + 4].copy_from_slice(&size.to_be_bytes());
    Ok(())
}

/// What the reader needs to know about an outstanding request to route its response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Expect {
    /// The correlation id sent.
    pub(crate) correlation_id: i32,
    /// The API key, for the header version and error messages.
    pub(crate) api_key: i16,
    /// The response header version to decode.
    pub(crate) header_version: i16,
}

impl Expect {
    /// The expectation for `R` at `version`.
    pub(crate) fn of<R: Request>(version: i16, correlation_id: i32) -> Self {
        Expect {
            correlation_id,
            api_key: R::API_KEY,
            header_version: response_header_version(R::API_KEY, R::is_flexible(version)),
        }
    }
}

/// A response frame that does not fit the request at the head of the queue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum MatchError {
    /// A response arrived with no request outstanding.
    #[error("response (correlation id {0}) with no request outstanding")]
    Unsolicited(i32),
    /// The correlation id is not the one expected next.
    #[error("expected correlation id {expected}, got {got}")]
    WrongCorrelation {
        /// The id at the head of the queue.
        expected: i32,
        /// The id in the response.
        got: i32,
    },
    /// The header could not be read.
    #[error("malformed response header: {0}")]
    Header(String),
}

/// The FIFO of outstanding requests on one connection, each with its caller's token `T`.
#[derive(Debug)]
pub(crate) struct InFlight<T> {
    queue: VecDeque<(Expect, T)>,
}

impl<T> Default for InFlight<T> {
    fn default() -> Self {
        InFlight {
            queue: VecDeque::new(),
        }
    }
}

impl<T> InFlight<T> {
    /// Records a request that was (or is about to be) written.
    pub(crate) fn push(&mut self, expect: Expect, token: T) {
        self.queue.push_back((expect, token));
    }

    /// Outstanding requests.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    /// Matches a response frame (without its size prefix) to the oldest request; returns its
    /// token and the response body.
    pub(crate) fn handle_response(&mut self, mut frame: Bytes) -> Result<(T, Bytes), MatchError> {
        let Some((expect, _)) = self.queue.front() else {
            let got = frame
                .get(..4)
                .map_or(-1, |b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]));
            return Err(MatchError::Unsolicited(got));
        };
        let header = ResponseHeader::decode(&mut frame, expect.header_version)
            .map_err(|e| MatchError::Header(e.to_string()))?;
        if header.correlation_id != expect.correlation_id {
            return Err(MatchError::WrongCorrelation {
                expected: expect.correlation_id,
                got: header.correlation_id,
            });
        }
        let (_, token) = self.queue.pop_front().expect("front checked above");
        Ok((token, frame))
    }

    /// Removes every outstanding request (the connection is gone).
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = (Expect, T)> + '_ {
        self.queue.drain(..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::messages::{ApiVersionsRequest, MetadataRequest};

    fn response_frame(correlation_id: i32, flexible_header: bool, body: &[u8]) -> Bytes {
        let mut b = BytesMut::new();
        b.put_i32(correlation_id);
        if flexible_header {
            b.put_u8(0); // empty tagged section
        }
        b.extend_from_slice(body);
        b.freeze()
    }

    #[test]
    fn request_frame_has_size_prefix_and_header() {
        let mut buf = BytesMut::new();
        encode_request(&mut buf, &ApiVersionsRequest::default(), 0, 7, "me").unwrap();
        let size = i32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
        assert_eq!(size, buf.len() - 4);
        // api key 18, version 0, correlation 7, client id "me"; v0 body is empty.
        assert_eq!(&buf[4..], &[0, 18, 0, 0, 0, 0, 0, 7, 0, 2, b'm', b'e']);
    }

    #[test]
    fn responses_match_in_order() {
        let mut q = InFlight::default();
        q.push(Expect::of::<MetadataRequest>(12, 1), "a");
        q.push(Expect::of::<ApiVersionsRequest>(3, 2), "b");
        let (t, body) = q.handle_response(response_frame(1, true, b"x")).unwrap();
        assert_eq!((t, &body[..]), ("a", &b"x"[..]));
        // ApiVersions keeps the v0 response header even when flexible.
        let (t, body) = q.handle_response(response_frame(2, false, b"y")).unwrap();
        assert_eq!((t, &body[..]), ("b", &b"y"[..]));
        assert_eq!(q.len(), 0);
    }

    #[test]
    fn mismatches_are_errors_not_panics() {
        let mut q: InFlight<()> = InFlight::default();
        assert_eq!(
            q.handle_response(response_frame(5, false, b"")),
            Err(MatchError::Unsolicited(5))
        );
        q.push(Expect::of::<MetadataRequest>(1, 9), ());
        assert_eq!(
            q.handle_response(response_frame(8, false, b"")),
            Err(MatchError::WrongCorrelation {
                expected: 9,
                got: 8
            })
        );
        assert!(matches!(
            q.handle_response(Bytes::from_static(&[0, 0])),
            Err(MatchError::Header(_))
        ));
        assert_eq!(q.len(), 1);
    }
}
