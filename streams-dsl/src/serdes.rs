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
