//! The one function that puts the tower layers around the routes, outermost first.
//!
//! The stack is applied with `Router::layer`, so it runs after routing: every layer
//! sees the matched route pattern (`MatchedPath`) and can label by it, never by the
//! raw path (which holds personal data such as a VRM, and is unbounded).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, Method};
use axum::middleware::{self, Next};
use axum::Router;
use opentelemetry_sdk::trace::SdkTracer;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tracing::Instrument;

use super::audit::AuditLayer;
use super::listener::Cors;
use super::problem::ApiError;
use super::request_log::{request_span, Done};
use super::request_metrics::RequestMetrics;
use crate::audit::AuditLog;
use crate::trace::context::TRACERESPONSE;
use crate::trace::spans::{self, Caller};

/// The header that carries the request id (set here, before any handler runs).
pub const REQUEST_ID: &str = "x-request-id";

/// The request id the stack put on the request, if any.
pub fn request_id(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers.get(REQUEST_ID).and_then(|v| v.to_str().ok())
}

/// The route label for requests no route matched (404s): one bounded value.
const UNMATCHED: &str = "unmatched";

/// Wraps `routes` in the gateway's layers; `audit` is the audit log, if any, and
/// `tracer` where spans start when they are exported.
pub fn apply(
    routes: Router,
    max_body_bytes: usize,
    audit: Option<AuditLog>,
    tracer: Option<SdkTracer>,
) -> Router {
    let id = HeaderName::from_static(REQUEST_ID);
    routes.layer(
        ServiceBuilder::new()
            // Request id first: every later layer, log line and error body can name it;
            // an id the client sent is kept so calls can be traced across systems.
            .layer(SetRequestIdLayer::new(id.clone(), MakeRequestUuid))
            // Copied onto the response right away, so even a 500 from a panic carries it.
            .layer(PropagateRequestIdLayer::new(id))
            // The request's trace, its log span, its `request done` line and the HTTP
            // metrics, outside the panic catcher, so they time, log and count everything
            // below, including the 500 a panic becomes; outside audit, so the audit line
            // has the trace id. (One layer for all: each layer is a boxed service and a
            // boxed future per request.)
            .layer(middleware::from_fn_with_state(
                Arc::new(Observer {
                    metrics: RequestMetrics::default(),
                    tracer,
                }),
                observe,
            ))
            // Audit outside the panic catcher, so a panic is recorded as the 500 it
            // becomes; inside metrics, so a call refused for want of its audit line
            // counts as the 503 it is.
            .layer(AuditLayer(audit))
            // A panic in a handler becomes a 500 problem instead of a dropped connection;
            // the server keeps serving.
            .layer(CatchPanicLayer::custom(panic_response))
            // The body limit the handler's body reader honours (413 beyond it). It only
            // sets a limit; nothing is read until the handler asks.
            .layer(DefaultBodyLimit::max(max_body_bytes)),
    )
}

/// Wraps the whole front service in `[server.cors]`: outside routing, so a preflight
/// `OPTIONS` is answered for any route without reaching the handlers (or auth).
pub fn cors(app: Router, cors: &Cors) -> Router {
    let origins = match &cors.allow_origins {
        None => AllowOrigin::any(),
        Some(list) => AllowOrigin::list(list.iter().cloned()),
    };
    app.layer(
        CorsLayer::new()
            .allow_origin(origins)
            .allow_methods(cors.allow_methods.clone())
            .allow_headers(cors.allow_headers.clone())
            .max_age(cors.max_age),
    )
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

/// What [`observe`] keeps across requests.
struct Observer {
    metrics: RequestMetrics,
    /// Set when spans are exported (`[telemetry]`).
    tracer: Option<SdkTracer>,
}

/// The request's trace and log span around everything inside, then its metrics, its
/// log line (5xx at warn: the handler logs the cause) and its server span.
async fn observe(
    State(observer): State<Arc<Observer>>,
    mut req: Request,
    next: Next,
) -> axum::response::Response {
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or(UNMATCHED, MatchedPath::as_str);
    let method = method_label(req.method());
    // Cheap (a shared buffer): the id must outlive the request, which `next` consumes.
    let id = req.headers().get(REQUEST_ID).cloned();
    let request_id = id.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("");
    let about = spans::Request {
        method,
        route,
        request_id,
    };
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let (traced, server_span) = spans::server(req.headers(), observer.tracer.as_ref(), &about);
    let trace_hex = traced.cx.trace_hex();
    // 32 hex digits: always UTF-8.
    let trace_id = std::str::from_utf8(&trace_hex).unwrap_or_default();
    let trace_response = traced.cx.traceparent(traced.cx.span_id);
    req.extensions_mut().insert(traced);
    let span = request_span(method, route, request_id, trace_id);
    let start = Instant::now();
    let mut res = next.run(req).instrument(span.clone()).await;
    let latency = start.elapsed();
    let status = res.status().as_u16();
    // The caller learns which trace (and which of our spans) answered it.
    res.headers_mut()
        .insert(HeaderName::from_static(TRACERESPONSE), trace_response);
    observer.metrics.record(route, method, status, latency);
    Done {
        method,
        route,
        request_id,
        trace_id,
        status,
        latency,
    }
    .log(&span);
    if let Some(s) = server_span {
        // The caller behind trusted proxies when the route learnt it, else the TCP peer.
        let client = res.extensions().get::<Caller>().map(|c| c.0).or(peer);
        s.finish(status, client);
    }
    res
}

fn panic_response(_payload: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    // The payload may hold anything the panicking code formatted: not logged.
    tracing::error!("handler panicked; answered 500");
    ApiError::Internal.render("", None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    fn app() -> Router {
        let r = Router::new()
            .route("/ok", get(|| async { "ok" }))
            .route(
                "/boom",
                get(|| async {
                    if true {
                        panic!("boom");
                    }
                    "unreachable"
                }),
            )
            .route(
                "/echo",
                axum::routing::post(
                    |body: axum::body::Bytes| async move { body.len().to_string() },
                ),
            );
        apply(r, 8, None, None)
    }

    async fn call(req: Request) -> axum::response::Response {
        app().oneshot(req).await.unwrap()
    }

    #[tokio::test]
    async fn a_given_request_id_is_kept() {
        // The client's id comes back unchanged.
        let req = Request::get("/ok")
            .header(REQUEST_ID, "client-id-42")
            .body(Body::empty())
            .unwrap();
        let res = call(req).await;
        assert_eq!(res.headers()[REQUEST_ID], "client-id-42");
    }

    #[tokio::test]
    async fn a_missing_request_id_is_generated() {
        // Without one, a fresh uuid is set on the response.
        let res = call(Request::get("/ok").body(Body::empty()).unwrap()).await;
        let id = res.headers()[REQUEST_ID].to_str().unwrap().to_string();
        assert_eq!(id.len(), 36, "{id}");
    }

    #[tokio::test]
    async fn a_panic_becomes_a_500_problem_with_the_id() {
        let req = Request::get("/boom")
            .header(REQUEST_ID, "p-1")
            .body(Body::empty())
            .unwrap();
        let res = call(req).await;
        assert_eq!(res.status(), 500);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        assert_eq!(res.headers()[REQUEST_ID], "p-1");
    }

    #[tokio::test]
    async fn every_answer_names_its_trace_even_a_panic() {
        // The caller's trace comes back in `traceresponse`, with a span of ours in it,
        // on the 500 a panic becomes as well.
        let req = Request::get("/boom")
            .header(
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            )
            .body(Body::empty())
            .unwrap();
        let res = call(req).await;
        assert_eq!(res.status(), 500);
        let t = res.headers()[TRACERESPONSE].to_str().unwrap();
        assert!(t.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"), "{t}");
        assert!(t.ends_with("-01"), "{t}");
        assert!(!t.contains("00f067aa0ba902b7"), "{t}");
        // No traceparent: a trace of its own, unsampled (nothing records it).
        let res = call(Request::get("/ok").body(Body::empty()).unwrap()).await;
        let t = res.headers()[TRACERESPONSE].to_str().unwrap();
        assert_eq!(t.len(), 55, "{t}");
        assert!(t.ends_with("-00"), "{t}");
    }

    #[tokio::test]
    async fn the_body_limit_applies() {
        // 9 bytes against a limit of 8: the extractor refuses with 413.
        let req = Request::post("/echo")
            .body(Body::from("123456789"))
            .unwrap();
        assert_eq!(call(req).await.status(), 413);
        let req = Request::post("/echo").body(Body::from("12345678")).unwrap();
        assert_eq!(call(req).await.status(), 200);
    }

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
        assert_eq!(method_label(&Method::GET), "GET");
    }
}
