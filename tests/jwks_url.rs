//! JWT keys from a JWKS URL, end to end: the real `ferrule serve` against a local HTTPS
//! identity provider (rustls, a CA made here) whose key set the test rotates, takes down
//! and floods with unknown kids. Tokens are ES256, signed with keys made here.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::gateway::*;
use common::idp::*;
use toml::Table;

const VEHICLE: &str = "/v1/vehicles/AB12CDE";

/// The sample gateway whose vehicle route needs a JWT with `vehicles:read`, keys from
/// the IdP's JWKS URL.
fn gateway(mock: &Mock, dir: &Path, idp: &Idp, refresh_secs: u64, cooldown_secs: u64) -> Gateway {
    let mut t = sample_gateway(&mock.hosts);
    let auth: Table = format!(
        r#"
        [auth.jwt]
        audience = ["ferrule"]
        [[auth.jwt.key]]
        algorithms = ["ES256"]
        jwks_url = "https://localhost:{port}/jwks.json"
        jwks_ca = "{ca}"
        jwks_refresh_secs = {refresh_secs}
        jwks_cooldown_secs = {cooldown_secs}
        "#,
        port = idp.port,
        ca = dir.join("idp-ca.pem").display(),
    )
    .parse()
    .unwrap();
    t.extend(auth);
    let route_auth: Table = "scopes = [\"vehicles:read\"]".parse().unwrap();
    route_mut(&mut t, "/v1/vehicles/{vrm}").insert("auth".into(), route_auth.into());
    Gateway::start(&t)
}

fn call(g: &Gateway, token: &str) -> u16 {
    let bearer = format!("Bearer {token}");
    http(g.addr(), "GET", VEHICLE, &[("Authorization", &bearer)], b"").status
}

#[test]
fn keys_rotate_at_the_idp_without_a_refused_call() {
    let dir = tempfile::tempdir().unwrap();
    let (k1, k2) = (signing_key("k1"), signing_key("k2"));
    let idp = Idp::start(dir.path(), Answer::Keys(jwks(&[&k1])));
    let m = vehicle_mock();
    // A long scheduled refresh: only unknown kids fetch again here.
    let g = gateway(&m, dir.path(), &idp, 3600, 1);
    // The first token fetches the set (nothing is fetched at start-up).
    assert_eq!(call(&g, &token(&k1)), 200, "{}", g.log_text());
    assert_eq!(idp.fetches(), 1);
    // Cached and known: no more fetches.
    for _ in 0..5 {
        assert_eq!(call(&g, &token(&k1)), 200);
    }
    assert_eq!(idp.fetches(), 1);
    // The IdP publishes k2 beside k1 and starts signing with it: the first k2 token's
    // call waits for a fetch and passes; k1 tokens pass throughout.
    idp.set(Answer::Keys(jwks(&[&k1, &k2])));
    std::thread::sleep(Duration::from_millis(1100)); // past the cooldown
    for _ in 0..3 {
        assert_eq!(call(&g, &token(&k2)), 200, "{}", g.log_text());
        assert_eq!(call(&g, &token(&k1)), 200, "{}", g.log_text());
    }
    assert_eq!(idp.fetches(), 2);
    // k1 retires: its tokens are refused once the set no longer has it. (Tokens already
    // verified stay cached until they expire; a fresh k1 token is not.)
    idp.set(Answer::Keys(jwks(&[&k2])));
    std::thread::sleep(Duration::from_millis(1100));
    let k3 = signing_key("k3"); // unknown: forces the refetch that drops k1
    assert_eq!(call(&g, &token(&k3)), 401);
    assert_eq!(call(&g, &token(&k1)), 401, "{}", g.log_text());
    assert_eq!(call(&g, &token(&k2)), 200);
}

#[test]
fn the_last_good_keys_hold_while_the_idp_is_down_and_unknown_kids_do_not_flood_it() {
    let dir = tempfile::tempdir().unwrap();
    let k1 = signing_key("k1");
    let idp = Idp::start(dir.path(), Answer::Keys(jwks(&[&k1])));
    let m = vehicle_mock();
    // Scheduled refresh every second, one fetch per 2 seconds at most.
    let g = gateway(&m, dir.path(), &idp, 1, 2);
    assert_eq!(call(&g, &token(&k1)), 200, "{}", g.log_text());
    // Down, then answering 500: calls with new k1 tokens keep passing on the kept keys.
    for answer in [Answer::Down, Answer::Status(500)] {
        idp.set(answer);
        for _ in 0..6 {
            std::thread::sleep(Duration::from_millis(400));
            let t = token(&k1);
            assert_eq!(call(&g, &t), 200, "{}", g.log_text());
        }
    }
    // The failures are logged (the last one may still be in flight: wait for it).
    wait_for("both failed refreshes in the log", || {
        let log = g.log_text();
        let failed = log
            .matches("JWKS refresh failed, keeping the last good keys")
            .count();
        (failed >= 2 && log.contains("answered 500")).then_some(())
    });
    // A burst of tokens with random kids: 401 each, and few fetches: at most one per
    // 2 s cooldown on top of the scheduled one each second, however long the burst takes
    // on a busy machine (without the cooldown each unknown kid would fetch).
    idp.set(Answer::Keys(jwks(&[&k1])));
    std::thread::sleep(Duration::from_millis(2100));
    let strangers: Vec<String> = (0..40)
        .map(|i| {
            token(&SigningKey {
                kid: Box::leak(format!("random-{i}").into_boxed_str()),
                ..signing_key("x")
            })
        })
        .collect();
    let before = idp.fetches();
    let started = std::time::Instant::now();
    for stranger in &strangers {
        assert_eq!(call(&g, stranger), 401);
    }
    let seconds = started.elapsed().as_secs_f64();
    let during = idp.fetches() - before;
    let bound = 2 + (seconds * 1.5).ceil() as usize;
    assert!(
        during <= bound.min(20),
        "{during} fetches for 40 unknown kids in {seconds:.1} s"
    );
    assert_eq!(call(&g, &token(&k1)), 200);
}

#[test]
fn check_refuses_bad_jwks_url_settings() {
    let mut t = sample_gateway(&[]);
    let auth: Table = r#"
        [auth.jwt]
        audience = ["ferrule"]
        [[auth.jwt.key]]
        algorithms = ["ES256"]
        jwks_url = "http://idp.example/jwks.json"
        jwks_ca = "missing-ca.pem"
        [[auth.jwt.key]]
        algorithms = ["ES256"]
        jwks_url = "https://idp.example/jwks.json"
        jwks_refresh_secs = 0
        [[auth.jwt.key]]
        algorithms = ["RS256"]
        public_key_pem = "k.pem"
        jwks_cooldown_secs = 5
        "#
    .parse()
    .unwrap();
    t.extend(auth);
    let err = check_refused(&t);
    for needle in [
        "auth.jwt.key[0].jwks_url: `http://idp.example/jwks.json`: keys are fetched over https only",
        "auth.jwt.key[1].jwks_ca: required with jwks_url",
        "auth.jwt.key[1].jwks_refresh_secs: must be at least 1",
        "auth.jwt.key[2].jwks_cooldown_secs: only with `jwks_url`",
    ] {
        assert!(err.contains(needle), "{needle}\n{err}");
    }
}
