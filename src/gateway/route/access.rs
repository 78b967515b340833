//! Who is calling, whether they may, and whether they are within their rate: decided
//! from the request's headers (and the client certificate) alone, before the body is read.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request};

use super::{Learnt, RouteCtx};
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
        ctx.guard
            .limiter
            .check(&who, &route, limit)
            .map_err(|wait| ApiError::RateLimited {
                retry_after_secs: retry_after_secs(wait),
            })?;
    }
    Ok(())
}
