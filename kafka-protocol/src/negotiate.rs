//! Version negotiation: picking the version of each API to speak with a broker, from the
//! broker's ApiVersions response and this crate's [`API_VERSIONS`](crate::messages::API_VERSIONS).

use bytes::Bytes;

use crate::error::DecodeError;
use crate::message::Message;
use crate::messages::{ApiVersionsResponse, api_info};

/// The highest version both sides speak for `api_key`, given the broker's advertised range;
/// `None` if the ranges do not overlap or this crate does not implement the API.
pub fn negotiate(api_key: i16, broker_min: i16, broker_max: i16) -> Option<i16> {
    let ours = api_info(api_key)?;
    let v = ours.max_version.min(broker_max);
    (v >= ours.min_version.max(broker_min)).then_some(v)
}

/// Decodes an ApiVersions response body sent for a request at `version`.
///
/// A broker that does not support the requested ApiVersions version answers at v0 (with
/// `UNSUPPORTED_VERSION` and its own range), so, like Kafka's Java client, this falls back to
/// v0 when the body does not decode at `version`.
pub fn decode_api_versions_response(
    body: Bytes,
    version: i16,
) -> Result<ApiVersionsResponse, DecodeError> {
    match ApiVersionsResponse::decode_exact(body.clone(), version) {
        Ok(r) => Ok(r),
        Err(e) if version != 0 => ApiVersionsResponse::decode_exact(body, 0).map_err(|_| e),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::api_versions_response::ApiVersion;
    use bytes::BytesMut;

    #[test]
    fn negotiation_takes_the_overlap_maximum() {
        // Fetch: ours 0..=18.
        assert_eq!(negotiate(1, 4, 17), Some(17));
        assert_eq!(negotiate(1, 4, 30), Some(18));
        assert_eq!(negotiate(1, 19, 30), None);
        assert_eq!(negotiate(-3, 0, 5), None);
    }

    #[test]
    fn v0_fallback_for_unsupported_version_answers() {
        let v0 = ApiVersionsResponse {
            error_code: 35,
            api_keys: vec![ApiVersion {
                api_key: 18,
                min_version: 0,
                max_version: 3,
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut buf = BytesMut::new();
        v0.encode(&mut buf, 0).unwrap();
        let body = buf.freeze();
        assert!(ApiVersionsResponse::decode_exact(body.clone(), 4).is_err());
        assert_eq!(decode_api_versions_response(body, 4).unwrap(), v0);
        assert!(decode_api_versions_response(Bytes::from_static(&[1]), 4).is_err());
    }
}
