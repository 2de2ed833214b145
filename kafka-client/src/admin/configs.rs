//! Configs of topics, brokers and other resources: DescribeConfigs and IncrementalAlterConfigs.
//!
//! A broker's own configs (type BROKER or BROKER_LOGGER with a broker id as the name) can only be
//! read or changed on that broker, so those resources go to it; everything else (topics, the
//! cluster-wide broker default named "") goes to any broker in one request.

use std::collections::BTreeMap;
use std::fmt;

use kafka_protocol::messages::describe_configs_request::DescribeConfigsResource;
use kafka_protocol::messages::describe_configs_response::DescribeConfigsResourceResult;
use kafka_protocol::messages::incremental_alter_configs_request::{
    AlterConfigsResource, AlterableConfig,
};
use kafka_protocol::messages::{DescribeConfigsRequest, IncrementalAlterConfigsRequest};

use super::{Admin, missing, resource_result};
use crate::error::Result;

/// The kind of resource a config belongs to (Java's `ConfigResource.Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConfigResourceType {
    /// A topic.
    Topic,
    /// A broker (by id), or the cluster-wide broker default (empty name).
    Broker,
    /// A broker's log4j loggers.
    BrokerLogger,
    /// A client-metrics subscription (KIP-714).
    ClientMetrics,
    /// A consumer or share group (KIP-848 group configs).
    Group,
    /// A type this client does not know, by its wire code.
    Other(i8),
}

impl ConfigResourceType {
    /// The wire code.
    pub fn code(self) -> i8 {
        match self {
            ConfigResourceType::Topic => 2,
            ConfigResourceType::Broker => 4,
            ConfigResourceType::BrokerLogger => 8,
            ConfigResourceType::ClientMetrics => 16,
            ConfigResourceType::Group => 32,
            ConfigResourceType::Other(c) => c,
        }
    }

    /// The type with wire code `code`.
    pub fn from_code(code: i8) -> Self {
        match code {
            2 => ConfigResourceType::Topic,
            4 => ConfigResourceType::Broker,
            8 => ConfigResourceType::BrokerLogger,
            16 => ConfigResourceType::ClientMetrics,
            32 => ConfigResourceType::Group,
            c => ConfigResourceType::Other(c),
        }
    }
}

/// A resource whose configs are described or altered.
///
/// ```
/// use kafka_client::admin::{ConfigResource, ConfigResourceType};
/// let t = ConfigResource::topic("orders");
/// assert_eq!(t.resource_type, ConfigResourceType::Topic);
/// assert_eq!(ConfigResource::broker(1).name, "1");
/// assert_eq!(t.to_string(), "topic \"orders\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfigResource {
    /// The kind of resource.
    pub resource_type: ConfigResourceType,
    /// Its name: topic name, broker id, group id, ...
    pub name: String,
}

impl ConfigResource {
    /// The topic `name`.
    pub fn topic(name: impl Into<String>) -> Self {
        ConfigResource {
            resource_type: ConfigResourceType::Topic,
            name: name.into(),
        }
    }

    /// Broker `id`'s own configs.
    pub fn broker(id: i32) -> Self {
        ConfigResource {
            resource_type: ConfigResourceType::Broker,
            name: id.to_string(),
        }
    }

    /// The cluster-wide default for every broker.
    pub fn broker_default() -> Self {
        ConfigResource {
            resource_type: ConfigResourceType::Broker,
            name: String::new(),
        }
    }

    /// The group `id` (KIP-848 group configs).
    pub fn group(id: impl Into<String>) -> Self {
        ConfigResource {
            resource_type: ConfigResourceType::Group,
            name: id.into(),
        }
    }

    /// The broker this resource must be sent to, if any.
    fn broker_id(&self) -> Option<i32> {
        match self.resource_type {
            ConfigResourceType::Broker | ConfigResourceType::BrokerLogger => self.name.parse().ok(),
            _ => None,
        }
    }
}

impl fmt::Display for ConfigResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.resource_type {
            ConfigResourceType::Topic => write!(f, "topic {:?}", self.name),
            ConfigResourceType::Broker if self.name.is_empty() => f.write_str("broker default"),
            ConfigResourceType::Broker => write!(f, "broker {}", self.name),
            ConfigResourceType::BrokerLogger => write!(f, "broker logger {}", self.name),
            ConfigResourceType::ClientMetrics => write!(f, "client metrics {:?}", self.name),
            ConfigResourceType::Group => write!(f, "group {:?}", self.name),
            ConfigResourceType::Other(c) => write!(f, "config resource {c} {:?}", self.name),
        }
    }
}

/// Where a config's value comes from (Java's `ConfigEntry.ConfigSource`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigSource {
    /// Set on the topic (`DYNAMIC_TOPIC_CONFIG`).
    DynamicTopicConfig,
    /// Set dynamically for this broker (`DYNAMIC_BROKER_CONFIG`).
    DynamicBrokerConfig,
    /// Set dynamically as the default of every broker (`DYNAMIC_DEFAULT_BROKER_CONFIG`).
    DynamicDefaultBrokerConfig,
    /// From the broker's properties file (`STATIC_BROKER_CONFIG`).
    StaticBrokerConfig,
    /// The built-in default (`DEFAULT_CONFIG`).
    DefaultConfig,
    /// A broker logger level (`DYNAMIC_BROKER_LOGGER_CONFIG`).
    DynamicBrokerLoggerConfig,
    /// A client-metrics subscription (`CLIENT_METRICS_CONFIG`).
    ClientMetricsConfig,
    /// Set on the group (`GROUP_CONFIG`).
    GroupConfig,
    /// Not reported or not known (`UNKNOWN`), with the wire code.
    Unknown(i8),
}

impl ConfigSource {
    /// The source with wire code `code`.
    pub fn from_code(code: i8) -> Self {
        match code {
            1 => ConfigSource::DynamicTopicConfig,
            2 => ConfigSource::DynamicBrokerConfig,
            3 => ConfigSource::DynamicDefaultBrokerConfig,
            4 => ConfigSource::StaticBrokerConfig,
            5 => ConfigSource::DefaultConfig,
            6 => ConfigSource::DynamicBrokerLoggerConfig,
            7 => ConfigSource::ClientMetricsConfig,
            8 => ConfigSource::GroupConfig,
            c => ConfigSource::Unknown(c),
        }
    }
}

/// A config's type (Java's `ConfigEntry.ConfigType`), from DescribeConfigs v3+.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigType {
    /// `BOOLEAN`.
    Boolean,
    /// `STRING`.
    String,
    /// `INT`.
    Int,
    /// `SHORT`.
    Short,
    /// `LONG`.
    Long,
    /// `DOUBLE`.
    Double,
    /// `LIST`.
    List,
    /// `CLASS`.
    Class,
    /// `PASSWORD`.
    Password,
    /// Not reported or not known, with the wire code.
    Unknown(i8),
}

impl ConfigType {
    /// The type with wire code `code`.
    pub fn from_code(code: i8) -> Self {
        match code {
            1 => ConfigType::Boolean,
            2 => ConfigType::String,
            3 => ConfigType::Int,
            4 => ConfigType::Short,
            5 => ConfigType::Long,
            6 => ConfigType::Double,
            7 => ConfigType::List,
            8 => ConfigType::Class,
            9 => ConfigType::Password,
            c => ConfigType::Unknown(c),
        }
    }
}

/// Another place the same setting is defined, in precedence order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSynonym {
    /// The synonym's name (e.g. `log.retention.ms` for `retention.ms`).
    pub name: String,
    /// Its value (`None` for a sensitive one).
    pub value: Option<String>,
    /// Where it is set.
    pub source: ConfigSource,
}

/// One config as DescribeConfigs reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEntry {
    /// The name.
    pub name: String,
    /// The value; `None` when sensitive or unset.
    pub value: Option<String>,
    /// Where the value comes from.
    pub source: ConfigSource,
    /// Whether it cannot be changed dynamically.
    pub is_read_only: bool,
    /// Whether it holds a secret (the broker then withholds the value).
    pub is_sensitive: bool,
    /// Every definition of the setting, highest precedence first.
    pub synonyms: Vec<ConfigSynonym>,
    /// Its type.
    pub config_type: ConfigType,
}

impl ConfigEntry {
    /// Whether the value is the built-in default.
    pub fn is_default(&self) -> bool {
        self.source == ConfigSource::DefaultConfig
    }

    fn from_wire(c: DescribeConfigsResourceResult) -> Self {
        // v0 had only `is_default`; v1+ report the source (then `is_default` is not sent).
        let source = match c.config_source {
            -1 if c.is_default => ConfigSource::DefaultConfig,
            -1 => ConfigSource::Unknown(0),
            s => ConfigSource::from_code(s),
        };
        ConfigEntry {
            name: c.name,
            value: c.value,
            source,
            is_read_only: c.read_only,
            is_sensitive: c.is_sensitive,
            synonyms: c
                .synonyms
                .into_iter()
                .map(|s| ConfigSynonym {
                    name: s.name,
                    value: s.value,
                    source: ConfigSource::from_code(s.source),
                })
                .collect(),
            config_type: ConfigType::from_code(c.config_type),
        }
    }
}

/// How an incremental alteration changes a config (Java's `AlterConfigOp.OpType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlterOpType {
    /// Sets the value.
    Set,
    /// Removes the setting, so the next source down applies.
    Delete,
    /// Adds values to a list config.
    Append,
    /// Removes values from a list config.
    Subtract,
}

impl AlterOpType {
    fn code(self) -> i8 {
        match self {
            AlterOpType::Set => 0,
            AlterOpType::Delete => 1,
            AlterOpType::Append => 2,
            AlterOpType::Subtract => 3,
        }
    }
}

/// One change of an incremental alteration.
///
/// ```
/// use kafka_client::admin::{AlterConfigOp, AlterOpType};
/// let op = AlterConfigOp::set("retention.ms", "3600000");
/// assert_eq!(op.op, AlterOpType::Set);
/// assert_eq!(AlterConfigOp::delete("retention.ms").value, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterConfigOp {
    /// The config name.
    pub name: String,
    /// The operation.
    pub op: AlterOpType,
    /// The value (for list configs, comma-separated items); `None` for DELETE.
    pub value: Option<String>,
}

impl AlterConfigOp {
    /// Sets `name` to `value`.
    pub fn set(name: impl Into<String>, value: impl Into<String>) -> Self {
        AlterConfigOp {
            name: name.into(),
            op: AlterOpType::Set,
            value: Some(value.into()),
        }
    }

    /// Removes the setting `name`.
    pub fn delete(name: impl Into<String>) -> Self {
        AlterConfigOp {
            name: name.into(),
            op: AlterOpType::Delete,
            value: None,
        }
    }

    /// Adds `items` (comma-separated) to the list config `name`.
    pub fn append(name: impl Into<String>, items: impl Into<String>) -> Self {
        AlterConfigOp {
            name: name.into(),
            op: AlterOpType::Append,
            value: Some(items.into()),
        }
    }

    /// Removes `items` (comma-separated) from the list config `name`.
    pub fn subtract(name: impl Into<String>, items: impl Into<String>) -> Self {
        AlterConfigOp {
            name: name.into(),
            op: AlterOpType::Subtract,
            value: Some(items.into()),
        }
    }
}

/// Splits resources into one batch for any broker (`None`) and one per broker they must go to.
fn route<'a, T>(
    items: impl IntoIterator<Item = (&'a ConfigResource, T)>,
) -> BTreeMap<Option<i32>, Vec<(&'a ConfigResource, T)>> {
    let mut by: BTreeMap<Option<i32>, Vec<_>> = BTreeMap::new();
    for (r, t) in items {
        by.entry(r.broker_id()).or_default().push((r, t));
    }
    by
}

impl Admin {
    /// Describes the configs of `resources` (all their configs, with synonyms); the entries or
    /// the error of each resource.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// use kafka_client::admin::{ConfigResource, ConfigSource};
    /// let topic = ConfigResource::topic("orders");
    /// let mut described = admin.describe_configs(&[topic.clone()]).await?;
    /// for entry in described.remove(&topic).unwrap()? {
    ///     if entry.source == ConfigSource::DynamicTopicConfig {
    ///         println!("{} = {:?} (set on the topic)", entry.name, entry.value);
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn describe_configs(
        &self,
        resources: &[ConfigResource],
    ) -> Result<BTreeMap<ConfigResource, Result<Vec<ConfigEntry>>>> {
        let mut out = BTreeMap::new();
        for (broker, batch) in route(resources.iter().map(|r| (r, ()))) {
            let req = DescribeConfigsRequest {
                resources: batch
                    .iter()
                    .map(|(r, ())| DescribeConfigsResource {
                        resource_type: r.resource_type.code(),
                        resource_name: r.name.clone(),
                        configuration_keys: None,
                        ..Default::default()
                    })
                    .collect(),
                include_synonyms: true,
                include_documentation: false,
                ..Default::default()
            };
            let resp = match broker {
                Some(id) => self.send_to_broker(id, &req).await?,
                None => self.cluster.send_any(&req).await?,
            };
            let mut results = resp.results;
            for (r, ()) in batch {
                let code = r.resource_type.code();
                let found = results
                    .iter()
                    .position(|x| x.resource_type == code && x.resource_name == r.name)
                    .map(|i| results.swap_remove(i));
                let entries = match found {
                    Some(x) => {
                        resource_result(|| r.to_string(), x.error_code, x.error_message.as_deref())
                            .map(|()| x.configs.into_iter().map(ConfigEntry::from_wire).collect())
                    }
                    None => Err(missing("DescribeConfigs", &r.to_string())),
                };
                out.insert(r.clone(), entries);
            }
        }
        Ok(out)
    }

    /// Applies incremental config changes (IncrementalAlterConfigs: SET, DELETE, APPEND,
    /// SUBTRACT); the outcome of each resource.
    ///
    /// An unknown config name or a bad value fails that resource with `INVALID_CONFIG`, in an
    /// [`Error::Resource`](crate::Error::Resource) naming the resource, whose message from the
    /// broker names the config.
    ///
    /// ```no_run
    /// # async fn demo(admin: kafka_client::admin::Admin) -> kafka_client::error::Result<()> {
    /// use kafka_client::admin::{AlterConfigOp, ConfigResource};
    /// let topic = ConfigResource::topic("orders");
    /// let result = admin
    ///     .incremental_alter_configs(&[(topic.clone(), vec![AlterConfigOp::set("retention.ms", "3600000")])])
    ///     .await?;
    /// result[&topic].as_ref().map_err(|e| e.to_string()).unwrap();
    /// # Ok(())
    /// # }
    /// ```
    pub async fn incremental_alter_configs(
        &self,
        alterations: &[(ConfigResource, Vec<AlterConfigOp>)],
    ) -> Result<BTreeMap<ConfigResource, Result<()>>> {
        let mut out = BTreeMap::new();
        for (broker, batch) in route(alterations.iter().map(|(r, ops)| (r, ops))) {
            let req = IncrementalAlterConfigsRequest {
                resources: batch
                    .iter()
                    .map(|(r, ops)| AlterConfigsResource {
                        resource_type: r.resource_type.code(),
                        resource_name: r.name.clone(),
                        configs: ops
                            .iter()
                            .map(|o| AlterableConfig {
                                name: o.name.clone(),
                                config_operation: o.op.code(),
                                value: o.value.clone(),
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    })
                    .collect(),
                validate_only: false,
                ..Default::default()
            };
            let resp = match broker {
                Some(id) => self.send_to_broker(id, &req).await?,
                None => self.cluster.send_any(&req).await?,
            };
            for (r, _) in batch {
                let code = r.resource_type.code();
                let result = match resp
                    .responses
                    .iter()
                    .find(|x| x.resource_type == code && x.resource_name == r.name)
                {
                    Some(x) => {
                        resource_result(|| r.to_string(), x.error_code, x.error_message.as_deref())
                    }
                    None => Err(missing("IncrementalAlterConfigs", &r.to_string())),
                };
                out.insert(r.clone(), result);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_codes_round_trip() {
        for t in [
            ConfigResourceType::Topic,
            ConfigResourceType::Broker,
            ConfigResourceType::BrokerLogger,
            ConfigResourceType::ClientMetrics,
            ConfigResourceType::Group,
            ConfigResourceType::Other(64),
        ] {
            assert_eq!(ConfigResourceType::from_code(t.code()), t);
        }
        assert_eq!(ConfigSource::from_code(1), ConfigSource::DynamicTopicConfig);
        assert_eq!(ConfigSource::from_code(4), ConfigSource::StaticBrokerConfig);
        assert_eq!(ConfigSource::from_code(5), ConfigSource::DefaultConfig);
        assert_eq!(ConfigSource::from_code(8), ConfigSource::GroupConfig);
        assert_eq!(ConfigSource::from_code(0), ConfigSource::Unknown(0));
        assert_eq!(ConfigType::from_code(9), ConfigType::Password);
        assert_eq!(ConfigType::from_code(0), ConfigType::Unknown(0));
        let ops: Vec<i8> = [
            AlterConfigOp::set("a", "1"),
            AlterConfigOp::delete("a"),
            AlterConfigOp::append("a", "x"),
            AlterConfigOp::subtract("a", "x"),
        ]
        .iter()
        .map(|o| o.op.code())
        .collect();
        assert_eq!(ops, [0, 1, 2, 3]);
    }

    #[test]
    fn v0_entries_take_their_source_from_is_default() {
        let wire = |is_default, config_source| DescribeConfigsResourceResult {
            name: "retention.ms".into(),
            value: Some("1".into()),
            is_default,
            config_source,
            ..Default::default()
        };
        assert!(ConfigEntry::from_wire(wire(true, -1)).is_default());
        assert_eq!(
            ConfigEntry::from_wire(wire(false, -1)).source,
            ConfigSource::Unknown(0)
        );
        assert_eq!(
            ConfigEntry::from_wire(wire(false, 1)).source,
            ConfigSource::DynamicTopicConfig
        );
    }

    #[test]
    fn broker_resources_go_to_their_broker() {
        let rs = [
            ConfigResource::topic("a"),
            ConfigResource::broker(2),
            ConfigResource::broker_default(),
            ConfigResource {
                resource_type: ConfigResourceType::BrokerLogger,
                name: "1".into(),
            },
            ConfigResource::topic("b"),
        ];
        let routed = route(rs.iter().map(|r| (r, ())));
        let names = |k| {
            routed[&k]
                .iter()
                .map(|(r, ())| r.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(None),
            ["topic \"a\"", "broker default", "topic \"b\""]
        );
        assert_eq!(names(Some(2)), ["broker 2"]);
        assert_eq!(names(Some(1)), ["broker logger 1"]);
    }
}
