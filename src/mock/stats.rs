//! Per-host counts the gateway's tests check from outside: connections now and at peak
//! (the session limit is never exceeded), requests served, requests in flight at peak.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};

/// Counters of one host; shared by its connection tasks.
#[derive(Debug, Default)]
pub struct Counters {
    connections_now: AtomicU64,
    connections_peak: AtomicU64,
    connections_total: AtomicU64,
    requests: AtomicU64,
    in_flight_now: AtomicU64,
    in_flight_peak: AtomicU64,
}

/// Held while a connection is open; counts it down when dropped.
#[derive(Debug)]
pub struct Held {
    counters: Arc<Counters>,
    in_flight: bool,
}

impl Drop for Held {
    fn drop(&mut self) {
        let c = if self.in_flight {
            &self.counters.in_flight_now
        } else {
            &self.counters.connections_now
        };
        c.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Counters {
    /// A connection opened: counted until the guard drops.
    pub fn connection(self: &Arc<Self>) -> Held {
        let now = self.connections_now.fetch_add(1, Ordering::SeqCst) + 1;
        self.connections_peak.fetch_max(now, Ordering::SeqCst);
        self.connections_total.fetch_add(1, Ordering::SeqCst);
        Held {
            counters: Arc::clone(self),
            in_flight: false,
        }
    }

    /// A request is being answered: counted until the guard drops.
    pub fn request(self: &Arc<Self>) -> Held {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight_now.fetch_add(1, Ordering::SeqCst) + 1;
        self.in_flight_peak.fetch_max(now, Ordering::SeqCst);
        Held {
            counters: Arc::clone(self),
            in_flight: true,
        }
    }

    /// Starts a new measurement: peaks drop to the current values, totals to zero.
    pub fn reset(&self) {
        self.connections_peak.store(
            self.connections_now.load(Ordering::SeqCst),
            Ordering::SeqCst,
        );
        self.in_flight_peak
            .store(self.in_flight_now.load(Ordering::SeqCst), Ordering::SeqCst);
        self.connections_total.store(0, Ordering::SeqCst);
        self.requests.store(0, Ordering::SeqCst);
    }

    /// The counts as the status endpoint reports them.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            connections_now: self.connections_now.load(Ordering::SeqCst),
            connections_peak: self.connections_peak.load(Ordering::SeqCst),
            connections_total: self.connections_total.load(Ordering::SeqCst),
            requests: self.requests.load(Ordering::SeqCst),
            in_flight_peak: self.in_flight_peak.load(Ordering::SeqCst),
        }
    }
}

/// Counts at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub connections_now: u64,
    pub connections_peak: u64,
    pub connections_total: u64,
    pub requests: u64,
    pub in_flight_peak: u64,
}

impl Snapshot {
    pub fn to_json(self) -> Value {
        json!({
            "connections_now": self.connections_now,
            "connections_peak": self.connections_peak,
            "connections_total": self.connections_total,
            "requests": self.requests,
            "in_flight_peak": self.in_flight_peak,
        })
    }

    /// Sums over hosts; the peak of the sum is not known, so peaks are summed too (an
    /// upper bound).
    pub fn add(self, o: Snapshot) -> Snapshot {
        Snapshot {
            connections_now: self.connections_now + o.connections_now,
            connections_peak: self.connections_peak + o.connections_peak,
            connections_total: self.connections_total + o.connections_total,
            requests: self.requests + o.requests,
            in_flight_peak: self.in_flight_peak + o.in_flight_peak,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peaks_survive_closes_and_reset_restarts_them() {
        // Two connections open, one closes: now 1, peak 2; reset brings peak to 1.
        let c = Arc::new(Counters::default());
        let a = c.connection();
        let b = c.connection();
        {
            let _r = c.request();
            assert_eq!(c.snapshot().in_flight_peak, 1);
        }
        drop(a);
        let s = c.snapshot();
        assert_eq!(
            (s.connections_now, s.connections_peak, s.requests),
            (1, 2, 1)
        );
        c.reset();
        let s = c.snapshot();
        assert_eq!(
            (s.connections_now, s.connections_peak, s.requests),
            (1, 1, 0)
        );
        drop(b);
        assert_eq!(c.snapshot().connections_now, 0);
    }

    #[test]
    fn sums_and_json_names() {
        // The status endpoint's field names are a contract with the gateway's tests.
        let s = Snapshot {
            connections_now: 1,
            connections_peak: 2,
            connections_total: 3,
            requests: 4,
            in_flight_peak: 1,
        };
        let j = s.add(s).to_json();
        assert_eq!(j["connections_now"], 2);
        assert_eq!(j["connections_peak"], 4);
        assert_eq!(j["requests"], 8);
        assert_eq!(j["in_flight_peak"], 2);
    }
}
