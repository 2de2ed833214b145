//! How much a topic's batches shrink when compressed, learnt from the batches sealed so far.
//!
//! A batch is full when its *compressed* size would reach `batch.size`, but that size is only
//! known once the batch is sealed. Like Java's `CompressionRatioEstimator`, each topic keeps an
//! estimate of compressed / uncompressed bytes, starting at 1 (no gain), creeping down slowly
//! while batches compress better than estimated and jumping up at once when one compresses
//! worse, so batches fill close to `batch.size` without often going past it.

use std::collections::HashMap;
use std::sync::Arc;

/// The estimate of a topic not seen yet: compression gains nothing.
const INITIAL: f32 = 1.0;
/// How far the estimate moves down per batch that compressed better than estimated.
const IMPROVING_STEP: f32 = 0.005;
/// How far the estimate moves up, at least, per batch that compressed worse.
const DETERIORATING_STEP: f32 = 0.05;
/// The margin a batch's estimated compressed size carries over ratio times records.
const SAFETY_FACTOR: f32 = 1.05;

/// Per-topic estimates of the compression ratio (compressed / uncompressed record bytes).
#[derive(Debug, Default)]
pub(crate) struct RatioEstimates {
    by_topic: HashMap<Arc<str>, f32>,
}

impl RatioEstimates {
    /// The current estimate for `topic`.
    pub(crate) fn estimate(&self, topic: &str) -> f32 {
        self.by_topic.get(topic).copied().unwrap_or(INITIAL)
    }

    /// Folds in the ratio a sealed batch of `topic` achieved.
    pub(crate) fn observe(&mut self, topic: &Arc<str>, observed: f32) {
        if !observed.is_finite() || observed <= 0.0 {
            return;
        }
        let e = self.by_topic.entry(topic.clone()).or_insert(INITIAL);
        if observed > *e {
            *e = (*e + DETERIORATING_STEP).max(observed);
        } else if observed < *e {
            *e = (*e - IMPROVING_STEP).max(observed);
        }
    }
}

/// The size a batch of `records` uncompressed record bytes (after a `header` byte header) is
/// expected to have once compressed with `ratio`.
pub(crate) fn estimated_size(header: usize, records: usize, ratio: f32) -> usize {
    header + (records as f32 * ratio * SAFETY_FACTOR) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_creeps_down_and_jumps_up() {
        let mut r = RatioEstimates::default();
        let t: Arc<str> = Arc::from("t");
        assert_eq!(r.estimate("t"), 1.0);
        for _ in 0..10 {
            r.observe(&t, 0.5);
        }
        assert!((r.estimate("t") - 0.95).abs() < 1e-4, "{}", r.estimate("t"));
        for _ in 0..200 {
            r.observe(&t, 0.5);
        }
        assert_eq!(r.estimate("t"), 0.5, "never below what was observed");
        r.observe(&t, 0.52);
        assert!(
            (r.estimate("t") - 0.55).abs() < 1e-4,
            "at least one step up"
        );
        r.observe(&t, 0.9);
        assert_eq!(r.estimate("t"), 0.9, "straight to a worse observation");
        r.observe(&t, f32::NAN);
        assert_eq!(r.estimate("t"), 0.9);
        assert_eq!(r.estimate("other"), 1.0, "per topic");
        assert_eq!(estimated_size(61, 1000, 0.5), 61 + 525);
    }
}
