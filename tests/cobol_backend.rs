//! A real legacy program as a gateway backend: `tests/cobol/backend/nomlook.cbl`, a
//! GnuCOBOL person lookup that reads one fixed 40-byte record from stdin and writes one
//! fixed 120-byte answer (zoned, packed and binary numbers, Latin-1 text) to stdout.
//!
//! The test compiles it, then puts `ferrule serve` in front of it twice:
//! - `exec`: the gateway runs the program once per request (no `framing` key: the
//!   exec default passes the plain record on stdin and takes all of stdout as the answer);
//! - `tcp`: the program behind `socat TCP-LISTEN:..,fork EXEC:<program>,pipes`, so every
//!   connection is one run that answers once and exits: the gateway's pool must notice the
//!   closed connection and use a fresh one for the next request.
//!
//! Both legs check the decoded numbers exactly (as text, never through f64), 404 for an
//! unknown reference and 400 for a parameter too long for its field, with the program
//! never called for the 400 (the backend's call count in /metrics does not move).
//!
//! Without `cobc` (or `socat` for the tcp leg) the tests pass with a note, except under CI
//! (`CI=true`), where a missing tool is a failure, as in `tests/cobol_oracle.rs`.

// A test that cannot set itself up should fail loudly, so panicking is the point.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde_json::Value;

/// Generous limit so a stuck process fails the test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(30);

/// The oracle's cobc flags (see `tests/cobol/README.md`): IBM binary sizes, big-endian
/// COMP, ASCII zoned signs: what `dialect = "gnucobol"`, `codepage = "latin1"` reads.
const COBC_FLAGS: &[&str] = &[
    "-x",
    "-std=default",
    "-fbinary-size=2-4-8",
    "-fbinary-byteorder=big-endian",
    "-fsign=ASCII",
];

/// Request, response and program, in `tests/cobol/backend/`.
const REQ_CPY: &str = "nomlook-req.cpy";
const RSP_CPY: &str = "nomlook-rsp.cpy";
const PROGRAM: &str = "nomlook.cbl";

#[test]
fn exec_backend_runs_the_cobol_program_per_request() {
    if !tools_available(&[("cobc", "--version")]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let exe = compile(dir.path());
    // No `framing` key: for exec the default is the plain record on both pipes, which
    // is what the program reads and writes.
    let backend = format!(
        r#"kind = "exec"
command = "{}""#,
        exe.display()
    );
    let server = start_server(&write_config(dir.path(), &backend), dir.path());
    check_routes(&server);
}

#[test]
fn tcp_backend_behind_socat_gets_a_fresh_connection_per_request() {
    if !tools_available(&[("cobc", "--version"), ("socat", "-V")]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let exe = compile(dir.path());
    let host = Socat::start(&exe);
    let backend = format!(
        r#"kind = "tcp"
address = "127.0.0.1:{}"
framing = "fixed""#,
        host.port
    );
    let server = start_server(&write_config(dir.path(), &backend), dir.path());
    check_routes(&server);
}

/// What both legs must do: the same program answers the same way however it is reached.
fn check_routes(server: &Server) {
    let port = server.port;

    // Every person in the program's table, numbers compared as the exact JSON text:
    // packed FINES-OUTSTANDING and zoned ACCOUNT-BALANCE keep their two decimals, a
    // negative zoned balance (ASCII sign nibble) stays negative, and ARREST-COUNT 10 and
    // 13 are the bytes 0A and 0D inside the record (a record, not a line). The blank
    // slots after the last warning marker are left out (`drop_empty_occurs`, on for routes).
    let people = [
        (
            "NR0000104233",
            "SMITH",
            "JOHN",
            "19800101",
            "180",
            "1234.50",
            "0.00",
            "10",
            &["VI", "WE"][..],
        ),
        (
            "NR0000021987",
            "ABERNATHY",
            "SIOBHAN",
            "19790704",
            "165",
            "0.00",
            "-75.25",
            "0",
            &["FI"][..],
        ),
        (
            "NR0000333105",
            "KOWALCZYK",
            "MAREK",
            "19830512",
            "191",
            "99999.99",
            "12345.67",
            "13",
            &["WE", "ES"][..],
        ),
        // Latin-1 text: the program's bytes DA D1 C9 are Ú Ñ É.
        (
            "NR0000512020",
            "NÚÑEZ",
            "JOSÉ",
            "19911224",
            "172",
            "60.00",
            "-0.01",
            "2",
            &[][..],
        ),
    ];
    // Twice round, one request after another: with socat every exchange ends its
    // connection, so each of these needs a fresh one.
    for round in 0..2 {
        for (reference, surname, forename, dob, height, fines, balance, arrests, markers) in &people
        {
            let r = get(port, &format!("/v1/persons/{reference}"));
            let context = format!("round {round}, {reference}: {}", r.text());
            assert_eq!(r.status, 200, "{context}");
            let v = r.json();
            assert_eq!(v["message_text"], "PERSON FOUND", "{context}");
            assert_eq!(v["nominal_ref"], *reference, "{context}");
            assert_eq!(v["surname"], *surname, "{context}");
            assert_eq!(v["forename"], *forename, "{context}");
            assert_eq!(number(&v["date_of_birth"]), *dob, "{context}");
            assert_eq!(number(&v["height_cm"]), *height, "{context}");
            assert_eq!(number(&v["fines_outstanding"]), *fines, "{context}");
            assert_eq!(number(&v["account_balance"]), *balance, "{context}");
            assert_eq!(number(&v["arrest_count"]), *arrests, "{context}");
            assert_eq!(
                v["warning_markers"],
                serde_json::json!(markers),
                "{context}"
            );
            // RETURN-CODE decides the status and is left out of the JSON.
            assert!(v.get("return_code").is_none(), "{context}");
        }
    }

    // Not in the table: the program answers RETURN-CODE 04, the route maps it to 404,
    // a problem whose detail is the program's MESSAGE-TEXT.
    let r = get(port, "/v1/persons/NR0000999999");
    assert_eq!(r.status, 404, "{}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{}",
        r.text()
    );
    let v = r.json();
    assert_eq!(v["type"], "https://ferrule.dev/problems/host-error");
    assert_eq!(v["detail"], "NO TRACE");

    // 13 characters for a PIC X(12): the client's fault, found while encoding the
    // request, so the program is never run (its call count does not move).
    let calls = backend_calls(port);
    let r = get(port, "/v1/persons/NR00001042330");
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{}",
        r.text()
    );
    let p = r.json();
    assert_eq!(p["type"], "https://ferrule.dev/problems/invalid-request");
    assert_eq!(p["errors"][0]["field"], "nominal_ref", "{p}");
    assert_eq!(
        backend_calls(port),
        calls,
        "a bad request reached the program"
    );
    // 8 found twice round + 1 not found.
    assert_eq!(calls, 9, "backend calls counted in /metrics");
}

/// A JSON number's exact text (`serde_json` keeps it with `arbitrary_precision`).
fn number(v: &Value) -> String {
    assert!(v.is_number(), "not a number: {v}");
    v.to_string()
}

/// Completed calls to the `persons` backend, from the duration histogram's counts.
fn backend_calls(port: u16) -> u64 {
    let r = get(port, "/metrics");
    assert_eq!(r.status, 200);
    r.text()
        .lines()
        .filter(|l| {
            l.starts_with("ferrule_backend_duration_seconds_count{")
                && l.contains(r#"backend="persons""#)
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

// ---------------------------------------------------------------------------------------
// Set-up: tools, the program, the config, socat, the server.

/// Whether every tool runs; panics under CI when one does not.
fn tools_available(tools: &[(&str, &str)]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .filter(|(tool, arg)| {
            !Command::new(tool)
                .arg(arg)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map(|s| s.success())
                .unwrap_or(false)
        })
        .map(|(tool, _)| *tool)
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{} not installed but CI=true: the COBOL backend tests cannot run. \
             Install them (e.g. `apt-get install gnucobol3 socat`).",
            missing.join(" and ")
        );
    }
    eprintln!(
        "note: {} not found; skipping the COBOL backend test",
        missing.join(" and ")
    );
    false
}

fn backend_dir() -> PathBuf {
    common::repo().join("tests").join("cobol").join("backend")
}

/// Compiles `nomlook.cbl` into `dir`.
fn compile(dir: &Path) -> PathBuf {
    let exe = dir.join("nomlook");
    let src = backend_dir().join(PROGRAM);
    let out = Command::new("cobc")
        .args(COBC_FLAGS)
        .arg("-I")
        .arg(backend_dir())
        .arg("-o")
        .arg(&exe)
        .arg(&src)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cobc failed on {}:\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// A config with one `persons` backend (`backend` gives its kind and where it is) and
/// one GET route; the copybooks are copied next to it.
fn write_config(dir: &Path, backend: &str) -> PathBuf {
    for cpy in [REQ_CPY, RSP_CPY] {
        std::fs::copy(backend_dir().join(cpy), dir.join(cpy)).unwrap();
    }
    let config = format!(
        r#"
[server]
listen = "127.0.0.1:0"
shutdown_grace_ms = 1000

[[backend]]
name = "persons"
{backend}
codepage = "latin1"
dialect = "gnucobol"
max_sessions = 4
timeout_ms = 10000

[[route]]
method = "GET"
path = "/v1/persons/{{ref}}"
backend = "persons"
request = {{ copybook = "{REQ_CPY}" }}
response = {{ copybook = "{RSP_CPY}" }}
set = {{ tran_code = "NOML", nominal_ref = "{{ref}}", requesting_force = "62" }}
status = {{ field = "return_code", map = {{ "0" = 200, "4" = 404, "*" = 502 }}, detail_field = "message_text" }}
omit = ["return_code"]
"#
    );
    let path = dir.join("ferrule.toml");
    std::fs::write(&path, config).unwrap();
    path
}

/// socat forking one program run per TCP connection; killed when dropped.
struct Socat {
    child: Child,
    port: u16,
}

impl Socat {
    fn start(exe: &Path) -> Socat {
        // Port 0: socat picks a free port and names it in its `-d -d` notice
        // ("... N listening on AF=2 127.0.0.1:PORT"), so nothing races for a port.
        // `pipes`: the program's stdin is a pipe, not a socket, because the program opens
        // /dev/stdin and Linux refuses to open a socket through /proc (ENXIO).
        let mut child = Command::new("socat")
            .args(["-d", "-d"])
            .arg("TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork")
            .arg(format!("EXEC:{},pipes", exe.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                if let Some(port) = line
                    .split_once("listening on AF=2 127.0.0.1:")
                    .and_then(|(_, p)| p.trim().parse::<u16>().ok())
                {
                    let _ = tx.send(port);
                } else if line.contains("] E ") || line.contains("] W ") {
                    // socat's errors and warnings still reach the test output.
                    eprintln!("{line}");
                }
            }
        });
        let Ok(port) = rx.recv_timeout(PATIENCE) else {
            let _ = child.kill();
            let status = child.wait().unwrap();
            panic!("socat ({status}) never said where it listens");
        };
        Socat { child, port }
    }
}

impl Drop for Socat {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `ferrule serve`, killed when dropped.
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

fn start_server(config: &Path, dir: &Path) -> Server {
    let log = dir.join("serve.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["serve", "--config"])
        .arg(config)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
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
        let _ = child.wait();
        panic!(
            "no listening line: {line:?}\nlog:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    };
    Server { child, port }
}

// ---------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client.

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
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

/// One GET on a fresh connection (`Connection: close`, read to EOF).
fn get(port: u16, path: &str) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
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
