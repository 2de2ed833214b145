//! The Processor API: the [`Processor`] trait, the [`ProcessorContext`] it works through, records,
//! punctuation, timestamp extractors and deserialization handlers.

pub(crate) mod context;
mod fixed_key;
mod handler;
mod record;
mod timestamp;

pub use context::{Cancellable, ProcessorContext, PunctuationType};
pub use fixed_key::{FixedKey, FixedKeyProcessor, FixedKeyProcessorContext, FixedKeyRecord};
pub use handler::{
    DeserializationExceptionHandler, DeserializationResponse, LogAndContinue, LogAndFail,
    SharedDeserializationHandler,
};
pub use record::{Change, ConsumedRecord, Header, Headers, Record, RecordMetadata};
pub use timestamp::{
    FailOnInvalidTimestamp, LogAndSkipOnInvalidTimestamp, SharedTimestampExtractor,
    TimestampExtractor, UsePartitionTimeOnInvalidTimestamp, WallclockTimestampExtractor,
};

use crate::error::StreamsError;

/// A node of a topology that handles records one at a time (Java's `api.Processor`).
///
/// One instance exists per task; the supplier given to the topology builder makes them.
/// `KOut`/`VOut` are the types it forwards; a terminal processor leaves them as `()`.
pub trait Processor<KIn, VIn, KOut = (), VOut = ()>: Send + 'static {
    /// Called once before any record; fetch store handles and schedule punctuators here.
    fn init(&mut self, ctx: &mut ProcessorContext<'_, KOut, VOut>) -> Result<(), StreamsError> {
        let _ = ctx;
        Ok(())
    }
    /// Handles one record.
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, KOut, VOut>,
        record: Record<KIn, VIn>,
    ) -> Result<(), StreamsError>;
    /// Called once when the task closes.
    fn close(&mut self) {}
}
