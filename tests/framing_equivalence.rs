//! One framing truth: for every registered framing spelling, the bytes `ferrule encode`
//! writes, the bytes `ferrule decode` reads, and the bytes `ferrule serve` and `ferrule
//! mock` put on a real socket (captured by a relay between them) are the same frames; and
//! the one record limit is refused the same way by files, the gateway and the mock.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use common::gateway::*;
use ferrule_parsers::framing::{DEFAULT_MAX_RECORD_LEN, FRAMING_SPELLINGS};
use serde_json::{json, Value};

/// One row per spelling in `FRAMING_SPELLINGS`: the spelling as a backend, a mock host
/// and the CLI take it. `fixed:N` and `delimiter:HH` get a value; `fixed` alone takes its
/// length from the layout (100-byte request, 400-byte response), as backends do.
const ROWS: &[(&str, &str)] = &[
    ("fixed:N", "fixed"),
    ("rdw", "rdw"),
    ("rdw-le", "rdw-le"),
    ("rdw-excl", "rdw-excl"),
    ("rdw-le-excl", "rdw-le-excl"),
    ("bdw", "bdw"),
    ("vb", "vb"),
    ("bdw-le", "bdw-le"),
    ("bdw-excl", "bdw-excl"),
    ("bdw-le-excl", "bdw-le-excl"),
    ("vbs", "vbs"),
    ("rdw-spanned", "rdw-spanned"),
    ("len2", "len2"),
    ("len4", "len4"),
    ("len2-le", "len2-le"),
    ("len4-le", "len4-le"),
    ("lines", "lines"),
    ("lines-ebcdic", "lines-ebcdic"),
    // 0xFF: no byte of the vehicle records (cp037 text, zoned, packed, the binary values).
    ("delimiter:HH", "delimiter:ff"),
];

const REQ_CPY: &str = "vehenq-req.cpy";
const RSP_CPY: &str = "vehenq-rsp.cpy";

/// What the gateway's vehicle route sends for `GET /v1/vehicles/AB12CDE` (its `set`).
fn request_json() -> Value {
    json!({"tran_code": "VEHQ", "vrm": "AB12CDE", "requesting_force": 62, "user_id": "APIGW01"})
}

fn copybook(name: &str) -> String {
    samples().join(name).display().to_string()
}

/// `ferrule encode` of JSON lines with `framing`: the file bytes.
fn encode(cpy: &str, framing: &str, json: &[u8]) -> Vec<u8> {
    let out = common::ferrule(
        &["encode", "-c", &copybook(cpy), "--framing", framing],
        json,
    );
    assert!(out.status.success(), "{framing}: {}", common::stderr(&out));
    out.stdout
}

/// `ferrule decode` of file bytes with `framing`: the JSON records.
fn decode(cpy: &str, framing: &str, bytes: &[u8]) -> Vec<Value> {
    let out = common::ferrule(
        &["decode", "-c", &copybook(cpy), "--framing", framing],
        bytes,
    );
    assert!(out.status.success(), "{framing}: {}", common::stderr(&out));
    common::parse_lines(&common::stdout(&out))
}

/// A TCP relay for one upstream: every connection is forwarded both ways, and the bytes
/// seen in each direction are kept. A byte is recorded before it is passed on, so once a
/// reply has arrived, everything that led to it is in the capture.
struct Relay {
    addr: SocketAddr,
    to_host: Arc<Mutex<Vec<u8>>>,
    to_gateway: Arc<Mutex<Vec<u8>>>,
}

impl Relay {
    fn start(upstream: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let to_host = Arc::new(Mutex::new(Vec::new()));
        let to_gateway = Arc::new(Mutex::new(Vec::new()));
        let (up, down) = (to_host.clone(), to_gateway.clone());
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let Ok(host) = TcpStream::connect(upstream) else {
                    return;
                };
                pump(
                    client.try_clone().unwrap(),
                    host.try_clone().unwrap(),
                    up.clone(),
                );
                pump(host, client, down.clone());
            }
        });
        Relay {
            addr,
            to_host,
            to_gateway,
        }
    }

    fn to_host(&self) -> Vec<u8> {
        self.to_host.lock().unwrap().clone()
    }

    fn to_gateway(&self) -> Vec<u8> {
        self.to_gateway.lock().unwrap().clone()
    }
}

/// Copies `from` to `to` on a thread, recording each chunk in `seen` first.
fn pump(mut from: TcpStream, mut to: TcpStream, seen: Arc<Mutex<Vec<u8>>>) {
    thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    seen.lock().unwrap().extend_from_slice(&buf[..n]);
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}

/// `ferrule mock` serving the vehicle host with `framing`.
fn vehicle_mock(framing: &str) -> Mock {
    let mut cfg = sample_mock(false);
    keep_hosts(&mut cfg, &["vehicles"]);
    host_mut(&mut cfg, "vehicles").insert("framing".into(), framing.into());
    Mock::start(&cfg)
}

/// `ferrule serve` with its vehicle backend at `addr`, speaking `framing`.
fn vehicle_gateway(addr: SocketAddr, framing: &str) -> Gateway {
    let mut g = sample_gateway(&[("vehicles".to_string(), addr)]);
    backend_mut(&mut g, "vehicles").insert("framing".into(), framing.into());
    Gateway::start(&g)
}

/// The file spelling of a row for a record of `len` bytes (`fixed` needs the length).
fn file_framing(wire: &str, len: usize) -> String {
    if wire == "fixed" {
        format!("fixed:{len}")
    } else {
        wire.to_string()
    }
}

#[test]
fn every_registered_framing_has_a_row() {
    // A framing added to the registry without a row here would go unproven.
    let registered: BTreeSet<&str> = FRAMING_SPELLINGS.iter().copied().collect();
    let rows: BTreeSet<&str> = ROWS.iter().map(|(spelling, _)| *spelling).collect();
    assert_eq!(registered, rows);
    assert_eq!(ROWS.len(), FRAMING_SPELLINGS.len(), "one row per spelling");
}

#[test]
fn files_gateway_and_mock_write_and_read_the_same_frames() {
    let request = request_json();
    let request_line = format!("{request}\n");
    for (spelling, wire) in ROWS {
        let req_framing = file_framing(wire, 100);
        let rsp_framing = file_framing(wire, 400);

        // Files: the request record written and read back.
        let file = encode(REQ_CPY, &req_framing, request_line.as_bytes());
        let back = decode(REQ_CPY, &req_framing, &file);
        assert_eq!(back.len(), 1, "{spelling}: {back:?}");
        assert!(
            common::same_json(&back[0], &request),
            "{spelling}: {back:?}"
        );

        // The wire: gateway -> relay -> mock, both speaking this framing.
        let mock = vehicle_mock(wire);
        let relay = Relay::start(mock.addr("vehicles"));
        let gw = vehicle_gateway(relay.addr, wire);
        let r = gw.get("/v1/vehicles/AB12CDE");
        assert_eq!(r.status, 200, "{spelling}: {}", r.text());
        assert_eq!(r.json()["make"], "VAUXHALL", "{spelling}");

        // The gateway's request frame is the file's bytes.
        assert_eq!(relay.to_host(), file, "{spelling}: request frame");

        // The mock's answer is one frame files read, and write back byte for byte.
        let answer = relay.to_gateway();
        let records = decode(RSP_CPY, &rsp_framing, &answer);
        assert_eq!(records.len(), 1, "{spelling}: {records:?}");
        assert_eq!(records[0]["make"], "VAUXHALL", "{spelling}");
        let line = format!("{}\n", records[0]);
        let rewritten = encode(RSP_CPY, &rsp_framing, line.as_bytes());
        assert_eq!(rewritten, answer, "{spelling}: response frame");
    }
}

/// A len4 header one byte over the record limit.
fn over_limit_header() -> [u8; 4] {
    u32::try_from(DEFAULT_MAX_RECORD_LEN + 1)
        .unwrap()
        .to_be_bytes()
}

#[test]
fn the_record_limit_is_refused_by_files_gateway_and_mock_alike() {
    let limit = DEFAULT_MAX_RECORD_LEN.to_string();
    assert_eq!(DEFAULT_MAX_RECORD_LEN, 16 << 20);

    // Files: decode names the limit.
    let out = common::ferrule(
        &["decode", "-c", &copybook(RSP_CPY), "--framing", "len4"],
        &over_limit_header(),
    );
    assert!(!out.status.success());
    let err = common::stderr(&out);
    assert!(
        err.contains(&format!("exceeds the limit of {limit} bytes")),
        "{err}"
    );

    // The mock: a request announcing more than the limit is not waited for; the
    // connection is closed without an answer.
    let mock = vehicle_mock("len4");
    let mut s = mock.connect("vehicles");
    s.write_all(&over_limit_header()).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    assert!(answer.is_empty(), "{answer:?}");
    let log = wait_for("the mock to log the refusal", || {
        let log = mock.log();
        log.contains(&limit).then_some(log)
    });
    assert!(log.contains(&limit), "{log}");

    // The gateway: a host answering with more than the limit is the host's fault (502).
    let host = TcpListener::bind("127.0.0.1:0").unwrap();
    let host_addr = host.local_addr().unwrap();
    thread::spawn(move || {
        for conn in host.incoming() {
            let Ok(mut conn) = conn else { return };
            let mut req = [0u8; 104];
            if conn.read_exact(&mut req).is_ok() {
                let _ = conn.write_all(&over_limit_header());
            }
        }
    });
    let gw = vehicle_gateway(host_addr, "len4");
    let r = gw.get("/v1/vehicles/AB12CDE");
    assert_problem(&r, 502, "bad-backend-response");
    let log = gw.log_text();
    assert!(log.contains(&limit), "{log}");
}

#[test]
fn the_rdw_maximum_is_refused_when_writing_files() {
    // IBM's 32756 record bytes fill an RDW; one more is refused naming that maximum,
    // where a 4-byte length prefix takes it.
    let dir = tempfile::tempdir().unwrap();
    let cpy = dir.path().join("long.cpy");
    std::fs::write(
        &cpy,
        "       01  LONG-REC.\n           05  BODY PIC X(32757).\n",
    )
    .unwrap();
    let cpy = cpy.to_str().unwrap();
    let line = format!("{{\"body\":\"{}\"}}\n", "X".repeat(32757));
    let out = common::ferrule(&["encode", "-c", cpy, "--framing", "rdw"], line.as_bytes());
    assert!(!out.status.success());
    let err = common::stderr(&out);
    assert!(err.contains("exceeds the limit of 32756 bytes"), "{err}");
    let out = common::ferrule(&["encode", "-c", cpy, "--framing", "len4"], line.as_bytes());
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(out.stdout.len(), 4 + 32757);
}

#[test]
fn an_unknown_framing_is_refused_alike_by_files_backends_and_mock() {
    // Files.
    for cmd in ["encode", "decode"] {
        let out = common::ferrule(&[cmd, "-c", &copybook(REQ_CPY), "--framing", "len3"], b"");
        assert!(!out.status.success(), "{cmd}");
        let err = common::stderr(&out);
        assert!(err.contains("unknown framing \"len3\""), "{cmd}: {err}");
    }
    // A backend, as `ferrule check` reports it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferrule.toml");
    let mut g = sample_gateway(&[]);
    backend_mut(&mut g, "vehicles").insert("framing".into(), "len3".into());
    write_toml(&path, &g);
    let out = common::ferrule(&["check", "--config", path.to_str().unwrap()], b"");
    assert!(!out.status.success());
    let err = format!("{}{}", common::stderr(&out), common::stdout(&out));
    assert!(
        err.contains("framing") && err.contains("unknown framing \"len3\""),
        "{err}"
    );
    // A mock host.
    let mut cfg = sample_mock(false);
    keep_hosts(&mut cfg, &["vehicles"]);
    host_mut(&mut cfg, "vehicles").insert("framing".into(), "len3".into());
    let mpath = dir.path().join("mock.toml");
    write_toml(&mpath, &cfg);
    let out = common::ferrule(&["mock", "--config", mpath.to_str().unwrap()], b"");
    assert!(!out.status.success());
    let err = common::stderr(&out);
    assert!(err.contains("unknown framing \"len3\""), "{err}");
}
