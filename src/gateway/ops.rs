//! The operator endpoints: `/healthz` (the process serves), `/readyz` (every backend
//! reachable), `/metrics` (Prometheus text), and the metrics recorder behind it; the
//! API description: `/openapi.json` and `/docs` (the try-it page of
//! `crate::openapi::docs`); and `/favicon.ico`, which browsers ask for on every page.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::backend;
use super::backend::breaker::{Breaker, CircuitState};
use super::problem::ApiError;
use super::stack::request_id;
use crate::config::BackendSpec;
use crate::telemetry;

/// Paths the gateway serves itself; a configured route may not take them (the API
/// description's too, even with `server.docs = false`, so turning it on never clashes).
pub const RESERVED: [&str; 6] = [
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/docs",
    "/favicon.ico",
];

/// Latency buckets (seconds): legacy hosts answer in ms to seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the Prometheus recorder as the global one (once per process) and returns
/// the handle `/metrics` renders. `None` if another recorder holds the global slot.
pub fn install_metrics() -> Option<PrometheusHandle> {
    if let Some(h) = HANDLE.get() {
        return Some(h.clone());
    }
    let builder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(telemetry::REQUEST_SECONDS.into()), &BUCKETS)
        .and_then(|b| {
            b.set_buckets_for_metric(Matcher::Full(telemetry::BACKEND_SECONDS.into()), &BUCKETS)
        });
    match builder.and_then(PrometheusBuilder::install_recorder) {
        Ok(h) => {
            let _ = HANDLE.set(h.clone());
            telemetry::describe();
            // Histograms are kept in windows that need draining now and then.
            let upkeep = h.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(5));
                loop {
                    tick.tick().await;
                    upkeep.run_upkeep();
                }
            });
            Some(h)
        }
        Err(e) => {
            tracing::warn!(error = %e, "metrics recorder not installed; /metrics stays empty");
            None
        }
    }
}

/// `/favicon.ico`: 204, no body. A browser on `/docs` asks for it with every page view;
/// unanswered, each ask was an audited 404 of an "unrouted" call that nobody made.
pub async fn favicon() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

pub async fn healthz() -> Response {
    json_ok("{\"status\":\"ok\"}\n")
}

/// What `/readyz` checks: each backend and its circuit breaker, if it has one.
pub type Readiness = Arc<Vec<(Arc<BackendSpec>, Option<Arc<Breaker>>)>>;

/// 200 when every backend answers its probe and no circuit breaker is open, else 503
/// naming the ones that do not (`name (circuit open)` for a breaker).
pub async fn readyz(backends: Readiness, req: Request) -> Response {
    let mut probes = tokio::task::JoinSet::new();
    let mut down = Vec::new();
    for (spec, breaker) in backends.iter() {
        if let Some(state) = breaker.as_ref().map(|b| b.state()) {
            if state != CircuitState::Closed {
                down.push(format!("{} (circuit {})", spec.name, state.name()));
                continue;
            }
        }
        let spec = spec.clone();
        probes.spawn(async move { (backend::probe(&spec).await, spec.name.clone()) });
    }
    while let Some(done) = probes.join_next().await {
        match done {
            Ok((true, _)) => {}
            Ok((false, name)) => down.push(name),
            // A probe that panicked tells nothing good about its backend.
            Err(_) => down.push("(probe failed)".into()),
        }
    }
    if down.is_empty() {
        return json_ok("{\"status\":\"ready\"}\n");
    }
    down.sort_unstable();
    tracing::warn!(backends = %down.join(","), "not ready");
    ApiError::NotReady(down).render(req.uri().path(), request_id(req.headers()))
}

pub async fn docs() -> Response {
    crate::openapi::docs::page()
}

pub async fn metrics(handle: Option<PrometheusHandle>) -> Response {
    let text = handle.map(|h| h.render()).unwrap_or_default();
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

/// `/openapi.json`: the document of the live config, serialised when it was built.
pub async fn openapi(document: axum::body::Bytes) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        document,
    )
        .into_response()
}

fn json_ok(body: &'static str) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}
