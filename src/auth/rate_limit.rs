//! Token buckets per caller and route: `per_second` tokens flow in, up to `burst`;
//! a call takes one or is refused with the time until the next token (429 with
//! `Retry-After`).
//!
//! Memory is bounded: at most `max_entries` buckets. A bucket that has refilled to
//! `burst` is the same as no bucket, so those are dropped first at no cost. If every
//! bucket is still busy (a flood of distinct callers), arbitrary ones are dropped too;
//! each such caller can get at most one extra `burst`, which is preferred to refusing
//! new callers outright or growing without limit.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::config::RateLimitConfig;
use super::Principal;

/// One caller's bucket on one route.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
    /// The limit last applied, so idleness can be judged without the route's config.
    per_second: f64,
    burst: f64,
}

impl Bucket {
    /// Tokens at `now`, capped at `burst`.
    fn level(&self, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        (self.tokens + elapsed * self.per_second).min(self.burst)
    }
}

/// The buckets of every caller and route. `Send + Sync`; share it behind an `Arc`.
#[derive(Debug)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, Bucket>>,
    max_entries: usize,
}

/// The caller part of a bucket's key: the principal when there is one, else the
/// client's address (anonymous routes are limited per address).
pub fn rate_key(principal: Option<&Principal>, client: IpAddr) -> String {
    match principal {
        Some(p) => format!("p:{}", p.id),
        None => format!("ip:{client}"),
    }
}

/// Whole seconds for a `Retry-After` header: rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait
        .as_secs()
        .saturating_add(u64::from(wait.subsec_nanos() > 0));
    secs.max(1)
}

impl RateLimiter {
    /// A limiter keeping at most `max_entries` buckets (at least one).
    pub fn new(max_entries: usize) -> Self {
        RateLimiter {
            buckets: Mutex::new(HashMap::new()),
            max_entries: max_entries.max(1),
        }
    }

    /// Takes a token for `who` on `route`, or says how long until one is available.
    pub fn check(&self, who: &str, route: &str, limit: &RateLimitConfig) -> Result<(), Duration> {
        self.check_at(who, route, limit, Instant::now())
    }

    /// [`check`](Self::check) at a given instant (tests drive the clock).
    pub fn check_at(
        &self,
        who: &str,
        route: &str,
        limit: &RateLimitConfig,
        now: Instant,
    ) -> Result<(), Duration> {
        // Config validation keeps these positive; guard anyway so a bad value cannot
        // divide by zero or wedge a bucket.
        let per_second = if limit.per_second.is_finite() && limit.per_second > 0.0 {
            limit.per_second
        } else {
            f64::MIN_POSITIVE
        };
        let burst = f64::from(limit.burst.max(1));
        // Route first: it cannot contain the separator (a path), the caller id might.
        let key = format!("{route}\u{0}{who}");
        // A panic elsewhere while holding the lock leaves the map consistent (every
        // update is one assignment), so a poisoned lock is still usable.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !buckets.contains_key(&key) && buckets.len() >= self.max_entries {
            evict(&mut buckets, self.max_entries, now);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            last: now,
            per_second,
            burst,
        });
        bucket.per_second = per_second;
        bucket.burst = burst;
        bucket.tokens = bucket.level(now);
        bucket.last = bucket.last.max(now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            // A tiny rate can make this huge (or infinite): saturate, never panic.
            let wait = (1.0 - bucket.tokens) / per_second;
            Err(Duration::try_from_secs_f64(wait).unwrap_or(Duration::MAX))
        }
    }

    /// Drops every bucket that has refilled completely (for a periodic sweep).
    pub fn sweep(&self, now: Instant) {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        buckets.retain(|_, b| b.level(now) < b.burst);
    }

    /// Buckets held now (tests watch the memory bound with it).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    /// No buckets held.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Makes room for one more bucket: full ones first, then arbitrary ones down to 90%
/// of the cap, so a flood pays for this scan once per tenth of the cap, not per call.
fn evict(buckets: &mut HashMap<String, Bucket>, max_entries: usize, now: Instant) {
    buckets.retain(|_, b| b.level(now) < b.burst);
    if buckets.len() < max_entries {
        return;
    }
    let keep = max_entries - max_entries.div_ceil(10);
    let excess = buckets.len().saturating_sub(keep);
    let doomed: Vec<String> = buckets.keys().take(excess).cloned().collect();
    for k in doomed {
        buckets.remove(&k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(per_second: f64, burst: u32) -> RateLimitConfig {
        RateLimitConfig {
            per_second,
            burst,
            on_store_error: Default::default(),
        }
    }

    #[test]
    fn burst_then_refuse_then_refill() {
        // Burst 3 at 1/s: three calls pass, the fourth waits a second; after 1 s one more.
        let rl = RateLimiter::new(10);
        let l = limit(1.0, 3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(rl.check_at("p:a", "/r", &l, t0), Ok(()));
        }
        let wait = rl.check_at("p:a", "/r", &l, t0).unwrap_err();
        assert_eq!(wait, Duration::from_secs(1));
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(rl.check_at("p:a", "/r", &l, t1), Ok(()));
        assert!(rl.check_at("p:a", "/r", &l, t1).is_err());
    }

    #[test]
    fn retry_after_is_the_time_to_the_next_token() {
        // 2/s, burst 1: after the call, half a second; 200 ms later, 300 ms left.
        let rl = RateLimiter::new(10);
        let l = limit(2.0, 1);
        let t0 = Instant::now();
        rl.check_at("k", "/r", &l, t0).unwrap();
        let wait = rl.check_at("k", "/r", &l, t0).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        let wait = rl
            .check_at("k", "/r", &l, t0 + Duration::from_millis(200))
            .unwrap_err();
        assert!((wait.as_secs_f64() - 0.3).abs() < 1e-9, "{wait:?}");
        // The header rounds up to whole seconds, never 0.
        assert_eq!(retry_after_secs(wait), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::MAX), u64::MAX);
    }

    #[test]
    fn slow_rates_give_long_waits() {
        // 0.1/s (one call per 10 s): the refusal says 10 s.
        let rl = RateLimiter::new(10);
        let l = limit(0.1, 1);
        let t0 = Instant::now();
        rl.check_at("k", "/r", &l, t0).unwrap();
        let wait = rl.check_at("k", "/r", &l, t0).unwrap_err();
        assert_eq!(retry_after_secs(wait), 10);
    }

    #[test]
    fn callers_and_routes_have_separate_buckets() {
        // a on /x is exhausted; a on /y and b on /x are not.
        let rl = RateLimiter::new(10);
        let l = limit(1.0, 1);
        let t0 = Instant::now();
        rl.check_at("a", "/x", &l, t0).unwrap();
        assert!(rl.check_at("a", "/x", &l, t0).is_err());
        assert!(rl.check_at("a", "/y", &l, t0).is_ok());
        assert!(rl.check_at("b", "/x", &l, t0).is_ok());
        assert_eq!(rl.len(), 3);
    }

    #[test]
    fn idle_buckets_are_evicted_first_without_loss() {
        // Cap 2: the refilled bucket goes, the busy one (still limited) stays.
        let rl = RateLimiter::new(2);
        let l = limit(1.0, 1);
        let t0 = Instant::now();
        rl.check_at("idle", "/r", &l, t0).unwrap();
        let t5 = t0 + Duration::from_secs(5);
        rl.check_at("busy", "/r", &l, t5).unwrap();
        rl.check_at("new", "/r", &l, t5).unwrap();
        assert_eq!(rl.len(), 2);
        assert!(
            rl.check_at("busy", "/r", &l, t5).is_err(),
            "busy keeps its state"
        );
    }

    #[test]
    fn memory_stays_bounded_under_a_flood_of_callers() {
        // 10,000 distinct callers, all busy, cap 100: never more than 100 buckets.
        let rl = RateLimiter::new(100);
        let l = limit(0.001, 1);
        let t0 = Instant::now();
        for i in 0..10_000 {
            assert!(rl.check_at(&format!("ip:{i}"), "/r", &l, t0).is_ok());
            assert!(rl.len() <= 100);
        }
    }

    #[test]
    fn sweep_drops_only_full_buckets() {
        // After 2 s at 1/s, a burst-1 bucket is full again; a burst-5 one is not.
        let rl = RateLimiter::new(10);
        let t0 = Instant::now();
        rl.check_at("a", "/r", &limit(1.0, 1), t0).unwrap();
        for _ in 0..5 {
            rl.check_at("b", "/r", &limit(1.0, 5), t0).unwrap();
        }
        rl.sweep(t0 + Duration::from_secs(2));
        assert_eq!(rl.len(), 1);
        assert!(!rl.is_empty());
    }

    #[test]
    fn nonsense_limits_do_not_panic() {
        // Zero or NaN rates (refused by config validation) still give an answer.
        let rl = RateLimiter::new(0);
        let t0 = Instant::now();
        assert!(rl.check_at("k", "/r", &limit(f64::NAN, 0), t0).is_ok());
        assert!(rl.check_at("k", "/r", &limit(0.0, 0), t0).is_err());
        // A clock going backwards neither refills nor panics.
        let rl = RateLimiter::new(5);
        let l = limit(1.0, 1);
        let t1 = t0 + Duration::from_secs(10);
        rl.check_at("k", "/r", &l, t1).unwrap();
        assert!(rl.check_at("k", "/r", &l, t0).is_err());
    }

    #[test]
    fn key_prefers_the_principal() {
        // Authenticated callers are limited by id wherever they come from.
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(rate_key(None, ip), "ip:192.0.2.1");
        let p = Principal {
            id: "alice".into(),
            scopes: Default::default(),
            via: crate::auth::AuthMethod::Jwt,
        };
        assert_eq!(rate_key(Some(&p), ip), "p:alice");
    }
}
