//! The one function that puts the tower layers around the routes, outermost first.
//!
//! The stack is applied with `Router::layer`, so it runs after routing: every layer
//! sees the matched route pattern (`MatchedPath`) and can label by it, never by the
//! raw path (which holds personal data such as a VRM, and is unbounded).

use axum::extract::DefaultBodyLimit;
use axum::http::HeaderName;
use axum::Router;
use opentelemetry_sdk::trace::SdkTracer;
use tower::{Layer, ServiceBuilder};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::audit::AuditLayer;
use super::listener::Cors;
use super::observe::ObserveLayer;
use super::problem::ApiError;
use crate::audit::AuditLog;

/// The header that carries the request id (set here, before any handler runs). A
/// `HeaderName`, not text: a lookup by `&str` parses and checks the name every time.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request id the stack put on the request, if any.
pub fn request_id(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers.get(REQUEST_ID).and_then(|v| v.to_str().ok())
}

/// Wraps `routes` in the gateway's layers; `audit` is the audit log, if any, and
/// `tracer` where spans start when they are exported.
pub fn apply(
    routes: Router,
    max_body_bytes: usize,
    audit: Option<AuditLog>,
    tracer: Option<SdkTracer>,
) -> Router {
    routes.layer(
        ServiceBuilder::new()
            // The request id first (every later layer, log line and error body can name
            // it; an id the client sent is kept so calls can be traced across systems),
            // then the request's trace, its log span, its `request done` line and the
            // HTTP metrics, outside the panic catcher, so they time, log and count
            // everything below, including the 500 a panic becomes (which carries the id
            // and the trace too); outside audit, so the audit line has both ids. One
            // layer for all: each layer was a wrapped (often boxed) future per request.
            .layer(ObserveLayer::new(tracer))
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
pub fn cors<S>(app: S, cors: &Cors) -> tower_http::cors::Cors<S> {
    let origins = match &cors.allow_origins {
        None => AllowOrigin::any(),
        Some(list) => AllowOrigin::list(list.iter().cloned()),
    };
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods(cors.allow_methods.clone())
        .allow_headers(cors.allow_headers.clone())
        .max_age(cors.max_age)
        .layer(app)
}

fn panic_response(_payload: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    // The payload may hold anything the panicking code formatted: not logged.
    tracing::error!("handler panicked; answered 500");
    ApiError::Internal.render("", None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::context::TRACERESPONSE;
    use axum::body::Body;
    use axum::extract::Request;
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
                // The id as the handler sees it.
                "/id",
                get(|req: Request| async move { req.headers()[REQUEST_ID].as_bytes().to_vec() }),
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
    async fn the_id_is_set_before_the_handler_runs() {
        // Generated: the handler sees the id the caller gets back.
        let res = call(Request::get("/id").body(Body::empty()).unwrap()).await;
        let answered = res.headers()[REQUEST_ID].as_bytes().to_vec();
        let seen = axum::body::to_bytes(res.into_body(), 100).await.unwrap();
        assert_eq!(seen, answered);
        assert_eq!(answered.len(), 36);
    }

    #[tokio::test]
    async fn a_client_id_that_is_not_text_is_kept_as_sent() {
        // Valid as a header value (obs-text), not UTF-8: kept byte for byte, not replaced.
        let sent = axum::http::HeaderValue::from_bytes(b"caf\xe9-7").unwrap();
        let req = Request::get("/id")
            .header(REQUEST_ID, sent.clone())
            .body(Body::empty())
            .unwrap();
        let res = call(req).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()[REQUEST_ID], sent);
        let seen = axum::body::to_bytes(res.into_body(), 100).await.unwrap();
        assert_eq!(seen, sent.as_bytes());
        // Empty is a value too.
        let req = Request::get("/ok")
            .header(REQUEST_ID, "")
            .body(Body::empty())
            .unwrap();
        assert_eq!(call(req).await.headers()[REQUEST_ID], "");
    }

    #[tokio::test]
    async fn a_panic_without_a_client_id_still_answers_with_one() {
        let res = call(Request::get("/boom").body(Body::empty()).unwrap()).await;
        assert_eq!(res.status(), 500);
        assert_eq!(res.headers()[REQUEST_ID].len(), 36);
        assert_eq!(res.headers().get_all(REQUEST_ID).iter().count(), 1);
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
}
