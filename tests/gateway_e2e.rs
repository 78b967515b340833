//! `ferrule serve` end to end: the real binary in front of `ferrule mock` running the
//! sample hosts, both on 127.0.0.1 port 0, spoken to over real sockets. Every route kind
//! of the sample config, every client error status, the operator endpoints, reload on
//! SIGHUP, the drain on SIGTERM and the session limit counted at the host. Calls that
//! must stay in flight are held at a gated proxy, never timed with sleeps.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::thread;

use common::gateway::*;
use serde_json::{json, Value};
use toml::Table;

/// A good incident report for the sample `POST /v1/incidents` route.
const INCIDENT: &str = r#"{"incident_type": "RTC",
  "location": {"location_text": "A470 NEAR TAFFS WELL", "postcode": "CF15 7QZ"},
  "reporting_officer": {"collar_number": "PC4471", "force_code": 62},
  "narrative": "TWO VEHICLE COLLISION, NO INJURIES, LANE 1 BLOCKED",
  "occurred_at": 20240611093000}"#;

/// The sample hosts (with a status endpoint) and the sample gateway in front of them,
/// after `tweak` has edited the mock's and the gateway's config.
fn sample_pair(tweak: impl FnOnce(&mut Table, &mut Table)) -> (Mock, Gateway) {
    let mut mock_cfg = sample_mock(true);
    let mut gw_cfg = sample_gateway(&[]);
    tweak(&mut mock_cfg, &mut gw_cfg);
    let mock = Mock::start(&mock_cfg);
    // Point the tweaked gateway config at the hosts now that their ports are known.
    for (name, addr) in &mock.hosts {
        backend_mut(&mut gw_cfg, name).insert("address".into(), addr.to_string().into());
    }
    let gateway = Gateway::start(&gw_cfg);
    (mock, gateway)
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

/// A route like the sample vehicle enquiry, but mapping only return code 0.
fn strict_vehicle_route() -> Table {
    let dir = samples();
    let text = format!(
        r#"
method = "GET"
path = "/v1/strict/vehicles/{{vrm}}"
backend = "vehicles"
request = {{ copybook = "{0}/vehenq-req.cpy" }}
response = {{ copybook = "{0}/vehenq-rsp.cpy" }}
set = {{ tran_code = "VEHQ", vrm = "{{vrm}}", requesting_force = "62", user_id = "APIGW01" }}
status = {{ field = "return_code", map = {{ "0" = 200 }} }}
"#,
        dir.display()
    );
    text.parse().unwrap()
}

#[test]
fn every_route_kind_answers_shaped_json_with_its_mapped_status() {
    let (_mock, gw) = sample_pair(|_, g| add_route(g, strict_vehicle_route()));

    // GET with a path parameter: the found record, omitted fields absent, numbers exact.
    let r = gw.get("/v1/vehicles/AB12CDE");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/json"));
    let v = r.json();
    assert_eq!(v["vrm"], "AB12CDE");
    assert_eq!(v["make"], "VAUXHALL");
    assert_eq!(v["message_text"], "VEHICLE FOUND");
    assert_eq!(v["keeper"]["keeper_postcode"], "SA1 3SN");
    assert_eq!(v["estimated_value"].to_string(), "3250.00");
    assert_eq!(v["mileage"], 84211);
    assert_eq!(v["reports"][0]["report_type"], "STOL");
    // REPORTS OCCURS 3 with one report: the blank slots after it are left out.
    assert_eq!(v["reports"].as_array().unwrap().len(), 1, "{v}");
    assert!(v.get("return_code").is_none(), "{v}");
    assert!(v.get("system_area").is_none(), "{v}");
    // Fields come in layout order (after omitting).
    assert_eq!(keys(&v)[..3], ["message_text", "vrm", "make"]);

    // GET with query parameters: the nominal host's variable-length list.
    let r = gw.get("/v1/nominals?surname=SMITH&forename=JOHN");
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["match_count"], 2);
    assert_eq!(v["matches"].as_array().unwrap().len(), 2);
    assert_eq!(v["matches"][0]["nominal_ref"], "NR0000104233");
    assert_eq!(v["matches"][1]["forename"], "JOANNE");
    assert_eq!(v["matches"][0]["warning_markers"][1], "WE");
    assert!(v.get("return_code").is_none() && v.get("system_area").is_none());

    // POST with a JSON body: a write, 201 with the host's incident reference.
    let r = gw.post_json("/v1/incidents", INCIDENT);
    assert_eq!(r.status, 201, "{}", r.text());
    let v = r.json();
    assert_eq!(v["incident_ref"], "INC240001");
    assert_eq!(v["message_text"], "INCIDENT LOGGED");
    assert_eq!(v["received_at"].to_string().len(), 14, "{v}");
    assert!(v.get("return_code").is_none(), "{v}");
    let r = gw.post_json("/v1/incidents", INCIDENT);
    assert_eq!(r.json()["incident_ref"], "INC240002");

    // A key the host does not know: its return code 4 maps to 404, a problem whose
    // detail is the host's message (`status.detail_field`), not a blank record.
    let r = gw.get("/v1/vehicles/ZZ99ZZZ");
    let p = assert_problem(&r, 404, "host-error");
    assert_eq!(p["detail"], "NO RECORD FOR VRM");
    assert!(p.get("make").is_none(), "{p}");
    let r = gw.get("/v1/nominals?surname=NOBODY&forename=X");
    assert_eq!(assert_problem(&r, 404, "host-error")["detail"], "NO TRACE");

    // A return code the route does not map is the host's fault: 502, no record leaked.
    let r = gw.get("/v1/strict/vehicles/ZZ99ZZZ");
    let p = assert_problem(&r, 502, "bad-backend-response");
    assert!(!r.text().contains("NO RECORD"), "{p}");
    // ... while a mapped one on the same route is fine.
    assert_eq!(gw.get("/v1/strict/vehicles/AB12CDE").status, 200);
}

#[test]
fn the_request_id_is_echoed_or_generated() {
    let (_mock, gw) = sample_pair(|_, _| {});
    // Given: echoed on success and on a problem, and named in the problem body.
    let r = gw.request(
        "GET",
        "/v1/vehicles/AB12CDE",
        &[("x-request-id", "e2e-42")],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-request-id"), Some("e2e-42"));
    let r = gw.request("GET", "/v1/nowhere", &[("x-request-id", "e2e-43")], b"");
    assert_eq!(r.header("x-request-id"), Some("e2e-43"));
    assert_eq!(assert_problem(&r, 404, "not-found")["request_id"], "e2e-43");
    // Not given: a fresh one per request, the same in header and body.
    let a = gw.get("/v1/nowhere");
    let b = gw.get("/v1/nowhere");
    let id = a.header("x-request-id").unwrap();
    assert!(!id.is_empty());
    assert_ne!(Some(id), b.header("x-request-id"));
    assert_eq!(a.json()["request_id"], id);
    let r = gw.get("/v1/vehicles/AB12CDE");
    assert!(r.header("x-request-id").is_some_and(|id| !id.is_empty()));
}

/// The `field` of every entry of a 400 problem's `errors`, sorted, with its detail.
fn bad_fields(p: &Value) -> BTreeMap<String, String> {
    p["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors list: {p}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn client_errors_are_problems_naming_every_bad_field() {
    let (_mock, gw) = sample_pair(|_, g| {
        server_mut(g).insert("max_body_bytes".into(), 2048.into());
    });
    let json = [("content-type", "application/json")];

    // Not JSON at all.
    let r = gw.post_json("/v1/incidents", r#"{"incident_type": "RTC", "#);
    let p = assert_problem(&r, 400, "invalid-request");
    assert_eq!(p["instance"], "/v1/incidents");

    // Five things wrong at once, each named by its JSON path: wrong types (text for a
    // number, a number for text), too-long text, too many digits, an unknown field.
    let r = gw.post_json(
        "/v1/incidents",
        r#"{"incident_type": "ROAD TRAFFIC COLLISION",
            "location": {"location_text": 12, "postcode": "CF15 7QZ"},
            "reporting_officer": {"collar_number": "PC4471", "force_code": 123},
            "occurred_at": "yesterday",
            "weather": "RAIN"}"#,
    );
    let p = assert_problem(&r, 400, "invalid-request");
    let fields = bad_fields(&p);
    assert_eq!(
        fields.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "incident_type",
            "location.location_text",
            "occurred_at",
            "reporting_officer.force_code",
            "weather"
        ],
        "{p}"
    );
    assert_eq!(p["detail"], "5 fields are invalid");
    // Each says what is wrong, in terms the client can act on.
    assert!(fields["incident_type"].contains("does not fit"), "{p}");
    assert!(
        fields["location.location_text"].contains("expected a string"),
        "{p}"
    );
    assert!(
        fields["reporting_officer.force_code"].contains("digits"),
        "{p}"
    );
    assert!(fields["occurred_at"].contains("number"), "{p}");
    assert!(fields["weather"].contains("unknown field"), "{p}");

    // A query parameter the route needs is missing: named, with the field it fills.
    let r = gw.get("/v1/nominals?surname=SMITH");
    let p = assert_problem(&r, 400, "invalid-request");
    let fields = bad_fields(&p);
    assert_eq!(fields.len(), 1, "{p}");
    assert!(fields["forename"].contains("forename"), "{p}");
    // A path parameter too long for its field is the client's fault too.
    let r = gw.get("/v1/vehicles/ABCDEFGHIJKL");
    assert_eq!(
        bad_fields(&assert_problem(&r, 400, "invalid-request")).len(),
        1
    );

    // No such path; a path without that method.
    let p = assert_problem(&gw.get("/v2/vehicles/AB12CDE"), 404, "not-found");
    assert_eq!(p["instance"], "/v2/vehicles/AB12CDE");
    let r = gw.request("DELETE", "/v1/vehicles/AB12CDE", &[], b"");
    assert_problem(&r, 405, "method-not-allowed");
    assert_eq!(r.header("allow"), Some("GET,HEAD"));
    let r = gw.request("GET", "/v1/incidents", &[], b"");
    assert_problem(&r, 405, "method-not-allowed");

    // A body over max_body_bytes, with and without a JSON content type.
    let big = format!(r#"{{"narrative": "{}"}}"#, "X".repeat(4000));
    let r = gw.request("POST", "/v1/incidents", &json, big.as_bytes());
    assert_problem(&r, 413, "payload-too-large");

    // A body that is not declared JSON: wrong media type, or none at all.
    let text = [("content-type", "text/plain")];
    let r = gw.request("POST", "/v1/incidents", &text, INCIDENT.as_bytes());
    assert_problem(&r, 415, "unsupported-media-type");
    let r = gw.request("POST", "/v1/incidents", &[], INCIDENT.as_bytes());
    assert_problem(&r, 415, "unsupported-media-type");
    // JSON with parameters, or a +json type, is accepted.
    let utf8 = [("content-type", "application/json; charset=utf-8")];
    let r = gw.request("POST", "/v1/incidents", &utf8, INCIDENT.as_bytes());
    assert_eq!(r.status, 201, "{}", r.text());
    let plus = [("content-type", "application/vnd.incident+json")];
    let r = gw.request("POST", "/v1/incidents", &plus, INCIDENT.as_bytes());
    assert_eq!(r.status, 201, "{}", r.text());

    // None of this was a server error.
    assert!(gw
        .metric("ferrule_http_requests_total", &["status=\"500\""])
        .is_none());
}

#[test]
fn health_readiness_and_metrics() {
    // The incident host runs in a mock of its own, so it can go down alone.
    let mut main_cfg = sample_mock(false);
    keep_hosts(&mut main_cfg, &["vehicles", "nominals"]);
    let main = Mock::start(&main_cfg);
    let mut inc_cfg = sample_mock(false);
    keep_hosts(&mut inc_cfg, &["incidents"]);
    let incidents = Mock::start(&inc_cfg);
    let inc_addr = incidents.addr("incidents");
    let mut hosts = main.hosts.clone();
    hosts.extend(incidents.hosts.clone());
    let gw = Gateway::start(&sample_gateway(&hosts));

    let r = gw.get("/healthz");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "ok");
    let r = gw.get("/readyz");
    assert_eq!(r.status, 200, "{}", r.text());

    // The incident host goes away: not ready, naming it and only it.
    drop(incidents);
    let r = gw.get("/readyz");
    let p = assert_problem(&r, 503, "not-ready");
    assert_eq!(p["backends"], json!(["incidents"]), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("incidents"), "{p}");
    // Still healthy: the process serves.
    assert_eq!(gw.get("/healthz").status, 200);

    // Back on the same port: ready again.
    host_mut(&mut inc_cfg, "incidents").insert("listen".into(), inc_addr.to_string().into());
    let _incidents = Mock::start(&inc_cfg);
    let r = gw.get("/readyz");
    assert_eq!(r.status, 200, "{}", r.text());

    // Some traffic, then the counts by route and status and the backend latency.
    assert_eq!(gw.get("/v1/vehicles/AB12CDE").status, 200);
    assert_eq!(gw.get("/v1/vehicles/ZZ99ZZZ").status, 404);
    assert_eq!(gw.get("/v1/nowhere").status, 404);
    let r = gw.get("/metrics");
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    let text = r.text();
    let route = r#"route="/v1/vehicles/{vrm}""#;
    let count = |labels: &[&str]| metric_value(&text, "ferrule_http_requests_total", labels);
    assert_eq!(
        count(&[route, r#"status="200""#, r#"method="GET""#]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(count(&[route, r#"status="404""#]), Some(1.0), "{text}");
    assert_eq!(
        count(&[r#"route="unmatched""#, r#"status="404""#]),
        Some(1.0),
        "{text}"
    );
    let latency = |name: &str| metric_value(&text, name, &[r#"backend="vehicles""#]);
    assert_eq!(
        latency("ferrule_backend_duration_seconds_count"),
        Some(2.0),
        "{text}"
    );
    assert!(
        latency("ferrule_backend_duration_seconds_bucket").is_some(),
        "{text}"
    );
    assert!(
        metric_value(
            &text,
            "ferrule_http_request_duration_seconds_count",
            &[route]
        )
        .is_some(),
        "{text}"
    );
    // No raw paths (personal data) in labels.
    assert!(!text.contains("AB12CDE"), "{text}");
}

/// The sample pair with the incident host's answers held at a gated proxy, so a write
/// stays in flight until the test opens the gate.
fn pair_with_gated_incidents() -> (Mock, GatedProxy, Gateway) {
    let mock = Mock::start(&sample_mock(true));
    let proxy = GatedProxy::start(mock.addr("incidents"));
    let mut hosts: Vec<_> = mock
        .hosts
        .iter()
        .filter(|(n, _)| n != "incidents")
        .cloned()
        .collect();
    hosts.push(("incidents".into(), proxy.addr));
    let mut g = sample_gateway(&hosts);
    // The held call must not time out while the test works.
    backend_mut(&mut g, "incidents").insert("timeout_ms".into(), 30_000.into());
    (mock, proxy, Gateway::start(&g))
}

/// Starts a POST of [`INCIDENT`] on a thread and returns once the host has it.
fn incident_in_flight(mock: &Mock, gw: &Gateway) -> thread::JoinHandle<Reply> {
    let addr = gw.addr();
    let call = thread::spawn(move || {
        let json = [("content-type", "application/json")];
        http(addr, "POST", "/v1/incidents", &json, INCIDENT.as_bytes())
    });
    wait_for("the host to receive the request", || {
        (mock.host_status("incidents")["requests"] == 1).then_some(())
    });
    call
}

#[test]
fn reload_on_sighup_swaps_the_config_without_dropping_a_call_in_flight() {
    let (mock, proxy, gw) = pair_with_gated_incidents();
    let mut config: Table = toml::from_str(&std::fs::read_to_string(&gw.config).unwrap()).unwrap();
    assert_eq!(gw.get("/v1/people/SMITH").status, 404);
    assert!(gw
        .get("/v1/vehicles/AB12CDE")
        .json()
        .get("keeper")
        .is_some());
    let slow = incident_in_flight(&mock, &gw);

    // A new route, and the vehicle route now leaves out the keeper too.
    let mut people = route_mut(&mut config, "/v1/nominals").clone();
    people.insert("path".into(), "/v1/people/{surname}".into());
    let omit = toml::Value::try_from(["return_code", "system_area", "match_count"]).unwrap();
    people.insert("omit".into(), omit);
    add_route(&mut config, people);
    let omit = toml::Value::try_from(["return_code", "system_area", "keeper"]).unwrap();
    route_mut(&mut config, "/v1/vehicles/{vrm}").insert("omit".into(), omit);
    gw.rewrite(&config);
    gw.signal(Signal::HUP);

    let r = wait_for("the new route", || {
        let r = gw.get("/v1/people/SMITH?forename=JOHN");
        (r.status != 404).then_some(r)
    });
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert!(v.get("match_count").is_none(), "{v}");
    assert_eq!(v["matches"][0]["surname"], "SMITH");
    let v = gw.get("/v1/vehicles/AB12CDE").json();
    assert!(v.get("keeper").is_none(), "{v}");
    assert_eq!(v["make"], "VAUXHALL");

    // The call that was in flight across the reload is still waiting for its answer
    // (held at the proxy), and completes normally once the host's answer arrives.
    assert!(!slow.is_finished());
    proxy.open();
    let r = slow.join().unwrap();
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["incident_ref"], "INC240001");
    let reloads = gw.metric("ferrule_config_reloads_total", &[r#"outcome="ok""#]);
    assert_eq!(reloads, Some(1.0));
    assert!(
        gw.log_text().contains("config reloaded"),
        "{}",
        gw.log_text()
    );
}

#[test]
fn an_invalid_config_on_sighup_is_rejected_and_the_old_one_keeps_serving() {
    let (_mock, mut gw) = sample_pair(|_, _| {});
    let good = std::fs::read_to_string(&gw.config).unwrap();
    let mut config: Table = toml::from_str(&good).unwrap();
    // Two problems: a route to a backend that does not exist, and a `set` naming a
    // field the request layout lacks. Plus a new route that must not appear.
    let mut bad = route_mut(&mut config, "/v1/nominals").clone();
    bad.insert("path".into(), "/v1/people/{surname}".into());
    bad.insert("backend".into(), "no-such-host".into());
    add_route(&mut config, bad);
    let set = route_mut(&mut config, "/v1/vehicles/{vrm}")
        .get_mut("set")
        .and_then(|s| s.as_table_mut())
        .unwrap();
    set.insert("no_such_field".into(), "X".into());
    gw.rewrite(&config);
    gw.signal(Signal::HUP);
    wait_for("the reload to be rejected", || {
        gw.metric("ferrule_config_reloads_total", &[r#"outcome="rejected""#])
    });

    // The old config serves on: the old routes answer, the new one is not there.
    assert_eq!(gw.get("/v1/vehicles/AB12CDE").status, 200);
    assert_eq!(gw.get("/v1/people/SMITH?forename=JOHN").status, 404);
    let log = gw.log_text();
    assert!(log.contains("config reload rejected"), "{log}");
    assert!(log.contains("no-such-host"), "{log}");
    assert!(log.contains("no_such_field"), "{log}");

    // Broken TOML is rejected the same way.
    std::fs::write(&gw.config, "[server\nlisten = ").unwrap();
    gw.signal(Signal::HUP);
    wait_for("the second rejection", || {
        gw.metric("ferrule_config_reloads_total", &[r#"outcome="rejected""#])
            .filter(|&n| n >= 2.0)
    });
    assert_eq!(gw.get("/v1/vehicles/AB12CDE").status, 200);
    assert!(gw.running());
}

#[test]
fn sigterm_drains_the_call_in_flight_refuses_new_ones_and_exits_0() {
    let (mock, proxy, mut gw) = pair_with_gated_incidents();
    let addr = gw.addr();
    let slow = incident_in_flight(&mock, &gw);
    gw.signal(Signal::TERM);

    // The listener closes: new connections are refused (polled: the signal takes a
    // moment to arrive) while the call in flight still waits for its answer.
    wait_for("new connections to be refused", || {
        TcpStream::connect(addr).is_err().then_some(())
    });
    assert!(!slow.is_finished());
    assert!(gw.running(), "exited with a call in flight");
    // The answer arrives: the call completes, then the process exits cleanly.
    proxy.open();
    let r = slow.join().unwrap();
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["incident_ref"], "INC240001");
    let status = gw.wait_exit();
    assert!(status.success(), "{status:?}\n{}", gw.log_text());
    assert!(gw.log_text().contains("draining"), "{}", gw.log_text());
}

#[test]
fn the_session_limit_holds_under_40_concurrent_calls() {
    const CALLS: usize = 40;
    const SESSIONS: usize = 3;
    const QUEUE: usize = 4;
    // The vehicle host's answers are held at a proxy until every call has arrived, so
    // exactly SESSIONS calls hold a session, QUEUE wait, and the rest are shed.
    let mock = Mock::start(&sample_mock(true));
    let proxy = GatedProxy::start(mock.addr("vehicles"));
    let mut hosts = mock.hosts.clone();
    hosts.retain(|(n, _)| n != "vehicles");
    hosts.push(("vehicles".into(), proxy.addr));
    let mut g = sample_gateway(&hosts);
    let b = backend_mut(&mut g, "vehicles");
    b.insert("max_sessions".into(), (SESSIONS as i64).into());
    b.insert("max_queue".into(), (QUEUE as i64).into());
    // Generous: whoever got a queue place is served, however loaded the machine.
    b.insert("queue_timeout_ms".into(), 30_000.into());
    b.insert("timeout_ms".into(), 30_000.into());
    let gw = Gateway::start(&g);

    let addr = gw.addr();
    let (tx, rx) = std::sync::mpsc::channel();
    for _ in 0..CALLS {
        let tx = tx.clone();
        thread::spawn(move || {
            let _ = tx.send(http(addr, "GET", "/v1/vehicles/AB12CDE", &[], b""));
        });
    }
    // Everyone without a session or a queue place is answered at once: 503.
    let shed: Vec<Reply> = (0..CALLS - SESSIONS - QUEUE)
        .map(|_| rx.recv_timeout(PATIENCE).expect("a shed call"))
        .collect();
    for r in &shed {
        assert_problem(r, 503, "backend-saturated");
        let after: u64 = r
            .header("retry-after")
            .expect("Retry-After")
            .parse()
            .unwrap();
        assert!(after >= 1);
    }
    // The host has the calls holding sessions, never more.
    wait_for("the sessions to reach the host", || {
        (mock.host_status("vehicles")["requests"] == SESSIONS as u64).then_some(())
    });
    let waiting = gw.metric("ferrule_backend_queue_depth", &[r#"backend="vehicles""#]);
    assert_eq!(waiting, Some(QUEUE as f64));
    let in_use = gw.metric(
        "ferrule_backend_sessions_in_use",
        &[r#"backend="vehicles""#],
    );
    assert_eq!(in_use, Some(SESSIONS as f64));

    // Answers flow: the held and the queued calls all succeed.
    proxy.open();
    for _ in 0..SESSIONS + QUEUE {
        let r = rx.recv_timeout(PATIENCE).expect("a served call");
        assert_eq!(r.status, 200, "{}", r.text());
    }
    // Counted at the host: never more than 3 connections or 3 requests at once.
    let h = mock.host_status("vehicles");
    assert!(
        h["connections_peak"].as_u64().unwrap() <= SESSIONS as u64,
        "{h}"
    );
    assert!(
        h["in_flight_peak"].as_u64().unwrap() <= SESSIONS as u64,
        "{h}"
    );
    assert_eq!(h["requests"], (SESSIONS + QUEUE) as u64, "{h}");
    // And the gateway serves normally afterwards.
    assert_eq!(gw.get("/v1/vehicles/AB12CDE").status, 200);
}

#[test]
fn the_session_limit_holds_against_a_slow_host() {
    // The same limit with real waiting: a host that takes its time on every answer, 20
    // calls at once. Which calls are shed depends on timing, so only the bounds count.
    const CALLS: usize = 20;
    let (mock, gw) = sample_pair(|m, g| {
        host_mut(m, "vehicles").insert("latency_ms".into(), 200.into());
        let b = backend_mut(g, "vehicles");
        b.insert("max_sessions".into(), 3.into());
        b.insert("max_queue".into(), 4.into());
        b.insert("queue_timeout_ms".into(), 30_000.into());
        b.insert("timeout_ms".into(), 30_000.into());
    });
    let addr = gw.addr();
    let calls: Vec<_> = (0..CALLS)
        .map(|_| thread::spawn(move || http(addr, "GET", "/v1/vehicles/AB12CDE", &[], b"")))
        .collect();
    let statuses: Vec<u16> = calls
        .into_iter()
        .map(|c| c.join().unwrap().status)
        .collect();
    let ok = statuses.iter().filter(|&&s| s == 200).count();
    assert!(
        statuses.iter().all(|&s| s == 200 || s == 503),
        "{statuses:?}"
    );
    let h = mock.host_status("vehicles");
    assert!(h["connections_peak"].as_u64().unwrap() <= 3, "{h}");
    assert!(h["in_flight_peak"].as_u64().unwrap() <= 3, "{h}");
    assert_eq!(h["requests"], ok as u64, "{h}");
}

#[test]
fn signals_right_after_start_are_handled_not_fatal() {
    // SIGHUP as soon as the address is printed: a reload, never the default action
    // (which would end the process).
    for _ in 0..5 {
        let gw = Gateway::start(&sample_gateway(&[]));
        gw.signal(Signal::HUP);
        wait_for("the reload", || {
            gw.metric("ferrule_config_reloads_total", &[r#"outcome="ok""#])
        });
    }
    // SIGTERM as soon as the address is printed: a clean stop with exit code 0.
    for _ in 0..5 {
        let mut gw = Gateway::start(&sample_gateway(&[]));
        gw.signal(Signal::TERM);
        let status = gw.wait_exit();
        assert!(status.success(), "{status:?}\n{}", gw.log_text());
    }
}
