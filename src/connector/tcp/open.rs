//! How many connections a tcp backend's pool has open, in use or idle, so the host never
//! sees more than `max_sessions` of them. The session limit in front bounds calls, not
//! connections: with thread-per-core serving each thread reuses its own idle connections
//! (`connector::home`), and a thread that opened a new one whenever it had none idle would
//! leave the host with up to twice `max_sessions` open. So a new connection takes one of
//! these places first; when none is left, the pool hands the caller another thread's
//! idle connection instead (`TcpConnector`'s `checkout`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The open connections of one pool, against its limit.
#[derive(Debug)]
pub(super) struct OpenCount {
    open: Arc<AtomicUsize>,
    max: usize,
}

/// One open connection's place: given back when the connection is dropped.
#[derive(Debug)]
pub(super) struct Place(Arc<AtomicUsize>);

impl OpenCount {
    pub(super) fn new(max: usize) -> OpenCount {
        OpenCount {
            open: Arc::new(AtomicUsize::new(0)),
            max: max.max(1),
        }
    }

    /// The limit (`max_sessions`, at least 1): also the most idle connections kept.
    pub(super) fn max(&self) -> usize {
        self.max
    }

    /// A place for one more connection, if fewer than the limit are open.
    pub(super) fn reserve(&self) -> Option<Place> {
        self.open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Place(self.open.clone()))
    }

    /// A place past the limit: only for a caller that found neither a place nor an idle
    /// connection (which the session limit in front rules out but for races), so a call is
    /// never failed for it. Counted like the others, so the pool settles back under.
    pub(super) fn beyond(&self) -> Place {
        self.open.fetch_add(1, Ordering::AcqRel);
        Place(self.open.clone())
    }

    /// Connections open now.
    #[cfg(test)]
    pub(super) fn now(&self) -> usize {
        self.open.load(Ordering::Acquire)
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_stop_at_the_limit_and_come_back_when_dropped() {
        let count = OpenCount::new(2);
        let a = count.reserve().unwrap();
        let b = count.reserve().unwrap();
        assert!(count.reserve().is_none());
        assert_eq!(count.now(), 2);
        drop(a);
        let c = count.reserve().unwrap();
        let extra = count.beyond();
        assert_eq!(count.now(), 3);
        drop((b, c, extra));
        assert_eq!(count.now(), 0);
        // 0 is treated as 1: a pool that may open nothing could never answer.
        assert!(OpenCount::new(0).reserve().is_some());
    }
}
