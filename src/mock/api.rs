//! `[[api]]` in `mock.toml`: a modern HTTP JSON API simulated from a small spec, so
//! integrators can try inbound routes (legacy program -> Ferrule -> API) before the
//! real service is reachable. Each route answers a method and path pattern with a
//! status, a JSON body and an optional delay:
//!
//! ```toml
//! [[api]]
//! name = "addresses"
//! listen = "127.0.0.1:7200"            # default 127.0.0.1:0
//! [[api.route]]
//! path = "/addresses/{postcode}"       # method defaults to GET
//! when = { postcode = "NOWHERE" }      # only for these parameter values (path or query)
//! status = 404
//! body = { error = "no such postcode" }
//! [[api.route]]
//! path = "/addresses/{postcode}"
//! body = { postcode = "{postcode}", street = "1 HIGH STREET" }   # "{param}" is filled in
//! delay_ms = 0                          # wait before answering
//! ```
//! The first route whose method, path and `when` all match answers; no match is a 404
//! with `{"error": "no mock route"}`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use super::stats::Counters;

/// One `[[api]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    pub name: String,
    #[serde(default = "super::config::defaults::listen")]
    pub listen: String,
    #[serde(rename = "route")]
    pub routes: Vec<ApiRouteConfig>,
}

/// One `[[api.route]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiRouteConfig {
    #[serde(default = "default_method")]
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub when: BTreeMap<String, String>,
    #[serde(default = "default_status")]
    pub status: u16,
    /// Any TOML value, answered as JSON; absent: no body.
    pub body: Option<toml::Value>,
    #[serde(default)]
    pub delay_ms: u64,
}

fn default_method() -> String {
    "GET".into()
}

fn default_status() -> u16 {
    200
}

/// A simulated API, checked.
#[derive(Debug)]
pub struct Api {
    pub name: String,
    pub listen: String,
    routes: Vec<ApiRoute>,
}

#[derive(Debug)]
struct ApiRoute {
    method: String,
    /// Path segments; `Err(name)` is a `{name}` parameter.
    segments: Vec<Result<String, String>>,
    when: BTreeMap<String, String>,
    status: StatusCode,
    body: Option<Value>,
    delay: Duration,
}

impl ApiConfig {
    /// Checks every route; problems at `route[i].key`.
    pub fn validate(&self) -> Result<Api, Vec<(String, String)>> {
        let mut ps = Vec::new();
        if self.listen.parse::<std::net::SocketAddr>().is_err() {
            ps.push((
                "listen".into(),
                format!("`{}` is not an address like 127.0.0.1:7200", self.listen),
            ));
        }
        let mut routes = Vec::new();
        for (i, r) in self.routes.iter().enumerate() {
            let at = |k: &str| format!("route[{i}].{k}");
            let method = r.method.to_ascii_uppercase();
            if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
                ps.push((
                    at("method"),
                    format!("`{}`: expected GET, POST, PUT, PATCH or DELETE", r.method),
                ));
            }
            if !r.path.starts_with('/') {
                ps.push((at("path"), format!("`{}` must start with /", r.path)));
            }
            let status = StatusCode::from_u16(r.status)
                .ok()
                .filter(|s| (100..=599).contains(&s.as_u16()));
            if status.is_none() {
                ps.push((at("status"), format!("{} is not an HTTP status", r.status)));
            }
            let body = match r.body.as_ref().map(serde_json::to_value).transpose() {
                Ok(b) => b,
                Err(e) => {
                    ps.push((at("body"), e.to_string()));
                    None
                }
            };
            let segments = r
                .path
                .split('/')
                .skip(1)
                .map(
                    |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => Err(name.to_string()),
                        None => Ok(s.to_string()),
                    },
                )
                .collect();
            routes.push(ApiRoute {
                method,
                segments,
                when: r.when.clone(),
                status: status.unwrap_or(StatusCode::OK),
                body,
                delay: Duration::from_millis(r.delay_ms),
            });
        }
        if ps.is_empty() {
            Ok(Api {
                name: self.name.clone(),
                listen: self.listen.clone(),
                routes,
            })
        } else {
            Err(ps)
        }
    }
}

impl ApiRoute {
    /// The parameters, when `method` and `path`/`query` are this route's.
    fn matches(&self, method: &str, path: &str, query: &str) -> Option<BTreeMap<String, String>> {
        if method != self.method {
            return None;
        }
        let parts: Vec<&str> = path.split('/').skip(1).collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut params = BTreeMap::new();
        for (seg, part) in self.segments.iter().zip(&parts) {
            match seg {
                Ok(lit) if lit == part => {}
                Ok(_) => return None,
                Err(name) => {
                    params.insert(name.clone(), decode(part));
                }
            }
        }
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            params.entry(decode(k)).or_insert_with(|| decode(v));
        }
        self.when
            .iter()
            .all(|(k, v)| params.get(k) == Some(v))
            .then_some(params)
    }
}

/// Percent-decoding (`+` is a space in queries); bad escapes are kept as written.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `"{param}"` in string values, filled in.
fn fill(v: &Value, params: &BTreeMap<String, String>) -> Value {
    match v {
        Value::String(s) if s.contains('{') => {
            let mut out = s.clone();
            for (k, p) in params {
                out = out.replace(&format!("{{{k}}}"), p);
            }
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|v| fill(v, params)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), fill(v, params)))
                .collect(),
        ),
        v => v.clone(),
    }
}

/// Serves `api` on `listener` until the task is dropped, counting its connections and
/// requests in `counters` (the status endpoint's `hosts.NAME`).
pub async fn serve(api: Arc<Api>, listener: tokio::net::TcpListener, counters: Arc<Counters>) {
    let app = axum::Router::new().fallback({
        let counters = Arc::clone(&counters);
        move |req: Request<Body>| {
            let api = Arc::clone(&api);
            let busy = counters.request();
            // Only owned parts cross the await: the body is never read.
            let method = req.method().as_str().to_string();
            let path = req.uri().path().to_string();
            let query = req.uri().query().unwrap_or_default().to_string();
            async move {
                let answer = answer(&api, &method, &path, &query).await;
                drop(busy);
                answer
            }
        }
    });
    // Connections are served here rather than by `axum::serve`, so each one is counted
    // while it is open.
    let mut conns = tokio::task::JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of descriptors or similar: wait a little rather than spin.
                tracing::warn!(error = %e, "mock API accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let open = counters.connection();
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        conns.spawn(async move {
            let http =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            let _ = http
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
            drop(open);
        });
        // Finished connections' results are not needed; keep the set from growing.
        while conns.try_join_next().is_some() {}
    }
}

async fn answer(api: &Api, method: &str, path: &str, query: &str) -> Response<Body> {
    let found = api
        .routes
        .iter()
        .find_map(|r| r.matches(method, path, query).map(|p| (r, p)));
    let (status, body, delay) = match found {
        Some((r, params)) => (r.status, r.body.as_ref().map(|b| fill(b, &params)), r.delay),
        None => (
            StatusCode::NOT_FOUND,
            Some(serde_json::json!({"error": "no mock route"})),
            Duration::ZERO,
        ),
    };
    tracing::debug!(api = %api.name, method, path, status = status.as_u16(), "mock API answered");
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut res = Response::new(match &body {
        Some(b) => Body::from(b.to_string()),
        None => Body::empty(),
    });
    *res.status_mut() = status;
    if body.is_some() {
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(text: &str) -> Result<Api, Vec<(String, String)>> {
        toml::from_str::<ApiConfig>(text).unwrap().validate()
    }

    #[test]
    fn routes_match_by_method_path_and_when() {
        let a = api(r#"
            name = "a"
            [[route]]
            path = "/addr/{pc}"
            when = { pc = "NOWHERE" }
            status = 404
            [[route]]
            path = "/addr/{pc}"
            body = { pc = "{pc}", n = 1, list = ["{house}"] }
        "#)
        .unwrap();
        let hit = |m: &str, p: &str, q: &str| {
            a.routes
                .iter()
                .enumerate()
                .find_map(|(i, r)| r.matches(m, p, q).map(|ps| (i, ps)))
        };
        assert_eq!(hit("GET", "/addr/NOWHERE", "").map(|h| h.0), Some(0));
        let (i, params) = hit("GET", "/addr/AB%201", "house=12").unwrap();
        assert_eq!(i, 1);
        let body = fill(a.routes[1].body.as_ref().unwrap(), &params);
        assert_eq!(
            body,
            serde_json::json!({"pc": "AB 1", "n": 1, "list": ["12"]})
        );
        assert!(hit("POST", "/addr/X", "").is_none());
        assert!(hit("GET", "/addr", "").is_none());
        assert!(hit("GET", "/addr/X/y", "").is_none());
    }

    #[test]
    fn bad_routes_are_named() {
        let ps = api(r#"
            name = "a"
            listen = "nowhere"
            [[route]]
            method = "BREW"
            path = "addr"
            status = 42
        "#)
        .unwrap_err();
        let keys: Vec<&str> = ps.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "listen",
                "route[0].method",
                "route[0].path",
                "route[0].status"
            ]
        );
        // Bad escapes stay as written.
        assert_eq!(decode("a%zz%4"), "a%zz%4");
    }
}
