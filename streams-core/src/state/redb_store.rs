//! The persistent raw store on redb: one database file per store instance.
//!
//! Writes collect in an in-memory overlay (the role RocksDB's memtable plays for Java) and reach
//! redb at a durable commit, in ONE write transaction together with the changelog offset they
//! reflect. A crash therefore leaves the file at some earlier commit, whose checkpoint describes
//! exactly its data; the changelog is replayed from there.

use std::collections::BTreeSet;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::Bytes;
use redb::{
    Database, Durability, ReadOnlyTable, ReadableDatabase, ReadableTableMetadata, TableDefinition,
};

use super::bytes::{empty_range, merge_sorted};
use super::{ChangelogRecord, KeyValueBytesStore, StoreError};
use crate::config::StoreCommitPolicy;
use crate::key_hash::KeyMap;

const DATA: TableDefinition<'static, &'static [u8], &'static [u8]> = TableDefinition::new("data");
const META: TableDefinition<'static, &'static str, i64> = TableDefinition::new("meta");
const CHECKPOINT_KEY: &str = "changelog_offset";

/// One entry of a redb range scan over bytes keys and values.
type RangeItem<'a> = Result<
    (
        redb::AccessGuard<'a, &'static [u8]>,
        redb::AccessGuard<'a, &'static [u8]>,
    ),
    redb::StorageError,
>;

fn db_err(e: impl Into<redb::Error>) -> StoreError {
    StoreError::Redb(Box::new(e.into()))
}

/// A redb-backed bytes store.
pub struct RedbBytesStore {
    path: PathBuf,
    db: Database,
    reader: ReadOnlyTable<&'static [u8], &'static [u8]>,
    /// Writes since the last commit by key (`None`: deleted): a point read or an update of a key
    /// already written is one hash lookup.
    overlay: KeyMap<Bytes, Option<Bytes>>,
    /// Keys new to the overlay that `order` does not hold yet, in arrival order. Most writes
    /// never meet a range scan, so keys are ordered only when one needs it, or sorted once at
    /// the commit.
    pending: Vec<Bytes>,
    /// The overlay's keys in order, built from `pending` when a range scan asks.
    order: BTreeSet<Bytes>,
    checkpoint: Option<i64>,
    writes_since_commit: u64,
    last_commit: Instant,
    policy: StoreCommitPolicy,
    durability: Durability,
}

impl std::fmt::Debug for RedbBytesStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedbBytesStore")
            .field("path", &self.path)
            .field("overlay", &self.overlay.len())
            .field("checkpoint", &self.checkpoint)
            .finish()
    }
}

impl RedbBytesStore {
    /// Opens or creates the store file at `path`, reading its checkpoint.
    pub fn open(path: &Path, policy: StoreCommitPolicy) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let db = Database::create(path).map_err(db_err)?;
        let txn = db.begin_write().map_err(db_err)?;
        txn.open_table(DATA).map_err(db_err)?;
        txn.open_table(META).map_err(db_err)?;
        txn.commit().map_err(db_err)?;
        let read = db.begin_read().map_err(db_err)?;
        let reader = read.open_table(DATA).map_err(db_err)?;
        let checkpoint = read
            .open_table(META)
            .map_err(db_err)?
            .get(CHECKPOINT_KEY)
            .map_err(db_err)?
            .map(|g| g.value());
        Ok(RedbBytesStore {
            path: path.to_owned(),
            db,
            reader,
            overlay: KeyMap::default(),
            pending: Vec::new(),
            order: BTreeSet::new(),
            checkpoint,
            writes_since_commit: 0,
            last_commit: Instant::now(),
            policy,
            durability: Durability::Immediate,
        })
    }

    /// Uses a weaker redb durability for commits (benchmarks; crash safety needs `Immediate`).
    pub fn set_durability(&mut self, durability: Durability) {
        self.durability = durability;
    }

    /// The file path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the overlay and `offset` in one transaction.
    fn commit_now(&mut self, offset: Option<i64>) -> Result<(), StoreError> {
        let mut txn = self.db.begin_write().map_err(db_err)?;
        txn.set_durability(self.durability).map_err(db_err)?;
        {
            let mut table = txn.open_table(DATA).map_err(db_err)?;
            // redb inserts in key order touch each leaf once. Unless a range scan has ordered
            // the keys (then all are in `order`), every overlay key is in `pending`: the
            // overlay's entries are sorted directly, with no lookup per key.
            let mut write = |k: &Bytes, v: &Option<Bytes>| match v {
                Some(v) => table.insert(&k[..], &v[..]).map(drop),
                None => table.remove(&k[..]).map(drop),
            };
            if self.order.is_empty() {
                let mut entries: Vec<(u64, &Bytes, &Option<Bytes>)> = self
                    .overlay
                    .iter()
                    .map(|(k, v)| (key_prefix(k), k, v))
                    .collect();
                entries.sort_unstable_by(|a, b| by_key(a.0, a.1, b.0, b.1));
                for (_, k, v) in entries {
                    write(k, v).map_err(db_err)?;
                }
            } else {
                self.settle_order();
                for k in &self.order {
                    write(k, self.overlay.get(k).unwrap_or(&None)).map_err(db_err)?;
                }
            }
        }
        if let Some(off) = offset {
            let mut meta = txn.open_table(META).map_err(db_err)?;
            meta.insert(CHECKPOINT_KEY, off).map_err(db_err)?;
        }
        txn.commit().map_err(db_err)?;
        self.overlay.clear();
        self.pending.clear();
        self.order.clear();
        if offset.is_some() {
            self.checkpoint = offset;
        }
        self.writes_since_commit = 0;
        self.last_commit = Instant::now();
        self.reader = self
            .db
            .begin_read()
            .map_err(db_err)?
            .open_table(DATA)
            .map_err(db_err)?;
        Ok(())
    }

    /// Puts one write in the overlay.
    /// An update of a key already in the overlay keeps the overlay's copy of the key; only a new
    /// key is cloned (a reference count), for the map and for `pending`.
    fn write(&mut self, key: &Bytes, value: Option<Bytes>) {
        match self.overlay.get_mut(&key[..]) {
            Some(v) => *v = value,
            None => {
                self.pending.push(key.clone());
                self.overlay.insert(key.clone(), value);
            }
        }
    }

    /// Moves `pending` keys into `order`.
    fn settle_order(&mut self) {
        for k in self.pending.drain(..) {
            self.order.insert(k);
        }
    }

    fn due(&self) -> bool {
        self.writes_since_commit >= self.policy.every_writes
            || self
                .policy
                .every
                .is_some_and(|d: Duration| self.last_commit.elapsed() >= d)
    }
}

/// A key's first eight bytes as a big-endian integer, zero-padded: ordering by it first, then by
/// the full bytes on a tie ([`by_key`]), is byte order, and most store keys differ within eight
/// bytes, where a comparison then costs no `memcmp` call.
fn key_prefix(k: &[u8]) -> u64 {
    k.iter()
        .take(8)
        .enumerate()
        .fold(0, |p, (i, &b)| p | u64::from(b) << (56 - 8 * i))
}

/// Byte order of two keys given with their [`key_prefix`]es.
fn by_key(pa: u64, a: &[u8], pb: u64, b: &[u8]) -> std::cmp::Ordering {
    // A key that is a prefix of another sorts first either by the padded prefix or, when the
    // prefixes are equal, by the full comparison.
    pa.cmp(&pb).then_with(|| a.cmp(b))
}

impl KeyValueBytesStore for RedbBytesStore {
    fn get(&mut self, key: &[u8]) -> Result<Option<Bytes>, StoreError> {
        if let Some(v) = self.overlay.get(key) {
            return Ok(v.clone());
        }
        Ok(self
            .reader
            .get(key)
            .map_err(db_err)?
            .map(|g| Bytes::copy_from_slice(g.value())))
    }

    fn put(&mut self, key: Bytes, value: Option<Bytes>, ts: i64) -> Result<(), StoreError> {
        self.put_shared(&key, value, ts)
    }

    fn put_shared(&mut self, key: &Bytes, value: Option<Bytes>, _: i64) -> Result<(), StoreError> {
        self.write(key, value);
        self.writes_since_commit += 1;
        Ok(())
    }

    fn range(
        &mut self,
        from: Bound<&[u8]>,
        to: Bound<&[u8]>,
        reverse: bool,
    ) -> Result<Vec<(Bytes, Bytes)>, StoreError> {
        if empty_range(from, to) {
            return Ok(Vec::new());
        }
        let range = self.reader.range::<&[u8]>((from, to)).map_err(db_err)?;
        let collect = |r: RangeItem<'_>| {
            r.map(|(k, v)| {
                (
                    Bytes::copy_from_slice(k.value()),
                    Bytes::copy_from_slice(v.value()),
                )
            })
            .map_err(db_err)
        };
        let base: Vec<(Bytes, Bytes)> = if reverse {
            range.rev().map(collect).collect::<Result<_, _>>()?
        } else {
            range.map(collect).collect::<Result<_, _>>()?
        };
        if self.overlay.is_empty() {
            return Ok(base);
        }
        self.settle_order();
        let keys = self.order.range::<[u8], _>((from, to));
        let entry = |k: &Bytes| (k.clone(), self.overlay.get(k).cloned().flatten());
        let over: Vec<(Bytes, Option<Bytes>)> = if reverse {
            keys.rev().map(entry).collect()
        } else {
            keys.map(entry).collect()
        };
        Ok(merge_sorted(base, over, reverse))
    }

    fn approximate_num_entries(&mut self) -> Result<u64, StoreError> {
        let stored = self.reader.len().map_err(db_err)?;
        let added = self.overlay.values().filter(|v| v.is_some()).count() as u64;
        Ok(stored + added)
    }

    fn commit(&mut self, offset: Option<i64>, force: bool) -> Result<(), StoreError> {
        let nothing_new =
            self.overlay.is_empty() && (offset.is_none() || offset == self.checkpoint);
        if nothing_new || !(force || self.due()) {
            return Ok(());
        }
        self.commit_now(offset)
    }

    fn checkpoint(&self) -> Option<i64> {
        self.checkpoint
    }

    fn restore(&mut self, batch: &[ChangelogRecord]) -> Result<(), StoreError> {
        let Some(last) = batch.last() else {
            return Ok(());
        };
        for r in batch {
            self.write(&r.key, r.value.clone());
        }
        self.commit_now(Some(last.offset))
    }

    fn close(&mut self) -> Result<(), StoreError> {
        if !self.overlay.is_empty() {
            self.commit_now(None)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_as_bytes_do() {
        // Short and long keys, keys that are prefixes of others, zero bytes, high bytes.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut keys: Vec<Bytes> = (0..2_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let len = (x % 12) as usize;
                let alphabet = [0u8, 1, b'a', b'b', 0x7f, 0x80, 0xff];
                (0..len)
                    .map(|i| alphabet[((x >> (i * 3)) % 7) as usize])
                    .collect::<Vec<u8>>()
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .rev()
            .map(Bytes::from)
            .collect();
        let mut expected = keys.clone();
        expected.sort_unstable();
        keys.sort_unstable_by(|a, b| by_key(key_prefix(a), a, key_prefix(b), b));
        assert_eq!(keys, expected);
    }
}
