//! Our sticky partitioner against Java's `BuiltInPartitioner` (kafka-clients 4.4.0): 80 scripted
//! scenarios (1 to 12 partitions, some without a leader, uniform and adaptive choice, switching
//! enabled and disabled, half of them rack-aware) replayed with the very random draws Java made. The same draws at the
//! same moments must give the same partition after every append.

mod support;

use std::collections::VecDeque;
use std::convert::Infallible;

use kafka_client::partitioner::{StickyPartitioner, TopicPartitions};
use rand::TryRng;

/// Hands out the draws Java made, and fails the test if we draw more or fewer.
struct Replay(VecDeque<u32>);

impl TryRng for Replay {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self
            .0
            .pop_front()
            .expect("Rust drew a random number where Java did not"))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        unreachable!("the partitioner draws 32-bit numbers only")
    }

    fn try_fill_bytes(&mut self, _dst: &mut [u8]) -> Result<(), Infallible> {
        unreachable!("the partitioner draws 32-bit numbers only")
    }
}

fn csv(field: &str) -> Vec<i64> {
    if field == "-" {
        Vec::new()
    } else {
        field
            .split(',')
            .map(|v| v.parse().expect("number"))
            .collect()
    }
}

#[test]
fn sticky_partitions_match_java() {
    let output = support::run_java(
        "org.apache.kafka.clients.producer.internals.StickyVectors",
        &[],
    );
    let mut topic: Option<(u32, Vec<i32>)> = None;
    let mut sticky: Option<StickyPartitioner> = None;
    let (mut scenarios, mut appends, mut loads) = (0, 0, 0);
    for line in output.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        match f[0] {
            "T" => {
                topic = Some((
                    f[1].parse().unwrap(),
                    csv(f[2]).into_iter().map(|v| v as i32).collect(),
                ));
                let batch_size = f[3].parse().unwrap();
                let mut p = if f[4] == "true" {
                    StickyPartitioner::new_rack_aware(batch_size)
                } else {
                    StickyPartitioner::new(batch_size)
                };
                let local: Vec<i32> = csv(f[5]).into_iter().map(|v| v as i32).collect();
                p.set_rack_local_available(&local);
                sticky = Some(p);
                scenarios += 1;
            }
            "L" => {
                let queues: Vec<u32> = csv(f[1]).into_iter().map(|v| v as u32).collect();
                let ids: Vec<i32> = csv(f[2]).into_iter().map(|v| v as i32).collect();
                let length: usize = f[3].parse().unwrap();
                let local: Vec<bool> = csv(f[4]).into_iter().map(|v| v == 1).collect();
                sticky
                    .as_mut()
                    .expect("topic first")
                    .update_load_stats_with_racks(Some((&queues, &ids, &local)), length);
                loads += 1;
            }
            "A" => {
                let (count, available) = topic.as_ref().expect("topic first");
                let view = TopicPartitions {
                    partition_count: *count,
                    available,
                };
                let bytes: u32 = f[1].parse().unwrap();
                let enable_switch: bool = f[2].parse().unwrap();
                let java_partition: i32 = f[3].parse().unwrap();
                let mut rng = Replay(csv(f[4]).into_iter().map(|v| v as u32).collect());
                let p = sticky.as_mut().expect("topic first");
                assert_eq!(
                    p.partition(view, &mut rng),
                    java_partition,
                    "scenario {scenarios}, line {line:?}"
                );
                p.record_appended(bytes, enable_switch, view, &mut rng);
                assert!(
                    rng.0.is_empty(),
                    "Java drew more random numbers than we did at {line:?}"
                );
                appends += 1;
            }
            other => panic!("unexpected line kind {other:?}"),
        }
    }
    assert_eq!((scenarios, appends), (80, 80 * 300));
    assert!(loads > 100, "only {loads} load updates");
}
