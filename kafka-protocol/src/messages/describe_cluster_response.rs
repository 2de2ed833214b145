//! DescribeClusterResponse (API key 60), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The DescribeCluster response (API key 60).
    pub struct DescribeClusterResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..),
        /// The top-level error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The top-level error message, or null if there was no error.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
        /// The endpoint type that was described. 1=brokers, 2=controllers.
        pub endpoint_type: i8 = versions(1..) default(1),
        /// The cluster ID that responding broker belongs to.
        pub cluster_id: String = versions(0..),
        /// The ID of the controller. When handled by a controller, returns the current voter
        /// leader ID. When handled by a broker, returns a random alive broker ID as a fallback.
        pub controller_id: i32 = versions(0..) default(-1),
        /// Each broker in the response.
        pub brokers: Vec<DescribeClusterBroker> = versions(0..),
        /// 32-bit bitfield to represent authorized operations for this cluster.
        pub cluster_authorized_operations: i32 = versions(0..) default(-2147483648),
    }
}

kafka_struct! {
    /// Each broker in the response.
    pub struct DescribeClusterBroker {
        /// The broker ID.
        pub broker_id: i32 = versions(0..),
        /// The broker hostname.
        pub host: String = versions(0..),
        /// The broker port.
        pub port: i32 = versions(0..),
        /// The rack of the broker, or null if it has not been assigned to a rack.
        pub rack: Option<String> = versions(0..) nullable(0..) default(None),
        /// Whether the broker is fenced
        pub is_fenced: bool = versions(2..),
    }
}

kafka_message!(
    DescribeClusterResponse,
    api_key = 60,
    versions = 0..=2,
    flexible = Some(0)
);
