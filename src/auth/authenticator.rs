//! Who is calling: reads the credential headers (or the verified client-certificate
//! subject the TLS layer hands over) and turns them into a [`Principal`].
//!
//! Precedence: a credential in the headers (`Authorization: Bearer`, `Authorization:
//! ApiKey`, `X-API-Key`) names the caller; a client certificate counts only when no
//! header credential is present, since the certificate usually identifies a system
//! while a token identifies the person using it. Presenting two header credentials is
//! refused rather than guessed at.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use axum::http::header::{HeaderMap, AUTHORIZATION};
use axum::http::HeaderValue;

use super::api_key::ApiKeyStore;
use super::config::{scope_problem, AuthConfig, AuthProblem};
use super::jwt::{JwtVerifier, MAX_TOKEN_LEN};
use super::{AuthError, AuthMethod, Principal};

/// Header carrying an API key on its own.
pub const X_API_KEY: &str = "x-api-key";

/// Verifies credentials against the `[auth]` configuration. Cheap to share: build once
/// per config (re)load and keep it behind an `Arc`.
#[derive(Debug)]
pub struct Authenticator {
    api_keys: ApiKeyStore,
    jwt: Option<JwtVerifier>,
    /// Client-certificate subject -> principal.
    certs: BTreeMap<String, Principal>,
}

/// What a request presented, before it is checked.
enum Credential<'h> {
    Bearer(&'h str),
    ApiKey(&'h str),
}

impl Authenticator {
    /// Builds the authenticator from `[auth]`, reading key files relative to `base_dir`
    /// (the config file's folder). Every problem is listed, with paths under `auth.`.
    pub fn from_config(cfg: &AuthConfig, base_dir: &Path) -> Result<Self, Vec<AuthProblem>> {
        let mut problems = Vec::new();
        if cfg.realm.is_empty()
            || !cfg.realm.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
            || cfg.realm.contains('"')
            || cfg.realm.contains('\\')
        {
            problems.push(AuthProblem::new(
                "auth.realm",
                "printable ASCII without quotes or backslashes",
            ));
        }
        let api_keys = ApiKeyStore::from_config(&cfg.api_keys, "auth").unwrap_or_else(|mut p| {
            problems.append(&mut p);
            ApiKeyStore::default()
        });
        let jwt = match &cfg.jwt {
            None => None,
            Some(j) => match JwtVerifier::from_config(j, base_dir, "auth") {
                Ok(v) => Some(v),
                Err(mut p) => {
                    problems.append(&mut p);
                    None
                }
            },
        };
        let mut certs = BTreeMap::new();
        for (i, c) in cfg.client_certs.iter().enumerate() {
            let path = format!("auth.client_cert[{i}]");
            if c.subject.is_empty() {
                problems.push(AuthProblem::new(
                    format!("{path}.subject"),
                    "cannot be empty",
                ));
            }
            if c.id.trim().is_empty() {
                problems.push(AuthProblem::new(format!("{path}.id"), "cannot be empty"));
            }
            for scope in &c.scopes {
                if let Some(why) = scope_problem(scope) {
                    problems.push(AuthProblem::new(format!("{path}.scopes"), why));
                }
            }
            let principal = Principal {
                id: c.id.clone(),
                scopes: Arc::new(c.scopes.iter().cloned().collect()),
                via: AuthMethod::ClientCert,
            };
            if certs.insert(c.subject.clone(), principal).is_some() {
                problems.push(AuthProblem::new(
                    format!("{path}.subject"),
                    "this subject is listed twice",
                ));
            }
        }
        if let Some(rl) = &cfg.rate_limit {
            super::config::rate_limit_problems(rl, "auth.rate_limit", &mut problems);
        }
        if cfg.require_auth
            && cfg.api_keys.is_empty()
            && cfg.jwt.is_none()
            && cfg.client_certs.is_empty()
        {
            problems.push(AuthProblem::new(
                "auth.require_auth",
                "routes require authentication, but no api_key, jwt or client_cert is configured",
            ));
        }
        if cfg.rate_limit_max_entries == 0 {
            problems.push(AuthProblem::new(
                "auth.rate_limit_max_entries",
                "must be at least 1",
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Authenticator {
            api_keys,
            jwt,
            certs,
        })
    }

    /// Whether API keys are configured (`X-API-Key` or `Authorization: ApiKey`).
    pub fn accepts_api_keys(&self) -> bool {
        !self.api_keys.is_empty()
    }

    /// Whether bearer tokens (JWT) are configured.
    pub fn accepts_jwt(&self) -> bool {
        self.jwt.is_some()
    }

    /// Whether JWT keys come from a `jwks_url`, so an unknown kid may be a rotation.
    pub fn has_remote_keys(&self) -> bool {
        self.jwt.as_ref().is_some_and(JwtVerifier::has_remote_keys)
    }

    /// Refetches the remote JWKS (within their cooldowns); see [`JwtVerifier`].
    pub async fn refetch_remote_keys(&self) {
        if let Some(jwt) = &self.jwt {
            jwt.refetch_remote_keys().await;
        }
    }

    /// Whether client-certificate subjects name principals (mTLS).
    pub fn accepts_client_certs(&self) -> bool {
        !self.certs.is_empty()
    }

    /// Who is calling. `Ok(None)`: no credentials at all (anonymous); `Err`: credentials
    /// were presented and are not acceptable (always a 401, even on public routes, so a
    /// client with a broken token finds out).
    ///
    /// `client_cert_subject` is the subject of a client certificate the TLS layer has
    /// already verified against its CA bundle; an unlisted subject carries no principal.
    pub fn authenticate(
        &self,
        headers: &HeaderMap,
        client_cert_subject: Option<&str>,
    ) -> Result<Option<Principal>, AuthError> {
        match credential(headers)? {
            Some(Credential::Bearer(token)) => match &self.jwt {
                Some(jwt) => jwt.verify(token).map(Some),
                None => Err(AuthError::JwtNotConfigured),
            },
            Some(Credential::ApiKey(key)) => self
                .api_keys
                .lookup(key)
                .map(Some)
                .ok_or(AuthError::UnknownApiKey),
            None => Ok(client_cert_subject.and_then(|s| self.certs.get(s).cloned())),
        }
    }
}

/// The one credential in the headers, if any.
fn credential(headers: &HeaderMap) -> Result<Option<Credential<'_>>, AuthError> {
    let auth = single(headers, AUTHORIZATION.as_str())?;
    let key = single(headers, X_API_KEY)?;
    match (auth, key) {
        (Some(_), Some(_)) => Err(AuthError::Ambiguous),
        (None, None) => Ok(None),
        (None, Some(key)) => Ok(Some(Credential::ApiKey(text(key)?.trim()))),
        (Some(auth), None) => {
            let text = text(auth)?.trim();
            let (scheme, rest) = text.split_once(' ').unwrap_or((text, ""));
            let value = rest.trim();
            if value.is_empty() {
                return Err(AuthError::Malformed("authorization without a value"));
            }
            if scheme.eq_ignore_ascii_case("bearer") {
                Ok(Some(Credential::Bearer(value)))
            } else if scheme.eq_ignore_ascii_case("apikey") {
                Ok(Some(Credential::ApiKey(value)))
            } else {
                Err(AuthError::UnsupportedScheme)
            }
        }
    }
}

/// The header's only value; two values are ambiguous.
fn single<'h>(headers: &'h HeaderMap, name: &str) -> Result<Option<&'h HeaderValue>, AuthError> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(AuthError::Ambiguous);
    }
    Ok(first)
}

fn text(value: &HeaderValue) -> Result<&str, AuthError> {
    // Bounded before anything else looks at it; the token limit is the largest.
    if value.len() > MAX_TOKEN_LEN + 16 {
        return Err(AuthError::Malformed("credential too long"));
    }
    let s = value
        .to_str()
        .map_err(|_| AuthError::Malformed("credential is not visible ASCII"))?;
    if s.trim().is_empty() {
        return Err(AuthError::Malformed("empty credential"));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use jsonwebtoken::Algorithm;

    use super::*;
    use crate::auth::api_key::hash_api_key;
    use crate::auth::config::{ApiKeyConfig, ClientCertConfig, JwtConfig, JwtKeyConfig};
    use crate::auth::test_keys::{claims, dir, sign, SECRET};

    const KEY: &str = "k3y-0f-the-batch-system-5d1c9e7a";

    fn config() -> AuthConfig {
        AuthConfig {
            api_keys: vec![ApiKeyConfig {
                id: "batch".into(),
                hash: hash_api_key(KEY),
                scopes: vec!["vehicles:read".into()],
            }],
            jwt: Some(JwtConfig {
                audience: vec!["ferrule".into()],
                issuer: vec![],
                leeway_secs: 30,
                scope_claim: "scope".into(),
                keys: vec![JwtKeyConfig {
                    kid: None,
                    algorithms: vec!["HS256".into()],
                    secret: Some(SECRET.into()),
                    secret_env: None,
                    public_key_pem: None,
                    jwks: None,
                    ..Default::default()
                }],
            }),
            client_certs: vec![ClientCertConfig {
                subject: "CN=batch,O=Force".into(),
                id: "batch-cert".into(),
                scopes: vec!["vehicles:read".into()],
            }],
            ..AuthConfig::default()
        }
    }

    fn auth() -> Authenticator {
        Authenticator::from_config(&config(), &dir()).unwrap()
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn shared_state_is_send_and_sync() {
        // Built once per config and shared by every request task.
        fn shared<T: Send + Sync>() {}
        shared::<Authenticator>();
        shared::<crate::auth::RateLimiter>();
        shared::<crate::auth::RoutePolicy>();
    }

    #[test]
    fn no_credentials_is_anonymous() {
        // Nothing presented, no certificate: Ok(None), not an error.
        assert_eq!(auth().authenticate(&HeaderMap::new(), None), Ok(None));
    }

    #[test]
    fn bearer_token_is_verified() {
        // A valid token gives its principal; the scheme is case-insensitive.
        let token = sign(Algorithm::HS256, "secret", None, &claims());
        for scheme in ["Bearer", "bearer", "BEARER"] {
            let h = headers(&[("authorization", &format!("{scheme} {token}"))]);
            let p = auth().authenticate(&h, None).unwrap().unwrap();
            assert_eq!((p.id.as_str(), p.via), ("alice", AuthMethod::Jwt));
        }
    }

    #[test]
    fn bad_bearer_token_is_an_error() {
        // A forged token is Err (401 invalid_token), never anonymous.
        let h = headers(&[("authorization", "Bearer a.b.c")]);
        assert_eq!(
            auth().authenticate(&h, None),
            Err(AuthError::MalformedToken)
        );
    }

    #[test]
    fn api_key_in_either_header() {
        // X-API-Key and `Authorization: ApiKey` both work; surrounding spaces are trimmed.
        for h in [
            headers(&[("x-api-key", KEY)]),
            headers(&[("authorization", &format!("ApiKey  {KEY} "))]),
        ] {
            let p = auth().authenticate(&h, None).unwrap().unwrap();
            assert_eq!((p.id.as_str(), p.via), ("batch", AuthMethod::ApiKey));
            assert!(p.scopes.contains("vehicles:read"));
        }
    }

    #[test]
    fn wrong_api_key_is_an_error() {
        // Unknown key: Err, whichever header carries it.
        let h = headers(&[("x-api-key", "guess")]);
        assert_eq!(auth().authenticate(&h, None), Err(AuthError::UnknownApiKey));
        let h = headers(&[("authorization", "ApiKey guess")]);
        assert_eq!(auth().authenticate(&h, None), Err(AuthError::UnknownApiKey));
    }

    #[test]
    fn two_credentials_are_ambiguous() {
        // Token and key together, or two Authorization headers: refused.
        let token = sign(Algorithm::HS256, "secret", None, &claims());
        let h = headers(&[
            ("authorization", &format!("Bearer {token}")),
            ("x-api-key", KEY),
        ]);
        assert_eq!(auth().authenticate(&h, None), Err(AuthError::Ambiguous));
        let h = headers(&[
            ("authorization", &format!("Bearer {token}")),
            ("authorization", &format!("ApiKey {KEY}")),
        ]);
        assert_eq!(auth().authenticate(&h, None), Err(AuthError::Ambiguous));
        let h = headers(&[("x-api-key", KEY), ("x-api-key", KEY)]);
        assert_eq!(auth().authenticate(&h, None), Err(AuthError::Ambiguous));
    }

    #[test]
    fn unreadable_headers_are_malformed() {
        // Other schemes, empty values, non-ASCII bytes and oversize values.
        let a = auth();
        let h = headers(&[("authorization", "Basic dXNlcjpwYXNz")]);
        assert_eq!(a.authenticate(&h, None), Err(AuthError::UnsupportedScheme));
        let h = headers(&[("authorization", "Bearer")]);
        assert!(matches!(
            a.authenticate(&h, None),
            Err(AuthError::Malformed(_))
        ));
        let h = headers(&[("authorization", "Bearer    ")]);
        assert!(matches!(
            a.authenticate(&h, None),
            Err(AuthError::Malformed(_))
        ));
        let h = headers(&[("x-api-key", "")]);
        assert!(matches!(
            a.authenticate(&h, None),
            Err(AuthError::Malformed(_))
        ));
        let mut h = HeaderMap::new();
        h.insert(
            "x-api-key",
            HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
        );
        assert!(matches!(
            a.authenticate(&h, None),
            Err(AuthError::Malformed(_))
        ));
        let h = headers(&[("authorization", &format!("Bearer {}", "a".repeat(20_000)))]);
        assert!(matches!(
            a.authenticate(&h, None),
            Err(AuthError::Malformed(_))
        ));
    }

    #[test]
    fn bearer_without_jwt_config_is_refused() {
        // Only API keys configured: a bearer token cannot be checked, so it is refused.
        let mut cfg = config();
        cfg.jwt = None;
        let a = Authenticator::from_config(&cfg, &dir()).unwrap();
        let token = sign(Algorithm::HS256, "secret", None, &claims());
        let h = headers(&[("authorization", &format!("Bearer {token}"))]);
        assert_eq!(a.authenticate(&h, None), Err(AuthError::JwtNotConfigured));
    }

    #[test]
    fn client_certificate_subject_counts_without_header_credentials() {
        // A listed subject is its principal; an unlisted one is anonymous; a header
        // credential takes precedence over the certificate.
        let a = auth();
        let p = a
            .authenticate(&HeaderMap::new(), Some("CN=batch,O=Force"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (p.id.as_str(), p.via),
            ("batch-cert", AuthMethod::ClientCert)
        );
        assert_eq!(
            a.authenticate(&HeaderMap::new(), Some("CN=other")),
            Ok(None)
        );
        let h = headers(&[("x-api-key", KEY)]);
        let p = a
            .authenticate(&h, Some("CN=batch,O=Force"))
            .unwrap()
            .unwrap();
        assert_eq!(p.via, AuthMethod::ApiKey);
    }

    #[test]
    fn config_problems_from_every_part_are_collected() {
        // Realm, API key, JWT, certificate and rate-limit problems in one list.
        let mut cfg = config();
        cfg.realm = "a\"b".into();
        cfg.api_keys[0].hash = "nope".into();
        if let Some(j) = cfg.jwt.as_mut() {
            j.audience.clear();
        }
        cfg.client_certs.push(cfg.client_certs[0].clone());
        cfg.rate_limit = Some(crate::auth::RateLimitConfig {
            per_second: 0.0,
            burst: 1,
            on_store_error: Default::default(),
        });
        cfg.rate_limit_max_entries = 0;
        let err = Authenticator::from_config(&cfg, &dir()).unwrap_err();
        let paths: Vec<&str> = err.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "auth.realm",
                "auth.api_key[0].hash",
                "auth.jwt.audience",
                "auth.client_cert[1].subject",
                "auth.rate_limit.per_second",
                "auth.rate_limit_max_entries",
            ]
        );
    }

    #[test]
    fn requiring_auth_with_no_way_to_authenticate_is_a_problem() {
        // An empty `[auth]` would lock every route; say so. Opting out is fine.
        let err = Authenticator::from_config(&AuthConfig::default(), &dir()).unwrap_err();
        assert_eq!(err[0].path, "auth.require_auth");
        let open = AuthConfig {
            require_auth: false,
            ..AuthConfig::default()
        };
        assert!(Authenticator::from_config(&open, &dir()).is_ok());
    }
}
