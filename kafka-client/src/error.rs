//! Kafka's error codes and the client's typed errors.
//!
//! [`KafkaCode`] is the raw error code from a response; its name, retriable flag and staleness come
//! from `kafka_protocol::ErrorCode` (Kafka's `Errors` table); brokers send the number, users see
//! the name. Client-side failures (connection, timeout, configuration) are the variants of
//! [`Error`], which says whether a retry could help through [`Error::is_retriable`], never
//! through its message text.

use std::fmt;
use std::time::Duration;

use kafka_protocol::{DecodeError, EncodeError, ErrorCode};

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

    /// The protocol crate's entry for this code, `None` for a code Kafka has not defined (or
    /// defined after this client was built).
    pub fn known(self) -> Option<ErrorCode> {
        ErrorCode::from_code(self.0)
    }

    /// Whether this is the "no error" code.
    pub fn is_ok(self) -> bool {
        self.0 == 0
    }

    /// Kafka's name for the code (`NOT_LEADER_OR_FOLLOWER`), or `UNKNOWN` for a code this
    /// client does not know.
    pub fn name(self) -> &'static str {
        self.known().map_or("UNKNOWN", ErrorCode::name)
    }

    /// Whether Kafka classifies the error as retriable (a `RetriableException` in Java).
    /// Unknown codes are not retriable, as Java maps them to `UnknownServerException`.
    pub fn is_retriable(self) -> bool {
        self.known().is_some_and(ErrorCode::is_retriable)
    }

    /// Whether the error means the client's metadata is stale (Java's
    /// `InvalidMetadataException` family): the caller refreshes before retrying.
    pub fn invalidates_metadata(self) -> bool {
        self.known().is_some_and(ErrorCode::invalidates_metadata)
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
    /// TLS could not be set up or the handshake failed (untrusted certificate, host name
    /// mismatch, ...); not retriable, as Java's `SslAuthenticationException`.
    #[error(transparent)]
    Tls(#[from] crate::connection::TlsError),
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
    /// An admin request failed for one of its resources (a topic, partition, group or config
    /// resource), which `resource` names.
    #[error("{resource}: broker returned {code}{}", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Resource {
        /// The resource, e.g. `topic "orders"` or `group "billing"`.
        resource: String,
        /// The code.
        code: KafkaCode,
        /// The broker's error message, when the response carries one.
        message: Option<String>,
    },
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
    /// A transactional producer operation failed (wrong state, abortable or fatal).
    #[error(transparent)]
    Transaction(#[from] crate::producer::TransactionError),
}

impl Error {
    /// Whether retrying the operation could succeed (Kafka's classification for broker codes;
    /// network failures and timeouts are retriable, as Java's `NetworkException` and
    /// `TimeoutException` are).
    pub fn is_retriable(&self) -> bool {
        match self {
            Error::Shared(e) => e.is_retriable(),
            Error::Kafka { code, .. } => code.is_retriable(),
            Error::UnknownTopic { code, .. } | Error::Resource { code, .. } => code.is_retriable(),
            Error::Io { .. } | Error::Disconnected { .. } | Error::Timeout { .. } => true,
            Error::NoBroker(_) => true,
            _ => false,
        }
    }

    /// The Kafka code, when the broker reported one.
    pub fn code(&self) -> Option<KafkaCode> {
        match self {
            Error::Shared(e) => e.code(),
            Error::Kafka { code, .. }
            | Error::UnknownTopic { code, .. }
            | Error::Resource { code, .. } => Some(*code),
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
