//! JWT keys from a JWKS URL, end to end: the real `ferrule serve` against a local HTTPS
//! identity provider (rustls, a CA made here) whose key set the test rotates, takes down
//! and floods with unknown kids. Tokens are ES256, signed with keys made here.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::gateway::*;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use serde_json::json;
use toml::Table;

const VEHICLE: &str = "/v1/vehicles/AB12CDE";

/// One signing key of the IdP: its kid, its public JWK, and the key that signs.
struct SigningKey {
    kid: &'static str,
    jwk: serde_json::Value,
    encoding: EncodingKey,
}

fn signing_key(kid: &'static str) -> SigningKey {
    let pair = KeyPair::generate().unwrap(); // ECDSA P-256
    let raw = pair.public_key_raw(); // 0x04 || x || y
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
        "x": URL_SAFE_NO_PAD.encode(&raw[1..33]),
        "y": URL_SAFE_NO_PAD.encode(&raw[33..65]),
    });
    let encoding = EncodingKey::from_ec_pem(pair.serialize_pem().as_bytes()).unwrap();
    SigningKey { kid, jwk, encoding }
}

fn token(key: &SigningKey) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(key.kid.into());
    let claims =
        json!({"sub": "pc1234", "aud": "ferrule", "exp": now + 600, "scope": "vehicles:read"});
    encode(&header, &claims, &key.encoding).unwrap()
}

fn jwks(keys: &[&SigningKey]) -> String {
    json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()}).to_string()
}

/// What the IdP answers: a key set, an error status, or nothing (a dropped connection).
#[derive(Clone)]
enum Answer {
    Keys(String),
    Status(u16),
    Down,
}

/// A one-thread HTTPS IdP serving `/jwks.json`; counts the fetches it answers.
struct Idp {
    port: u16,
    answer: Arc<Mutex<Answer>>,
    fetches: Arc<AtomicUsize>,
}

impl Idp {
    fn start(dir: &Path, first: Answer) -> Idp {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "test idp ca");
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        std::fs::write(dir.join("idp-ca.pem"), ca_cert.pem()).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_string()])
            .unwrap()
            .signed_by(&leaf_key, &ca_cert, &ca_key)
            .unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone()],
                rustls::pki_types::PrivatePkcs8KeyDer::from(leaf_key.serialize_der()).into(),
            )
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let answer = Arc::new(Mutex::new(first));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (a, f) = (answer.clone(), fetches.clone());
        std::thread::spawn(move || {
            for tcp in listener.incoming() {
                let Ok(tcp) = tcp else { continue };
                let now = a.lock().unwrap().clone();
                if matches!(now, Answer::Down) {
                    drop(tcp); // down: the connection closes before any TLS
                    continue;
                }
                let conn = rustls::ServerConnection::new(config.clone()).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                let mut reader = BufReader::new(&mut tls);
                let mut line = String::new();
                let mut request = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    request.push_str(&line);
                    line.clear();
                }
                if !request.starts_with("GET /jwks.json ") {
                    continue;
                }
                f.fetch_add(1, Ordering::SeqCst);
                let (status, body) = match now {
                    Answer::Keys(body) => (200, body),
                    Answer::Status(s) => (s, "{}".to_string()),
                    Answer::Down => unreachable!(),
                };
                let _ = write!(
                    tls,
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
        });
        Idp {
            port,
            answer,
            fetches,
        }
    }

    fn set(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

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
    // A burst of tokens with random kids: 401 each, and at most one fetch per cooldown.
    idp.set(Answer::Keys(jwks(&[&k1])));
    std::thread::sleep(Duration::from_millis(2100));
    let before = idp.fetches();
    for i in 0..40 {
        let stranger = SigningKey {
            kid: Box::leak(format!("random-{i}").into_boxed_str()),
            ..signing_key("x")
        };
        assert_eq!(call(&g, &token(&stranger)), 401);
    }
    let during = idp.fetches() - before;
    assert!(
        during <= 2,
        "{during} fetches for 40 unknown kids in under 2 s"
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
