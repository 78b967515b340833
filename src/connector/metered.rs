//! Backend metrics: one latency sample per exchange (`outcome` = `ok` or the error kind)
//! and an error counter by kind, labelled with the backend's name only.
//!
//! It sits outermost in the backend stack, so time spent queueing for a session counts
//! (that is what the caller waits) and `saturated` refusals are counted like any other error.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use tower::{Layer, Service};

use super::ConnectorError;
use crate::telemetry::{BACKEND_ERRORS_TOTAL, BACKEND_SECONDS};

/// Builds [`Metered`] services for one backend.
#[derive(Clone, Debug)]
pub struct MeteredLayer {
    backend: Arc<str>,
    /// The `outcome="ok"` series, registered once: the one every good exchange records to.
    ok: metrics::Histogram,
}

impl MeteredLayer {
    /// Call after the metrics recorder is installed: handles taken before it are no-ops.
    pub fn new(backend: &str) -> MeteredLayer {
        MeteredLayer {
            backend: backend.into(),
            ok: metrics::histogram!(BACKEND_SECONDS, "backend" => backend.to_string(), "outcome" => "ok"),
        }
    }
}

impl<S> Layer<S> for MeteredLayer {
    type Service = Metered<S>;
    fn layer(&self, inner: S) -> Metered<S> {
        Metered {
            inner,
            backend: self.backend.clone(),
            ok: self.ok.clone(),
        }
    }
}

/// Records how long each exchange took and how it ended.
#[derive(Clone, Debug)]
pub struct Metered<S> {
    inner: S,
    backend: Arc<str>,
    ok: metrics::Histogram,
}

impl<S, Req> Service<Req> for Metered<S>
where
    S: Service<Req, Error = ConnectorError>,
{
    type Response = S::Response;
    type Error = ConnectorError;
    type Future = MeteredFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ConnectorError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Req) -> Self::Future {
        MeteredFuture {
            // Taken when the exchange is asked for: queueing inside counts.
            started: Instant::now(),
            inner: self.inner.call(req),
            backend: self.backend.clone(),
            ok: self.ok.clone(),
        }
    }
}

pin_project_lite::pin_project! {
    /// One exchange being timed: a named future, not a boxed one (one allocation and
    /// one move of the inner future less per call).
    pub struct MeteredFuture<F> {
        #[pin]
        inner: F,
        started: Instant,
        backend: Arc<str>,
        ok: metrics::Histogram,
    }
}

impl<F, R> Future for MeteredFuture<F>
where
    F: Future<Output = Result<R, ConnectorError>>,
{
    type Output = Result<R, ConnectorError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Poll::Ready(out) = this.inner.poll(cx) else {
            return Poll::Pending;
        };
        let took = this.started.elapsed().as_secs_f64();
        match &out {
            Ok(_) => this.ok.record(took),
            Err(e) => {
                let backend = this.backend.to_string();
                metrics::histogram!(BACKEND_SECONDS, "backend" => backend.clone(), "outcome" => e.kind())
                    .record(took);
                metrics::counter!(BACKEND_ERRORS_TOTAL, "backend" => backend, "kind" => e.kind())
                    .increment(1);
            }
        }
        Poll::Ready(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::{service_fn, ServiceExt};

    #[tokio::test]
    async fn passes_results_through() {
        // Success and failure come out unchanged; the metrics go to whatever recorder is set.
        let ok =
            MeteredLayer::new("b").layer(service_fn(
                |n: u8| async move { Ok::<_, ConnectorError>(n) },
            ));
        assert_eq!(ok.oneshot(4).await.unwrap(), 4);
        let bad = MeteredLayer::new("b").layer(service_fn(|_: u8| async move {
            Err::<u8, _>(ConnectorError::Program("exit 3".into()))
        }));
        assert_eq!(
            bad.oneshot(4).await,
            Err(ConnectorError::Program("exit 3".into()))
        );
    }

    #[test]
    fn every_exchange_is_timed_under_its_outcome() {
        // Two good exchanges and a failed one (after a pending poll): the ok series, the
        // error's series and its counter, each with the backend's name.
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .unwrap();
            rt.block_on(async {
                let layer = MeteredLayer::new("hostA");
                let ok = layer.layer(service_fn(
                    |n: u8| async move { Ok::<_, ConnectorError>(n) },
                ));
                assert_eq!(ok.clone().oneshot(1).await, Ok(1));
                assert_eq!(ok.oneshot(2).await, Ok(2));
                let bad = layer.layer(service_fn(|_: u8| async move {
                    tokio::task::yield_now().await;
                    Err::<u8, _>(ConnectorError::Timeout(std::time::Duration::from_millis(5)))
                }));
                assert!(bad.oneshot(3).await.is_err());
            });
        });
        let text = handle.render();
        let has = |l: &str| text.lines().any(|t| t == l);
        assert!(
            has(r#"ferrule_backend_duration_seconds_count{backend="hostA",outcome="ok"} 2"#),
            "{text}"
        );
        assert!(
            has(r#"ferrule_backend_duration_seconds_count{backend="hostA",outcome="timeout"} 1"#),
            "{text}"
        );
        assert!(
            has(r#"ferrule_backend_errors_total{backend="hostA",kind="timeout"} 1"#),
            "{text}"
        );
    }
}
