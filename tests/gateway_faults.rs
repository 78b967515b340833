//! Backend faults end to end: the real `ferrule serve` in front of a `ferrule mock`
//! vehicle host that misbehaves on purpose (refuses, resets mid-record, stalls, sends
//! garbage or a short record, closes without answering). Each fault gets its status,
//! the host recovers (`max_faults`), later calls succeed, and the gateway stays up.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use common::gateway::*;
use toml::Table;

const VEHICLE: &str = "/v1/vehicles/AB12CDE";

/// The sample vehicle host alone (with a status endpoint), `tweak`ed, and the sample
/// gateway in front of it with `timeout_ms` for the vehicle backend.
fn vehicle_pair(timeout_ms: i64, tweak: impl FnOnce(&mut Table)) -> (Mock, Gateway) {
    let mut cfg = sample_mock(true);
    keep_hosts(&mut cfg, &["vehicles"]);
    tweak(&mut cfg);
    let mock = Mock::start(&cfg);
    let mut g = sample_gateway(&mock.hosts);
    backend_mut(&mut g, "vehicles").insert("timeout_ms".into(), timeout_ms.into());
    // One serving thread: these tests count the host's connections, and with several
    // each thread would open its own (tests/gateway_threads.rs covers that).
    server_mut(&mut g).insert("threads".into(), 1.into());
    (mock, Gateway::start(&g))
}

/// A host whose first request (on a fresh connection) meets `kind`, and no later one.
fn faulty_once(kind: &str, timeout_ms: i64) -> (Mock, Gateway) {
    vehicle_pair(timeout_ms, |m| set_fault(m, "vehicles", kind, 1, 1))
}

/// The call after the fault answers normally, and the gateway is still healthy.
fn recovers(mock: &Mock, gw: &mut Gateway) {
    let r = gw.get(VEHICLE);
    assert_eq!(r.status, 200, "{}\n{}", r.text(), gw.log_text());
    assert_eq!(r.json()["make"], "VAUXHALL");
    assert_eq!(gw.get(VEHICLE).status, 200);
    assert_eq!(gw.get("/healthz").status, 200);
    assert!(gw.running());
    // The faulty request, then the two good ones: nothing was resent.
    assert_eq!(mock.host_status("vehicles")["requests"], 3);
}

#[test]
fn a_host_that_refuses_is_502_until_it_listens() {
    let port = free_port();
    let mut cfg = sample_mock(false);
    keep_hosts(&mut cfg, &["vehicles"]);
    host_mut(&mut cfg, "vehicles").insert("listen".into(), format!("127.0.0.1:{port}").into());
    let addr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut gw = Gateway::start(&sample_gateway(&[("vehicles".into(), addr)]));

    let r = gw.get(VEHICLE);
    let p = assert_problem(&r, 502, "backend-unavailable");
    assert_eq!(p["detail"], "backend `vehicles` cannot be reached");
    assert!(
        !r.text().contains(&port.to_string()),
        "no addresses leaked: {p}"
    );
    let p = assert_problem(&gw.get("/readyz"), 503, "not-ready");
    assert!(p["backends"]
        .as_array()
        .unwrap()
        .contains(&"vehicles".into()));

    // The host comes up. The connector waits (with backoff) between connect attempts
    // and fails fast meanwhile, so poll until a call goes through.
    let _mock = Mock::start(&cfg);
    let r = wait_for("a call to get through", || {
        let r = gw.get(VEHICLE);
        match r.status {
            502 => None,
            _ => Some(r),
        }
    });
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(gw.get(VEHICLE).status, 200);
    assert_eq!(gw.get("/healthz").status, 200);
    assert!(gw.running());
}

#[test]
fn a_reset_mid_record_is_502_then_the_host_answers() {
    let (mock, mut gw) = faulty_once("reset", 5000);
    let p = assert_problem(&gw.get(VEHICLE), 502, "backend-unavailable");
    assert!(p["detail"].as_str().unwrap().contains("vehicles"), "{p}");
    recovers(&mock, &mut gw);
}

#[test]
fn a_stall_is_504_after_the_backend_timeout_then_the_host_answers() {
    let (mock, mut gw) = faulty_once("stall", 300);
    let p = assert_problem(&gw.get(VEHICLE), 504, "backend-timeout");
    assert_eq!(
        p["detail"],
        "backend `vehicles` did not answer within 300 ms"
    );
    // The stalled connection was dropped, not reused: the next call gets a fresh one.
    recovers(&mock, &mut gw);
    assert_eq!(mock.host_status("vehicles")["connections_total"], 2);
}

#[test]
fn garbage_is_502_and_nothing_of_it_reaches_the_client() {
    let (mock, mut gw) = faulty_once("garbage", 5000);
    let r = gw.get(VEHICLE);
    let p = assert_problem(&r, 502, "bad-backend-response");
    assert_eq!(
        p["detail"],
        "backend `vehicles` answered with a record that cannot be used"
    );
    recovers(&mock, &mut gw);
    assert!(
        gw.log_text().contains("response record does not decode"),
        "{}",
        gw.log_text()
    );
}

#[test]
fn a_short_well_framed_record_is_decoded_as_far_as_it_goes() {
    // len4 framing: the host said how long its answer is, so a record of half the layout
    // is a short record, not a broken one (docs/records.md: fields past the end are left
    // out; text cut short keeps the bytes that are there, as the host program sees them).
    // The answer's 200 bytes end inside the first report's 4-byte type.
    let (mock, mut gw) = faulty_once("short", 5000);
    let r = gw.get(VEHICLE);
    assert_eq!(r.status, 200, "{}", r.text());
    let body: serde_json::Value = serde_json::from_str(&r.text()).unwrap_or_default();
    assert_eq!(body["mileage"], 84211, "{body}");
    assert_eq!(
        body["reports"],
        serde_json::json!([{"report_type": "ST"}]),
        "{body}"
    );
    recovers(&mock, &mut gw);
}

#[test]
fn a_close_without_answer_on_a_fresh_connection_is_one_502() {
    // Nothing to retry: the connection was new, so the host really did not answer.
    let (mock, mut gw) = faulty_once("close", 5000);
    let p = assert_problem(&gw.get(VEHICLE), 502, "backend-unavailable");
    assert_eq!(
        p["detail"],
        "backend `vehicles` closed the connection before answering"
    );
    recovers(&mock, &mut gw);
}

#[test]
fn a_close_on_a_pooled_connection_is_retried_once_on_a_fresh_one() {
    // The host closes on its 2nd request, which arrives on the connection the 1st left
    // in the pool. The connector documents (src/connector/tcp.rs) one retry on a fresh
    // connection when a reused one fails before any response byte: the client never
    // sees the close.
    let (mock, mut gw) = vehicle_pair(5000, |m| set_fault(m, "vehicles", "close", 2, 1));
    for _ in 0..3 {
        let r = gw.get(VEHICLE);
        assert_eq!(r.status, 200, "{}\n{}", r.text(), gw.log_text());
    }
    // Four requests reached the host for three calls (one resent), on two connections.
    let h = mock.host_status("vehicles");
    assert_eq!(h["requests"], 4, "{h}");
    assert_eq!(h["connections_total"], 2, "{h}");
    assert_eq!(gw.get("/healthz").status, 200);
    assert!(gw.running());
}

#[test]
fn every_nth_faults_of_each_kind_leave_the_gateway_serving() {
    // Every 2nd request fails (no limit) for each kind in turn: each call is 200 or the
    // kind's own status, never a 500 or a dropped connection.
    for (kind, status) in [("reset", 502), ("garbage", 502), ("stall", 504)] {
        // A short timeout only where a stall needs one: a good answer must never meet it.
        let timeout_ms = if kind == "stall" { 500 } else { 5000 };
        let (_mock, mut gw) = vehicle_pair(timeout_ms, |m| set_fault(m, "vehicles", kind, 2, 0));
        let statuses: Vec<u16> = (0..4).map(|_| gw.get(VEHICLE).status).collect();
        assert!(
            statuses.iter().all(|&s| s == 200 || s == status),
            "{kind}: {statuses:?}"
        );
        assert!(
            statuses.contains(&200) && statuses.contains(&status),
            "{kind}: {statuses:?}"
        );
        assert_eq!(gw.get("/healthz").status, 200);
        assert!(gw.running());
    }
}

#[test]
fn a_circuit_breaker_stops_calls_to_a_failing_host_and_lets_it_back_when_it_recovers() {
    // The host closes the first 3 connections without answering, then recovers.
    let mut cfg = sample_mock(true);
    keep_hosts(&mut cfg, &["vehicles"]);
    set_fault(&mut cfg, "vehicles", "close", 1, 3);
    let mock = Mock::start(&cfg);
    let mut g = sample_gateway(&mock.hosts);
    let breaker: Table = "failures = 3\nopen_secs = 2".parse().unwrap();
    backend_mut(&mut g, "vehicles").insert("breaker".into(), breaker.into());
    let mut gw = Gateway::start(&g);
    for _ in 0..3 {
        assert_problem(&gw.get(VEHICLE), 502, "backend-unavailable");
    }
    // Open: refused at once, the host not called, Retry-After the time left.
    let r = gw.get(VEHICLE);
    let p = assert_problem(&r, 503, "backend-circuit-open");
    assert_eq!(
        p["detail"],
        "backend `vehicles` keeps failing, so calls to it are paused; retry later"
    );
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "Retry-After {retry}");
    assert_eq!(mock.host_status("vehicles")["requests"], 3);
    let p = assert_problem(&gw.get("/readyz"), 503, "not-ready");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("vehicles (circuit open)"),
        "{p}"
    );
    assert_eq!(
        gw.metric("ferrule_backend_circuit_state", &["backend=\"vehicles\""]),
        Some(2.0)
    );
    assert!(gw.log_text().contains("circuit open"), "{}", gw.log_text());
    // After the cool-down a probe reaches the (recovered) host and closes the circuit.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let r = gw.get(VEHICLE);
    assert_eq!(r.status, 200, "{}\n{}", r.text(), gw.log_text());
    // (Only the vehicle host runs here: /readyz names the other two, not vehicles.)
    let ready = gw.get("/readyz").text();
    assert!(!ready.contains("vehicles"), "{ready}");
    assert_eq!(
        gw.metric("ferrule_backend_circuit_state", &["backend=\"vehicles\""]),
        Some(0.0)
    );
    assert!(gw.running());
}
