//! The in-memory raw store: a `BTreeMap`, restored from the changelog after a restart.

use std::collections::BTreeMap;
use std::ops::Bound;

use bytes::Bytes;

use super::bytes::{empty_range, owned_bounds};
use super::{ChangelogRecord, KeyValueBytesStore, StoreError};

/// Keeps everything in a sorted map; the checkpoint lives only as long as the process.
#[derive(Debug, Default)]
pub struct InMemoryBytesStore {
    map: BTreeMap<Bytes, Bytes>,
    checkpoint: Option<i64>,
}

impl InMemoryBytesStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl KeyValueBytesStore for InMemoryBytesStore {
    fn get(&mut self, key: &[u8]) -> Result<Option<Bytes>, StoreError> {
        Ok(self.map.get(key).cloned())
    }
    fn put(&mut self, key: Bytes, value: Option<Bytes>, _: i64) -> Result<(), StoreError> {
        match value {
            Some(v) => self.map.insert(key, v),
            None => self.map.remove(&key),
        };
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
        let it = self
            .map
            .range::<Bytes, _>(owned_bounds(from, to))
            .map(|(k, v)| (k.clone(), v.clone()));
        Ok(if reverse {
            it.rev().collect()
        } else {
            it.collect()
        })
    }
    fn approximate_num_entries(&mut self) -> Result<u64, StoreError> {
        Ok(self.map.len() as u64)
    }
    fn commit(&mut self, offset: Option<i64>, _: bool) -> Result<(), StoreError> {
        if offset.is_some() {
            self.checkpoint = offset;
        }
        Ok(())
    }
    fn checkpoint(&self) -> Option<i64> {
        self.checkpoint
    }
    fn restore(&mut self, batch: &[ChangelogRecord]) -> Result<(), StoreError> {
        for r in batch {
            self.put(r.key.clone(), r.value.clone(), -1)?;
        }
        if let Some(last) = batch.last() {
            self.checkpoint = Some(last.offset);
        }
        Ok(())
    }
}
