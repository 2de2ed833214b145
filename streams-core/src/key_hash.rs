//! A keyed hasher for maps keyed by record data: the caches and the redb overlay.
//!
//! Those maps are hit several times per record with short keys, where std's SipHash-1-3 costs
//! more than the rest of the lookup. Their keys come from input records, so unlike the topic-name
//! maps ([`crate::name_hash`]) they must not collide on crafted input: every map draws its own
//! random 128-bit key (from std's per-process random `RandomState`) and mixes each word with a
//! folded 64x64->128-bit multiply by it, the construction of the foldhash and aHash fallback
//! hashers. Without the key an attacker cannot predict which inputs collide; it is not a
//! cryptographic MAC and the key never leaves the process.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

/// A `HashMap` keyed by record bytes, hashed with [`KeyState`].
pub(crate) type KeyMap<K, V> = HashMap<K, V, KeyState>;

/// Odd constant (the 64-bit golden ratio) added to the length and the finish.
const MIX: u64 = 0x9e37_79b9_7f4a_7c15;

/// The low and high halves of the 128-bit product, xored: every input bit reaches both halves.
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// The 1 to 7 bytes of `rest` in one word without a variable-length copy: two overlapping 4-byte
/// loads, or the first, middle and last byte. Given the length, every byte lands in a fixed place.
#[inline]
pub(crate) fn tail(rest: &[u8]) -> u64 {
    let n = rest.len();
    if n >= 4 {
        let word = |b: &[u8]| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        word(rest) | (word(&rest[n - 4..]) << 32)
    } else if n > 0 {
        u64::from(rest[0]) | (u64::from(rest[n / 2]) << 8) | (u64::from(rest[n - 1]) << 16)
    } else {
        0
    }
}

/// One map's random key.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyState {
    seed: u64,
    mul: u64,
}

impl Default for KeyState {
    fn default() -> Self {
        let r = std::collections::hash_map::RandomState::new();
        let seed = r.hash_one(MIX);
        // Odd, so multiplying never loses the low bit's information.
        let mul = r.hash_one(seed) | 1;
        KeyState { seed, mul }
    }
}

impl BuildHasher for KeyState {
    type Hasher = KeyHasher;
    #[inline]
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher {
            h: self.seed,
            mul: self.mul,
        }
    }
}

/// The hasher [`KeyState`] builds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyHasher {
    h: u64,
    mul: u64,
}

impl KeyHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.h = fold(self.h ^ word, self.mul);
    }
}

impl Hasher for KeyHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The remainder's length goes into the top byte, so "a" and "a\0" differ.
            self.add(tail(rest) ^ ((rest.len() as u64) << 56));
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
        self.add((i as u64).wrapping_add(MIX));
    }
    #[inline]
    fn finish(&self) -> u64 {
        fold(self.h, self.mul ^ MIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(s: &KeyState, b: &[u8]) -> u64 {
        s.hash_one(b)
    }

    #[test]
    fn equal_keys_hash_equal_and_near_keys_differ() {
        let s = KeyState::default();
        assert_eq!(hash(&s, b"word"), hash(&s, b"word"));
        for (a, b) in [
            (&b"a"[..], &b"a\0"[..]),
            (b"", b"\0"),
            (b"abcdefgh", b"abcdefgi"),
            (b"abcdefgh1", b"abcdefgh2"),
            (b"w1", b"w2"),
        ] {
            assert_ne!(hash(&s, a), hash(&s, b), "{a:?} {b:?}");
        }
    }

    #[test]
    fn tails_of_every_length_keep_every_byte() {
        let s = KeyState::default();
        for n in 1..16 {
            let base: Vec<u8> = (1..=n).collect();
            for i in 0..usize::from(n) {
                let mut other = base.clone();
                other[i] ^= 0x40;
                assert_ne!(hash(&s, &base), hash(&s, &other), "len {n} byte {i}");
            }
        }
    }

    #[test]
    fn maps_draw_their_own_keys() {
        let (a, b) = (KeyState::default(), KeyState::default());
        assert_ne!(hash(&a, b"same"), hash(&b, b"same"));
    }

    #[test]
    fn bytes_keys_are_found_by_slices() {
        let mut m: KeyMap<bytes::Bytes, i32> = KeyMap::default();
        m.insert(bytes::Bytes::from_static(b"k1"), 1);
        m.insert(bytes::Bytes::from_static(b"k2"), 2);
        assert_eq!(m.get(&b"k1"[..]), Some(&1));
        assert_eq!(m.get(&b"k2"[..]), Some(&2));
        assert_eq!(m.get(&b"k3"[..]), None);
    }

    #[test]
    fn sequential_keys_spread_over_buckets() {
        // The low 7 bits pick a bucket group in a small table: 2,000 counter-like keys should use
        // nearly all 128 values, not a handful.
        let s = KeyState::default();
        let mut seen = [false; 128];
        for i in 0..2000 {
            seen[(hash(&s, format!("w{i}").as_bytes()) & 127) as usize] = true;
        }
        assert!(seen.iter().filter(|x| **x).count() > 120);
    }
}
