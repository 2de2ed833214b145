//! The word count both the criterion bench (`benches/word_count.rs`) and the side-by-side run
//! against Java's driver (`integration-tests/src/bin/ttd-bench.rs`, which includes this file by
//! path) measure, so the two always time the same topology on the same input.

use std::sync::Arc;

use streams_core::StreamsError;
use streams_core::processor::{Change, Processor, ProcessorContext, Record};
use streams_core::serde::{Nullable, Serdes, StringSerde};
use streams_core::state::{KeyValueStore, Stores};
use streams_core::topology::{Consumed, Produced, Topology, TopologyBuilder, TopologyError};

/// Lines piped per pass.
pub(crate) const LINES: usize = 20_000;
/// Words per line, from a 2,000-word vocabulary.
pub(crate) const WORDS_PER_LINE: usize = 5;

/// Counts each word of a line in the "counts" store (get and put per word); the store's cache
/// forwards its flushes.
struct Count(Option<KeyValueStore<String, i64>>);

impl Processor<Option<String>, String, String, Change<i64>> for Count {
    fn init(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, Change<i64>>,
    ) -> Result<(), StreamsError> {
        let s: KeyValueStore<String, i64> = ctx.state_store("counts")?;
        ctx.forward_cache_flushes(&s)?;
        self.0 = Some(s);
        Ok(())
    }
    fn process(
        &mut self,
        _: &mut ProcessorContext<'_, String, Change<i64>>,
        r: Record<Option<String>, String>,
    ) -> Result<(), StreamsError> {
        let s = self.0.as_ref().expect("init");
        for w in r.value.split_whitespace() {
            let w = w.to_owned();
            let n = s.get(&w)?.unwrap_or(0) + 1;
            s.put(&w, &n)?;
        }
        Ok(())
    }
}

/// Forwards a flushed count's new value.
struct NewValue;

impl Processor<String, Change<i64>, String, i64> for NewValue {
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, i64>,
        r: Record<String, Change<i64>>,
    ) -> Result<(), StreamsError> {
        let n = r.value.new.unwrap_or(0);
        ctx.forward(r.with_value(n))
    }
}

/// The input: xorshift64 (13, 7, 17) from a fixed seed, words `w{x % 2000}` (the Java side of
/// ttd-bench generates the same lines).
pub(crate) fn lines() -> Vec<String> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..LINES)
        .map(|_| {
            (0..WORDS_PER_LINE)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    format!("w{}", x % 2_000)
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Source "text" → count (redb store "counts", cached) → new value → sink "counts".
pub(crate) fn topology() -> Result<Topology, TopologyError> {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "lines",
        Consumed::with(Arc::new(Nullable(StringSerde)), Serdes::string()),
        "text",
    )
    .add_processor("count", || Count(None), &["lines"])
    .add_processor("new", || NewValue, &["count"])
    .add_state_store(
        Stores::key_value_store_builder(
            Stores::persistent_key_value_store("counts"),
            Serdes::string(),
            Serdes::long(),
        )
        .with_caching_enabled(),
        &["count"],
    )
    .add_sink(
        "out",
        "counts",
        Produced::with(Serdes::string(), Serdes::long()),
        &["new"],
    );
    b.build()
}
