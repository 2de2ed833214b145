//! Client configuration with the Java client's names, defaults and validation.
//!
//! Each role has a typed builder ([`ProducerConfig::builder`], [`ConsumerConfig::builder`],
//! [`AdminConfig::builder`]) and constructors from Java property names
//! (`from_properties`, `from_properties_text`). Both paths end in the same `build`, which
//! fills in the defaults of the Java client (kafka-clients 4.4.0, read from its `ConfigDef`s)
//! and applies its cross-key rules: the idempotence and transaction checks of `ProducerConfig`,
//! the delivery-timeout rule of `KafkaProducer`, the auto-commit and group-protocol rules of
//! `ConsumerConfig`, and the reconnect-backoff rule of `CommonClientConfigs`. As in Java, a rule
//! that would silently change a value the user *explicitly* set is an error instead.
//!
//! Keys the Java client knows but this client does not implement are rejected as
//! [`ConfigError::Unsupported`]; other keys as [`ConfigError::UnknownKey`].

mod admin;
mod common;
mod consumer;
mod error;
mod jaas;
mod java_keys;
mod parse;
mod producer;
mod properties;
mod tls;
mod values;

pub use admin::{AdminConfig, AdminConfigBuilder};
pub use common::{BrokerAddress, CommonConfig, SaslConfig};
pub use consumer::{ConsumerConfig, ConsumerConfigBuilder};
pub use error::ConfigError;
pub use jaas::parse_jaas_config;
pub use producer::{MAX_IN_FLIGHT_FOR_IDEMPOTENCE, ProducerConfig, ProducerConfigBuilder};
pub use properties::parse_properties;
pub use tls::{KeyStore, TlsConfig, TlsVersion, TrustStore};
pub use values::{
    Acks, Assignor, AutoOffsetReset, ClientDnsLookup, Compression, CompressionType, GroupProtocol,
    IsolationLevel, MetadataRecoveryStrategy, SecurityProtocol,
};
