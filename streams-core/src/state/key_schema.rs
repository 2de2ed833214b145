//! Byte layouts of window and session store keys, identical to Kafka Streams'
//! `WindowKeySchema.toStoreKeyBinary` and `SessionKeySchema.toBinary`, so changelogs written here
//! restore into Java stores and back.
//!
//! - window key: key bytes, window start (8 bytes, big-endian), sequence number (4 bytes, BE);
//! - session key: key bytes, session end (8 bytes, BE), session start (8 bytes, BE).

use bytes::Bytes;

/// Suffix length of a window store key.
pub const WINDOW_SUFFIX: usize = 12;
/// Suffix length of a session store key.
pub const SESSION_SUFFIX: usize = 16;

fn be_i64(b: &[u8]) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    i64::from_be_bytes(a)
}

/// Builds a window store key.
pub fn window_key(key: &[u8], window_start: i64, seqnum: u32) -> Bytes {
    let mut out = Vec::with_capacity(key.len() + WINDOW_SUFFIX);
    out.extend_from_slice(key);
    out.extend_from_slice(&window_start.to_be_bytes());
    out.extend_from_slice(&seqnum.to_be_bytes());
    Bytes::from(out)
}

/// Splits a window store key into key bytes, window start and sequence number; `None` if it is
/// too short to be one.
pub fn split_window_key(k: &[u8]) -> Option<(&[u8], i64, u32)> {
    let n = k.len().checked_sub(WINDOW_SUFFIX)?;
    let mut seq = [0u8; 4];
    seq.copy_from_slice(&k[n + 8..]);
    Some((&k[..n], be_i64(&k[n..]), u32::from_be_bytes(seq)))
}

/// Builds a session store key.
pub fn session_key(key: &[u8], start: i64, end: i64) -> Bytes {
    let mut out = Vec::with_capacity(key.len() + SESSION_SUFFIX);
    out.extend_from_slice(key);
    out.extend_from_slice(&end.to_be_bytes());
    out.extend_from_slice(&start.to_be_bytes());
    Bytes::from(out)
}

/// Splits a session store key into key bytes, start and end; `None` if too short.
pub fn split_session_key(k: &[u8]) -> Option<(&[u8], i64, i64)> {
    let n = k.len().checked_sub(SESSION_SUFFIX)?;
    Some((&k[..n], be_i64(&k[n + 8..]), be_i64(&k[n..])))
}

/// Which layout a segmented store holds, and so which timestamp places a key in a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySchema {
    /// Window keys, segmented by window start.
    Window,
    /// Session keys, segmented by session end.
    Session,
}

impl KeySchema {
    /// The timestamp deciding the segment and expiry of a key; `None` for a malformed key.
    pub fn segment_timestamp(self, k: &[u8]) -> Option<i64> {
        match self {
            KeySchema::Window => split_window_key(k).map(|(_, ts, _)| ts),
            KeySchema::Session => split_session_key(k).map(|(_, _, end)| end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_key_layout_matches_java() {
        // Kafka 4.4's WindowKeySchema.toStoreKeyBinary("a", 1, 2) prints 61000000000000000100000002.
        let k = window_key(b"a", 1, 2);
        assert_eq!(&k[..], &[b'a', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
        assert_eq!(split_window_key(&k), Some((&b"a"[..], 1, 2)));
        assert_eq!(split_window_key(b"short"), None);
    }

    #[test]
    fn session_key_layout_matches_java() {
        // Kafka 4.4's SessionKeySchema.toBinary(k, SessionWindow(5, 9)) prints
        // 6b00000000000000090000000000000005: key, then END, then START.
        let k = session_key(b"k", 5, 9);
        assert_eq!(
            &k[..],
            &[b'k', 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 5]
        );
        assert_eq!(split_session_key(&k), Some((&b"k"[..], 5, 9)));
        assert_eq!(KeySchema::Session.segment_timestamp(&k), Some(9));
    }
}
