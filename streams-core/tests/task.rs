//! Tasks driven directly: next record by smallest head timestamp across partitions, stream time,
//! `max.task.idle.ms`, TaskId display, consumed offsets and changelog checkpoints at commit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use streams_core::StreamsConfig;
use streams_core::clock::{Clock, MockClock};
use streams_core::processor::{ConsumedRecord, Headers};
use streams_core::serde::{IntegerSerde, Serdes};
use streams_core::state::Stores;
use streams_core::task::{
    CollectorError, ProducerRecord, RecordCollector, Task, TaskId, TaskSetup,
};
use streams_core::topology::{Consumed, Produced, TopologyBuilder};

#[derive(Default)]
struct Collect {
    out: Vec<ProducerRecord>,
    offsets: HashMap<(Arc<str>, i32), i64>,
}

impl RecordCollector for Collect {
    fn send(&mut self, r: ProducerRecord) -> Result<(), CollectorError> {
        let o = self
            .offsets
            .entry((r.topic.clone(), r.partition.unwrap_or(0)))
            .or_insert(-1);
        *o += 1;
        self.out.push(r);
        Ok(())
    }
    fn flush(&mut self) -> Result<(), CollectorError> {
        Ok(())
    }
    fn offset(&self, topic: &str, partition: i32) -> Option<i64> {
        self.offsets.get(&(Arc::from(topic), partition)).copied()
    }
}

fn rec(topic: &str, offset: i64, ts: i64, v: i32) -> ConsumedRecord {
    ConsumedRecord {
        topic: Arc::from(topic),
        partition: 2,
        offset,
        timestamp: ts,
        key: Some(bytes::Bytes::from_static(b"k")),
        value: Some(bytes::Bytes::copy_from_slice(&v.to_be_bytes())),
        headers: Headers::new(),
    }
}

fn task(idle_ms: i64) -> (Task, Arc<Mutex<Collect>>, Arc<MockClock>) {
    let mut b = TopologyBuilder::new();
    b.add_source(
        "a",
        Consumed::with(Serdes::string(), Arc::new(IntegerSerde)),
        "left",
    )
    .add_source(
        "b",
        Consumed::with(Serdes::string(), Arc::new(IntegerSerde)),
        "right",
    )
    .add_sink(
        "out",
        "out",
        Produced::with(Serdes::string(), Arc::new(IntegerSerde)),
        &["a", "b"],
    );
    let topology = b.build().unwrap();
    let collector = Arc::new(Mutex::new(Collect::default()));
    let clock = Arc::new(MockClock::new(1_000));
    let t = Task::new(
        &topology,
        &StreamsConfig::new("app").with_max_task_idle_ms(idle_ms),
        TaskSetup {
            id: TaskId {
                subtopology: 0,
                partition: 2,
            },
            subtopologies: vec![0],
            collector: collector.clone(),
            clock: clock.clone(),
            global_stores: HashMap::new(),
            state_dir: None,
            metrics: None,
        },
    )
    .unwrap();
    (t, collector, clock)
}

fn values(c: &Arc<Mutex<Collect>>) -> Vec<i32> {
    c.lock()
        .unwrap()
        .out
        .iter()
        .map(|r| i32::from_be_bytes(r.value.as_ref().unwrap()[..].try_into().unwrap()))
        .collect()
}

#[test]
fn task_id_displays_like_java() {
    assert_eq!(
        TaskId {
            subtopology: 0,
            partition: 1
        }
        .to_string(),
        "0_1"
    );
    assert_eq!(
        TaskId {
            subtopology: 12,
            partition: 3
        }
        .to_string(),
        "12_3"
    );
}

#[test]
fn picks_smallest_head_timestamp_and_keeps_stream_time_monotonic() {
    let (mut t, c, _) = task(-1);
    t.add_records("left", 2, [rec("left", 0, 10, 1), rec("left", 1, 30, 3)])
        .unwrap();
    t.add_records("right", 2, [rec("right", 0, 20, 2), rec("right", 1, 5, 4)])
        .unwrap();
    while t.process(1_000).unwrap() {}
    // Heads: left 10 vs right 20 -> 1; left 30 vs right 20 -> 2; then right's 5 beats left's 30.
    assert_eq!(values(&c), vec![1, 2, 4, 3]);
    assert_eq!(t.stream_time(), 30);
    t.commit().unwrap();
    let offsets = t.consumed_offsets();
    assert_eq!(
        offsets[&(Arc::from("left"), 2)],
        2,
        "next offset to consume"
    );
    assert_eq!(offsets[&(Arc::from("right"), 2)], 2);
}

#[test]
fn max_task_idle_waits_for_empty_partitions() {
    // Default 0: an empty partition with unknown lag blocks processing...
    let (mut t, c, clock) = task(0);
    t.add_records("left", 2, [rec("left", 0, 10, 1)]).unwrap();
    assert!(!t.is_processable(clock.now_ms()).unwrap());
    // ...one known to have data on the broker still blocks...
    t.update_lag("right", 2, Some(5));
    assert!(!t.is_processable(clock.now_ms()).unwrap());
    // ...and a caught-up one does not, with no idling at 0.
    t.update_lag("right", 2, Some(0));
    assert!(t.process(clock.now_ms()).unwrap());
    assert_eq!(values(&c), vec![1]);

    // 100 ms: wait that long for a caught-up empty partition, then enforce processing.
    let (mut t, c, clock) = task(100);
    t.mark_caught_up();
    t.add_records("left", 2, [rec("left", 0, 10, 1)]).unwrap();
    assert!(!t.process(clock.now_ms()).unwrap());
    clock.advance(99);
    assert!(!t.process(clock.now_ms()).unwrap());
    clock.advance(1);
    assert!(t.process(clock.now_ms()).unwrap());
    assert_eq!(values(&c), vec![1]);

    // Disabled (-1): never wait.
    let (mut t, _, clock) = task(-1);
    t.add_records("left", 2, [rec("left", 0, 10, 1)]).unwrap();
    assert!(t.process(clock.now_ms()).unwrap());
}

#[test]
fn commit_checkpoints_stores_at_the_changelog_offset() {
    use streams_core::StreamsError;
    use streams_core::processor::{Processor, ProcessorContext, Record};
    use streams_core::state::KeyValueStore;
    struct Put(Option<KeyValueStore<String, i32>>);
    impl Processor<String, i32> for Put {
        fn init(&mut self, ctx: &mut ProcessorContext<'_, (), ()>) -> Result<(), StreamsError> {
            self.0 = Some(ctx.state_store("s")?);
            Ok(())
        }
        fn process(
            &mut self,
            _: &mut ProcessorContext<'_, (), ()>,
            r: Record<String, i32>,
        ) -> Result<(), StreamsError> {
            self.0
                .as_ref()
                .unwrap()
                .put(&format!("{}{}", r.key, r.value), &r.value)?;
            Ok(())
        }
    }
    let mut b = TopologyBuilder::new();
    b.add_source(
        "a",
        Consumed::with(Serdes::string(), Arc::new(IntegerSerde)),
        "left",
    )
    .add_processor("put", || Put(None), &["a"])
    .add_state_store(
        Stores::key_value_store_builder(
            Stores::in_memory_key_value_store("s"),
            Serdes::string(),
            Arc::new(IntegerSerde),
        ),
        &["put"],
    );
    let collector = Arc::new(Mutex::new(Collect::default()));
    let mut t = Task::new(
        &b.build().unwrap(),
        &StreamsConfig::new("app"),
        TaskSetup {
            id: TaskId {
                subtopology: 0,
                partition: 2,
            },
            subtopologies: vec![0],
            collector: collector.clone(),
            clock: Arc::new(MockClock::new(0)),
            global_stores: HashMap::new(),
            state_dir: None,
            metrics: None,
        },
    )
    .unwrap();
    t.mark_caught_up();
    t.add_records("left", 2, (0..3).map(|i| rec("left", i, i, i as i32)))
        .unwrap();
    while t.process(0).unwrap() {}
    t.commit().unwrap();
    let log = &collector.lock().unwrap().out;
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|r| &*r.topic == "app-s-changelog" && r.partition == Some(2))
    );
    assert_eq!(t.checkpoints()["s"], Some(2));
}

#[test]
fn restore_fills_a_persistent_store_without_logging_and_commit_requests_are_seen() {
    use streams_core::StreamsError;
    use streams_core::processor::{Processor, ProcessorContext, Record};
    use streams_core::state::{ChangelogRecord, KeyValueStore};
    struct AskCommit;
    impl Processor<String, i32> for AskCommit {
        fn process(
            &mut self,
            ctx: &mut ProcessorContext<'_, (), ()>,
            _: Record<String, i32>,
        ) -> Result<(), StreamsError> {
            ctx.commit();
            Ok(())
        }
    }
    let dir = std::env::temp_dir().join(format!("sc-task-restore-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut b = TopologyBuilder::new();
    b.add_source(
        "a",
        Consumed::with(Serdes::string(), Arc::new(IntegerSerde)),
        "left",
    )
    .add_processor("ask", || AskCommit, &["a"])
    .add_state_store(
        Stores::key_value_store_builder(
            Stores::persistent_key_value_store("s"),
            Serdes::string(),
            Arc::new(IntegerSerde),
        ),
        &["ask"],
    );
    let collector = Arc::new(Mutex::new(Collect::default()));
    let mut t = Task::new(
        &b.build().unwrap(),
        &StreamsConfig::new("app"),
        TaskSetup {
            id: TaskId {
                subtopology: 0,
                partition: 2,
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
    assert_eq!(t.checkpoints()["s"], None);
    let batch: Vec<ChangelogRecord> = (0..5)
        .map(|i| ChangelogRecord {
            key: bytes::Bytes::from(format!("k{i}")),
            value: Some(bytes::Bytes::copy_from_slice(
                &(i as i32 * 10).to_be_bytes(),
            )),
            offset: 100 + i,
            timestamp: 0,
        })
        .collect();
    t.restore("s", &batch).unwrap();
    assert_eq!(t.checkpoints()["s"], Some(104));
    let store: KeyValueStore<String, i32> = t.store("s").unwrap();
    assert_eq!(store.get(&"k3".to_owned()).unwrap(), Some(30));
    assert!(
        collector.lock().unwrap().out.is_empty(),
        "restoration is not logged"
    );
    assert!(t.restore("nope", &batch).is_err());

    t.mark_caught_up();
    t.add_records("left", 2, [rec("left", 0, 1, 1)]).unwrap();
    assert!(!t.commit_requested());
    assert!(t.process(0).unwrap());
    assert!(t.commit_requested());
    t.commit().unwrap();
    assert!(!t.commit_requested());
    t.close().unwrap();
    drop(t);
    std::fs::remove_dir_all(&dir).unwrap();
}
