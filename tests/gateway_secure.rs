//! `ferrule serve` with `[auth]` and `[audit]`: the real binary in front of `ferrule mock`,
//! real API keys and HS256 tokens signed here, 401/403/400/429, sensitive fields, one
//! audit line per call checked by `ferrule audit verify`, fail closed when the audit log
//! cannot be written, and no answered call missing from the log after `kill -9`.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use common::gateway::*;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use toml::Table;

/// HS256 secret of the test config (test-only, like every key here).
const SECRET: &str = "test-only-hs256-secret-0123456789abcdef";
const VEHICLE: &str = "/v1/vehicles/AB12CDE";

fn hash(key: &str) -> String {
    let out = common::ferrule(&["auth", "hash-key", key], b"");
    assert!(out.status.success(), "{}", common::stderr(&out));
    common::stdout(&out).trim().to_string()
}

/// The sample gateway with `[auth]`, `[audit]` at `audit`, the vehicle route secured and
/// a copy of it at `/v1/limited/{vrm}` with a burst of 2.
fn secured(hosts: &[(String, std::net::SocketAddr)], audit: &Path, extra_audit: &str) -> Table {
    let mut t = sample_gateway(hosts);
    let security: Table = format!(
        r#"
        [auth]
        [[auth.api_key]]
        id = "batch"
        hash = "{batch}"
        scopes = ["vehicles:read"]
        [[auth.api_key]]
        id = "desk"
        hash = "{desk}"
        scopes = ["vehicles:read", "keeper:read"]
        [[auth.api_key]]
        id = "nobody"
        hash = "{nobody}"
        [auth.jwt]
        audience = ["ferrule"]
        [[auth.jwt.key]]
        algorithms = ["HS256"]
        secret = "{SECRET}"
        [audit]
        path = "{audit}"
        {extra_audit}
        "#,
        batch = hash("k-batch"),
        desk = hash("k-desk"),
        nobody = hash("k-nobody"),
        audit = audit.display(),
    )
    .parse()
    .unwrap();
    t.extend(security);
    let route_auth: Table = r#"
        scopes = ["vehicles:read"]
        require_purpose = true
        purposes = ["CRIME", "TRAFFIC"]
        sensitive = [{ path = "keeper.keeper_name", scope = "keeper:read" }]
        "#
    .parse()
    .unwrap();
    let vehicles = route_mut(&mut t, "/v1/vehicles/{vrm}");
    vehicles.insert("auth".into(), route_auth.into());
    vehicles.insert("audit_keys".into(), vec!["vrm"].into());
    let mut limited = vehicles.clone();
    limited.insert("path".into(), "/v1/limited/{vrm}".into());
    if let Some(toml::Value::Table(a)) = limited.get_mut("auth") {
        a.insert(
            "rate_limit".into(),
            toml::Value::Table("per_second = 0.001\nburst = 2".parse::<Table>().unwrap()),
        );
    }
    add_route(&mut t, limited);
    t
}

fn jwt(scope: &str, exp_from_now: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let claims =
        json!({"sub": "pc1234", "aud": "ferrule", "exp": now + exp_from_now, "scope": scope});
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

fn call(g: &Gateway, path: &str, headers: &[(&str, &str)]) -> Reply {
    http(g.addr(), "GET", path, headers, b"")
}

fn audit_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn verify(path: &Path) {
    let out = common::ferrule(&["audit", "verify", path.to_str().unwrap()], b"");
    assert!(
        out.status.success(),
        "{}{}",
        common::stdout(&out),
        common::stderr(&out)
    );
}

#[test]
fn auth_purpose_scopes_sensitive_fields_rate_limits_and_audit() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let g = Gateway::start(&secured(&mock.hosts, &audit, ""));
    let mut calls = 0;
    let mut go = |path: &str, headers: &[(&str, &str)]| {
        calls += 1;
        call(&g, path, headers)
    };

    // No credentials: 401 with a challenge.
    let r = go(VEHICLE, &[("x-purpose", "CRIME")]);
    assert_problem(&r, 401, "unauthenticated");
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .starts_with("Bearer realm="));
    // An unknown API key, an expired token and one signed with another secret: 401.
    assert_problem(
        &go(VEHICLE, &[("x-api-key", "nope")]),
        401,
        "unauthenticated",
    );
    let expired = format!("Bearer {}", jwt("vehicles:read", -3600));
    let r = go(
        VEHICLE,
        &[("authorization", &expired), ("x-purpose", "CRIME")],
    );
    assert_problem(&r, 401, "unauthenticated");
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .contains("invalid_token"));
    let forged = encode(
        &Header::new(Algorithm::HS256),
        &json!({"sub": "x", "aud": "ferrule", "exp": 4_000_000_000u64, "scope": "vehicles:read"}),
        &EncodingKey::from_secret(b"another-secret-entirely-0123456789"),
    )
    .unwrap();
    let r = go(VEHICLE, &[("authorization", &format!("Bearer {forged}"))]);
    assert_problem(&r, 401, "unauthenticated");
    // Authenticated without the route's scope: 403, before the purpose is looked at.
    assert_problem(&go(VEHICLE, &[("x-api-key", "k-nobody")]), 403, "forbidden");
    let wrong_scope = format!("Bearer {}", jwt("nominals:read", 600));
    assert_problem(
        &go(VEHICLE, &[("authorization", &wrong_scope)]),
        403,
        "forbidden",
    );
    // Purpose missing or not on the list: 400.
    assert_problem(
        &go(VEHICLE, &[("x-api-key", "k-batch")]),
        400,
        "invalid-purpose",
    );
    let r = go(
        VEHICLE,
        &[("x-api-key", "k-batch"), ("x-purpose", "CURIOSITY")],
    );
    assert_problem(&r, 400, "invalid-purpose");

    // Allowed: the keeper's name is hidden from batch, shown to desk and to a token with keeper:read.
    let r = go(VEHICLE, &[("x-api-key", "k-batch"), ("x-purpose", "CRIME")]);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["vrm"], "AB12CDE");
    assert!(v["keeper"].get("keeper_name").is_none(), "{v}");
    assert!(v["keeper"].get("keeper_postcode").is_some(), "{v}");
    let r = go(
        VEHICLE,
        &[("x-api-key", "k-desk"), ("x-purpose", "TRAFFIC")],
    );
    assert_eq!(r.json()["keeper"]["keeper_name"], "MR DAFYDD JONES");
    let token = format!("Bearer {}", jwt("vehicles:read keeper:read", 600));
    let r = go(
        VEHICLE,
        &[("authorization", &token), ("x-purpose", "CRIME")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["keeper"]["keeper_name"], "MR DAFYDD JONES");

    // Rate limit: a burst of 2, then 429 with Retry-After (per principal: desk still passes).
    let limited = "/v1/limited/AB12CDE";
    let batch = [("x-api-key", "k-batch"), ("x-purpose", "CRIME")];
    assert_eq!(go(limited, &batch).status, 200);
    assert_eq!(go(limited, &batch).status, 200);
    let r = go(limited, &batch);
    assert_problem(&r, 429, "rate-limited");
    assert!(r.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
    let desk = [("x-api-key", "k-desk"), ("x-purpose", "CRIME")];
    assert_eq!(go(limited, &desk).status, 200);

    // Routes without an auth table still need a caller ([auth] require_auth defaults on).
    assert_problem(
        &go("/v1/nominals?surname=SMITH&forename=JOHN", &[]),
        401,
        "unauthenticated",
    );

    // Calls no route takes are audited too, without their path (it may hold a key).
    let desk = [("x-api-key", "k-desk")];
    assert_problem(&go("/v1/vehicle/ZZ99ZZZ", &desk), 404, "not-found");
    calls += 1;
    let r = g.request("DELETE", "/v1/vehicles/ZZ99ZZZ", &desk, b"");
    assert_problem(&r, 405, "method-not-allowed");

    // One audit line per call, every outcome, chained and verified.
    let lines = audit_lines(&audit);
    assert_eq!(lines.len(), calls);
    let unrouted: Vec<(&str, u64)> = lines[calls - 2..]
        .iter()
        .map(|l| (l["method"].as_str().unwrap(), l["status"].as_u64().unwrap()))
        .collect();
    assert_eq!(unrouted, [("GET", 404), ("DELETE", 405)]);
    assert!(lines[calls - 2..]
        .iter()
        .all(|l| l["route"] == "<unrouted>"));
    assert!(!std::fs::read_to_string(&audit).unwrap().contains("ZZ99ZZZ"));
    let statuses: Vec<u64> = lines
        .iter()
        .map(|l| l["status"].as_u64().unwrap())
        .collect();
    assert_eq!(&statuses[..4], [401, 401, 401, 401]);
    assert!(statuses.contains(&403) && statuses.contains(&400) && statuses.contains(&429));
    let ok = &lines[8];
    assert_eq!(ok["status"], 200);
    assert_eq!(ok["principal"], "batch");
    assert_eq!(ok["purpose"], "CRIME");
    assert_eq!(ok["route"], "/v1/vehicles/{vrm}");
    assert_eq!(ok["method"], "GET");
    assert_eq!(ok["keys"]["vrm"], "AB12CDE");
    assert!(ok["client_addr"]
        .as_str()
        .unwrap()
        .starts_with("127.0.0.1:"));
    assert!(ok["backend_ms"].is_number() && ok["latency_ms"].is_number());
    assert!(!ok["request_id"].as_str().unwrap().is_empty());
    assert_eq!(lines[10]["principal"], "pc1234");
    // The log never holds the payload (the keeper's name).
    assert!(!std::fs::read_to_string(&audit).unwrap().contains("DAFYDD"));
    verify(&audit);
}

#[test]
fn key_fields_are_hmaced_when_a_key_is_configured() {
    // CARGO_MANIFEST_DIR is set for every test process and inherited by the gateway.
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let g = Gateway::start(&secured(
        &mock.hosts,
        &audit,
        "hmac_key_env = \"CARGO_MANIFEST_DIR\"",
    ));
    let r = call(
        &g,
        VEHICLE,
        &[("x-api-key", "k-batch"), ("x-purpose", "CRIME")],
    );
    assert_eq!(r.status, 200);
    let lines = audit_lines(&audit);
    let vrm = lines[0]["keys"]["vrm"].as_str().unwrap();
    assert_eq!(vrm.len(), 64, "{vrm}");
    assert!(!std::fs::read_to_string(&audit).unwrap().contains("AB12CDE"));
}

#[test]
fn fails_closed_when_the_audit_line_cannot_be_written() {
    // Rotation onto a name that is taken by a directory: the rename fails, the log is
    // failed from then on, and every call is refused with 503 - never served unaudited.
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let g = Gateway::start(&secured(&mock.hosts, &audit, "rotate_bytes = 1500"));
    // Rotated files are named after their first seq, zero-padded to 12 digits.
    let taken = dir.path().join("audit.log.000000000001");
    std::fs::create_dir(&taken).unwrap();
    let headers = [("x-api-key", "k-batch"), ("x-purpose", "CRIME")];
    let mut answered = 0;
    let mut refused = false;
    for _ in 0..20 {
        let r = call(&g, VEHICLE, &headers);
        if r.status == 200 {
            assert!(!refused, "a 200 after the audit log failed");
            answered += 1;
        } else {
            assert_problem(&r, 503, "audit-unavailable");
            refused = true;
        }
    }
    assert!(refused, "the rotation never failed");
    // Refused for rejected calls too, and every answered call has its line.
    assert_problem(&call(&g, VEHICLE, &[]), 503, "audit-unavailable");
    assert_eq!(audit_lines(&audit).len(), answered);
    // The directory is not a rotated file of the chain; without it the log verifies.
    std::fs::remove_dir(&taken).unwrap();
    verify(&audit);
}

#[test]
fn no_answered_call_is_missing_after_kill_9() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let mut g = Gateway::start(&secured(&mock.hosts, &audit, ""));
    let addr = g.addr();
    let answered = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (answered, stop) = (answered.clone(), stop.clone());
            thread::spawn(move || {
                let headers = [("x-api-key", "k-batch"), ("x-purpose", "CRIME")];
                while !stop.load(Ordering::SeqCst) {
                    match try_http(addr, "GET", VEHICLE, &headers, b"") {
                        Ok(r) if r.status == 200 => {
                            answered.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(r) => panic!("{} {}", r.status, r.text()),
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    wait_for("some answers", || {
        (answered.load(Ordering::SeqCst) >= 200).then_some(())
    });
    g.signal(Signal::KILL);
    g.wait_exit();
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.join().unwrap();
    }
    let lines = audit_lines(&audit);
    let answered = answered.load(Ordering::SeqCst);
    assert!(
        lines.len() >= answered,
        "{} lines for {answered} answers",
        lines.len()
    );
    verify(&audit);
}

#[test]
fn reload_rebuilds_the_rules_and_keeps_one_audit_writer() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let mut cfg = secured(&mock.hosts, &audit, "");
    let g = Gateway::start(&cfg);
    let curious = [("x-api-key", "k-batch"), ("x-purpose", "CURIOSITY")];
    assert_problem(&call(&g, VEHICLE, &curious), 400, "invalid-purpose");
    let mut calls = 1;
    // A new purpose code on the route: after SIGHUP the new rule applies, and its calls
    // go on through the same audit log (one writer, one unbroken chain).
    let auth = route_mut(&mut cfg, "/v1/vehicles/{vrm}")
        .get_mut("auth")
        .and_then(|a| a.as_table_mut())
        .unwrap();
    auth.insert("purposes".into(), vec!["CRIME", "CURIOSITY"].into());
    g.rewrite(&cfg);
    g.signal(Signal::HUP);
    wait_for("the reloaded rules", || {
        calls += 1;
        (call(&g, VEHICLE, &curious).status == 200).then_some(())
    });
    let lines = audit_lines(&audit);
    assert_eq!(lines.len(), calls);
    // One chain: seq runs 1..=calls without a restart at 1.
    let seqs: Vec<u64> = lines.iter().map(|l| l["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=calls as u64).collect::<Vec<_>>());
    verify(&audit);
}

#[test]
fn hash_key_reads_the_argument_or_stdin() {
    // sha256("abc"), the FIPS 180-2 example.
    let want = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assert_eq!(hash("abc"), want);
    let out = common::ferrule(&["auth", "hash-key"], b"abc\n");
    assert_eq!(common::stdout(&out).trim(), want);
    // An empty key is refused.
    assert!(!common::ferrule(&["auth", "hash-key"], b"\n")
        .status
        .success());
}

#[test]
fn the_secure_sample_config_checks_clean() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["check", "--config"])
        .arg(common::repo().join("samples/secure/ferrule.toml"))
        .env(
            "FERRULE_JWT_SECRET",
            "test-only-hs256-secret-do-not-use-0123456789",
        )
        .env("FERRULE_AUDIT_HMAC_KEY", "test-only-audit-hmac-key")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    // Without the secret's variable, the problem is named with its config path.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["check", "--config"])
        .arg(common::repo().join("samples/secure/ferrule.toml"))
        .env_remove("FERRULE_JWT_SECRET")
        .env_remove("FERRULE_AUDIT_HMAC_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = common::stderr(&out);
    assert!(err.contains("audit.hmac_key_env"), "{err}");
    assert!(err.contains("auth.jwt"), "{err}");
}
