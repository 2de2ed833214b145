//! Serde selection: an explicit serde wins, then the one inherited from upstream, then a built-in
//! serde for the type. Operations that need one and find none record a build error naming
//! themselves; nothing panics at run time.

use std::any::{Any, TypeId};
use std::sync::Arc;

use bytes::Bytes;
use streams_core::processor::Headers;
use streams_core::serde::{
    BoolSerde, ByteArraySerde, BytesSerde, DoubleSerde, FloatSerde, IntegerSerde, LongSerde,
    Nullable, Serde, SerdeError, SharedSerde, ShortSerde, StringSerde,
};
use streams_core::state::{Window, Windowed};

/// What keys and values flowing through the DSL must be: cloneable and shareable across tasks.
pub trait Data: Clone + Send + Sync + 'static {}
impl<T: Clone + Send + Sync + 'static> Data for T {}

fn erased<T: 'static>(s: SharedSerde<T>) -> Box<dyn Any> {
    Box::new(s)
}

/// The built-in serde for `T`, if it has one: Java's serdes for `String`, `i64`, `i32`, `i16`,
/// `f64`, `f32`, `bool`, `Vec<u8>`, `Bytes`, and their `Option`s (null-passing).
pub fn builtin<T: 'static>() -> Option<SharedSerde<T>> {
    macro_rules! table {
        ($($ty:ty => $serde:expr),* $(,)?) => {{
            let id = TypeId::of::<T>();
            $(
                if id == TypeId::of::<$ty>() {
                    return erased::<$ty>(Arc::new($serde)).downcast::<SharedSerde<T>>().ok().map(|b| *b);
                }
                if id == TypeId::of::<Option<$ty>>() {
                    return erased::<Option<$ty>>(Arc::new(Nullable($serde)))
                        .downcast::<SharedSerde<T>>()
                        .ok()
                        .map(|b| *b);
                }
            )*
            None
        }};
    }
    table!(
        String => StringSerde,
        i64 => LongSerde,
        i32 => IntegerSerde,
        i16 => ShortSerde,
        f64 => DoubleSerde,
        f32 => FloatSerde,
        bool => BoolSerde,
        Vec<u8> => ByteArraySerde,
        Bytes => BytesSerde,
    )
}

/// Explicit, else inherited, else built-in.
pub(crate) fn pick<T: 'static>(
    explicit: Option<SharedSerde<T>>,
    inherited: Option<SharedSerde<T>>,
) -> Option<SharedSerde<T>> {
    explicit.or(inherited).or_else(builtin::<T>)
}

/// `Option<T>` over a serde for `T`: null bytes are `None`.
pub(crate) fn nullable<T: 'static>(s: &SharedSerde<T>) -> SharedSerde<Option<T>> {
    Arc::new(Nullable(s.clone()))
}

/// Java's `TimeWindowedSerde`: the key's bytes then the window start as 8 big-endian bytes. The
/// end is not stored, so the reader must know the window size.
pub struct TimeWindowedSerde<K> {
    inner: SharedSerde<K>,
    window_size: i64,
}

impl<K: 'static> TimeWindowedSerde<K> {
    /// For windows of `window_size_ms`.
    pub fn new(inner: SharedSerde<K>, window_size_ms: i64) -> Self {
        TimeWindowedSerde {
            inner,
            window_size: window_size_ms,
        }
    }
}

fn split_tail<const N: usize>(data: &Bytes) -> Result<(Bytes, [i64; N]), SerdeError> {
    let tail = 8 * N;
    if data.len() < tail {
        return Err(SerdeError::InvalidLength {
            type_name: "Windowed",
            expected: tail,
            actual: data.len(),
        });
    }
    let key = data.slice(..data.len() - tail);
    let mut out = [0i64; N];
    for (i, slot) in out.iter_mut().enumerate() {
        let at = data.len() - tail + 8 * i;
        let mut b = [0u8; 8];
        b.copy_from_slice(&data[at..at + 8]);
        *slot = i64::from_be_bytes(b);
    }
    Ok((key, out))
}

impl<K: 'static> Serde<Windowed<K>> for TimeWindowedSerde<K> {
    fn serialize(
        &self,
        topic: &str,
        headers: &Headers,
        value: &Windowed<K>,
    ) -> Result<Option<Bytes>, SerdeError> {
        let key = self.inner.serialize(topic, headers, &value.key)?;
        let key = key.unwrap_or_default();
        let mut out = Vec::with_capacity(key.len() + 8);
        out.extend_from_slice(&key);
        out.extend_from_slice(&value.window.start.to_be_bytes());
        Ok(Some(Bytes::from(out)))
    }
    fn deserialize(
        &self,
        topic: &str,
        headers: &Headers,
        data: Option<&Bytes>,
    ) -> Result<Windowed<K>, SerdeError> {
        let data = data.ok_or(SerdeError::UnexpectedNull {
            type_name: "Windowed",
        })?;
        let (key, [start]) = split_tail::<1>(data)?;
        Ok(Windowed {
            key: self.inner.deserialize(topic, headers, Some(&key))?,
            window: Window {
                start,
                end: start.saturating_add(self.window_size),
            },
        })
    }
}

/// Java's `SessionWindowedSerde`: the key's bytes, the session end, then its start (8 big-endian
/// bytes each).
pub struct SessionWindowedSerde<K> {
    inner: SharedSerde<K>,
}

impl<K: 'static> SessionWindowedSerde<K> {
    /// Over the key serde `inner`.
    pub fn new(inner: SharedSerde<K>) -> Self {
        SessionWindowedSerde { inner }
    }
}

impl<K: 'static> Serde<Windowed<K>> for SessionWindowedSerde<K> {
    fn serialize(
        &self,
        topic: &str,
        headers: &Headers,
        value: &Windowed<K>,
    ) -> Result<Option<Bytes>, SerdeError> {
        let key = self.inner.serialize(topic, headers, &value.key)?;
        let key = key.unwrap_or_default();
        let mut out = Vec::with_capacity(key.len() + 16);
        out.extend_from_slice(&key);
        out.extend_from_slice(&value.window.end.to_be_bytes());
        out.extend_from_slice(&value.window.start.to_be_bytes());
        Ok(Some(Bytes::from(out)))
    }
    fn deserialize(
        &self,
        topic: &str,
        headers: &Headers,
        data: Option<&Bytes>,
    ) -> Result<Windowed<K>, SerdeError> {
        let data = data.ok_or(SerdeError::UnexpectedNull {
            type_name: "Windowed",
        })?;
        let (key, [end, start]) = split_tail::<2>(data)?;
        Ok(Windowed {
            key: self.inner.deserialize(topic, headers, Some(&key))?,
            window: Window { start, end },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_serdes_by_type() {
        let h = Headers::new();
        let s = builtin::<String>().expect("string");
        assert_eq!(
            s.serialize("t", &h, &"ab".to_owned()).unwrap().unwrap(),
            Bytes::from_static(b"ab")
        );
        let l = builtin::<Option<i64>>().expect("option long");
        assert_eq!(l.serialize("t", &h, &None).unwrap(), None);
        assert_eq!(
            l.deserialize(
                "t",
                &h,
                Some(&Bytes::from_static(&[0, 0, 0, 0, 0, 0, 1, 2]))
            )
            .unwrap(),
            Some(258)
        );
        assert!(builtin::<Window>().is_none());
    }

    #[test]
    fn windowed_layouts() {
        let h = Headers::new();
        let tw = TimeWindowedSerde::new(builtin::<String>().unwrap(), 10);
        let w = Windowed {
            key: "k".to_owned(),
            window: Window { start: 20, end: 30 },
        };
        let b = tw.serialize("t", &h, &w).unwrap().unwrap();
        assert_eq!(&b[..], &[b'k', 0, 0, 0, 0, 0, 0, 0, 20]);
        assert_eq!(tw.deserialize("t", &h, Some(&b)).unwrap(), w);
        assert!(
            tw.deserialize("t", &h, Some(&Bytes::from_static(b"k")))
                .is_err()
        );
        let sw = SessionWindowedSerde::new(builtin::<String>().unwrap());
        let s = Windowed {
            key: "k".to_owned(),
            window: Window { start: 1, end: 2 },
        };
        let b = sw.serialize("t", &h, &s).unwrap().unwrap();
        assert_eq!(b.len(), 17);
        assert_eq!(b[8], 2);
        assert_eq!(sw.deserialize("t", &h, Some(&b)).unwrap(), s);
    }
}

/// Java's `ChangedSerializer`/`ChangedDeserializer` for the repartition topic of a table
/// re-grouping: a new and an old value in one record. Layout (Kafka 3.5+): only new →
/// `new ++ [1]`; only old → `old ++ [0]`; both → `zigzag-varint(len(new)) ++ new ++ old ++ [2]`.
pub struct ChangeSerde<V> {
    inner: SharedSerde<V>,
}

impl<V: 'static> ChangeSerde<V> {
    /// Over the value serde `inner`.
    pub fn new(inner: SharedSerde<V>) -> Self {
        ChangeSerde { inner }
    }
}

fn put_zigzag_varint(out: &mut Vec<u8>, v: i32) {
    let mut z = ((v << 1) ^ (v >> 31)) as u32;
    while z >= 0x80 {
        out.push((z as u8) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

fn get_zigzag_varint(data: &[u8]) -> Option<(i32, usize)> {
    let mut z: u32 = 0;
    for (i, b) in data.iter().enumerate().take(5) {
        z |= u32::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((((z >> 1) as i32) ^ -((z & 1) as i32), i + 1));
        }
    }
    None
}

impl<V: 'static> Serde<streams_core::processor::Change<V>> for ChangeSerde<V> {
    fn serialize(
        &self,
        topic: &str,
        headers: &Headers,
        value: &streams_core::processor::Change<V>,
    ) -> Result<Option<Bytes>, SerdeError> {
        let ser = |v: &Option<V>| -> Result<Option<Bytes>, SerdeError> {
            match v {
                Some(v) => self.inner.serialize(topic, headers, v),
                None => Ok(None),
            }
        };
        let (new, old) = (ser(&value.new)?, ser(&value.old)?);
        let out = match (new, old) {
            (None, None) => return Ok(None),
            (Some(n), None) => [&n[..], &[1]].concat(),
            (None, Some(o)) => [&o[..], &[0]].concat(),
            (Some(n), Some(o)) => {
                let mut out = Vec::with_capacity(n.len() + o.len() + 6);
                put_zigzag_varint(&mut out, i32::try_from(n.len()).unwrap_or(i32::MAX));
                out.extend_from_slice(&n);
                out.extend_from_slice(&o);
                out.push(2);
                out
            }
        };
        Ok(Some(Bytes::from(out)))
    }

    fn deserialize(
        &self,
        topic: &str,
        headers: &Headers,
        data: Option<&Bytes>,
    ) -> Result<streams_core::processor::Change<V>, SerdeError> {
        use streams_core::processor::Change;
        let Some(data) = data else {
            return Ok(Change {
                new: None,
                old: None,
            });
        };
        let bad = || SerdeError::InvalidLength {
            type_name: "Change",
            expected: 1,
            actual: data.len(),
        };
        let (&flag, _) = data.split_last().ok_or_else(bad)?;
        let body = data.slice(..data.len() - 1);
        let de = |b: Bytes| self.inner.deserialize(topic, headers, Some(&b));
        match flag {
            0 => Ok(Change {
                new: None,
                old: Some(de(body)?),
            }),
            1 => Ok(Change {
                new: Some(de(body)?),
                old: None,
            }),
            2 => {
                let (len, used) = get_zigzag_varint(&body).ok_or_else(bad)?;
                let len = usize::try_from(len).map_err(|_| bad())?;
                if body.len() < used + len {
                    return Err(bad());
                }
                Ok(Change {
                    new: Some(de(body.slice(used..used + len))?),
                    old: Some(de(body.slice(used + len..))?),
                })
            }
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod change_tests {
    use super::*;
    use streams_core::processor::Change;

    /// Bytes Java 4.4's `ChangedSerializer` writes for these changes of strings.
    #[test]
    fn change_layout_matches_java() {
        let s = ChangeSerde::new(builtin::<String>().unwrap());
        let h = Headers::new();
        let c = |n: Option<&str>, o: Option<&str>| Change {
            new: n.map(str::to_owned),
            old: o.map(str::to_owned),
        };
        for (change, bytes) in [
            (c(Some("N"), Some("O")), &[0x02, b'N', b'O', 0x02][..]),
            (c(Some("N"), None), &[b'N', 0x01][..]),
            (c(None, Some("O")), &[b'O', 0x00][..]),
            (
                c(Some("NN"), Some("OOO")),
                &[0x04, b'N', b'N', b'O', b'O', b'O', 0x02][..],
            ),
        ] {
            let b = s.serialize("t", &h, &change).unwrap().unwrap();
            assert_eq!(&b[..], bytes);
            assert_eq!(s.deserialize("t", &h, Some(&b)).unwrap(), change);
        }
        for bad in [&[][..], &[7][..], &[0x09, b'N', 0x02][..]] {
            assert!(
                s.deserialize("t", &h, Some(&Bytes::copy_from_slice(bad)))
                    .is_err()
            );
        }
    }
}
