//! The HTTP client the OTLP exporter posts through: the gateway's own hyper client, so
//! exporting adds no second HTTP stack (nor TLS stack) to the binary.
//!
//! The SDK's batch processor exports on a thread of its own, outside any tokio runtime;
//! each post is spawned onto the gateway's runtime (captured at start) and awaited from
//! there, bounded by the export timeout.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use opentelemetry_http::{HttpClient, HttpError, Request, Response};

use std::sync::Arc;

use crate::connector::http::{client, HttpClient as Hyper};
use crate::connector::tls::BackendTls;

/// The largest collector answer read (an `ExportTraceServiceResponse` is a few bytes).
const MAX_ANSWER: usize = 64 * 1024;

/// See the module doc.
#[derive(Debug)]
pub struct OtlpClient {
    hyper: Hyper,
    runtime: tokio::runtime::Handle,
    timeout: Duration,
}

impl OtlpClient {
    /// Call inside the gateway's runtime: posts run there. `tls` for an https collector.
    pub fn new(
        runtime: tokio::runtime::Handle,
        timeout: Duration,
        tls: Option<Arc<BackendTls>>,
    ) -> OtlpClient {
        OtlpClient {
            // One connection to the collector is plenty: one batch is posted at a time.
            hyper: client(tls, timeout, 1),
            runtime,
            timeout,
        }
    }

    async fn post(hyper: Hyper, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let (parts, body) = request.into_parts();
        let answer = hyper
            .request(Request::from_parts(parts, Full::new(body)))
            .await?;
        let (parts, body) = answer.into_parts();
        let body = Limited::new(body, MAX_ANSWER).collect().await?.to_bytes();
        Ok(Response::from_parts(parts, body))
    }
}

/// A post that ran out of time.
#[derive(Debug, thiserror::Error)]
#[error("no answer from the collector within {0:?}")]
struct TimedOut(Duration);

impl HttpClient for OtlpClient {
    // `HttpClient` is an `async_trait`: its method returns a boxed future.
    fn send_bytes<'a, 'f>(
        &'a self,
        request: Request<Bytes>,
    ) -> Pin<Box<dyn Future<Output = Result<Response<Bytes>, HttpError>> + Send + 'f>>
    where
        'a: 'f,
        Self: 'f,
    {
        let (hyper, timeout) = (self.hyper.clone(), self.timeout);
        let posted = self.runtime.spawn(async move {
            tokio::time::timeout(timeout, Self::post(hyper, request))
                .await
                .unwrap_or_else(|_| Err(Box::new(TimedOut(timeout))))
        });
        Box::pin(async move { posted.await.map_err(|e| Box::new(e) as HttpError)? })
    }
}
