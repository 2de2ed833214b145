//! A source table driven by a task that commits when the runtime says, not after every record as
//! the TopologyTestDriver does: its cache keeps the latest change per key until the commit and
//! forwards only that, as Java's cached `KTableSource` does (`statestore.cache.max.bytes`);
//! without caching every change goes downstream.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use streams_core::StreamsConfig;
use streams_core::clock::MockClock;
use streams_core::processor::{ConsumedRecord, Headers};
use streams_core::task::{
    CollectorError, ProducerRecord, RecordCollector, Task, TaskId, TaskSetup,
};
use streams_dsl::{Consumed, Materialized, StreamsBuilder};

#[derive(Default)]
struct Collect(Vec<ProducerRecord>);

impl RecordCollector for Collect {
    fn send(&mut self, r: ProducerRecord) -> Result<(), CollectorError> {
        self.0.push(r);
        Ok(())
    }
    fn flush(&mut self) -> Result<(), CollectorError> {
        Ok(())
    }
    fn offset(&self, _: &str, _: i32) -> Option<i64> {
        None
    }
}

/// The values written to "out" when "t" gets a=1, a=2, b=3, a=4 and the task commits once.
fn out_after_one_commit(materialized: Materialized<String, String>) -> Vec<(String, String)> {
    let b = StreamsBuilder::new();
    b.table_with::<String, String>("t", Consumed::new(), materialized)
        .to_stream()
        .map_values(|v| v.clone().unwrap_or_default())
        .to("out");
    let topology = b.build().unwrap();
    let collector = Arc::new(Mutex::new(Collect::default()));
    let dir = std::env::temp_dir().join(format!("table-cache-{}", std::process::id()));
    let mut task = Task::new(
        &topology,
        &StreamsConfig::new("app"),
        TaskSetup {
            id: TaskId {
                subtopology: 0,
                partition: 0,
            },
            subtopologies: vec![0],
            collector: collector.clone(),
            clock: Arc::new(MockClock::new(0)),
            global_stores: HashMap::new(),
            state_dir: Some(dir.clone()),
            metrics: None,
        },
    )
    .unwrap();
    let records = [("a", "1"), ("a", "2"), ("b", "3"), ("a", "4")]
        .iter()
        .enumerate()
        .map(|(i, (k, v))| ConsumedRecord {
            topic: Arc::from("t"),
            partition: 0,
            offset: i as i64,
            timestamp: i as i64,
            key: Some(Bytes::copy_from_slice(k.as_bytes())),
            value: Some(Bytes::copy_from_slice(v.as_bytes())),
            headers: Headers::new(),
        });
    task.add_records("t", 0, records).unwrap();
    while task.process(0).unwrap() {}
    task.commit().unwrap();
    task.close().unwrap();
    let _ = std::fs::remove_dir_all(dir);
    let out = collector.lock().unwrap();
    out.0
        .iter()
        .filter(|r| &*r.topic == "out")
        .map(|r| {
            let s = |b: &Option<Bytes>| String::from_utf8(b.as_ref().unwrap().to_vec()).unwrap();
            (s(&r.key), s(&r.value))
        })
        .collect()
}

#[test]
fn a_cached_source_table_forwards_the_latest_change_per_key_at_commit() {
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert_eq!(
        out_after_one_commit(Materialized::as_("store").in_memory()),
        // In the order of each key's last write, as Java's cache flushes.
        pairs(&[("b", "3"), ("a", "4")])
    );
    assert_eq!(
        out_after_one_commit(
            Materialized::as_("store")
                .in_memory()
                .with_caching_disabled()
        ),
        pairs(&[("a", "1"), ("a", "2"), ("b", "3"), ("a", "4")])
    );
}
