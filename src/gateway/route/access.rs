//! Who is calling, whether they may, and whether they are within their rate: decided
//! from the request's headers (and the client certificate) alone, before the body is read.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request};

use super::{Learnt, RouteCtx};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::auth::config::{RateLimitConfig, StoreErrorPolicy};
use crate::auth::{authorise, rate_key, retry_after_secs, AuthError, Decision};
use crate::gateway::problem::ApiError;
use crate::gateway::tls::ClientCert;

/// Admits the call or says why not; the principal and purpose go into `learnt` either
/// way, for the audit line.
pub(super) fn admit(ctx: &RouteCtx, req: &Request, learnt: &mut Learnt) -> Result<(), ApiError> {
    let policy = &ctx.spec.policy;
    let auth = match &ctx.guard.authenticator {
        // A client certificate the TLS listener verified (mTLS) can name the caller too.
        Some(a) => {
            let cert = req.extensions().get::<ClientCert>();
            a.authenticate(req.headers(), cert.map(|c| c.subject.as_str()))
        }
        None => Ok(None),
    };
    match authorise(policy, auth, req.headers()) {
        Decision::Allow { principal, purpose } => {
            learnt.principal = principal;
            learnt.purpose = purpose;
        }
        Decision::Unauthenticated {
            www_authenticate,
            error,
        } => {
            learnt.unknown_key = matches!(error, Some(AuthError::UnknownKey));
            if let Some(e) = error {
                tracing::info!(route = %ctx.spec.path, reason = e.kind(), "credentials refused");
            }
            return Err(ApiError::Unauthenticated {
                challenge: www_authenticate,
            });
        }
        Decision::Forbidden { principal } => {
            learnt.principal = Some(principal);
            return Err(ApiError::Forbidden);
        }
        Decision::BadPurpose { principal, reason } => {
            learnt.principal = principal;
            return Err(ApiError::InvalidPurpose(reason));
        }
    }
    // The caller's address behind trusted proxies: for the rate key and the audit line.
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    let ip = ctx.guard.trusted_proxies.client(peer, req.headers());
    if ip != peer {
        learnt.client = Some(ip);
    }
    if let Some(limit) = &policy.rate_limit {
        let who = rate_key(learnt.principal.as_ref(), ip);
        let route = format!("{} {}", ctx.spec.method, ctx.spec.path);
        if ctx.guard.shared_limiter.is_some() {
            // Shared buckets are a network call: the caller awaits [`shared_limit`].
            learnt.shared_check = Some((who, route));
        } else {
            local_limit(ctx, &who, &route, limit)?;
        }
    }
    Ok(())
}

/// This replica's own bucket.
fn local_limit(
    ctx: &RouteCtx,
    who: &str,
    route: &str,
    limit: &RateLimitConfig,
) -> Result<(), ApiError> {
    ctx.guard
        .limiter
        .check(who, route, limit)
        .map_err(|wait| ApiError::RateLimited {
            retry_after_secs: retry_after_secs(wait),
        })
}

/// The shared bucket in Redis; when the store fails, the route's `on_store_error`:
/// this replica's bucket, or 503.
pub(super) async fn shared_limit(ctx: &RouteCtx, who: &str, route: &str) -> Result<(), ApiError> {
    let (Some(store), Some(limit)) = (&ctx.guard.shared_limiter, &ctx.spec.policy.rate_limit)
    else {
        return Ok(());
    };
    match store.check(who, route, limit).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(wait)) => Err(ApiError::RateLimited {
            retry_after_secs: retry_after_secs(wait),
        }),
        Err(e) => {
            let fallback = match limit.on_store_error {
                StoreErrorPolicy::Local => "local",
                StoreErrorPolicy::FailClosed => "fail_closed",
            };
            metrics::counter!("ferrule_rate_limit_store_errors_total", "fallback" => fallback)
                .increment(1);
            if STORE_ERROR_LOG.allows() {
                tracing::warn!(route = %ctx.spec.path, fallback, "{e}");
            }
            match limit.on_store_error {
                StoreErrorPolicy::Local => local_limit(ctx, who, route, limit),
                StoreErrorPolicy::FailClosed => Err(ApiError::RateLimitUnavailable),
            }
        }
    }
}

/// At most one store-error line a second: with Redis down every limited call fails.
static STORE_ERROR_LOG: LogGate = LogGate(AtomicU64::new(0));

struct LogGate(AtomicU64);

impl LogGate {
    fn allows(&self) -> bool {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.0.swap(now, Ordering::Relaxed) != now
    }
}
