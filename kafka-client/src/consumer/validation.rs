//! Fetch-position validation after a leader change (KIP-320), without IO.
//!
//! A position remembers the leader epoch of the record before it (`offset_epoch`) and the
//! partition leader's epoch it was last checked against (`leader_epoch`). When metadata shows
//! a different leader epoch, the new leader may hold a log that diverged from the one we read:
//! under `acks=1` or an unclean election, records we already returned can be gone. Before
//! fetching again the consumer asks the leader, with OffsetsForLeaderEpoch, where
//! `offset_epoch` ends in its log. An end below our position means the log was truncated
//! beneath us. As in Java's `SubscriptionState.maybeCompleteValidation`:
//!
//! * end offset below the position, reset policy set: continue from the divergence point (the
//!   end offset, with the epoch the broker answered), so nothing the new log holds is skipped;
//! * the broker knows no such epoch (end offset or epoch -1), reset policy set: reset by
//!   `auto.offset.reset`;
//! * either case with `auto.offset.reset=none`: the application gets a log-truncation error;
//! * otherwise the position is valid and fetching resumes.
//!
//! An answer for a position that moved meanwhile (a seek, a reset) is ignored.

/// A partition's fetch position with the epochs KIP-320 needs (Java's `FetchPosition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchPosition {
    /// The next offset to fetch.
    pub offset: i64,
    /// Leader epoch of the record before `offset`, or -1 if unknown (a plain seek).
    pub offset_epoch: i32,
    /// Leader epoch of the partition leader the position was last checked against, or -1.
    pub leader_epoch: i32,
}

/// What a metadata update means for a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaderUpdate {
    /// The leader epoch is the one the position knows: nothing to do.
    Unchanged,
    /// A new leader epoch; the position cannot be checked (no epoch for its offset, or the
    /// leader's epoch unknown), so fetching goes on at the new leader.
    Fetch(FetchPosition),
    /// A new leader epoch: validate this position before fetching again.
    Validate(FetchPosition),
}

impl FetchPosition {
    /// The position after metadata reports `leader_epoch` for the partition (Java's
    /// `maybeValidatePosition`): a changed epoch asks for validation when both epochs are known.
    pub fn on_leader_epoch(self, leader_epoch: i32) -> LeaderUpdate {
        if leader_epoch == self.leader_epoch {
            return LeaderUpdate::Unchanged;
        }
        let next = FetchPosition {
            leader_epoch,
            ..self
        };
        if next.needs_validation() {
            LeaderUpdate::Validate(next)
        } else {
            LeaderUpdate::Fetch(next)
        }
    }

    /// Whether the position can be validated at all: it must know the epoch of its offset and
    /// the leader's epoch (Java's `validatePosition`). Positions taken from committed offsets
    /// carry the committed epoch and are validated before their first fetch.
    pub fn needs_validation(&self) -> bool {
        self.offset_epoch >= 0 && self.leader_epoch >= 0
    }
}

/// The leader's answer for one partition: where `offset_epoch` ends in its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpochEnd {
    /// The largest epoch at or below the one asked for that the leader knows, or -1.
    pub leader_epoch: i32,
    /// The offset where that epoch ends in the leader's log, or -1.
    pub end_offset: i64,
}

/// How a validation ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validated {
    /// The answer is for a position that has moved on since the request: ignore it.
    Stale,
    /// The leader's log holds everything before the position: fetch on.
    Valid,
    /// The log was truncated below the position: continue from the divergence point.
    Truncated(FetchPosition),
    /// The leader does not know the position's epoch: reset by `auto.offset.reset`.
    Reset,
    /// Truncation with `auto.offset.reset=none`: the application must decide. Carries the
    /// first offset (and its epoch) known to diverge, when the leader said.
    LogTruncation(Option<(i64, i32)>),
}

/// Completes a validation sent for `requested` now that the partition is at `current` (None:
/// no longer awaiting validation) and the leader answered `end`.
pub fn complete(
    requested: FetchPosition,
    current: Option<FetchPosition>,
    end: EpochEnd,
    has_reset_policy: bool,
) -> Validated {
    if current != Some(requested) {
        return Validated::Stale;
    }
    if end.end_offset < 0 || end.leader_epoch < 0 {
        return if has_reset_policy {
            Validated::Reset
        } else {
            Validated::LogTruncation(None)
        };
    }
    if end.end_offset < requested.offset {
        return if has_reset_policy {
            Validated::Truncated(FetchPosition {
                offset: end.end_offset,
                offset_epoch: end.leader_epoch,
                leader_epoch: requested.leader_epoch,
            })
        } else {
            Validated::LogTruncation(Some((end.end_offset, end.leader_epoch)))
        };
    }
    Validated::Valid
}

#[cfg(test)]
mod tests {
    use super::*;

    const POS: FetchPosition = FetchPosition {
        offset: 100,
        offset_epoch: 3,
        leader_epoch: 3,
    };

    #[test]
    fn same_leader_epoch_changes_nothing() {
        assert_eq!(POS.on_leader_epoch(3), LeaderUpdate::Unchanged);
    }

    #[test]
    fn new_leader_epoch_asks_for_validation() {
        let next = FetchPosition {
            leader_epoch: 4,
            ..POS
        };
        assert_eq!(POS.on_leader_epoch(4), LeaderUpdate::Validate(next));
    }

    #[test]
    fn position_without_epoch_fetches_at_the_new_leader() {
        let seeked = FetchPosition {
            offset_epoch: -1,
            ..POS
        };
        let next = FetchPosition {
            leader_epoch: 4,
            ..seeked
        };
        assert_eq!(seeked.on_leader_epoch(4), LeaderUpdate::Fetch(next));
        // A leader that reports no epoch cannot be validated against either.
        assert_eq!(
            POS.on_leader_epoch(-1),
            LeaderUpdate::Fetch(FetchPosition {
                leader_epoch: -1,
                ..POS
            })
        );
    }

    #[test]
    fn end_at_or_past_position_is_valid() {
        for end_offset in [100, 250] {
            let end = EpochEnd {
                leader_epoch: 3,
                end_offset,
            };
            assert_eq!(complete(POS, Some(POS), end, true), Validated::Valid);
            assert_eq!(complete(POS, Some(POS), end, false), Validated::Valid);
        }
    }

    #[test]
    fn truncation_continues_from_the_divergence_point() {
        let end = EpochEnd {
            leader_epoch: 2,
            end_offset: 80,
        };
        assert_eq!(
            complete(POS, Some(POS), end, true),
            Validated::Truncated(FetchPosition {
                offset: 80,
                offset_epoch: 2,
                leader_epoch: 3,
            })
        );
    }

    #[test]
    fn truncation_without_reset_policy_is_an_error() {
        let end = EpochEnd {
            leader_epoch: 2,
            end_offset: 80,
        };
        assert_eq!(
            complete(POS, Some(POS), end, false),
            Validated::LogTruncation(Some((80, 2)))
        );
    }

    #[test]
    fn unknown_epoch_resets_or_fails() {
        for end in [
            EpochEnd {
                leader_epoch: -1,
                end_offset: -1,
            },
            EpochEnd {
                leader_epoch: -1,
                end_offset: 50,
            },
            EpochEnd {
                leader_epoch: 2,
                end_offset: -1,
            },
        ] {
            assert_eq!(complete(POS, Some(POS), end, true), Validated::Reset);
            assert_eq!(
                complete(POS, Some(POS), end, false),
                Validated::LogTruncation(None)
            );
        }
    }

    #[test]
    fn answer_for_a_moved_position_is_ignored() {
        let end = EpochEnd {
            leader_epoch: 2,
            end_offset: 80,
        };
        let moved = FetchPosition { offset: 7, ..POS };
        assert_eq!(complete(POS, Some(moved), end, true), Validated::Stale);
        assert_eq!(complete(POS, None, end, true), Validated::Stale);
    }
}
