//! ApiVersions negotiation: the highest version both the broker and this client speak.

use kafka_protocol::Message;
use kafka_protocol::messages::ApiVersionsResponse;

/// The API version ranges one broker advertised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrokerVersions {
    /// `(min, max)` by API key; `None` where the broker lacks the API.
    ranges: Vec<Option<(i16, i16)>>,
}

impl BrokerVersions {
    /// The ranges of an ApiVersions response.
    pub fn from_response(resp: &ApiVersionsResponse) -> Self {
        let mut ranges = Vec::new();
        for api in &resp.api_keys {
            let Ok(key) = usize::try_from(api.api_key) else {
                continue;
            };
            // Keys are small (below 100 today); a hostile key cannot make this grow past 32K.
            if ranges.len() <= key {
                ranges.resize(key + 1, None);
            }
            ranges[key] = Some((api.min_version, api.max_version));
        }
        BrokerVersions { ranges }
    }

    /// The broker's range for `api_key`.
    pub fn range(&self, api_key: i16) -> Option<(i16, i16)> {
        usize::try_from(api_key)
            .ok()
            .and_then(|k| self.ranges.get(k).copied().flatten())
    }

    /// The version to use for `M`: the highest both sides support, or `None`.
    pub fn negotiate<M: Message>(&self) -> Option<i16> {
        self.negotiate_within(M::API_KEY, M::MIN_VERSION, M::MAX_VERSION)
    }

    /// The highest version in `ours` (inclusive) that the broker also supports.
    pub fn negotiate_within(&self, api_key: i16, min: i16, max: i16) -> Option<i16> {
        let (bmin, bmax) = self.range(api_key)?;
        let v = max.min(bmax);
        (v >= min.max(bmin)).then_some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::messages::api_versions_response::ApiVersion;

    fn versions(list: &[(i16, i16, i16)]) -> BrokerVersions {
        BrokerVersions::from_response(&ApiVersionsResponse {
            api_keys: list
                .iter()
                .map(|&(api_key, min_version, max_version)| ApiVersion {
                    api_key,
                    min_version,
                    max_version,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        })
    }

    #[test]
    fn picks_highest_common_version() {
        let v = versions(&[(0, 3, 20), (3, 0, 7), (1, 13, 17)]);
        assert_eq!(v.negotiate_within(0, 0, 13), Some(13));
        assert_eq!(v.negotiate_within(3, 0, 13), Some(7));
        assert_eq!(v.negotiate_within(1, 0, 12), None, "no overlap");
        assert_eq!(v.negotiate_within(22, 0, 5), None, "missing api");
        assert_eq!(v.negotiate_within(-3, 0, 5), None);
    }
}
