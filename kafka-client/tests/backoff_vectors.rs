//! Our exponential backoff against Java's `ExponentialBackoff` (kafka-clients 4.4.0) on a grid of
//! initial and maximum intervals and attempt numbers, with jitter 0 so both are deterministic.

mod support;

use std::time::Duration;

use kafka_client::backoff::ExponentialBackoff;

#[test]
fn backoff_matches_java_without_jitter() {
    let output = support::run_java("BackoffVectors", &[]);
    let mut points = 0;
    for line in output.lines() {
        let v: Vec<u64> = line
            .split(' ')
            .map(|f| f.parse().expect("number"))
            .collect();
        let [initial, max, attempts, java] = v[..] else {
            panic!("bad line {line:?}")
        };
        let ours = ExponentialBackoff::with_parameters(
            Duration::from_millis(initial),
            2,
            Duration::from_millis(max),
            0.0,
        )
        .backoff_with_factor(attempts as u32, 1.0);
        assert_eq!(
            ours.as_millis() as u64,
            java,
            "initial {initial} max {max} attempts {attempts}"
        );
        points += 1;
    }
    assert_eq!(points, 7 * 6 * 41);
}
