//! The window- and session-store topology and input both store-metrics tests run:
//! `streams-core/tests/store_metrics.rs` (the values Java's driver gives, fixed) and
//! `integration-tests/tests/streams_metrics.rs` (Java's driver run live by `StreamsMetricsPeer`,
//! whose `stores` and `cachedstores` modes build the same), which includes this file by path so the two cannot
//! drift apart.

use std::time::Duration;

use streams_core::StreamsError;
use streams_core::processor::{Processor, ProcessorContext, Record};
use streams_core::serde::Serdes;
use streams_core::state::{
    SessionStore, StoreError, StoreKind, Stores, Window, WindowStore, Windowed,
};
use streams_core::test_driver::TopologyTestDriver;
use streams_core::topology::{Consumed, Topology, TopologyBuilder};

/// Reads the record's key in the window at 0, writes it there, then reads the key's windows
/// from 0 to 100 (two window-store fetches and a put per record).
struct WindowOps(Option<WindowStore<String, i64>>);

impl Processor<String, i64, (), ()> for WindowOps {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, (), ()>) -> Result<(), StreamsError> {
        self.0 = Some(ctx.state_store("w")?);
        Ok(())
    }
    fn process(
        &mut self,
        _: &mut ProcessorContext<'_, (), ()>,
        r: Record<String, i64>,
    ) -> Result<(), StreamsError> {
        let w = self
            .0
            .as_ref()
            .ok_or_else(|| StoreError::UnknownStore("w".into()))?;
        w.fetch(&r.key, 0)?;
        w.put(&r.key, Some(&r.value), 0)?;
        w.fetch_range(&r.key, 0, 100)?;
        Ok(())
    }
}

/// Finds the key's sessions ending from 0 up to the record's time, then writes a session of
/// the record alone (a session-store fetch and a put per record).
struct SessionOps(Option<SessionStore<String, i64>>);

impl Processor<String, i64, (), ()> for SessionOps {
    fn init(&mut self, ctx: &mut ProcessorContext<'_, (), ()>) -> Result<(), StreamsError> {
        self.0 = Some(ctx.state_store("s")?);
        Ok(())
    }
    fn process(
        &mut self,
        _: &mut ProcessorContext<'_, (), ()>,
        r: Record<String, i64>,
    ) -> Result<(), StreamsError> {
        let s = self
            .0
            .as_ref()
            .ok_or_else(|| StoreError::UnknownStore("s".into()))?;
        s.find_sessions(&r.key, 0, r.timestamp)?;
        let session = Windowed {
            key: r.key.clone(),
            window: Window {
                start: r.timestamp,
                end: r.timestamp,
            },
        };
        s.put(&session, &r.value)?;
        Ok(())
    }
}

/// Source "src" (topic "in", String/Long) → "win" (`WindowOps`, window store "w": a minute's
/// retention, 10 s windows) and "ses" (`SessionOps`, session store "s": a minute's
/// retention), both stores of `kind`, both `cached` or neither.
pub(crate) fn topology(kind: StoreKind, cached: bool) -> Topology {
    let window = Stores::window_store_builder(
        Stores::window_store(
            "w",
            kind,
            Duration::from_secs(60),
            Duration::from_secs(10),
            false,
        ),
        Serdes::string(),
        Serdes::long(),
    );
    let session = Stores::session_store_builder(
        Stores::session_store("s", kind, Duration::from_secs(60)),
        Serdes::string(),
        Serdes::long(),
    );
    let (window, session) = if cached {
        (
            window.with_caching_enabled(),
            session.with_caching_enabled(),
        )
    } else {
        (window, session)
    };
    let mut b = TopologyBuilder::new();
    b.add_source(
        "src",
        Consumed::with(Serdes::string(), Serdes::long()),
        "in",
    )
    .add_processor("win", || WindowOps(None), &["src"])
    .add_processor("ses", || SessionOps(None), &["src"])
    .add_state_store(window, &["win"])
    .add_state_store(session, &["ses"]);
    b.build().expect("valid topology")
}

/// Keys k0, k1, k0, k1 with values 0..3 at 0, 7, 14, 21 ms, then 2.5 s of wall clock.
pub(crate) fn pipe(d: &TopologyTestDriver) {
    let mut input = d.create_input_topic("in", Serdes::string(), Serdes::long());
    for i in 0..4 {
        input
            .pipe_input_at(format!("k{}", i % 2), i, i * 7)
            .expect("pipe");
    }
    d.advance_wall_clock_time(Duration::from_millis(2_500))
        .expect("advance");
}
