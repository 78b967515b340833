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
    realm: String,
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
        if cfg.realm.is_empty() || !cfg.realm.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
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
                problems.push(AuthProblem::new(format!("{path}.subject"), "cannot be empty"));
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
                scopes: c.scopes.iter().cloned().collect(),
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
            realm: cfg.realm.clone(),
            api_keys,
            jwt,
            certs,
        })
    }

    /// The realm named in `WWW-Authenticate` challenges.
    pub fn realm(&self) -> &str {
        &self.realm
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
