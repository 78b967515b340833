//! A circuit breaker per backend (`breaker = { ... }`): when the host keeps failing,
//! stop sending it calls for a while and answer 503 at once, so a host that is down or
//! drowning gets room to recover and callers get a fast, honest answer.
//!
//! - Closed: calls pass. The breaker opens after `failures` failures in a row, or when
//!   at least `min_calls` calls in the last `window_secs` failed in a share of at least
//!   `ratio`.
//! - Open for `open_secs`: every call is refused with [`ConnectorError::CircuitOpen`]
//!   (503 `backend-unavailable`, `Retry-After` the time left) without touching the host.
//! - Half-open after that: `probes` calls go through; the first success closes the
//!   breaker, a failure opens it again.
//!
//! A failure is what says the host is unwell: no connection, a lost connection, no answer
//! in time, garbage on the wire. A refusal by the transaction manager or a failed program
//! is an answer from a working host, and saturation is the gateway's own limit: neither
//! counts either way.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tower::{Layer, Service};

use super::ConnectorError;
use crate::config::table::Problems;

/// `breaker = { ... }` on a `[[backend]]`, as written (absent: no breaker).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakerConfig {
    /// Failures in a row that open the breaker (default 5).
    #[serde(default = "defaults::failures")]
    pub failures: u32,
    /// Share of failed calls in the window that opens it (default 0.5; 1.0: only all).
    #[serde(default = "defaults::ratio")]
    pub ratio: f64,
    /// The window the ratio is taken over, in seconds (default 30).
    #[serde(default = "defaults::window_secs")]
    pub window_secs: u64,
    /// Fewest calls in the window before the ratio counts (default 20).
    #[serde(default = "defaults::min_calls")]
    pub min_calls: u32,
    /// How long it stays open before probing, in seconds (default 10).
    #[serde(default = "defaults::open_secs")]
    pub open_secs: u64,
    /// Calls let through at a time when half-open (default 1).
    #[serde(default = "defaults::probes")]
    pub probes: u32,
}

mod defaults {
    pub fn failures() -> u32 {
        5
    }
    pub fn ratio() -> f64 {
        0.5
    }
    pub fn window_secs() -> u64 {
        30
    }
    pub fn min_calls() -> u32 {
        20
    }
    pub fn open_secs() -> u64 {
        10
    }
    pub fn probes() -> u32 {
        1
    }
}

/// The breaker's settings, checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakerSettings {
    pub failures: u32,
    pub ratio: f64,
    pub window: Duration,
    pub min_calls: u32,
    pub open_for: Duration,
    pub probes: u32,
}

impl BreakerConfig {
    /// Problems at `breaker.<key>`.
    pub fn validate(&self, ps: &mut Problems) -> Option<BreakerSettings> {
        let before = ps.len();
        let mut at_least_1 = |key: &str, v: u64| {
            if v == 0 {
                ps.push((format!("breaker.{key}"), "must be at least 1".into()));
            }
        };
        at_least_1("failures", self.failures.into());
        at_least_1("window_secs", self.window_secs);
        at_least_1("min_calls", self.min_calls.into());
        at_least_1("open_secs", self.open_secs);
        at_least_1("probes", self.probes.into());
        if !(self.ratio > 0.0 && self.ratio <= 1.0) {
            ps.push((
                "breaker.ratio".into(),
                format!(
                    "{}: a share of calls, more than 0 and at most 1",
                    self.ratio
                ),
            ));
        }
        (ps.len() == before).then_some(BreakerSettings {
            failures: self.failures,
            ratio: self.ratio,
            window: Duration::from_secs(self.window_secs),
            min_calls: self.min_calls,
            open_for: Duration::from_secs(self.open_secs),
            probes: self.probes,
        })
    }
}

/// Where the breaker stands, as `/readyz` and the metric show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    Closed,
    Open,
    HalfOpen,
}

impl CircuitState {
    pub fn name(self) -> &'static str {
        match self {
            CircuitState::Closed => "closed",
            CircuitState::Open => "open",
            CircuitState::HalfOpen => "half-open",
        }
    }

    /// The gauge value of `ferrule_backend_circuit_state`.
    fn gauge(self) -> f64 {
        match self {
            CircuitState::Closed => 0.0,
            CircuitState::HalfOpen => 1.0,
            CircuitState::Open => 2.0,
        }
    }
}

/// Buckets the window is kept in: the ratio moves in steps of window / BUCKETS.
const BUCKETS: usize = 10;

/// One backend's breaker, shared by its service clones and read by `/readyz`.
#[derive(Debug)]
pub struct Breaker {
    backend: String,
    settings: BreakerSettings,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    mode: Mode,
    in_a_row: u32,
    /// (bucket start, calls, failures), oldest first.
    window: Vec<(Instant, u32, u32)>,
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    Closed,
    Open { until: Instant },
    HalfOpen { probing: u32 },
}

/// What the breaker lets a call do.
enum Admit {
    Pass,
    Probe,
    Refuse(Duration),
}

impl Breaker {
    pub fn new(backend: &str, settings: BreakerSettings) -> Arc<Breaker> {
        let b = Breaker {
            backend: backend.to_string(),
            settings,
            state: Mutex::new(State {
                mode: Mode::Closed,
                in_a_row: 0,
                window: Vec::with_capacity(BUCKETS + 1),
            }),
        };
        b.publish(CircuitState::Closed);
        Arc::new(b)
    }

    /// Now, without moving it (an open breaker past its time shows half-open).
    pub fn state(&self) -> CircuitState {
        match self.lock().mode {
            Mode::Closed => CircuitState::Closed,
            Mode::Open { until } if Instant::now() < until => CircuitState::Open,
            Mode::Open { .. } | Mode::HalfOpen { .. } => CircuitState::HalfOpen,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn publish(&self, state: CircuitState) {
        metrics::gauge!("ferrule_backend_circuit_state", "backend" => self.backend.clone())
            .set(state.gauge());
    }

    fn admit(&self) -> Admit {
        let mut s = self.lock();
        let now = Instant::now();
        match s.mode {
            Mode::Closed => Admit::Pass,
            Mode::Open { until } if now < until => Admit::Refuse(until - now),
            Mode::Open { .. } => {
                s.mode = Mode::HalfOpen { probing: 1 };
                drop(s);
                self.publish(CircuitState::HalfOpen);
                tracing::info!(backend = %self.backend, "circuit half-open: probing the host");
                Admit::Probe
            }
            Mode::HalfOpen { probing } if probing < self.settings.probes => {
                s.mode = Mode::HalfOpen {
                    probing: probing + 1,
                };
                Admit::Probe
            }
            // Probes are out: the others wait for their verdict, told to retry soon.
            Mode::HalfOpen { .. } => Admit::Refuse(Duration::from_secs(1)),
        }
    }

    /// Records a call's outcome: `Some(true)` a failure of the host, `Some(false)` an
    /// answer, `None` neither (saturation).
    fn record(&self, probe: bool, failed: Option<bool>) {
        let Some(failed) = failed else {
            if probe {
                // A probe that never reached the host: let another one try.
                let mut s = self.lock();
                if let Mode::HalfOpen { probing } = s.mode {
                    s.mode = Mode::HalfOpen {
                        probing: probing.saturating_sub(1),
                    };
                }
            }
            return;
        };
        let mut s = self.lock();
        let now = Instant::now();
        let changed = match (s.mode, probe) {
            (Mode::HalfOpen { .. }, true) if failed => Some(self.open(&mut s, now)),
            (Mode::HalfOpen { .. }, true) => {
                s.mode = Mode::Closed;
                s.in_a_row = 0;
                s.window.clear();
                Some(CircuitState::Closed)
            }
            // Late answers of calls let through before the breaker opened: ignored.
            (Mode::Open { .. } | Mode::HalfOpen { .. }, _) => None,
            (Mode::Closed, _) => {
                s.in_a_row = if failed { s.in_a_row + 1 } else { 0 };
                self.count(&mut s, now, failed);
                let (calls, failures) = s
                    .window
                    .iter()
                    .fold((0u32, 0u32), |(c, f), b| (c + b.1, f + b.2));
                let ratio_trips = calls >= self.settings.min_calls
                    && f64::from(failures) >= self.settings.ratio * f64::from(calls);
                (failed && (s.in_a_row >= self.settings.failures || ratio_trips))
                    .then(|| self.open(&mut s, now))
            }
        };
        drop(s);
        if let Some(state) = changed {
            self.publish(state);
            match state {
                CircuitState::Open => tracing::warn!(
                    backend = %self.backend,
                    open_secs = self.settings.open_for.as_secs(),
                    "circuit open: calls to the host are refused until it recovers"
                ),
                CircuitState::Closed => {
                    tracing::info!(backend = %self.backend, "circuit closed: the host answers again")
                }
                CircuitState::HalfOpen => {}
            }
        }
    }

    fn open(&self, s: &mut State, now: Instant) -> CircuitState {
        s.mode = Mode::Open {
            until: now + self.settings.open_for,
        };
        s.in_a_row = 0;
        s.window.clear();
        metrics::counter!("ferrule_backend_circuit_opened_total", "backend" => self.backend.clone())
            .increment(1);
        CircuitState::Open
    }

    /// Adds a call to the window's current bucket, dropping buckets that left it.
    fn count(&self, s: &mut State, now: Instant, failed: bool) {
        let width = self.settings.window / BUCKETS as u32;
        let window = self.settings.window;
        s.window
            .retain(|(start, _, _)| now.duration_since(*start) < window);
        match s.window.last_mut() {
            Some((start, calls, failures)) if now.duration_since(*start) < width => {
                *calls += 1;
                *failures += u32::from(failed);
            }
            _ => s.window.push((now, 1, u32::from(failed))),
        }
    }
}

/// Whether an outcome says the host is unwell (see the module docs).
fn failure(outcome: &Result<bytes::Bytes, ConnectorError>) -> Option<bool> {
    match outcome {
        Ok(_) | Err(ConnectorError::Refused(_) | ConnectorError::Program(_)) => Some(false),
        Err(
            ConnectorError::Unreachable(_)
            | ConnectorError::Closed(_)
            | ConnectorError::Timeout(_)
            | ConnectorError::BadFrame(_),
        ) => Some(true),
        Err(ConnectorError::Saturated { .. } | ConnectorError::CircuitOpen { .. }) => None,
    }
}

/// Puts a [`Breaker`] in front of a backend's service.
#[derive(Clone, Debug)]
pub struct BreakerLayer {
    breaker: Arc<Breaker>,
}

impl BreakerLayer {
    pub fn new(breaker: Arc<Breaker>) -> BreakerLayer {
        BreakerLayer { breaker }
    }
}

impl<S> Layer<S> for BreakerLayer {
    type Service = Guarded<S>;
    fn layer(&self, inner: S) -> Guarded<S> {
        Guarded {
            inner,
            breaker: self.breaker.clone(),
        }
    }
}

/// A backend service behind its breaker.
#[derive(Clone, Debug)]
pub struct Guarded<S> {
    inner: S,
    breaker: Arc<Breaker>,
}

impl<S, Req> Service<Req> for Guarded<S>
where
    S: Service<Req, Response = bytes::Bytes, Error = ConnectorError>,
    S::Future: Send + 'static,
{
    type Response = bytes::Bytes;
    type Error = ConnectorError;
    type Future = Pin<Box<dyn Future<Output = Result<bytes::Bytes, ConnectorError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ConnectorError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Req) -> Self::Future {
        let probe = match self.breaker.admit() {
            Admit::Refuse(retry_after) => {
                return Box::pin(std::future::ready(Err(ConnectorError::CircuitOpen {
                    retry_after,
                })))
            }
            Admit::Pass => false,
            Admit::Probe => true,
        };
        let mut pending = Pending {
            breaker: self.breaker.clone(),
            probe,
            open: true,
        };
        let fut = self.inner.call(req);
        Box::pin(async move {
            let outcome = fut.await;
            pending.open = false;
            pending.breaker.record(probe, failure(&outcome));
            outcome
        })
    }
}

/// A call in flight; dropped unfinished (the caller went away), it is recorded as
/// neither outcome, so a probe's place is given back.
struct Pending {
    breaker: Arc<Breaker>,
    probe: bool,
    open: bool,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.open {
            self.breaker.record(self.probe, None);
        }
    }
}

#[cfg(test)]
mod tests;
