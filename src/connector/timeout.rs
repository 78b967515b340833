//! The exchange timeout every backend has (`timeout_ms`): the whole exchange with the
//! host, connecting included, or `Timeout` (504).
//!
//! One layer for every kind of connector: dropping the connector's future is how an
//! exchange is abandoned, and each connector cleans up on drop (the tcp connection is not
//! pooled, the exec program's process group is killed).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tower::{Layer, Service};

use super::ConnectorError;

/// Builds [`Timeout`] services with one backend's `timeout`.
#[derive(Clone, Copy, Debug)]
pub struct TimeoutLayer {
    timeout: Duration,
}

impl TimeoutLayer {
    pub fn new(timeout: Duration) -> TimeoutLayer {
        TimeoutLayer { timeout }
    }

    /// This layer around `inner` (`Layer::layer`, named for call sites without the trait).
    pub fn layer_on<S>(self, inner: S) -> Timeout<S> {
        Timeout {
            inner,
            timeout: self.timeout,
        }
    }
}

impl<S> Layer<S> for TimeoutLayer {
    type Service = Timeout<S>;
    fn layer(&self, inner: S) -> Timeout<S> {
        self.layer_on(inner)
    }
}

/// Fails an exchange that is not over within `timeout` with [`ConnectorError::Timeout`].
#[derive(Clone, Debug)]
pub struct Timeout<S> {
    inner: S,
    timeout: Duration,
}

impl<S, Req> Service<Req> for Timeout<S>
where
    S: Service<Req, Error = ConnectorError>,
{
    type Response = S::Response;
    type Error = ConnectorError;
    type Future = Timed<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ConnectorError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Req) -> Self::Future {
        Timed {
            inner: tokio::time::timeout(self.timeout, self.inner.call(req)),
            timeout: self.timeout,
        }
    }
}

pin_project_lite::pin_project! {
    /// An exchange with its deadline: a named future, not a boxed one (one allocation
    /// and one move of the inner future less per call).
    pub struct Timed<F> {
        #[pin]
        inner: tokio::time::Timeout<F>,
        timeout: Duration,
    }
}

impl<F, R> Future for Timed<F>
where
    F: Future<Output = Result<R, ConnectorError>>,
{
    type Output = Result<R, ConnectorError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match this.inner.poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(out) => {
                Poll::Ready(out.unwrap_or(Err(ConnectorError::Timeout(*this.timeout))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::{service_fn, ServiceExt};

    #[tokio::test]
    async fn a_slow_exchange_is_a_timeout_and_a_quick_one_passes() {
        // Never answers: the timeout's error, naming the configured time.
        let stuck = TimeoutLayer::new(Duration::from_millis(20)).layer_on(service_fn(|_: u8| {
            std::future::pending::<Result<u8, ConnectorError>>()
        }));
        assert_eq!(
            stuck.oneshot(1).await,
            Err(ConnectorError::Timeout(Duration::from_millis(20)))
        );
        // Answers (or fails) at once: passed through unchanged.
        let quick =
            TimeoutLayer::new(Duration::from_secs(20)).layer_on(service_fn(|n: u8| async move {
                Ok::<_, ConnectorError>(n)
            }));
        assert_eq!(quick.oneshot(7).await, Ok(7));
        let failing =
            TimeoutLayer::new(Duration::from_secs(20)).layer_on(service_fn(|_: u8| async move {
                Err::<u8, _>(ConnectorError::Program("exit 1".into()))
            }));
        assert_eq!(
            failing.oneshot(7).await,
            Err(ConnectorError::Program("exit 1".into()))
        );
    }
}
