//! The per-request HTTP metrics (`ferrule_http_requests_total`,
//! `ferrule_http_request_duration_seconds`) with their handles looked up once per label
//! set and kept, instead of through the `metrics` macros on every request: each macro
//! call builds its labels (a route `String`, a status `String`), hashes the key and
//! takes the recorder's registry lock.
//!
//! The label sets are bounded (route patterns, method labels, statuses), so the cache is
//! too. It belongs to one built stack (a reload builds a new one), never to the process:
//! a handle fetched before a recorder was installed would stay a no-op forever.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

// The keys are route patterns, method labels and statuses, never a caller's text: a fast
// hash (two lookups per request; SipHash cost ~400 instructions) and no DoS exposure.
use foldhash::fast::RandomState;
use std::time::Duration;

use metrics::{Counter, Histogram};

use crate::telemetry;

/// The cached handles of one stack. See the module doc.
#[derive(Default)]
pub struct RequestMetrics {
    routes: RwLock<HashMap<Box<str>, RouteHandles, RandomState>>,
}

/// One route's latency histogram and its counters by (method label, status).
struct RouteHandles {
    seconds: Histogram,
    requests: HashMap<(&'static str, u16), Counter, RandomState>,
}

impl RouteHandles {
    fn new(route: &str) -> RouteHandles {
        RouteHandles {
            seconds: metrics::histogram!(telemetry::REQUEST_SECONDS, "route" => route.to_string()),
            requests: HashMap::default(),
        }
    }
}

impl RequestMetrics {
    /// Counts one request of `route` answered with `status`, and records its latency.
    pub fn record(&self, route: &str, method: &'static str, status: u16, took: Duration) {
        {
            let routes = self.routes.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(h) = routes.get(route) {
                if let Some(c) = h.requests.get(&(method, status)) {
                    c.increment(1);
                    h.seconds.record(took.as_secs_f64());
                    return;
                }
            }
        }
        // First request with this label set: register its handles (rare; bounded).
        let mut routes = self.routes.write().unwrap_or_else(PoisonError::into_inner);
        let h = routes
            .entry(route.into())
            .or_insert_with(|| RouteHandles::new(route));
        let counter = h.requests.entry((method, status)).or_insert_with(|| {
            metrics::counter!(telemetry::REQUESTS_TOTAL,
                "route" => route.to_string(), "method" => method, "status" => status.to_string())
        });
        counter.increment(1);
        h.seconds.record(took.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use metrics_exporter_prometheus::PrometheusBuilder;

    #[test]
    fn cached_handles_count_like_the_macros() {
        // Same names and labels as the macros gave, counted on every call, whether the
        // handle was just made or came from the cache.
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, || {
            let m = RequestMetrics::default();
            let ms = Duration::from_millis(1);
            m.record("/v1/x/{id}", "GET", 200, ms);
            m.record("/v1/x/{id}", "GET", 200, ms);
            m.record("/v1/x/{id}", "GET", 404, ms);
            m.record("unmatched", "other", 404, ms);
        });
        let text = handle.render();
        let line = |l: &str| text.lines().any(|t| t == l);
        assert!(
            line(r#"ferrule_http_requests_total{route="/v1/x/{id}",method="GET",status="200"} 2"#),
            "{text}"
        );
        assert!(
            line(r#"ferrule_http_requests_total{route="/v1/x/{id}",method="GET",status="404"} 1"#),
            "{text}"
        );
        assert!(
            line(r#"ferrule_http_requests_total{route="unmatched",method="other",status="404"} 1"#),
            "{text}"
        );
        assert!(
            line(r#"ferrule_http_request_duration_seconds_count{route="/v1/x/{id}"} 3"#),
            "{text}"
        );
    }
}
