//! A fast hasher for the driver's and task's maps keyed by topic names and partitions.
//!
//! Those maps are looked up several times per record, and SipHash dominated their cost. Their
//! keys come from the topology and configuration, not from record data, so resistance to
//! crafted collisions is not needed there. Maps keyed by record data (the caches, the redb
//! overlay) use the keyed [`crate::key_hash`] instead.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` using [`NameHasher`].
pub(crate) type NameMap<K, V> = HashMap<K, V, BuildHasherDefault<NameHasher>>;

/// Multiplicative word-at-a-time hashing (the Fx scheme): rotate, mix in a word, multiply.
#[derive(Default, Clone, Copy)]
pub(crate) struct NameHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl NameHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(crate::key_hash::tail(rest) ^ ((rest.len() as u64) << 56));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_differ_only_past_a_word_hash_differently() {
        let h = |s: &str| {
            let mut h = NameHasher::default();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_ne!(h("wc-counts-changelog"), h("wc-counts-changelof"));
        assert_ne!(h("a"), h("b"));
        assert_eq!(h("counts"), h("counts"));
    }

    #[test]
    fn map_finds_by_borrowed_key() {
        let mut m: NameMap<std::sync::Arc<str>, i64> = NameMap::default();
        m.insert("counts".into(), 3);
        m.insert("text".into(), 4);
        assert_eq!(m.get("counts"), Some(&3));
        assert_eq!(m.get("text"), Some(&4));
        assert_eq!(m.get("other"), None);
    }
}
