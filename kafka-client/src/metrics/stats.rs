//! The statistics a sensor keeps, with the window rules of Java's `SampledStat`, `Rate`, `Avg`,
//! `Max`, `Min`, `CumulativeSum`, `CumulativeCount` and `Value`, so a dashboard reads the same
//! numbers from either client.
//!
//! A windowed statistic keeps `num_samples` samples of `sample_window` each. Recording goes to
//! the current sample, moving to the next (oldest) one when the current is a full window old; a
//! sample older than `num_samples` windows is forgotten when measured.
//!
//! Public for registries that keep their own clock: Kafka Streams measures on the task's clock
//! (its test driver's is a mock one) and folds counts in batches rather than per record, so
//! `streams-core` keeps its sensors itself on these statistics.
//!
//! ```
//! use kafka_client::metrics::stats::{Batch, Kind, Stat, Window};
//!
//! let w = Window { window_ms: 30_000, samples: 2 };
//! let mut rate = Stat::new(Kind::Rate);
//! rate.record(Batch::one(300.0), 0, w);
//! // A young rate is spread over at least one full window, as in Java.
//! assert_eq!(rate.measure(1_000, w), 300.0 / 31.0);
//! ```

/// Window settings: Java's `metrics.sample.window.ms` and `metrics.num.samples`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The length of one sample, in milliseconds.
    pub window_ms: i64,
    /// How many samples are kept.
    pub samples: usize,
}

/// Events recorded together: `events` values summing to `sum`, with their extremes and the last
/// of them. Recording a batch gives every statistic what recording its events one by one at the
/// same moment would.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Batch {
    /// How many values.
    pub events: u64,
    /// Their sum.
    pub sum: f64,
    /// The smallest.
    pub min: f64,
    /// The largest.
    pub max: f64,
    /// The last one.
    pub last: f64,
}

impl Batch {
    /// One event of `value`.
    pub fn one(value: f64) -> Batch {
        Batch {
            events: 1,
            sum: value,
            min: value,
            max: value,
            last: value,
        }
    }

    /// `n` events of 1 each (an invocation counter folded in).
    pub fn ones(n: u64) -> Batch {
        Batch {
            events: n,
            sum: n as f64,
            min: 1.0,
            max: 1.0,
            last: 1.0,
        }
    }
}

/// Values accumulated on a hot path until they are recorded as one [`Batch`]: plain arithmetic,
/// no clock, lock or allocation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pending {
    events: u64,
    sum: f64,
    min: f64,
    max: f64,
    last: f64,
}

impl Default for Pending {
    fn default() -> Self {
        Pending {
            events: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            last: 0.0,
        }
    }
}

impl Pending {
    /// Adds one event of `value`.
    #[inline]
    pub fn add(&mut self, value: f64) {
        self.events += 1;
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        self.last = value;
    }

    /// Adds `other`'s events to these (`other`'s last value becomes the last).
    pub fn merge(&mut self, other: Pending) {
        if other.events > 0 {
            self.events += other.events;
            self.sum += other.sum;
            self.min = self.min.min(other.min);
            self.max = self.max.max(other.max);
            self.last = other.last;
        }
    }

    /// The accumulated events as a batch, if any, leaving this empty.
    pub fn take(&mut self) -> Option<Batch> {
        let p = std::mem::take(self);
        (p.events > 0).then_some(Batch {
            events: p.events,
            sum: p.sum,
            min: p.min,
            max: p.max,
            last: p.last,
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    /// Sum, or max/min, of the values recorded in it (by the stat's kind).
    value: f64,
    events: u64,
    /// When the sample's window started (Java's `lastWindowMs`).
    start_ms: i64,
}

/// One kind of statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Per second, of the values recorded (`Rate` over a `SampledTotal`).
    Rate,
    /// Per second, of the events recorded whatever their value (`Rate` over a `WindowedCount`).
    CountRate,
    /// Per hour, of the events recorded (`Rate(TimeUnit.HOURS, new WindowedCount())`).
    CountRatePerHour,
    /// Windowed mean of the values; NaN with none.
    Avg,
    /// Windowed maximum; NaN with none.
    Max,
    /// Windowed minimum; NaN with none.
    Min,
    /// Sum of every value ever recorded (`CumulativeSum`).
    Total,
    /// Number of events ever recorded (`CumulativeCount`).
    Count,
    /// The last value recorded, 0 before any (`Value`).
    Value,
}

/// The state of one statistic.
#[derive(Debug, Clone)]
pub struct Stat {
    kind: Kind,
    samples: Vec<Sample>,
    current: usize,
    /// For the cumulative kinds.
    cumulative: f64,
}

impl Stat {
    /// A statistic of `kind` with nothing recorded.
    pub fn new(kind: Kind) -> Stat {
        Stat {
            kind,
            samples: Vec::new(),
            current: 0,
            cumulative: 0.0,
        }
    }

    fn initial(&self) -> f64 {
        match self.kind {
            Kind::Max => f64::NEG_INFINITY,
            Kind::Min => f64::INFINITY,
            _ => 0.0,
        }
    }

    fn new_sample(&self, now_ms: i64) -> Sample {
        Sample {
            value: self.initial(),
            events: 0,
            start_ms: now_ms,
        }
    }

    /// Records `b`'s events at `now_ms` (milliseconds on the registry's clock).
    pub fn record(&mut self, b: Batch, now_ms: i64, w: Window) {
        match self.kind {
            Kind::Total => {
                self.cumulative += b.sum;
                return;
            }
            Kind::Count => {
                self.cumulative += b.events as f64;
                return;
            }
            Kind::Value => {
                self.cumulative = b.last;
                return;
            }
            _ => {}
        }
        if self.samples.is_empty() {
            let s = self.new_sample(now_ms);
            self.samples.push(s);
        }
        if now_ms.saturating_sub(self.samples[self.current].start_ms) >= w.window_ms {
            self.current = (self.current + 1) % w.samples.max(1);
            let fresh = self.new_sample(now_ms);
            if self.current >= self.samples.len() {
                self.samples.push(fresh);
            } else {
                self.samples[self.current] = fresh;
            }
        }
        let kind = self.kind;
        let s = &mut self.samples[self.current];
        s.value = match kind {
            Kind::Max => s.value.max(b.max),
            Kind::Min => s.value.min(b.min),
            Kind::CountRate | Kind::CountRatePerHour => s.value + b.events as f64,
            _ => s.value + b.sum,
        };
        s.events += b.events;
    }

    /// Forgets samples older than the whole window, as Java's `purgeObsoleteSamples` does.
    fn purge(&mut self, now_ms: i64, w: Window) {
        let expire = w.window_ms.saturating_mul(w.samples as i64);
        let initial = self.initial();
        for s in &mut self.samples {
            if now_ms.saturating_sub(s.start_ms) >= expire {
                *s = Sample {
                    value: initial,
                    events: 0,
                    start_ms: now_ms,
                };
            }
        }
    }

    /// The statistic's value at `now_ms`: NaN for an average, maximum or minimum with nothing
    /// recorded in the window, 0 for an empty rate.
    pub fn measure(&mut self, now_ms: i64, w: Window) -> f64 {
        let windowed = |s: &mut Stat| {
            s.purge(now_ms, w);
            let events: u64 = s.samples.iter().map(|x| x.events).sum();
            // Folded from 0.0: a float `sum()` starts at -0.0, and an empty rate reads 0.
            let sum = s.samples.iter().fold(0.0, |a, x| a + x.value);
            (events, sum)
        };
        match self.kind {
            Kind::Total | Kind::Count | Kind::Value => self.cumulative,
            Kind::Rate | Kind::CountRate => {
                let (_, total) = windowed(self);
                total / (self.window_size_ms(now_ms, w) as f64 / 1000.0)
            }
            Kind::CountRatePerHour => {
                let (_, total) = windowed(self);
                total / (self.window_size_ms(now_ms, w) as f64 / 3_600_000.0)
            }
            Kind::Avg => match windowed(self) {
                (0, _) => f64::NAN,
                (events, sum) => sum / events as f64,
            },
            Kind::Max | Kind::Min => {
                let (events, _) = windowed(self);
                let values = self.samples.iter().map(|x| x.value);
                match (events, self.kind) {
                    (0, _) => f64::NAN,
                    (_, Kind::Max) => values.fold(f64::NEG_INFINITY, f64::max),
                    _ => values.fold(f64::INFINITY, f64::min),
                }
            }
        }
    }

    /// Java's `Rate.windowSize`: the time since the oldest sample started, but at least
    /// `samples - 1` full windows (a young rate is not inflated) and at least 1 ms.
    fn window_size_ms(&self, now_ms: i64, w: Window) -> i64 {
        let oldest = self
            .samples
            .iter()
            .map(|s| s.start_ms)
            .min()
            .unwrap_or(now_ms);
        let mut elapsed = now_ms.saturating_sub(oldest);
        let full = elapsed / w.window_ms.max(1);
        let min_full = w.samples.saturating_sub(1) as i64;
        if full < min_full {
            elapsed += (min_full - full) * w.window_ms;
        }
        elapsed.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Window = Window {
        window_ms: 30_000,
        samples: 2,
    };

    fn stat(kind: Kind, events: &[(f64, i64)]) -> Stat {
        let mut s = Stat::new(kind);
        for &(v, t) in events {
            s.record(Batch::one(v), t, W);
        }
        s
    }

    #[test]
    fn a_batch_gives_what_its_events_one_by_one_give() {
        for kind in [
            Kind::Rate,
            Kind::CountRate,
            Kind::CountRatePerHour,
            Kind::Avg,
            Kind::Max,
            Kind::Min,
            Kind::Total,
            Kind::Count,
            Kind::Value,
        ] {
            let mut single = Stat::new(kind);
            let mut pending = Pending::default();
            for v in [3.0, 9.0, 1.0, 4.0] {
                single.record(Batch::one(v), 1_000, W);
                pending.add(v);
            }
            let mut batched = Stat::new(kind);
            batched.record(pending.take().expect("events"), 1_000, W);
            assert_eq!(
                single.measure(5_000, W),
                batched.measure(5_000, W),
                "{kind:?}"
            );
            assert_eq!(pending.take(), None, "take empties");
        }
    }

    #[test]
    fn an_empty_rate_reads_zero_not_minus_zero() {
        let empty = Stat::new(Kind::CountRate).measure(10, W);
        assert!(empty == 0.0 && empty.is_sign_positive(), "{empty}");
    }

    #[test]
    fn a_young_rate_is_spread_over_the_minimum_window_as_in_java() {
        // One window of 30 s counts as already elapsed with two samples: 300 / 30 s.
        let mut r = stat(Kind::Rate, &[(100.0, 0), (200.0, 1_000)]);
        assert_eq!(r.measure(1_000, W), 300.0 / 31.0);
        // Later than the minimum, the real elapsed time is the divisor.
        assert_eq!(r.measure(40_000, W), 300.0 / 40.0);
    }

    #[test]
    fn rate_forgets_samples_older_than_the_window() {
        let mut r = stat(Kind::Rate, &[(100.0, 0), (50.0, 35_000)]);
        // At 61 s the first sample (started at 0) is 61 s old >= 2 x 30 s: forgotten. The
        // divisor is the time since the remaining sample began (26 s), raised to one window.
        let v = r.measure(61_000, W);
        assert_eq!(v, 50.0 / 56.0, "{v}");
    }

    #[test]
    fn count_rate_counts_events_not_values() {
        let mut r = stat(Kind::CountRate, &[(7.0, 0), (9.0, 10)]);
        assert_eq!(r.measure(30_000, W), 2.0 / 30.0);
        let mut h = stat(Kind::CountRatePerHour, &[(7.0, 0), (9.0, 10)]);
        assert_eq!(h.measure(30_000, W), 2.0 * 3600.0 / 30.0);
    }

    #[test]
    fn avg_max_min_are_nan_without_data_and_windowed_with() {
        for kind in [Kind::Avg, Kind::Max, Kind::Min] {
            assert!(Stat::new(kind).measure(0, W).is_nan(), "{kind:?}");
        }
        let events = [(4.0, 0), (10.0, 1_000), (1.0, 31_000)];
        assert_eq!(stat(Kind::Avg, &events).measure(31_000, W), 5.0);
        assert_eq!(stat(Kind::Max, &events).measure(31_000, W), 10.0);
        assert_eq!(stat(Kind::Min, &events).measure(31_000, W), 1.0);
        // Once the first window has expired only the last sample remains.
        assert_eq!(stat(Kind::Max, &events).measure(60_000, W), 1.0);
        assert!(stat(Kind::Max, &events).measure(100_000, W).is_nan());
    }

    #[test]
    fn value_is_the_last_recorded_and_zero_before() {
        assert_eq!(Stat::new(Kind::Value).measure(0, W), 0.0);
        let events = [(4.0, 0), (10.0, 1_000_000), (3.0, 1_000_001)];
        assert_eq!(stat(Kind::Value, &events).measure(9_000_000, W), 3.0);
    }

    #[test]
    fn cumulative_kinds_never_forget() {
        let events = [(4.0, 0), (10.0, 1_000_000)];
        assert_eq!(stat(Kind::Total, &events).measure(9_000_000, W), 14.0);
        assert_eq!(stat(Kind::Count, &events).measure(9_000_000, W), 2.0);
    }

    #[test]
    fn recording_reuses_the_oldest_sample_after_the_ring_is_full() {
        let mut s = stat(
            Kind::Avg,
            &[(1.0, 0), (2.0, 30_000), (3.0, 60_000), (4.0, 61_000)],
        );
        assert_eq!(s.samples.len(), 2);
        // Samples: [3, 4] started at 60 s, [2] at 30 s.
        assert_eq!(s.measure(61_000, W), 3.0);
    }
}
