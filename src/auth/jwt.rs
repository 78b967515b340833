//! JWT bearer tokens: keys from config (HMAC secrets, PEM public keys, JWKS files),
//! each bound to the algorithms it may verify, and the claims every token must carry.
//!
//! Defences, and where they sit:
//! - `alg: none` never parses (`jsonwebtoken` has no such algorithm), so it is a
//!   malformed token.
//! - Algorithm confusion (an HS256 token "signed" with an RSA public key as the secret)
//!   fails because each key verifies only the algorithms configured for it, all of one
//!   family; the header's `alg` chooses nothing by itself.
//! - `exp`, `sub` and `aud` are always required (a token without an expiry or an
//!   audience is refused); `iss` too when issuers are configured; `nbf` is checked
//!   when present. A small leeway (default 30 s) absorbs clock skew.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::str::FromStr;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::config::{AuthProblem, JwtConfig, JwtKeyConfig, MAX_LEEWAY_SECS};
use super::{AuthError, AuthMethod, Principal};

/// Tokens longer than this are refused before any parsing.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Longest accepted `sub`.
const MAX_SUBJECT_LEN: usize = 256;

/// More scopes than this in one token is refused rather than copied.
const MAX_SCOPES: usize = 256;

/// HMAC secrets shorter than this are refused (RFC 7518 §3.2: at least the hash size).
const MIN_SECRET_BYTES: usize = 32;

/// One usable verification key.
struct VerifyKey {
    kid: Option<String>,
    key: DecodingKey,
    /// Carries the key's algorithms and every claim rule.
    validation: Validation,
}

/// Verifies bearer tokens against the configured keys and claims.
pub struct JwtVerifier {
    keys: Vec<VerifyKey>,
    scope_claim: String,
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
        for (i, k) in cfg.keys.iter().enumerate() {
            let kpath = format!("{path}.key[{i}]");
            match load_key(k, base_dir, &kpath) {
                Ok(loaded) => keys.extend(loaded),
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
            scope_claim: cfg.scope_claim.clone(),
        })
    }

    /// Verifies `token` and returns its principal (`sub`, scopes from the scope claim).
    pub fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        if token.is_empty() || token.len() > MAX_TOKEN_LEN {
            return Err(AuthError::MalformedToken);
        }
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::MalformedToken)?;
        // A kid-less configured key stands for any kid; a token without a kid may be
        // checked against every key.
        let by_kid: Vec<&VerifyKey> = self
            .keys
            .iter()
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
                Ok(data) => return self.principal(&data.claims),
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

    fn principal(&self, claims: &Map<String, Value>) -> Result<Principal, AuthError> {
        let id = match claims.get("sub") {
            Some(Value::String(s)) if !s.is_empty() && s.len() <= MAX_SUBJECT_LEN => s.clone(),
            _ => return Err(AuthError::BadClaim("sub".into())),
        };
        let scopes = scopes_from(claims.get(&self.scope_claim))
            .ok_or_else(|| AuthError::BadClaim(self.scope_claim.clone()))?;
        Ok(Principal {
            id,
            scopes,
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
        ErrorKind::Base64(_) | ErrorKind::Json(_) | ErrorKind::Utf8(_) | ErrorKind::InvalidToken => {
            AuthError::MalformedToken
        }
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
    v.required_spec_claims = required.into_iter().map(str::to_string).collect::<HashSet<_>>();
    v
}

type Loaded = (Option<String>, Vec<Algorithm>, DecodingKey);

/// Reads one `[[auth.jwt.key]]` into one key (secret, PEM) or several (JWKS).
fn load_key(k: &JwtKeyConfig, base_dir: &Path, path: &str) -> Result<Vec<Loaded>, Vec<AuthProblem>> {
    let problem = |field: &str, msg: String| vec![AuthProblem::new(format!("{path}.{field}"), msg)];
    let algorithms = parse_algorithms(&k.algorithms).map_err(|m| problem("algorithms", m))?;
    let sources = [
        k.secret.is_some(),
        k.secret_env.is_some(),
        k.public_key_pem.is_some(),
        k.jwks.is_some(),
    ];
    if sources.iter().filter(|s| **s).count() != 1 {
        return Err(vec![AuthProblem::new(
            path,
            "give exactly one of `secret`, `secret_env`, `public_key_pem`, `jwks`",
        )]);
    }
    if let Some(file) = &k.jwks {
        if k.kid.is_some() {
            return Err(problem("kid", "a JWKS file brings its own kids".into()));
        }
        return load_jwks(&base_dir.join(file), &algorithms).map_err(|m| problem("jwks", m));
    }
    let family = single_family(&algorithms).map_err(|m| problem("algorithms", m))?;
    let key = if let Some(file) = &k.public_key_pem {
        let pem = std::fs::read(base_dir.join(file))
            .map_err(|e| problem("public_key_pem", format!("cannot read {file}: {e}")))?;
        let key = match family {
            AlgorithmFamily::Rsa => DecodingKey::from_rsa_pem(&pem),
            AlgorithmFamily::Ec => DecodingKey::from_ec_pem(&pem),
            AlgorithmFamily::Ed => DecodingKey::from_ed_pem(&pem),
            _ => {
                return Err(problem(
                    "algorithms",
                    "a PEM public key verifies RS*, PS*, ES* or EdDSA, not HMAC".into(),
                ))
            }
        };
        key.map_err(|e| {
            problem(
                "public_key_pem",
                format!("{file} is not a {family:?} public key in PEM: {e}"),
            )
        })?
    } else {
        let secret = match (&k.secret, &k.secret_env) {
            (Some(s), _) => s.clone(),
            (None, Some(var)) => std::env::var(var).map_err(|_| {
                problem(
                    "secret_env",
                    format!("environment variable {var} is not set (or not UTF-8)"),
                )
            })?,
            (None, None) => String::new(),
        };
        let field = if k.secret.is_some() { "secret" } else { "secret_env" };
        if family != AlgorithmFamily::Hmac {
            return Err(problem(
                "algorithms",
                "a shared secret verifies HS256, HS384 or HS512 only".into(),
            ));
        }
        if secret.len() < MIN_SECRET_BYTES {
            return Err(problem(
                field,
                format!("the secret must be at least {MIN_SECRET_BYTES} bytes"),
            ));
        }
        DecodingKey::from_secret(secret.as_bytes())
    };
    Ok(vec![(k.kid.clone(), algorithms, key)])
}

/// Every public key of a JWKS file usable with the configured algorithms.
fn load_jwks(file: &Path, algorithms: &[Algorithm]) -> Result<Vec<Loaded>, String> {
    let text = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let set: JwkSet = serde_json::from_slice(&text)
        .map_err(|e| format!("{} is not a JWKS document: {e}", file.display()))?;
    let mut out = Vec::new();
    for (i, jwk) in set.keys.iter().enumerate() {
        if matches!(&jwk.common.public_key_use, Some(u) if *u != PublicKeyUse::Signature) {
            continue;
        }
        let family = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => AlgorithmFamily::Rsa,
            AlgorithmParameters::EllipticCurve(_) => AlgorithmFamily::Ec,
            AlgorithmParameters::OctetKeyPair(_) => AlgorithmFamily::Ed,
            AlgorithmParameters::OctetKey(_) => {
                return Err(format!(
                    "key {i} is a shared secret; a JWKS file may hold public keys only"
                ))
            }
            // Unknown key types are someone else's business.
            _ => continue,
        };
        let named = jwk
            .common
            .key_algorithm
            .and_then(|a| Algorithm::try_from(a).ok());
        let usable: Vec<Algorithm> = algorithms
            .iter()
            .copied()
            .filter(|a| a.family() == family && named.is_none_or(|n| n == *a))
            .collect();
        if usable.is_empty() {
            continue;
        }
        let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("key {i}: {e}"))?;
        out.push((jwk.common.key_id.clone(), usable, key));
    }
    if out.is_empty() {
        return Err(format!(
            "{} holds no signing key for the configured algorithms",
            file.display()
        ));
    }
    Ok(out)
}

fn parse_algorithms(names: &[String]) -> Result<Vec<Algorithm>, String> {
    if names.is_empty() {
        return Err("list the algorithms this key may verify (e.g. [\"RS256\"])".into());
    }
    names
        .iter()
        .map(|n| Algorithm::from_str(n).map_err(|_| format!("unknown algorithm `{n}`")))
        .collect()
}

fn single_family(algorithms: &[Algorithm]) -> Result<AlgorithmFamily, String> {
    let mut families = algorithms.iter().map(|a| a.family());
    let first = families.next().ok_or("no algorithms")?;
    if families.all(|f| f == first) {
        Ok(first)
    } else {
        Err("one key's algorithms must all be of one family (HS*, RS*/PS*, ES* or EdDSA)".into())
    }
}
