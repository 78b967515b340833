//! One route call, in the order it runs: [`access`] (credentials, scopes, purpose, rate
//! limit, from the headers alone), [`request`] (JSON and parameters in, request record
//! out), the backend exchange, [`response`] (response record back to JSON as the caller
//! may see it, with its [`status`]). The route's codecs come from its [`codecs`] pool.
//! The audit line is written by the audit layer around all of this
//! (`gateway::audit`); the handler leaves what it learnt in the request's slot.
//!
//! Every failure is an [`ApiError`]; `problem` renders it. Nothing here logs record
//! bytes or field values at info: field paths and error kinds only.

mod access;
pub mod codecs;
mod request;
mod response;
mod status;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use ferrule_parsers::json::View;
use tower::ServiceExt;

use super::audit::{AuditSlot, Call};
use super::backend::BackendService;
use super::guard::Guard;
use super::problem::ApiError;
use super::stack::REQUEST_ID;
use super::unwind::caught;
use crate::auth::Principal;
use crate::config::{BackendKind, BackendSpec, RouteSpec};
use crate::connector::Exchange;
use crate::trace::spans::Caller;
use crate::trace::Traced;
use codecs::Codecs;

/// What a route's handler needs, resolved once per config.
pub struct RouteCtx {
    pub spec: Arc<RouteSpec>,
    pub backend: Arc<BackendSpec>,
    pub service: BackendService,
    pub guard: Arc<Guard>,
    /// The route's omit/rename/return code/trimmed tables (see [`codecs::route_view`]).
    pub view: View,
    /// Whether `view` is compiled into the decoder (else the decoded JSON is edited).
    pub one_pass: bool,
    /// Codecs built for this route, reused across its requests.
    pub codecs: Codecs,
}

/// What the handler learns of a call; the audit slot gets it at the end.
#[derive(Default)]
struct Learnt {
    principal: Option<Principal>,
    purpose: Option<String>,
    keys: Vec<(String, String)>,
    backend_ms: Option<f64>,
    /// The token named a kid no key has: with a `jwks_url`, worth one refetch.
    unknown_key: bool,
    /// The caller's address from a trusted proxy's headers (None: the TCP peer).
    client: Option<std::net::IpAddr>,
    /// Caller and route keys of a check against the shared rate-limit store, to await.
    shared_check: Option<(String, String)>,
}

/// Where a problem is answered from: the request's path and id (cheap clones, taken
/// before the request is consumed).
struct Origin {
    uri: Uri,
    id: Option<HeaderValue>,
}

impl Origin {
    fn of(req: &Request) -> Origin {
        Origin {
            uri: req.uri().clone(),
            id: req.headers().get(REQUEST_ID).cloned(),
        }
    }

    fn render(&self, e: &ApiError) -> Response {
        let id = self.id.as_ref().and_then(|v| v.to_str().ok());
        e.render(self.uri.path(), id)
    }
}

/// Serves one call of a configured route.
pub async fn handle(ctx: Arc<RouteCtx>, req: Request) -> Response {
    let origin = Origin::of(&req);
    let slot = AuditSlot::of(&req);
    let mut learnt = Learnt::default();
    // Caught here, where the call is known, so the 500 names its path and id and the
    // audit slot still gets what the call learnt before the panic.
    let outcome = caught(call(&ctx, req, slot.is_some(), &mut learnt)).await;
    let mut response = match outcome {
        Ok(Ok(res)) => res,
        Ok(Err(e)) => origin.render(&e),
        Err(_payload) => {
            // The payload may hold anything the panicking code formatted: not logged.
            tracing::error!(route = %ctx.spec.path, "call panicked; answered 500");
            origin.render(&ApiError::Internal)
        }
    };
    if let Some(ip) = learnt.client {
        // For the server span, which ends outside: the caller behind the proxies.
        response.extensions_mut().insert(Caller(ip));
    }
    if let Some(slot) = slot {
        slot.fill(Call {
            principal: learnt.principal.map(|p| p.id),
            purpose: learnt.purpose,
            keys: learnt.keys,
            backend_ms: learnt.backend_ms,
            unrouted: false,
            client: learnt.client,
        });
    }
    response
}

/// Answers a call no route takes (404, 405). The audit layer records it like any other
/// call: probes of the API are part of the record too.
pub async fn refuse_unrouted(error: ApiError, req: Request) -> Response {
    if let Some(slot) = AuditSlot::of(&req) {
        slot.unrouted();
    }
    Origin::of(&req).render(&error)
}

/// Access, then the record round trip.
async fn call(
    ctx: &RouteCtx,
    mut req: Request,
    audited: bool,
    learnt: &mut Learnt,
) -> Result<Response, ApiError> {
    if let Err(refused) = access::admit(ctx, &req, learnt) {
        // Keys may have rotated at the IdP: refetch (within the cooldown) and try again.
        let Some(auth) = ctx
            .guard
            .authenticator
            .as_ref()
            .filter(|a| a.has_remote_keys())
        else {
            return Err(refused);
        };
        if !learnt.unknown_key {
            return Err(refused);
        }
        auth.refetch_remote_keys().await;
        access::admit(ctx, &req, learnt)?;
    }
    if let Some((who, route)) = learnt.shared_check.take() {
        access::shared_limit(ctx, &who, &route).await?;
    }
    // Set by the stack (taken, not cloned: the request is consumed next); absent only
    // when the route is served without it (unit tests).
    let traced = req.extensions_mut().remove::<Traced>();
    let (given, envelope) = request::read(ctx, req).await?;
    let record = request::record(ctx, &given, audited.then_some(&mut learnt.keys))?;
    drop(given);
    let span = traced.as_ref().map(|t| t.client(&ctx.backend));
    let exchange = Exchange {
        request: Bytes::from(record),
        response_len: ctx.spec.response.max_len(),
        envelope,
        trace: match (&span, &traced) {
            (Some(s), Some(t)) if matches!(ctx.backend.kind, BackendKind::Http { .. }) => {
                Some(s.headers(&t.cx))
            }
            _ => None,
        },
    };
    let asked = Instant::now();
    let answer = ctx.service.clone().oneshot(exchange).await;
    learnt.backend_ms = Some(asked.elapsed().as_secs_f64() * 1000.0);
    if let Some(s) = span {
        s.finish(answer.as_ref().map(|_| ()));
    }
    let answer = answer.map_err(|error| {
        tracing::warn!(backend = %ctx.backend.name, kind = error.kind(), %error, "backend exchange failed");
        ApiError::Backend {
            backend: ctx.backend.name.clone(),
            error,
        }
    })?;
    let principal = learnt.principal.as_ref();
    let (status, mut json) = response::respond(ctx, &answer, principal)?;
    if status.is_client_error() || status.is_server_error() {
        // A mapped error is a problem, never a blank record as if it were an answer.
        return Err(response::host_problem(ctx, &answer, status, principal));
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

#[cfg(test)]
mod tests;
