//! DescribeClusterResponse (API key 60), versions 0-2.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Response body for DescribeCluster (API key 60).
    pub struct DescribeClusterResponse {
        /// How long, in milliseconds, the request was held back by quota throttling; zero when no
        /// quota was exceeded.
        pub throttle_time_ms: i32 = versions(0..),
        /// Error code for the response as a whole; 0 means success.
        pub error_code: i16 = versions(0..),
        /// Error message for the response as a whole; null on success.
        pub error_message: Option<String> = versions(0..) nullable(0..) default(None),
        /// Which kind of endpoint was described: 1 for brokers, 2 for controllers.
        pub endpoint_type: i8 = versions(1..) default(1),
        /// ID of the cluster the responding broker is part of.
        pub cluster_id: String = versions(0..),
        /// Controller ID. A controller answers with the current voter leader's ID; a broker answers
        /// with some live broker's ID as a fallback.
        pub controller_id: i32 = versions(0..) default(-1),
        /// One entry per broker in the response.
        pub brokers: Vec<DescribeClusterBroker> = versions(0..),
        /// Bitfield (32 bits) of the operations the caller may perform on the cluster.
        pub cluster_authorized_operations: i32 = versions(0..) default(-2147483648),
    }
}

kafka_struct! {
    /// One entry per broker in the response.
    pub struct DescribeClusterBroker {
        /// ID of the broker.
        pub broker_id: i32 = versions(0..),
        /// Host name of the broker.
        pub host: String = versions(0..),
        /// Port the broker listens on.
        pub port: i32 = versions(0..),
        /// Rack the broker sits in, or null when it has no rack.
        pub rack: Option<String> = versions(0..) nullable(0..) default(None),
        /// Set when the broker is fenced.
        pub is_fenced: bool = versions(2..),
    }
}

kafka_message!(
    DescribeClusterResponse,
    api_key = 60,
    versions = 0..=2,
    flexible = Some(0)
);
