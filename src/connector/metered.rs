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
    S::Future: Send + 'static,
    S::Response: Send + 'static,
{
    type Response = S::Response;
    type Error = ConnectorError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, ConnectorError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ConnectorError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Req) -> Self::Future {
        let (backend, ok) = (self.backend.clone(), self.ok.clone());
        let fut = self.inner.call(req);
        Box::pin(async move {
            let started = Instant::now();
            let out = fut.await;
            let took = started.elapsed().as_secs_f64();
            match &out {
                Ok(_) => ok.record(took),
                Err(e) => {
                    metrics::histogram!(BACKEND_SECONDS, "backend" => backend.to_string(), "outcome" => e.kind())
                        .record(took);
                    metrics::counter!(BACKEND_ERRORS_TOTAL, "backend" => backend.to_string(), "kind" => e.kind())
                        .increment(1);
                }
            }
            out
        })
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
}
