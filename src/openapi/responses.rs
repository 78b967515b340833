//! Every status one route can answer with: the statuses its return codes map to (below
//! 400 the decoded record, `application/json`; 400 and up a problem carrying the host's
//! message), and each error the gateway can produce for it (`application/problem+json`),
//! with the headers that come with them.
//!
//! Every error status is `application/problem+json` only, whether the host's return
//! code or the gateway chose it. Which errors apply follows the handler: 401 only with `[auth]`,
//! 403 only for scoped routes, 413/415 only for methods with a body, 429 only with a
//! rate limit, 503 for a saturated host and, with `[audit]`, for an unwritable log.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::problem::{
    reference, PROBLEM, PROBLEM_JSON, REQUEST_ID, RETRY_AFTER, TRACE_RESPONSE, WWW_AUTHENTICATE,
};
use crate::auth::PurposeRule;
use crate::config::{BackendKind, BackendSpec, RouteSpec};
use crate::gateway::problems::{self, Kind};

/// The response member listing the problem `type`s a status stands for.
pub const PROBLEM_TYPES: &str = "x-problem-types";

/// What decides a route's responses besides the route itself.
pub struct Setting<'a> {
    pub backend: &'a BackendSpec,
    /// `[auth]` is configured: any call may present a credential that is refused.
    pub auth: bool,
    /// `[audit]` is configured: a call is refused when its line cannot be written.
    pub audit: bool,
    /// Rate limits are checked in a shared store, which may be unreachable.
    pub shared_limits: bool,
    pub max_body_bytes: usize,
    /// The schema of the response body (a `$ref`).
    pub record: Value,
}

/// One status being described.
#[derive(Default)]
struct Answer {
    descriptions: Vec<String>,
    /// Problem `type` URIs answered with this status.
    types: Vec<String>,
    content: Map<String, Value>,
    headers: Map<String, Value>,
}

#[derive(Default)]
struct Answers(BTreeMap<u16, Answer>);

impl Answers {
    fn record(&mut self, status: u16, description: String, schema: &Value) {
        let a = self.0.entry(status).or_default();
        a.descriptions.push(description);
        a.content
            .insert("application/json".into(), json!({ "schema": schema }));
    }

    /// A problem of `kind` at the status the table gives it.
    fn problem(&mut self, kind: &Kind, description: impl Into<String>) -> &mut Answer {
        let status = kind.status.map_or(500, |s| s.as_u16());
        self.problem_at(status, kind, description)
    }

    fn problem_at(
        &mut self,
        status: u16,
        kind: &Kind,
        description: impl Into<String>,
    ) -> &mut Answer {
        let a = self.0.entry(status).or_default();
        a.descriptions.push(description.into());
        a.content.insert(
            PROBLEM_JSON.into(),
            json!({ "schema": reference("schemas", PROBLEM) }),
        );
        a.also(kind)
    }

    fn into_value(self) -> Value {
        let mut out = Map::new();
        for (status, mut a) in self.0 {
            let mut headers = Map::new();
            headers.insert("x-request-id".into(), reference("headers", REQUEST_ID));
            headers.insert("traceresponse".into(), reference("headers", TRACE_RESPONSE));
            headers.append(&mut a.headers);
            let mut answer = json!({
                "description": a.descriptions.join(" "),
                "headers": headers,
                "content": a.content,
            });
            if let (false, Some(obj)) = (a.types.is_empty(), answer.as_object_mut()) {
                obj.insert(PROBLEM_TYPES.into(), json!(a.types));
            }
            out.insert(status.to_string(), answer);
        }
        Value::Object(out)
    }
}

impl Answer {
    /// This status also stands for problems of `kind` (described with the others).
    fn also(&mut self, kind: &Kind) -> &mut Answer {
        let uri = kind.uri();
        if !self.types.contains(&uri) {
            self.types.push(uri);
        }
        self
    }

    fn header(&mut self, name: &str, component: &str, required: bool) {
        let h = if required {
            reference("headers", component)
        } else {
            // A `$ref` cannot be loosened in place: spell the optional one out.
            json!({
                "description": "Seconds to wait before calling again (at least 1), when the \
                    backend is saturated.",
                "schema": {"type": "integer", "minimum": 1}
            })
        };
        self.headers.insert(name.into(), h);
    }
}

/// The `responses` object of `spec`'s operation.
pub fn responses(spec: &RouteSpec, s: &Setting<'_>) -> Value {
    let mut out = Answers::default();
    mapped(spec, &s.record, &mut out);
    let backend = &s.backend.name;
    let has_body = matches!(spec.method.as_str(), "POST" | "PUT" | "PATCH");
    let mut bad =
        String::from("Invalid request: fields of the wrong type or too long, missing parameters");
    if has_body {
        bad.push_str(", a body that is not JSON or not an object where one is needed");
    }
    bad.push_str(" (every bad field listed in `errors`)");
    if matches!(spec.policy.purpose, PurposeRule::Required { .. }) {
        bad.push_str("; or `X-Purpose` missing or not accepted (`invalid-purpose`)");
    }
    bad.push('.');
    let invalid = out.problem(&problems::INVALID_REQUEST, bad);
    if matches!(spec.policy.purpose, PurposeRule::Required { .. }) {
        invalid.also(&problems::INVALID_PURPOSE);
    }
    if s.auth {
        out.problem(
            &problems::UNAUTHENTICATED,
            "No acceptable credentials (missing, or presented and refused).",
        )
        .header("WWW-Authenticate", WWW_AUTHENTICATE, true);
    }
    if !spec.policy.scopes.is_empty() {
        out.problem(
            &problems::FORBIDDEN,
            format!(
                "The caller lacks a required scope ({}).",
                spec.policy.scopes.join(", ")
            ),
        );
    }
    if !spec.path_params.is_empty() {
        out.problem(
            &problems::NOT_FOUND,
            "No route has this path (a parameter that is empty or spans segments).",
        );
    }
    if has_body {
        out.problem(
            &problems::PAYLOAD_TOO_LARGE,
            format!("The body is larger than {} bytes.", s.max_body_bytes),
        );
        out.problem(
            &problems::UNSUPPORTED_MEDIA_TYPE,
            "The body is not JSON: send `Content-Type: application/json`.",
        );
    }
    if let Some(limit) = &spec.policy.rate_limit {
        out.problem(
            &problems::RATE_LIMITED,
            format!(
                "Too many calls: {} per second per caller, bursts of {}.",
                limit.per_second, limit.burst
            ),
        )
        .header("Retry-After", RETRY_AFTER, true);
    }
    out.problem(
        &problems::INTERNAL_ERROR,
        "The gateway failed to handle the request (never the caller's fault).",
    );
    let unreachable = out
        .problem(
            &problems::BACKEND_UNAVAILABLE,
            format!(
                "Backend `{backend}` cannot be reached or closed the connection, or answered \
                 with a frame or record that cannot be used (details are logged, never sent)."
            ),
        )
        .also(&problems::BAD_BACKEND_RESPONSE);
    // Only a transaction manager (IMS Connect, a CICS listener) can refuse a call outright.
    if matches!(s.backend.kind, BackendKind::TcpProtocol { .. }) {
        unreachable.descriptions.push(format!(
            "Or the transaction manager in front of `{backend}` refused the call \
             (`host-refused`; its codes are logged, never sent)."
        ));
        unreachable.also(&problems::HOST_REFUSED);
    }
    let mut busy = format!("Backend `{backend}` is at its session limit (`Retry-After`).");
    if s.audit {
        busy.push_str(" Or the call cannot be written to the audit log, so it is refused.");
    }
    if s.backend.breaker.is_some() {
        busy.push_str(&format!(
            " Or `{backend}` keeps failing and its circuit breaker pauses calls to it \
             (`backend-circuit-open`, `Retry-After`)."
        ));
    }
    let busy = out.problem(&problems::BACKEND_SATURATED, busy);
    busy.header("Retry-After", RETRY_AFTER, false);
    if s.audit {
        busy.also(&problems::AUDIT_UNAVAILABLE);
    }
    if s.backend.breaker.is_some() {
        busy.also(&problems::BACKEND_CIRCUIT_OPEN);
    }
    let fails_closed = spec
        .policy
        .rate_limit
        .is_some_and(|l| l.on_store_error == crate::auth::config::StoreErrorPolicy::FailClosed);
    if s.shared_limits && fails_closed {
        busy.descriptions.push(
            "Or the shared rate-limit store cannot be reached and the route fails closed \
             (`rate-limit-unavailable`)."
                .into(),
        );
        busy.also(&problems::RATE_LIMIT_UNAVAILABLE);
    }
    out.problem(
        &problems::BACKEND_TIMEOUT,
        format!(
            "Backend `{backend}` did not answer within {} ms.",
            s.backend.timeout.as_millis()
        ),
    );
    out.into_value()
}

/// The statuses the route's return codes map to, each with the record.
fn mapped(spec: &RouteSpec, record: &Value, out: &mut Answers) {
    let Some(status) = &spec.status else {
        out.record(200, "The host's answer.".into(), record);
        return;
    };
    let field = status.field.join(".");
    let mut codes: BTreeMap<u16, Vec<String>> = BTreeMap::new();
    for (code, &http) in &status.map {
        codes.entry(http).or_default().push(format!("`{code}`"));
    }
    let detail = match &status.detail {
        Some(d) => format!("`detail` is the host's `{}`", d.join(".")),
        None => format!("`detail` names the `{field}`"),
    };
    let mut answer = |http: u16, text: String| {
        if http >= 400 {
            let text = format!("{text} A problem (`host-error`): {detail}.");
            out.problem_at(http, &problems::HOST_ERROR, text);
        } else {
            out.record(http, text, record);
        }
    };
    for (http, list) in codes {
        let any = (status.default == Some(http)).then_some(" or any other value");
        let text = format!(
            "The host's answer, `{field}` = {}{}.",
            list.join(", "),
            any.unwrap_or_default()
        );
        answer(http, text);
    }
    if let Some(http) = status.default {
        if !status.map.values().any(|&v| v == http) {
            answer(http, format!("The host's answer, any other `{field}`."));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::auth::{AuthConfig, RateLimitConfig, RouteAuthConfig, RoutePolicy};
    use crate::config::{BackendKind, StatusSpec};

    fn backend() -> BackendSpec {
        BackendSpec {
            name: "vehicles".into(),
            kind: BackendKind::Tcp {
                address: "127.0.0.1:1".into(),
            },
            framing: crate::connector::BackendFraming::Len4,
            codec: Default::default(),
            max_sessions: 1,
            max_queue: 0,
            queue_timeout: Duration::ZERO,
            timeout: Duration::from_millis(2000),
            connect_timeout: Duration::from_secs(1),
            breaker: None,
        }
    }

    fn route(method: &str, params: &[&str], status: Option<StatusSpec>) -> RouteSpec {
        let layout = Arc::new(
            ferrule_parsers::registry::load(
                "01 R.\n   05 A PIC X.\n",
                "t.cpy",
                None,
                &Default::default(),
            )
            .unwrap(),
        );
        RouteSpec {
            method: method.into(),
            path: "/t".into(),
            backend: 0,
            request: layout.clone(),
            response: layout,
            set: vec![],
            path_params: params.iter().map(|s| s.to_string()).collect(),
            status,
            omit: vec![],
            rename: vec![],
            policy: Arc::new(RoutePolicy::open()),
            audit_keys: vec![],
            examples: Default::default(),
            drop_empty_occurs: false,
            envelope: Default::default(),
        }
    }

    fn setting(b: &BackendSpec, auth: bool, audit: bool) -> Setting<'_> {
        Setting {
            backend: b,
            auth,
            audit,
            shared_limits: false,
            max_body_bytes: 1024,
            record: json!({"$ref": "#/components/schemas/R"}),
        }
    }

    fn statuses(v: &Value) -> Vec<&str> {
        v.as_object().unwrap().keys().map(String::as_str).collect()
    }

    fn media(v: &Value, status: &str) -> Vec<String> {
        v[status]["content"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    }

    #[test]
    fn an_open_get_without_status_map() {
        // 200 with the record; the errors any call can meet; no 401/403/413/415/429.
        let b = backend();
        let r = responses(&route("GET", &[], None), &setting(&b, false, false));
        assert_eq!(statuses(&r), ["200", "400", "500", "502", "503", "504"]);
        assert_eq!(media(&r, "200"), ["application/json"]);
        assert_eq!(
            r["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/R"
        );
        assert_eq!(media(&r, "502"), [PROBLEM_JSON]);
        assert!(r["504"]["description"]
            .as_str()
            .unwrap()
            .contains("2000 ms"));
        // Every response names the request id; 503's Retry-After is optional.
        for s in statuses(&r) {
            assert!(r[s]["headers"]["x-request-id"].is_object(), "{s}");
            assert!(r[s]["headers"]["traceresponse"].is_object(), "{s}");
        }
        assert!(r["503"]["headers"]["Retry-After"]["schema"].is_object());
        assert!(r["503"]["headers"]["Retry-After"].get("required").is_none());
    }

    #[test]
    fn mapped_codes_and_errors_share_statuses() {
        // 0 -> 200, 4 -> 404, * -> 502: the mapped errors are problems, never records.
        let status = StatusSpec {
            field: vec!["return_code".into()],
            map: [("0".to_string(), 200), ("4".to_string(), 404)].into(),
            default: Some(502),
            detail: Some(vec!["message_text".into()]),
        };
        let b = backend();
        let r = responses(
            &route("POST", &["vrm"], Some(status)),
            &setting(&b, false, true),
        );
        assert_eq!(
            statuses(&r),
            ["200", "400", "404", "413", "415", "500", "502", "503", "504"]
        );
        assert_eq!(media(&r, "404"), [PROBLEM_JSON]);
        assert_eq!(media(&r, "502"), [PROBLEM_JSON]);
        assert_eq!(media(&r, "200"), ["application/json"]);
        let d404 = r["404"]["description"].as_str().unwrap();
        assert!(d404.contains("`return_code` = `4`"), "{d404}");
        assert!(d404.contains("host's `message_text`"), "{d404}");
        assert!(r["502"]["description"]
            .as_str()
            .unwrap()
            .contains("any other"));
        assert!(r["503"]["description"]
            .as_str()
            .unwrap()
            .contains("audit log"));
        assert!(r["413"]["description"]
            .as_str()
            .unwrap()
            .contains("1024 bytes"));
    }

    /// A policy with `scope`, a required purpose and a rate limit.
    fn secured(scope: &str) -> RoutePolicy {
        let server = AuthConfig {
            rate_limit: Some(RateLimitConfig {
                per_second: 5.0,
                burst: 10,
                on_store_error: Default::default(),
            }),
            ..AuthConfig::default()
        };
        let route = RouteAuthConfig {
            scopes: vec![scope.into()],
            require_purpose: true,
            ..RouteAuthConfig::default()
        };
        RoutePolicy::from_config(&route, &server, "auth").unwrap()
    }

    #[test]
    fn security_adds_401_403_429_and_the_purpose() {
        let policy = secured("vehicles:read");
        let mut spec = route("GET", &[], None);
        spec.policy = Arc::new(policy);
        let b = backend();
        let r = responses(&spec, &setting(&b, true, false));
        assert_eq!(
            statuses(&r),
            ["200", "400", "401", "403", "429", "500", "502", "503", "504"]
        );
        assert_eq!(
            r["401"]["headers"]["WWW-Authenticate"]["$ref"],
            "#/components/headers/WwwAuthenticate"
        );
        assert_eq!(
            r["429"]["headers"]["Retry-After"]["$ref"],
            "#/components/headers/RetryAfter"
        );
        assert!(r["400"]["description"]
            .as_str()
            .unwrap()
            .contains("X-Purpose"));
        assert!(r["403"]["description"]
            .as_str()
            .unwrap()
            .contains("vehicles:read"));
    }

    #[test]
    fn a_default_without_entries_of_its_own_is_described() {
        // Only `*`: every return code gives 200.
        let status = StatusSpec {
            field: vec!["rc".into()],
            map: BTreeMap::new(),
            default: Some(200),
            detail: None,
        };
        let b = backend();
        let r = responses(&route("GET", &[], Some(status)), &setting(&b, false, false));
        assert!(r["200"]["description"]
            .as_str()
            .unwrap()
            .contains("any other `rc`"));
    }

    #[test]
    fn every_problem_the_gateway_emits_is_described_at_its_status() {
        // A route that can meet every problem: auth, a scope, a purpose, a rate limit,
        // a body, a path parameter, an audit log, and return codes mapped to 404 and 409.
        let policy = secured("vehicles:write");
        let status = StatusSpec {
            field: vec!["rc".into()],
            map: [
                ("0".to_string(), 200),
                ("4".to_string(), 404),
                ("8".to_string(), 409),
            ]
            .into(),
            default: None,
            detail: None,
        };
        let mut spec = route("POST", &["vrm"], Some(status));
        spec.policy = Arc::new(policy);
        let b = backend();
        let r = responses(&spec, &setting(&b, true, true));
        let types = |status: u16| -> Vec<String> {
            r[status.to_string()][PROBLEM_TYPES]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        for kind in problems::KINDS {
            match kind.status {
                // Mapped statuses: wherever the route maps a return code to an error.
                None => {
                    for http in [404, 409] {
                        assert!(types(http).contains(&kind.uri()), "{} at {http}", kind.name);
                    }
                }
                // Answered outside routes (`/readyz`, a path without this method).
                Some(_)
                    if [&problems::NOT_READY, &problems::METHOD_NOT_ALLOWED].contains(&kind) => {}
                // Only a protocol backend can refuse, only a breaker open: checked below.
                Some(_) if kind == &problems::HOST_REFUSED => {
                    assert!(!types(502).contains(&kind.uri()), "plain tcp cannot refuse");
                }
                Some(_) if kind == &problems::BACKEND_CIRCUIT_OPEN => {
                    assert!(!types(503).contains(&kind.uri()), "no breaker configured");
                }
                Some(_) if kind == &problems::RATE_LIMIT_UNAVAILABLE => {
                    assert!(!types(503).contains(&kind.uri()), "no shared store");
                }
                Some(status) => {
                    let at = status.as_u16();
                    assert!(
                        types(at).contains(&kind.uri()),
                        "{} at {at}: {r}",
                        kind.name
                    );
                    assert_eq!(media(&r, &at.to_string()), [PROBLEM_JSON]);
                }
            }
        }
        // A transaction manager in front of the host can refuse the call.
        let mut cics = backend();
        cics.kind = BackendKind::TcpProtocol {
            address: "127.0.0.1:1".into(),
            tls: None,
            protocol: Arc::new(crate::connector::protocol::TcpProtocol::Cics(
                crate::connector::protocol::cics::CicsSettings {
                    enhanced: false,
                    prefix: b"VEHQ,".to_vec(),
                    encoding: ferrule_parsers::protocol::HeaderEncoding::Ebcdic,
                    tranid: "VEHQ".into(),
                    client_data: String::new(),
                    msglen: 35,
                    page: ferrule_parsers::codepage::CodePage::by_name("cp037").unwrap(),
                },
            )),
        };
        let refusable = responses(&spec, &setting(&cics, true, true));
        assert!(refusable["502"][PROBLEM_TYPES]
            .as_array()
            .is_some_and(|a| a.contains(&json!(problems::HOST_REFUSED.uri()))));
        // A backend with a circuit breaker can answer 503 without calling the host.
        let mut guarded = backend();
        guarded.breaker = Some(crate::connector::breaker::BreakerSettings {
            failures: 5,
            ratio: 0.5,
            window: Duration::from_secs(30),
            min_calls: 20,
            open_for: Duration::from_secs(10),
            probes: 1,
        });
        let paused = responses(&spec, &setting(&guarded, true, true));
        assert!(paused["503"][PROBLEM_TYPES]
            .as_array()
            .is_some_and(|a| a.contains(&json!(problems::BACKEND_CIRCUIT_OPEN.uri()))));
        // A plain route names fewer: no purpose, no audit, no 401.
        let open = responses(&route("GET", &[], None), &setting(&b, false, false));
        assert_eq!(
            open["503"][PROBLEM_TYPES],
            json!([problems::BACKEND_SATURATED.uri()])
        );
        assert!(open.get("401").is_none());
        // The successful answer names no problem.
        assert!(r["200"].get(PROBLEM_TYPES).is_none());
    }
}
