//! The statistics a sensor keeps, with the window rules of Java's `SampledStat` family (`Rate`,
//! `WindowedSum`, `WindowedCount`, `Avg`, `Max`, `Min`) and the cumulative ones (`CumulativeSum`,
//! `CumulativeCount`, `Value`).
//!
//! kafka-client keeps the same rules for the clients, but crate-private and on its own `Instant`
//! clock; Streams metrics need the task's clock (Java's driver measures on its mock wall clock)
//! and batched recording (counts are folded in, not recorded per record), hence this copy.

/// Window settings: `metrics.sample.window.ms` and `metrics.num.samples`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) window_ms: i64,
    pub(crate) samples: usize,
}

/// One kind of statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatKind {
    /// Per second, of the values recorded (`Rate` over `WindowedSum`).
    RateOfSum,
    /// Per second, of the events recorded (`Rate` over `WindowedCount`).
    RateOfCount,
    /// Windowed mean of the values; NaN with none.
    Avg,
    /// Windowed maximum; NaN with none.
    Max,
    /// Windowed minimum; NaN with none.
    Min,
    /// Sum of every value ever recorded.
    Sum,
    /// Number of events ever recorded.
    Count,
    /// The last value recorded, 0 before any.
    Value,
}

/// Events recorded together: `events` values summing to `sum`, with their extremes and the last
/// of them. Recording a batch gives every statistic the value recording its events one by one at
/// the same time would.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Batch {
    pub(crate) events: u64,
    pub(crate) sum: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
    pub(crate) last: f64,
}

impl Batch {
    /// One event of `value`.
    pub(crate) fn one(value: f64) -> Batch {
        Batch {
            events: 1,
            sum: value,
            min: value,
            max: value,
            last: value,
        }
    }

    /// `n` events of 1 each (an invocation counter folded in).
    pub(crate) fn ones(n: u64) -> Batch {
        Batch {
            events: n,
            sum: n as f64,
            min: 1.0,
            max: 1.0,
            last: 1.0,
        }
    }
}

/// Values accumulated on the hot path until they are folded into a sensor: plain arithmetic, no
/// clock, lock or allocation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pending {
    pub(crate) events: u64,
    pub(crate) sum: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
    pub(crate) last: f64,
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
    #[inline]
    pub(crate) fn add(&mut self, value: f64) {
        self.events += 1;
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        self.last = value;
    }

    /// Adds `other`'s events to these.
    pub(crate) fn merge(&mut self, other: Pending) {
        if other.events > 0 {
            self.events += other.events;
            self.sum += other.sum;
            self.min = self.min.min(other.min);
            self.max = self.max.max(other.max);
            self.last = other.last;
        }
    }

    /// The accumulated events as a batch, if any, leaving this empty.
    pub(crate) fn take(&mut self) -> Option<Batch> {
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
    /// Sum, count, max or min of the values recorded in it (by the stat's kind).
    value: f64,
    events: u64,
    /// When the sample's window started (Java's `lastWindowMs`).
    start_ms: i64,
}

/// The state of one statistic.
#[derive(Debug, Clone)]
pub(crate) struct Stat {
    kind: StatKind,
    samples: Vec<Sample>,
    current: usize,
    cumulative: f64,
}

impl Stat {
    pub(crate) fn new(kind: StatKind) -> Stat {
        Stat {
            kind,
            samples: Vec::new(),
            current: 0,
            cumulative: 0.0,
        }
    }

    fn initial(&self) -> f64 {
        match self.kind {
            StatKind::Max => f64::NEG_INFINITY,
            StatKind::Min => f64::INFINITY,
            _ => 0.0,
        }
    }

    fn fresh(&self, now_ms: i64) -> Sample {
        Sample {
            value: self.initial(),
            events: 0,
            start_ms: now_ms,
        }
    }

    pub(crate) fn record(&mut self, b: Batch, now_ms: i64, w: Window) {
        match self.kind {
            StatKind::Sum => return self.cumulative += b.sum,
            StatKind::Count => return self.cumulative += b.events as f64,
            StatKind::Value => return self.cumulative = b.last,
            _ => {}
        }
        if self.samples.is_empty() {
            let s = self.fresh(now_ms);
            self.samples.push(s);
        }
        if now_ms - self.samples[self.current].start_ms >= w.window_ms {
            self.current = (self.current + 1) % w.samples;
            let s = self.fresh(now_ms);
            if self.current >= self.samples.len() {
                self.samples.push(s);
            } else {
                self.samples[self.current] = s;
            }
        }
        let kind = self.kind;
        let s = &mut self.samples[self.current];
        s.value = match kind {
            StatKind::Max => s.value.max(b.max),
            StatKind::Min => s.value.min(b.min),
            StatKind::RateOfCount => s.value + b.events as f64,
            _ => s.value + b.sum,
        };
        s.events += b.events;
    }

    /// Java's `purgeObsoleteSamples`: a sample older than the whole window starts afresh now.
    fn purge(&mut self, now_ms: i64, w: Window) {
        let expire = w.window_ms.saturating_mul(w.samples as i64);
        let initial = self.initial();
        for s in &mut self.samples {
            if now_ms - s.start_ms >= expire {
                *s = Sample {
                    value: initial,
                    events: 0,
                    start_ms: now_ms,
                };
            }
        }
    }

    pub(crate) fn measure(&mut self, now_ms: i64, w: Window) -> f64 {
        match self.kind {
            StatKind::Sum | StatKind::Count | StatKind::Value => return self.cumulative,
            _ => {}
        }
        self.purge(now_ms, w);
        let events: u64 = self.samples.iter().map(|s| s.events).sum();
        let values = self.samples.iter().map(|s| s.value);
        match self.kind {
            // Folded from 0.0: `Sum` for floats starts at -0.0, and an empty rate must read 0.
            StatKind::RateOfSum | StatKind::RateOfCount => {
                let total = values.fold(0.0, |a, b| a + b);
                total / (self.window_size_ms(now_ms, w) as f64 / 1000.0)
            }
            StatKind::Avg if events == 0 => f64::NAN,
            StatKind::Avg => values.fold(0.0, |a, b| a + b) / events as f64,
            StatKind::Max | StatKind::Min if events == 0 => f64::NAN,
            StatKind::Max => values.fold(f64::NEG_INFINITY, f64::max),
            _ => values.fold(f64::INFINITY, f64::min),
        }
    }

    /// Java's `Rate.windowSize`: time since the oldest sample began (a sample is begun now if
    /// there is none, as `SampledStat.oldest` does), at least `samples - 1` full windows and 1 ms.
    fn window_size_ms(&mut self, now_ms: i64, w: Window) -> i64 {
        if self.samples.is_empty() {
            let s = self.fresh(now_ms);
            self.samples.push(s);
        }
        let oldest = self
            .samples
            .iter()
            .map(|s| s.start_ms)
            .min()
            .unwrap_or(now_ms);
        let mut elapsed = now_ms - oldest;
        let full = elapsed / w.window_ms;
        let min_full = w.samples as i64 - 1;
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

    #[test]
    fn a_batch_gives_what_its_events_one_by_one_give() {
        for kind in [
            StatKind::RateOfSum,
            StatKind::RateOfCount,
            StatKind::Avg,
            StatKind::Max,
            StatKind::Min,
            StatKind::Sum,
            StatKind::Count,
            StatKind::Value,
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
    fn a_rate_over_a_young_window_counts_the_minimum_window_as_java_does() {
        // One event at 0 read at 2.5 s: 2.5 s plus one full window of 30 s (two samples).
        let mut r = Stat::new(StatKind::RateOfSum);
        r.record(Batch::one(1.0), 0, W);
        assert_eq!(r.measure(2_500, W), 1.0 / 32.5);
        // Nothing recorded: 0 per second (not NaN, not -0).
        let empty = Stat::new(StatKind::RateOfCount).measure(10, W);
        assert!(empty == 0.0 && empty.is_sign_positive(), "{empty}");
    }

    #[test]
    fn windowed_values_forget_old_samples_and_are_nan_when_empty() {
        let mut m = Stat::new(StatKind::Max);
        assert!(m.measure(0, W).is_nan());
        m.record(Batch::one(10.0), 0, W);
        m.record(Batch::one(1.0), 31_000, W);
        assert_eq!(m.measure(31_000, W), 10.0);
        assert_eq!(m.measure(60_000, W), 1.0, "the first sample expired");
        assert!(m.measure(100_000, W).is_nan());
        let mut a = Stat::new(StatKind::Avg);
        a.record(Batch::one(2.0), 0, W);
        a.record(Batch::one(4.0), 10, W);
        assert_eq!(a.measure(20, W), 3.0);
    }

    #[test]
    fn rate_of_count_counts_events_and_rate_of_sum_their_values() {
        let mut c = Stat::new(StatKind::RateOfCount);
        let mut s = Stat::new(StatKind::RateOfSum);
        for st in [&mut c, &mut s] {
            st.record(Batch::one(7.0), 0, W);
            st.record(Batch::one(9.0), 10, W);
        }
        assert_eq!(c.measure(30_000, W), 2.0 / 30.0);
        assert_eq!(s.measure(30_000, W), 16.0 / 30.0);
    }
}
