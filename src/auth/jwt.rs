//! JWT bearer tokens: keys from config (HMAC secrets, PEM public keys, JWKS files),
//! each bound to the algorithms it may verify, and the claims every token must carry.
//!
//! Defences, and where they sit:
//! - `alg: none` never parses (`jsonwebtoken` has no such algorithm), so it is a
//!   malformed token.
//! - Algorithm confusion (an HS256 token "signed" with an RSA public key as the secret)
//!   fails because each key verifies only the algorithms configured for it, all of one
//!   family; the header's `alg` chooses nothing by itself.
//! - Keys come from config only: `jku`, `x5u` and `jwk` header fields are ignored, and
//!   a `crit` header (extensions we would have to understand) is refused.
//! - `exp`, `sub` and `aud` are always required (a token without an expiry or an
//!   audience is refused); `iss` too when issuers are configured; `nbf` is checked
//!   when present. A small leeway (default 30 s) absorbs clock skew.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::Arc;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::config::{AuthProblem, JwtConfig, MAX_LEEWAY_SECS};
use super::jwks_remote::RemoteJwks;
use super::jwt_keys::{load_key, one_source, parse_algorithms};
use super::token_cache::{self, TokenCache};
use super::{AuthError, AuthMethod, Principal};

/// Tokens longer than this are refused before any parsing.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Longest accepted `sub`.
const MAX_SUBJECT_LEN: usize = 256;

/// More scopes than this in one token is refused rather than copied.
const MAX_SCOPES: usize = 256;

/// One usable verification key.
pub struct VerifyKey {
    pub kid: Option<String>,
    pub key: DecodingKey,
    /// Carries the key's algorithms and every claim rule.
    pub validation: Validation,
}

/// Verifies bearer tokens against the configured keys and claims.
pub struct JwtVerifier {
    keys: Vec<VerifyKey>,
    /// Keys fetched from `jwks_url`s, each set replaced whole on refresh.
    remote: Vec<Arc<RemoteJwks>>,
    scope_claim: String,
    cache: TokenCache,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Key material stays out of debug output.
        f.debug_struct("JwtVerifier")
            .field("keys", &self.keys.len())
            .field("scope_claim", &self.scope_claim)
            .finish()
    }
}

impl JwtVerifier {
    /// Builds the verifier from `[auth.jwt]`, reading PEM and JWKS files relative to
    /// `base_dir` and secrets from the environment; lists every problem.
    pub fn from_config(
        cfg: &JwtConfig,
        base_dir: &Path,
        prefix: &str,
    ) -> Result<Self, Vec<AuthProblem>> {
        // jsonwebtoken picks its crypto backend from its features; installing ours
        // explicitly keeps it working if another crate ever enables a second backend
        // (with two, the crate's fallback panics on first use). Err = already set.
        // Switching to aws-lc-rs (if rustls brings it anyway) means changing the
        // Cargo feature and this line together.
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();

        let path = format!("{prefix}.jwt");
        let mut problems = Vec::new();
        if cfg.audience.is_empty() || cfg.audience.iter().any(|a| a.is_empty()) {
            problems.push(AuthProblem::new(
                format!("{path}.audience"),
                "list at least one audience (tokens must be minted for this gateway)",
            ));
        }
        if cfg.issuer.iter().any(|i| i.is_empty()) {
            problems.push(AuthProblem::new(
                format!("{path}.issuer"),
                "an issuer cannot be empty",
            ));
        }
        if cfg.leeway_secs > MAX_LEEWAY_SECS {
            problems.push(AuthProblem::new(
                format!("{path}.leeway_secs"),
                format!("at most {MAX_LEEWAY_SECS}"),
            ));
        }
        if cfg.scope_claim.is_empty() {
            problems.push(AuthProblem::new(
                format!("{path}.scope_claim"),
                "cannot be empty",
            ));
        }
        if cfg.keys.is_empty() {
            problems.push(AuthProblem::new(
                format!("{path}.key"),
                "configure at least one key",
            ));
        }
        let mut keys = Vec::new();
        let mut remote = Vec::new();
        for (i, k) in cfg.keys.iter().enumerate() {
            let kpath = format!("{path}.key[{i}]");
            let Some(url) = &k.jwks_url else {
                match load_key(k, base_dir, &kpath) {
                    Ok(loaded) => keys.extend(loaded),
                    Err(mut more) => problems.append(&mut more),
                }
                continue;
            };
            let checked = one_source(k, &kpath).and_then(|()| {
                let algorithms = parse_algorithms(&k.algorithms)
                    .map_err(|m| vec![AuthProblem::new(format!("{kpath}.algorithms"), m)])?;
                let rules = validation(cfg, Vec::new());
                RemoteJwks::from_config(k, url, algorithms, rules, base_dir, &kpath)
            });
            match checked {
                Ok(r) => remote.push(Arc::new(r)),
                Err(mut more) => problems.append(&mut more),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let keys = keys
            .into_iter()
            .map(|(kid, algorithms, key)| VerifyKey {
                kid,
                key,
                validation: validation(cfg, algorithms),
            })
            .collect();
        Ok(JwtVerifier {
            keys,
            remote,
            scope_claim: cfg.scope_claim.clone(),
            cache: TokenCache::new(token_cache::DEFAULT_CAPACITY, cfg.leeway_secs),
        })
    }

    /// Verifies `token` and returns its principal (`sub`, scopes from the scope claim).
    /// A token verified before is answered from the cache until it expires.
    pub fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        if token.is_empty() || token.len() > MAX_TOKEN_LEN {
            return Err(AuthError::MalformedToken);
        }
        for r in &self.remote {
            r.refresh_if_due();
        }
        let digest = TokenCache::digest(token);
        let now = jsonwebtoken::get_current_timestamp();
        if let Some(known) = self.cache.get(&digest, now) {
            return known;
        }
        let (principal, exp) = self.verify_uncached(token)?;
        if let Some(exp) = exp {
            self.cache.put(digest, principal.clone(), exp, now);
        }
        Ok(principal)
    }

    /// The full check: header, key choice, signature, claims. Returns the principal and
    /// the token's `exp` when it is a whole number (only those are cached).
    fn verify_uncached(&self, token: &str) -> Result<(Principal, Option<u64>), AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::MalformedToken)?;
        // RFC 7515 §4.1.11: extensions listed in `crit` must be understood; we support
        // none. (`jku`, `x5u`, `jwk` in the header are ignored: keys come from config.)
        if header.crit.is_some() {
            return Err(AuthError::MalformedToken);
        }
        // A kid-less configured key stands for any kid; a token without a kid may be
        // checked against every key.
        let fetched: Vec<_> = self.remote.iter().map(|r| r.keys()).collect();
        let by_kid: Vec<&VerifyKey> = self
            .keys
            .iter()
            .chain(fetched.iter().flat_map(|set| set.iter()))
            .filter(|k| match (&header.kid, &k.kid) {
                (Some(want), Some(have)) => want == have,
                _ => true,
            })
            .collect();
        if by_kid.is_empty() {
            return Err(AuthError::UnknownKey);
        }
        let mut last = AuthError::AlgorithmNotAllowed;
        for key in by_kid {
            if !key.validation.algorithms.contains(&header.alg) {
                continue;
            }
            match jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &key.validation) {
                Ok(data) => {
                    let exp = data.claims.get("exp").and_then(Value::as_u64);
                    return Ok((self.principal(&data.claims)?, exp));
                }
                Err(e) => match map_error(e.kind()) {
                    // Another key (same kid rules) may still verify it.
                    AuthError::BadSignature => last = AuthError::BadSignature,
                    // The signature was good; the claims are not: final.
                    other => return Err(other),
                },
            }
        }
        Err(last)
    }

    /// Whether some keys come from a `jwks_url` (an unknown kid is then worth a refetch).
    pub fn has_remote_keys(&self) -> bool {
        !self.remote.is_empty()
    }

    /// Refetches every remote JWKS not in its cooldown, waiting for the fetches: a call
    /// whose token named an unknown kid does this, then verifies once more.
    pub async fn refetch_remote_keys(&self) {
        for r in &self.remote {
            r.fetch_unless_cooling().await;
        }
    }

    fn principal(&self, claims: &Map<String, Value>) -> Result<Principal, AuthError> {
        let id = match claims.get("sub") {
            Some(Value::String(s)) if !s.is_empty() && s.len() <= MAX_SUBJECT_LEN => s.clone(),
            _ => return Err(AuthError::BadClaim("sub".into())),
        };
        let scopes = scopes_from(claims.get(&self.scope_claim))
            .ok_or_else(|| AuthError::BadClaim(self.scope_claim.clone()))?;
        Ok(Principal {
            id,
            scopes: Arc::new(scopes),
            via: AuthMethod::Jwt,
        })
    }
}

/// Scopes from a space-separated string or an array of strings; absent = none.
/// `None` when the claim has another shape or too many entries.
fn scopes_from(claim: Option<&Value>) -> Option<BTreeSet<String>> {
    let scopes: BTreeSet<String> = match claim {
        None | Some(Value::Null) => BTreeSet::new(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<_>>()?,
        Some(_) => return None,
    };
    (scopes.len() <= MAX_SCOPES).then_some(scopes)
}

/// Which refusal a `jsonwebtoken` error is.
fn map_error(kind: &ErrorKind) -> AuthError {
    match kind {
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::ImmatureSignature => AuthError::NotYetValid,
        ErrorKind::InvalidAudience => AuthError::WrongAudience,
        ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
        ErrorKind::MissingRequiredClaim(c) | ErrorKind::InvalidClaimFormat(c) => {
            AuthError::BadClaim(c.clone())
        }
        ErrorKind::InvalidSubject => AuthError::BadClaim("sub".into()),
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => AuthError::AlgorithmNotAllowed,
        // Bad base64 or JSON in the payload is a malformed token, not a bad signature.
        ErrorKind::Base64(_)
        | ErrorKind::Json(_)
        | ErrorKind::Utf8(_)
        | ErrorKind::InvalidToken => AuthError::MalformedToken,
        // InvalidSignature, key-format and provider errors: this key does not verify it.
        _ => AuthError::BadSignature,
    }
}

/// The claim rules shared by every key, bound to one key's algorithms.
fn validation(cfg: &JwtConfig, algorithms: Vec<Algorithm>) -> Validation {
    let mut v = Validation::new(Algorithm::HS256);
    v.algorithms = algorithms;
    v.leeway = cfg.leeway_secs;
    v.validate_exp = true;
    v.validate_nbf = true;
    v.validate_aud = true;
    v.set_audience(&cfg.audience);
    let mut required = vec!["exp", "sub", "aud"];
    if !cfg.issuer.is_empty() {
        v.set_issuer(&cfg.issuer);
        required.push("iss");
    }
    v.required_spec_claims = required
        .into_iter()
        .map(str::to_string)
        .collect::<HashSet<_>>();
    v
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use jsonwebtoken::jwk::Jwk;
    use jsonwebtoken::EncodingKey;
    use serde_json::json;

    use super::*;
    use crate::auth::config::JwtKeyConfig;
    use crate::auth::test_keys::{claims, dir, now, sign, SECRET};

    fn key(algs: &[&str]) -> JwtKeyConfig {
        JwtKeyConfig {
            kid: None,
            algorithms: algs.iter().map(|s| s.to_string()).collect(),
            secret: None,
            secret_env: None,
            public_key_pem: None,
            jwks: None,
            ..Default::default()
        }
    }

    fn hs_key() -> JwtKeyConfig {
        JwtKeyConfig {
            secret: Some(SECRET.into()),
            ..key(&["HS256"])
        }
    }

    fn pem_key(algs: &[&str], file: &str) -> JwtKeyConfig {
        JwtKeyConfig {
            public_key_pem: Some(file.into()),
            ..key(algs)
        }
    }

    fn config(keys: Vec<JwtKeyConfig>) -> JwtConfig {
        JwtConfig {
            audience: vec!["ferrule".into()],
            issuer: vec!["https://idp.test".into()],
            leeway_secs: 30,
            scope_claim: "scope".into(),
            keys,
        }
    }

    fn verifier(keys: Vec<JwtKeyConfig>) -> JwtVerifier {
        JwtVerifier::from_config(&config(keys), &dir(), "auth").unwrap()
    }

    fn with(changes: Value) -> Value {
        let mut c = claims();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        c
    }

    #[test]
    fn valid_hs256_token_gives_sub_and_scopes() {
        // The principal is `sub`; the space-separated `scope` claim becomes a set.
        let v = verifier(vec![hs_key()]);
        let p = v
            .verify(&sign(Algorithm::HS256, "secret", None, &claims()))
            .unwrap();
        assert_eq!(p.id, "alice");
        assert_eq!(p.via, AuthMethod::Jwt);
        assert_eq!(
            p.scopes.iter().collect::<Vec<_>>(),
            ["pii:read", "vehicles:read"]
        );
    }

    #[test]
    fn valid_rs256_and_es256_tokens_verify_with_pem_keys() {
        // Real signatures with the test-only RSA and P-256 keys.
        let v = verifier(vec![
            pem_key(&["RS256"], "rsa_a.pub.pem"),
            pem_key(&["ES256"], "ec_a.pub.pem"),
        ]);
        assert!(v
            .verify(&sign(Algorithm::RS256, "rsa_a", None, &claims()))
            .is_ok());
        assert!(v
            .verify(&sign(Algorithm::ES256, "ec_a", None, &claims()))
            .is_ok());
    }

    #[test]
    fn expired_token_is_refused_beyond_the_leeway_only() {
        // An hour ago: expired. Ten seconds ago: within the 30 s leeway.
        let v = verifier(vec![hs_key()]);
        let old = with(json!({"exp": now() - 3600}));
        assert_eq!(
            v.verify(&sign(Algorithm::HS256, "secret", None, &old)),
            Err(AuthError::Expired)
        );
        let just = with(json!({"exp": now() - 10}));
        assert!(v
            .verify(&sign(Algorithm::HS256, "secret", None, &just))
            .is_ok());
    }

    #[test]
    fn token_not_yet_valid_is_refused_beyond_the_leeway_only() {
        // nbf in an hour: refused. nbf in ten seconds: within the leeway.
        let v = verifier(vec![hs_key()]);
        let future = with(json!({"nbf": now() + 3600}));
        assert_eq!(
            v.verify(&sign(Algorithm::HS256, "secret", None, &future)),
            Err(AuthError::NotYetValid)
        );
        let soon = with(json!({"nbf": now() + 10}));
        assert!(v
            .verify(&sign(Algorithm::HS256, "secret", None, &soon))
            .is_ok());
    }

    #[test]
    fn wrong_or_missing_audience_is_refused() {
        // Another service's token, or one with no audience, does not open this one;
        // a list that includes ours does.
        let v = verifier(vec![hs_key()]);
        let other = with(json!({"aud": "billing"}));
        assert_eq!(
            v.verify(&sign(Algorithm::HS256, "secret", None, &other)),
            Err(AuthError::WrongAudience)
        );
        let none = with(json!({"aud": null}));
        assert_eq!(
            v.verify(&sign(Algorithm::HS256, "secret", None, &none)),
            Err(AuthError::BadClaim("aud".into()))
        );
        let list = with(json!({"aud": ["billing", "ferrule"]}));
        assert!(v
            .verify(&sign(Algorithm::HS256, "secret", None, &list))
            .is_ok());
    }

    #[test]
    fn wrong_or_missing_issuer_is_refused() {
        // With issuers configured, `iss` must be present and listed.
        let v = verifier(vec![hs_key()]);
        let other = with(json!({"iss": "https://evil.test"}));
        assert_eq!(
            v.verify(&sign(Algorithm::HS256, "secret", None, &other)),
            Err(AuthError::WrongIssuer)
        );
        let none = with(json!({"iss": null}));
        assert_eq!(
            v.verify(&sign(Algorithm::HS256, "secret", None, &none)),
            Err(AuthError::BadClaim("iss".into()))
        );
    }

    #[test]
    fn missing_exp_or_sub_is_refused() {
        // A token that never expires, or names nobody, is not accepted.
        let v = verifier(vec![hs_key()]);
        let no_exp = with(json!({"exp": null}));
        assert_eq!(
            v.verify(&sign(Algorithm::HS256, "secret", None, &no_exp)),
            Err(AuthError::BadClaim("exp".into()))
        );
        let no_sub = with(json!({"sub": null}));
        assert_eq!(
            v.verify(&sign(Algorithm::HS256, "secret", None, &no_sub)),
            Err(AuthError::BadClaim("sub".into()))
        );
        let empty_sub = with(json!({"sub": ""}));
        assert_eq!(
            v.verify(&sign(Algorithm::HS256, "secret", None, &empty_sub)),
            Err(AuthError::BadClaim("sub".into()))
        );
    }

    #[test]
    fn token_signed_by_another_key_is_refused() {
        // RS256 by the unrelated key b; HS256 with another secret.
        let v = verifier(vec![pem_key(&["RS256"], "rsa_a.pub.pem")]);
        assert_eq!(
            v.verify(&sign(Algorithm::RS256, "rsa_b", None, &claims())),
            Err(AuthError::BadSignature)
        );
        let v = verifier(vec![JwtKeyConfig {
            secret: Some("another-secret-0123456789abcdefghij".into()),
            ..key(&["HS256"])
        }]);
        assert_eq!(
            v.verify(&sign(Algorithm::HS256, "secret", None, &claims())),
            Err(AuthError::BadSignature)
        );
    }

    #[test]
    fn tampered_payload_is_refused() {
        // Swap the payload for one granting more, keep the signature.
        let v = verifier(vec![hs_key()]);
        let token = sign(Algorithm::HS256, "secret", None, &claims());
        let parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&with(json!({"sub": "admin", "scope": "everything"}))).unwrap(),
        );
        let tampered = format!("{}.{}.{}", parts[0], forged, parts[2]);
        assert_eq!(v.verify(&tampered), Err(AuthError::BadSignature));
    }

    #[test]
    fn alg_none_is_refused() {
        // Hand-crafted unsigned token: `{"alg":"none"}` and an empty signature.
        let v = verifier(vec![hs_key(), pem_key(&["RS256"], "rsa_a.pub.pem")]);
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims()).unwrap());
        assert_eq!(
            v.verify(&format!("{header}.{payload}.")),
            Err(AuthError::MalformedToken)
        );
        // Spelling variants are no better.
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"None"}"#);
        assert_eq!(
            v.verify(&format!("{header}.{payload}.")),
            Err(AuthError::MalformedToken)
        );
    }

    #[test]
    fn critical_header_extensions_are_refused() {
        // A correctly signed token whose header demands an extension we do not know.
        let v = verifier(vec![hs_key()]);
        let mut header = jsonwebtoken::Header::new(Algorithm::HS256);
        header.crit = Some(vec!["exp-ext".into()]);
        let enc = EncodingKey::from_secret(SECRET.as_bytes());
        let token = jsonwebtoken::encode(&header, &claims(), &enc).unwrap();
        assert_eq!(v.verify(&token), Err(AuthError::MalformedToken));
    }

    #[test]
    fn hs256_signed_with_the_rsa_public_key_is_refused() {
        // Algorithm confusion: the attacker uses the public PEM as an HMAC secret and
        // sets alg HS256; the key is bound to RS256 only.
        let v = verifier(vec![pem_key(&["RS256"], "rsa_a.pub.pem")]);
        let public = std::fs::read(dir().join("rsa_a.pub.pem")).unwrap();
        let header = jsonwebtoken::Header::new(Algorithm::HS256);
        let token =
            jsonwebtoken::encode(&header, &claims(), &EncodingKey::from_secret(&public)).unwrap();
        assert_eq!(v.verify(&token), Err(AuthError::AlgorithmNotAllowed));
        // Nor does an RS key accept an ES-labelled token.
        let es = sign(Algorithm::ES256, "ec_a", None, &claims());
        assert_eq!(v.verify(&es), Err(AuthError::AlgorithmNotAllowed));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        // Wrong part counts, bad base64, JSON that is no header, and oversize.
        let v = verifier(vec![hs_key()]);
        for bad in [
            "",
            "abc",
            "a.b",
            "a.b.c",
            "!!!.???.***",
            "e30.e30.",
            "a.b.c.d",
        ] {
            assert_eq!(v.verify(bad), Err(AuthError::MalformedToken), "{bad:?}");
        }
        let token = sign(Algorithm::HS256, "secret", None, &claims());
        let long = format!("{token}{}", "A".repeat(MAX_TOKEN_LEN));
        assert_eq!(v.verify(&long), Err(AuthError::MalformedToken));
        // A header that parses but a payload that is not JSON.
        let header = token.split('.').next().unwrap();
        let junk = format!("{header}.{}.sig", URL_SAFE_NO_PAD.encode(b"not json"));
        assert!(v.verify(&junk).is_err());
    }

    #[test]
    fn scopes_from_an_array_claim() {
        // `scope_claim = "roles"` reads an array; a number there is refused.
        let mut cfg = config(vec![hs_key()]);
        cfg.scope_claim = "roles".into();
        let v = JwtVerifier::from_config(&cfg, &dir(), "auth").unwrap();
        let roles = with(json!({"roles": ["a", "b"]}));
        let p = v
            .verify(&sign(Algorithm::HS256, "secret", None, &roles))
            .unwrap();
        assert_eq!(p.scopes.iter().collect::<Vec<_>>(), ["a", "b"]);
        let bad = with(json!({"roles": 7}));
        assert_eq!(
            v.verify(&sign(Algorithm::HS256, "secret", None, &bad)),
            Err(AuthError::BadClaim("roles".into()))
        );
        let mixed = with(json!({"roles": ["a", 1]}));
        assert!(v
            .verify(&sign(Algorithm::HS256, "secret", None, &mixed))
            .is_err());
        // No scope claim at all: authenticated, no scopes.
        let none = with(json!({"scope": null}));
        assert!(v
            .verify(&sign(Algorithm::HS256, "secret", None, &none))
            .unwrap()
            .scopes
            .is_empty());
    }

    /// A JWKS file with rsa_a as `r1` (RS256) and ec_a as `e1` (ES256).
    fn jwks_file() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let rsa = EncodingKey::from_rsa_pem(&std::fs::read(dir().join("rsa_a.key.pem")).unwrap())
            .unwrap();
        let ec =
            EncodingKey::from_ec_pem(&std::fs::read(dir().join("ec_a.key.pem")).unwrap()).unwrap();
        let mut r1 = Jwk::from_encoding_key(&rsa, Algorithm::RS256).unwrap();
        r1.common.key_id = Some("r1".into());
        let mut e1 = Jwk::from_encoding_key(&ec, Algorithm::ES256).unwrap();
        e1.common.key_id = Some("e1".into());
        let set = json!({"keys": [r1, e1, {"kty": "weird", "kid": "x"}]});
        std::fs::write(
            tmp.path().join("jwks.json"),
            serde_json::to_vec(&set).unwrap(),
        )
        .unwrap();
        tmp
    }

    #[test]
    fn jwks_keys_are_selected_by_kid() {
        // Each kid verifies its own algorithm; an unknown kid or the wrong key fails.
        let tmp = jwks_file();
        let cfg = config(vec![JwtKeyConfig {
            jwks: Some("jwks.json".into()),
            ..key(&["RS256", "ES256"])
        }]);
        let v = JwtVerifier::from_config(&cfg, tmp.path(), "auth").unwrap();
        assert!(v
            .verify(&sign(Algorithm::RS256, "rsa_a", Some("r1"), &claims()))
            .is_ok());
        assert!(v
            .verify(&sign(Algorithm::ES256, "ec_a", Some("e1"), &claims()))
            .is_ok());
        assert_eq!(
            v.verify(&sign(Algorithm::RS256, "rsa_a", Some("zz"), &claims())),
            Err(AuthError::UnknownKey)
        );
        assert_eq!(
            v.verify(&sign(Algorithm::RS256, "rsa_b", Some("r1"), &claims())),
            Err(AuthError::BadSignature)
        );
        // The EC key under kid e1 does not take an RS256 token.
        assert_eq!(
            v.verify(&sign(Algorithm::RS256, "rsa_a", Some("e1"), &claims())),
            Err(AuthError::AlgorithmNotAllowed)
        );
        // No kid: every key is tried.
        assert!(v
            .verify(&sign(Algorithm::ES256, "ec_a", None, &claims()))
            .is_ok());
    }

    #[test]
    fn jwks_keys_outside_the_configured_algorithms_are_unusable() {
        // Only RS256 allowed: the EC key is skipped, so an ES256 token finds no key.
        let tmp = jwks_file();
        let cfg = config(vec![JwtKeyConfig {
            jwks: Some("jwks.json".into()),
            ..key(&["RS256"])
        }]);
        let v = JwtVerifier::from_config(&cfg, tmp.path(), "auth").unwrap();
        assert_eq!(
            v.verify(&sign(Algorithm::ES256, "ec_a", Some("e1"), &claims())),
            Err(AuthError::UnknownKey)
        );
        // Only HS256 allowed: nothing in the file can serve.
        let cfg = config(vec![JwtKeyConfig {
            jwks: Some("jwks.json".into()),
            ..key(&["PS256", "EdDSA"])
        }]);
        let err = JwtVerifier::from_config(&cfg, tmp.path(), "auth").unwrap_err();
        assert!(err[0].message.contains("no signing key"), "{err:?}");
    }

    #[test]
    fn configured_kid_must_match_the_token() {
        // A PEM key with kid k1 does not take a token naming k2, but takes k1 or none.
        let v = verifier(vec![JwtKeyConfig {
            kid: Some("k1".into()),
            ..pem_key(&["ES256"], "ec_a.pub.pem")
        }]);
        assert!(v
            .verify(&sign(Algorithm::ES256, "ec_a", Some("k1"), &claims()))
            .is_ok());
        assert!(v
            .verify(&sign(Algorithm::ES256, "ec_a", None, &claims()))
            .is_ok());
        assert_eq!(
            v.verify(&sign(Algorithm::ES256, "ec_a", Some("k2"), &claims())),
            Err(AuthError::UnknownKey)
        );
    }

    #[test]
    fn secret_from_the_environment() {
        // secret_env names a variable read at start-up; an unset one is a config problem.
        std::env::set_var("FERRULE_TEST_JWT_SECRET_OK", SECRET);
        let v = verifier(vec![JwtKeyConfig {
            secret_env: Some("FERRULE_TEST_JWT_SECRET_OK".into()),
            ..key(&["HS256"])
        }]);
        assert!(v
            .verify(&sign(Algorithm::HS256, "secret", None, &claims()))
            .is_ok());
        let cfg = config(vec![JwtKeyConfig {
            secret_env: Some("FERRULE_TEST_JWT_SECRET_UNSET".into()),
            ..key(&["HS256"])
        }]);
        let err = JwtVerifier::from_config(&cfg, &dir(), "auth").unwrap_err();
        assert_eq!(err[0].path, "auth.jwt.key[0].secret_env");
    }

    #[test]
    fn config_problems_are_listed_with_paths() {
        // One problem per bad key, plus the missing audience.
        let mut cfg = config(vec![
            key(&["none"]),
            JwtKeyConfig {
                secret: Some(SECRET.into()),
                ..key(&["HS256", "RS256"])
            },
            JwtKeyConfig {
                secret: Some("short".into()),
                ..key(&["HS256"])
            },
            pem_key(&["RS256"], "missing.pem"),
            pem_key(&["HS256"], "rsa_a.pub.pem"),
            pem_key(&["ES256"], "rsa_a.pub.pem"),
            JwtKeyConfig {
                secret: Some(SECRET.into()),
                ..pem_key(&["HS256"], "rsa_a.pub.pem")
            },
            JwtKeyConfig {
                kid: Some("k".into()),
                jwks: Some("jwks.json".into()),
                ..key(&["RS256"])
            },
            key(&[]),
        ]);
        cfg.audience.clear();
        cfg.leeway_secs = 3600;
        let err = JwtVerifier::from_config(&cfg, &dir(), "auth").unwrap_err();
        let paths: Vec<&str> = err.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "auth.jwt.audience",
                "auth.jwt.leeway_secs",
                "auth.jwt.key[0].algorithms",
                "auth.jwt.key[1].algorithms",
                "auth.jwt.key[2].secret",
                "auth.jwt.key[3].public_key_pem",
                "auth.jwt.key[4].algorithms",
                "auth.jwt.key[5].public_key_pem",
                "auth.jwt.key[6]",
                "auth.jwt.key[7].kid",
                "auth.jwt.key[8].algorithms",
            ],
            "{err:#?}"
        );
        // No keys at all is a problem too.
        let err = JwtVerifier::from_config(&config(vec![]), &dir(), "auth").unwrap_err();
        assert_eq!(err[0].path, "auth.jwt.key");
    }

    #[test]
    fn verified_tokens_are_cached_and_failures_are_not() {
        // The same token twice: one cache entry, same answer. A refused token leaves
        // nothing behind, so it is refused again (not let in on a second try).
        let v = verifier(vec![hs_key()]);
        let token = sign(Algorithm::HS256, "secret", None, &claims());
        let first = v.verify(&token).unwrap();
        assert_eq!(v.verify(&token).unwrap(), first);
        assert_eq!(v.cache.len(), 1);
        let expired = sign(
            Algorithm::HS256,
            "secret",
            None,
            &with(json!({"exp": now() - 3600})),
        );
        assert_eq!(v.verify(&expired), Err(AuthError::Expired));
        assert_eq!(v.verify(&expired), Err(AuthError::Expired));
        assert_eq!(v.cache.len(), 1);
        // A cached token is still refused once it expires.
        let digest = TokenCache::digest(&token);
        let later = now() as u64 + 3600 + 31;
        assert_eq!(v.cache.get(&digest, later), Some(Err(AuthError::Expired)));
    }

    #[test]
    fn debug_output_hides_key_material() {
        // Only the number of keys shows.
        let v = verifier(vec![hs_key()]);
        let text = format!("{v:?}");
        assert!(!text.contains(SECRET));
        assert!(text.contains("keys: 1"));
    }
}
