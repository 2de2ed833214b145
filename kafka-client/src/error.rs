//! Kafka's error codes and the client's typed errors.
//!
//! [`KafkaCode`] is the protocol's error code with the name and the retriable flag Kafka's
//! `Errors` table gives it; brokers send the number, users see the name. Client-side failures
//! (connection, timeout, configuration) are the variants of [`Error`], which says whether a
//! retry could help through [`Error::is_retriable`], never through its message text.

use std::fmt;
use std::time::Duration;

use kafka_protocol::{DecodeError, EncodeError};

use crate::config::ConfigError;
use crate::sasl::SaslError;

/// A Kafka protocol error code (`Errors` in the Java client).
///
/// ```
/// use kafka_client::error::KafkaCode;
/// let code = KafkaCode(6);
/// assert_eq!(code.name(), "NOT_LEADER_OR_FOLLOWER");
/// assert!(code.is_retriable());
/// assert!(code.invalidates_metadata());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KafkaCode(pub i16);

/// `(code, name, retriable)` for every code Kafka defines, from the Java client's `Errors`
/// enum (retriable = the exception class extends `RetriableException`).
const CODES: &[(i16, &str, bool)] = &[
    (-1, "UNKNOWN_SERVER_ERROR", false),
    (0, "NONE", false),
    (1, "OFFSET_OUT_OF_RANGE", false),
    (2, "CORRUPT_MESSAGE", true),
    (3, "UNKNOWN_TOPIC_OR_PARTITION", true),
    (4, "INVALID_FETCH_SIZE", false),
    (5, "LEADER_NOT_AVAILABLE", true),
    (6, "NOT_LEADER_OR_FOLLOWER", true),
    (7, "REQUEST_TIMED_OUT", true),
    (8, "BROKER_NOT_AVAILABLE", false),
    (9, "REPLICA_NOT_AVAILABLE", true),
    (10, "MESSAGE_TOO_LARGE", false),
    (11, "STALE_CONTROLLER_EPOCH", false),
    (12, "OFFSET_METADATA_TOO_LARGE", false),
    (13, "NETWORK_EXCEPTION", true),
    (14, "COORDINATOR_LOAD_IN_PROGRESS", true),
    (15, "COORDINATOR_NOT_AVAILABLE", true),
    (16, "NOT_COORDINATOR", true),
    (17, "INVALID_TOPIC_EXCEPTION", false),
    (18, "RECORD_LIST_TOO_LARGE", false),
    (19, "NOT_ENOUGH_REPLICAS", true),
    (20, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", true),
    (21, "INVALID_REQUIRED_ACKS", false),
    (22, "ILLEGAL_GENERATION", false),
    (23, "INCONSISTENT_GROUP_PROTOCOL", false),
    (24, "INVALID_GROUP_ID", false),
    (25, "UNKNOWN_MEMBER_ID", false),
    (26, "INVALID_SESSION_TIMEOUT", false),
    (27, "REBALANCE_IN_PROGRESS", false),
    (28, "INVALID_COMMIT_OFFSET_SIZE", false),
    (29, "TOPIC_AUTHORIZATION_FAILED", false),
    (30, "GROUP_AUTHORIZATION_FAILED", false),
    (31, "CLUSTER_AUTHORIZATION_FAILED", false),
    (32, "INVALID_TIMESTAMP", false),
    (33, "UNSUPPORTED_SASL_MECHANISM", false),
    (34, "ILLEGAL_SASL_STATE", false),
    (35, "UNSUPPORTED_VERSION", false),
    (36, "TOPIC_ALREADY_EXISTS", false),
    (37, "INVALID_PARTITIONS", false),
    (38, "INVALID_REPLICATION_FACTOR", false),
    (39, "INVALID_REPLICA_ASSIGNMENT", false),
    (40, "INVALID_CONFIG", false),
    (41, "NOT_CONTROLLER", true),
    (42, "INVALID_REQUEST", false),
    (43, "UNSUPPORTED_FOR_MESSAGE_FORMAT", false),
    (44, "POLICY_VIOLATION", false),
    (45, "OUT_OF_ORDER_SEQUENCE_NUMBER", false),
    (46, "DUPLICATE_SEQUENCE_NUMBER", false),
    (47, "INVALID_PRODUCER_EPOCH", false),
    (48, "INVALID_TXN_STATE", false),
    (49, "INVALID_PRODUCER_ID_MAPPING", false),
    (50, "INVALID_TRANSACTION_TIMEOUT", false),
    (51, "CONCURRENT_TRANSACTIONS", false),
    (52, "TRANSACTION_COORDINATOR_FENCED", false),
    (53, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", false),
    (54, "SECURITY_DISABLED", false),
    (55, "OPERATION_NOT_ATTEMPTED", false),
    (56, "KAFKA_STORAGE_ERROR", true),
    (57, "LOG_DIR_NOT_FOUND", false),
    (58, "SASL_AUTHENTICATION_FAILED", false),
    (59, "UNKNOWN_PRODUCER_ID", false),
    (60, "REASSIGNMENT_IN_PROGRESS", false),
    (61, "DELEGATION_TOKEN_AUTH_DISABLED", false),
    (62, "DELEGATION_TOKEN_NOT_FOUND", false),
    (63, "DELEGATION_TOKEN_OWNER_MISMATCH", false),
    (64, "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED", false),
    (65, "DELEGATION_TOKEN_AUTHORIZATION_FAILED", false),
    (66, "DELEGATION_TOKEN_EXPIRED", false),
    (67, "INVALID_PRINCIPAL_TYPE", false),
    (68, "NON_EMPTY_GROUP", false),
    (69, "GROUP_ID_NOT_FOUND", false),
    (70, "FETCH_SESSION_ID_NOT_FOUND", true),
    (71, "INVALID_FETCH_SESSION_EPOCH", true),
    (72, "LISTENER_NOT_FOUND", true),
    (73, "TOPIC_DELETION_DISABLED", false),
    (74, "FENCED_LEADER_EPOCH", true),
    (75, "UNKNOWN_LEADER_EPOCH", true),
    (76, "UNSUPPORTED_COMPRESSION_TYPE", false),
    (77, "STALE_BROKER_EPOCH", false),
    (78, "OFFSET_NOT_AVAILABLE", true),
    (79, "MEMBER_ID_REQUIRED", false),
    (80, "PREFERRED_LEADER_NOT_AVAILABLE", true),
    (81, "GROUP_MAX_SIZE_REACHED", false),
    (82, "FENCED_INSTANCE_ID", false),
    (83, "ELIGIBLE_LEADERS_NOT_AVAILABLE", true),
    (84, "ELECTION_NOT_NEEDED", true),
    (85, "NO_REASSIGNMENT_IN_PROGRESS", false),
    (86, "GROUP_SUBSCRIBED_TO_TOPIC", false),
    (87, "INVALID_RECORD", false),
    (88, "UNSTABLE_OFFSET_COMMIT", true),
    (89, "THROTTLING_QUOTA_EXCEEDED", true),
    (90, "PRODUCER_FENCED", false),
    (91, "RESOURCE_NOT_FOUND", false),
    (92, "DUPLICATE_RESOURCE", false),
    (93, "UNACCEPTABLE_CREDENTIAL", false),
    (94, "INCONSISTENT_VOTER_SET", false),
    (95, "INVALID_UPDATE_VERSION", false),
    (96, "FEATURE_UPDATE_FAILED", false),
    (97, "PRINCIPAL_DESERIALIZATION_FAILURE", false),
    (98, "SNAPSHOT_NOT_FOUND", false),
    (99, "POSITION_OUT_OF_RANGE", false),
    (100, "UNKNOWN_TOPIC_ID", true),
    (101, "DUPLICATE_BROKER_REGISTRATION", false),
    (102, "BROKER_ID_NOT_REGISTERED", false),
    (103, "INCONSISTENT_TOPIC_ID", true),
    (104, "INCONSISTENT_CLUSTER_ID", false),
    (105, "TRANSACTIONAL_ID_NOT_FOUND", false),
    (106, "FETCH_SESSION_TOPIC_ID_ERROR", true),
    (107, "INELIGIBLE_REPLICA", false),
    (108, "NEW_LEADER_ELECTED", false),
    (109, "OFFSET_MOVED_TO_TIERED_STORAGE", false),
    (110, "FENCED_MEMBER_EPOCH", false),
    (111, "UNRELEASED_INSTANCE_ID", false),
    (112, "UNSUPPORTED_ASSIGNOR", false),
    (113, "STALE_MEMBER_EPOCH", false),
    (114, "MISMATCHED_ENDPOINT_TYPE", false),
    (115, "UNSUPPORTED_ENDPOINT_TYPE", false),
    (116, "UNKNOWN_CONTROLLER_ID", false),
    (117, "UNKNOWN_SUBSCRIPTION_ID", false),
    (118, "TELEMETRY_TOO_LARGE", false),
    (119, "INVALID_REGISTRATION", false),
    (120, "TRANSACTION_ABORTABLE", false),
    (121, "INVALID_RECORD_STATE", false),
    (122, "SHARE_SESSION_NOT_FOUND", true),
    (123, "INVALID_SHARE_SESSION_EPOCH", true),
    (124, "FENCED_STATE_EPOCH", false),
    (125, "INVALID_VOTER_KEY", false),
    (126, "DUPLICATE_VOTER", false),
    (127, "VOTER_NOT_FOUND", false),
    (128, "INVALID_REGULAR_EXPRESSION", false),
    (129, "REBOOTSTRAP_REQUIRED", false),
];

impl KafkaCode {
    /// No error.
    pub const NONE: KafkaCode = KafkaCode(0);
    /// `UNKNOWN_TOPIC_OR_PARTITION`.
    pub const UNKNOWN_TOPIC_OR_PARTITION: KafkaCode = KafkaCode(3);
    /// `LEADER_NOT_AVAILABLE`.
    pub const LEADER_NOT_AVAILABLE: KafkaCode = KafkaCode(5);
    /// `NOT_LEADER_OR_FOLLOWER`.
    pub const NOT_LEADER_OR_FOLLOWER: KafkaCode = KafkaCode(6);
    /// `MESSAGE_TOO_LARGE`.
    pub const MESSAGE_TOO_LARGE: KafkaCode = KafkaCode(10);
    /// `UNSUPPORTED_VERSION`.
    pub const UNSUPPORTED_VERSION: KafkaCode = KafkaCode(35);
    /// `TOPIC_ALREADY_EXISTS`.
    pub const TOPIC_ALREADY_EXISTS: KafkaCode = KafkaCode(36);
    /// `OUT_OF_ORDER_SEQUENCE_NUMBER`.
    pub const OUT_OF_ORDER_SEQUENCE_NUMBER: KafkaCode = KafkaCode(45);
    /// `DUPLICATE_SEQUENCE_NUMBER`.
    pub const DUPLICATE_SEQUENCE_NUMBER: KafkaCode = KafkaCode(46);
    /// `INVALID_PRODUCER_EPOCH`.
    pub const INVALID_PRODUCER_EPOCH: KafkaCode = KafkaCode(47);
    /// `SASL_AUTHENTICATION_FAILED`.
    pub const SASL_AUTHENTICATION_FAILED: KafkaCode = KafkaCode(58);
    /// `UNKNOWN_PRODUCER_ID`.
    pub const UNKNOWN_PRODUCER_ID: KafkaCode = KafkaCode(59);
    /// `PRODUCER_FENCED`.
    pub const PRODUCER_FENCED: KafkaCode = KafkaCode(90);
    /// `UNKNOWN_TOPIC_ID`.
    pub const UNKNOWN_TOPIC_ID: KafkaCode = KafkaCode(100);

    fn entry(self) -> Option<&'static (i16, &'static str, bool)> {
        // Codes are dense from -1, so the table index is code + 1.
        let idx = usize::try_from(i32::from(self.0) + 1).ok()?;
        CODES.get(idx).filter(|e| e.0 == self.0)
    }

    /// Whether this is the "no error" code.
    pub fn is_ok(self) -> bool {
        self.0 == 0
    }

    /// Kafka's name for the code (`NOT_LEADER_OR_FOLLOWER`), or `UNKNOWN` for a code this
    /// client does not know.
    pub fn name(self) -> &'static str {
        self.entry().map_or("UNKNOWN", |e| e.1)
    }

    /// Whether Kafka classifies the error as retriable (a `RetriableException` in Java).
    /// Unknown codes are not retriable, as Java maps them to `UnknownServerException`.
    pub fn is_retriable(self) -> bool {
        self.entry().is_some_and(|e| e.2)
    }

    /// Whether the error means the client's metadata is stale (Java's
    /// `InvalidMetadataException` family): the caller refreshes before retrying.
    pub fn invalidates_metadata(self) -> bool {
        matches!(self.0, 3 | 5 | 6 | 56 | 72 | 74 | 75 | 100 | 103)
    }

    /// `Ok(())` for `NONE`, otherwise the code as an error.
    pub fn ok(self) -> Result<(), KafkaCode> {
        if self.is_ok() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Debug for KafkaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.name(), self.0)
    }
}

impl fmt::Display for KafkaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (error code {})", self.name(), self.0)
    }
}

impl std::error::Error for KafkaCode {}

/// Any failure of a client operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The broker answered with an error code.
    #[error("broker returned {code}{}", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Kafka {
        /// The code.
        code: KafkaCode,
        /// The broker's error message, when the response carries one.
        message: Option<String>,
    },
    /// A socket could not be opened or broke.
    #[error("connection to {broker} failed: {source}")]
    Io {
        /// `host:port` of the broker.
        broker: String,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// The connection closed while a request was outstanding.
    #[error("connection to {broker} closed before the response arrived")]
    Disconnected {
        /// `host:port` of the broker.
        broker: String,
    },
    /// No answer within the configured time.
    #[error("{what} timed out after {after:?}")]
    Timeout {
        /// What was being waited for.
        what: String,
        /// How long it waited.
        after: Duration,
    },
    /// SASL authentication failed (wrong credentials, mechanism not enabled, ...).
    #[error("authentication with {broker} failed: {reason}")]
    Authentication {
        /// `host:port` of the broker.
        broker: String,
        /// The broker's message or the SASL error.
        reason: String,
    },
    /// The client-side SASL exchange failed (e.g. the broker's SCRAM signature is wrong).
    #[error("SASL: {0}")]
    Sasl(#[from] SaslError),
    /// The broker does not speak a version of an API this client needs.
    #[error("broker {broker} does not support {api} in a version this client implements")]
    UnsupportedApi {
        /// `host:port` of the broker.
        broker: String,
        /// The API name.
        api: &'static str,
    },
    /// A response could not be decoded.
    #[error("malformed response from {broker}: {source}")]
    Decode {
        /// `host:port` of the broker.
        broker: String,
        /// What was wrong.
        #[source]
        source: DecodeError,
    },
    /// A request could not be encoded.
    #[error("cannot encode request: {0}")]
    Encode(#[from] EncodeError),
    /// The response did not match the request (wrong correlation id, size out of bounds).
    #[error("protocol violation by {broker}: {reason}")]
    Protocol {
        /// `host:port` of the broker.
        broker: String,
        /// What was wrong.
        reason: String,
    },
    /// Invalid configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The topic is not in the cluster's metadata.
    #[error("topic {topic:?} does not exist ({code})")]
    UnknownTopic {
        /// The topic.
        topic: String,
        /// The code the broker gave.
        code: KafkaCode,
    },
    /// A record exceeds `max.request.size` or `buffer.memory`.
    #[error("record of {size} bytes is larger than {limit_name} ({limit})")]
    RecordTooLarge {
        /// Its serialized size.
        size: usize,
        /// The configuration that limits it.
        limit_name: &'static str,
        /// The limit.
        limit: usize,
    },
    /// The record named a partition the topic does not have.
    #[error(transparent)]
    Partition(#[from] crate::partitioner::PartitionError),
    /// The client was closed.
    #[error("the client is closed")]
    Closed,
    /// A producer-state error the producer cannot recover from (e.g. fenced).
    #[error("fatal producer error: {0}")]
    FatalProducer(String),
    /// A record batch could not be built.
    #[error("cannot build record batch: {0}")]
    Build(#[from] kafka_protocol::record::BuildError),
    /// A record set could not be read.
    #[error("cannot read records: {0}")]
    Records(#[from] kafka_protocol::record::RecordError),
    /// No broker could be reached.
    #[error("no broker available: {0}")]
    NoBroker(String),
    /// A client was created outside a tokio runtime (it spawns its background task there).
    #[error("no tokio runtime: create clients inside a tokio runtime")]
    NoRuntime,
    /// One failure shared by several operations (every record of a failed batch gets one).
    #[error(transparent)]
    Shared(std::sync::Arc<Error>),
}

impl Error {
    /// Whether retrying the operation could succeed (Kafka's classification for broker codes;
    /// network failures and timeouts are retriable, as Java's `NetworkException` and
    /// `TimeoutException` are).
    pub fn is_retriable(&self) -> bool {
        match self {
            Error::Shared(e) => e.is_retriable(),
            Error::Kafka { code, .. } => code.is_retriable(),
            Error::UnknownTopic { code, .. } => code.is_retriable(),
            Error::Io { .. } | Error::Disconnected { .. } | Error::Timeout { .. } => true,
            Error::NoBroker(_) => true,
            _ => false,
        }
    }

    /// The Kafka code, when the broker reported one.
    pub fn code(&self) -> Option<KafkaCode> {
        match self {
            Error::Shared(e) => e.code(),
            Error::Kafka { code, .. } | Error::UnknownTopic { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The error itself, looking through [`Error::Shared`].
    pub fn root(&self) -> &Error {
        match self {
            Error::Shared(e) => e.root(),
            e => e,
        }
    }

    /// The broker error `code` with no message.
    pub fn kafka(code: KafkaCode) -> Error {
        Error::Kafka {
            code,
            message: None,
        }
    }
}

impl From<KafkaCode> for Error {
    fn from(code: KafkaCode) -> Self {
        Error::kafka(code)
    }
}

/// Result alias for client operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_dense_from_minus_one() {
        for (i, (code, _, _)) in CODES.iter().enumerate() {
            assert_eq!(
                i32::from(*code),
                i as i32 - 1,
                "table out of order at {code}"
            );
        }
    }

    #[test]
    fn names_and_retriability() {
        assert_eq!(KafkaCode(3).name(), "UNKNOWN_TOPIC_OR_PARTITION");
        assert!(KafkaCode(3).is_retriable());
        assert!(!KafkaCode(10).is_retriable());
        assert_eq!(KafkaCode(58).name(), "SASL_AUTHENTICATION_FAILED");
        assert_eq!(KafkaCode(-1).name(), "UNKNOWN_SERVER_ERROR");
        assert_eq!(KafkaCode(9999).name(), "UNKNOWN");
        assert!(!KafkaCode(9999).is_retriable());
        assert_eq!(KafkaCode(i16::MIN).name(), "UNKNOWN");
        assert!(KafkaCode(0).ok().is_ok());
        assert_eq!(KafkaCode(6).ok(), Err(KafkaCode::NOT_LEADER_OR_FOLLOWER));
    }

    #[test]
    fn errors_classify_retriability() {
        assert!(Error::kafka(KafkaCode(6)).is_retriable());
        assert!(!Error::kafka(KafkaCode(10)).is_retriable());
        let e = Error::kafka(KafkaCode(10));
        assert!(e.to_string().contains("MESSAGE_TOO_LARGE"));
        assert!(Error::Disconnected { broker: "b".into() }.is_retriable());
        assert!(!Error::Closed.is_retriable());
    }
}
