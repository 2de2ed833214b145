//! Kafka's 128-bit UUID (topic ids, directory ids, member ids in KIP-848 groups).

use std::fmt;

/// A Kafka UUID: 16 bytes, most significant half first on the wire.
///
/// `Display` prints it the way Kafka does (`Uuid.toString()`): URL-safe base64 without padding,
/// 22 characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Uuid(pub [u8; 16]);

impl Uuid {
    /// The all-zero UUID Kafka uses for "no id".
    pub const ZERO: Uuid = Uuid([0; 16]);

    /// Builds a UUID from its two 64-bit halves, as Kafka's Java `Uuid(long, long)` does.
    pub fn from_halves(most_significant: u64, least_significant: u64) -> Self {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&most_significant.to_be_bytes());
        b[8..].copy_from_slice(&least_significant.to_be_bytes());
        Uuid(b)
    }

    /// The most significant 64 bits.
    pub fn most_significant(&self) -> u64 {
        let mut h = [0u8; 8];
        h.copy_from_slice(&self.0[..8]);
        u64::from_be_bytes(h)
    }

    /// The least significant 64 bits.
    pub fn least_significant(&self) -> u64 {
        let mut h = [0u8; 8];
        h.copy_from_slice(&self.0[8..]);
        u64::from_be_bytes(h)
    }

    /// Parses Kafka's base64 form (22 URL-safe characters, no padding).
    pub fn parse_base64(s: &str) -> Option<Uuid> {
        let chars = s.as_bytes();
        if chars.len() != 22 {
            return None;
        }
        let mut out = [0u8; 16];
        let mut acc: u32 = 0;
        let mut bits = 0;
        let mut n = 0;
        for &c in chars {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'-' => 62,
                b'_' => 63,
                _ => return None,
            } as u32;
            acc = (acc << 6) | v;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                if n == 16 {
                    return None;
                }
                out[n] = (acc >> bits) as u8;
                n += 1;
                acc &= (1 << bits) - 1;
            }
        }
        (n == 16 && acc == 0).then_some(Uuid(out))
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = [0u8; 22];
        let mut acc: u32 = 0;
        let mut bits = 0;
        let mut n = 0;
        for &b in &self.0 {
            acc = (acc << 8) | b as u32;
            bits += 8;
            while bits >= 6 {
                bits -= 6;
                out[n] = ALPHABET[((acc >> bits) & 63) as usize];
                n += 1;
            }
            acc &= (1 << bits) - 1;
        }
        // 128 bits leave 2 over: they fill the top of the last character.
        out[n] = ALPHABET[((acc << (6 - bits)) & 63) as usize];
        // All 22 positions are ASCII from ALPHABET.
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uuid({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip_and_known_value() {
        // Kafka prints Uuid(0, 1) as "AAAAAAAAAAAAAAAAAAAAAQ".
        let u = Uuid::from_halves(0, 1);
        assert_eq!(u.to_string(), "AAAAAAAAAAAAAAAAAAAAAQ");
        assert_eq!(Uuid::parse_base64("AAAAAAAAAAAAAAAAAAAAAQ"), Some(u));
        let v = Uuid::from_halves(0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210);
        assert_eq!(Uuid::parse_base64(&v.to_string()), Some(v));
        assert_eq!(v.most_significant(), 0x0123_4567_89ab_cdef);
        assert_eq!(v.least_significant(), 0xfedc_ba98_7654_3210);
        assert_eq!(Uuid::parse_base64("short"), None);
    }
}
