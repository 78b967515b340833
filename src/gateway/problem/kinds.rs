//! Every kind of problem the gateway answers with, in one table: its `type`, status,
//! title and who is at fault. `problem` renders from it and the OpenAPI document
//! describes from it, so the two cannot drift.

use axum::http::StatusCode;

/// Prefix of every problem `type` URI.
pub const TYPE_BASE: &str = "https://ferrule.dev/problems/";

/// Who is at fault, which decides the status class (pingora's error source, with the
/// operator's side apart from ours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The caller: what it sent, who it is, how often it calls. 4xx.
    Client,
    /// The gateway's configuration or the environment it was told to use (the audit
    /// log's file). 503: nothing the caller can fix, maybe the operator soon.
    Config,
    /// The legacy host or the way to it. 502, 503, 504, or the status a route maps the
    /// host's return code to.
    Backend,
    /// A fault of the gateway's own (a panic, a layout that cannot be compiled). 500.
    Internal,
}

impl Source {
    /// The word used in the API description.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Client => "client",
            Source::Config => "config",
            Source::Backend => "backend",
            Source::Internal => "internal",
        }
    }
}

/// One kind of problem.
#[derive(Debug, PartialEq, Eq)]
pub struct Kind {
    /// The last segment of `type`.
    pub name: &'static str,
    /// `None`: the route's status map decides (a host error).
    pub status: Option<StatusCode>,
    pub title: &'static str,
    pub source: Source,
}

impl Kind {
    /// The problem's `type` URI.
    pub fn uri(&self) -> String {
        format!("{TYPE_BASE}{}", self.name)
    }
}

const fn kind(name: &'static str, status: u16, title: &'static str, source: Source) -> Kind {
    let status = match StatusCode::from_u16(status) {
        Ok(s) => Some(s),
        Err(_) => None,
    };
    Kind {
        name,
        status,
        title,
        source,
    }
}

pub const INVALID_REQUEST: Kind = kind("invalid-request", 400, "Invalid request", Source::Client);
pub const INVALID_PURPOSE: Kind = kind("invalid-purpose", 400, "Invalid purpose", Source::Client);
pub const UNAUTHENTICATED: Kind = kind("unauthenticated", 401, "Unauthenticated", Source::Client);
pub const FORBIDDEN: Kind = kind("forbidden", 403, "Forbidden", Source::Client);
pub const NOT_FOUND: Kind = kind("not-found", 404, "Not found", Source::Client);
pub const METHOD_NOT_ALLOWED: Kind = kind(
    "method-not-allowed",
    405,
    "Method not allowed",
    Source::Client,
);
pub const PAYLOAD_TOO_LARGE: Kind = kind(
    "payload-too-large",
    413,
    "Payload too large",
    Source::Client,
);
pub const UNSUPPORTED_MEDIA_TYPE: Kind = kind(
    "unsupported-media-type",
    415,
    "Unsupported media type",
    Source::Client,
);
pub const RATE_LIMITED: Kind = kind("rate-limited", 429, "Too many requests", Source::Client);
pub const INTERNAL_ERROR: Kind = kind("internal-error", 500, "Internal error", Source::Internal);
pub const BACKEND_UNAVAILABLE: Kind = kind(
    "backend-unavailable",
    502,
    "Backend unavailable",
    Source::Backend,
);
pub const BAD_BACKEND_RESPONSE: Kind = kind(
    "bad-backend-response",
    502,
    "Bad backend response",
    Source::Backend,
);
/// The host's transaction manager (IMS Connect, a CICS listener) refused the request.
pub const HOST_REFUSED: Kind = kind("host-refused", 502, "Host refused", Source::Backend);
pub const BACKEND_SATURATED: Kind = kind(
    "backend-saturated",
    503,
    "Backend saturated",
    Source::Backend,
);
pub const BACKEND_CIRCUIT_OPEN: Kind = kind(
    "backend-circuit-open",
    503,
    "Backend circuit open",
    Source::Backend,
);
pub const RATE_LIMIT_UNAVAILABLE: Kind = kind(
    "rate-limit-unavailable",
    503,
    "Rate limit unavailable",
    Source::Backend,
);
pub const NOT_READY: Kind = kind("not-ready", 503, "Not ready", Source::Backend);
pub const AUDIT_UNAVAILABLE: Kind = kind(
    "audit-unavailable",
    503,
    "Audit unavailable",
    Source::Config,
);
pub const BACKEND_TIMEOUT: Kind = kind("backend-timeout", 504, "Backend timeout", Source::Backend);
/// The host's return code mapped to an error status: the title is the status's reason.
pub const HOST_ERROR: Kind = Kind {
    name: "host-error",
    status: None,
    title: "Host error",
    source: Source::Backend,
};

/// The table: every kind, by status.
pub const KINDS: [&Kind; 20] = [
    &INVALID_REQUEST,
    &INVALID_PURPOSE,
    &UNAUTHENTICATED,
    &FORBIDDEN,
    &NOT_FOUND,
    &METHOD_NOT_ALLOWED,
    &PAYLOAD_TOO_LARGE,
    &UNSUPPORTED_MEDIA_TYPE,
    &RATE_LIMITED,
    &INTERNAL_ERROR,
    &BACKEND_UNAVAILABLE,
    &BAD_BACKEND_RESPONSE,
    &HOST_REFUSED,
    &BACKEND_SATURATED,
    &BACKEND_CIRCUIT_OPEN,
    &RATE_LIMIT_UNAVAILABLE,
    &NOT_READY,
    &AUDIT_UNAVAILABLE,
    &BACKEND_TIMEOUT,
    &HOST_ERROR,
];
