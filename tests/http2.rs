//! HTTP/2 beside HTTP/1.1 through the real `ferrule serve`, with a real HTTP/2 client
//! (curl, built with nghttp2): h2 over TLS chosen by ALPN, h2c by prior knowledge when
//! `[server] h2c = true`; the same answers, problems and limits as HTTP/1.1.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::gateway::*;
use common::pki::pki;
use toml::Table;

const VEHICLE: &str = "/v1/vehicles/AB12CDE";

/// curl's answer: (HTTP version, status, body).
fn curl(args: &[&str], url: &str) -> (String, u16, String) {
    let out = Command::new("curl")
        .args(["-sS", "-w", "\n%{http_version} %{http_code}"])
        .args(args)
        .arg(url)
        .output()
        .expect("curl (Debian's, with HTTP/2)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, tail) = text.rsplit_once('\n').unwrap_or_default();
    let (version, status) = tail.split_once(' ').unwrap_or_default();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        version.to_string(),
        status.parse().unwrap(),
        body.to_string(),
    )
}

#[test]
fn h2_over_tls_by_alpn_answers_as_http1_does() {
    let dir = pki();
    let m = vehicle_mock();
    let mut t = sample_gateway(&m.hosts);
    let tls: Table = format!(
        "cert = \"{}\"\nkey = \"{}\"",
        dir.path().join("server.pem").display(),
        dir.path().join("server.key").display()
    )
    .parse()
    .unwrap();
    server_mut(&mut t).insert("tls".into(), tls.into());
    let g = Gateway::start(&t);
    let ca = dir.path().join("ca.pem").display().to_string();
    let base = format!("https://127.0.0.1:{}", g.port);
    let h1 = curl(&["--http1.1", "--cacert", &ca], &format!("{base}{VEHICLE}"));
    let h2 = curl(&["--http2", "--cacert", &ca], &format!("{base}{VEHICLE}"));
    assert_eq!(h1.0, "1.1");
    assert_eq!(h2.0, "2", "ALPN chose HTTP/2");
    assert_eq!((h1.1, &h1.2), (h2.1, &h2.2), "the same answer both ways");
    assert_eq!(h2.1, 200);
    // A problem is the same document too.
    let bad = format!("{base}/v1/vehicles/TOO-LONG-FOR-THE-FIELD");
    let (p1, p2) = (
        curl(&["--http1.1", "--cacert", &ca], &bad),
        curl(&["--http2", "--cacert", &ca], &bad),
    );
    assert_eq!(p2.0, "2");
    assert_eq!(p1.1, p2.1);
    assert!(p2.2.contains("invalid-request"), "{}", p2.2);
}

#[test]
fn h2c_by_prior_knowledge_only_when_configured() {
    let m = vehicle_mock();
    let mut t = sample_gateway(&m.hosts);
    server_mut(&mut t).insert("h2c".into(), true.into());
    let g = Gateway::start(&t);
    let url = format!("http://127.0.0.1:{}{VEHICLE}", g.port);
    let h1 = curl(&["--http1.1"], &url);
    let h2 = curl(&["--http2-prior-knowledge"], &url);
    assert_eq!((h1.0.as_str(), h2.0.as_str()), ("1.1", "2"));
    assert_eq!((h1.1, &h1.2), (h2.1, &h2.2));
    // Without h2c a plain listener speaks HTTP/1.1 only: the HTTP/2 preface is refused.
    let plain = Gateway::start(&sample_gateway(&m.hosts));
    let out = Command::new("curl")
        .args(["-sS", "--http2-prior-knowledge", "-o", "/dev/null"])
        .arg(format!("http://127.0.0.1:{}{VEHICLE}", plain.port))
        .output()
        .unwrap();
    assert!(!out.status.success(), "h2c answered without h2c = true");
    assert_eq!(
        curl(&[], &format!("http://127.0.0.1:{}{VEHICLE}", plain.port)).1,
        200
    );
}
