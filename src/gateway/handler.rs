//! One route call: access checks (credentials, scopes, purpose, rate limit) from the
//! headers alone, then JSON and parameters in, request record out, the backend exchange,
//! response record back to JSON (sensitive fields stripped for the caller) with its
//! status, and last the audit line, which must be durable before the answer leaves.
//!
//! Every failure is an [`ApiError`]; `problem` renders it. Nothing here logs record
//! bytes or field values at info: field paths and error kinds only.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use ferrule_parsers::json::{Decoder, Encoder, FieldErrorMode, RecordError, View};
use serde_json::{Map, Value};
use tower::ServiceExt;

use super::backend::BackendService;
use super::guard::Guard;
use super::problem::{ApiError, FieldProblem};
use super::shape::{get_path, omit_path, rename_path, set_path};
use super::status::{code_of, map_status};
use super::unwind::caught;
use crate::audit::AuditEvent;
use crate::auth::{authorise, rate_key, retry_after_secs, strip_sensitive, Decision, Principal};
use crate::config::{BackendSpec, RouteSpec};
use crate::connector::Exchange;
use crate::telemetry;
use ferrule_parsers::layout::Layout;

/// The header that carries the request id (set by the stack before any handler runs).
pub const REQUEST_ID: &str = "x-request-id";

/// What a route's handler needs, resolved once per config.
pub struct RouteCtx {
    pub spec: Arc<RouteSpec>,
    pub backend: Arc<BackendSpec>,
    pub service: BackendService,
    pub guard: Arc<Guard>,
    /// The route's omit/rename/return code compiled into the decoder, when that mirrors
    /// editing the decoded JSON exactly (see [`route_view`]).
    pub view: Option<View>,
    /// Codecs built for this route, reused across its requests.
    pub codecs: Codecs,
}

self_cell::self_cell!(
    /// A decoder with the layout it borrows.
    pub struct OwnedDecoder {
        owner: Arc<Layout>,
        #[not_covariant]
        dependent: Decoder,
    }
);

self_cell::self_cell!(
    /// An encoder with the layout it borrows.
    pub struct OwnedEncoder {
        owner: Arc<Layout>,
        #[not_covariant]
        dependent: Encoder,
    }
);

/// Codecs compiled once and reused: building a plan per request cost ~7% of the
/// gateway's CPU. Each holds scratch state, so a request checks one out and gives it
/// back (no `.await` in between); a miss builds a new one.
#[derive(Default)]
pub struct Codecs {
    encoders: Pool<OwnedEncoder>,
    /// Decoders with the route's view.
    shaped: Pool<OwnedDecoder>,
    /// Decoders without it (callers whose sensitive fields are stripped from a DOM).
    plain: Pool<OwnedDecoder>,
}

/// Idle codecs, at most [`Pool::KEEP`] (about one per concurrent request).
pub struct Pool<T>(std::sync::Mutex<Vec<T>>);

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool(std::sync::Mutex::new(Vec::new()))
    }
}

impl<T> Pool<T> {
    const KEEP: usize = 256;

    fn take<E>(&self, make: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let idle = self.0.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(t) => Ok(t),
            None => make(),
        }
    }

    fn give(&self, t: T) {
        if let Ok(mut v) = self.0.lock() {
            if v.len() < Self::KEEP {
                v.push(t);
            }
        }
    }
}

/// The view that writes `spec`'s response as the client sees it in one pass, or `None`
/// when the route reshapes nothing or the view cannot mirror the JSON edits exactly
/// (then responses take the parse/edit/serialise path).
pub fn route_view(spec: &RouteSpec, backend: &BackendSpec) -> Option<View> {
    if spec.status.is_none()
        && spec.omit.is_empty()
        && spec.rename.is_empty()
        && !spec.drop_empty_occurs
    {
        return None;
    }
    let view = View {
        omit: spec.omit.clone(),
        rename: spec.rename.clone(),
        capture: spec.status.as_ref().map(|s| s.field.clone()),
        drop_empty_occurs: spec.drop_empty_occurs,
    };
    match Decoder::with_view(&spec.response, backend.codec, &view) {
        Ok(_) => Some(view),
        Err(e) => {
            tracing::debug!(route = %spec.path, reason = %e, "response view not compiled");
            None
        }
    }
}

/// The request id the stack put on the request, if any.
pub fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(REQUEST_ID).and_then(|v| v.to_str().ok())
}

/// What one call learnt on its way, for the audit line.
#[derive(Default)]
struct Call {
    principal: Option<Principal>,
    purpose: Option<String>,
    /// Audit key fields as sent (keyed, if so configured, when the line is written).
    keys: Vec<(String, String)>,
    backend_ms: Option<f64>,
}

/// Serves one call of a configured route: access checks, the exchange, then the audit
/// line. Fail closed: the answer leaves only once its audit line is durable; if the line
/// cannot be written the caller gets 503 instead, whatever the backend said.
pub async fn handle(ctx: Arc<RouteCtx>, req: Request) -> Response {
    let arrival = Arrival::of(&req);
    let mut call = Call::default();
    // A panic is caught here, inside the audit, so it is recorded as the 500 it becomes.
    let outcome = caught(guarded(&ctx, req, arrival.client, &mut call)).await;
    let response = match outcome {
        Ok(Ok(res)) => res,
        Ok(Err(e)) => e.render(&arrival.instance, arrival.id.as_deref()),
        Err(_payload) => {
            // The payload may hold anything the panicking code formatted: not logged.
            tracing::error!(route = %ctx.spec.path, "call panicked; answered 500");
            ApiError::Internal.render(&arrival.instance, arrival.id.as_deref())
        }
    };
    audited(&ctx.guard, &ctx.spec.path, arrival, call, response).await
}

/// The route pattern unrouted calls are audited under: the concrete path is not recorded,
/// since a mistyped URL may still carry a key (a VRM, a name).
pub const UNROUTED: &str = "<unrouted>";

/// Answers a call no route takes (404, 405) and audits it like any other: probes of the
/// API are part of the record too, and fail closed the same way.
pub async fn refuse_unrouted(guard: Arc<Guard>, error: ApiError, req: Request) -> Response {
    let arrival = Arrival::of(&req);
    let response = error.render(&arrival.instance, arrival.id.as_deref());
    audited(&guard, UNROUTED, arrival, Call::default(), response).await
}

/// What is known of a call when it arrives, for its answer and audit line.
struct Arrival {
    started: Instant,
    time: SystemTime,
    instance: String,
    method: String,
    id: Option<String>,
    client: Option<SocketAddr>,
}

impl Arrival {
    fn of(req: &Request) -> Arrival {
        Arrival {
            started: Instant::now(),
            time: SystemTime::now(),
            instance: req.uri().path().to_string(),
            method: req.method().to_string(),
            id: request_id(req.headers()).map(str::to_string),
            client: req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        }
    }
}

/// Writes the call's audit line, if there is an audit log, before `response` may leave;
/// 503 instead when the line cannot be written.
async fn audited(
    guard: &Guard,
    route: &str,
    arrival: Arrival,
    call: Call,
    response: Response,
) -> Response {
    let Some(log) = &guard.audit else {
        return response;
    };
    let event = AuditEvent {
        time: arrival.time,
        request_id: arrival.id.clone().unwrap_or_default(),
        principal: call.principal.map(|p| p.id),
        client_addr: arrival
            .client
            .map_or_else(|| "unknown".into(), |a| a.to_string()),
        route: route.to_string(),
        method: arrival.method,
        purpose: call.purpose,
        keys: call
            .keys
            .into_iter()
            .map(|(name, value)| (name, log.keyed(&value)))
            .collect(),
        status: response.status().as_u16(),
        latency_ms: arrival.started.elapsed().as_secs_f64() * 1000.0,
        backend_ms: call.backend_ms,
    };
    match log.record(event).await {
        Ok(()) => response,
        Err(error) => {
            tracing::error!(%route, %error, "audit line not written; call refused");
            ApiError::AuditUnavailable.render(&arrival.instance, arrival.id.as_deref())
        }
    }
}

/// Who is calling, whether they may, and whether they are within their rate; then the call.
async fn guarded(
    ctx: &RouteCtx,
    req: Request,
    client: Option<SocketAddr>,
    call: &mut Call,
) -> Result<Response, ApiError> {
    let policy = &ctx.spec.policy;
    let auth = match &ctx.guard.authenticator {
        // A client certificate the TLS listener verified (mTLS) can name the caller too.
        Some(a) => {
            let cert = req.extensions().get::<super::tls::ClientCert>();
            a.authenticate(req.headers(), cert.map(|c| c.subject.as_str()))
        }
        None => Ok(None),
    };
    match authorise(policy, auth, req.headers()) {
        Decision::Allow { principal, purpose } => {
            call.principal = principal;
            call.purpose = purpose;
        }
        Decision::Unauthenticated {
            www_authenticate,
            error,
        } => {
            if let Some(e) = error {
                tracing::info!(route = %ctx.spec.path, reason = e.kind(), "credentials refused");
            }
            return Err(ApiError::Unauthenticated {
                challenge: www_authenticate,
            });
        }
        Decision::Forbidden { principal } => {
            call.principal = Some(principal);
            return Err(ApiError::Forbidden);
        }
        Decision::BadPurpose { principal, reason } => {
            call.principal = principal;
            return Err(ApiError::InvalidPurpose(reason));
        }
    }
    if let Some(limit) = &policy.rate_limit {
        let ip = client.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
        let who = rate_key(call.principal.as_ref(), ip);
        let route = format!("{} {}", ctx.spec.method, ctx.spec.path);
        ctx.guard
            .limiter
            .check(&who, &route, limit)
            .map_err(|wait| ApiError::RateLimited {
                retry_after_secs: retry_after_secs(wait),
            })?;
    }
    run(ctx, req, call).await
}

async fn run(ctx: &RouteCtx, req: Request, call: &mut Call) -> Result<Response, ApiError> {
    let (mut parts, body) = req.into_parts();
    let path = Path::<HashMap<String, String>>::from_request_parts(&mut parts, &())
        .await
        .map_err(|e| ApiError::BadRequest(format!("cannot read the path: {}", e.body_text())))?;
    let query = Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
        .map_err(|_| ApiError::BadRequest("cannot read the query string".into()))?;
    let mut value = read_body(parts, body).await?;
    apply_set(&ctx.spec, &mut value, &path.0, &query.0)?;
    call.keys = audit_keys(&ctx.spec, &value);
    let record = encode_request(ctx, &value)?;
    let exchange = Exchange {
        request: Bytes::from(record),
        response_len: ctx.spec.response.max_len(),
    };
    let asked = Instant::now();
    let answer = ctx.service.clone().oneshot(exchange).await;
    call.backend_ms = Some(asked.elapsed().as_secs_f64() * 1000.0);
    let answer = answer.map_err(|error| {
        tracing::warn!(backend = %ctx.backend.name, kind = error.kind(), %error, "backend exchange failed");
        ApiError::Backend {
            backend: ctx.backend.name.clone(),
            error,
        }
    })?;
    let (status, mut json) = respond(ctx, &answer, call.principal.as_ref())?;
    if status.is_client_error() || status.is_server_error() {
        // A mapped error is a problem, never a blank record as if it were an answer.
        return Err(host_problem(ctx, &answer, status, call.principal.as_ref()));
    }
    // A text body ends its line: a shell prompt after `curl` starts on its own line.
    json.push(b'\n');
    Ok((
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json,
    )
        .into_response())
}

/// The route's audit key fields present in the request JSON, as text.
fn audit_keys(spec: &RouteSpec, value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, path) in &spec.audit_keys {
        let mut at = value;
        let mut found = true;
        for step in path {
            match at.get(step) {
                Some(v) => at = v,
                None => {
                    found = false;
                    break;
                }
            }
        }
        let text = match at {
            _ if !found => continue,
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        out.push((name.clone(), text));
    }
    out
}

/// The request JSON: the body for methods that carry one (empty = `{}`), else `{}`.
async fn read_body(parts: Parts, body: Body) -> Result<Value, ApiError> {
    if !matches!(parts.method, Method::POST | Method::PUT | Method::PATCH) {
        return Ok(Value::Object(Map::new()));
    }
    let content_type = parts.headers.get(header::CONTENT_TYPE).cloned();
    // The Bytes extractor honours the stack's body limit and reports 413 past it.
    let bytes = Bytes::from_request(Request::from_parts(parts, body), &())
        .await
        .map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest("cannot read the request body".into())
            }
        })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    if !is_json(content_type.as_ref()) {
        return Err(ApiError::UnsupportedMediaType(
            "the body must be JSON: send Content-Type: application/json".into(),
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        // serde_json's message names line and column, never the input itself.
        ApiError::BadRequest(format!("the body is not valid JSON: {e}"))
    })
}

/// `application/json` or any `application/*+json`, with or without parameters.
fn is_json(content_type: Option<&HeaderValue>) -> bool {
    let Some(ct) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|s| s.ends_with("+json"))
}

/// Fills the route's `set` fields from path parameters, query parameters and constants.
/// Every missing parameter is reported at once.
pub fn apply_set(
    spec: &RouteSpec,
    value: &mut Value,
    path: &HashMap<String, String>,
    query: &HashMap<String, String>,
) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    for (field, template) in &spec.set {
        let from_path = |p: &str| spec.path_params.iter().any(|n| n == p);
        let lookup = |p: &str| {
            if from_path(p) {
                path.get(p).cloned()
            } else {
                query.get(p).cloned()
            }
        };
        let dotted = field.join(".");
        match template.render(&lookup) {
            Ok(text) => {
                if let Err(at) = set_path(value, field, Value::String(text)) {
                    problems.push(FieldProblem {
                        field: if at.is_empty() { "(record)".into() } else { at },
                        detail: "expected an object".into(),
                    });
                }
            }
            Err(param) => {
                let source = if from_path(&param) { "path" } else { "query" };
                problems.push(FieldProblem {
                    field: dotted,
                    detail: format!("missing {source} parameter `{param}`"),
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::InvalidFields(problems))
    }
}

/// JSON -> request record, every bad field listed. The encoder is checked out of the
/// route's pool and given back before any `.await`.
fn encode_request(ctx: &RouteCtx, value: &Value) -> Result<Vec<u8>, ApiError> {
    let spec = &ctx.spec;
    let codec = ctx.backend.codec;
    let mut encoder = ctx
        .codecs
        .encoders
        .take(|| OwnedEncoder::try_new(spec.request.clone(), |l| Encoder::new(l, codec)))
        .map_err(|e| {
            tracing::error!(route = %spec.path, field = %e.path, "request layout cannot be compiled");
            ApiError::Internal
        })?;
    let mut out = Vec::with_capacity(spec.request.max_len());
    let r = encoder.with_dependent_mut(|_, enc| enc.encode_all(value, &mut out, false));
    ctx.codecs.encoders.give(encoder);
    r.map_err(|errors| {
        codec_error(spec, "request");
        ApiError::InvalidFields(errors.iter().map(field_problem).collect())
    })?;
    Ok(out)
}

fn field_problem(e: &RecordError) -> FieldProblem {
    FieldProblem {
        field: if e.path.is_empty() {
            "(record)".into()
        } else {
            e.path.clone()
        },
        detail: e.kind.to_string(),
    }
}

fn codec_error(spec: &RouteSpec, direction: &'static str) {
    metrics::counter!(telemetry::CODEC_ERRORS_TOTAL, "route" => spec.path.clone(), "direction" => direction)
        .increment(1);
}

fn layout_error(spec: &RouteSpec, e: &RecordError) -> ApiError {
    tracing::error!(route = %spec.path, field = %e.path, "response layout cannot be compiled");
    ApiError::Internal
}

/// Decodes the response record, or says why not (the host's fault: 502).
fn decode(
    ctx: &RouteCtx,
    decoder: &mut Decoder<'_>,
    record: &[u8],
    out: &mut Vec<u8>,
) -> Result<ferrule_parsers::json::Decoded, ApiError> {
    let spec = &ctx.spec;
    decoder
        .decode(record, out, FieldErrorMode::Fail)
        .map_err(|e| {
            codec_error(spec, "response");
            // Path, offset and kind are safe to log; the field's bytes only at debug.
            tracing::warn!(route = %spec.path, backend = %ctx.backend.name, field = %e.path,
                offset = e.offset, len = record.len(), "response record does not decode");
            tracing::debug!(error = %e, "response decode error");
            ApiError::BadBackendResponse {
                backend: ctx.backend.name.clone(),
            }
        })
}

/// The HTTP status the route maps the record's return code to.
fn route_status(
    ctx: &RouteCtx,
    s: &crate::config::StatusSpec,
    json: &Value,
) -> Result<StatusCode, ApiError> {
    map_status(s, json)
        .and_then(|code| StatusCode::from_u16(code).ok())
        .ok_or_else(|| {
            tracing::warn!(route = %ctx.spec.path, backend = %ctx.backend.name,
                field = %s.field.join("."), "return code not in the route's status map");
            ApiError::BadBackendResponse {
                backend: ctx.backend.name.clone(),
            }
        })
}

/// Response record -> (status, JSON body). A record that does not decode, or a return
/// code the route does not map, is the host's fault: 502, details in the log only.
fn respond(
    ctx: &RouteCtx,
    record: &[u8],
    principal: Option<&Principal>,
) -> Result<(StatusCode, Vec<u8>), ApiError> {
    let spec = &ctx.spec;
    let policy = &spec.policy;
    // Sensitive fields depend on the caller: those routes edit the decoded JSON.
    if let (Some(view), true) = (&ctx.view, policy.sensitive.is_empty()) {
        let codec = ctx.backend.codec;
        let mut decoder = ctx
            .codecs
            .shaped
            .take(|| {
                OwnedDecoder::try_new(spec.response.clone(), |l| {
                    Decoder::with_view(l, codec, view)
                })
            })
            .map_err(|e| layout_error(spec, &e))?;
        let mut out = Vec::with_capacity(spec.response.max_len() * 2);
        let r = decoder.with_dependent_mut(|_, d| decode(ctx, d, record, &mut out));
        ctx.codecs.shaped.give(decoder);
        let captured = r?.captured;
        let status = match &spec.status {
            None => StatusCode::OK,
            Some(s) => {
                // Only the return code as an object of its own: what map_status reads.
                let mut code = Value::Object(Map::new());
                if let Some(text) = captured {
                    let value = serde_json::from_slice(&text).map_err(|_| ApiError::Internal)?;
                    set_path(&mut code, &s.field, value).map_err(|_| ApiError::Internal)?;
                }
                route_status(ctx, s, &code)?
            }
        };
        return Ok((status, out));
    }
    let out = plain_json(ctx, record)?;
    if spec.status.is_none()
        && spec.omit.is_empty()
        && spec.rename.is_empty()
        && policy.sensitive.is_empty()
    {
        return Ok((StatusCode::OK, out));
    }
    let mut json: Value = serde_json::from_slice(&out).map_err(|_| ApiError::Internal)?;
    let status = match &spec.status {
        None => StatusCode::OK,
        Some(s) => route_status(ctx, s, &json)?,
    };
    as_client_sees(spec, principal, &mut json);
    let body = serde_json::to_vec(&json).map_err(|_| ApiError::Internal)?;
    Ok((status, body))
}

/// The response record as JSON, without the route's reshaping (tables trimmed if the
/// route says so).
fn plain_json(ctx: &RouteCtx, record: &[u8]) -> Result<Vec<u8>, ApiError> {
    let spec = &ctx.spec;
    let codec = ctx.backend.codec;
    let mut decoder = ctx
        .codecs
        .plain
        .take(|| {
            OwnedDecoder::try_new(spec.response.clone(), |l| {
                // Trimming tables is no reshaping of names: it applies on this path too.
                Decoder::with_view(l, codec, &View::trimming(spec.drop_empty_occurs))
            })
        })
        .map_err(|e| layout_error(spec, &e))?;
    let mut out = Vec::with_capacity(spec.response.max_len() * 2);
    let r = decoder.with_dependent_mut(|_, d| decode(ctx, d, record, &mut out));
    ctx.codecs.plain.give(decoder);
    r?;
    Ok(out)
}

/// The route's omit and rename, then the caller's sensitive fields stripped.
fn as_client_sees(spec: &RouteSpec, principal: Option<&Principal>, json: &mut Value) {
    for path in &spec.omit {
        omit_path(json, path);
    }
    for (path, name) in &spec.rename {
        rename_path(json, path, name);
    }
    // Sensitive paths name fields as the client sees them: after omit and rename.
    strip_sensitive(&spec.policy, principal, json);
}

/// A mapped error status as a problem. Its detail is the route's `detail_field` as the
/// caller would see it in an answer (so an omitted or sensitive field tells nothing),
/// else a generic text naming the return code.
fn host_problem(
    ctx: &RouteCtx,
    record: &[u8],
    status: StatusCode,
    principal: Option<&Principal>,
) -> ApiError {
    let spec = &ctx.spec;
    // The record decoded a moment ago to give this status: it decodes again.
    let json: Option<Value> = plain_json(ctx, record)
        .ok()
        .and_then(|out| serde_json::from_slice(&out).ok());
    let code = spec
        .status
        .as_ref()
        .zip(json.as_ref())
        .and_then(|(s, j)| code_of(s, j));
    let message = match (spec.status.as_ref().and_then(|s| s.detail.as_ref()), json) {
        (Some(field), Some(mut json)) => {
            as_client_sees(spec, principal, &mut json);
            get_path(&json, &visible_path(spec, field)).and_then(message_text)
        }
        _ => None,
    };
    let detail = message.unwrap_or_else(|| match code {
        Some(c) => format!("backend `{}` answered return code `{c}`", ctx.backend.name),
        None => format!("backend `{}` answered with an error", ctx.backend.name),
    });
    ApiError::Host { status, detail }
}

/// `path` as the client sees it: the route's renames applied to its segments.
fn visible_path(spec: &RouteSpec, path: &[String]) -> Vec<String> {
    let mut out = path.to_vec();
    for (renamed, name) in &spec.rename {
        if !renamed.is_empty() && path.starts_with(renamed) {
            if let Some(seg) = out.get_mut(renamed.len() - 1) {
                seg.clone_from(name);
            }
        }
    }
    out
}

/// A host message's text, trimmed; nothing for blanks or non-text.
fn message_text(v: &Value) -> Option<String> {
    let text = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Template;
    use serde_json::json;

    fn route(set: &[(&str, &str)], path_params: &[&str]) -> RouteSpec {
        let layout = ferrule_parsers::registry::load(
            "01 R.\n   05 A PIC X.\n",
            "t.cpy",
            None,
            &Default::default(),
        )
        .unwrap();
        let layout = Arc::new(layout);
        RouteSpec {
            method: "GET".into(),
            path: "/t".into(),
            backend: 0,
            request: layout.clone(),
            response: layout,
            set: set
                .iter()
                .map(|(f, t)| {
                    (
                        f.split('.').map(str::to_string).collect(),
                        Template::parse(t).unwrap(),
                    )
                })
                .collect(),
            path_params: path_params.iter().map(|s| s.to_string()).collect(),
            status: None,
            omit: vec![],
            rename: vec![],
            policy: Arc::new(crate::auth::RoutePolicy::open()),
            audit_keys: vec![],
            examples: Default::default(),
            drop_empty_occurs: false,
        }
    }

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn set_fills_nested_fields_from_path_query_and_constants() {
        let spec = route(
            &[
                ("vrm", "{vrm}"),
                ("person.dob", "{dob}"),
                ("tran", "VEHQ"),
                ("ref", "R-{vrm}"),
            ],
            &["vrm"],
        );
        let mut v = json!({});
        apply_set(
            &spec,
            &mut v,
            &params(&[("vrm", "AB12CDE")]),
            &params(&[("dob", "19800101")]),
        )
        .unwrap();
        // Values go in as text; the encoder converts them for numeric fields.
        assert_eq!(
            v,
            json!({"vrm": "AB12CDE", "person": {"dob": "19800101"}, "tran": "VEHQ", "ref": "R-AB12CDE"})
        );
    }

    #[test]
    fn missing_parameters_are_all_named() {
        let spec = route(&[("person.dob", "{dob}"), ("x", "{other}")], &[]);
        let mut v = json!({});
        let Err(ApiError::InvalidFields(ps)) =
            apply_set(&spec, &mut v, &params(&[]), &params(&[("dob", "")]))
        else {
            panic!("expected invalid fields");
        };
        // `dob` is present (even if empty); only `other` is missing, from the query.
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].field, "x");
        assert_eq!(ps[0].detail, "missing query parameter `other`");
        let Err(ApiError::InvalidFields(ps)) = apply_set(&spec, &mut v, &params(&[]), &params(&[]))
        else {
            panic!("expected invalid fields");
        };
        assert_eq!(ps.len(), 2);
        assert!(ps[0].detail.contains("`dob`"));
    }

    #[test]
    fn a_query_parameter_does_not_fill_a_path_parameter() {
        // `vrm` is a path parameter: `?vrm=` must not stand in for it.
        let spec = route(&[("vrm", "{vrm}")], &["vrm"]);
        let mut v = json!({});
        let r = apply_set(&spec, &mut v, &params(&[]), &params(&[("vrm", "X")]));
        let Err(ApiError::InvalidFields(ps)) = r else {
            panic!("expected invalid fields");
        };
        assert_eq!(ps[0].detail, "missing path parameter `vrm`");
    }

    /// A route over a fake backend that answers `answer` (or fails with `error`).
    fn ctx(
        answer: &'static [u8],
        error: Option<crate::connector::ConnectorError>,
        status: Option<crate::config::StatusSpec>,
    ) -> Arc<RouteCtx> {
        let load = |src: &str| {
            Arc::new(
                ferrule_parsers::registry::load(
                    src,
                    "t.cpy",
                    None,
                    &ferrule_parsers::registry::LoadOptions::default(),
                )
                .unwrap(),
            )
        };
        let request =
            load("       01 Q.\n           05 VRM PIC X(4).\n           05 N PIC 9(2).\n");
        let response =
            load("       01 R.\n           05 RC PIC 9(2).\n           05 NAME PIC X(4).\n");
        let spec = RouteSpec {
            method: "POST".into(),
            path: "/t/{vrm}".into(),
            backend: 0,
            request,
            response,
            set: vec![(vec!["vrm".into()], Template::parse("{vrm}").unwrap())],
            path_params: vec!["vrm".into()],
            status,
            omit: vec![],
            rename: vec![(vec!["name".into()], "owner".into())],
            policy: Arc::new(crate::auth::RoutePolicy::open()),
            audit_keys: vec![],
            examples: Default::default(),
            drop_empty_occurs: false,
        };
        let backend = BackendSpec {
            name: "fake".into(),
            kind: crate::config::BackendKind::Tcp {
                address: String::new(),
            },
            framing: crate::connector::BackendFraming::Len4,
            codec: Default::default(),
            max_sessions: 1,
            max_queue: 0,
            queue_timeout: std::time::Duration::ZERO,
            timeout: std::time::Duration::from_secs(1),
            connect_timeout: std::time::Duration::from_secs(1),
        };
        let service =
            tower::util::BoxCloneSyncService::new(tower::service_fn(move |ex: Exchange| {
                let error = error.clone();
                async move {
                    // The request record is whole: 4 + 2 bytes, vrm from the path.
                    assert_eq!(ex.request.len(), 6);
                    assert_eq!(ex.response_len, 6);
                    match error {
                        Some(e) => Err(e),
                        None => Ok(Bytes::from_static(answer)),
                    }
                }
            }));
        let view = route_view(&spec, &backend);
        Arc::new(RouteCtx {
            spec: Arc::new(spec),
            backend: Arc::new(backend),
            service,
            guard: Arc::new(Guard::open()),
            view,
            codecs: Codecs::default(),
        })
    }

    async fn call(ctx: Arc<RouteCtx>, body: &'static str) -> (u16, Value) {
        let app = axum::Router::new().route(
            "/t/{vrm}",
            axum::routing::post(move |req: Request| handle(ctx, req)),
        );
        let req = Request::post("/t/AB12")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    fn status_map(
        pairs: &[(&str, u16)],
        default: Option<u16>,
    ) -> Option<crate::config::StatusSpec> {
        Some(crate::config::StatusSpec {
            field: vec!["rc".into()],
            map: pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            default,
            detail: None,
        })
    }

    #[tokio::test]
    async fn a_call_maps_the_return_code_and_renames() {
        // cp037 "00ABCD": return code 0 -> 200, name renamed to owner.
        let c = ctx(
            b"\xF0\xF0\xC1\xC2\xC3\xC4",
            None,
            status_map(&[("0", 200), ("4", 404)], None),
        );
        let (status, v) = call(c, r#"{"n": 7}"#).await;
        assert_eq!(status, 200);
        assert_eq!(v, json!({"rc": 0, "owner": "ABCD"}));
    }

    /// `ctx` answering "04ABCD" (return code 4 -> 404) with `detail` as the detail field.
    fn not_found(detail: Option<&str>) -> Arc<RouteCtx> {
        let mut status = status_map(&[("0", 200), ("4", 404)], None);
        if let Some(s) = status.as_mut() {
            s.detail = detail.map(|d| d.split('.').map(str::to_string).collect());
        }
        ctx(b"\xF0\xF4\xC1\xC2\xC3\xC4", None, status)
    }

    #[tokio::test]
    async fn a_mapped_error_is_a_problem_with_the_hosts_message() {
        // The detail field `name` (renamed `owner` for the client) carries the message.
        let (status, v) = call(not_found(Some("name")), "{}").await;
        assert_eq!(status, 404);
        assert_eq!(v["type"], "https://ferrule.dev/problems/host-error");
        assert_eq!(v["title"], "Not Found");
        assert_eq!(v["detail"], "ABCD");
        assert_eq!(v["instance"], "/t/AB12");
        // No detail field: the return code is named, nothing else of the record.
        let (status, v) = call(not_found(None), "{}").await;
        assert_eq!(status, 404);
        assert_eq!(v["detail"], "backend `fake` answered return code `4`");
        assert!(!v.to_string().contains("ABCD"), "{v}");
    }

    #[tokio::test]
    async fn an_omitted_or_sensitive_detail_field_tells_nothing() {
        let Ok(mut c) = Arc::try_unwrap(not_found(Some("name"))) else {
            panic!("shared ctx");
        };
        let mut spec = (*c.spec).clone();
        spec.omit = vec![vec!["name".into()]];
        spec.rename.clear();
        c.spec = Arc::new(spec.clone());
        c.view = route_view(&c.spec, &c.backend);
        let (status, v) = call(Arc::new(c), "{}").await;
        assert_eq!(status, 404);
        assert!(!v.to_string().contains("ABCD"), "{v}");
        // Sensitive for this (anonymous) caller: stripped, so no detail from it.
        let Ok(mut c) = Arc::try_unwrap(not_found(Some("name"))) else {
            panic!("shared ctx");
        };
        let mut policy = crate::auth::RoutePolicy::open();
        policy.sensitive = vec![crate::auth::SensitiveField {
            path: vec!["owner".into()],
            scope: "keeper:read".into(),
        }];
        let mut spec = (*c.spec).clone();
        spec.policy = Arc::new(policy);
        c.spec = Arc::new(spec);
        let (status, v) = call(Arc::new(c), "{}").await;
        assert_eq!(status, 404);
        assert_eq!(v["detail"], "backend `fake` answered return code `4`");
    }

    #[tokio::test]
    async fn an_unmapped_code_or_bad_record_is_502() {
        // Return code 9, no entry and no `*`.
        let c = ctx(
            b"\xF0\xF9\xC1\xC2\xC3\xC4",
            None,
            status_map(&[("0", 200)], None),
        );
        let (status, v) = call(c, "").await;
        assert_eq!(
            (status, v["type"].as_str()),
            (
                502,
                Some("https://ferrule.dev/problems/bad-backend-response")
            )
        );
        // Letters in the numeric return code: the record does not decode.
        let c = ctx(b"\xC1\xC1\xC1\xC2\xC3\xC4", None, None);
        let (status, v) = call(c, "").await;
        assert_eq!(status, 502);
        // Nothing of the record reaches the client.
        assert!(!v.to_string().contains("C1"), "{v}");
    }

    #[tokio::test]
    async fn bad_fields_and_backend_faults_become_problems() {
        // Two bad fields: a number into text is fine, text into PIC 9(2) and an unknown key are not.
        let c = ctx(b"", None, None);
        let (status, v) = call(c, r#"{"n": "x1", "nope": 1}"#).await;
        assert_eq!(status, 400);
        assert_eq!(v["errors"].as_array().map(Vec::len), Some(2), "{v}");
        // A timeout from the connector is a 504.
        let e = crate::connector::ConnectorError::Timeout(std::time::Duration::from_secs(1));
        let (status, _) = call(ctx(b"", Some(e), None), "{}").await;
        assert_eq!(status, 504);
        // A body that is not JSON syntax is 400.
        let (status, v) = call(ctx(b"", None, None), "{").await;
        assert_eq!(status, 400);
        assert_eq!(v["type"], "https://ferrule.dev/problems/invalid-request");
    }

    /// A route over `response` with the given reshaping, its view compiled or not.
    fn shaped(response: &str, omit: &[&str], rename: &[(&str, &str)], view: bool) -> RouteCtx {
        let c = ctx(b"", None, status_map(&[("0", 200), ("4", 404)], Some(502)));
        let Ok(mut c) = Arc::try_unwrap(c) else {
            panic!("shared ctx");
        };
        let src = std::fs::read_to_string(format!("samples/gateway/{response}")).unwrap();
        let layout = ferrule_parsers::registry::load(
            &src,
            response,
            None,
            &ferrule_parsers::registry::LoadOptions::default(),
        )
        .unwrap();
        let path = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        let mut spec = (*c.spec).clone();
        spec.response = Arc::new(layout);
        spec.status.as_mut().unwrap().field = path("return_code");
        spec.omit = omit.iter().map(|p| path(p)).collect();
        spec.rename = rename
            .iter()
            .map(|(p, n)| (path(p), n.to_string()))
            .collect();
        c.view = if view {
            route_view(&spec, &c.backend)
        } else {
            None
        };
        assert_eq!(c.view.is_some(), view, "the view compiles");
        c.spec = Arc::new(spec);
        c
    }

    #[test]
    fn the_view_writes_what_editing_the_json_writes() {
        // Sample rows as records, then each mutated many ways (bad bytes, short records):
        // the one-pass view and parse/edit/serialise must give the same status and bytes.
        type Case<'a> = (&'a str, &'a str, &'a [&'a str], &'a [(&'a str, &'a str)]);
        let cases: &[Case] = &[
            (
                "vehenq-rsp.cpy",
                "vehicles.jsonl",
                &["return_code", "system_area"],
                &[],
            ),
            (
                "vehenq-rsp.cpy",
                "vehicles.jsonl",
                &[
                    "system_area.host_id",
                    "reports.report_date",
                    "nope.x",
                    "make.x",
                ],
                &[
                    ("keeper.keeper_name", "name"),
                    ("reports.report_type", "type"),
                    ("make", "manufacturer"),
                    ("return_code", "rc"),
                    ("missing", "m"),
                ],
            ),
            (
                "nomenq-rsp.cpy",
                "nominals.jsonl",
                &["return_code", "system_area"],
                &[],
            ),
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut compared = 0;
        for (cpy, rows, omit, rename) in cases {
            let with = shaped(cpy, omit, rename, true);
            let without = shaped(cpy, omit, rename, false);
            let text = std::fs::read_to_string(format!("samples/gateway/{rows}")).unwrap();
            for line in text.lines() {
                let row: Value = serde_json::from_str(line).unwrap();
                let mut enc = Encoder::new(&with.spec.response, with.backend.codec).unwrap();
                let mut record = Vec::new();
                enc.encode_all(&row, &mut record, false).unwrap();
                for round in 0..400 {
                    let mut r = record.clone();
                    match round % 4 {
                        0 if round == 0 => {}
                        // Return codes 00, 04 and 08 (the last one unmapped: default).
                        0 => r[1] = [0xF0, 0xF4, 0xF8][(next() % 3) as usize],
                        1 => r.truncate((next() % record.len() as u64) as usize),
                        _ => {
                            let at = (next() % r.len() as u64) as usize;
                            r[at] = next() as u8;
                        }
                    }
                    let a = respond(&with, &r, None).ok();
                    let b = respond(&without, &r, None).ok();
                    assert_eq!(a, b, "{cpy} round {round}");
                    compared += usize::from(a.is_some());
                }
            }
        }
        // Most mutated records still decode: the comparison is not vacuous.
        assert!(compared > 1000, "{compared}");
    }

    #[tokio::test]
    async fn a_panic_in_a_call_is_answered_500_and_audited() {
        // A backend service that panics (a connector bug): the whole stack answers 500
        // problem+json, and the audit line records that 500, with the id, like any call.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        let log = crate::audit::AuditLog::open(crate::audit::AuditConfig::new(&path)).unwrap();
        let Ok(mut c) = Arc::try_unwrap(ctx(b"", None, None)) else {
            panic!("shared ctx");
        };
        c.guard = Arc::new(Guard::audited(log));
        c.service =
            tower::util::BoxCloneSyncService::new(tower::service_fn(|_: Exchange| async move {
                if true {
                    panic!("connector bug");
                }
                Ok::<Bytes, crate::connector::ConnectorError>(Bytes::new())
            }));
        let c = Arc::new(c);
        let app = axum::Router::new().route(
            "/t/{vrm}",
            axum::routing::post(move |req: Request| handle(c, req)),
        );
        let app = super::super::stack::apply(app, 1024);
        let req = Request::post("/t/AB12")
            .header(REQUEST_ID, "panic-1")
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), 500);
        assert_eq!(
            res.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 1, "{text}");
        assert_eq!(lines[0]["status"], 500);
        assert_eq!(lines[0]["request_id"], "panic-1");
        assert_eq!(lines[0]["route"], "/t/{vrm}");
        // The panic's text stays out of the audit line.
        assert!(!text.contains("connector bug"));
    }

    #[test]
    fn json_media_types() {
        let hv = |s: &'static str| HeaderValue::from_static(s);
        assert!(is_json(Some(&hv("application/json"))));
        assert!(is_json(Some(&hv("Application/JSON; charset=utf-8"))));
        assert!(is_json(Some(&hv("application/merge-patch+json"))));
        // Forms (curl -d's default) and a missing header are not JSON.
        assert!(!is_json(Some(&hv("application/x-www-form-urlencoded"))));
        assert!(!is_json(Some(&hv("text/json+xml"))));
        assert!(!is_json(None));
    }
}
