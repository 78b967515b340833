//! Verification keys from `[[auth.jwt.key]]`: an HMAC secret (inline or from the
//! environment), a PEM public key, or every usable key of a JWKS file, each bound to
//! the algorithms it may verify (one family per key, so the token's `alg` can never
//! turn a public key into an HMAC secret).

use std::path::Path;
use std::str::FromStr;

use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};

use super::config::{AuthProblem, JwtKeyConfig};

/// HMAC secrets shorter than this are refused (RFC 7518 §3.2: at least the hash size).
const MIN_SECRET_BYTES: usize = 32;

/// A loaded key: its kid (if any), the algorithms it verifies, the key itself.
pub(crate) type Loaded = (Option<String>, Vec<Algorithm>, DecodingKey);

/// Reads one `[[auth.jwt.key]]` into one key (secret, PEM) or several (JWKS).
pub(crate) fn load_key(
    k: &JwtKeyConfig,
    base_dir: &Path,
    path: &str,
) -> Result<Vec<Loaded>, Vec<AuthProblem>> {
    let problem = |field: &str, msg: String| vec![AuthProblem::new(format!("{path}.{field}"), msg)];
    let algorithms = parse_algorithms(&k.algorithms).map_err(|m| problem("algorithms", m))?;
    one_source(k, path)?;
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
        let field = if k.secret.is_some() {
            "secret"
        } else {
            "secret_env"
        };
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

/// Exactly one key source, and the `jwks_url` settings only with `jwks_url`.
pub(crate) fn one_source(k: &JwtKeyConfig, path: &str) -> Result<(), Vec<AuthProblem>> {
    let sources = [
        k.secret.is_some(),
        k.secret_env.is_some(),
        k.public_key_pem.is_some(),
        k.jwks.is_some(),
        k.jwks_url.is_some(),
    ];
    if sources.iter().filter(|s| **s).count() != 1 {
        return Err(vec![AuthProblem::new(
            path,
            "give exactly one of `secret`, `secret_env`, `public_key_pem`, `jwks`, `jwks_url`",
        )]);
    }
    let url_only = [
        ("jwks_ca", k.jwks_ca.is_some()),
        ("jwks_refresh_secs", k.jwks_refresh_secs.is_some()),
        ("jwks_cooldown_secs", k.jwks_cooldown_secs.is_some()),
    ];
    let misplaced: Vec<AuthProblem> = url_only
        .iter()
        .filter(|(_, given)| *given && k.jwks_url.is_none())
        .map(|(field, _)| AuthProblem::new(format!("{path}.{field}"), "only with `jwks_url`"))
        .collect();
    if misplaced.is_empty() {
        Ok(())
    } else {
        Err(misplaced)
    }
}

/// Every public key of a JWKS file usable with the configured algorithms.
fn load_jwks(file: &Path, algorithms: &[Algorithm]) -> Result<Vec<Loaded>, String> {
    let text = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    parse_jwks(&text, algorithms, &file.display().to_string())
}

/// Every public key of a JWKS document (`source`: where it came from, for messages).
pub(crate) fn parse_jwks(
    text: &[u8],
    algorithms: &[Algorithm],
    source: &str,
) -> Result<Vec<Loaded>, String> {
    let set: JwkSet = serde_json::from_slice(text)
        .map_err(|e| format!("{source} is not a JWKS document: {e}"))?;
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
            "{source} holds no signing key for the configured algorithms"
        ));
    }
    Ok(out)
}

pub(crate) fn parse_algorithms(names: &[String]) -> Result<Vec<Algorithm>, String> {
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
