//! Request and response headers, and which header version goes with which message version.

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{DecodeError, EncodeError};
use crate::primitives::{self as p, RawTaggedField};
use crate::schema::write_tagged_section;

/// The API key of ApiVersions, whose response header stays at v0 in every version: a client
/// must be able to read the response before it knows which versions the broker speaks.
const API_VERSIONS_KEY: i16 = 18;

/// The request header version Kafka uses for a request: v2 for flexible versions, v1 otherwise.
///
/// v0 (no client id) is only used by ControlledShutdown v0, which no current broker accepts.
pub fn request_header_version(flexible: bool) -> i16 {
    if flexible { 2 } else { 1 }
}

/// The response header version Kafka uses: v1 (with tagged fields) for flexible versions, v0
/// otherwise, and always v0 for ApiVersions.
pub fn response_header_version(api_key: i16, flexible: bool) -> i16 {
    if flexible && api_key != API_VERSIONS_KEY {
        1
    } else {
        0
    }
}

/// The (request, response) header versions for `version` of the API `api_key`, from this
/// crate's API table; `None` if the API or version is not implemented here.
pub fn header_versions(api_key: i16, version: i16) -> Option<(i16, i16)> {
    let api = crate::messages::api_info(api_key)?;
    if !(api.min_version..=api.max_version).contains(&version) {
        return None;
    }
    let flexible = api.flexible_min.is_some_and(|f| version >= f);
    Some((
        request_header_version(flexible),
        response_header_version(api_key, flexible),
    ))
}

/// The header in front of every request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestHeader {
    /// The API key of the request.
    pub request_api_key: i16,
    /// The version of the request body.
    pub request_api_version: i16,
    /// Echoed in the response so the client can match it up.
    pub correlation_id: i32,
    /// The client id (v1+); nullable, and never in compact form even in v2.
    pub client_id: Option<String>,
    /// Tagged fields (v2+) this crate does not know.
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl RequestHeader {
    /// Appends the header at `header_version` (0, 1 or 2).
    pub fn encode(&self, buf: &mut BytesMut, header_version: i16) -> Result<(), EncodeError> {
        if !(0..=2).contains(&header_version) {
            return Err(EncodeError::UnsupportedVersion {
                api_key: -1,
                version: header_version,
            });
        }
        buf.put_i16(self.request_api_key);
        buf.put_i16(self.request_api_version);
        buf.put_i32(self.correlation_id);
        if header_version >= 1 {
            p::write_nullable_string(buf, self.client_id.as_deref(), false)?;
        }
        if header_version >= 2 {
            write_tagged_section(buf, &mut [], &self.unknown_tagged_fields)?;
        }
        Ok(())
    }

    /// Reads a header at `header_version` (0, 1 or 2).
    pub fn decode(buf: &mut Bytes, header_version: i16) -> Result<Self, DecodeError> {
        if !(0..=2).contains(&header_version) {
            return Err(DecodeError::UnsupportedVersion {
                api_key: -1,
                version: header_version,
            });
        }
        let mut h = RequestHeader {
            request_api_key: p::read_i16(buf, "request api key")?,
            request_api_version: p::read_i16(buf, "request api version")?,
            correlation_id: p::read_i32(buf, "correlation id")?,
            ..Default::default()
        };
        if header_version >= 1 {
            h.client_id = p::read_nullable_string(buf, false, "client id")?;
        }
        if header_version >= 2 {
            p::read_tagged_fields(
                buf,
                "RequestHeader",
                &mut h.unknown_tagged_fields,
                |_, _| Ok(false),
            )?;
        }
        Ok(h)
    }
}

/// The header in front of every response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResponseHeader {
    /// The correlation id of the request this answers.
    pub correlation_id: i32,
    /// Tagged fields (v1+) this crate does not know.
    pub unknown_tagged_fields: Vec<RawTaggedField>,
}

impl ResponseHeader {
    /// Appends the header at `header_version` (0 or 1).
    pub fn encode(&self, buf: &mut BytesMut, header_version: i16) -> Result<(), EncodeError> {
        if !(0..=1).contains(&header_version) {
            return Err(EncodeError::UnsupportedVersion {
                api_key: -1,
                version: header_version,
            });
        }
        buf.put_i32(self.correlation_id);
        if header_version >= 1 {
            write_tagged_section(buf, &mut [], &self.unknown_tagged_fields)?;
        }
        Ok(())
    }

    /// Reads a header at `header_version` (0 or 1).
    pub fn decode(buf: &mut Bytes, header_version: i16) -> Result<Self, DecodeError> {
        if !(0..=1).contains(&header_version) {
            return Err(DecodeError::UnsupportedVersion {
                api_key: -1,
                version: header_version,
            });
        }
        let mut h = ResponseHeader {
            correlation_id: p::read_i32(buf, "correlation id")?,
            ..Default::default()
        };
        if header_version >= 1 {
            p::read_tagged_fields(
                buf,
                "ResponseHeader",
                &mut h.unknown_tagged_fields,
                |_, _| Ok(false),
            )?;
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_header_v2_keeps_classic_client_id() {
        let h = RequestHeader {
            request_api_key: 3,
            request_api_version: 12,
            correlation_id: 7,
            client_id: Some("ab".into()),
            unknown_tagged_fields: vec![],
        };
        let mut b = BytesMut::new();
        h.encode(&mut b, 2).unwrap();
        assert_eq!(&b[..], &[0, 3, 0, 12, 0, 0, 0, 7, 0, 2, b'a', b'b', 0]);
        let mut r = b.freeze();
        assert_eq!(RequestHeader::decode(&mut r, 2).unwrap(), h);
        assert!(r.is_empty());
    }

    #[test]
    fn header_versions_follow_flexibility() {
        assert_eq!(request_header_version(true), 2);
        assert_eq!(request_header_version(false), 1);
        assert_eq!(response_header_version(1, true), 1);
        assert_eq!(response_header_version(1, false), 0);
        assert_eq!(response_header_version(API_VERSIONS_KEY, true), 0);
        // Fetch turned flexible at v12; ApiVersions at v3 but its response header stays v0.
        assert_eq!(header_versions(1, 11), Some((1, 0)));
        assert_eq!(header_versions(1, 12), Some((2, 1)));
        assert_eq!(header_versions(18, 3), Some((2, 0)));
        assert_eq!(header_versions(1, 99), None);
        assert_eq!(header_versions(-7, 0), None);
    }

    #[test]
    fn response_header_round_trip_with_unknown_tags() {
        let h = ResponseHeader {
            correlation_id: -5,
            unknown_tagged_fields: vec![RawTaggedField {
                tag: 9,
                data: Bytes::from_static(b"xyz"),
            }],
        };
        let mut b = BytesMut::new();
        h.encode(&mut b, 1).unwrap();
        let mut r = b.freeze();
        assert_eq!(ResponseHeader::decode(&mut r, 1).unwrap(), h);
        let mut r = Bytes::from_static(&[0, 0]);
        assert!(ResponseHeader::decode(&mut r, 0).is_err());
    }
}
