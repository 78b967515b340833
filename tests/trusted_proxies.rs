//! The caller's address behind a load balancer, end to end: `[server] trusted_proxies`
//! decides whether `X-Forwarded-For` / `Forwarded` name the caller, for the per-caller
//! rate limit and the audit line. The test itself is the "proxy" on 127.0.0.1.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::gateway::*;
use serde_json::Value;
use toml::Table;

const VEHICLE: &str = "/v1/vehicles/AB12CDE";

/// The sample gateway, audited to `audit`, its vehicle route open but limited to one
/// call per caller (per address: callers are anonymous), trusting `trusted`.
fn gateway(mock: &Mock, audit: &Path, trusted: &[&str]) -> Gateway {
    let mut t = sample_gateway(&mock.hosts);
    // An [auth] section (routes may then be open or not); the vehicle route is open.
    let audit_table: Table = format!(
        "[auth]\n[[auth.api_key]]\nid = \"unused\"\nhash = \"sha256:{}\"\n[audit]\npath = \"{}\"",
        "0".repeat(64),
        audit.display()
    )
    .parse()
    .unwrap();
    t.extend(audit_table);
    server_mut(&mut t).insert(
        "trusted_proxies".into(),
        trusted
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into(),
    );
    let auth: Table = "require_auth = false\nrate_limit = { per_second = 0.001, burst = 1 }"
        .parse()
        .unwrap();
    route_mut(&mut t, "/v1/vehicles/{vrm}").insert("auth".into(), auth.into());
    Gateway::start(&t)
}

fn call(g: &Gateway, headers: &[(&str, &str)]) -> u16 {
    http(g.addr(), "GET", VEHICLE, headers, b"").status
}

fn audited_clients(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["client_addr"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn behind_a_trusted_proxy_each_forwarded_caller_has_its_own_limit_and_audit_address() {
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let m = vehicle_mock();
    let g = gateway(&m, &audit, &["127.0.0.1", "10.0.0.0/8"]);
    let a = [("X-Forwarded-For", "203.0.113.7, 10.1.2.3")];
    let b = [("Forwarded", "for=\"[2001:db8::9]:4711\";proto=https")];
    assert_eq!(call(&g, &a), 200, "{}", g.log_text());
    assert_eq!(call(&g, &a), 429, "the same caller: one call allowed");
    assert_eq!(call(&g, &b), 200, "another caller behind the same proxy");
    assert_eq!(call(&g, &b), 429);
    let clients = audited_clients(&audit);
    assert_eq!(
        clients,
        ["203.0.113.7", "203.0.113.7", "2001:db8::9", "2001:db8::9"]
    );
}

#[test]
fn forwarding_headers_from_an_untrusted_peer_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let m = vehicle_mock();
    // The test connects from 127.0.0.1, which is not in the list.
    let g = gateway(&m, &audit, &["10.0.0.0/8"]);
    assert_eq!(call(&g, &[("X-Forwarded-For", "203.0.113.7")]), 200);
    // A different claimed address does not buy a second call: the peer is the caller.
    assert_eq!(call(&g, &[("X-Forwarded-For", "203.0.113.8")]), 429);
    let clients = audited_clients(&audit);
    assert_eq!(clients.len(), 2);
    assert!(
        clients.iter().all(|c| c.starts_with("127.0.0.1:")),
        "{clients:?}"
    );
}

#[test]
fn check_names_a_bad_trusted_proxy_entry() {
    let mut t = sample_gateway(&[]);
    server_mut(&mut t).insert(
        "trusted_proxies".into(),
        vec!["10.0.0.0/8".to_string(), "lb.example".to_string()].into(),
    );
    let err = check_refused(&t);
    assert!(
        err.contains("server.trusted_proxies[1]: `lb.example`: expected an address or a network"),
        "{err}"
    );
}
