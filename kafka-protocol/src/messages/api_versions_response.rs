//! ApiVersionsResponse (API key 18), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for ApiVersions (API key 18).
    pub struct ApiVersionsResponse {
        /// Error code for the response as a whole.
        pub error_code: i16 = versions(0..),
        /// APIs the broker implements, with their version ranges.
        pub api_keys: Vec<ApiVersion> = versions(0..),
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// Feature flags the broker supports. Versions 0-3 leave out features whose
        /// MinSupportedVersion is 0.
        pub supported_features: Vec<SupportedFeatureKey> = versions(3..) tag(0) ignorable(true),
        /// Epoch of the finalized feature data, which only ever grows. Valid epochs are 0 or more;
        /// -1 means the epoch is unknown.
        pub finalized_features_epoch: i64 = versions(3..) tag(1) ignorable(true) default(-1),
        /// Finalized features that apply across the cluster; only meaningful when
        /// FinalizedFeaturesEpoch is 0 or greater.
        pub finalized_features: Vec<FinalizedFeatureKey> = versions(3..) tag(2) ignorable(true),
        /// Set by a KRaft controller once the configuration needed for ZooKeeper migration is in
        /// place.
        pub zk_migration_ready: bool = versions(3..) tag(3) ignorable(true),
    }
}

kafka_struct! {
    /// Finalized features that apply across the cluster; only meaningful when
    /// FinalizedFeaturesEpoch is 0 or greater.
    pub struct FinalizedFeatureKey {
        /// Name of the feature.
        pub name: String = versions(3..),
        /// Highest version level finalized for this feature across the cluster.
        pub max_version_level: i16 = versions(3..),
        /// Lowest version level finalized for this feature across the cluster.
        pub min_version_level: i16 = versions(3..),
    }
}

kafka_struct! {
    /// Feature flags the broker supports. Versions 0-3 leave out features whose MinSupportedVersion
    /// is 0.
    pub struct SupportedFeatureKey {
        /// Name of the feature.
        pub name: String = versions(3..),
        /// Lowest version of the feature the broker supports.
        pub min_version: i16 = versions(3..),
        /// Highest version of the feature the broker supports.
        pub max_version: i16 = versions(3..),
    }
}

kafka_struct! {
    /// APIs the broker implements, with their version ranges.
    pub struct ApiVersion {
        /// Numeric key of the API.
        pub api_key: i16 = versions(0..),
        /// Lowest version supported (inclusive).
        pub min_version: i16 = versions(0..),
        /// Highest version supported (inclusive).
        pub max_version: i16 = versions(0..),
    }
}

kafka_message!(
    ApiVersionsResponse,
    api_key = 18,
    versions = 0..=5,
    flexible = Some(3)
);
