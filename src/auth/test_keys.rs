//! TEST-ONLY signing helpers: real tokens signed with the throwaway keys in
//! `testdata/` (see its README), so tests exercise real signatures.

use std::path::PathBuf;

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

/// A 32-byte HMAC secret for HS256 tests.
pub const SECRET: &str = "test-only-secret-0123456789abcdef";

/// The folder holding the test keys.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/auth/testdata")
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    jsonwebtoken::get_current_timestamp() as i64
}

/// Claims valid for an hour, for audience `ferrule` and issuer `https://idp.test`.
pub fn claims() -> Value {
    json!({
        "sub": "alice",
        "aud": "ferrule",
        "iss": "https://idp.test",
        "exp": now() + 3600,
        "iat": now(),
        "scope": "vehicles:read pii:read",
    })
}

/// `claims` signed with `alg` by the named test key (`secret`, `rsa_a`, `rsa_b`, `ec_a`).
pub fn sign(alg: Algorithm, key: &str, kid: Option<&str>, claims: &Value) -> String {
    let enc = match key {
        "secret" => EncodingKey::from_secret(SECRET.as_bytes()),
        name if name.starts_with("rsa") => {
            let pem = std::fs::read(dir().join(format!("{name}.key.pem"))).unwrap();
            EncodingKey::from_rsa_pem(&pem).unwrap()
        }
        name => {
            let pem = std::fs::read(dir().join(format!("{name}.key.pem"))).unwrap();
            EncodingKey::from_ec_pem(&pem).unwrap()
        }
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_string);
    encode(&header, claims, &enc).unwrap()
}
