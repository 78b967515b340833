//! The audit layer around a stack: lines for API calls (also when they panic and when
//! no route takes them), none for operator endpoints, fail closed.

use axum::body::Body;
use axum::extract::Request;
use axum::routing::get;
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;

use super::*;
use crate::audit::AuditConfig;
use crate::gateway::route::refuse_unrouted;
use crate::gateway::stack;

/// `/v/{vrm}` panics in a plain handler (no catcher of its own); `/healthz` answers;
/// anything else is refused as unrouted.
fn app(log: AuditLog) -> Router {
    let r = Router::new()
        .route(
            "/v/{vrm}",
            get(|| async {
                if true {
                    panic!("handler bug");
                }
                "unreachable"
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .fallback(|req: Request| refuse_unrouted(ApiError::NotFound, req));
    stack::apply(r, 1024, Some(log), None)
}

fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn a_panic_below_the_audit_layer_is_audited_as_its_500() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let log = AuditLog::open(AuditConfig::new(&path)).unwrap();
    let req = Request::get("/v/AB12")
        .header(REQUEST_ID, "p-7")
        .body(Body::empty())
        .unwrap();
    let res = app(log).oneshot(req).await.unwrap();
    assert_eq!(res.status(), 500);
    let got = lines(&path);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["status"], 500);
    assert_eq!(got[0]["request_id"], "p-7");
    // The route pattern, never the concrete path (which holds the VRM).
    assert_eq!(got[0]["route"], "/v/{vrm}");
    assert_eq!(got[0]["method"], "GET");
    assert!(!std::fs::read_to_string(&path).unwrap().contains("AB12"));
}

#[tokio::test]
async fn unrouted_calls_are_audited_and_operator_endpoints_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let log = AuditLog::open(AuditConfig::new(&path)).unwrap();
    let app = app(log);
    let res = app
        .clone()
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .oneshot(Request::get("/nope/SECRET").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let got = lines(&path);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["route"], UNROUTED);
    assert_eq!(got[0]["status"], 404);
}

#[tokio::test]
async fn without_a_log_the_layer_passes_calls_through() {
    // No slot is put in the request: the handler sees none.
    let r = Router::new().route(
        "/s",
        get(|req: Request| async move { AuditSlot::of(&req).is_some().to_string() }),
    );
    let res = stack::apply(r, 1024, None, None)
        .oneshot(Request::get("/s").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let body = axum::body::to_bytes(res.into_body(), 64).await.unwrap();
    assert_eq!(&body[..], b"false");
}
