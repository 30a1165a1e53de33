//! The open connections, up to a cap, and which one gives way when the cap is reached.
//!
//! At the cap, a new connection takes the place of the one that has waited longest for a
//! request without one being handled (an idle keep-alive connection, a client that
//! connected and sent nothing, one dribbling its headers, one lingering after its last
//! response). Only when every connection is handling a request is the newcomer refused.
//! Idle connections then cannot lock out real clients, whose requests arrive right after
//! they connect; and a connection that is answering is never cut.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Instant;

use tokio::sync::Notify;

/// Milliseconds since the first call in this process: a clock that fits an atomic.
pub(super) fn now_ms() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let elapsed = EPOCH.get_or_init(Instant::now).elapsed();
    u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
}

/// What the registry, the connection's task, its I/O and its service share.
#[derive(Debug)]
pub(super) struct Tracker {
    /// A request is in a handler.
    busy: AtomicBool,
    /// When the connection last became ready for a request (accepted, or its last
    /// request handled), as a place in the order connections became ready: a
    /// clock would give two connections ready in the same tick the same time, and
    /// the newer one could give way. 0 while it lingers, so it gives way first.
    ready_since: AtomicU64,
    /// When bytes last moved either way.
    last_progress: AtomicU64,
    /// Told when the connection must close at once to make room.
    evicted: Notify,
}

/// The next place in the order connections become ready for a request (from 1).
fn next_ready() -> u64 {
    static READY: AtomicU64 = AtomicU64::new(1);
    READY.fetch_add(1, Ordering::Relaxed)
}

impl Tracker {
    pub(super) fn new() -> Arc<Self> {
        let now = now_ms();
        Arc::new(Tracker {
            busy: AtomicBool::new(false),
            ready_since: AtomicU64::new(next_ready()),
            last_progress: AtomicU64::new(now),
            evicted: Notify::new(),
        })
    }

    /// A request entered a handler.
    pub(super) fn begin_request(&self) {
        self.busy.store(true, Ordering::Relaxed);
    }

    /// The handler answered; the connection waits for its next request.
    pub(super) fn end_request(&self) {
        self.ready_since.store(next_ready(), Ordering::Relaxed);
        self.last_progress.store(now_ms(), Ordering::Relaxed);
        self.busy.store(false, Ordering::Relaxed);
    }

    pub(super) fn is_busy(&self) -> bool {
        self.busy.load(Ordering::Relaxed)
    }

    /// Bytes moved.
    pub(super) fn progressed(&self) {
        self.last_progress.store(now_ms(), Ordering::Relaxed);
    }

    pub(super) fn last_progress(&self) -> u64 {
        self.last_progress.load(Ordering::Relaxed)
    }

    /// The connection only lingers now: it is the first to give way.
    pub(super) fn lingering(&self) {
        self.ready_since.store(0, Ordering::Relaxed);
    }

    /// Resolves once the registry has given this connection's place to another.
    pub(super) async fn evicted(&self) {
        self.evicted.notified().await;
    }
}

/// The open connections, at most `cap` of them.
#[derive(Debug)]
pub(super) struct Registry {
    cap: usize,
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Tracker>>>,
}

/// What became of a new connection.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Admission {
    /// It is in, under this id.
    Admitted(u64),
    /// Every place is taken by a connection handling a request.
    Refused,
}

impl Registry {
    pub(super) fn new(cap: usize) -> Self {
        Registry {
            cap: cap.max(1),
            next_id: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
        }
    }

    /// Admits `tracker`, evicting the connection that has waited longest for a request
    /// when the registry is full.
    pub(super) fn admit(&self, tracker: Arc<Tracker>) -> Admission {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.len() >= self.cap {
            let victim = open
                .iter()
                .filter(|(_, t)| !t.is_busy())
                .min_by_key(|(_, t)| t.ready_since.load(Ordering::Relaxed))
                .map(|(id, _)| *id);
            let Some(victim) = victim else {
                return Admission::Refused;
            };
            if let Some(evicted) = open.remove(&victim) {
                // A stored permit: the connection sees it even if it is not waiting yet.
                evicted.evicted.notify_one();
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        open.insert(id, tracker);
        Admission::Admitted(id)
    }

    /// The connection closed (or was evicted, in which case it is already gone).
    pub(super) fn remove(&self, id: u64) {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready_at(ms: u64) -> Arc<Tracker> {
        let tracker = Tracker::new();
        tracker.ready_since.store(ms, Ordering::Relaxed);
        tracker
    }

    /// Whether the tracker holds an eviction notice, without waiting for one.
    fn was_evicted(tracker: &Tracker) -> bool {
        let notified = tracker.evicted.notified();
        tokio::pin!(notified);
        notified.as_mut().enable()
    }

    #[test]
    fn connections_are_admitted_up_to_the_cap() {
        let registry = Registry::new(2);
        assert_eq!(registry.admit(ready_at(1)), Admission::Admitted(0));
        assert_eq!(registry.admit(ready_at(2)), Admission::Admitted(1));
        assert_eq!(registry.len(), 2);
        registry.remove(0);
        assert_eq!(registry.len(), 1);
        assert_eq!(registry.admit(ready_at(3)), Admission::Admitted(2));
    }

    #[test]
    fn at_the_cap_the_longest_waiting_idle_connection_gives_way() {
        let registry = Registry::new(3);
        let busy_oldest = ready_at(1);
        busy_oldest.begin_request();
        let idle_old = ready_at(5);
        let idle_new = ready_at(9);
        for tracker in [&busy_oldest, &idle_old, &idle_new] {
            assert!(matches!(
                registry.admit(tracker.clone()),
                Admission::Admitted(_)
            ));
        }
        assert!(matches!(
            registry.admit(ready_at(10)),
            Admission::Admitted(3)
        ));
        assert!(was_evicted(&idle_old));
        assert!(!was_evicted(&idle_new));
        assert!(!was_evicted(&busy_oldest));
        assert_eq!(registry.len(), 3);
    }

    #[test]
    fn a_lingering_connection_gives_way_first() {
        let registry = Registry::new(2);
        let idle = ready_at(1);
        let lingering = ready_at(50);
        lingering.lingering();
        registry.admit(idle.clone());
        registry.admit(lingering.clone());
        registry.admit(ready_at(60));
        assert!(was_evicted(&lingering));
        assert!(!was_evicted(&idle));
    }

    #[test]
    fn when_every_connection_is_answering_a_newcomer_is_refused() {
        let registry = Registry::new(2);
        for _ in 0..2 {
            let tracker = ready_at(1);
            tracker.begin_request();
            registry.admit(tracker);
        }
        assert_eq!(registry.admit(ready_at(2)), Admission::Refused);
        assert_eq!(registry.len(), 2);
    }

    #[test]
    fn an_answered_request_makes_its_connection_the_newest_waiter() {
        let registry = Registry::new(2);
        let first = Tracker::new();
        let second = Tracker::new();
        registry.admit(first.clone());
        registry.admit(second.clone());
        first.begin_request();
        first.end_request(); // ready again, after `second`
        registry.admit(Tracker::new());
        assert!(was_evicted(&second));
        assert!(!was_evicted(&first));
    }

    /// Connections ready within the same millisecond still give way oldest first
    /// (a millisecond clock tied them, and the map's order chose: the server test
    /// `at_the_cap_the_longest_idle_connection_gives_way_to_a_newcomer` failed
    /// about one run in three).
    #[test]
    fn connections_ready_in_the_same_instant_give_way_in_their_order() {
        for _ in 0..50 {
            let registry = Registry::new(2);
            let older = Tracker::new();
            let newer = Tracker::new();
            registry.admit(older.clone());
            registry.admit(newer.clone());
            registry.admit(Tracker::new());
            assert!(was_evicted(&older));
            assert!(!was_evicted(&newer));
        }
    }
}
