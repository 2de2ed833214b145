//! Incremental fetch sessions (KIP-227), one per broker, without IO.
//!
//! The first request of a session is a full fetch (session id 0, epoch 0); if the broker
//! answers with a session id, later requests carry only what changed — partitions added or
//! whose fetch offset, leader epoch or byte limit moved — plus the partitions to forget, and
//! the broker answers only for partitions with news. Any session error, and any failed request,
//! drops the session, and the next request is full again.

use std::collections::BTreeMap;

use crate::consumer::TopicPartition;

/// Epoch of the request that opens a session.
const INITIAL_EPOCH: i32 = 0;

/// What the consumer wants fetched from one partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionFetch {
    /// Offset to read from.
    pub fetch_offset: i64,
    /// The leader epoch we believe in, or -1.
    pub current_leader_epoch: i32,
    /// `max.partition.fetch.bytes`.
    pub max_bytes: i32,
}

/// A request's worth of session bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRequest {
    /// `session_id` to send.
    pub session_id: i32,
    /// `session_epoch` to send.
    pub epoch: i32,
    /// Partitions to put in the request.
    pub to_send: BTreeMap<TopicPartition, PartitionFetch>,
    /// Partitions to forget.
    pub to_forget: Vec<TopicPartition>,
    /// Whether this is a full request (the response lists every partition).
    pub full: bool,
    /// Everything the session will hold once the request succeeds.
    pub next: BTreeMap<TopicPartition, PartitionFetch>,
}

/// One broker's fetch session.
#[derive(Debug, Default)]
pub struct FetchSession {
    session_id: i32,
    epoch: i32,
    /// What the broker's session holds (as of the last successful response).
    held: BTreeMap<TopicPartition, PartitionFetch>,
}

/// Fetch error codes that concern the session rather than a partition.
const FETCH_SESSION_ID_NOT_FOUND: i16 = 70;
const INVALID_FETCH_SESSION_EPOCH: i16 = 71;

impl FetchSession {
    /// A broker with no session yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The session id (0 = none).
    pub fn session_id(&self) -> i32 {
        self.session_id
    }

    /// Builds the next request for `wanted`.
    pub fn build(&self, wanted: BTreeMap<TopicPartition, PartitionFetch>) -> SessionRequest {
        if self.session_id == 0 {
            return SessionRequest {
                session_id: 0,
                epoch: INITIAL_EPOCH,
                to_send: wanted.clone(),
                to_forget: Vec::new(),
                full: true,
                next: wanted,
            };
        }
        let to_send = wanted
            .iter()
            .filter(|(tp, f)| self.held.get(*tp) != Some(*f))
            .map(|(tp, f)| (tp.clone(), *f))
            .collect();
        let to_forget = self
            .held
            .keys()
            .filter(|tp| !wanted.contains_key(*tp))
            .cloned()
            .collect();
        SessionRequest {
            session_id: self.session_id,
            epoch: self.epoch,
            to_send,
            to_forget,
            full: false,
            next: wanted,
        }
    }

    /// Handles the response's top-level error and session id for the request `sent`.
    /// Returns false if the response must be discarded (a session error).
    pub fn handle_response(
        &mut self,
        sent: SessionRequest,
        error_code: i16,
        session_id: i32,
    ) -> bool {
        match error_code {
            FETCH_SESSION_ID_NOT_FOUND | INVALID_FETCH_SESSION_EPOCH => {
                self.reset();
                return false;
            }
            0 => {}
            _ => {
                self.reset();
                return false;
            }
        }
        if sent.full {
            if session_id == 0 {
                // The broker would not open a session: stay sessionless.
                self.reset();
            } else {
                self.session_id = session_id;
                self.epoch = 1;
                self.held = sent.next;
            }
        } else {
            self.held = sent.next;
            self.epoch = if self.epoch == i32::MAX {
                1
            } else {
                self.epoch + 1
            };
        }
        true
    }

    /// Drops the session (after a failed request): the next request is full.
    pub fn reset(&mut self) {
        self.session_id = 0;
        self.epoch = INITIAL_EPOCH;
        self.held.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(parts: &[(i32, i64)]) -> BTreeMap<TopicPartition, PartitionFetch> {
        parts
            .iter()
            .map(|&(p, o)| {
                (
                    TopicPartition::new("t", p),
                    PartitionFetch {
                        fetch_offset: o,
                        current_leader_epoch: -1,
                        max_bytes: 100,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn full_then_incremental_then_reset() {
        let mut s = FetchSession::new();
        let r = s.build(want(&[(0, 0), (1, 0)]));
        assert!(r.full);
        assert_eq!((r.session_id, r.epoch, r.to_send.len()), (0, 0, 2));
        assert!(s.handle_response(r, 0, 77));
        assert_eq!(s.session_id(), 77);

        // Partition 0 advanced, 1 unchanged, 2 new.
        let r = s.build(want(&[(0, 5), (1, 0), (2, 0)]));
        assert!(!r.full);
        assert_eq!((r.session_id, r.epoch), (77, 1));
        let sent: Vec<i32> = r.to_send.keys().map(|tp| tp.partition).collect();
        assert_eq!(sent, [0, 2]);
        assert!(r.to_forget.is_empty());
        assert!(s.handle_response(r, 0, 77));

        // Partition 1 dropped: forgotten, nothing else changed.
        let r = s.build(want(&[(0, 5), (2, 0)]));
        assert_eq!(r.epoch, 2);
        assert!(r.to_send.is_empty());
        assert_eq!(r.to_forget, [TopicPartition::new("t", 1)]);

        // A session error drops the session; the next request is full.
        assert!(!s.handle_response(r, INVALID_FETCH_SESSION_EPOCH, 0));
        let r = s.build(want(&[(0, 5)]));
        assert!(r.full);
        assert_eq!((r.session_id, r.epoch), (0, 0));
    }

    #[test]
    fn sessionless_broker_keeps_full_requests() {
        let mut s = FetchSession::new();
        let r = s.build(want(&[(0, 0)]));
        assert!(s.handle_response(r, 0, 0));
        assert!(s.build(want(&[(0, 3)])).full);
    }
}
