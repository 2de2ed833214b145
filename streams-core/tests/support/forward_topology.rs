//! The forwarding topology and input both metrics tests run: `streams-core/tests/metrics.rs`
//! (the values Java's driver gives, fixed) and `integration-tests/tests/streams_metrics.rs`
//! (Java's driver run live by `StreamsMetricsPeer`, whose `forward` mode builds the same), which
//! includes this file by path so the two cannot drift apart.

use std::time::Duration;

use bytes::Bytes;
use streams_core::StreamsError;
use streams_core::processor::{Processor, ProcessorContext, PunctuationType, Record};
use streams_core::serde::Serdes;
use streams_core::state::{KeyValueStore, StoreError, Stores};
use streams_core::test_driver::TopologyTestDriver;
use streams_core::topology::{Consumed, Produced, Topology, TopologyBuilder};

/// Forwards every record after reading and writing it in the cached in-memory store "seen"
/// (a get, a put and a read of every entry); punctuates every 10 ms of stream time and every
/// second of wall time.
struct Forward(Option<KeyValueStore<String, i64>>);

impl Processor<String, i64, String, i64> for Forward {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, String, i64>) -> Result<(), StreamsError> {
        self.0 = Some(ctx.state_store("seen")?);
        ctx.schedule(
            Duration::from_millis(10),
            PunctuationType::StreamTime,
            |_, _| Ok(()),
        )?;
        ctx.schedule(
            Duration::from_millis(1000),
            PunctuationType::WallClockTime,
            |_, _| Ok(()),
        )?;
        Ok(())
    }
    fn process(
        &mut self,
        ctx: &mut ProcessorContext<'_, String, i64>,
        r: Record<String, i64>,
    ) -> Result<(), StreamsError> {
        let seen = self
            .0
            .as_ref()
            .ok_or_else(|| StoreError::UnknownStore("seen".into()))?;
        seen.get(&r.key)?;
        seen.put(&r.key, &r.value)?;
        seen.all()?;
        ctx.forward(r)
    }
}

/// Source "src" (topic "in", String/Long) → "proc" (`Forward`, with the cached in-memory store
/// "seen") → sink "sink" (topic "out").
pub(crate) fn topology() -> Topology {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "src",
        Consumed::with(Serdes::string(), Serdes::long()),
        "in",
    )
    .add_processor("proc", || Forward(None), &["src"])
    .add_state_store(
        Stores::key_value_store_builder(
            Stores::in_memory_key_value_store("seen"),
            Serdes::string(),
            Serdes::long(),
        )
        .with_caching_enabled(),
        &["proc"],
    )
    .add_sink(
        "sink",
        "out",
        Produced::with(Serdes::string(), Serdes::long()),
        &["proc"],
    );
    b.build().expect("valid topology")
}

/// Five records at 0, 7, ..., 28 ms, one that does not deserialize at 50 ms (dropped under
/// log-and-continue), then 2.5 s of wall clock.
pub(crate) fn pipe(d: &TopologyTestDriver) {
    let mut input = d.create_input_topic("in", Serdes::string(), Serdes::long());
    for i in 0..5 {
        // k2 carries a header, which Java's cache counts in its entry sizes.
        let mut headers = streams_core::processor::Headers::new();
        if i == 2 {
            headers.add("hé", Some(Bytes::from_static(b"vv")));
        }
        input
            .pipe_record(streams_core::test_driver::TestRecord {
                key: format!("k{i}"),
                value: i,
                timestamp: i * 7,
                headers,
            })
            .expect("pipe");
    }
    input
        .pipe_raw(
            Some(Bytes::from_static(b"x")),
            Some(Bytes::from_static(b"abc")),
            50,
        )
        .expect("a bad record is dropped, not an error");
    d.advance_wall_clock_time(Duration::from_millis(2_500))
        .expect("advance");
}
