//! One route call through the handler, over a fake backend: statuses, problems, the
//! one-pass view against parse/edit/serialise, and a panic answered and audited.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header;
use ferrule_parsers::json::Encoder;
use serde_json::{json, Value};
use tower::ServiceExt;

use super::codecs::{route_view, Codecs};
use super::response::respond;
use super::*;
use crate::config::Template;
use crate::connector::Exchange;
use crate::gateway::stack::REQUEST_ID;

/// A route over a fake backend that answers `answer` (or fails with `error`).
pub(super) fn ctx(
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
    let request = load("       01 Q.\n           05 VRM PIC X(4).\n           05 N PIC 9(2).\n");
    let response = load("       01 R.\n           05 RC PIC 9(2).\n           05 NAME PIC X(4).\n");
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
        envelope: Default::default(),
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
        breaker: None,
    };
    let service = tower::util::BoxCloneSyncService::new(tower::service_fn(move |ex: Exchange| {
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
    let (view, one_pass) = route_view(&spec, &backend);
    Arc::new(RouteCtx {
        spec: Arc::new(spec),
        backend: Arc::new(backend),
        service,
        guard: Arc::new(Guard::open()),
        view,
        one_pass,
        codecs: Codecs::default(),
    })
}

async fn call(ctx: Arc<RouteCtx>, body: &'static str) -> (u16, Value) {
    call_at(ctx, "/t/AB12", body).await
}

async fn call_at(ctx: Arc<RouteCtx>, uri: &str, body: &'static str) -> (u16, Value) {
    let app = axum::Router::new().route(
        "/t/{vrm}",
        axum::routing::post(move |req: Request| handle(ctx, req)),
    );
    let req = Request::post(uri)
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

fn status_map(pairs: &[(&str, u16)], default: Option<u16>) -> Option<crate::config::StatusSpec> {
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
    (c.view, c.one_pass) = route_view(&c.spec, &c.backend);
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

#[tokio::test]
async fn a_path_parameter_that_is_not_utf8_is_a_400_naming_it() {
    // %FF decodes to no UTF-8: the text axum's `Path` extractor gives, after ours.
    let (status, v) = call_at(ctx(b"", None, None), "/t/%FF", "{}").await;
    assert_eq!(status, 400);
    assert_eq!(
        v["detail"], "cannot read the path: Invalid URL: Invalid UTF-8 in `vrm`",
        "{v}"
    );
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
    (c.view, c.one_pass) = route_view(&spec, &c.backend);
    assert!(c.one_pass, "the view compiles");
    // Without it, the same view edits the decoded JSON.
    c.one_pass = view;
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
    // What the call learnt before the panic (its key field) is still in the line.
    let mut spec = (*c.spec).clone();
    spec.audit_keys = vec![("vrm".into(), vec!["vrm".into()])];
    c.spec = Arc::new(spec);
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
    let app = crate::gateway::stack::apply(app, 1024, Some(log), None);
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
    // Caught where the call is known: the problem names the path.
    let body = axum::body::to_bytes(res.into_body(), 1 << 16)
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["instance"], "/t/AB12");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["status"], 500);
    assert_eq!(lines[0]["request_id"], "panic-1");
    assert_eq!(lines[0]["route"], "/t/{vrm}");
    assert_eq!(lines[0]["keys"]["vrm"], "AB12");
    assert!(lines[0]["backend_ms"].is_null(), "{text}");
    // The panic's text stays out of the audit line.
    assert!(!text.contains("connector bug"));
}

#[test]
fn the_call_is_held_behind_a_pointer() {
    // Every layer above the handler moves its future around (into boxes, through maps):
    // with the call's whole state inline (the request, the JSON, the record, the backend
    // exchange) each move was a copy of it. Boxed at once, the handler's future holds
    // the call behind a pointer: smaller than the call it runs.
    let c = ctx(b"00ABCD", None, None);
    let req = || Request::post("/t/AB12").body(Body::empty()).unwrap();
    let mut learnt = Learnt::default();
    let inner = std::mem::size_of_val(&super::call(&c, req(), false, &mut learnt));
    let outer = std::mem::size_of_val(&handle(c.clone(), req()));
    assert!(outer < inner, "handler {outer} bytes, call {inner}");
}
