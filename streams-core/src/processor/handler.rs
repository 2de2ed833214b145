//! What to do with a record whose bytes do not deserialize.

use std::sync::Arc;

use crate::processor::ConsumedRecord;
use crate::serde::SerdeError;

/// The handler's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeserializationResponse {
    /// Skip the record and keep processing.
    Continue,
    /// Stop processing with an error.
    Fail,
}

/// Decides whether a record that fails to deserialize stops the task (Java's
/// `DeserializationExceptionHandler`).
pub trait DeserializationExceptionHandler: Send + Sync + 'static {
    /// Called once per failing record.
    fn handle(&self, record: &ConsumedRecord, error: &SerdeError) -> DeserializationResponse;
}

/// Shared, type-erased handler.
pub type SharedDeserializationHandler = Arc<dyn DeserializationExceptionHandler>;

/// Logs a warning and skips the record.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogAndContinue;

impl DeserializationExceptionHandler for LogAndContinue {
    fn handle(&self, record: &ConsumedRecord, error: &SerdeError) -> DeserializationResponse {
        tracing::warn!(
            topic = %record.topic, partition = record.partition, offset = record.offset,
            %error, "skipping record that failed to deserialize"
        );
        DeserializationResponse::Continue
    }
}

/// Logs an error and fails; the default, as in Java.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogAndFail;

impl DeserializationExceptionHandler for LogAndFail {
    fn handle(&self, record: &ConsumedRecord, error: &SerdeError) -> DeserializationResponse {
        tracing::error!(
            topic = %record.topic, partition = record.partition, offset = record.offset,
            %error, "record failed to deserialize; stopping"
        );
        DeserializationResponse::Fail
    }
}
