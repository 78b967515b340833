//! The shape of what `ferrule serve` answers, end to end against `ferrule mock`: the
//! operator's `/favicon.ico`, problem+json for mapped host errors, trailing empty OCCURS
//! dropped, and JSON bodies that end with a newline.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::gateway::*;
use serde_json::Value;
use toml::Table;

/// The sample gateway with an `[audit]` log at `audit`.
fn audited(hosts: &[(String, std::net::SocketAddr)], audit: &Path) -> Table {
    let mut t = sample_gateway(hosts);
    let mut a = Table::new();
    a.insert("path".into(), audit.display().to_string().into());
    t.insert("audit".into(), a.into());
    t
}

fn audit_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn favicon_is_204_and_not_audited() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let g = Gateway::start(&audited(&mock.hosts, &audit));
    let r = g.get("/favicon.ico");
    assert_eq!(r.status, 204, "{}", r.text());
    assert!(r.body.is_empty());
    // A routed call is audited; the favicon is not (nor a 404 of it).
    assert_eq!(g.get("/v1/vehicles/AB12CDE").status, 200);
    let lines = audit_lines(&audit);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["route"], "/v1/vehicles/{vrm}");
}
