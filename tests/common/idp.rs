//! A local HTTPS identity provider for JWT tests: ES256 signing keys made here, a JWKS
//! the test can rotate, take down or make answer an error, over rustls with a CA of its own.
// Test code: a failed setup step should stop the test where it happened.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use rcgen::KeyPair;

use super::pki::{self, Ca};
use serde_json::json;

/// One signing key of the IdP: its kid, its public JWK, and the key that signs.
pub struct SigningKey {
    pub kid: &'static str,
    pub jwk: serde_json::Value,
    pub encoding: EncodingKey,
}

pub fn signing_key(kid: &'static str) -> SigningKey {
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

pub fn token(key: &SigningKey) -> String {
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

pub fn jwks(keys: &[&SigningKey]) -> String {
    json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()}).to_string()
}

/// What the IdP answers: a key set, an error status, or nothing (a dropped connection).
#[derive(Clone)]
pub enum Answer {
    Keys(String),
    Status(u16),
    Down,
}

/// A one-thread HTTPS IdP serving `/jwks.json`; counts the fetches it answers.
pub struct Idp {
    pub port: u16,
    answer: Arc<Mutex<Answer>>,
    fetches: Arc<AtomicUsize>,
}

impl Idp {
    pub fn start(dir: &Path, first: Answer) -> Idp {
        let ca = Ca::new("test idp ca");
        ca.write(&dir.join("idp-ca.pem"));
        ca.leaf(dir, "idp", &["localhost"], "idp", true);
        let config = pki::server(dir, "idp", None);
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

    pub fn set(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }

    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}
