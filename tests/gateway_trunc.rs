//! A backend's `trunc` end to end: the real `ferrule serve` in front of `ferrule mock`,
//! whose vehicle record holds a mileage beyond its PIC (12345678 in `PIC 9(7) COMP`, as a
//! host compiled with TRUNC(BIN) may store it). Under `trunc = "bin"` (the default) the
//! gateway answers it exactly; under `std` the answer is the host's fault (502,
//! problem+json) and the value never reaches the client.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use common::gateway::*;

const VEHICLE: &str = "/v1/vehicles/AB12CDE";

/// The vehicle host serving one record with an eight-digit mileage, and the sample
/// gateway in front of it with the vehicle backend's `trunc` set (or left to default).
fn pair(trunc: Option<&str>, dir: &std::path::Path) -> (Mock, Gateway) {
    let sample = std::fs::read_to_string(samples().join("vehicles.jsonl")).unwrap();
    let first = sample.lines().next().unwrap();
    assert!(first.contains("\"mileage\":84211"), "{first}");
    let records = dir.join("vehicles.jsonl");
    std::fs::write(&records, first.replace("84211", "12345678")).unwrap();
    let mut cfg = sample_mock(false);
    keep_hosts(&mut cfg, &["vehicles"]);
    host_mut(&mut cfg, "vehicles").insert("records".into(), records.display().to_string().into());
    let mock = Mock::start(&cfg);
    let mut g = sample_gateway(&mock.hosts);
    if let Some(t) = trunc {
        backend_mut(&mut g, "vehicles").insert("trunc".into(), t.into());
    }
    (mock, Gateway::start(&g))
}

#[test]
fn trunc_bin_answers_a_binary_value_beyond_its_pic_exactly() {
    let dir = tempfile::tempdir().unwrap();
    for trunc in [None, Some("bin")] {
        let (_mock, gw) = pair(trunc, dir.path());
        let r = gw.get(VEHICLE);
        assert_eq!(r.status, 200, "{trunc:?}: {}", r.text());
        assert_eq!(r.json()["mileage"], 12345678);
    }
}

#[test]
fn trunc_std_refuses_it_as_the_hosts_fault() {
    let dir = tempfile::tempdir().unwrap();
    for trunc in ["std", "opt"] {
        let (_mock, gw) = pair(Some(trunc), dir.path());
        let r = gw.get(VEHICLE);
        assert_eq!(r.status, 502, "{trunc}: {}", r.text());
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        assert!(!r.text().contains("12345678"), "{}", r.text());
    }
}

#[test]
fn an_unknown_trunc_is_named_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = sample_gateway(&[]);
    backend_mut(&mut t, "vehicles").insert("trunc".into(), "sometimes".into());
    let path = dir.path().join("ferrule.toml");
    write_toml(&path, &t);
    let out = common::ferrule(&["check", "--config", path.to_str().unwrap()], b"");
    assert!(!out.status.success());
    let err = common::stderr(&out) + &common::stdout(&out);
    assert!(err.contains("trunc"), "{err}");
    assert!(
        err.contains("`sometimes`: expected bin, std or opt"),
        "{err}"
    );
}
