//! Store suppliers and builders (Java's `Stores` factory, `StoreSupplier`s and `StoreBuilder`s).
//!
//! Every store built here is metered: its typed handle and its control share a `StoreMeter`
//! that registers Java's `stream-state-metrics` (and, with caching, the cache's
//! `stream-record-cache-metrics`) when the task enables metrics. In-memory stores are scoped
//! `in-memory`, `in-memory-window` and `in-memory-session` as in Java; persistent (redb) stores
//! `redb`, `redb-window` and `redb-session` where Java's RocksDB ones say `rocksdb*`, and they
//! have none of Java's RocksDB-property metrics.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::access::StoreAccess;
use super::caching::CachingStore;
use super::key_schema::KeySchema;
use super::kv::KeyValueStore;
use super::logging::LoggingStore;
use super::memory::InMemoryBytesStore;
use super::metered::{CacheMeter, Flavour, MeteredControl, StoreMeter};
use super::redb_store::RedbBytesStore;
use super::segmented::SegmentedBytesStore;
use super::session::SessionStore;
use super::window::WindowStore;
use super::{
    BuiltStore, KeyValueBytesStore, SharedBytesStore, SharedControl, StoreBuilder, StoreContext,
    StoreControl, StoreError,
};
use crate::serde::{SharedSerde, ValueAndTimestamp, ValueAndTimestampSerde};

/// Where a store keeps its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// A redb file under the task's state directory.
    Persistent,
    /// Memory only; rebuilt from the changelog.
    InMemory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    KeyValue,
    Window {
        retention: i64,
        window_size: i64,
        retain_duplicates: bool,
        segment_interval: i64,
        /// Java's time-ordered window store ([`StoreSupplier::time_ordered`]).
        time_ordered: bool,
    },
    Session {
        retention: i64,
        segment_interval: i64,
    },
}

/// Names a store and how it keeps bytes; wrap it in a builder with [`Stores`].
#[derive(Debug, Clone)]
pub struct StoreSupplier {
    pub(crate) name: String,
    pub(crate) kind: StoreKind,
    pub(crate) layout: Layout,
}

impl StoreSupplier {
    /// The store name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// For a window store: keeps windows as Java's time-ordered window store does, the store
    /// Java's emit-final windowed aggregations use. Its reads keep a window starting exactly
    /// the retention period before stream time, one millisecond more than other window stores.
    /// Other stores are returned unchanged.
    ///
    /// ```
    /// use std::time::Duration;
    /// use streams_core::state::{StoreKind, Stores};
    ///
    /// let ms = Duration::from_millis;
    /// let s = Stores::window_store("w", StoreKind::Persistent, ms(20), ms(10), false);
    /// let s = s.time_ordered();
    /// assert_eq!(s.name(), "w");
    /// ```
    pub fn time_ordered(mut self) -> Self {
        if let Layout::Window { time_ordered, .. } = &mut self.layout {
            *time_ordered = true;
        }
        self
    }
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Java's default segment interval: half the retention, at least a minute.
fn segment_interval(retention: i64) -> i64 {
    (retention / 2).max(60_000)
}

/// Factory for store suppliers and builders.
#[derive(Debug)]
pub struct Stores;

impl Stores {
    /// A persistent (redb) key-value store.
    pub fn persistent_key_value_store(name: &str) -> StoreSupplier {
        StoreSupplier {
            name: name.to_owned(),
            kind: StoreKind::Persistent,
            layout: Layout::KeyValue,
        }
    }
    /// An in-memory key-value store.
    pub fn in_memory_key_value_store(name: &str) -> StoreSupplier {
        StoreSupplier {
            name: name.to_owned(),
            kind: StoreKind::InMemory,
            layout: Layout::KeyValue,
        }
    }
    /// A window store keeping windows of `window_size` for `retention`.
    pub fn window_store(
        name: &str,
        kind: StoreKind,
        retention: Duration,
        window_size: Duration,
        retain_duplicates: bool,
    ) -> StoreSupplier {
        let retention = ms(retention);
        StoreSupplier {
            name: name.to_owned(),
            kind,
            layout: Layout::Window {
                retention,
                window_size: ms(window_size),
                retain_duplicates,
                segment_interval: segment_interval(retention),
                time_ordered: false,
            },
        }
    }
    /// A session store keeping sessions that ended within `retention`.
    pub fn session_store(name: &str, kind: StoreKind, retention: Duration) -> StoreSupplier {
        let retention = ms(retention);
        StoreSupplier {
            name: name.to_owned(),
            kind,
            layout: Layout::Session {
                retention,
                segment_interval: segment_interval(retention),
            },
        }
    }

    /// A key-value store builder.
    pub fn key_value_store_builder<K: 'static, V: 'static>(
        supplier: StoreSupplier,
        key: SharedSerde<K>,
        value: SharedSerde<V>,
    ) -> KeyValueStoreBuilder<K, V> {
        KeyValueStoreBuilder {
            common: Common::new(supplier),
            key,
            value,
        }
    }
    /// A timestamped key-value store builder: values carry their last update's timestamp.
    pub fn timestamped_key_value_store_builder<K: 'static, V: 'static>(
        supplier: StoreSupplier,
        key: SharedSerde<K>,
        value: SharedSerde<V>,
    ) -> KeyValueStoreBuilder<K, ValueAndTimestamp<V>> {
        KeyValueStoreBuilder {
            common: Common {
                timestamped: true,
                ..Common::new(supplier)
            },
            key,
            value: Arc::new(ValueAndTimestampSerde(value)),
        }
    }
    /// A window store builder.
    pub fn window_store_builder<K: 'static, V: 'static>(
        supplier: StoreSupplier,
        key: SharedSerde<K>,
        value: SharedSerde<V>,
    ) -> WindowStoreBuilder<K, V> {
        WindowStoreBuilder {
            common: Common::new(supplier),
            key,
            value,
        }
    }
    /// A timestamped window store builder.
    pub fn timestamped_window_store_builder<K: 'static, V: 'static>(
        supplier: StoreSupplier,
        key: SharedSerde<K>,
        value: SharedSerde<V>,
    ) -> WindowStoreBuilder<K, ValueAndTimestamp<V>> {
        WindowStoreBuilder {
            common: Common {
                timestamped: true,
                ..Common::new(supplier)
            },
            key,
            value: Arc::new(ValueAndTimestampSerde(value)),
        }
    }
    /// A session store builder.
    pub fn session_store_builder<K: 'static, V: 'static>(
        supplier: StoreSupplier,
        key: SharedSerde<K>,
        value: SharedSerde<V>,
    ) -> SessionStoreBuilder<K, V> {
        SessionStoreBuilder {
            common: Common::new(supplier),
            key,
            value,
        }
    }
}

/// A store's bytes stack, its metrics and its metered control, as a builder makes them.
struct Built {
    inner: SharedBytesStore,
    meter: Arc<StoreMeter>,
    control: Box<dyn StoreControl>,
}

#[derive(Debug, Clone)]
struct Common {
    supplier: StoreSupplier,
    caching: bool,
    logging: bool,
    /// Values are 8-byte timestamp + value; the changelog carries them in Java's layout.
    timestamped: bool,
    /// Changelog records carry the headers of the record that wrote them.
    log_headers: bool,
}

impl Common {
    fn new(supplier: StoreSupplier) -> Self {
        Common {
            supplier,
            caching: false,
            logging: true,
            timestamped: false,
            log_headers: false,
        }
    }

    /// How Java's cache in front of this store orders its keys, when not by their bytes: an
    /// in-memory window or session store has segments of 1 ms, so its cache orders keys by
    /// time first (see [`CacheMeter::in_java_range`]).
    fn java_cache_order(&self) -> Option<KeySchema> {
        match (self.supplier.kind, self.supplier.layout) {
            (StoreKind::InMemory, Layout::Window { .. }) => Some(KeySchema::Window),
            (StoreKind::InMemory, Layout::Session { .. }) => Some(KeySchema::Session),
            _ => None,
        }
    }

    /// The metrics of the store this builds for a task, attached when the task enables them.
    fn meter(&self, ctx: &StoreContext) -> Arc<StoreMeter> {
        let flavour = match self.supplier.layout {
            Layout::KeyValue => Flavour::KeyValue,
            Layout::Window { .. } => Flavour::Window,
            Layout::Session { .. } => Flavour::Session,
        };
        Arc::new(StoreMeter::new(
            &self.supplier.name,
            flavour,
            self.supplier.kind == StoreKind::InMemory,
            self.caching,
            ctx.clock.clone(),
        ))
    }

    /// Builds raw > (segmented) > logging > caching for a task, and the metered control over
    /// it; the typed handle over it is the metered layer's other half.
    fn build(&self, ctx: &StoreContext) -> Result<Built, StoreError> {
        let meter = self.meter(ctx);
        let inner = self.stack(ctx, &meter)?;
        let control = Box::new(MeteredControl {
            inner: SharedControl(inner.clone()),
            meter: meter.clone(),
        });
        Ok(Built {
            inner,
            meter,
            control,
        })
    }

    /// Builds raw > (segmented) > logging > caching for a task.
    fn stack(
        &self,
        ctx: &StoreContext,
        meter: &StoreMeter,
    ) -> Result<SharedBytesStore, StoreError> {
        let raw: Box<dyn KeyValueBytesStore> = match self.supplier.kind {
            StoreKind::InMemory => Box::new(InMemoryBytesStore::new()),
            StoreKind::Persistent => {
                let dir = ctx.state_dir.clone().ok_or_else(|| {
                    StoreError::Io(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "persistent store needs a state directory",
                    ))
                })?;
                let path = dir
                    .join(ctx.task_id.to_string())
                    .join(format!("{}.redb", self.supplier.name));
                Box::new(RedbBytesStore::open(&path, ctx.commit_policy)?)
            }
        };
        let raw: Box<dyn KeyValueBytesStore> = match self.supplier.layout {
            Layout::KeyValue => raw,
            Layout::Window {
                retention,
                segment_interval,
                time_ordered,
                ..
            } => {
                let store =
                    SegmentedBytesStore::new(raw, KeySchema::Window, retention, segment_interval)?;
                Box::new(if time_ordered {
                    store.time_ordered()
                } else {
                    store
                })
            }
            Layout::Session {
                retention,
                segment_interval,
            } => Box::new(SegmentedBytesStore::new(
                raw,
                KeySchema::Session,
                retention,
                segment_interval,
            )?),
        };
        let logged: Box<dyn KeyValueBytesStore> = match (&ctx.changelog, self.logging) {
            (Some((topic, partition)), true) => {
                let mut store =
                    LoggingStore::new(raw, topic.clone(), *partition, ctx.collector.clone());
                if self.log_headers {
                    store = store.with_record_headers(ctx.record_context.clone());
                }
                Box::new(if self.timestamped {
                    store.timestamped()
                } else {
                    store
                })
            }
            _ => raw,
        };
        let cached: Box<dyn KeyValueBytesStore> = if self.caching {
            let cache = CachingStore::new(logged, ctx.cache_budget.clone())
                .with_record_context(ctx.record_context.clone())
                .with_meter(CacheMeter::new(
                    meter.cache.clone(),
                    self.java_cache_order(),
                    self.supplier.layout != Layout::KeyValue,
                ));
            Box::new(if self.supplier.layout == Layout::KeyValue {
                cache
            } else {
                cache.time_ordered()
            })
        } else {
            logged
        };
        Ok(Arc::new(Mutex::new(cached)))
    }

    fn serde_topic(&self, ctx: &StoreContext) -> Arc<str> {
        Arc::from(format!(
            "{}-{}-changelog",
            ctx.application_id, self.supplier.name
        ))
    }

    /// What a typed handle over `inner` needs.
    fn access<K, V>(
        &self,
        ctx: &StoreContext,
        inner: &SharedBytesStore,
        meter: &Arc<StoreMeter>,
        key: SharedSerde<K>,
        value: SharedSerde<V>,
    ) -> StoreAccess<K, V> {
        StoreAccess {
            name: Arc::from(self.supplier.name.as_str()),
            topic: self.serde_topic(ctx),
            inner: inner.clone(),
            key,
            value,
            timestamp: ctx.record_timestamp.clone(),
            meter: meter.clone(),
        }
    }
}

macro_rules! builder_common {
    ($name:ident) => {
        impl<K, V> $name<K, V> {
            /// Puts a write cache in front of the store.
            pub fn with_caching_enabled(mut self) -> Self {
                self.common.caching = true;
                self
            }
            /// Stops logging writes to a changelog.
            pub fn with_logging_disabled(mut self) -> Self {
                self.common.logging = false;
                self
            }
            /// Logs each write with the headers of the record being processed, as Java's
            /// headers-aware stores (`Stores.timestampedWindowStoreWithHeadersBuilder`, which its
            /// stream-stream joins use) log them.
            pub fn with_headers_in_changelog(mut self) -> Self {
                self.common.log_headers = true;
                self
            }
        }
    };
}

/// Builds [`KeyValueStore`]s.
pub struct KeyValueStoreBuilder<K, V> {
    common: Common,
    key: SharedSerde<K>,
    value: SharedSerde<V>,
}
builder_common!(KeyValueStoreBuilder);

impl<K: Send + Sync + 'static, V: Send + Sync + 'static> StoreBuilder
    for KeyValueStoreBuilder<K, V>
{
    fn name(&self) -> &str {
        &self.common.supplier.name
    }
    fn logging_enabled(&self) -> bool {
        self.common.logging
    }
    fn build(&self, ctx: &StoreContext) -> Result<BuiltStore, StoreError> {
        let Built {
            inner,
            meter,
            control,
        } = self.common.build(ctx)?;
        let handle = KeyValueStore::new(self.common.access(
            ctx,
            &inner,
            &meter,
            self.key.clone(),
            self.value.clone(),
        ));
        Ok(BuiltStore {
            handle: Arc::new(handle),
            control,
        })
    }
}

/// Builds [`WindowStore`]s.
pub struct WindowStoreBuilder<K, V> {
    common: Common,
    key: SharedSerde<K>,
    value: SharedSerde<V>,
}
builder_common!(WindowStoreBuilder);

impl<K: Send + Sync + 'static, V: Send + Sync + 'static> StoreBuilder for WindowStoreBuilder<K, V> {
    fn name(&self) -> &str {
        &self.common.supplier.name
    }
    fn logging_enabled(&self) -> bool {
        self.common.logging
    }
    fn build(&self, ctx: &StoreContext) -> Result<BuiltStore, StoreError> {
        let Layout::Window {
            window_size,
            retain_duplicates,
            segment_interval,
            ..
        } = self.common.supplier.layout
        else {
            return Err(StoreError::UnknownStore(self.common.supplier.name.clone()));
        };
        let Built {
            inner,
            meter,
            control,
        } = self.common.build(ctx)?;
        let handle = WindowStore::new(
            self.common
                .access(ctx, &inner, &meter, self.key.clone(), self.value.clone()),
            window_size,
            retain_duplicates,
        )
        // Java's in-memory window store is segmented by window start (segment interval 1).
        .with_read_segments(match self.common.supplier.kind {
            StoreKind::InMemory => 1,
            StoreKind::Persistent => segment_interval,
        });
        Ok(BuiltStore {
            handle: Arc::new(handle),
            control,
        })
    }
}

/// Builds [`SessionStore`]s.
pub struct SessionStoreBuilder<K, V> {
    common: Common,
    key: SharedSerde<K>,
    value: SharedSerde<V>,
}
builder_common!(SessionStoreBuilder);

impl<K: Send + Sync + 'static, V: Send + Sync + 'static> StoreBuilder
    for SessionStoreBuilder<K, V>
{
    fn name(&self) -> &str {
        &self.common.supplier.name
    }
    fn logging_enabled(&self) -> bool {
        self.common.logging
    }
    fn build(&self, ctx: &StoreContext) -> Result<BuiltStore, StoreError> {
        let Built {
            inner,
            meter,
            control,
        } = self.common.build(ctx)?;
        let handle = SessionStore::new(self.common.access(
            ctx,
            &inner,
            &meter,
            self.key.clone(),
            self.value.clone(),
        ));
        Ok(BuiltStore {
            handle: Arc::new(handle),
            control,
        })
    }
}
