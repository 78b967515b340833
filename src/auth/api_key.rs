//! API keys: the config holds only `sha256:<hex>` of each key; a presented key is
//! hashed and compared with every stored hash in constant time.
//!
//! Why SHA-256 and not a password hash (argon2, bcrypt): an API key is a long random
//! secret (128 bits or more), not a memorable password, so nothing can be gained by
//! guessing through the hash and a slow hash would only slow every call down. This is
//! the usual practice for API keys; keys must therefore be generated randomly (e.g.
//! `openssl rand -base64 32`), never chosen by people.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::config::{scope_problem, ApiKeyConfig, AuthProblem};
use super::{AuthMethod, Principal};

/// Prefix of every stored key hash.
const PREFIX: &str = "sha256:";

/// Keys longer than this are refused without hashing (a cheap bound on work per call).
pub const MAX_KEY_LEN: usize = 512;

/// The form the config stores for `key`: `sha256:` and 64 lowercase hex digits.
pub fn hash_api_key(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut out = String::with_capacity(PREFIX.len() + 64);
    out.push_str(PREFIX);
    for b in digest {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Reads a stored `sha256:<hex>` back into its 32 bytes.
pub fn parse_key_hash(text: &str) -> Result<[u8; 32], String> {
    let Some(hex) = text.strip_prefix(PREFIX) else {
        return Err(format!("expected `{PREFIX}<64 hex digits>`"));
    };
    if hex.len() != 64 {
        return Err(format!(
            "expected 64 hex digits after `{PREFIX}`, found {}",
            hex.len()
        ));
    }
    let mut out = [0u8; 32];
    for (slot, pair) in out.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        let [hi, lo] = pair else {
            return Err("not a hex digit after `sha256:`".into());
        };
        let (Some(hi), Some(lo)) = (hex_val(*hi), hex_val(*lo)) else {
            return Err("not a hex digit after `sha256:`".into());
        };
        *slot = hi << 4 | lo;
    }
    Ok(out)
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// One configured key.
#[derive(Debug, Clone)]
struct StoredKey {
    id: String,
    hash: [u8; 32],
    scopes: Arc<BTreeSet<String>>,
}

/// The configured API keys, ready for look-ups.
#[derive(Debug, Clone, Default)]
pub struct ApiKeyStore {
    keys: Vec<StoredKey>,
}

impl ApiKeyStore {
    /// Builds the store from `[[auth.api_key]]`, listing every problem.
    pub fn from_config(cfg: &[ApiKeyConfig], prefix: &str) -> Result<Self, Vec<AuthProblem>> {
        let mut problems = Vec::new();
        let mut keys: Vec<StoredKey> = Vec::with_capacity(cfg.len());
        for (i, k) in cfg.iter().enumerate() {
            let path = format!("{prefix}.api_key[{i}]");
            if k.id.trim().is_empty() {
                problems.push(AuthProblem::new(format!("{path}.id"), "cannot be empty"));
            } else if keys.iter().any(|other| other.id == k.id) {
                problems.push(AuthProblem::new(
                    format!("{path}.id"),
                    format!("`{}` names another key already", k.id),
                ));
            }
            for scope in &k.scopes {
                if let Some(why) = scope_problem(scope) {
                    problems.push(AuthProblem::new(format!("{path}.scopes"), why));
                }
            }
            match parse_key_hash(&k.hash) {
                Ok(hash) => {
                    if keys.iter().any(|other| other.hash == hash) {
                        problems.push(AuthProblem::new(
                            format!("{path}.hash"),
                            "the same key is configured twice",
                        ));
                    }
                    keys.push(StoredKey {
                        id: k.id.clone(),
                        hash,
                        scopes: Arc::new(k.scopes.iter().cloned().collect()),
                    });
                }
                Err(why) => problems.push(AuthProblem::new(format!("{path}.hash"), why)),
            }
        }
        if problems.is_empty() {
            Ok(ApiKeyStore { keys })
        } else {
            Err(problems)
        }
    }

    /// No keys configured: API-key credentials are refused outright.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The principal whose key this is, if any.
    ///
    /// Every stored hash is compared (no early exit), each in constant time, so the
    /// time taken tells nothing about which bytes or which key matched.
    pub fn lookup(&self, presented: &str) -> Option<Principal> {
        if presented.is_empty() || presented.len() > MAX_KEY_LEN {
            return None;
        }
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found = None;
        for key in &self.keys {
            if bool::from(key.hash.ct_eq(&digest)) {
                found = Some(key);
            }
        }
        found.map(|key| Principal {
            id: key.id.clone(),
            scopes: key.scopes.clone(),
            via: AuthMethod::ApiKey,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(entries: &[(&str, &str, &[&str])]) -> Result<ApiKeyStore, Vec<AuthProblem>> {
        let cfg: Vec<ApiKeyConfig> = entries
            .iter()
            .map(|(id, key, scopes)| ApiKeyConfig {
                id: id.to_string(),
                hash: hash_api_key(key),
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
            })
            .collect();
        ApiKeyStore::from_config(&cfg, "auth")
    }

    #[test]
    fn hash_has_the_documented_form() {
        // SHA-256 of "abc" is the FIPS 180-2 test vector.
        assert_eq!(
            hash_api_key("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hash_round_trips_and_accepts_upper_case() {
        // What hash_api_key prints parses back; upper-case hex is the same hash.
        let h = hash_api_key("k");
        let bytes = parse_key_hash(&h).unwrap();
        assert_eq!(
            parse_key_hash(&h.to_uppercase().replace("SHA256", "sha256")),
            Ok(bytes)
        );
    }

    #[test]
    fn bad_hash_text_is_refused() {
        // Wrong prefix, wrong length, non-hex digit.
        assert!(parse_key_hash("md5:abcd").is_err());
        assert!(parse_key_hash("sha256:abcd").is_err());
        let mut h = hash_api_key("k");
        h.replace_range(10..11, "g");
        assert!(parse_key_hash(&h).is_err());
        // A multi-byte character in the hex part must not panic.
        let odd = format!("sha256:{}é", "a".repeat(62));
        assert!(parse_key_hash(&odd).is_err());
    }

    #[test]
    fn good_key_yields_its_principal() {
        // The matching key gives its id and scopes, marked as an API key.
        let s = store(&[("a", "key-a", &["x"]), ("b", "key-b", &["y", "z"])]).unwrap();
        let p = s.lookup("key-b").unwrap();
        assert_eq!(p.id, "b");
        assert_eq!(p.via, AuthMethod::ApiKey);
        assert_eq!(p.scopes.iter().collect::<Vec<_>>(), ["y", "z"]);
    }

    #[test]
    fn bad_key_yields_nothing() {
        // Unknown, empty, near-miss and oversized keys all fail.
        let s = store(&[("a", "key-a", &[])]).unwrap();
        assert!(s.lookup("key-b").is_none());
        assert!(s.lookup("").is_none());
        assert!(s.lookup("key-a ").is_none());
        assert!(s.lookup(&"k".repeat(MAX_KEY_LEN + 1)).is_none());
    }

    #[test]
    fn config_problems_are_all_listed() {
        // Empty id, duplicate id, duplicate key and a bad hash: four problems at once.
        let cfg = vec![
            ApiKeyConfig {
                id: "".into(),
                hash: hash_api_key("one"),
                scopes: vec![],
            },
            ApiKeyConfig {
                id: "b".into(),
                hash: hash_api_key("one"),
                scopes: vec!["bad scope".into()],
            },
            ApiKeyConfig {
                id: "b".into(),
                hash: "plain-text-key".into(),
                scopes: vec![],
            },
        ];
        let problems = ApiKeyStore::from_config(&cfg, "auth").unwrap_err();
        let paths: Vec<_> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "auth.api_key[0].id",
                "auth.api_key[1].scopes",
                "auth.api_key[1].hash",
                "auth.api_key[2].id",
                "auth.api_key[2].hash"
            ]
        );
    }
}
