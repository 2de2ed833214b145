//! Per-operation options, named as Java's: [`Consumed`], [`Produced`], [`Grouped`],
//! [`Materialized`], [`Repartitioned`]. Each can name the operation (names are what stores,
//! changelogs and repartition topics are called) and pick serdes.

use std::time::Duration;

use streams_core::processor::SharedTimestampExtractor;
use streams_core::serde::SharedSerde;
use streams_core::state::StoreKind;
use streams_core::topology;

/// How a source reads: serdes, timestamp extractor, processor name.
pub struct Consumed<K, V> {
    pub(crate) key: Option<SharedSerde<K>>,
    pub(crate) value: Option<SharedSerde<V>>,
    pub(crate) extractor: Option<SharedTimestampExtractor>,
    pub(crate) name: Option<String>,
}

impl<K: 'static, V: 'static> Default for Consumed<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: 'static, V: 'static> Consumed<K, V> {
    /// Built-in serdes, the configured timestamp extractor, a generated name.
    pub fn new() -> Self {
        Consumed {
            key: None,
            value: None,
            extractor: None,
            name: None,
        }
    }
    /// Reads with these serdes.
    pub fn with(key: SharedSerde<K>, value: SharedSerde<V>) -> Self {
        Self::new().with_key_serde(key).with_value_serde(value)
    }
    /// Reads keys with `serde`.
    pub fn with_key_serde(mut self, serde: SharedSerde<K>) -> Self {
        self.key = Some(serde);
        self
    }
    /// Reads values with `serde`.
    pub fn with_value_serde(mut self, serde: SharedSerde<V>) -> Self {
        self.value = Some(serde);
        self
    }
    /// Uses `extractor` for record timestamps.
    pub fn with_timestamp_extractor(mut self, extractor: SharedTimestampExtractor) -> Self {
        self.extractor = Some(extractor);
        self
    }
    /// Names the source node.
    pub fn with_name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    pub(crate) fn to_core(
        &self,
        key: Option<SharedSerde<K>>,
        value: Option<SharedSerde<V>>,
    ) -> topology::Consumed<K, V> {
        // A serde left out falls back to the configured default; the driver reports a missing
        // one by node name.
        let mut c = topology::Consumed::default();
        if let Some(k) = key {
            c = c.with_key_serde(k);
        }
        if let Some(v) = value {
            c = c.with_value_serde(v);
        }
        if let Some(x) = &self.extractor {
            c = c.with_timestamp_extractor(x.clone());
        }
        c
    }
}

/// A partitioner for a sink: the partition for a record, or `None` for the default.
pub type Partitioner<K, V> = topology::SinkPartitioner<K, V>;

/// How a sink writes: serdes, partitioner, processor name.
pub struct Produced<K, V> {
    pub(crate) key: Option<SharedSerde<K>>,
    pub(crate) value: Option<SharedSerde<V>>,
    pub(crate) partitioner: Option<Partitioner<K, V>>,
    pub(crate) name: Option<String>,
}

impl<K: 'static, V: 'static> Default for Produced<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: 'static, V: 'static> Produced<K, V> {
    /// Upstream (or built-in) serdes and the default partitioner.
    pub fn new() -> Self {
        Produced {
            key: None,
            value: None,
            partitioner: None,
            name: None,
        }
    }
    /// Writes with these serdes.
    pub fn with(key: SharedSerde<K>, value: SharedSerde<V>) -> Self {
        Self::new().with_key_serde(key).with_value_serde(value)
    }
    /// Writes keys with `serde`.
    pub fn with_key_serde(mut self, serde: SharedSerde<K>) -> Self {
        self.key = Some(serde);
        self
    }
    /// Writes values with `serde`.
    pub fn with_value_serde(mut self, serde: SharedSerde<V>) -> Self {
        self.value = Some(serde);
        self
    }
    /// Chooses partitions with `partitioner`.
    pub fn with_partitioner(mut self, partitioner: Partitioner<K, V>) -> Self {
        self.partitioner = Some(partitioner);
        self
    }
    /// Names the sink node.
    pub fn with_name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    pub(crate) fn to_core(
        &self,
        key: Option<SharedSerde<K>>,
        value: Option<SharedSerde<V>>,
    ) -> topology::Produced<K, V> {
        let mut p = topology::Produced::default();
        if let Some(k) = key {
            p = p.with_key_serde(k);
        }
        if let Some(v) = value {
            p = p.with_value_serde(v);
        }
        if let Some(x) = &self.partitioner {
            p = p.with_partitioner(x.clone());
        }
        p
    }
}

/// How a grouping repartitions: the name (of the key selector and of the repartition topic
/// `<application.id>-<name>-repartition`) and serdes for that topic.
pub struct Grouped<K, V> {
    pub(crate) name: Option<String>,
    pub(crate) key: Option<SharedSerde<K>>,
    pub(crate) value: Option<SharedSerde<V>>,
}

impl<K: 'static, V: 'static> Default for Grouped<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: 'static, V: 'static> Grouped<K, V> {
    /// Generated names, upstream or built-in serdes.
    pub fn new() -> Self {
        Grouped {
            name: None,
            key: None,
            value: None,
        }
    }
    /// Names the grouping (Java's `Grouped.as`).
    pub fn as_(name: &str) -> Self {
        let mut g = Self::new();
        g.name = Some(name.to_owned());
        g
    }
    /// Uses these serdes for the repartition topic.
    pub fn with(key: SharedSerde<K>, value: SharedSerde<V>) -> Self {
        Self::new().with_key_serde(key).with_value_serde(value)
    }
    /// Key serde for the repartition topic.
    pub fn with_key_serde(mut self, serde: SharedSerde<K>) -> Self {
        self.key = Some(serde);
        self
    }
    /// Value serde for the repartition topic.
    pub fn with_value_serde(mut self, serde: SharedSerde<V>) -> Self {
        self.value = Some(serde);
        self
    }
}

/// How a repartition topic is named and written.
pub struct Repartitioned<K, V> {
    pub(crate) name: Option<String>,
    pub(crate) key: Option<SharedSerde<K>>,
    pub(crate) value: Option<SharedSerde<V>>,
}

impl<K: 'static, V: 'static> Default for Repartitioned<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: 'static, V: 'static> Repartitioned<K, V> {
    /// A generated name, upstream or built-in serdes.
    pub fn new() -> Self {
        Repartitioned {
            name: None,
            key: None,
            value: None,
        }
    }
    /// Names the topic `<application.id>-<name>-repartition`.
    pub fn as_(name: &str) -> Self {
        let mut r = Self::new();
        r.name = Some(name.to_owned());
        r
    }
    /// Uses these serdes.
    pub fn with(key: SharedSerde<K>, value: SharedSerde<V>) -> Self {
        let mut r = Self::new();
        r.key = Some(key);
        r.value = Some(value);
        r
    }
}

/// How a table or aggregation is stored: store name (and so its changelog
/// `<application.id>-<name>-changelog`), serdes, kind, logging, caching, retention.
pub struct Materialized<K, V> {
    pub(crate) name: Option<String>,
    pub(crate) key: Option<SharedSerde<K>>,
    pub(crate) value: Option<SharedSerde<V>>,
    pub(crate) kind: StoreKind,
    pub(crate) logging: bool,
    pub(crate) caching: bool,
    pub(crate) retention: Option<Duration>,
}

impl<K: 'static, V: 'static> Default for Materialized<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: 'static, V: 'static> Materialized<K, V> {
    /// A generated store name, upstream or built-in serdes, persistent and logged.
    pub fn new() -> Self {
        Materialized {
            name: None,
            key: None,
            value: None,
            kind: StoreKind::Persistent,
            logging: true,
            caching: true,
            retention: None,
        }
    }
    /// Names the store (Java's `Materialized.as`); a named store is also queryable.
    pub fn as_(name: &str) -> Self {
        let mut m = Self::new();
        m.name = Some(name.to_owned());
        m
    }
    /// Uses these serdes (Java's `Materialized.with`).
    pub fn with(key: SharedSerde<K>, value: SharedSerde<V>) -> Self {
        Self::new().with_key_serde(key).with_value_serde(value)
    }
    /// Key serde for the store.
    pub fn with_key_serde(mut self, serde: SharedSerde<K>) -> Self {
        self.key = Some(serde);
        self
    }
    /// Value serde for the store.
    pub fn with_value_serde(mut self, serde: SharedSerde<V>) -> Self {
        self.value = Some(serde);
        self
    }
    /// Keeps the store in memory only (rebuilt from its changelog).
    pub fn in_memory(mut self) -> Self {
        self.kind = StoreKind::InMemory;
        self
    }
    /// Stops writing a changelog.
    pub fn with_logging_disabled(mut self) -> Self {
        self.logging = false;
        self
    }
    /// Forwards every update instead of one per key per commit. Caching (the default for
    /// key-value aggregations, as in Java) collapses updates of a key between commits.
    pub fn with_caching_disabled(mut self) -> Self {
        self.caching = false;
        self
    }
    /// How long a window or session store keeps data (at least window size plus grace).
    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = Some(retention);
        self
    }
}

impl<K, V> Clone for Materialized<K, V> {
    fn clone(&self) -> Self {
        Materialized {
            name: self.name.clone(),
            key: self.key.clone(),
            value: self.value.clone(),
            kind: self.kind,
            logging: self.logging,
            caching: self.caching,
            retention: self.retention,
        }
    }
}
