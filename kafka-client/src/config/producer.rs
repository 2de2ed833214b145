//! Producer configuration (`ProducerConfig` in Java).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::common::{CommonBuilder, CommonConfig, RoleDefaults, common_setters, reject_key};
use super::parse::{self, INT_MAX};
use super::values::{
    Acks, Compression, CompressionType, GZIP_LEVEL, LZ4_LEVEL, ZSTD_LEVEL, check_gzip_level,
};
use super::{ConfigError, java_keys};

const DEFAULTS: RoleDefaults = RoleDefaults {
    role: "producer",
    connections_max_idle_ms: 540_000,
    receive_buffer_bytes: 32_768,
    java_keys: java_keys::PRODUCER,
};

/// Java's `MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION_FOR_IDEMPOTENCE`: the broker keeps the last five
/// batches per producer for deduplication.
pub const MAX_IN_FLIGHT_FOR_IDEMPOTENCE: u32 = 5;

/// Numbers unnamed producers as Java's `PRODUCER_CLIENT_ID_SEQUENCE` does (`producer-1`, ...).
static CLIENT_ID_SEQUENCE: AtomicU64 = AtomicU64::new(1);

/// Resolved producer settings. Defaults are the Java client's (kafka-clients 4.4.0
/// `ProducerConfig`): `acks=all`, `linger.ms=5` (KIP-1030, since 4.0), `batch.size=16384`,
/// `buffer.memory=33554432`, `compression.type=none`, `enable.idempotence=true`,
/// `max.in.flight.requests.per.connection=5`, `retries=2147483647`,
/// `delivery.timeout.ms=120000`, `max.request.size=1048576`, `max.block.ms=60000`,
/// `partitioner.adaptive.partitioning.enable=true`, `partitioner.availability.timeout.ms=0`,
/// `partitioner.ignore.keys=false`, `partitioner.rack.aware=false`, `transaction.timeout.ms=60000`,
/// `metadata.max.idle.ms=300000`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ProducerConfig {
    /// Shared settings.
    pub common: CommonConfig,
    /// `acks`.
    pub acks: Acks,
    /// `linger.ms`.
    pub linger: Duration,
    /// `batch.size` in bytes (0 turns batching off; the sticky partitioner then switches after
    /// every record).
    pub batch_size: u32,
    /// `buffer.memory` in bytes.
    pub buffer_memory: u64,
    /// `compression.type` and its `compression.<codec>.level`.
    pub compression: Compression,
    /// `enable.idempotence`, after Java's rule that turns it off when `acks`/`retries` conflict
    /// and it was not set explicitly.
    pub enable_idempotence: bool,
    /// `max.in.flight.requests.per.connection`.
    pub max_in_flight_requests_per_connection: u32,
    /// `retries`.
    pub retries: u32,
    /// `delivery.timeout.ms`, at least `linger.ms + request.timeout.ms`.
    pub delivery_timeout: Duration,
    /// `max.request.size` in bytes.
    pub max_request_size: u32,
    /// `max.block.ms`.
    pub max_block: Duration,
    /// `partitioner.ignore.keys`.
    pub partitioner_ignore_keys: bool,
    /// `partitioner.adaptive.partitioning.enable`.
    pub partitioner_adaptive_partitioning: bool,
    /// `partitioner.availability.timeout.ms` (0 = off).
    pub partitioner_availability_timeout: Duration,
    /// `partitioner.rack.aware` (KIP-1123): prefer partitions led from `client.rack`.
    pub partitioner_rack_aware: bool,
    /// `transactional.id`.
    pub transactional_id: Option<String>,
    /// `transaction.timeout.ms`.
    pub transaction_timeout: Duration,
    /// `metadata.max.idle.ms`.
    pub metadata_max_idle: Duration,
    /// `client.rack`.
    pub client_rack: String,
}

impl ProducerConfig {
    /// A builder with nothing set.
    ///
    /// ```
    /// use std::time::Duration;
    /// use kafka_client::config::{Acks, Compression, ProducerConfig};
    ///
    /// let config = ProducerConfig::builder()
    ///     .bootstrap_servers(["localhost:9092"])
    ///     .linger(Duration::from_millis(20))
    ///     .compression(Compression::Zstd { level: 3 })
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(config.acks, Acks::All);
    /// assert!(config.enable_idempotence);
    /// assert_eq!(config.batch_size, 16_384);
    ///
    /// // Explicit idempotence with acks=1 contradicts itself, as in Java.
    /// let err = ProducerConfig::builder()
    ///     .bootstrap_servers(["localhost:9092"])
    ///     .enable_idempotence(true)
    ///     .acks(Acks::Leader)
    ///     .build();
    /// assert!(err.is_err());
    /// ```
    pub fn builder() -> ProducerConfigBuilder {
        ProducerConfigBuilder::default()
    }

    /// Builds from Java property names and string values; later duplicates win.
    ///
    /// ```
    /// use std::time::Duration;
    /// use kafka_client::config::{Acks, ConfigError, ProducerConfig};
    ///
    /// let config = ProducerConfig::from_properties([
    ///     ("bootstrap.servers", "broker1:9092,broker2:9092"),
    ///     ("acks", "1"),
    ///     ("linger.ms", "50"),
    /// ])
    /// .unwrap();
    /// assert_eq!(config.acks, Acks::Leader);
    /// assert_eq!(config.linger, Duration::from_millis(50));
    /// // acks=1 without explicit enable.idempotence quietly turns idempotence off (Java's rule).
    /// assert!(!config.enable_idempotence);
    ///
    /// let err = ProducerConfig::from_properties([("bootstrap.servers", "b:9092"), ("lingr.ms", "5")]);
    /// assert!(matches!(err, Err(ConfigError::UnknownKey { .. })));
    /// ```
    pub fn from_properties<I, K, V>(pairs: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut b = ProducerConfigBuilder::default();
        for (k, v) in pairs {
            b.apply(k.as_ref(), v.as_ref())?;
        }
        b.build()
    }

    /// Builds from the text of a Java `.properties` file.
    ///
    /// ```
    /// use kafka_client::config::ProducerConfig;
    ///
    /// let config = ProducerConfig::from_properties_text(
    ///     "bootstrap.servers=localhost:9092\ntransactional.id=orders-tx\n",
    /// )
    /// .unwrap();
    /// assert_eq!(config.common.client_id, "producer-orders-tx");
    /// ```
    pub fn from_properties_text(text: &str) -> Result<Self, ConfigError> {
        Self::from_properties(super::parse_properties(text)?)
    }
}

/// Builder for [`ProducerConfig`]; unset values take the Java defaults at [`build`](Self::build).
#[derive(Debug, Clone, Default)]
pub struct ProducerConfigBuilder {
    common: CommonBuilder,
    acks: Option<Acks>,
    linger: Option<Duration>,
    batch_size: Option<u32>,
    buffer_memory: Option<u64>,
    compression_type: Option<CompressionType>,
    gzip_level: Option<i32>,
    lz4_level: Option<i32>,
    zstd_level: Option<i32>,
    enable_idempotence: Option<bool>,
    max_in_flight: Option<u32>,
    retries: Option<u32>,
    delivery_timeout: Option<Duration>,
    max_request_size: Option<u32>,
    max_block: Option<Duration>,
    partitioner_ignore_keys: Option<bool>,
    partitioner_adaptive: Option<bool>,
    partitioner_availability_timeout: Option<Duration>,
    partitioner_rack_aware: Option<bool>,
    transactional_id: Option<String>,
    transaction_timeout: Option<Duration>,
    metadata_max_idle: Option<Duration>,
    client_rack: Option<String>,
}

const LONG: i64 = i64::MAX;

impl ProducerConfigBuilder {
    common_setters!();

    /// `acks`.
    pub fn acks(mut self, acks: Acks) -> Self {
        self.acks = Some(acks);
        self
    }

    /// `linger.ms`: how long to wait for more records before sending a batch.
    pub fn linger(mut self, d: Duration) -> Self {
        self.linger = Some(d);
        self
    }

    /// `batch.size` in bytes.
    pub fn batch_size(mut self, bytes: u32) -> Self {
        self.batch_size = Some(bytes);
        self
    }

    /// `buffer.memory` in bytes.
    pub fn buffer_memory(mut self, bytes: u64) -> Self {
        self.buffer_memory = Some(bytes);
        self
    }

    /// `compression.type` with its level (`compression.<codec>.level`).
    pub fn compression(mut self, c: Compression) -> Self {
        self.compression_type = Some(match c {
            Compression::None => CompressionType::None,
            Compression::Gzip { level } => {
                self.gzip_level = Some(level);
                CompressionType::Gzip
            }
            Compression::Snappy => CompressionType::Snappy,
            Compression::Lz4 { level } => {
                self.lz4_level = Some(level);
                CompressionType::Lz4
            }
            Compression::Zstd { level } => {
                self.zstd_level = Some(level);
                CompressionType::Zstd
            }
        });
        self
    }

    /// `enable.idempotence`.
    pub fn enable_idempotence(mut self, on: bool) -> Self {
        self.enable_idempotence = Some(on);
        self
    }

    /// `max.in.flight.requests.per.connection`.
    pub fn max_in_flight_requests_per_connection(mut self, n: u32) -> Self {
        self.max_in_flight = Some(n);
        self
    }

    /// `retries`.
    pub fn retries(mut self, n: u32) -> Self {
        self.retries = Some(n);
        self
    }

    /// `delivery.timeout.ms`: the bound on the time from `send` to its outcome.
    pub fn delivery_timeout(mut self, d: Duration) -> Self {
        self.delivery_timeout = Some(d);
        self
    }

    /// `max.request.size` in bytes.
    pub fn max_request_size(mut self, bytes: u32) -> Self {
        self.max_request_size = Some(bytes);
        self
    }

    /// `max.block.ms`: how long `send` may wait for metadata or buffer space.
    pub fn max_block(mut self, d: Duration) -> Self {
        self.max_block = Some(d);
        self
    }

    /// `partitioner.ignore.keys`.
    pub fn partitioner_ignore_keys(mut self, on: bool) -> Self {
        self.partitioner_ignore_keys = Some(on);
        self
    }

    /// `partitioner.adaptive.partitioning.enable`.
    pub fn partitioner_adaptive_partitioning(mut self, on: bool) -> Self {
        self.partitioner_adaptive = Some(on);
        self
    }

    /// `partitioner.availability.timeout.ms`.
    pub fn partitioner_availability_timeout(mut self, d: Duration) -> Self {
        self.partitioner_availability_timeout = Some(d);
        self
    }

    /// `partitioner.rack.aware`.
    pub fn partitioner_rack_aware(mut self, on: bool) -> Self {
        self.partitioner_rack_aware = Some(on);
        self
    }

    /// `transactional.id`.
    pub fn transactional_id(mut self, id: impl Into<String>) -> Self {
        self.transactional_id = Some(id.into());
        self
    }

    /// `transaction.timeout.ms`.
    pub fn transaction_timeout(mut self, d: Duration) -> Self {
        self.transaction_timeout = Some(d);
        self
    }

    /// `metadata.max.idle.ms`.
    pub fn metadata_max_idle(mut self, d: Duration) -> Self {
        self.metadata_max_idle = Some(d);
        self
    }

    /// `client.rack`.
    pub fn client_rack(mut self, rack: impl Into<String>) -> Self {
        self.client_rack = Some(rack.into());
        self
    }

    fn apply(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        if self.common.set(key, value)? {
            return Ok(());
        }
        let int = |min| parse::integer(key, value, min, INT_MAX).map(|v| v as u32);
        match key {
            "acks" => self.acks = Some(Acks::parse(key, value)?),
            "linger.ms" => self.linger = Some(parse::millis(key, value, 0, LONG)?),
            "batch.size" => self.batch_size = Some(int(0)?),
            "buffer.memory" => {
                self.buffer_memory = Some(parse::integer(key, value, 0, LONG)? as u64)
            }
            "compression.type" => self.compression_type = Some(CompressionType::parse(key, value)?),
            "compression.gzip.level" => {
                let v = parse::integer(key, value, i64::from(i32::MIN), INT_MAX)?;
                self.gzip_level = Some(check_gzip_level(key, v)?);
            }
            "compression.lz4.level" => {
                self.lz4_level = Some(parse::integer(key, value, LZ4_LEVEL.1, LZ4_LEVEL.2)? as i32)
            }
            "compression.zstd.level" => {
                self.zstd_level =
                    Some(parse::integer(key, value, ZSTD_LEVEL.1, ZSTD_LEVEL.2)? as i32)
            }
            "enable.idempotence" => self.enable_idempotence = Some(parse::boolean(key, value)?),
            "max.in.flight.requests.per.connection" => self.max_in_flight = Some(int(1)?),
            "retries" => self.retries = Some(int(0)?),
            "delivery.timeout.ms" => {
                self.delivery_timeout = Some(parse::millis(key, value, 0, INT_MAX)?)
            }
            "max.request.size" => self.max_request_size = Some(int(0)?),
            "max.block.ms" => self.max_block = Some(parse::millis(key, value, 0, LONG)?),
            "partitioner.ignore.keys" => {
                self.partitioner_ignore_keys = Some(parse::boolean(key, value)?)
            }
            "partitioner.adaptive.partitioning.enable" => {
                self.partitioner_adaptive = Some(parse::boolean(key, value)?)
            }
            "partitioner.availability.timeout.ms" => {
                self.partitioner_availability_timeout = Some(parse::millis(key, value, 0, LONG)?)
            }
            "partitioner.rack.aware" => {
                self.partitioner_rack_aware = Some(parse::boolean(key, value)?)
            }
            "transactional.id" => self.transactional_id = Some(parse::non_empty(key, value)?),
            "transaction.timeout.ms" => {
                self.transaction_timeout = Some(parse::millis(key, value, 0, INT_MAX)?)
            }
            "metadata.max.idle.ms" => {
                self.metadata_max_idle = Some(parse::millis(key, value, 5000, LONG)?)
            }
            "client.rack" => self.client_rack = Some(value.trim().to_owned()),
            _ => return Err(reject_key(key, &DEFAULTS)),
        }
        Ok(())
    }

    /// Resolves defaults and applies Java's validation (ranges, idempotence and transaction
    /// rules, the delivery timeout rule of `KafkaProducer`).
    pub fn build(&self) -> Result<ProducerConfig, ConfigError> {
        let client_id = match (&self.common.client_id, &self.transactional_id) {
            (Some(id), _) => id.clone(),
            (None, Some(tx)) => format!("producer-{tx}"),
            (None, None) => format!(
                "producer-{}",
                CLIENT_ID_SEQUENCE.fetch_add(1, Ordering::Relaxed)
            ),
        };
        let common = self.common.build(&DEFAULTS, client_id)?;
        let ms = |d: Option<Duration>, default: u64, key: &str, min: i64, max: i64| {
            parse::check_millis(key, d.unwrap_or(Duration::from_millis(default)), min, max)
        };
        let int = |v: Option<u32>, default: u32, key: &str, min: i64| {
            parse::check_int(key, i64::from(v.unwrap_or(default)), min, INT_MAX).map(|v| v as u32)
        };
        let acks = self.acks.unwrap_or(Acks::All);
        let linger = ms(self.linger, 5, "linger.ms", 0, LONG)?;
        let retries = int(self.retries, i32::MAX as u32, "retries", 0)?;
        let max_in_flight = int(
            self.max_in_flight,
            5,
            "max.in.flight.requests.per.connection",
            1,
        )?;
        let compression = self.resolve_compression()?;

        // ProducerConfig.postProcessAndValidateIdempotenceConfigs.
        let explicit_idempotence = self.enable_idempotence.is_some();
        let mut enable_idempotence = self.enable_idempotence.unwrap_or(true);
        if enable_idempotence {
            if retries == 0 {
                if explicit_idempotence {
                    return Err(ConfigError::Inconsistent {
                        key: "retries",
                        reason: "must be non-zero when using the idempotent producer".to_owned(),
                    });
                }
                enable_idempotence = false;
            }
            if acks != Acks::All {
                if explicit_idempotence {
                    return Err(ConfigError::Inconsistent {
                        key: "acks",
                        reason: "must be all (-1) to use the idempotent producer".to_owned(),
                    });
                }
                enable_idempotence = false;
            }
            // Java checks this whenever idempotence was on before the two rules above, even if
            // they just turned it off (acks=1 with 6 in flight fails in kafka-clients 4.4.0).
            if max_in_flight > MAX_IN_FLIGHT_FOR_IDEMPOTENCE {
                return Err(ConfigError::Inconsistent {
                    key: "max.in.flight.requests.per.connection",
                    reason: format!(
                        "must be at most {MAX_IN_FLIGHT_FOR_IDEMPOTENCE} to use the idempotent producer, got {max_in_flight}"
                    ),
                });
            }
        }
        if self.transactional_id.is_some() && !enable_idempotence {
            return Err(ConfigError::Inconsistent {
                key: "transactional.id",
                reason: "cannot be set without also enabling idempotence".to_owned(),
            });
        }
        if let Some(tx) = &self.transactional_id
            && tx.trim().is_empty()
        {
            return Err(ConfigError::invalid(
                "transactional.id",
                tx,
                "a non-empty string",
            ));
        }

        // KafkaProducer.configureDeliveryTimeout.
        let linger_and_request = (parse::millis_of(linger).min(INT_MAX as u64)
            + parse::millis_of(common.request_timeout))
        .min(INT_MAX as u64);
        let delivery_timeout = match self.delivery_timeout {
            Some(d) => {
                let d = parse::check_millis("delivery.timeout.ms", d, 0, INT_MAX)?;
                if parse::millis_of(d) < linger_and_request {
                    return Err(ConfigError::Inconsistent {
                        key: "delivery.timeout.ms",
                        reason: format!(
                            "should be equal to or larger than linger.ms + request.timeout.ms ({linger_and_request} ms)"
                        ),
                    });
                }
                d
            }
            None => Duration::from_millis(120_000u64.max(linger_and_request)),
        };

        Ok(ProducerConfig {
            acks,
            linger,
            batch_size: int(self.batch_size, 16_384, "batch.size", 0)?,
            // Java's LONG: a typed u64 above i64::MAX has no Java counterpart.
            buffer_memory: match self.buffer_memory.unwrap_or(33_554_432) {
                v if v > LONG as u64 => {
                    return Err(ConfigError::invalid(
                        "buffer.memory",
                        &v.to_string(),
                        parse::range_text(0, LONG),
                    ));
                }
                v => v,
            },
            compression,
            enable_idempotence,
            max_in_flight_requests_per_connection: max_in_flight,
            retries,
            delivery_timeout,
            max_request_size: int(self.max_request_size, 1_048_576, "max.request.size", 0)?,
            max_block: ms(self.max_block, 60_000, "max.block.ms", 0, LONG)?,
            partitioner_ignore_keys: self.partitioner_ignore_keys.unwrap_or(false),
            partitioner_adaptive_partitioning: self.partitioner_adaptive.unwrap_or(true),
            partitioner_availability_timeout: ms(
                self.partitioner_availability_timeout,
                0,
                "partitioner.availability.timeout.ms",
                0,
                LONG,
            )?,
            partitioner_rack_aware: self.partitioner_rack_aware.unwrap_or(false),
            transactional_id: self.transactional_id.clone(),
            transaction_timeout: ms(
                self.transaction_timeout,
                60_000,
                "transaction.timeout.ms",
                0,
                INT_MAX,
            )?,
            metadata_max_idle: ms(
                self.metadata_max_idle,
                300_000,
                "metadata.max.idle.ms",
                5000,
                LONG,
            )?,
            client_rack: self.client_rack.clone().unwrap_or_default(),
            common,
        })
    }

    fn resolve_compression(&self) -> Result<Compression, ConfigError> {
        let level = |v: Option<i32>, (default, min, max): (i64, i64, i64), key: &str| {
            parse::check_int(key, v.map_or(default, i64::from), min, max).map(|v| v as i32)
        };
        Ok(
            match self.compression_type.unwrap_or(CompressionType::None) {
                CompressionType::None => Compression::None,
                CompressionType::Snappy => Compression::Snappy,
                CompressionType::Gzip => Compression::Gzip {
                    level: check_gzip_level(
                        "compression.gzip.level",
                        self.gzip_level.map_or(GZIP_LEVEL.0, i64::from),
                    )?,
                },
                CompressionType::Lz4 => Compression::Lz4 {
                    level: level(self.lz4_level, LZ4_LEVEL, "compression.lz4.level")?,
                },
                CompressionType::Zstd => Compression::Zstd {
                    level: level(self.zstd_level, ZSTD_LEVEL, "compression.zstd.level")?,
                },
            },
        )
    }
}
