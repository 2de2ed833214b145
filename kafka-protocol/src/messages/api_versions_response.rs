//! ApiVersionsResponse (API key 18), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The ApiVersions response (API key 18).
    pub struct ApiVersionsResponse {
        /// The top-level error code.
        pub error_code: i16 = versions(0..),
        /// The APIs supported by the broker.
        pub api_keys: Vec<ApiVersion> = versions(0..),
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(1..) ignorable(true),
        /// Features supported by the broker. Note: in v0-v3, features with MinSupportedVersion
        /// = 0 are omitted.
        pub supported_features: Vec<SupportedFeatureKey> = versions(3..) tag(0) ignorable(true),
        /// The monotonically increasing epoch for the finalized features information. Valid
        /// values are >= 0. A value of -1 is special and represents unknown epoch.
        pub finalized_features_epoch: i64 = versions(3..) tag(1) ignorable(true) default(-1),
        /// List of cluster-wide finalized features. The information is valid only if
        /// FinalizedFeaturesEpoch >= 0.
        pub finalized_features: Vec<FinalizedFeatureKey> = versions(3..) tag(2) ignorable(true),
        /// Set by a KRaft controller if the required configurations for ZK migration are
        /// present.
        pub zk_migration_ready: bool = versions(3..) tag(3) ignorable(true),
    }
}

kafka_struct! {
    /// List of cluster-wide finalized features. The information is valid only if
    /// FinalizedFeaturesEpoch >= 0.
    pub struct FinalizedFeatureKey {
        /// The name of the feature.
        pub name: String = versions(3..),
        /// The cluster-wide finalized max version level for the feature.
        pub max_version_level: i16 = versions(3..),
        /// The cluster-wide finalized min version level for the feature.
        pub min_version_level: i16 = versions(3..),
    }
}

kafka_struct! {
    /// Features supported by the broker. Note: in v0-v3, features with MinSupportedVersion = 0
    /// are omitted.
    pub struct SupportedFeatureKey {
        /// The name of the feature.
        pub name: String = versions(3..),
        /// The minimum supported version for the feature.
        pub min_version: i16 = versions(3..),
        /// The maximum supported version for the feature.
        pub max_version: i16 = versions(3..),
    }
}

kafka_struct! {
    /// The APIs supported by the broker.
    pub struct ApiVersion {
        /// The API index.
        pub api_key: i16 = versions(0..),
        /// The minimum supported version, inclusive.
        pub min_version: i16 = versions(0..),
        /// The maximum supported version, inclusive.
        pub max_version: i16 = versions(0..),
    }
}

kafka_message!(
    ApiVersionsResponse,
    api_key = 18,
    versions = 0..=5,
    flexible = Some(3)
);
