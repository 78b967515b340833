//! The outermost layer of the stack: the request id ([`super::request_id`]), then the
//! request's trace and log span around everything inside, and at the end its metrics,
//! its `request done` line (5xx at warn: the handler logs the cause), its server span and
//! the `traceresponse` and `x-request-id` headers of the answer.
//!
//! One hand-written service with a named future: as `middleware::from_fn` plus
//! tower-http's two request-id layers it cost three boxes, four future wrappers and a
//! formatted uuid string per request.

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Instant;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::http::{self, HeaderName, HeaderValue, Method};
use axum::response::Response;
use axum::BoxError;
use opentelemetry_sdk::trace::SdkTracer;
use tower::{Layer, Service};
use tracing::instrument::Instrumented;
use tracing::{Instrument, Span};

use super::request_id;
use super::request_log::{request_span, Done};
use super::request_metrics::RequestMetrics;
use crate::trace::context::TRACERESPONSE;
use crate::trace::spans::{self, Caller, ServerSpan};

/// The route label for requests no route matched (404s): one bounded value.
const UNMATCHED: &str = "unmatched";

/// The header naming the trace that answered (built once, not per answer).
const TRACE_RESPONSE: HeaderName = HeaderName::from_static(TRACERESPONSE);

/// Puts [`Observe`] around a service.
#[derive(Clone)]
pub struct ObserveLayer(Arc<Observer>);

impl ObserveLayer {
    /// `tracer`: where server spans start when spans are exported (`[telemetry]`).
    pub fn new(tracer: Option<SdkTracer>) -> ObserveLayer {
        ObserveLayer(Arc::new(Observer {
            metrics: RequestMetrics::default(),
            tracer,
        }))
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            inner,
            observer: self.0.clone(),
        }
    }
}

/// What the layer keeps across requests (one per built stack: a reload starts afresh).
struct Observer {
    metrics: RequestMetrics,
    /// Set when spans are exported (`[telemetry]`).
    tracer: Option<SdkTracer>,
}

/// See the module doc.
#[derive(Clone)]
pub struct Observe<S> {
    inner: S,
    observer: Arc<Observer>,
}

impl<S, B> Service<Request> for Observe<S>
where
    S: Service<Request, Response = http::Response<B>, Error = Infallible>,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Observed<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Observed<S::Future> {
        // First: every later layer, log line and error body can name it.
        let id = request_id::ensure(req.headers_mut());
        let matched = req.extensions().get::<MatchedPath>().cloned();
        let route = matched.as_ref().map_or(UNMATCHED, MatchedPath::as_str);
        let method = method_label(req.method());
        let request_id = id.to_str().unwrap_or("");
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let about = spans::Request {
            method,
            route,
            request_id,
        };
        let (traced, server_span) =
            spans::server(req.headers(), self.observer.tracer.as_ref(), &about);
        let trace_hex = traced.cx.trace_hex();
        // 32 hex digits: always UTF-8.
        let trace_id = std::str::from_utf8(&trace_hex).unwrap_or_default();
        let span = request_span(method, route, request_id, trace_id);
        let trace_response = traced.cx.traceparent(traced.cx.span_id);
        req.extensions_mut().insert(traced);
        let started = Instant::now();
        Observed {
            inner: self.inner.call(req).instrument(span),
            ending: Some(Ending {
                observer: self.observer.clone(),
                matched,
                method,
                id,
                trace_hex,
                trace_response,
                server_span,
                peer,
                started,
            }),
        }
    }
}

pin_project_lite::pin_project! {
    /// The call inside, in the request's span; then [`Ending::finish`].
    pub struct Observed<F> {
        #[pin]
        inner: Instrumented<F>,
        ending: Option<Ending>,
    }
}

impl<F, B> Future for Observed<F>
where
    F: Future<Output = Result<http::Response<B>, Infallible>>,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let res = match ready!(this.inner.as_mut().poll(cx)) {
            Ok(res) => res,
            Err(never) => match never {},
        };
        // (A move when the body is ours already; else boxed, as any layer's answer is.)
        let res = res.map(Body::new);
        let span = this.inner.as_ref().get_ref().span();
        Poll::Ready(Ok(match this.ending.take() {
            Some(ending) => ending.finish(span, res),
            None => res,
        }))
    }
}

/// What the end of the call needs from its start.
struct Ending {
    observer: Arc<Observer>,
    matched: Option<MatchedPath>,
    method: &'static str,
    id: HeaderValue,
    trace_hex: [u8; 32],
    trace_response: HeaderValue,
    server_span: Option<ServerSpan>,
    /// The TCP peer's address.
    peer: Option<IpAddr>,
    started: Instant,
}

impl Ending {
    fn finish(self, span: &Span, mut res: Response) -> Response {
        let latency = self.started.elapsed();
        let status = res.status().as_u16();
        let route = self.matched.as_ref().map_or(UNMATCHED, MatchedPath::as_str);
        // The caller learns which trace (and which of our spans) answered it.
        res.headers_mut()
            .insert(TRACE_RESPONSE, self.trace_response);
        self.observer
            .metrics
            .record(route, self.method, status, latency);
        Done {
            method: self.method,
            route,
            request_id: self.id.to_str().unwrap_or(""),
            trace_id: std::str::from_utf8(&self.trace_hex).unwrap_or_default(),
            status,
            latency,
        }
        .log(span);
        if let Some(s) = self.server_span {
            // The caller behind trusted proxies when the route learnt it, else the TCP peer.
            let client = res.extensions().get::<Caller>().map(|c| c.0).or(self.peer);
            s.finish(status, client);
        }
        // Last, as the layer that used to copy it did: even a 500 from a panic has it.
        request_id::answer(res.headers_mut(), self.id);
        res
    }
}

/// Method names as metric labels: the standard ones, `other` for anything a client invents.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
        assert_eq!(method_label(&Method::GET), "GET");
    }
}
