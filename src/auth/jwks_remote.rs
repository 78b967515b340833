//! A JWKS fetched from the identity provider over HTTPS (`jwks_url`) and kept fresh, so
//! that signing keys rotate without a restart or a SIGHUP.
//!
//! - The set starts empty: the first token (or the first scheduled refresh) fetches it.
//! - Verifying a token starts a background refresh when the set is older than `refresh`.
//! - A token whose `kid` no key carries makes its call wait for a fresh fetch, at most
//!   once per `cooldown` (random kids cannot flood the IdP); the call then retries once.
//! - A failed fetch (IdP down, an error status, a bad document) keeps the last good keys
//!   and logs a warning; `ferrule_jwks_refresh_total{result}` counts both outcomes.
//! - HTTPS only, trusting the `jwks_ca` bundle only; the body is capped at 1 MiB.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderValue, ACCEPT};
use hyper::{Request, Uri};
use jsonwebtoken::{Algorithm, Validation};

use super::config::{AuthProblem, JwtKeyConfig};
use super::jwt::VerifyKey;
use super::jwt_keys::parse_jwks;
use crate::connector::http::{client, error_chain, parse_url, HttpClient};
use crate::connector::tls::BackendTls;

/// Default seconds between scheduled refreshes.
pub const DEFAULT_REFRESH_SECS: u64 = 300;
/// Default least seconds between two fetches.
pub const DEFAULT_COOLDOWN_SECS: u64 = 10;
/// Connect, then answer: each bounded by this.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// A JWKS document larger than this is refused (real ones are a few KiB).
const MAX_JWKS_BYTES: usize = 1024 * 1024;

/// One `[[auth.jwt.key]]` with `jwks_url`.
pub struct RemoteJwks {
    url: Uri,
    client: HttpClient,
    algorithms: Vec<Algorithm>,
    /// The claim rules every key gets (its own algorithms set per key).
    rules: Validation,
    keys: ArcSwap<Vec<VerifyKey>>,
    /// The last fetch started (for the cooldown).
    attempted: Mutex<Option<Instant>>,
    /// When the next scheduled refresh is due, in ms since `epoch`: read by every token,
    /// so an atomic load instead of the `attempted` lock (taken only when fetching).
    due_ms: AtomicU64,
    epoch: Instant,
    /// A scheduled refresh is running (at most one at a time).
    refreshing: AtomicBool,
    /// Fetches one at a time: callers waiting behind one see its result.
    gate: tokio::sync::Mutex<()>,
    refresh: Duration,
    cooldown: Duration,
}

impl std::fmt::Debug for RemoteJwks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteJwks")
            .field("url", &self.url)
            .field("keys", &self.keys.load().len())
            .finish()
    }
}

impl RemoteJwks {
    /// Checks the URL, loads the CA bundle; fetches nothing (`check` needs no network).
    pub fn from_config(
        k: &JwtKeyConfig,
        url: &str,
        algorithms: Vec<Algorithm>,
        rules: Validation,
        base_dir: &Path,
        path: &str,
    ) -> Result<RemoteJwks, Vec<AuthProblem>> {
        let problem = |field: &str, msg: String| AuthProblem::new(format!("{path}.{field}"), msg);
        let mut problems = Vec::new();
        if k.kid.is_some() {
            problems.push(problem("kid", "a JWKS brings its own kids".into()));
        }
        let refresh = k.jwks_refresh_secs.unwrap_or(DEFAULT_REFRESH_SECS);
        let cooldown = k.jwks_cooldown_secs.unwrap_or(DEFAULT_COOLDOWN_SECS);
        if refresh == 0 {
            problems.push(problem("jwks_refresh_secs", "must be at least 1".into()));
        }
        if cooldown == 0 {
            problems.push(problem("jwks_cooldown_secs", "must be at least 1".into()));
        }
        let uri = match parse_url(url) {
            Ok(u) if u.scheme_str() == Some("https") => Some(u),
            Ok(_) => {
                problems.push(problem(
                    "jwks_url",
                    format!("`{url}`: keys are fetched over https only"),
                ));
                None
            }
            Err(e) => {
                problems.push(problem("jwks_url", e));
                None
            }
        };
        let tls = match (&k.jwks_ca, &uri) {
            (None, _) => {
                problems.push(problem(
                    "jwks_ca",
                    "required with jwks_url: the CA bundle (PEM) that signs the IdP's certificate"
                        .into(),
                ));
                None
            }
            (Some(ca), Some(u)) => {
                let host = u.host().unwrap_or_default().trim_matches(['[', ']']);
                BackendTls::load(&base_dir.join(ca), None, host)
                    .map_err(|e| problems.push(problem("jwks_ca", e)))
                    .ok()
            }
            (Some(_), None) => None,
        };
        match (uri, tls) {
            (Some(url), Some(tls)) if problems.is_empty() => Ok(RemoteJwks {
                url,
                client: client(Some(Arc::new(tls)), FETCH_TIMEOUT, 1),
                algorithms,
                rules,
                keys: ArcSwap::from_pointee(Vec::new()),
                attempted: Mutex::new(None),
                due_ms: AtomicU64::new(0),
                epoch: Instant::now(),
                refreshing: AtomicBool::new(false),
                gate: tokio::sync::Mutex::new(()),
                refresh: Duration::from_secs(refresh),
                cooldown: Duration::from_secs(cooldown),
            }),
            _ => Err(problems),
        }
    }

    /// The keys of the last good fetch.
    pub fn keys(&self) -> arc_swap::Guard<Arc<Vec<VerifyKey>>> {
        self.keys.load()
    }

    /// Starts a background refresh when the set is due one (none yet, or older than
    /// `refresh`) and the cooldown allows; never waits. Outside a runtime, does nothing.
    pub fn refresh_if_due(self: &Arc<Self>) {
        let due = self.now_ms() >= self.due_ms.load(Ordering::Acquire);
        if !due || self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.refreshing.store(false, Ordering::Release);
            return;
        };
        let me = Arc::clone(self);
        runtime.spawn(async move {
            me.fetch_unless_cooling().await;
            me.refreshing.store(false, Ordering::Release);
        });
    }

    /// Fetches the set now unless one was fetched (or tried) within the cooldown; a
    /// call that found no key for its token's kid waits on this, then retries.
    pub async fn fetch_unless_cooling(&self) {
        let _one_at_a_time = self.gate.lock().await;
        {
            let mut attempted = self
                .attempted
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if attempted.is_some_and(|t| t.elapsed() < self.cooldown) {
                return;
            }
            *attempted = Some(Instant::now());
            // A failure is retried once the cooldown has passed.
            self.due_ms
                .store(self.now_ms() + ms(self.cooldown), Ordering::Release);
        }
        match self.fetch().await {
            Ok(keys) => {
                metrics::counter!("ferrule_jwks_refresh_total", "result" => "ok").increment(1);
                metrics::gauge!("ferrule_jwks_keys", "url" => self.url.to_string())
                    .set(keys.len() as f64);
                tracing::info!(url = %self.url, keys = keys.len(), "JWKS fetched");
                self.keys.store(Arc::new(keys));
                let wait = ms(self.refresh.max(self.cooldown));
                self.due_ms.store(self.now_ms() + wait, Ordering::Release);
            }
            Err(e) => {
                metrics::counter!("ferrule_jwks_refresh_total", "result" => "error").increment(1);
                tracing::warn!(
                    url = %self.url,
                    keys_kept = self.keys.load().len(),
                    "JWKS refresh failed, keeping the last good keys: {e}"
                );
            }
        }
    }

    fn now_ms(&self) -> u64 {
        ms(self.epoch.elapsed())
    }

    async fn fetch(&self) -> Result<Vec<VerifyKey>, String> {
        let mut req = Request::get(self.url.clone())
            .body(Full::new(Bytes::new()))
            .map_err(|e| e.to_string())?;
        req.headers_mut()
            .insert(ACCEPT, HeaderValue::from_static("application/json"));
        let res = tokio::time::timeout(FETCH_TIMEOUT, self.client.request(req))
            .await
            .map_err(|_| format!("no answer within {FETCH_TIMEOUT:?}"))?
            .map_err(|e| format!("cannot fetch: {}", error_chain(&e)))?;
        if !res.status().is_success() {
            return Err(format!("the IdP answered {}", res.status()));
        }
        let body = tokio::time::timeout(
            FETCH_TIMEOUT,
            Limited::new(res.into_body(), MAX_JWKS_BYTES).collect(),
        )
        .await
        .map_err(|_| format!("the body did not arrive within {FETCH_TIMEOUT:?}"))?
        .map_err(|e| format!("reading the body: {e}"))?
        .to_bytes();
        let loaded = parse_jwks(&body, &self.algorithms, &self.url.to_string())?;
        Ok(loaded
            .into_iter()
            .map(|(kid, algorithms, key)| {
                let mut validation = self.rules.clone();
                validation.algorithms = algorithms;
                VerifyKey {
                    kid,
                    key,
                    validation,
                }
            })
            .collect())
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX / 2)
}
