//! The spans of one call: a server span for the request (route, method, status, client
//! address) and a client span for each backend exchange (backend, kind, outcome, error
//! kind), its child. Without an exporter there are no spans, only the [`TraceContext`].
//!
//! Attribute names follow OpenTelemetry's HTTP conventions where one fits
//! (`http.route`, `http.request.method`, `http.response.status_code`, `client.address`,
//! `error.type`); the rest are `ferrule.*`. Never a path, query or record value.

use std::borrow::Cow;
use std::net::IpAddr;

use axum::http::HeaderMap;
use opentelemetry::trace::{
    Span as _, SpanContext, SpanKind, Status, TraceContextExt, TraceFlags, TraceState, Tracer,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{SdkTracer, Span};

use super::context::TraceContext;
use crate::config::{BackendKind, BackendSpec};
use crate::connector::http::TraceHeaders;
use crate::connector::ConnectorError;

/// A request's trace, put in its extensions by the stack for the layers and the route
/// inside (audit line, backend calls).
#[derive(Clone, Debug)]
pub struct Traced {
    pub cx: TraceContext,
    /// Where client spans are started; `None` when spans are not exported.
    tracer: Option<SdkTracer>,
}

/// What the server span is told about the request.
pub struct Request<'a> {
    pub method: &'static str,
    pub route: &'a str,
    pub request_id: &'a str,
}

/// The caller's address as trusted proxies forwarded it, left by the route in the
/// response's extensions for the server span (which otherwise names the TCP peer).
#[derive(Clone, Copy, Debug)]
pub struct Caller(pub IpAddr);

/// The request's server span, ended with its status.
pub struct ServerSpan(Span);

/// The request's trace (the caller's, or a new one) and, with a tracer, its server span,
/// whose id is then the request's span id.
pub fn server(
    headers: &HeaderMap,
    tracer: Option<&SdkTracer>,
    req: &Request<'_>,
) -> (Traced, Option<ServerSpan>) {
    let mut cx = TraceContext::start(headers);
    let Some(tracer) = tracer else {
        return (Traced { cx, tracer: None }, None);
    };
    let parent = match cx.parent {
        Some(span_id) => Context::new().with_remote_span_context(SpanContext::new(
            cx.otel_trace_id(),
            opentelemetry::trace::SpanId::from_bytes(span_id),
            TraceFlags::new(cx.flags),
            true,
            TraceState::NONE,
        )),
        None => Context::new(),
    };
    let attributes = vec![
        KeyValue::new("http.request.method", req.method),
        KeyValue::new("http.route", req.route.to_string()),
        KeyValue::new("ferrule.request_id", req.request_id.to_string()),
    ];
    let span = tracer
        .span_builder(format!("{} {}", req.method, req.route))
        .with_kind(SpanKind::Server)
        .with_attributes(attributes)
        .start_with_context(tracer, &parent);
    // The SDK chose the ids (a new trace, or the caller's) and the sampling decision.
    let sc = span.span_context();
    cx.trace_id = sc.trace_id().to_bytes();
    cx.span_id = sc.span_id().to_bytes();
    cx.flags = sc.trace_flags().to_u8();
    let traced = Traced {
        cx,
        tracer: Some(tracer.clone()),
    };
    (traced, Some(ServerSpan(span)))
}

impl ServerSpan {
    /// Ends the span with the status answered (5xx is an error of ours; 4xx the caller's)
    /// and the caller's address (known only once the route has read the proxies' headers).
    pub fn finish(mut self, status: u16, client: Option<IpAddr>) {
        self.0.set_attribute(KeyValue::new(
            "http.response.status_code",
            i64::from(status),
        ));
        if let Some(ip) = client {
            self.0
                .set_attribute(KeyValue::new("client.address", ip.to_string()));
        }
        if status >= 500 {
            self.0.set_status(Status::error(""));
        }
        self.0.end();
    }
}

/// One backend exchange's span (when exported) and the id its callee sees as parent.
pub struct ClientSpan {
    span: Option<Span>,
    /// The client span's id, or the request's when there is no span.
    id: [u8; 8],
}

impl Traced {
    /// Starts the span of an exchange with `backend`.
    pub fn client(&self, backend: &BackendSpec) -> ClientSpan {
        let Some(tracer) = &self.tracer else {
            return ClientSpan {
                span: None,
                id: self.cx.span_id,
            };
        };
        let parent = Context::new().with_remote_span_context(SpanContext::new(
            self.cx.otel_trace_id(),
            self.cx.otel_span_id(),
            TraceFlags::new(self.cx.flags),
            // Our own server span: a local parent, for the sampler and the exported link.
            false,
            TraceState::NONE,
        ));
        let (kind, protocol) = kind(&backend.kind);
        let mut attributes = vec![
            KeyValue::new("ferrule.backend.name", backend.name.clone()),
            KeyValue::new("ferrule.backend.kind", kind),
        ];
        if let Some(p) = protocol {
            attributes.push(KeyValue::new("ferrule.backend.protocol", p));
        }
        let span = tracer
            .span_builder(format!("backend {}", backend.name))
            .with_kind(SpanKind::Client)
            .with_attributes(attributes)
            .start_with_context(tracer, &parent);
        let id = span.span_context().span_id().to_bytes();
        ClientSpan {
            span: Some(span),
            id,
        }
    }
}

impl ClientSpan {
    /// The trace headers for an http backend: our trace, this exchange as the parent.
    pub fn headers(&self, cx: &TraceContext) -> TraceHeaders {
        TraceHeaders {
            traceparent: cx.traceparent(self.id),
            tracestate: cx.state.clone(),
        }
    }

    /// Ends the span with how the exchange went.
    pub fn finish(self, outcome: Result<(), &ConnectorError>) {
        let Some(mut span) = self.span else {
            return;
        };
        match outcome {
            Ok(()) => span.set_attribute(KeyValue::new("ferrule.backend.outcome", "ok")),
            Err(e) => {
                span.set_attribute(KeyValue::new("ferrule.backend.outcome", e.kind()));
                span.set_attribute(KeyValue::new("error.type", e.kind()));
                // The kind only: messages can name hosts and addresses.
                span.set_status(Status::Error {
                    description: Cow::Borrowed(e.kind()),
                });
            }
        }
        span.end();
    }
}

/// The backend's `kind` as configured, and its protocol, if any.
fn kind(kind: &BackendKind) -> (&'static str, Option<&'static str>) {
    match kind {
        BackendKind::Tcp { .. } | BackendKind::TcpTls { .. } => ("tcp", None),
        BackendKind::TcpProtocol { protocol, .. } => ("tcp", Some(protocol.name())),
        BackendKind::Http { .. } => ("http", None),
        BackendKind::Exec { .. } => ("exec", None),
    }
}
