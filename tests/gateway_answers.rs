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

#[test]
fn json_bodies_end_with_a_newline() {
    // Success, problem+json, health and the API description: each ends its line, and
    // Content-Length counts the newline.
    let mock = Mock::start(&sample_mock(false));
    let g = Gateway::start(&sample_gateway(&mock.hosts));
    for (path, status) in [
        ("/v1/vehicles/AB12CDE", 200),
        ("/v1/no/such/route", 404),
        ("/healthz", 200),
        ("/openapi.json", 200),
    ] {
        let r = g.get(path);
        assert_eq!(r.status, status, "{path}: {}", r.text());
        assert_eq!(r.body.last(), Some(&b'\n'), "{path}: {}", r.text());
        assert_ne!(r.body.get(r.body.len() - 2), Some(&b'\n'), "{path}");
        let len: usize = r.header("content-length").unwrap().parse().unwrap();
        assert_eq!(len, r.body.len(), "{path}");
        serde_json::from_slice::<Value>(&r.body).unwrap();
    }
}

#[test]
fn a_detail_field_not_in_the_response_is_a_config_problem() {
    let mut t = sample_gateway(&[]);
    let status = route_mut(&mut t, "/v1/vehicles/{vrm}")
        .get_mut("status")
        .and_then(|s| s.as_table_mut())
        .unwrap();
    status.insert("detail_field".into(), "no_such_field".into());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferrule.toml");
    write_toml(&path, &t);
    let out = common::ferrule(&["check", "--config", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(err.contains("status.detail_field"), "{err}");
    assert!(err.contains("no_such_field"), "{err}");
}

#[test]
fn a_vehicle_not_found_is_a_problem_with_the_hosts_message() {
    // The sample config as shipped (and as the demo embeds it): ZZ99ZZZ is unknown.
    let mock = Mock::start(&sample_mock(false));
    let g = Gateway::start(&sample_gateway(&mock.hosts));
    let r = g.get("/v1/vehicles/ZZ99ZZZ");
    let p = assert_problem(&r, 404, "host-error");
    assert_eq!(p["title"], "Not Found");
    assert_eq!(p["detail"], "NO RECORD FOR VRM");
}

/// The sample gateway with the vehicle route's `drop_empty_occurs` set to `drop`.
fn vehicles_dropping(hosts: &[(String, std::net::SocketAddr)], drop: Option<bool>) -> Table {
    let mut t = sample_gateway(hosts);
    if let Some(drop) = drop {
        route_mut(&mut t, "/v1/vehicles/{vrm}").insert("drop_empty_occurs".into(), drop.into());
    }
    t
}

#[test]
fn trailing_empty_table_slots_are_dropped_unless_the_route_keeps_them() {
    // AB12CDE has one report in REPORTS OCCURS 3; SMITH's first match has two markers
    // in WARNING-MARKERS OCCURS 6 (inside the ODO table of matches).
    let mock = Mock::start(&sample_mock(false));
    let g = Gateway::start(&vehicles_dropping(&mock.hosts, None));
    let v = g.get("/v1/vehicles/AB12CDE").json();
    assert_eq!(v["reports"].as_array().map(Vec::len), Some(1), "{v}");
    let n = g.get("/v1/nominals?surname=SMITH&forename=JOHN").json();
    assert_eq!(
        n["matches"][0]["warning_markers"],
        serde_json::json!(["VI", "WE"])
    );
    // The API description allows the shorter table (no minItems on a fixed table).
    let doc = g.get("/openapi.json").json();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let reports = schemas
        .values()
        .find_map(|s| s["properties"].get("reports"))
        .unwrap();
    assert!(reports.get("minItems").is_none(), "{reports}");
    assert_eq!(reports["maxItems"], 3);
    drop(g);
    // `drop_empty_occurs = false`: every slot, blank ones too.
    let g = Gateway::start(&vehicles_dropping(&mock.hosts, Some(false)));
    let v = g.get("/v1/vehicles/AB12CDE").json();
    assert_eq!(v["reports"].as_array().map(Vec::len), Some(3), "{v}");
    assert_eq!(v["reports"][1]["report_type"], "");
}
