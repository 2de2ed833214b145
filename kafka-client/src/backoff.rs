//! Exponential backoff with jitter, as the Java client's `ExponentialBackoff`.
//!
//! The client waits `random(1 - jitter, 1 + jitter) * initial * multiplier ^ attempts` between
//! attempts, capped at `max`. The exponent is capped where the un-jittered term reaches `max`, so a
//! long run of failures settles at `max` jittered downwards rather than pinned at `max` exactly.
//! Reconnects use `reconnect.backoff.ms` / `reconnect.backoff.max.ms`, retries use
//! `retry.backoff.ms` / `retry.backoff.max.ms`; both use multiplier 2 and jitter 0.2 in Java
//! (`ClusterConnectionStates`, `CommonClientConfigs.RETRY_BACKOFF_*`).

use std::time::Duration;

use rand::Rng;

/// The multiplier the Java client uses for reconnect and retry backoff.
pub const DEFAULT_MULTIPLIER: u32 = 2;
/// The jitter the Java client uses for reconnect and retry backoff.
pub const DEFAULT_JITTER: f64 = 0.2;

/// Exponential backoff parameters; computes the wait before a given attempt.
///
/// ```
/// use std::time::Duration;
/// use kafka_client::backoff::ExponentialBackoff;
///
/// let backoff = ExponentialBackoff::new(Duration::from_millis(100), Duration::from_millis(1000));
/// // Without jitter the waits double from the initial value and stop at the maximum.
/// let exact = backoff.with_jitter(0.0);
/// assert_eq!(exact.backoff_with_factor(0, 1.0), Duration::from_millis(100));
/// assert_eq!(exact.backoff_with_factor(3, 1.0), Duration::from_millis(800));
/// assert_eq!(exact.backoff_with_factor(10, 1.0), Duration::from_millis(1000));
/// // With the default jitter of 0.2 the first wait lies in [80ms, 120ms).
/// let first = backoff.backoff(0, &mut rand::rng());
/// assert!(first >= Duration::from_millis(80) && first < Duration::from_millis(120));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExponentialBackoff {
    initial_ms: u64,
    multiplier: u32,
    max_ms: u64,
    jitter: f64,
    /// The exponent at which `initial * multiplier ^ exp` reaches `max`; 0 means constant backoff.
    exp_max: f64,
}

impl ExponentialBackoff {
    /// Backoff from `initial` up to `max` with the Java client's multiplier (2) and jitter (0.2).
    ///
    /// If `max` is below `initial` the backoff is the constant `max`, as in Java.
    pub fn new(initial: Duration, max: Duration) -> Self {
        Self::with_parameters(initial, DEFAULT_MULTIPLIER, max, DEFAULT_JITTER)
    }

    /// Backoff with every parameter given. `jitter` is clamped into `[0, 1]` (Java rejects values
    /// outside it; here the callers are internal and a clamp cannot fail) and `multiplier` is at
    /// least 2, since a multiplier of 0 or 1 has no exponential growth to cap.
    pub fn with_parameters(initial: Duration, multiplier: u32, max: Duration, jitter: f64) -> Self {
        let max_ms = duration_ms(max);
        let initial_ms = duration_ms(initial).min(max_ms);
        let multiplier = multiplier.max(2);
        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        let exp_max = if max_ms > initial_ms {
            (max_ms as f64 / initial_ms.max(1) as f64).ln() / f64::from(multiplier).ln()
        } else {
            0.0
        };
        Self {
            initial_ms,
            multiplier,
            max_ms,
            jitter,
            exp_max,
        }
    }

    /// The same backoff with another jitter (clamped into `[0, 1]`).
    pub fn with_jitter(self, jitter: f64) -> Self {
        Self::with_parameters(
            Duration::from_millis(self.initial_ms),
            self.multiplier,
            Duration::from_millis(self.max_ms),
            jitter,
        )
    }

    /// The initial wait (never above the maximum).
    pub fn initial(&self) -> Duration {
        Duration::from_millis(self.initial_ms)
    }

    /// The maximum wait.
    pub fn max(&self) -> Duration {
        Duration::from_millis(self.max_ms)
    }

    /// The wait before retry number `attempts` (0 for the first retry), jittered with `rng`.
    pub fn backoff<R: Rng + ?Sized>(&self, attempts: u32, rng: &mut R) -> Duration {
        // A uniform draw in [1 - jitter, 1 + jitter), as Java's nextDouble(origin, bound).
        let unit = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let factor = if self.jitter < f64::MIN_POSITIVE {
            1.0
        } else {
            (1.0 - self.jitter) + unit * (2.0 * self.jitter)
        };
        self.backoff_with_factor(attempts, factor)
    }

    /// The wait before retry number `attempts` with an explicit jitter factor (1.0 for none);
    /// the seam that lets tests and simulations pick the random draw.
    pub fn backoff_with_factor(&self, attempts: u32, factor: f64) -> Duration {
        if self.exp_max == 0.0 {
            return Duration::from_millis(self.initial_ms);
        }
        let exp = f64::from(attempts).min(self.exp_max);
        let term = self.initial_ms as f64 * f64::from(self.multiplier).powf(exp);
        // `as u64` saturates like Java's (long) cast of a double; negative factors give 0.
        let value = (factor * term) as u64;
        Duration::from_millis(value.min(self.max_ms))
    }
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn doubles_without_jitter_and_caps_at_max() {
        let b = ExponentialBackoff::new(ms(50), ms(1000)).with_jitter(0.0);
        let waits: Vec<u64> = (0..8)
            .map(|a| b.backoff(a, &mut StdRng::seed_from_u64(1)).as_millis() as u64)
            .collect();
        assert_eq!(waits, vec![50, 100, 200, 400, 800, 1000, 1000, 1000]);
    }

    #[test]
    fn max_below_initial_is_constant_max() {
        let b = ExponentialBackoff::new(ms(500), ms(200));
        let mut rng = StdRng::seed_from_u64(7);
        for attempt in 0..5 {
            assert_eq!(b.backoff(attempt, &mut rng), ms(200));
        }
        assert_eq!(b.initial(), ms(200));
    }

    #[test]
    fn equal_initial_and_max_is_constant() {
        // Java disables exponential reconnect backoff by setting max = initial.
        let b = ExponentialBackoff::new(ms(300), ms(300));
        assert_eq!(b.backoff(9, &mut StdRng::seed_from_u64(3)), ms(300));
    }

    #[test]
    fn jitter_stays_within_twenty_percent_and_varies() {
        let b = ExponentialBackoff::new(ms(100), ms(100_000));
        let mut rng = StdRng::seed_from_u64(42);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..1000 {
            let w = b.backoff(2, &mut rng).as_millis() as u64;
            assert!((320..480).contains(&w), "{w} outside [320, 480)");
            seen.insert(w);
        }
        assert!(
            seen.len() > 50,
            "jitter produced only {} distinct waits",
            seen.len()
        );
    }

    #[test]
    fn jitter_never_exceeds_max() {
        let b = ExponentialBackoff::new(ms(100), ms(1000));
        let mut rng = StdRng::seed_from_u64(5);
        for attempt in 0..40 {
            assert!(b.backoff(attempt, &mut rng) <= ms(1000));
        }
        assert_eq!(b.backoff_with_factor(20, 1.2), ms(1000));
        assert_eq!(b.backoff_with_factor(20, 0.8), ms(800));
    }

    #[test]
    fn zero_initial_behaves_like_java() {
        // Java: initial 0 gives exp_max = log2(max / 1) and a term of 0 for every attempt.
        let b = ExponentialBackoff::new(ms(0), ms(1000));
        assert_eq!(b.backoff_with_factor(5, 1.0), ms(0));
    }
}
