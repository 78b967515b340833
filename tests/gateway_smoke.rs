//! Smoke test of `ferrule serve`: the real binary on port 0 in front of a tiny len4 TCP
//! host, spoken to over real sockets. The full end-to-end suite lives elsewhere; this
//! checks the main paths once: a GET route, a 400 listing two fields, 404, 405, 413,
//! /healthz, /metrics and a clean exit on SIGTERM.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Generous limit so a stuck server fails the test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(30);

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

/// The server process, killed if the test fails before it is stopped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(config: &Path, log: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["serve", "--config"])
        .arg(config)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(PATIENCE).unwrap_or_default();
    let port = line
        .trim()
        .strip_prefix("ferrule: listening on http://127.0.0.1:")
        .and_then(|p| p.parse().ok());
    let Some(port) = port else {
        let _ = child.kill();
        panic!(
            "no listening line: {line:?}\nlog:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
    };
    Server { child, port }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("{e}: {}", String::from_utf8_lossy(&self.body));
        })
    }
}

/// One HTTP/1.1 exchange on a fresh connection (`Connection: close`, read to EOF).
fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn get(port: u16, path: &str) -> Reply {
    http(port, "GET", path, &[], b"")
}

fn assert_problem(r: &Reply, status: u16, kind: &str) {
    assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let p = r.json();
    assert_eq!(p["type"], format!("https://ferrule.dev/problems/{kind}"));
    assert_eq!(p["status"], status);
}

#[test]
fn serve_answers_routes_errors_and_ops_then_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), start_host());
    let log = dir.path().join("serve.log");
    let mut server = start_server(&config, &log);
    let port = server.port;

    // A GET route: path and query parameters and a constant fill the request (the host
    // checks the tran code); return code 00 maps to 200; omit and rename apply.
    let r = http(
        port,
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
    let r = get(port, "/v1/vehicles/AB12CDE");
    assert_problem(&r, 400, "invalid-request");
    assert_eq!(r.json()["errors"][0]["field"], "max_hits");

    // Two bad fields in a POST body: both listed with their paths.
    let json = [("content-type", "application/json")];
    let r = http(
        port,
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
    let r = http(port, "POST", "/v1/checks", &json, br#"{"vrm": "AB12CDE"}"#);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));

    // Broken JSON is the client's fault: 400, never 500.
    let r = http(port, "POST", "/v1/checks", &json, b"{\"vrm\": ");
    assert_problem(&r, 400, "invalid-request");

    assert_problem(&get(port, "/v1/nothing-here"), 404, "not-found");
    assert_problem(
        &http(port, "DELETE", "/v1/vehicles/AB12CDE", &[], b""),
        405,
        "method-not-allowed",
    );
    let big = format!(r#"{{"vrm": "{}"}}"#, "A".repeat(2000));
    assert_problem(
        &http(port, "POST", "/v1/checks", &json, big.as_bytes()),
        413,
        "payload-too-large",
    );

    let r = get(port, "/healthz");
    assert_eq!(r.status, 200);
    let r = get(port, "/readyz");
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let r = get(port, "/metrics");
    assert_eq!(r.status, 200);
    let text = String::from_utf8_lossy(&r.body);
    assert!(text.contains("ferrule_http_requests_total"), "{text}");
    assert!(text.contains(r#"route="/v1/vehicles/{vrm}""#), "{text}");

    // SIGTERM: the server drains and exits 0.
    let pid = server.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < PATIENCE, "server did not stop");
        thread::sleep(Duration::from_millis(20));
    };
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.success(), "{status:?}\nlog:\n{log_text}");
    // Logs name routes, never the raw path with its VRM.
    assert!(!log_text.contains("AB12CDE"), "{log_text}");
}
