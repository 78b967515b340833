//! W3C trace context and OTLP span export, end to end: the real `ferrule serve`, an http
//! backend and an OTLP/HTTP collector started here (hyper on port 0; the collector
//! decodes each `ExportTraceServiceRequest` with prost). Spans are read after SIGTERM,
//! which flushes the export queue: no test waits on a timer.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use common::gateway::{free_port, http, wait_for, Gateway, Reply, Signal};
use common::http_host::{FORD_CP037, VEH_REQ_CPY, VEH_RSP_CPY};
use common::{http_host, pki};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use serde_json::Value;

const CALLER: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const CALLER_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

/// Trace headers as the http backend received them, one entry per call.
type Seen = Arc<Mutex<Vec<HashMap<String, String>>>>;

/// An http legacy host: any POST gets the cp037 record `00FORD`; it keeps each call's
/// `traceparent` and `tracestate`.
fn backend() -> (u16, Seen) {
    let seen: Seen = Arc::default();
    let keep = seen.clone();
    let port = http_host::serve(None, move |req| {
        let keep = keep.clone();
        async move {
            let headers = ["traceparent", "tracestate"]
                .iter()
                .filter_map(|h| {
                    let v = req.headers().get(*h)?.to_str().ok()?;
                    Some((h.to_string(), v.to_string()))
                })
                .collect();
            keep.lock().unwrap().push(headers);
            hyper::Response::new(http_body_util::Full::new(bytes::Bytes::from_static(
                FORD_CP037,
            )))
        }
    });
    (port, seen)
}

/// What the collector received: the service name of each batch and its spans.
type Received = Arc<Mutex<Vec<(String, Span)>>>;

/// An OTLP/HTTP collector: decodes each POSTed `ExportTraceServiceRequest`.
fn collector() -> (u16, Received) {
    collector_on(None)
}

/// [`collector`], over TLS when `tls` is given.
fn collector_on(tls: Option<Arc<rustls::ServerConfig>>) -> (u16, Received) {
    use http_body_util::BodyExt;
    let got: Received = Arc::default();
    let keep = got.clone();
    let port = http_host::serve(tls, move |req: hyper::Request<hyper::body::Incoming>| {
        let keep = keep.clone();
        async move {
            let typed = req.headers().get("content-type").map(|v| v.as_bytes())
                == Some(b"application/x-protobuf");
            let path_ok = req.uri().path() == "/v1/traces";
            let body = req.into_body().collect().await.unwrap().to_bytes();
            let mut status = 200;
            match ExportTraceServiceRequest::decode(body) {
                Ok(export) if typed && path_ok => {
                    for rs in export.resource_spans {
                        let service = rs
                            .resource
                            .iter()
                            .flat_map(|r| &r.attributes)
                            .find(|kv| kv.key == "service.name")
                            .and_then(|kv| text(kv.value.as_ref()?.value.as_ref()?))
                            .unwrap_or_default();
                        for ss in rs.scope_spans {
                            for span in ss.spans {
                                keep.lock().unwrap().push((service.clone(), span));
                            }
                        }
                    }
                }
                _ => status = 400,
            }
            let mut rsp = hyper::Response::new(http_body_util::Full::new(bytes::Bytes::new()));
            *rsp.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
            rsp
        }
    });
    (port, got)
}

fn text(v: &Any) -> Option<String> {
    match v {
        Any::StringValue(s) => Some(s.clone()),
        Any::IntValue(i) => Some(i.to_string()),
        _ => None,
    }
}

/// A span's attribute as text.
fn attr(span: &Span, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| text(kv.value.as_ref()?.value.as_ref()?))
}

/// A gateway with one http backend `veh` at `backend` (and a `down` one nothing listens
/// on), JSON logs, an audit log, and `telemetry` appended as written.
fn gateway(dir: &Path, backend: u16, telemetry: &str) -> Gateway {
    gateway_env(dir, backend, telemetry, &[])
}

/// [`gateway`] with environment variables for the process.
fn gateway_env(dir: &Path, backend: u16, telemetry: &str, env: &[(&str, &str)]) -> Gateway {
    std::fs::write(dir.join("req.cpy"), VEH_REQ_CPY).unwrap();
    std::fs::write(dir.join("rsp.cpy"), VEH_RSP_CPY).unwrap();
    let down = free_port();
    let mut config = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\nlog_format = \"json\"\ntrusted_proxies = [\"127.0.0.1\"]\n\n[audit]\npath = \"audit.log\"\n\n{telemetry}\n"
    );
    for (name, port) in [("veh", backend), ("down", down)] {
        config.push_str(&format!(
            r#"
[[backend]]
name = "{name}"
kind = "http"
url = "http://127.0.0.1:{port}/veh"

[[route]]
method = "GET"
path = "/v1/{name}/{{vrm}}"
backend = "{name}"
request = {{ copybook = "req.cpy" }}
response = {{ copybook = "rsp.cpy" }}
set = {{ vrm = "{{vrm}}", tran_code = "VEHQ" }}
"#
        ));
    }
    let path = dir.join("ferrule.toml");
    std::fs::write(&path, config).unwrap();
    Gateway::start_file_env(&path, &dir.join("serve.log"), &[], env)
}

fn get(g: &Gateway, path: &str, headers: &[(&str, &str)]) -> Reply {
    http(g.addr(), "GET", path, headers, b"")
}

/// The trace id of a `traceparent`-shaped header value.
fn trace_of(header: &str) -> &str {
    header.split('-').nth(1).unwrap_or_default()
}

/// Stops the gateway (SIGTERM: drain, flush spans) and returns its JSON log lines.
fn stop(mut g: Gateway) -> Vec<Value> {
    g.signal(Signal::TERM);
    assert!(g.wait_exit().success(), "{}", g.log_text());
    g.log_text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// How many log lines say a span export failed.
fn export_failures(log: &[Value]) -> usize {
    log.iter()
        .filter(|l| {
            l["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("span export failed"))
        })
        .count()
}

/// The value of a metric without labels in Prometheus text.
fn unlabelled(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

fn audit_lines(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("audit.log"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The `request done` line of the call with `request_id`.
fn done_line<'a>(log: &'a [Value], request_id: &str) -> &'a Value {
    log.iter()
        .find(|l| l["message"] == "request done" && l["span"]["request_id"] == request_id)
        .unwrap_or_else(|| panic!("no request done line for {request_id}: {log:?}"))
}

#[test]
fn the_callers_trace_reaches_spans_logs_audit_and_the_backend() {
    let dir = tempfile::tempdir().unwrap();
    let (host, seen) = backend();
    let (otlp, spans) = collector();
    let g = gateway(
        dir.path(),
        host,
        &format!(
            "[telemetry]\notlp_endpoint = \"http://127.0.0.1:{otlp}\"\nservice_name = \"gw-test\""
        ),
    );
    let r = get(
        &g,
        "/v1/veh/AB12CDE",
        &[
            ("traceparent", CALLER),
            ("tracestate", "congo=t61rcWkgMzE"),
            ("x-request-id", "call-1"),
            // From a trusted proxy: the span names the caller behind it.
            ("x-forwarded-for", "203.0.113.7"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // The answer names the caller's trace and the span that answered.
    let answered = r.header("traceresponse").unwrap().to_string();
    assert_eq!(trace_of(&answered), CALLER_TRACE);
    let server_id = answered.split('-').nth(2).unwrap().to_string();
    assert_ne!(server_id, CALLER_SPAN);
    // A failing backend: the client span says how.
    let r = get(
        &g,
        "/v1/down/AB12CDE",
        &[("traceparent", CALLER), ("x-request-id", "call-2")],
    );
    assert_eq!(r.status, 502, "{}", r.text());

    // The backend got our trace, our client span as parent, the caller's tracestate.
    let calls = seen.lock().unwrap().clone();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let sent = &calls[0]["traceparent"];
    assert_eq!(trace_of(sent), CALLER_TRACE, "{sent}");
    assert!(sent.starts_with("00-") && sent.ends_with("-01"), "{sent}");
    let backend_parent = sent.split('-').nth(2).unwrap().to_string();
    assert_eq!(calls[0]["tracestate"], "congo=t61rcWkgMzE");

    let log = stop(g);
    let got = spans.lock().unwrap().clone();
    assert!(
        got.iter().all(|(service, _)| service == "gw-test"),
        "{got:?}"
    );
    let hex = |b: &[u8]| hex::encode(b);
    let server: Vec<&Span> = got
        .iter()
        .map(|(_, s)| s)
        .filter(|s| s.kind == SpanKind::Server as i32)
        .collect();
    let client: Vec<&Span> = got
        .iter()
        .map(|(_, s)| s)
        .filter(|s| s.kind == SpanKind::Client as i32)
        .collect();
    assert_eq!((server.len(), client.len()), (2, 2), "{got:?}");
    for s in server.iter().chain(&client) {
        assert_eq!(hex(&s.trace_id), CALLER_TRACE);
    }
    // Server spans: children of the caller's span, with route, method, status, client.
    let ok = server
        .iter()
        .find(|s| attr(s, "ferrule.request_id").as_deref() == Some("call-1"))
        .unwrap();
    assert_eq!(hex(&ok.span_id), server_id);
    assert_eq!(hex(&ok.parent_span_id), CALLER_SPAN);
    assert_eq!(ok.name, "GET /v1/veh/{vrm}");
    assert_eq!(attr(ok, "http.route").unwrap(), "/v1/veh/{vrm}");
    assert_eq!(attr(ok, "http.request.method").unwrap(), "GET");
    assert_eq!(attr(ok, "http.response.status_code").unwrap(), "200");
    assert_eq!(attr(ok, "client.address").unwrap(), "203.0.113.7");
    let failed = server
        .iter()
        .find(|s| attr(s, "ferrule.request_id").as_deref() == Some("call-2"))
        .unwrap();
    assert_eq!(attr(failed, "http.response.status_code").unwrap(), "502");
    assert_eq!(attr(failed, "client.address").unwrap(), "127.0.0.1");
    // 5xx: the span's status is an error (code 2).
    assert_eq!(failed.status.as_ref().unwrap().code, 2);
    // Client spans: children of their server span; the backend saw the good one as parent.
    let good = client
        .iter()
        .find(|s| attr(s, "ferrule.backend.name").as_deref() == Some("veh"))
        .unwrap();
    assert_eq!(good.parent_span_id, ok.span_id);
    assert_eq!(hex(&good.span_id), backend_parent);
    assert_eq!(attr(good, "ferrule.backend.kind").unwrap(), "http");
    assert_eq!(attr(good, "ferrule.backend.outcome").unwrap(), "ok");
    assert_eq!(attr(good, "error.type"), None);
    let bad = client
        .iter()
        .find(|s| attr(s, "ferrule.backend.name").as_deref() == Some("down"))
        .unwrap();
    assert_eq!(bad.parent_span_id, failed.span_id);
    assert_eq!(attr(bad, "ferrule.backend.outcome").unwrap(), "unreachable");
    assert_eq!(attr(bad, "error.type").unwrap(), "unreachable");
    assert_eq!(bad.status.as_ref().unwrap().code, 2);

    // Every line logged inside a request names its trace; so does every audit line.
    for id in ["call-1", "call-2"] {
        assert_eq!(done_line(&log, id)["span"]["trace_id"], CALLER_TRACE);
    }
    let in_requests: Vec<&Value> = log
        .iter()
        .filter(|l| l["span"]["name"] == "request")
        .collect();
    assert!(in_requests.len() >= 3, "{log:?}");
    for l in in_requests {
        assert_eq!(l["span"]["trace_id"], CALLER_TRACE, "{l}");
    }
    let audit = audit_lines(dir.path());
    assert_eq!(audit.len(), 2);
    for a in &audit {
        assert_eq!(a["trace_id"], CALLER_TRACE, "{a}");
    }
}

#[test]
fn a_malformed_traceparent_starts_a_new_trace_and_the_call_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let (host, seen) = backend();
    let (otlp, spans) = collector();
    let g = gateway(
        dir.path(),
        host,
        &format!("[telemetry]\notlp_endpoint = \"http://127.0.0.1:{otlp}\""),
    );
    // An all-zero trace id is invalid; the tracestate goes with it.
    let bad = "00-00000000000000000000000000000000-00f067aa0ba902b7-01";
    let r = get(
        &g,
        "/v1/veh/AB12CDE",
        &[
            ("traceparent", bad),
            ("tracestate", "congo=t61rcWkgMzE"),
            ("x-request-id", "bad-1"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let trace = trace_of(r.header("traceresponse").unwrap()).to_string();
    assert_eq!(trace.len(), 32);
    assert_ne!(trace, "0".repeat(32));
    let calls = seen.lock().unwrap().clone();
    assert_eq!(trace_of(&calls[0]["traceparent"]), trace);
    assert!(!calls[0].contains_key("tracestate"), "{calls:?}");
    let log = stop(g);
    assert_eq!(done_line(&log, "bad-1")["span"]["trace_id"], trace);
    assert_eq!(audit_lines(dir.path())[0]["trace_id"], trace);
    let got = spans.lock().unwrap().clone();
    let server = got
        .iter()
        .map(|(_, s)| s)
        .find(|s| s.kind == SpanKind::Server as i32)
        .unwrap();
    // A root span of a new trace: no parent.
    assert_eq!(hex::encode(&server.trace_id), trace);
    assert!(server.parent_span_id.is_empty(), "{server:?}");
}

#[test]
fn with_the_collector_down_calls_still_succeed_and_the_failure_is_logged_once() {
    let dir = tempfile::tempdir().unwrap();
    let (host, _seen) = backend();
    // Nothing listens there. Batches every 50 ms, so failures show while it serves.
    let otlp = free_port();
    let g = gateway_env(
        dir.path(),
        host,
        &format!(
            "[telemetry]\notlp_endpoint = \"http://127.0.0.1:{otlp}\"\nexport_timeout_ms = 2000"
        ),
        &[("OTEL_BSP_SCHEDULE_DELAY", "50")],
    );
    let call = |i: usize| {
        let r = get(
            &g,
            "/v1/veh/AB12CDE",
            &[("x-request-id", &format!("d-{i}"))],
        );
        assert_eq!(r.status, 200, "{}", r.text());
    };
    (0..10).for_each(call);
    // The lost batch is counted, with its spans (two per call).
    let dropped = wait_for("a failed export to be counted", || {
        let text = g.get("/metrics").text();
        let failures = unlabelled(&text, "ferrule_trace_export_failures_total")?;
        let spans = unlabelled(&text, "ferrule_trace_spans_dropped_total")?;
        (failures >= 1.0).then_some(spans)
    });
    assert!(dropped >= 2.0, "{dropped}");
    // More calls while it stays down: still answered, still one warning.
    (10..20).for_each(call);
    let log = stop(g);
    assert_eq!(export_failures(&log), 1, "{log:?}");
    assert_eq!(audit_lines(dir.path()).len(), 20);
}

#[test]
fn spans_go_to_an_https_collector_that_the_configured_ca_vouches_for() {
    let dir = tempfile::tempdir().unwrap();
    pki::write(dir.path());
    let (host, _seen) = backend();
    let (otlp, spans) = collector_on(Some(pki::server(dir.path(), "server", None)));
    let telemetry = |ca: &str| {
        format!(
            "[telemetry]\notlp_endpoint = \"https://localhost:{otlp}\"\ntls = {{ ca = \"{ca}\" }}"
        )
    };
    let g = gateway(dir.path(), host, &telemetry("ca.pem"));
    let r = get(&g, "/v1/veh/AB12CDE", &[("x-request-id", "tls-1")]);
    assert_eq!(r.status, 200, "{}", r.text());
    let trace = trace_of(r.header("traceresponse").unwrap()).to_string();
    stop(g);
    let got = spans.lock().unwrap().clone();
    assert!(
        got.iter().any(|(_, s)| hex::encode(&s.trace_id) == trace),
        "{got:?}"
    );
    // A CA that did not sign the collector's certificate: nothing delivered, the call
    // still answered, the failure logged.
    let before = spans.lock().unwrap().len();
    let g = gateway(dir.path(), host, &telemetry("other-ca.pem"));
    let r = get(&g, "/v1/veh/AB12CDE", &[("x-request-id", "tls-2")]);
    assert_eq!(r.status, 200, "{}", r.text());
    let log = stop(g);
    assert_eq!(spans.lock().unwrap().len(), before);
    assert!(export_failures(&log) >= 1, "{log:?}");
}

#[test]
fn without_telemetry_the_trace_still_travels() {
    // No [telemetry]: no spans, but the trace id is logged, audited and propagated, the
    // backend's parent being the request's own span.
    let dir = tempfile::tempdir().unwrap();
    let (host, seen) = backend();
    let g = gateway(dir.path(), host, "");
    let unsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
    let r = get(
        &g,
        "/v1/veh/AB12CDE",
        &[("traceparent", unsampled), ("x-request-id", "plain-1")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let answered = r.header("traceresponse").unwrap().to_string();
    assert_eq!(trace_of(&answered), CALLER_TRACE);
    let calls = seen.lock().unwrap().clone();
    let sent = &calls[0]["traceparent"];
    assert_eq!(trace_of(sent), CALLER_TRACE);
    // The caller's flags pass through (not sampled stays not sampled).
    assert!(sent.ends_with("-00"), "{sent}");
    assert_eq!(sent.split('-').nth(2), answered.split('-').nth(2));
    // Without a traceparent: a new trace all the same.
    let r = get(&g, "/v1/veh/AB12CDE", &[("x-request-id", "plain-2")]);
    let fresh = trace_of(r.header("traceresponse").unwrap()).to_string();
    assert_ne!(fresh, CALLER_TRACE);
    let log = stop(g);
    assert_eq!(done_line(&log, "plain-1")["span"]["trace_id"], CALLER_TRACE);
    assert_eq!(done_line(&log, "plain-2")["span"]["trace_id"], fresh);
    let audit = audit_lines(dir.path());
    assert_eq!(audit[0]["trace_id"], CALLER_TRACE);
    assert_eq!(audit[1]["trace_id"], fresh);
}

#[test]
fn check_names_every_bad_telemetry_setting_at_its_line() {
    let mut t = common::gateway::sample_gateway(&[]);
    let telemetry: toml::Table = toml::from_str(
        "otlp_endpoint = \"grpc://127.0.0.1:4317\"\nsample_ratio = 2.0\nexport_timeout_ms = 0",
    )
    .unwrap();
    t.insert("telemetry".into(), telemetry.into());
    let err = common::gateway::check_refused(&t);
    for key in [
        "telemetry.otlp_endpoint",
        "telemetry.sample_ratio",
        "telemetry.export_timeout_ms",
    ] {
        assert!(err.contains(&format!("error: {key}: ")), "{key}: {err}");
    }
    // An unknown key is refused too, not ignored.
    let mut t = common::gateway::sample_gateway(&[]);
    let typo: toml::Table = toml::from_str("otlp_endpont = \"http://127.0.0.1:4318\"").unwrap();
    t.insert("telemetry".into(), typo.into());
    let err = common::gateway::check_refused(&t);
    assert!(err.contains("otlp_endpont"), "{err}");
}

#[test]
fn sample_ratio_zero_records_only_what_the_caller_sampled() {
    // New traces are not recorded (sent on unsampled); a caller's sampled trace is.
    let dir = tempfile::tempdir().unwrap();
    let (host, seen) = backend();
    let (otlp, spans) = collector();
    let g = gateway(
        dir.path(),
        host,
        &format!("[telemetry]\notlp_endpoint = \"http://127.0.0.1:{otlp}\"\nsample_ratio = 0.0"),
    );
    let fresh = get(&g, "/v1/veh/AB12CDE", &[("x-request-id", "new-1")]);
    assert_eq!(fresh.status, 200, "{}", fresh.text());
    let fresh = fresh.header("traceresponse").unwrap().to_string();
    assert!(fresh.ends_with("-00"), "{fresh}");
    let sampled = get(&g, "/v1/veh/AB12CDE", &[("traceparent", CALLER)]);
    assert_eq!(sampled.status, 200, "{}", sampled.text());
    let calls = seen.lock().unwrap().clone();
    assert!(calls[0]["traceparent"].ends_with("-00"), "{calls:?}");
    assert!(calls[1]["traceparent"].ends_with("-01"), "{calls:?}");
    let log = stop(g);
    // The unsampled call still has its trace id on its lines.
    assert_eq!(
        done_line(&log, "new-1")["span"]["trace_id"],
        trace_of(&fresh)
    );
    let got = spans.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got
        .iter()
        .all(|(_, s)| hex::encode(&s.trace_id) == CALLER_TRACE));
}
