//! The session limit that protects a legacy host: at most `max_sessions` exchanges in
//! flight, at most `max_queue` waiting for one, and nobody waits longer than `queue_timeout`.
//!
//! Overload fails fast with `Saturated` (503 + Retry-After) instead of piling up behind a
//! host that can only take so many sessions. The service is always ready: queueing happens
//! inside `call`, bounded, so tower's backpressure never blocks the gateway's accept loop.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::future::Either;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::util::Oneshot;
use tower::{Layer, Service, ServiceExt};

use super::ConnectorError;
use crate::telemetry::{QUEUE_DEPTH, SESSIONS_IN_USE};

/// Builds [`SessionLimit`] services sharing one set of sessions (one per backend).
#[derive(Clone, Debug)]
pub struct SessionLimitLayer {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// `sessions_in_use` and `queue_depth` of this backend, registered once (the gauges
    /// move twice per call).
    in_use: metrics::Gauge,
    queued: metrics::Gauge,
    sessions: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_queue: usize,
    queue_timeout: Duration,
}

impl SessionLimitLayer {
    /// `max_sessions` of 0 is treated as 1: a backend with no sessions could never answer.
    /// Call after the metrics recorder is installed: gauges taken before it are no-ops.
    pub fn new(
        backend: &str,
        max_sessions: usize,
        max_queue: usize,
        queue_timeout: Duration,
    ) -> SessionLimitLayer {
        SessionLimitLayer {
            shared: Arc::new(Shared {
                in_use: metrics::gauge!(SESSIONS_IN_USE, "backend" => backend.to_string()),
                queued: metrics::gauge!(QUEUE_DEPTH, "backend" => backend.to_string()),
                sessions: Arc::new(Semaphore::new(
                    max_sessions.clamp(1, Semaphore::MAX_PERMITS),
                )),
                waiting: AtomicUsize::new(0),
                max_queue,
                queue_timeout,
            }),
        }
    }
}

impl<S> Layer<S> for SessionLimitLayer {
    type Service = SessionLimit<S>;
    fn layer(&self, inner: S) -> SessionLimit<S> {
        SessionLimit {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// A service that takes a session before calling `inner`, and gives it back when done.
#[derive(Clone, Debug)]
pub struct SessionLimit<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S, Req> Service<Req> for SessionLimit<S>
where
    S: Service<Req, Error = ConnectorError> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Response: Send + 'static,
    Req: Send + 'static,
{
    type Response = S::Response;
    type Error = ConnectorError;
    type Future = Either<Held<Oneshot<S, Req>>, Queued<S::Response>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ConnectorError>> {
        // Always ready: waiting for a session is bounded and done in `call`.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Req) -> Self::Future {
        // The clone that was not polled ready is the one used: tower's usual swap.
        let inner = self.inner.clone();
        // A free session (the usual case): no queue to wait in, no future to box.
        if let Ok(permit) = self.shared.sessions.clone().try_acquire_owned() {
            return Either::Left(Held {
                inner: inner.oneshot(req),
                session: Some(Session::new(&self.shared, permit)),
            });
        }
        let shared = self.shared.clone();
        Either::Right(Box::pin(async move {
            let session = shared.acquire().await?;
            let out = inner.oneshot(req).await;
            drop(session);
            out
        }))
    }
}

/// An exchange that waited for its session.
pub type Queued<R> = Pin<Box<dyn Future<Output = Result<R, ConnectorError>> + Send>>;

pin_project_lite::pin_project! {
    /// An exchange holding its session, given back when the exchange ends (or is dropped).
    pub struct Held<F> {
        #[pin]
        inner: F,
        session: Option<Session>,
    }
}

impl<F: Future> Future for Held<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let out = std::task::ready!(this.inner.poll(cx));
        // Given back as soon as the answer is in, as the queued path does.
        this.session.take();
        Poll::Ready(out)
    }
}

impl Shared {
    /// A session now, or after a bounded wait in the queue, or `Saturated`.
    async fn acquire(self: &Arc<Self>) -> Result<Session, ConnectorError> {
        if let Ok(permit) = self.sessions.clone().try_acquire_owned() {
            return Ok(Session::new(self, permit));
        }
        let _place = QueuePlace::take(self).ok_or_else(|| self.saturated())?;
        match tokio::time::timeout(self.queue_timeout, self.sessions.clone().acquire_owned()).await
        {
            Ok(Ok(permit)) => Ok(Session::new(self, permit)),
            // The semaphore is never closed; treat it as saturation rather than panic.
            Ok(Err(_)) | Err(_) => Err(self.saturated()),
        }
    }

    fn saturated(&self) -> ConnectorError {
        // Whole seconds, at least one: Retry-After has no finer unit.
        let t = self.queue_timeout;
        let secs = (t.as_secs() + u64::from(t.subsec_nanos() > 0)).max(1);
        ConnectorError::Saturated {
            retry_after: Duration::from_secs(secs),
        }
    }
}

/// A held session; the gauge follows its life, including when the request is cancelled.
pub struct Session {
    in_use: metrics::Gauge,
    _permit: OwnedSemaphorePermit,
}

impl Session {
    fn new(shared: &Shared, permit: OwnedSemaphorePermit) -> Session {
        shared.in_use.increment(1.0);
        Session {
            in_use: shared.in_use.clone(),
            _permit: permit,
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.in_use.decrement(1.0);
    }
}

/// A place in the bounded queue, released on drop (also when the waiting request is cancelled).
struct QueuePlace<'a> {
    shared: &'a Shared,
}

impl<'a> QueuePlace<'a> {
    fn take(shared: &'a Shared) -> Option<QueuePlace<'a>> {
        let taken = shared
            .waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < shared.max_queue).then_some(n + 1)
            })
            .is_ok();
        if !taken {
            return None;
        }
        shared.queued.increment(1.0);
        Some(QueuePlace { shared })
    }
}

impl Drop for QueuePlace<'_> {
    fn drop(&mut self) {
        self.shared.waiting.fetch_sub(1, Ordering::AcqRel);
        self.shared.queued.decrement(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// An inner service that holds every call until the test adds permits to `gate`,
    /// recording the highest number of calls it saw at once.
    #[derive(Clone)]
    struct Gated {
        gate: Arc<Semaphore>,
        now: Arc<AtomicUsize>,
        peak: Arc<AtomicUsize>,
    }

    impl Gated {
        fn new() -> Gated {
            Gated {
                gate: Arc::new(Semaphore::new(0)),
                now: Arc::new(AtomicUsize::new(0)),
                peak: Arc::new(AtomicUsize::new(0)),
            }
        }
    }

    impl Service<u32> for Gated {
        type Response = u32;
        type Error = ConnectorError;
        type Future = Pin<Box<dyn Future<Output = Result<u32, ConnectorError>> + Send>>;
        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), ConnectorError>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, n: u32) -> Self::Future {
            let me = self.clone();
            Box::pin(async move {
                let in_flight = me.now.fetch_add(1, Ordering::SeqCst) + 1;
                me.peak.fetch_max(in_flight, Ordering::SeqCst);
                let permit = me.gate.acquire().await.unwrap();
                permit.forget();
                me.now.fetch_sub(1, Ordering::SeqCst);
                Ok(n)
            })
        }
    }

    fn limited(
        inner: &Gated,
        sessions: usize,
        queue: usize,
        wait: Duration,
    ) -> SessionLimit<Gated> {
        SessionLimitLayer::new("test", sessions, queue, wait).layer(inner.clone())
    }

    #[tokio::test]
    async fn full_queue_is_saturated_at_once_and_the_rest_complete() {
        let inner = Gated::new();
        let svc = limited(&inner, 2, 3, Duration::from_secs(60));
        let mut calls = tokio::task::JoinSet::new();
        for n in 0..10 {
            calls.spawn(svc.clone().oneshot(n));
        }
        // 2 in flight + 3 queued; the other 5 fail without waiting for the gate.
        let mut saturated = 0;
        while saturated < 5 {
            match calls.join_next().await.unwrap().unwrap() {
                Err(ConnectorError::Saturated { retry_after }) => {
                    assert!(retry_after >= Duration::from_secs(1));
                    saturated += 1;
                }
                other => panic!("expected Saturated before the gate opened, got {other:?}"),
            }
        }
        inner.gate.add_permits(100);
        let mut ok = 0;
        while let Some(r) = calls.join_next().await {
            assert!(r.unwrap().is_ok());
            ok += 1;
        }
        assert_eq!(ok, 5);
        // Never more than 2 calls inside the inner service.
        assert_eq!(inner.peak.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn waiting_past_the_queue_timeout_is_saturated() {
        let inner = Gated::new();
        let svc = limited(&inner, 1, 5, Duration::from_millis(20));
        // The first call takes the only session and never finishes.
        let hog = tokio::spawn(svc.clone().oneshot(1));
        while inner.now.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // The second waits in the queue, then gives up.
        let r = svc.clone().oneshot(2).await;
        assert!(matches!(r, Err(ConnectorError::Saturated { .. })), "{r:?}");
        // Its queue place was given back: the queue is empty again.
        assert_eq!(svc.shared.waiting.load(Ordering::SeqCst), 0);
        hog.abort();
    }

    #[tokio::test]
    async fn sessions_are_given_back_on_cancel() {
        let inner = Gated::new();
        let svc = limited(&inner, 1, 0, Duration::from_secs(60));
        // A call holding the session is cancelled (client went away).
        let hog = tokio::spawn(svc.clone().oneshot(1));
        while inner.now.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // Meanwhile, with no queue, a second call is refused at once.
        assert!(matches!(
            svc.clone().oneshot(2).await,
            Err(ConnectorError::Saturated { .. })
        ));
        hog.abort();
        let _ = hog.await;
        // The session is free again.
        inner.gate.add_permits(1);
        assert_eq!(svc.clone().oneshot(3).await.unwrap(), 3);
    }

    #[tokio::test]
    async fn zero_sessions_means_one() {
        // A misconfigured 0 still lets one request through rather than refusing everything.
        let inner = Gated::new();
        inner.gate.add_permits(1);
        let svc = limited(&inner, 0, 0, Duration::from_millis(10));
        assert_eq!(svc.oneshot(7).await.unwrap(), 7);
    }

    #[tokio::test]
    async fn sessions_are_given_back_with_the_answer_on_both_paths() {
        // With a session free the call holds it from `call` on; with none free it queues.
        // Either way the session is free again as soon as the answer is in, while the
        // finished future still exists.
        let inner = Gated::new();
        let mut svc = limited(&inner, 1, 1, Duration::from_secs(5));
        let mut first = Box::pin(svc.call(1));
        assert_eq!(svc.shared.sessions.available_permits(), 0);
        let mut second = Box::pin(svc.call(2));
        inner.gate.add_permits(2);
        assert_eq!((&mut first).await, Ok(1));
        assert_eq!((&mut second).await, Ok(2));
        assert_eq!(svc.shared.sessions.available_permits(), 1);
        assert_eq!(svc.shared.waiting.load(Ordering::SeqCst), 0);
        drop((first, second));
        assert_eq!(svc.shared.sessions.available_permits(), 1);
    }
}
