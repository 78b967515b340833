//! `[server] threads = N` (thread-per-core serving) end to end: the real `ferrule serve`
//! in front of `ferrule mock`, over real sockets. It answers many connections at once as
//! the default runtime does, writes the same `request done` lines, picks up a SIGHUP
//! reload, and on SIGTERM drains a call in flight before exiting 0. Also the line itself
//! in the default mode, text and JSON, as the tracing subscriber printed it before it was
//! written by hand.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::TcpStream;
use std::thread;

use common::gateway::*;
use serde_json::Value;
use toml::Table;

const VEHICLE: &str = "/v1/vehicles/AB12CDE";

/// A good incident report for the sample `POST /v1/incidents` route.
const INCIDENT: &str = r#"{"incident_type": "RTC",
  "location": {"location_text": "A470 NEAR TAFFS WELL", "postcode": "CF15 7QZ"},
  "reporting_officer": {"collar_number": "PC4471", "force_code": 62},
  "narrative": "TWO VEHICLE COLLISION, NO INJURIES, LANE 1 BLOCKED",
  "occurred_at": 20240611093000}"#;

/// The sample gateway config for `hosts`, served from `threads` threads.
fn config(hosts: &[(String, std::net::SocketAddr)], threads: i64) -> Table {
    let mut g = sample_gateway(hosts);
    server_mut(&mut g).insert("threads".into(), threads.into());
    g
}

/// The sample pair with the incident host's answers held at a gated proxy (a write stays
/// in flight until the test opens the gate), served from two threads.
fn threaded_pair_with_gated_incidents() -> (Mock, GatedProxy, Gateway) {
    let mock = Mock::start(&sample_mock(true));
    let proxy = GatedProxy::start(mock.addr("incidents"));
    let mut hosts: Vec<_> = mock
        .hosts
        .iter()
        .filter(|(n, _)| n != "incidents")
        .cloned()
        .collect();
    hosts.push(("incidents".into(), proxy.addr));
    let mut g = config(&hosts, 2);
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

/// The `request done` lines of a log.
fn done_lines(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains("request done")).collect()
}

#[test]
fn many_connections_at_once_are_all_answered_and_logged() {
    let mock = Mock::start(&sample_mock(false));
    let gw = Gateway::start(&config(&mock.hosts, 2));
    let addr = gw.addr();
    // 8 clients, 5 calls each, on their own connections at the same time.
    let clients: Vec<_> = (0..8)
        .map(|_| {
            thread::spawn(move || {
                (0..5)
                    .map(|_| http(addr, "GET", VEHICLE, &[], b""))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for c in clients {
        for r in c.join().unwrap() {
            assert_eq!(r.status, 200, "{}", r.text());
            assert_eq!(r.json()["make"], "VAUXHALL");
        }
    }
    // Every call has its line (the last may still be on its way to the file).
    wait_for("40 request lines", || {
        (done_lines(&gw.log_text()).len() >= 40).then_some(())
    });
    let metric = gw.metric(
        "ferrule_http_requests_total",
        &[r#"route="/v1/vehicles/{vrm}""#, r#"status="200""#],
    );
    assert_eq!(metric, Some(40.0));
}

#[test]
fn reload_on_sighup_reaches_every_thread() {
    let mock = Mock::start(&sample_mock(false));
    let gw = Gateway::start(&config(&mock.hosts, 2));
    assert!(gw.get(VEHICLE).json().get("keeper").is_some());
    let mut cfg: Table = toml::from_str(&std::fs::read_to_string(&gw.config).unwrap()).unwrap();
    let omit = toml::Value::try_from(["return_code", "system_area", "keeper"]).unwrap();
    route_mut(&mut cfg, "/v1/vehicles/{vrm}").insert("omit".into(), omit);
    gw.rewrite(&cfg);
    gw.signal(Signal::HUP);
    wait_for("the reload", || {
        gw.metric("ferrule_config_reloads_total", &[r#"outcome="ok""#])
    });
    // Whichever thread serves them, new connections see the new config.
    for _ in 0..6 {
        let v = gw.get(VEHICLE).json();
        assert!(v.get("keeper").is_none(), "{v}");
        assert_eq!(v["make"], "VAUXHALL");
    }
}

#[test]
fn sigterm_drains_the_call_in_flight_and_exits_0() {
    let (mock, proxy, mut gw) = threaded_pair_with_gated_incidents();
    let addr = gw.addr();
    let slow = incident_in_flight(&mock, &gw);
    gw.signal(Signal::TERM);
    // The listener closes while the call in flight waits for its answer.
    wait_for("new connections to be refused", || {
        TcpStream::connect(addr).is_err().then_some(())
    });
    assert!(!slow.is_finished());
    assert!(gw.running(), "exited with a call in flight");
    proxy.open();
    let r = slow.join().unwrap();
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["incident_ref"], "INC240001");
    let status = gw.wait_exit();
    assert!(status.success(), "{status:?}\n{}", gw.log_text());
    let log = gw.log_text();
    assert!(log.contains("draining") && log.contains("stopped"), "{log}");
}

#[test]
fn the_host_never_sees_more_than_max_sessions_connections() {
    // Each serving thread keeps its own idle connections, but together they stay within
    // the backend's max_sessions: a thread with none of its own takes over another's
    // idle one rather than opening more. 16 clients on their own connections (spread over
    // both threads), 4 calls each, against a host that takes its time.
    let mut m = sample_mock(true);
    host_mut(&mut m, "vehicles").insert("latency_ms".into(), 20.into());
    let mock = Mock::start(&m);
    let mut g = config(&mock.hosts, 2);
    let b = backend_mut(&mut g, "vehicles");
    b.insert("max_sessions".into(), 2.into());
    b.insert("max_queue".into(), 64.into());
    b.insert("queue_timeout_ms".into(), 30_000.into());
    let gw = Gateway::start(&g);
    let addr = gw.addr();
    let clients: Vec<_> = (0..16)
        .map(|_| {
            thread::spawn(move || {
                (0..4)
                    .map(|_| http(addr, "GET", VEHICLE, &[], b"").status)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for c in clients {
        assert!(c.join().unwrap().iter().all(|&s| s == 200));
    }
    let h = mock.host_status("vehicles");
    assert_eq!(h["requests"], 64, "{h}");
    assert!(h["in_flight_peak"].as_u64().unwrap() <= 2, "{h}");
    assert!(h["connections_peak"].as_u64().unwrap() <= 2, "{h}");
}

#[test]
fn too_many_threads_is_a_config_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferrule.toml");
    write_toml(&path, &config(&[], 5000));
    let problems = ferrule::load_config(&path).unwrap_err();
    assert!(
        problems.iter().any(|p| p.path == "server.threads"),
        "{problems:?}"
    );
}

/// The text line, as tracing-subscriber's formatter printed it (the shape only: the
/// timestamp, id and latency vary).
fn assert_text_line(line: &str, status: u16) {
    let (stamp, rest) = line.split_at(27);
    assert!(
        stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T',
        "{line}"
    );
    let rest = rest
        .strip_prefix(if status >= 500 { "  WARN " } else { "  INFO " })
        .unwrap_or_else(|| panic!("{line}"));
    let rest = rest
        .strip_prefix(r#"request{method="GET" route="/v1/vehicles/{vrm}" request_id=""#)
        .unwrap_or_else(|| panic!("{line}"));
    let (id, rest) = rest.split_once('"').unwrap();
    assert_eq!(id.len(), 36, "{line}");
    // The call's W3C trace id: 32 lowercase hex digits.
    let rest = rest
        .strip_prefix(r#" trace_id=""#)
        .unwrap_or_else(|| panic!("{line}"));
    let (trace, rest) = rest.split_once('"').unwrap();
    assert_eq!(trace.len(), 32, "{line}");
    assert!(
        trace
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{line}"
    );
    let rest = rest
        .strip_prefix(&format!(
            "}}: ferrule::gateway::stack: request done status={status} latency_ms="
        ))
        .unwrap_or_else(|| panic!("{line}"));
    let ms: f64 = rest.parse().unwrap_or_else(|_| panic!("{line}"));
    assert!(ms >= 0.0 && rest.contains('.'), "{line}");
}

#[test]
fn text_lines_keep_their_content_in_both_modes() {
    let mock = Mock::start(&sample_mock(false));
    for threads in [0, 2] {
        let gw = Gateway::start(&config(&mock.hosts, threads));
        assert_eq!(gw.get(VEHICLE).status, 200);
        // A client's own request id is kept, quotes and all, escaped as before.
        let r = gw.request("GET", VEHICLE, &[("x-request-id", r#"my "id" \ 7"#)], b"");
        assert_eq!(r.status, 200);
        let log = wait_for("two request lines", || {
            let log = gw.log_text();
            (done_lines(&log).len() >= 2).then_some(log)
        });
        let lines = done_lines(&log);
        assert_text_line(lines[0], 200);
        assert!(
            lines[1].contains(r#"request_id="my \"id\" \\ 7" trace_id=""#)
                && lines[1].contains(
                    r#""}: ferrule::gateway::stack: request done status=200 latency_ms="#
                ),
            "{}",
            lines[1]
        );
    }
}

#[test]
fn json_lines_keep_their_content() {
    let mock = Mock::start(&sample_mock(false));
    let mut g = config(&mock.hosts, 2);
    server_mut(&mut g).insert("log_format".into(), "json".into());
    let gw = Gateway::start(&g);
    assert_eq!(gw.get("/v1/vehicles/ZZ99ZZZ").status, 404);
    let log = wait_for("a request line", || {
        let log = gw.log_text();
        (!done_lines(&log).is_empty()).then_some(log)
    });
    let line = done_lines(&log)[0];
    let v: Value = serde_json::from_str(line).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "timestamp",
            "level",
            "message",
            "status",
            "latency_ms",
            "target",
            "span"
        ],
        "{line}"
    );
    assert_eq!(v["level"], "INFO");
    assert_eq!(v["status"], 404);
    assert!(v["latency_ms"].is_f64(), "{line}");
    assert_eq!(v["target"], "ferrule::gateway::stack");
    assert_eq!(v["span"]["name"], "request");
    assert_eq!(v["span"]["method"], "GET");
    assert_eq!(v["span"]["route"], "/v1/vehicles/{vrm}");
    assert_eq!(v["span"]["request_id"].as_str().unwrap().len(), 36);
}
