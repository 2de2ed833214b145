//! A JSON serde over `serde_json`, for values that carry a `serde` derive.

use bytes::Bytes;
use std::marker::PhantomData;

use super::{Serde, SerdeError};
use crate::processor::Headers;

/// Serializes `T` as compact JSON text.
pub struct Json<T>(PhantomData<fn() -> T>);

impl<T> Json<T> {
    /// A JSON serde for `T`.
    pub fn new() -> Self {
        Json(PhantomData)
    }
}

impl<T> Default for Json<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> std::fmt::Debug for Json<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Json<{}>", std::any::type_name::<T>())
    }
}

impl<T> Serde<T> for Json<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    fn serialize(&self, _: &str, _: &Headers, value: &T) -> Result<Option<Bytes>, SerdeError> {
        Ok(Some(Bytes::from(serde_json::to_vec(value)?)))
    }
    fn serialize_into(
        &self,
        _: &str,
        _: &Headers,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<bool, SerdeError> {
        let start = out.len();
        if let Err(e) = serde_json::to_writer(&mut *out, value) {
            out.truncate(start);
            return Err(e.into());
        }
        Ok(true)
    }
    fn deserialize(&self, _: &str, _: &Headers, data: Option<&Bytes>) -> Result<T, SerdeError> {
        let data = data.ok_or(SerdeError::UnexpectedNull { type_name: "Json" })?;
        Ok(serde_json::from_slice(data)?)
    }
}
