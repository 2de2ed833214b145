//! InitProducerIdResponse (API key 22), versions 0-5.
//!
//! Transcribed from the kafka-clients 4.4.0 JSON schema; see MESSAGES.md.

kafka_struct! {
    /// The InitProducerId response (API key 22).
    pub struct InitProducerIdResponse {
        /// The duration in milliseconds for which the request was throttled due to a quota
        /// violation, or zero if the request did not violate any quota.
        pub throttle_time_ms: i32 = versions(0..) ignorable(true),
        /// The error code, or 0 if there was no error.
        pub error_code: i16 = versions(0..),
        /// The current producer id.
        pub producer_id: i64 = versions(0..) default(-1),
        /// The current epoch associated with the producer id.
        pub producer_epoch: i16 = versions(0..),
        /// The producer id for ongoing transaction when KeepPreparedTxn is used, -1 if there is
        /// no transaction ongoing.
        pub ongoing_txn_producer_id: i64 = versions(6..) default(-1),
        /// The epoch associated with the producer id for ongoing transaction when
        /// KeepPreparedTxn is used, -1 if there is no transaction ongoing.
        pub ongoing_txn_producer_epoch: i16 = versions(6..) default(-1),
    }
}

kafka_message!(
    InitProducerIdResponse,
    api_key = 22,
    versions = 0..=5,
    flexible = Some(2)
);
