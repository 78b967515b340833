//! A backend's `blank_numbers` end to end: the real `ferrule serve` in front of
//! `ferrule mock`, whose vehicle record leaves its zoned MOT-EXPIRY and packed
//! ESTIMATED-VALUE blank (the mock host, set to `null`, writes JSON nulls as spaces).
//! By default blanks are the host's fault (502, problem+json); under `null` the answer
//! holds nulls and the OpenAPI document says those fields may be null.
#![allow(clippy::unwrap_used)]

mod common;

use common::gateway::*;

const VEHICLE: &str = "/v1/vehicles/AB12CDE";

fn pair(blank: Option<&str>, dir: &std::path::Path) -> (Mock, Gateway) {
    let sample = std::fs::read_to_string(samples().join("vehicles.jsonl")).unwrap();
    let first = sample.lines().next().unwrap();
    assert!(first.contains("\"estimated_value\":3250.00"), "{first}");
    assert!(first.contains("\"mot_expiry\":20250228"), "{first}");
    let records = dir.join("vehicles.jsonl");
    let blanked = first
        .replace("\"estimated_value\":3250.00", "\"estimated_value\":null")
        .replace("\"mot_expiry\":20250228", "\"mot_expiry\":null");
    std::fs::write(&records, blanked).unwrap();
    let mut cfg = sample_mock(false);
    keep_hosts(&mut cfg, &["vehicles"]);
    let host = host_mut(&mut cfg, "vehicles");
    host.insert("records".into(), records.display().to_string().into());
    host.insert("blank_numbers".into(), "null".into());
    let mock = Mock::start(&cfg);
    let mut g = sample_gateway(&mock.hosts);
    if let Some(b) = blank {
        backend_mut(&mut g, "vehicles").insert("blank_numbers".into(), b.into());
    }
    (mock, Gateway::start(&g))
}

#[test]
fn blank_numbers_are_the_hosts_fault_by_default() {
    let dir = tempfile::tempdir().unwrap();
    for blank in [None, Some("error")] {
        let (_mock, gw) = pair(blank, dir.path());
        let r = gw.get(VEHICLE);
        assert_eq!(r.status, 502, "{blank:?}: {}", r.text());
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
    }
}

#[test]
fn blank_numbers_null_answers_null_and_says_so_in_openapi() {
    let dir = tempfile::tempdir().unwrap();
    let (_mock, gw) = pair(Some("null"), dir.path());
    let r = gw.get(VEHICLE);
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert!(body["estimated_value"].is_null(), "{body}");
    assert!(body["mot_expiry"].is_null(), "{body}");
    assert_eq!(body["mileage"], 84211);
    let doc = gw.get("/openapi.json").json();
    let props = &doc["components"]["schemas"]["GetV1VehiclesByVrmResponse"]["properties"];
    // The blank-able numbers may be null; binary MILEAGE has no blank.
    let null_ok = serde_json::json!(["number", "null"]);
    assert_eq!(props["estimated_value"]["type"], null_ok, "{props}");
    assert_eq!(
        props["mot_expiry"]["type"],
        serde_json::json!(["integer", "null"])
    );
    assert_eq!(props["mileage"]["type"], "integer");
}

#[test]
fn an_unknown_blank_numbers_is_named_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = sample_gateway(&[]);
    backend_mut(&mut t, "vehicles").insert("blank_numbers".into(), "spaces".into());
    let path = dir.path().join("ferrule.toml");
    write_toml(&path, &t);
    let out = common::ferrule(&["check", "--config", path.to_str().unwrap()], b"");
    assert!(!out.status.success());
    let err = common::stderr(&out) + &common::stdout(&out);
    assert!(
        err.contains("`spaces`: expected error, null or zero"),
        "{err}"
    );
}
