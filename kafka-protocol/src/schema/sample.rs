//! Deterministic pseudo-random message values, for property tests and fuzzing seeds.
//!
//! [`Field::sample`](super::Field::sample) fills exactly the fields a version carries, with null
//! only where the version allows it, so every sample encodes at that version and must decode
//! back to an equal value.

/// A small xorshift generator; deterministic for a seed, no dependencies.
#[derive(Debug, Clone)]
pub struct Sampler {
    state: u64,
}

impl Sampler {
    /// A generator for `seed` (any value, zero included).
    pub fn new(seed: u64) -> Self {
        Sampler {
            state: seed ^ 0x9e37_79b9_7f4a_7c15,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        // xorshift64*: state must be non-zero.
        if self.state == 0 {
            self.state = 0x2545_f491_4f6c_dd1d;
        }
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A value in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability 1/n.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    /// A short string, sometimes empty, sometimes non-ASCII.
    pub fn string(&mut self) -> String {
        const PARTS: &[&str] = &["", "a", "topic", "é", "group-1", "x_y", "ü€"];
        let n = self.below(3);
        (0..n)
            .map(|_| PARTS[self.below(PARTS.len() as u64) as usize])
            .collect()
    }

    /// A short byte string.
    pub fn bytes(&mut self) -> Vec<u8> {
        let n = self.below(6) as usize;
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}
