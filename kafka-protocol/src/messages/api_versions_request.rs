//! ApiVersionsRequest (API key 18), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// Request body for ApiVersions (API key 18).
    pub struct ApiVersionsRequest {
        /// Name reported by the client software.
        pub client_software_name: String = versions(3..) ignorable(true),
        /// Version string of the client software.
        pub client_software_version: String = versions(3..) ignorable(true),
        /// Cluster the client expects to reach; send it together with NodeId when both are known.
        pub cluster_id: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
        /// Node the client expects to reach; send it together with ClusterId when both are known.
        pub node_id: i32 = versions(5..) ignorable(true) default(-1),
    }
}

kafka_message!(
    ApiVersionsRequest,
    api_key = 18,
    versions = 0..=5,
    flexible = Some(3)
);
kafka_request!(ApiVersionsRequest => super::ApiVersionsResponse);
