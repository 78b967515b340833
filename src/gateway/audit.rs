//! The audit layer: one line per call, durable before the answer leaves.
//!
//! It sits outside the panic catcher, so a call that panics is recorded as the 500 it
//! becomes. What only the route handler learns (who called, the purpose, the key fields,
//! the time spent on the backend) it writes into a per-request [`AuditSlot`] that this
//! layer put in the request's extensions and reads back after the response; whatever
//! was written before a panic is still there. Fail closed: when the line cannot be
//! written the caller gets 503, whatever the route answered.
//!
//! Without `[audit]` the layer passes calls straight through: no slot, no clock, no
//! allocation.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Instant, SystemTime};

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::http::Response;
use axum::http::{HeaderValue, Method, Uri};
use futures_util::future::{Either, FutureExt, Map};
use tower::{Layer, Service};

use super::ops::RESERVED;
use super::problem::ApiError;
use super::stack::REQUEST_ID;
use crate::audit::{AuditEvent, AuditLog};
use crate::trace::Traced;

/// The route pattern unrouted calls are audited under: the concrete path is not recorded,
/// since a mistyped URL may still carry a key (a VRM, a name).
pub const UNROUTED: &str = "<unrouted>";

/// What one call learnt on its way, for its audit line.
#[derive(Default)]
pub struct Call {
    /// The authenticated principal's id.
    pub principal: Option<String>,
    pub purpose: Option<String>,
    /// Audit key fields as sent (keyed, if so configured, when the line is written).
    pub keys: Vec<(String, String)>,
    pub backend_ms: Option<f64>,
    /// No route took the call (404, 405): audited under [`UNROUTED`].
    pub unrouted: bool,
    /// The caller's address as a trusted proxy forwarded it (None: the TCP peer's).
    pub client: Option<std::net::IpAddr>,
}

/// The per-request place where inner layers leave what the call learnt. Present in a
/// request's extensions only when there is an audit log.
#[derive(Clone, Default)]
pub struct AuditSlot(Arc<Mutex<Call>>);

impl AuditSlot {
    /// The slot of `req`, if the call is audited.
    pub fn of(req: &Request) -> Option<AuditSlot> {
        req.extensions().get::<AuditSlot>().cloned()
    }

    /// Records what the call learnt (a panic elsewhere cannot leave it unusable).
    pub fn fill(&self, call: Call) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = call;
    }

    /// Marks the call as one no route took.
    pub fn unrouted(&self) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .unrouted = true;
    }

    fn take(&self) -> Call {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Puts [`AuditService`] around a service; `None` is a pass-through.
#[derive(Clone)]
pub struct AuditLayer(pub Option<AuditLog>);

impl<S> Layer<S> for AuditLayer {
    type Service = AuditService<S>;

    fn layer(&self, inner: S) -> AuditService<S> {
        AuditService {
            inner,
            log: self.0.clone(),
        }
    }
}

/// See the module doc.
#[derive(Clone)]
pub struct AuditService<S> {
    inner: S,
    log: Option<AuditLog>,
}

/// The inner service's body as it is, or the layer's own 503.
type Answer<B> = Response<http_body_util::Either<B, Body>>;

type Answered<B> = Result<Answer<B>, Infallible>;

/// The audited call: the inner call, then the line.
type Audited<B> = Pin<Box<dyn Future<Output = Answered<B>> + Send>>;

/// A call that is not audited: its response unchanged (a move, no allocation).
type Passed<F, B> = Map<F, fn(Result<Response<B>, Infallible>) -> Answered<B>>;

fn pass<B>(r: Result<Response<B>, Infallible>) -> Answered<B> {
    r.map(|res| res.map(http_body_util::Either::Left))
}

impl<S, B> Service<Request> for AuditService<S>
where
    S: Service<Request, Response = Response<B>, Error = Infallible>,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Answer<B>;
    type Error = Infallible;
    type Future = Either<Passed<S::Future, B>, Audited<B>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        let Some(log) = &self.log else {
            let pass: fn(_) -> _ = pass::<B>;
            return Either::Left(self.inner.call(req).map(pass));
        };
        let log = log.clone();
        let arrival = Arrival::of(&req);
        let slot = AuditSlot::default();
        req.extensions_mut().insert(slot.clone());
        let answer = self.inner.call(req);
        Either::Right(Box::pin(async move {
            let response = answer.await?;
            Ok(audited(&log, arrival, &slot, response).await)
        }))
    }
}

/// What is known of a call when it arrives (all cheap clones of the request's parts).
struct Arrival {
    started: Instant,
    time: SystemTime,
    uri: Uri,
    method: Method,
    id: Option<HeaderValue>,
    /// The call's trace id (hex), set by the stack outside this layer.
    trace: Option<[u8; 32]>,
    client: Option<SocketAddr>,
    route: Option<MatchedPath>,
}

impl Arrival {
    fn of(req: &Request) -> Arrival {
        Arrival {
            started: Instant::now(),
            time: SystemTime::now(),
            uri: req.uri().clone(),
            method: req.method().clone(),
            id: req.headers().get(REQUEST_ID).cloned(),
            trace: req.extensions().get::<Traced>().map(|t| t.cx.trace_hex()),
            client: req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
            route: req.extensions().get::<MatchedPath>().cloned(),
        }
    }
}

/// Writes the call's audit line before `response` may leave; 503 instead when the line
/// cannot be written. Operator endpoints (health, metrics, the API description) are not
/// calls of the API and leave no line.
async fn audited<B>(
    log: &AuditLog,
    arrival: Arrival,
    slot: &AuditSlot,
    response: Response<B>,
) -> Answer<B> {
    let call = slot.take();
    let route = match arrival.route.as_ref().map(MatchedPath::as_str) {
        _ if call.unrouted => UNROUTED,
        Some(r) if RESERVED.contains(&r) => return response.map(http_body_util::Either::Left),
        Some(r) => r,
        None => UNROUTED,
    };
    let id = arrival.id.as_ref().and_then(|v| v.to_str().ok());
    let event = AuditEvent {
        time: arrival.time,
        request_id: id.unwrap_or_default().to_string(),
        trace_id: arrival
            .trace
            .as_ref()
            .and_then(|t| std::str::from_utf8(t).ok())
            .unwrap_or_default()
            .to_string(),
        principal: call.principal,
        client_addr: match (call.client, arrival.client) {
            (Some(forwarded), _) => forwarded.to_string(),
            (None, Some(peer)) => peer.to_string(),
            (None, None) => "unknown".into(),
        },
        route: route.to_string(),
        method: arrival.method.to_string(),
        purpose: call.purpose,
        keys: call
            .keys
            .into_iter()
            .map(|(name, value)| (name, log.keyed(&value)))
            .collect(),
        status: response.status().as_u16(),
        latency_ms: arrival.started.elapsed().as_secs_f64() * 1000.0,
        backend_ms: call.backend_ms,
        direction: None,
        outcome: None,
    };
    match log.record(event).await {
        Ok(()) => response.map(http_body_util::Either::Left),
        Err(error) => {
            tracing::error!(%route, %error, "audit line not written; call refused");
            let refused = ApiError::AuditUnavailable.render(arrival.uri.path(), id);
            refused.map(http_body_util::Either::Right)
        }
    }
}

#[cfg(test)]
mod tests;
