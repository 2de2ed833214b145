//! The processor every stateless DSL operation compiles to: a shared closure over the record and
//! the context, so one generic type serves filter, map, flat-map, peek, branch and merge.

use std::marker::PhantomData;
use std::sync::Arc;

use streams_core::StreamsError;
use streams_core::processor::{Processor, ProcessorContext, Record};

/// A record handler shared by every task's instance of the node.
pub(crate) type ProcessFn<KIn, VIn, KOut, VOut> = Arc<
    dyn Fn(&mut ProcessorContext<'_, KOut, VOut>, Record<KIn, VIn>) -> Result<(), StreamsError>
        + Send
        + Sync,
>;

pub(crate) struct FnProcessor<KIn, VIn, KOut, VOut> {
    f: ProcessFn<KIn, VIn, KOut, VOut>,
    _t: PhantomData<fn(KIn, VIn, KOut, VOut)>,
}

impl<KIn, VIn, KOut, VOut> FnProcessor<KIn, VIn, KOut, VOut> {
    pub(crate) fn new(f: ProcessFn<KIn, VIn, KOut, VOut>) -> Self {
        FnProcessor { f, _t: PhantomData }
    }
}

impl<KIn, VIn, KOut, VOut> Processor<KIn, VIn, KOut, VOut> for FnProcessor<KIn, VIn, KOut, VOut>
where
    KIn: 'static,
    VIn: 'static,
    KOut: 'static,
    VOut: 'static,
{
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, KOut, VOut>,
        record: Record<KIn, VIn>,
    ) -> Result<(), StreamsError> {
        (self.f)(ctx, record)
    }
}

/// Adds a stateless node running `f` under `parents`.
pub(crate) fn add_fn<KIn, VIn, KOut, VOut>(
    b: &crate::StreamsBuilder,
    name: &str,
    parents: &[&str],
    f: ProcessFn<KIn, VIn, KOut, VOut>,
) where
    KIn: 'static,
    VIn: 'static,
    KOut: 'static,
    VOut: 'static,
{
    b.with_topology(|t| {
        t.add_processor(name, move || FnProcessor::new(f.clone()), parents);
    });
}
