//! Request and response bodies, one module per message, declared with `kafka_struct!`.
//!
//! Top-level types are re-exported here; nested structs live in their message's module
//! (`messages::fetch_request::FetchTopic`). [`API_VERSIONS`] lists every API this crate
//! implements with its version range, for version negotiation and the drift test.

pub mod api_versions_request;
pub mod api_versions_response;
pub mod fetch_request;
pub mod fetch_response;
pub mod metadata_request;
pub mod metadata_response;
pub mod produce_request;
pub mod produce_response;

pub use api_versions_request::ApiVersionsRequest;
pub use api_versions_response::ApiVersionsResponse;
pub use fetch_request::FetchRequest;
pub use fetch_response::FetchResponse;
pub use metadata_request::MetadataRequest;
pub use metadata_response::MetadataResponse;
pub use produce_request::ProduceRequest;
pub use produce_response::ProduceResponse;

/// One API this crate implements: key, name and the versions of its request schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiInfo {
    /// The API key.
    pub api_key: i16,
    /// The API name as Kafka spells it (`Fetch`).
    pub name: &'static str,
    /// The oldest version implemented.
    pub min_version: i16,
    /// The newest version implemented.
    pub max_version: i16,
    /// The first flexible version, if any.
    pub flexible_min: Option<i16>,
}

/// Every API this crate implements, in API-key order.
pub const API_VERSIONS: &[ApiInfo] = &[
    ApiInfo {
        api_key: 0,
        name: "Produce",
        min_version: 0,
        max_version: 13,
        flexible_min: Some(9),
    },
    ApiInfo {
        api_key: 1,
        name: "Fetch",
        min_version: 0,
        max_version: 18,
        flexible_min: Some(12),
    },
    ApiInfo {
        api_key: 3,
        name: "Metadata",
        min_version: 0,
        max_version: 13,
        flexible_min: Some(9),
    },
    ApiInfo {
        api_key: 18,
        name: "ApiVersions",
        min_version: 0,
        max_version: 5,
        flexible_min: Some(3),
    },
];

/// The entry for `api_key`, if this crate implements it.
pub fn api_info(api_key: i16) -> Option<&'static ApiInfo> {
    API_VERSIONS.iter().find(|a| a.api_key == api_key)
}

/// Calls `$m!` once with every `(api key, request type, response type)`; used by tests and
/// the fuzz target to visit every message generically.
#[macro_export]
macro_rules! for_each_api {
    ($m:ident) => {
        $m!(
            0,
            $crate::messages::ProduceRequest,
            $crate::messages::ProduceResponse
        );
        $m!(
            1,
            $crate::messages::FetchRequest,
            $crate::messages::FetchResponse
        );
        $m!(
            3,
            $crate::messages::MetadataRequest,
            $crate::messages::MetadataResponse
        );
        $m!(
            18,
            $crate::messages::ApiVersionsRequest,
            $crate::messages::ApiVersionsResponse
        );
    };
}
