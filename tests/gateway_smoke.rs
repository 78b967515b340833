//! Smoke test of `ferrule serve`: the real binary on port 0 in front of a tiny len4 TCP
//! host, spoken to over real sockets. The full end-to-end suite lives elsewhere; this
//! checks the main paths once: a GET route, a 400 listing two fields, 404, 405, 413,
//! /healthz, /metrics and a clean exit on SIGTERM.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::thread;

use common::gateway::{assert_problem, Gateway, Signal};

const REQ_CPY: &str = "       01  VEH-REQ.
           05  TRAN-CODE   PIC X(4).
           05  VRM         PIC X(8).
           05  MAX-HITS    PIC 9(3).
";

const RSP_CPY: &str = "       01  VEH-RSP.
           05  RETURN-CODE PIC 9(2).
           05  MAKE        PIC X(10).
           05  HOST-AREA   PIC X(6).
           05  YEAR        PIC 9(4).
";

/// ASCII -> cp037 for the characters the test records use.
fn ebcdic(s: &str) -> Vec<u8> {
    s.bytes()
        .map(|b| match b {
            b'0'..=b'9' => 0xF0 + (b - b'0'),
            b'A'..=b'I' => 0xC1 + (b - b'A'),
            b'J'..=b'R' => 0xD1 + (b - b'J'),
            b'S'..=b'Z' => 0xE2 + (b - b'S'),
            _ => 0x40,
        })
        .collect()
}

/// A legacy host that decodes nothing: it answers every len4 request with a fixed
/// record, return code 00 if the request starts with tran code VEHQ, else 99.
fn start_host() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            thread::spawn(move || loop {
                let mut head = [0u8; 4];
                if conn.read_exact(&mut head).is_err() {
                    return;
                }
                let mut req = vec![0u8; u32::from_be_bytes(head) as usize];
                if conn.read_exact(&mut req).is_err() {
                    return;
                }
                let rc = if req.starts_with(&ebcdic("VEHQ")) {
                    "00"
                } else {
                    "99"
                };
                let rsp = ebcdic(&format!("{rc}FORD      SECRET2019"));
                let mut out = (rsp.len() as u32).to_be_bytes().to_vec();
                out.extend_from_slice(&rsp);
                if conn.write_all(&out).is_err() {
                    return;
                }
            });
        }
    });
    port
}

fn write_config(dir: &Path, host_port: u16) -> std::path::PathBuf {
    std::fs::write(dir.join("req.cpy"), REQ_CPY).unwrap();
    std::fs::write(dir.join("rsp.cpy"), RSP_CPY).unwrap();
    let config = format!(
        r#"
[server]
listen = "127.0.0.1:0"
max_body_bytes = 1024
shutdown_grace_ms = 2000

[[backend]]
name = "vehicles"
kind = "tcp"
address = "127.0.0.1:{host_port}"
framing = "len4"
codepage = "cp037"

[[route]]
method = "GET"
path = "/v1/vehicles/{{vrm}}"
backend = "vehicles"
request = {{ copybook = "req.cpy" }}
response = {{ copybook = "rsp.cpy" }}
set = {{ vrm = "{{vrm}}", tran_code = "VEHQ", max_hits = "{{hits}}" }}
status = {{ field = "return_code", map = {{ "0" = 200, "4" = 404, "*" = 502 }} }}
omit = ["host_area"]
rename = {{ year = "first_registered" }}

[[route]]
method = "POST"
path = "/v1/checks"
backend = "vehicles"
request = {{ copybook = "req.cpy" }}
response = {{ copybook = "rsp.cpy" }}
set = {{ tran_code = "VEHQ" }}
"#
    );
    let path = dir.join("ferrule.toml");
    std::fs::write(&path, config).unwrap();
    path
}

#[test]
fn serve_answers_routes_errors_and_ops_then_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), start_host());
    let log = dir.path().join("serve.log");
    let mut server = Gateway::start_file(&config, &log);

    // A GET route: path and query parameters and a constant fill the request (the host
    // checks the tran code); return code 00 maps to 200; omit and rename apply.
    let r = server.request(
        "GET",
        "/v1/vehicles/AB12CDE?hits=5",
        &[("x-request-id", "smoke-1")],
        b"",
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-request-id"), Some("smoke-1"));
    let v = r.json();
    assert_eq!(v["return_code"], 0);
    assert_eq!(v["make"], "FORD");
    assert_eq!(v["first_registered"], 2019);
    assert!(
        v.get("host_area").is_none() && v.get("year").is_none(),
        "{v}"
    );

    // The query parameter the route needs is missing: 400 naming it.
    let r = server.get("/v1/vehicles/AB12CDE");
    assert_problem(&r, 400, "invalid-request");
    assert_eq!(r.json()["errors"][0]["field"], "max_hits");

    // Two bad fields in a POST body: both listed with their paths.
    let json = [("content-type", "application/json")];
    let r = server.request(
        "POST",
        "/v1/checks",
        &json,
        br#"{"vrm": "FAR TOO LONG A VRM", "max_hits": 12345}"#,
    );
    assert_problem(&r, 400, "invalid-request");
    let p = r.json();
    let mut fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["max_hits", "vrm"], "{p}");

    // A good POST body goes through.
    let r = server.request("POST", "/v1/checks", &json, br#"{"vrm": "AB12CDE"}"#);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));

    // Broken JSON is the client's fault: 400, never 500.
    let r = server.request("POST", "/v1/checks", &json, b"{\"vrm\": ");
    assert_problem(&r, 400, "invalid-request");

    assert_problem(&server.get("/v1/nothing-here"), 404, "not-found");
    assert_problem(
        &server.request("DELETE", "/v1/vehicles/AB12CDE", &[], b""),
        405,
        "method-not-allowed",
    );
    let big = format!(r#"{{"vrm": "{}"}}"#, "A".repeat(2000));
    assert_problem(
        &server.request("POST", "/v1/checks", &json, big.as_bytes()),
        413,
        "payload-too-large",
    );

    let r = server.get("/healthz");
    assert_eq!(r.status, 200);
    let r = server.get("/readyz");
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let r = server.get("/metrics");
    assert_eq!(r.status, 200);
    let text = String::from_utf8_lossy(&r.body);
    assert!(text.contains("ferrule_http_requests_total"), "{text}");
    assert!(text.contains(r#"route="/v1/vehicles/{vrm}""#), "{text}");

    // SIGTERM: the server drains and exits 0.
    server.signal(Signal::TERM);
    let status = server.wait_exit();
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.success(), "{status:?}\nlog:\n{log_text}");
    // Logs name routes, never the raw path with its VRM.
    assert!(!log_text.contains("AB12CDE"), "{log_text}");
}
