//! The configuration error type.

/// A configuration key or value was rejected, or keys contradict each other.
///
/// Messages name the key, the offending value (passwords and `sasl.jaas.config` are shown as
/// `[hidden]`, as Java's `Password` type prints) and what would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The key is not a configuration of this client role.
    #[error("unknown {role} configuration key {key:?}")]
    UnknownKey {
        /// The key as given.
        key: String,
        /// "producer", "consumer" or "admin".
        role: &'static str,
    },
    /// A key the Java client knows but this client does not implement (e.g. `key.serializer`,
    /// `ssl.*`); rejected rather than silently ignored so nobody relies on it having effect.
    #[error("{role} configuration key {key:?} is not supported by this client: {reason}")]
    Unsupported {
        /// The key as given.
        key: String,
        /// "producer", "consumer" or "admin".
        role: &'static str,
        /// Why, or what to use instead.
        reason: &'static str,
    },
    /// The value is not valid for the key.
    #[error("invalid value {value:?} for configuration {key}: expected {expected}")]
    InvalidValue {
        /// The key.
        key: String,
        /// The value as given (or `[hidden]` for secrets).
        value: String,
        /// The accepted values or range.
        expected: String,
    },
    /// A required key has no value.
    #[error("missing required configuration {key}: {reason}")]
    Missing {
        /// The key.
        key: &'static str,
        /// What it is needed for.
        reason: &'static str,
    },
    /// The values of several keys contradict each other (the Java client's post-parse checks).
    #[error("inconsistent configuration {key}: {reason}")]
    Inconsistent {
        /// The key whose value cannot stand with the others.
        key: &'static str,
        /// Which rule it breaks.
        reason: String,
    },
    /// A line of a `.properties` text could not be read.
    #[error("malformed properties text at line {line}: {reason}")]
    MalformedProperties {
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        reason: String,
    },
}

impl ConfigError {
    pub(crate) fn invalid(key: &str, value: &str, expected: impl Into<String>) -> Self {
        ConfigError::InvalidValue {
            key: key.to_owned(),
            value: value.to_owned(),
            expected: expected.into(),
        }
    }

    /// An invalid secret: the value is not echoed.
    pub(crate) fn invalid_secret(key: &str, expected: impl Into<String>) -> Self {
        ConfigError::InvalidValue {
            key: key.to_owned(),
            value: "[hidden]".to_owned(),
            expected: expected.into(),
        }
    }
}
