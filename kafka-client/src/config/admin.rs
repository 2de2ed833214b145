//! Admin client configuration (`AdminClientConfig` in Java).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::common::{CommonBuilder, CommonConfig, RoleDefaults, common_setters, reject_key};
use super::parse::{self, INT_MAX};
use super::{ConfigError, java_keys};

const DEFAULTS: RoleDefaults = RoleDefaults {
    role: "admin",
    connections_max_idle_ms: 300_000,
    receive_buffer_bytes: 65_536,
    java_keys: java_keys::ADMIN,
};

/// Numbers unnamed admin clients as Java's `KafkaAdminClient` does (`adminclient-1`, ...).
static CLIENT_ID_SEQUENCE: AtomicU64 = AtomicU64::new(1);

/// Resolved admin client settings. Defaults are the Java client's (kafka-clients 4.4.0
/// `AdminClientConfig`): `retries=2147483647`, `default.api.timeout.ms=60000`,
/// `connections.max.idle.ms=300000`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AdminConfig {
    /// Shared settings.
    pub common: CommonConfig,
    /// `retries`.
    pub retries: u32,
    /// `default.api.timeout.ms`: the deadline of an admin call without its own timeout.
    pub default_api_timeout: Duration,
}

impl AdminConfig {
    /// A builder with nothing set.
    ///
    /// ```
    /// use std::time::Duration;
    /// use kafka_client::config::AdminConfig;
    ///
    /// let config = AdminConfig::builder()
    ///     .bootstrap_servers(["localhost:9092"])
    ///     .default_api_timeout(Duration::from_secs(10))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(config.common.connections_max_idle, Some(Duration::from_secs(300)));
    /// assert!(config.common.client_id.starts_with("adminclient-"));
    /// ```
    pub fn builder() -> AdminConfigBuilder {
        AdminConfigBuilder::default()
    }

    /// Builds from Java property names and string values; later duplicates win.
    ///
    /// ```
    /// use kafka_client::config::{AdminConfig, ConfigError};
    ///
    /// let err = AdminConfig::from_properties([("bootstrap.servers", "b:9092"), ("linger.ms", "5")]);
    /// // linger.ms is a producer key: unknown to the admin client.
    /// assert!(matches!(err, Err(ConfigError::UnknownKey { role: "admin", .. })));
    /// ```
    pub fn from_properties<I, K, V>(pairs: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut b = AdminConfigBuilder::default();
        for (k, v) in pairs {
            b.apply(k.as_ref(), v.as_ref())?;
        }
        b.build()
    }

    /// Builds from the text of a Java `.properties` file.
    pub fn from_properties_text(text: &str) -> Result<Self, ConfigError> {
        Self::from_properties(super::parse_properties(text)?)
    }
}

/// Builder for [`AdminConfig`]; unset values take the Java defaults at [`build`](Self::build).
#[derive(Debug, Clone, Default)]
pub struct AdminConfigBuilder {
    common: CommonBuilder,
    retries: Option<u32>,
    default_api_timeout: Option<Duration>,
}

impl AdminConfigBuilder {
    common_setters!();

    /// `retries`.
    pub fn retries(mut self, n: u32) -> Self {
        self.retries = Some(n);
        self
    }

    /// `default.api.timeout.ms`.
    pub fn default_api_timeout(mut self, d: Duration) -> Self {
        self.default_api_timeout = Some(d);
        self
    }

    fn apply(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        if self.common.set(key, value)? {
            return Ok(());
        }
        match key {
            "retries" => self.retries = Some(parse::integer(key, value, 0, INT_MAX)? as u32),
            "default.api.timeout.ms" => {
                self.default_api_timeout = Some(parse::millis(key, value, 0, INT_MAX)?)
            }
            _ => return Err(reject_key(key, &DEFAULTS)),
        }
        Ok(())
    }

    /// Resolves defaults and validates.
    pub fn build(&self) -> Result<AdminConfig, ConfigError> {
        let client_id = match &self.common.client_id {
            Some(id) if !id.is_empty() => id.clone(),
            _ => format!(
                "adminclient-{}",
                CLIENT_ID_SEQUENCE.fetch_add(1, Ordering::Relaxed)
            ),
        };
        let common = self.common.build(&DEFAULTS, client_id)?;
        Ok(AdminConfig {
            retries: parse::check_int(
                "retries",
                i64::from(self.retries.unwrap_or(i32::MAX as u32)),
                0,
                INT_MAX,
            )? as u32,
            default_api_timeout: parse::check_millis(
                "default.api.timeout.ms",
                self.default_api_timeout.unwrap_or(Duration::from_secs(60)),
                0,
                INT_MAX,
            )?,
            common,
        })
    }
}
