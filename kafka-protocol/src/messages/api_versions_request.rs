//! ApiVersionsRequest (API key 18), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The ApiVersions request (API key 18).
    pub struct ApiVersionsRequest {
        /// The name of the client.
        pub client_software_name: String = versions(3..) ignorable(true),
        /// The version of the client.
        pub client_software_version: String = versions(3..) ignorable(true),
        /// The cluster ID the client intends to connect to. Provide both ClusterId and NodeId,
        /// if known.
        pub cluster_id: Option<String> = versions(5..) nullable(5..) ignorable(true) default(None),
        /// The node ID the client intends to connect to. Provide both ClusterId and NodeId, if
        /// known.
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
