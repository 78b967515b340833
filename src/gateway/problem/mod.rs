//! The one place errors become HTTP responses: RFC 9457 `application/problem+json`
//! with a stable `type` per kind.
//!
//! Handlers return an [`ApiError`]; only this module decides its kind (and so, through
//! the [`kinds`] table, its status, title and source) and what of it the client may
//! see. Client faults are 4xx, backend faults 502/503/504, our own faults 500. Backend and record details are logged elsewhere, never sent;
//! the one exception is a host error the route maps to a status, whose `detail` is the
//! host's message when the route names the field that carries it.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::connector::ConnectorError;

pub mod kinds;

use kinds::Kind;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One bad input field: its JSON path and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblem {
    pub field: String,
    pub detail: String,
}

/// Why a request failed, as handlers report it.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The body is not JSON at all (syntax), or a parameter cannot be read.
    BadRequest(String),
    /// One or more fields (or the parameters that fill them) are wrong: all listed.
    InvalidFields(Vec<FieldProblem>),
    /// A body with a media type other than JSON.
    UnsupportedMediaType(String),
    /// A body larger than `server.max_body_bytes`.
    PayloadTooLarge,
    /// No route has this path.
    NotFound,
    /// A route has this path, but not for this method.
    MethodNotAllowed,
    /// The exchange with the legacy host failed.
    Backend {
        backend: String,
        error: ConnectorError,
    },
    /// The host answered, but not with a record we can read or a return code we map.
    BadBackendResponse { backend: String },
    /// `/readyz`: these backends cannot be reached.
    NotReady(Vec<String>),
    /// Our fault (a panic, a layout that cannot be compiled): never the client's.
    Internal,
    /// No acceptable credentials: 401 with this `WWW-Authenticate` challenge.
    Unauthenticated { challenge: String },
    /// Authenticated, but without a scope the route requires.
    Forbidden,
    /// `X-Purpose` missing, malformed or not one of the route's codes.
    InvalidPurpose(String),
    /// The caller's token bucket for this route is empty; retry after this many seconds.
    RateLimited { retry_after_secs: u64 },
    /// The shared rate-limit store cannot answer and the route fails closed.
    RateLimitUnavailable,
    /// The audit line could not be written: the call is refused, never served unaudited.
    AuditUnavailable,
    /// The host answered a return code the route maps to this error status: `detail`
    /// is the host's message when the route names one (`status.detail_field`).
    Host { status: StatusCode, detail: String },
}

impl ApiError {
    /// The kind of problem: its row in the [`kinds`] table.
    pub fn kind(&self) -> &'static Kind {
        match self {
            ApiError::BadRequest(_) | ApiError::InvalidFields(_) => &kinds::INVALID_REQUEST,
            ApiError::UnsupportedMediaType(_) => &kinds::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge => &kinds::PAYLOAD_TOO_LARGE,
            ApiError::NotFound => &kinds::NOT_FOUND,
            ApiError::MethodNotAllowed => &kinds::METHOD_NOT_ALLOWED,
            ApiError::Backend { error, .. } => match error {
                ConnectorError::Unreachable(_) | ConnectorError::Closed(_) => {
                    &kinds::BACKEND_UNAVAILABLE
                }
                ConnectorError::Timeout(_) => &kinds::BACKEND_TIMEOUT,
                ConnectorError::Saturated { .. } => &kinds::BACKEND_SATURATED,
                ConnectorError::BadFrame(_) | ConnectorError::Program(_) => {
                    &kinds::BAD_BACKEND_RESPONSE
                }
                ConnectorError::Refused(_) => &kinds::HOST_REFUSED,
                ConnectorError::CircuitOpen { .. } => &kinds::BACKEND_CIRCUIT_OPEN,
            },
            ApiError::BadBackendResponse { .. } => &kinds::BAD_BACKEND_RESPONSE,
            ApiError::NotReady(_) => &kinds::NOT_READY,
            ApiError::Internal => &kinds::INTERNAL_ERROR,
            ApiError::Unauthenticated { .. } => &kinds::UNAUTHENTICATED,
            ApiError::Forbidden => &kinds::FORBIDDEN,
            ApiError::InvalidPurpose(_) => &kinds::INVALID_PURPOSE,
            ApiError::RateLimited { .. } => &kinds::RATE_LIMITED,
            ApiError::RateLimitUnavailable => &kinds::RATE_LIMIT_UNAVAILABLE,
            ApiError::AuditUnavailable => &kinds::AUDIT_UNAVAILABLE,
            ApiError::Host { .. } => &kinds::HOST_ERROR,
        }
    }

    pub fn status(&self) -> StatusCode {
        match (self, self.kind().status) {
            (ApiError::Host { status, .. }, _) => *status,
            (_, Some(status)) => status,
            // Only a host error has no status of its own.
            (_, None) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            // The status says what the host's answer means ("Not Found").
            ApiError::Host { status, .. } => status.canonical_reason().unwrap_or("Host error"),
            _ => self.kind().title,
        }
    }

    /// What the client is told: enough to act on, nothing from the host or its records.
    fn detail(&self) -> String {
        match self {
            ApiError::BadRequest(d) | ApiError::UnsupportedMediaType(d) => d.clone(),
            ApiError::InvalidFields(es) => match es.len() {
                1 => "1 field is invalid".into(),
                n => format!("{n} fields are invalid"),
            },
            ApiError::PayloadTooLarge => "the request body is larger than allowed".into(),
            ApiError::NotFound => "no route has this path".into(),
            ApiError::MethodNotAllowed => "the route does not accept this method".into(),
            ApiError::Backend { backend, error } => match error {
                ConnectorError::Unreachable(_) => format!("backend `{backend}` cannot be reached"),
                ConnectorError::Closed(_) => {
                    format!("backend `{backend}` closed the connection before answering")
                }
                ConnectorError::Timeout(t) => {
                    format!(
                        "backend `{backend}` did not answer within {} ms",
                        t.as_millis()
                    )
                }
                ConnectorError::Saturated { .. } => {
                    format!("backend `{backend}` is at its session limit; retry later")
                }
                ConnectorError::BadFrame(_) => {
                    format!("backend `{backend}` sent a malformed frame")
                }
                ConnectorError::Program(_) => format!("backend `{backend}` program failed"),
                ConnectorError::Refused(_) => {
                    format!("backend `{backend}` refused the request")
                }
                ConnectorError::CircuitOpen { .. } => format!(
                    "backend `{backend}` keeps failing, so calls to it are paused; retry later"
                ),
            },
            ApiError::BadBackendResponse { backend } => {
                format!("backend `{backend}` answered with a record that cannot be used")
            }
            ApiError::NotReady(names) => {
                format!("unreachable backends: {}", names.join(", "))
            }
            ApiError::Internal => "the gateway failed to handle the request".into(),
            ApiError::Unauthenticated { .. } => {
                "valid credentials are required: a bearer token or an API key".into()
            }
            // The same words whatever was asked for: a 403 says nothing about the record.
            ApiError::Forbidden => "the caller is not allowed to use this route".into(),
            ApiError::InvalidPurpose(reason) => reason.clone(),
            ApiError::RateLimited { .. } => "too many calls to this route; retry later".into(),
            ApiError::RateLimitUnavailable => {
                "the rate limit of this route cannot be checked right now; retry later".into()
            }
            ApiError::AuditUnavailable => {
                "the call cannot be recorded in the audit log, so it is refused".into()
            }
            ApiError::Host { detail, .. } => detail.clone(),
        }
    }

    /// `Retry-After` seconds for saturation: rounded up, at least 1.
    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::Backend {
                error:
                    ConnectorError::Saturated { retry_after }
                    | ConnectorError::CircuitOpen { retry_after },
                ..
            } => Some(retry_after_secs(*retry_after)),
            ApiError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The problem document. `instance` is the request path; `request_id` the
    /// `x-request-id` the client gets back in the header too.
    pub fn body(&self, instance: &str, request_id: Option<&str>) -> Value {
        let mut doc = json!({
            "type": self.kind().uri(),
            "title": self.title(),
            "status": self.status().as_u16(),
            "detail": self.detail(),
        });
        if let Some(obj) = doc.as_object_mut() {
            if !instance.is_empty() {
                obj.insert("instance".into(), instance.into());
            }
            if let Some(id) = request_id {
                obj.insert("request_id".into(), id.into());
            }
            match self {
                ApiError::InvalidFields(es) => {
                    let list = es
                        .iter()
                        .map(|e| json!({"field": e.field, "detail": e.detail}))
                        .collect();
                    obj.insert("errors".into(), Value::Array(list));
                }
                ApiError::NotReady(names) => {
                    obj.insert("backends".into(), json!(names));
                }
                _ => {}
            }
        }
        doc
    }

    /// The whole response: status, `application/problem+json`, `Retry-After` when due.
    pub fn render(&self, instance: &str, request_id: Option<&str>) -> Response {
        let mut body = serde_json::to_vec(&self.body(instance, request_id)).unwrap_or_default();
        // Like every JSON body of the gateway, it ends its line.
        body.push(b'\n');
        let mut res = (
            self.status(),
            [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
            body,
        )
            .into_response();
        if let Some(secs) = self.retry_after() {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let ApiError::Unauthenticated { challenge } = self {
            if let Ok(v) = HeaderValue::from_str(challenge) {
                res.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
        }
        res
    }
}

/// Whole seconds, rounded up, never 0 (a `Retry-After: 0` invites a retry storm).
fn retry_after_secs(d: Duration) -> u64 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kinds::Source;

    fn parts(e: &ApiError) -> (u16, String, Option<String>, Value) {
        let res = e.render("/v1/x", Some("req-1"));
        let status = res.status().as_u16();
        let ct = res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        let ra = res
            .headers()
            .get(header::RETRY_AFTER)
            .map(|v| v.to_str().unwrap().to_string());
        (status, ct, ra, e.body("/v1/x", Some("req-1")))
    }

    fn backend(error: ConnectorError) -> ApiError {
        ApiError::Backend {
            backend: "vehicles".into(),
            error,
        }
    }

    #[test]
    fn every_kind_has_its_status_and_type() {
        let cases = [
            (ApiError::BadRequest("x".into()), 400, "invalid-request"),
            (ApiError::InvalidFields(vec![]), 400, "invalid-request"),
            (
                ApiError::UnsupportedMediaType("x".into()),
                415,
                "unsupported-media-type",
            ),
            (ApiError::PayloadTooLarge, 413, "payload-too-large"),
            (ApiError::NotFound, 404, "not-found"),
            (ApiError::MethodNotAllowed, 405, "method-not-allowed"),
            (
                backend(ConnectorError::Unreachable("refused".into())),
                502,
                "backend-unavailable",
            ),
            (
                backend(ConnectorError::Closed("reset".into())),
                502,
                "backend-unavailable",
            ),
            (
                backend(ConnectorError::BadFrame("len".into())),
                502,
                "bad-backend-response",
            ),
            (
                backend(ConnectorError::Program("exit 3".into())),
                502,
                "bad-backend-response",
            ),
            (
                backend(ConnectorError::Timeout(Duration::from_secs(2))),
                504,
                "backend-timeout",
            ),
            (
                backend(ConnectorError::Saturated {
                    retry_after: Duration::from_millis(1),
                }),
                503,
                "backend-saturated",
            ),
            (
                ApiError::BadBackendResponse {
                    backend: "v".into(),
                },
                502,
                "bad-backend-response",
            ),
            (ApiError::NotReady(vec!["v".into()]), 503, "not-ready"),
            (ApiError::Internal, 500, "internal-error"),
            (
                ApiError::Unauthenticated {
                    challenge: "Bearer realm=\"f\"".into(),
                },
                401,
                "unauthenticated",
            ),
            (ApiError::Forbidden, 403, "forbidden"),
            (ApiError::InvalidPurpose("x".into()), 400, "invalid-purpose"),
            (
                ApiError::RateLimited {
                    retry_after_secs: 2,
                },
                429,
                "rate-limited",
            ),
            (ApiError::AuditUnavailable, 503, "audit-unavailable"),
            (
                ApiError::Host {
                    status: StatusCode::NOT_FOUND,
                    detail: "VEHICLE NOT FOUND".into(),
                },
                404,
                "host-error",
            ),
        ];
        for (e, status, kind) in cases {
            let (s, ct, _, body) = parts(&e);
            assert_eq!(s, status, "{e:?}");
            assert_eq!(ct, PROBLEM_JSON);
            assert_eq!(body["type"], format!("{}{kind}", kinds::TYPE_BASE));
            assert_eq!(body["status"], status);
            assert_eq!(body["instance"], "/v1/x");
            assert_eq!(body["request_id"], "req-1");
            assert!(body["title"].is_string() && body["detail"].is_string());
        }
    }

    #[test]
    fn saturation_sets_retry_after_rounded_up() {
        // 1.2 s waits 2 s; 1 ms still waits a whole second; exactly 3 s stays 3.
        for (ms, want) in [(1200, "2"), (1, "1"), (0, "1"), (3000, "3")] {
            let e = backend(ConnectorError::Saturated {
                retry_after: Duration::from_millis(ms),
            });
            assert_eq!(parts(&e).2.as_deref(), Some(want), "{ms} ms");
        }
        // Other kinds carry no Retry-After.
        assert_eq!(parts(&ApiError::NotFound).2, None);
    }

    #[test]
    fn security_problems_carry_their_headers() {
        // 401 names the challenge; 429 says when to come back.
        let e = ApiError::Unauthenticated {
            challenge: "Bearer realm=\"ferrule\"".into(),
        };
        let res = e.render("/v1/x", None);
        assert_eq!(
            res.headers()[header::WWW_AUTHENTICATE],
            "Bearer realm=\"ferrule\""
        );
        let e = ApiError::RateLimited {
            retry_after_secs: 7,
        };
        assert_eq!(parts(&e).2.as_deref(), Some("7"));
    }

    #[test]
    fn invalid_fields_are_all_listed() {
        let e = ApiError::InvalidFields(vec![
            FieldProblem {
                field: "owner.dob".into(),
                detail: "expected number".into(),
            },
            FieldProblem {
                field: "vrm".into(),
                detail: "too long".into(),
            },
        ]);
        let body = e.body("/v1/x", None);
        assert_eq!(body["errors"][0]["field"], "owner.dob");
        assert_eq!(body["errors"][1]["field"], "vrm");
        assert_eq!(body["detail"], "2 fields are invalid");
        // No request id given: the member is left out rather than null.
        assert!(body.get("request_id").is_none());
    }

    #[test]
    fn backend_details_do_not_leak() {
        // The connector's own text (addresses, OS errors) stays in the logs.
        let e = backend(ConnectorError::Unreachable("10.1.2.3:7001 refused".into()));
        let detail = e.body("", None)["detail"].to_string();
        assert!(!detail.contains("10.1.2.3"), "{detail}");
        // A refusal's return and reason codes are for the log only.
        let e = backend(ConnectorError::Refused(
            "h:1: *REQSTS*: return code 4, reason code 24".into(),
        ));
        let body = e.body("", None);
        assert_eq!(body["status"], 502);
        assert!(body["type"].as_str().unwrap().ends_with("/host-refused"));
        assert!(!body.to_string().contains("reason code"), "{body}");
    }

    /// One error of each variant (and of each connector error): the match has no
    /// wildcard, so a new variant does not compile until it is listed here.
    fn one_of_each() -> Vec<ApiError> {
        let backends = [
            ConnectorError::Unreachable("x".into()),
            ConnectorError::Closed("x".into()),
            ConnectorError::Timeout(Duration::from_secs(1)),
            ConnectorError::Saturated {
                retry_after: Duration::from_secs(1),
            },
            ConnectorError::BadFrame("x".into()),
            ConnectorError::Program("x".into()),
            ConnectorError::Refused("x".into()),
            ConnectorError::CircuitOpen {
                retry_after: Duration::from_secs(1),
            },
        ];
        let mut all: Vec<ApiError> = backends.into_iter().map(backend).collect();
        all.extend([
            ApiError::BadRequest("x".into()),
            ApiError::InvalidFields(vec![]),
            ApiError::UnsupportedMediaType("x".into()),
            ApiError::PayloadTooLarge,
            ApiError::NotFound,
            ApiError::MethodNotAllowed,
            ApiError::BadBackendResponse {
                backend: "v".into(),
            },
            ApiError::NotReady(vec![]),
            ApiError::Internal,
            ApiError::Unauthenticated {
                challenge: String::new(),
            },
            ApiError::Forbidden,
            ApiError::InvalidPurpose("x".into()),
            ApiError::RateLimited {
                retry_after_secs: 1,
            },
            ApiError::RateLimitUnavailable,
            ApiError::AuditUnavailable,
            ApiError::Host {
                status: StatusCode::CONFLICT,
                detail: "x".into(),
            },
        ]);
        for e in &all {
            match e {
                ApiError::BadRequest(_)
                | ApiError::InvalidFields(_)
                | ApiError::UnsupportedMediaType(_)
                | ApiError::PayloadTooLarge
                | ApiError::NotFound
                | ApiError::MethodNotAllowed
                | ApiError::Backend { .. }
                | ApiError::BadBackendResponse { .. }
                | ApiError::NotReady(_)
                | ApiError::Internal
                | ApiError::Unauthenticated { .. }
                | ApiError::Forbidden
                | ApiError::InvalidPurpose(_)
                | ApiError::RateLimited { .. }
                | ApiError::RateLimitUnavailable
                | ApiError::AuditUnavailable
                | ApiError::Host { .. } => {}
            }
        }
        all
    }

    #[test]
    fn the_table_holds_every_kind_and_nothing_else() {
        // Each error renders its table row; each row is some error's kind.
        let all = one_of_each();
        for e in &all {
            let kind = e.kind();
            assert!(kinds::KINDS.contains(&kind), "{e:?}");
            let body = e.body("", None);
            assert_eq!(body["type"], kind.uri());
            if let Some(status) = kind.status {
                assert_eq!(e.status(), status, "{e:?}");
                assert_eq!(body["title"], kind.title);
            }
        }
        for kind in kinds::KINDS {
            assert!(all.iter().any(|e| e.kind() == kind), "{} unused", kind.name);
        }
        let mut names: Vec<&str> = kinds::KINDS.iter().map(|k| k.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), kinds::KINDS.len(), "a name twice");
    }

    #[test]
    fn the_source_decides_the_status_class() {
        // Client faults are 4xx, ours 500, the config's 503, the backend's 5xx but 500
        // (or, for a host error, what the route maps).
        for kind in kinds::KINDS {
            let Some(status) = kind.status else {
                assert_eq!(kind.name, "host-error");
                continue;
            };
            let code = status.as_u16();
            let fits = match kind.source {
                Source::Client => (400..500).contains(&code),
                Source::Internal => code == 500,
                Source::Config => code == 503,
                Source::Backend => (502..=504).contains(&code),
            };
            assert!(fits, "{} is {code} from {:?}", kind.name, kind.source);
        }
    }
}
