//! From a validated [`Gateway`] to the live state the server dispatches through: the
//! backend services and an axum `Router` of the configured routes, wrapped in the stack.
//!
//! The live state sits in an `ArcSwap`. Each request takes the current `Arc<Live>` and
//! keeps it to the end, so a reload swaps the state without touching calls in flight;
//! backends whose connection settings did not change keep their service (and pool).

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::extract::Request;
use axum::http::Method;
use axum::routing::{get, MethodFilter, MethodRouter};
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;

use super::backend::breaker::Breaker;
use super::backend::{self, BackendService};
use super::guard::Guard;
use super::problem::ApiError;
use super::route::{self, codecs, RouteCtx};
use super::{ops, stack};
use crate::config::{BackendSpec, Gateway, Problem, RouteSpec};
use crate::trace::Exporter;

/// One backend as served: its spec and the service that talks to it.
pub struct Backend {
    pub spec: Arc<BackendSpec>,
    pub service: BackendService,
    /// Its circuit breaker, when configured (kept with the service across reloads).
    pub breaker: Option<Arc<Breaker>>,
}

/// Everything one config version serves with.
pub struct Live {
    pub gateway: Gateway,
    pub backends: Vec<Backend>,
    /// The routes and operator endpoints, wrapped in the layer stack.
    pub app: Router,
    /// How many backend services were carried over from the previous state.
    pub kept_backends: usize,
    /// Authenticator, rate limiter and audit log.
    pub guard: Arc<Guard>,
    /// Span export (`[telemetry]`): started with the first config and kept by reloads.
    pub exporter: Option<Arc<Exporter>>,
}

/// The swappable live state.
pub type Shared = Arc<ArcSwap<Live>>;

/// Builds the live state for `gateway`, reusing `previous`'s backend services where the
/// connection settings are the same.
pub fn build(
    gateway: Gateway,
    previous: Option<&Live>,
    metrics: Option<PrometheusHandle>,
) -> Result<Live, Vec<Problem>> {
    let problems = path_problems(&gateway.routes);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut kept_backends = 0;
    let backends: Vec<Backend> = gateway
        .backends
        .iter()
        .map(|spec| {
            let kept = previous.and_then(|p| {
                p.backends
                    .iter()
                    .find(|b| same_connection(&b.spec, spec))
                    .map(|b| (b.service.clone(), b.breaker.clone()))
            });
            kept_backends += usize::from(kept.is_some());
            let (service, breaker) = kept.unwrap_or_else(|| backend::served(spec));
            Backend {
                spec: spec.clone(),
                service,
                breaker,
            }
        })
        .collect();
    let guard = Arc::new(Guard::build(
        &gateway.security,
        previous.map(|p| p.guard.as_ref()),
    )?);
    let exporter = exporter(&gateway, previous)?;
    // axum panics on a path it cannot route; `path_problems` rules those out, and this
    // turns anything it missed into a rejected config rather than a dead server.
    let app = std::panic::catch_unwind(AssertUnwindSafe(|| {
        routes(&gateway, &backends, &guard, metrics, exporter.as_deref())
    }))
    .map_err(|_| {
        vec![Problem {
            path: "route".into(),
            message: "the route paths cannot be routed together".into(),
        }]
    })??;
    Ok(Live {
        gateway,
        backends,
        app,
        kept_backends,
        guard,
        exporter,
    })
}

/// The span exporter: the running one on a reload (it is read at start, like the
/// listener), else a new one when `[telemetry]` names a collector.
fn exporter(
    gateway: &Gateway,
    previous: Option<&Live>,
) -> Result<Option<Arc<Exporter>>, Vec<Problem>> {
    if let Some(p) = previous {
        let running = p.exporter.as_ref().map(|e| &e.settings);
        if running != gateway.telemetry.as_ref() {
            tracing::warn!("[telemetry] changed: the new settings take effect on restart");
        }
        return Ok(p.exporter.clone());
    }
    let Some(settings) = &gateway.telemetry else {
        return Ok(None);
    };
    Exporter::start(settings)
        .map(|e| Some(Arc::new(e)))
        .map_err(|message| {
            vec![Problem {
                path: "telemetry.otlp_endpoint".into(),
                message,
            }]
        })
}

fn routes(
    gateway: &Gateway,
    backends: &[Backend],
    guard: &Arc<Guard>,
    metrics: Option<PrometheusHandle>,
    exporter: Option<&Exporter>,
) -> Result<Router, Vec<Problem>> {
    let mut by_path: BTreeMap<&str, MethodRouter> = BTreeMap::new();
    let mut problems = Vec::new();
    for (i, spec) in gateway.routes.iter().enumerate() {
        let (Some(filter), Some(b)) = (method_filter(&spec.method), backends.get(spec.backend))
        else {
            problems.push(Problem {
                path: format!("route[{i}]"),
                message: "unknown method or backend".into(),
            });
            continue;
        };
        let (view, one_pass) = codecs::route_view(spec, &b.spec);
        let ctx = Arc::new(RouteCtx {
            spec: spec.clone(),
            backend: b.spec.clone(),
            service: b.service.clone(),
            guard: guard.clone(),
            view,
            one_pass,
            codecs: codecs::Codecs::default(),
        });
        let entry = by_path.remove(spec.path.as_str()).unwrap_or_default();
        let entry = entry.on(filter, move |req: Request| route::handle(ctx, req));
        by_path.insert(spec.path.as_str(), entry);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut router = Router::new().route("/favicon.ico", get(ops::favicon));
    // With `admin_listen` the operator endpoints live there instead (`admin`).
    if gateway.admin_listen.is_none() {
        let specs = readiness(backends);
        router = router
            .route("/healthz", get(ops::healthz))
            .route(
                "/readyz",
                get(move |req: Request| ops::readyz(specs.clone(), req)),
            )
            .route("/metrics", get(move || ops::metrics(metrics.clone())));
    }
    if gateway.docs {
        // Built once per config version: a reload serves the new routes' description.
        let document = serde_json::to_vec(&crate::openapi::document(gateway))
            .map(|mut d| {
                d.push(b'\n');
                axum::body::Bytes::from(d)
            })
            .unwrap_or_default();
        router = router
            .route("/openapi.json", get(move || ops::openapi(document.clone())))
            .route("/docs", get(ops::docs));
    }
    for (path, methods) in by_path {
        router = router.route(path, methods);
    }
    let router = router
        .fallback(|req: Request| route::refuse_unrouted(ApiError::NotFound, req))
        .method_not_allowed_fallback(|req: Request| {
            route::refuse_unrouted(ApiError::MethodNotAllowed, req)
        });
    let app = stack::apply(
        router,
        gateway.max_body_bytes,
        guard.audit.clone(),
        exporter.map(|e| e.tracer().clone()),
    );
    // Handlers (and the layers around them) become routes here, once per config version:
    // a `Router<()>` left as built keeps them boxed and makes each one a route again on
    // every call (three boxed clones, the stack layered anew, a box for the route).
    Ok(app.with_state(()))
}

fn method_filter(method: &str) -> Option<MethodFilter> {
    MethodFilter::try_from(Method::from_bytes(method.as_bytes()).ok()?).ok()
}

/// Whether a running backend service can serve `new` as is: the same name (metrics
/// labels) and connection settings. Codec settings are read per request from the spec,
/// so changing them does not need a new service.
/// What `/readyz` checks for these backends.
pub fn readiness(backends: &[Backend]) -> ops::Readiness {
    Arc::new(
        backends
            .iter()
            .map(|b| (b.spec.clone(), b.breaker.clone()))
            .collect(),
    )
}

/// The operator endpoints alone, on the live state of the moment (`[server] admin_listen`).
pub fn admin(shared: Shared, metrics: Option<PrometheusHandle>) -> Router {
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route(
            "/readyz",
            get(move |req: Request| {
                let specs = readiness(&shared.load().backends);
                ops::readyz(specs, req)
            }),
        )
        .route("/metrics", get(move || ops::metrics(metrics.clone())))
}

fn same_connection(old: &BackendSpec, new: &BackendSpec) -> bool {
    old.name == new.name
        && old.kind == new.kind
        && old.framing == new.framing
        && old.max_sessions == new.max_sessions
        && old.max_queue == new.max_queue
        && old.queue_timeout == new.queue_timeout
        && old.timeout == new.timeout
        && old.connect_timeout == new.connect_timeout
        && old.breaker == new.breaker
}

/// Route paths axum would refuse: segments other than literals and `{name}`, two
/// routes whose paths differ only in parameter names, the operator endpoints.
pub fn path_problems(routes: &[Arc<RouteSpec>]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut shapes: BTreeMap<String, (usize, &str)> = BTreeMap::new();
    for (i, r) in routes.iter().enumerate() {
        let mut bad = |message: String| {
            problems.push(Problem {
                path: format!("route[{i}].path"),
                message,
            })
        };
        if ops::RESERVED.contains(&r.path.as_str()) {
            bad(format!("`{}` is served by the gateway itself", r.path));
            continue;
        }
        let mut shape = String::new();
        let mut ok = r.path.starts_with('/');
        for seg in r.path.split('/').skip(1) {
            shape.push('/');
            match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name)
                    if !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                {
                    shape.push_str("{}");
                }
                _ if !seg.contains(['{', '}', '*']) => shape.push_str(seg),
                _ => {
                    bad(format!(
                        "segment `{seg}`: use literal text or one whole `{{name}}`"
                    ));
                    ok = false;
                }
            }
        }
        if !ok {
            continue;
        }
        match shapes.get(&shape) {
            Some((j, other)) if *other != r.path => bad(format!(
                "`{}` and route[{j}]'s `{other}` differ only in parameter names",
                r.path
            )),
            Some(_) => {}
            None => {
                shapes.insert(shape, (i, &r.path));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::front::Front;
    use tower::ServiceExt;

    fn route(path: &str) -> Arc<RouteSpec> {
        let layout = Arc::new(
            ferrule_parsers::registry::load(
                "01 R.\n   05 A PIC X.\n",
                "t.cpy",
                None,
                &ferrule_parsers::registry::LoadOptions::default(),
            )
            .unwrap(),
        );
        Arc::new(RouteSpec {
            method: "GET".into(),
            path: path.into(),
            backend: 0,
            request: layout.clone(),
            response: layout,
            set: vec![],
            path_params: vec![],
            status: None,
            omit: vec![],
            rename: vec![],
            policy: Arc::new(crate::auth::RoutePolicy::open()),
            audit_keys: vec![],
            examples: Default::default(),
            drop_empty_occurs: false,
            envelope: Default::default(),
        })
    }

    #[test]
    fn routable_paths_pass() {
        let rs = [
            route("/v1/vehicles/{vrm}"),
            route("/v1/vehicles/{vrm}"),
            route("/v1/people"),
        ];
        assert!(path_problems(&rs).is_empty());
    }

    #[test]
    fn paths_axum_would_refuse_are_problems() {
        let rs = [
            route("/v1/a/{x}"),
            // Same shape, other parameter name: matchit refuses the pair.
            route("/v1/a/{y}"),
            // Catch-alls and partial parameters are not part of the config language.
            route("/v1/{*rest}"),
            route("/v1/a-{x}"),
            route("/metrics"),
        ];
        let ps = path_problems(&rs);
        let at: Vec<&str> = ps.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            at,
            [
                "route[1].path",
                "route[2].path",
                "route[3].path",
                "route[4].path"
            ]
        );
        assert!(ps[0].message.contains("route[0]"));
    }

    fn backend(name: &str, timeout_ms: u64) -> Arc<BackendSpec> {
        Arc::new(BackendSpec {
            name: name.into(),
            kind: crate::config::BackendKind::Tcp {
                address: "127.0.0.1:1".into(),
            },
            framing: crate::connector::BackendFraming::Len4,
            codec: Default::default(),
            max_sessions: 1,
            max_queue: 0,
            queue_timeout: std::time::Duration::ZERO,
            timeout: std::time::Duration::from_millis(timeout_ms),
            connect_timeout: std::time::Duration::from_secs(1),
            breaker: None,
        })
    }

    fn gateway(paths: &[&str], backends: Vec<Arc<BackendSpec>>) -> Gateway {
        Gateway {
            listen: "127.0.0.1:0".into(),
            max_body_bytes: 1024,
            shutdown_grace: std::time::Duration::from_secs(1),
            json_logs: false,
            tls: None,
            listener: Default::default(),
            backends,
            routes: paths.iter().map(|p| route(p)).collect(),
            source: "ferrule.toml".into(),
            security: Default::default(),
            docs: true,
            threads: 0,
            admin_listen: None,
            inbound: Default::default(),
            telemetry: None,
        }
    }

    #[test]
    fn unchanged_backends_keep_their_service() {
        let first = build(gateway(&["/a"], vec![backend("v", 100)]), None, None).unwrap();
        assert_eq!(first.kept_backends, 0);
        // Same connection settings: kept. A changed timeout: a new service.
        let same = build(
            gateway(&["/a"], vec![backend("v", 100)]),
            Some(&first),
            None,
        )
        .unwrap();
        assert_eq!(same.kept_backends, 1);
        let changed = build(
            gateway(&["/a"], vec![backend("v", 200)]),
            Some(&first),
            None,
        )
        .unwrap();
        assert_eq!(changed.kept_backends, 0);
    }

    #[test]
    fn unroutable_paths_reject_the_config() {
        // The config is refused as a whole; nothing panics.
        let r = build(
            gateway(&["/a/{x}", "/a/{y}"], vec![backend("v", 1)]),
            None,
            None,
        );
        assert!(r.is_err());
    }

    #[tokio::test]
    async fn a_call_keeps_the_state_it_arrived_on() {
        // Handed over before the reload, answered after it: by the state it arrived on
        // (`/a` routed, its backend down: 502), not by the new one (no `/a`: 404).
        use tower::Service;
        let live = build(gateway(&["/a"], vec![backend("v", 1)]), None, None).unwrap();
        let shared: Shared = Arc::new(ArcSwap::from_pointee(live));
        let mut front = Front::new(shared.clone());
        let req = Request::get("/a").body(axum::body::Body::empty()).unwrap();
        let call = front.call(req);
        let next = build(gateway(&["/b"], vec![backend("v", 1)]), None, None).unwrap();
        shared.store(Arc::new(next));
        assert_eq!(call.await.unwrap().status(), 502);
        let req = Request::get("/a").body(axum::body::Body::empty()).unwrap();
        assert_eq!(front.call(req).await.unwrap().status(), 404);
    }

    #[tokio::test]
    async fn requests_follow_the_swapped_state() {
        let status = |shared: Shared, path: &'static str| async move {
            let req = Request::get(path).body(axum::body::Body::empty()).unwrap();
            Front::new(shared)
                .oneshot(req)
                .await
                .unwrap()
                .status()
                .as_u16()
        };
        let live = build(gateway(&["/a"], vec![backend("v", 1)]), None, None).unwrap();
        let shared: Shared = Arc::new(ArcSwap::from_pointee(live));
        // `/a` is routed; its backend is down: 502.
        assert_eq!(status(shared.clone(), "/a").await, 502);
        assert_eq!(status(shared.clone(), "/b").await, 404);
        let next = build(gateway(&["/b"], vec![backend("v", 1)]), None, None).unwrap();
        shared.store(Arc::new(next));
        assert_eq!(status(shared.clone(), "/a").await, 404);
        assert_eq!(status(shared.clone(), "/b").await, 502);
        assert_eq!(status(shared, "/healthz").await, 200);
    }

    #[tokio::test]
    async fn the_api_description_follows_the_live_config() {
        let fetch = |shared: Shared| async move {
            let req = Request::get("/openapi.json")
                .body(axum::body::Body::empty())
                .unwrap();
            let res = Front::new(shared).oneshot(req).await.unwrap();
            let status = res.status().as_u16();
            let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
                .await
                .unwrap();
            (
                status,
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
            )
        };
        let live = build(gateway(&["/a"], vec![backend("v", 1)]), None, None).unwrap();
        let shared: Shared = Arc::new(ArcSwap::from_pointee(live));
        let (status, doc) = fetch(shared.clone()).await;
        assert_eq!(status, 200);
        assert!(doc["paths"]["/a"]["get"].is_object(), "{doc}");
        // A reload describes the new routes only.
        let next = build(gateway(&["/b"], vec![backend("v", 1)]), None, None).unwrap();
        shared.store(Arc::new(next));
        let (_, doc) = fetch(shared.clone()).await;
        assert!(doc["paths"].get("/a").is_none());
        assert!(doc["paths"]["/b"]["get"].is_object());
        // `server.docs = false`: not routed, a plain 404 problem.
        let mut off = gateway(&["/b"], vec![backend("v", 1)]);
        off.docs = false;
        shared.store(Arc::new(build(off, None, None).unwrap()));
        let (status, doc) = fetch(shared).await;
        assert_eq!(status, 404);
        assert_eq!(doc["type"], "https://ferrule.dev/problems/not-found");
    }

    #[test]
    fn method_names_map_to_filters() {
        assert!(method_filter("GET").is_some());
        assert!(method_filter("PATCH").is_some());
        // Not a method axum routes on.
        assert!(method_filter("BREW").is_none());
    }
}
