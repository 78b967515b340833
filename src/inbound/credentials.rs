//! How an inbound route proves itself to the modern API: nothing, a static bearer
//! token or an API key header from an environment variable, or OAuth2 client
//! credentials (RFC 6749 §4.4) with the token cached until shortly before it expires.
//!
//! Secrets are read from the environment at call time, never stored in the config or
//! logged; a rotated variable is picked up by the next token fetch.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderName, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Method, Request};

use super::text::percent;
use crate::config::inbound::{ClientAuth, OAuth2Config};
use crate::connector::http::{client, HttpClient};
use crate::connector::tls::BackendTls;

/// A token endpoint that does not answer in this time fails the call.
const TOKEN_TIMEOUT: Duration = Duration::from_secs(10);
/// A token is dropped this long before its stated expiry (clock skew, time in flight).
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);
/// How long a token without `expires_in` is kept.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(60);
/// Largest token response read.
const MAX_TOKEN_BODY: usize = 64 * 1024;

/// An inbound route's credentials.
#[derive(Debug, Clone)]
pub enum Credentials {
    None,
    Bearer { env: String },
    ApiKey { header: HeaderName, env: String },
    OAuth2(Arc<OAuth2>),
}

/// OAuth2 client credentials and the token cache.
pub struct OAuth2 {
    token_url: String,
    client_id_env: String,
    client_secret_env: String,
    scope: Option<String>,
    client_auth: ClientAuth,
    client: HttpClient,
    /// The token and when to stop using it; the lock also makes concurrent callers
    /// wait for one fetch instead of each fetching.
    cached: tokio::sync::Mutex<Option<(String, Instant)>>,
}

impl fmt::Debug for OAuth2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the token: only where it comes from.
        f.debug_struct("OAuth2")
            .field("token_url", &self.token_url)
            .field("client_id_env", &self.client_id_env)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    pub fn oauth2(c: &OAuth2Config, tls: Option<Arc<BackendTls>>) -> Credentials {
        Credentials::OAuth2(Arc::new(OAuth2 {
            token_url: c.token_url.clone(),
            client_id_env: c.client_id_env.clone(),
            client_secret_env: c.client_secret_env.clone(),
            scope: c.scope.clone(),
            client_auth: c.client_auth,
            client: client(tls, TOKEN_TIMEOUT, 1),
            cached: tokio::sync::Mutex::new(None),
        }))
    }

    /// An API key sent in the header `name`; names the HTTP layer or Ferrule sets
    /// itself are refused.
    pub fn api_key(name: &str, env: &str) -> Result<Credentials, String> {
        Ok(Credentials::ApiKey {
            header: super::target::header_name(name)?,
            env: env.to_string(),
        })
    }

    /// The header that carries the credentials and its value, if the route has any.
    pub async fn header(&self) -> Result<Option<(HeaderName, String)>, String> {
        let bearer = |t: String| Some((AUTHORIZATION, format!("Bearer {t}")));
        match self {
            Credentials::None => Ok(None),
            Credentials::Bearer { env } => env_var(env).map(bearer),
            Credentials::ApiKey { header, env } => env_var(env).map(|k| Some((header.clone(), k))),
            Credentials::OAuth2(o) => o.token().await.map(bearer),
        }
    }

    /// The API refused the token (401): fetch a new one next time.
    pub async fn forget(&self) {
        if let Credentials::OAuth2(o) = self {
            *o.cached.lock().await = None;
        }
    }
}

fn env_var(name: &str) -> Result<String, String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(v),
        _ => Err(format!("environment variable {name} is not set")),
    }
}

impl OAuth2 {
    async fn token(&self) -> Result<String, String> {
        let mut cached = self.cached.lock().await;
        if let Some((token, until)) = cached.as_ref() {
            if Instant::now() < *until {
                return Ok(token.clone());
            }
        }
        let (token, lifetime) = tokio::time::timeout(TOKEN_TIMEOUT, self.fetch())
            .await
            .map_err(|_| format!("token endpoint {}: no answer in time", self.token_url))??;
        let keep = lifetime.saturating_sub(EXPIRY_MARGIN.min(lifetime / 2));
        *cached = Some((token.clone(), Instant::now() + keep));
        Ok(token)
    }

    /// POSTs the client-credentials grant; the client authenticates with HTTP Basic
    /// (which RFC 6749 §2.3.1 requires every server to accept) or, when configured, with
    /// its id and secret in the form body.
    async fn fetch(&self) -> Result<(String, Duration), String> {
        let id = env_var(&self.client_id_env)?;
        let secret = env_var(&self.client_secret_env)?;
        let mut form = "grant_type=client_credentials".to_string();
        if let Some(s) = &self.scope {
            form.push_str(&format!("&scope={}", percent(s)));
        }
        let at = &self.token_url;
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(at)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        match self.client_auth {
            ClientAuth::Basic => {
                let basic = base64::engine::general_purpose::STANDARD.encode(format!(
                    "{}:{}",
                    percent(&id),
                    percent(&secret)
                ));
                req = req.header(AUTHORIZATION, format!("Basic {basic}"));
            }
            ClientAuth::Body => form.push_str(&format!(
                "&client_id={}&client_secret={}",
                percent(&id),
                percent(&secret)
            )),
        }
        let req = req
            .body(Full::new(Bytes::from(form)))
            .map_err(|e| format!("token endpoint {at}: {e}"))?;
        let res = self
            .client
            .request(req)
            .await
            .map_err(|e| format!("token endpoint {at}: {e}"))?;
        let status = res.status();
        let body = Limited::new(res.into_body(), MAX_TOKEN_BODY)
            .collect()
            .await
            .map_err(|e| format!("token endpoint {at}: {e}"))?
            .to_bytes();
        if !status.is_success() {
            return Err(format!("token endpoint {at} answered {status}"));
        }
        token_from(&body).map_err(|m| format!("token endpoint {at}: {m}"))
    }
}

/// `access_token` and its lifetime from a token response.
fn token_from(body: &[u8]) -> Result<(String, Duration), String> {
    let v: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("answer is not JSON: {e}"))?;
    let token = v
        .get("access_token")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .ok_or("answer has no access_token")?;
    let lifetime = v
        .get("expires_in")
        .and_then(|e| e.to_string().trim_matches('"').parse::<u64>().ok())
        .map_or(DEFAULT_LIFETIME, Duration::from_secs);
    Ok((token.to_string(), lifetime))
}

#[cfg(test)]
mod tests;
