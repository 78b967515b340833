//! Hardening of `ferrule serve`'s listener, on the real binary over raw sockets: slow
//! clients cut off at `header_read_timeout_ms` while others are served, oversized heads
//! refused with 431, `max_connections` holding further clients in the backlog, CORS
//! preflights answered only when configured, and random bytes never bringing it down.
//! Timeouts here only keep a broken test from hanging; none decides a pass.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use common::gateway::{http, sample_gateway, server_mut, try_http, Gateway, PATIENCE};
use toml::Table;

/// The sample gateway (no hosts needed: /healthz is answered by the gateway itself) with
/// `[server]` keys set.
fn gateway(server: &[(&str, toml::Value)]) -> Gateway {
    let mut t = sample_gateway(&[]);
    for (k, v) in server {
        server_mut(&mut t).insert((*k).into(), v.clone());
    }
    Gateway::start(&t)
}

/// Reads one response on a keep-alive connection: the head, then `Content-Length` bytes.
fn read_response(s: &mut TcpStream) -> std::io::Result<String> {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte)? == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        raw.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&raw).into_owned();
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body)?;
    Ok(head + &String::from_utf8_lossy(&body))
}

fn keep_alive_get(addr: SocketAddr, path: &str) -> (TcpStream, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let got = read_response(&mut s).unwrap();
    (s, got)
}

/// Whether the server closed `s` (EOF or reset) within [`PATIENCE`]; any answer bytes
/// it sent first are read and dropped.
fn closed_by_server(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut buf = [0u8; 512];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn slowloris_clients_are_cut_off_while_others_are_served() {
    // 1 s to send a request head; 10 clients dribble one byte every 500 ms and never
    // finish. Each is disconnected, and meanwhile ordinary calls are answered.
    let g = gateway(&[("header_read_timeout_ms", 1000.into())]);
    let addr = g.addr();
    const SLOW: usize = 10;
    let started = Arc::new(Barrier::new(SLOW + 1));
    let slow: Vec<_> = (0..SLOW)
        .map(|_| {
            let started = started.clone();
            thread::spawn(move || {
                let mut s = TcpStream::connect(addr).unwrap();
                // The read timeout is the pause between bytes.
                s.set_read_timeout(Some(Duration::from_millis(500)))
                    .unwrap();
                let head = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ");
                let mut bytes = head.bytes().chain(std::iter::repeat(b'a'));
                s.write_all(&[bytes.next().unwrap()]).unwrap();
                started.wait();
                let begin = Instant::now();
                let mut buf = [0u8; 512];
                while begin.elapsed() < PATIENCE {
                    match s.read(&mut buf) {
                        Ok(0) => return true,
                        // Whatever the server says, it must be no answer to the call.
                        Ok(n) => assert!(!String::from_utf8_lossy(&buf[..n]).contains("200")),
                        Err(e)
                            if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                        Err(_) => return true,
                    }
                    if s.write_all(&[bytes.next().unwrap()]).is_err() {
                        return true;
                    }
                }
                false
            })
        })
        .collect();
    started.wait();
    // The attack is under way: ordinary calls on fresh connections are still answered.
    for _ in 0..20 {
        assert_eq!(g.get("/healthz").status, 200);
    }
    for t in slow {
        assert!(t.join().unwrap(), "a slow client was never cut off");
    }
    assert_eq!(g.get("/healthz").status, 200);
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    // hyper restarts the header timer when a connection goes idle: no separate idle
    // timeout is needed to free connections nobody uses.
    let g = gateway(&[("header_read_timeout_ms", 500.into())]);
    let (mut s, got) = keep_alive_get(g.addr(), "/healthz");
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
    assert!(closed_by_server(&mut s));
}

#[test]
fn oversized_request_heads_are_refused_with_431() {
    // max_header_bytes = 4096: a 5000-byte header gets 431; a 3000-byte one is served.
    let g = gateway(&[("max_header_bytes", 4096.into())]);
    let big = "a".repeat(5000);
    let r = try_http(g.addr(), "GET", "/healthz", &[("X-Big", &big)], b"").unwrap();
    assert_eq!(r.status, 431);
    let fits = "a".repeat(3000);
    let r = http(g.addr(), "GET", "/healthz", &[("X-Big", &fits)], b"");
    assert_eq!(r.status, 200);
    // More than 100 header fields (hyper's fixed limit) is refused the same way.
    let names: Vec<String> = (0..120).map(|i| format!("X-H{i}")).collect();
    let many: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "1")).collect();
    let r = try_http(g.addr(), "GET", "/healthz", &many, b"").unwrap();
    assert_eq!(r.status, 431);
}

#[test]
fn beyond_max_connections_a_client_waits_until_one_closes() {
    // max_connections = 5: five keep-alive connections are served and held open; a
    // sixth connects (the kernel backlog takes it) but is not served until one of the
    // five closes, then it is.
    let g = gateway(&[
        ("max_connections", 5.into()),
        ("header_read_timeout_ms", 60_000.into()),
    ]);
    let mut held: Vec<TcpStream> = (0..5)
        .map(|_| {
            let (s, got) = keep_alive_get(g.addr(), "/healthz");
            assert!(got.starts_with("HTTP/1.1 200"), "{got}");
            s
        })
        .collect();
    let mut sixth = TcpStream::connect(g.addr()).unwrap();
    write!(
        sixth,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    sixth
        .set_read_timeout(Some(Duration::from_millis(1000)))
        .unwrap();
    let mut buf = [0u8; 64];
    match sixth.read(&mut buf) {
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        other => panic!("the sixth connection was served or closed: {other:?}"),
    }
    // The held ones still work.
    write!(held[0], "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert!(read_response(&mut held[0])
        .unwrap()
        .starts_with("HTTP/1.1 200"));
    drop(held.pop());
    sixth.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut raw = Vec::new();
    sixth.read_to_end(&mut raw).unwrap();
    let got = String::from_utf8_lossy(&raw);
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
}

fn preflight(addr: SocketAddr, origin: &str) -> common::gateway::Reply {
    http(
        addr,
        "OPTIONS",
        "/v1/vehicles/AB12CDE",
        &[
            ("Origin", origin),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "authorization"),
        ],
        b"",
    )
}

#[test]
fn cors_preflight_is_answered_only_when_configured() {
    let mut cors = Table::new();
    cors.insert(
        "allow_origins".into(),
        toml::Value::Array(vec!["https://app.example".into()]),
    );
    cors.insert("max_age_secs".into(), 120.into());
    let g = gateway(&[("cors", toml::Value::Table(cors))]);
    let r = preflight(g.addr(), "https://app.example");
    assert!(r.status < 300, "{r:?}");
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    assert!(r
        .header("access-control-allow-methods")
        .unwrap()
        .contains("GET"));
    assert!(r
        .header("access-control-allow-headers")
        .unwrap()
        .contains("authorization"));
    assert_eq!(r.header("access-control-max-age"), Some("120"));
    // An origin not listed is not allowed; an ordinary call carries the header too.
    let r = preflight(g.addr(), "https://evil.example");
    assert_eq!(r.header("access-control-allow-origin"), None);
    let r = http(
        g.addr(),
        "GET",
        "/healthz",
        &[("Origin", "https://app.example")],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.example")
    );

    // Without [server.cors]: no CORS headers at all.
    let plain = gateway(&[]);
    let r = preflight(plain.addr(), "https://app.example");
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_eq!(r.header("access-control-allow-methods"), None);
}

#[test]
fn a_bad_cors_config_is_refused_by_check() {
    // An origin with a path and `*` mixed with others are both named.
    let dir = tempfile::tempdir().unwrap();
    let mut t = sample_gateway(&[]);
    let mut cors = Table::new();
    cors.insert(
        "allow_origins".into(),
        toml::Value::Array(vec!["https://a.example/path".into(), "*".into()]),
    );
    server_mut(&mut t).insert("cors".into(), toml::Value::Table(cors));
    server_mut(&mut t).insert("max_connections".into(), 0.into());
    let path = dir.path().join("ferrule.toml");
    common::gateway::write_toml(&path, &t);
    let out = common::ferrule(&["check", "--config", path.to_str().unwrap()], b"");
    assert!(!out.status.success());
    let err = common::stderr(&out) + &common::stdout(&out);
    assert!(err.contains("server.cors.allow_origins"), "{err}");
    assert!(err.contains("server.max_connections"), "{err}");
}

/// xorshift64*: reproducible noise without a dependency.
fn noise(state: &mut u64, n: usize) -> Vec<u8> {
    (0..n)
        .map(|_| {
            *state ^= *state >> 12;
            *state ^= *state << 25;
            *state ^= *state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

#[test]
fn random_bytes_never_bring_the_server_down() {
    // Pure noise, noise after a valid request line, noise after a full head with a
    // body length, and broken chunked bodies: the server answers or closes each
    // connection, and keeps serving.
    let mut g = gateway(&[("header_read_timeout_ms", 1000.into())]);
    let addr = g.addr();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let prefixes: [&[u8]; 5] = [
        b"",
        b"GET /v1/vehicles/",
        b"POST /v1/nominals/search HTTP/1.1\r\nHost: x\r\n",
        b"POST /v1/nominals/search HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\nContent-Type: application/json\r\n\r\n",
        b"POST /v1/nominals/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
    ];
    for i in 0..150 {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        let len = 1 + (i * 37) % 700;
        let mut bytes = prefixes[i % prefixes.len()].to_vec();
        bytes.extend(noise(&mut seed, len));
        let _ = s.write_all(&bytes);
        let _ = s.shutdown(std::net::Shutdown::Write);
        // An answer or a close: either is fine, a hang is not.
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
        if !sink.is_empty() {
            let text = String::from_utf8_lossy(&sink);
            assert!(text.starts_with("HTTP/1.1 "), "{text}");
            assert!(!text.starts_with("HTTP/1.1 500"), "{text}");
        }
    }
    assert!(g.running());
    assert_eq!(g.get("/healthz").status, 200);
}
