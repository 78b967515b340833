//! The live security state of one config version: the authenticator, the rate limiter
//! and the audit log, carried over a reload where they must be (one writer per audit
//! file, buckets that do not refill just because the config was reloaded).

use super::client_addr::TrustedProxies;
use crate::auth::shared_limit::SharedLimiter;
use std::path::PathBuf;
use std::sync::Arc;

use crate::audit::AuditLog;
use crate::auth::{Authenticator, RateLimiter};
use crate::config::{Problem, Security};

/// What every route of one live state checks calls with.
pub struct Guard {
    /// `None`: no `[auth]`; every caller is anonymous and routes are open.
    pub authenticator: Option<Arc<Authenticator>>,
    pub limiter: Arc<RateLimiter>,
    limiter_entries: usize,
    /// `None`: no `[audit]`.
    pub audit: Option<AuditLog>,
    audit_path: Option<PathBuf>,
    /// Whose forwarding headers name the caller (rate limits, the audit line).
    pub trusted_proxies: Arc<TrustedProxies>,
    /// Rate-limit buckets in Redis, shared by replicas (`None`: `limiter` only).
    pub shared_limiter: Option<Arc<SharedLimiter>>,
}

impl Guard {
    /// No auth, no limits, no audit (what handler tests run with).
    #[cfg(test)]
    pub fn open() -> Self {
        Guard {
            authenticator: None,
            limiter: Arc::new(RateLimiter::new(1)),
            limiter_entries: 1,
            audit: None,
            audit_path: None,
            trusted_proxies: Arc::default(),
            shared_limiter: None,
        }
    }

    /// Builds the guard for `security`, keeping `previous`'s audit log when the path is
    /// the same (a second writer would fork the chain) and its rate limiter when its size
    /// is. Opening a new audit log is blocking file I/O, done once per (re)load.
    pub fn build(security: &Security, previous: Option<&Guard>) -> Result<Guard, Vec<Problem>> {
        let entries = security.rate_limit_max_entries;
        let limiter = previous
            .filter(|p| p.limiter_entries == entries)
            .map_or_else(
                || Arc::new(RateLimiter::new(entries)),
                |p| p.limiter.clone(),
            );
        let audit_path = security.audit.as_ref().map(|a| a.path.clone());
        // A failed log refuses every call until reopened; a reload is the way to reopen
        // it (its writer has stopped, so the new one is the only writer).
        let kept = previous
            .filter(|p| p.audit_path.is_some() && p.audit_path == audit_path)
            .and_then(|p| p.audit.clone())
            .filter(|log| !log.is_failed());
        let audit = match (&security.audit, kept) {
            (None, _) => None,
            (Some(_), Some(log)) => {
                tracing::info!(
                    "audit log kept open (same path); its other settings take effect on restart"
                );
                Some(log)
            }
            (Some(cfg), None) => Some(AuditLog::open(cfg.clone()).map_err(|e| {
                vec![Problem {
                    path: "audit.path".into(),
                    message: format!("cannot open the audit log: {e}"),
                }]
            })?),
        };
        // The same store keeps its connection across a reload.
        let shared_limiter = match &security.shared_limits {
            None => None,
            Some(settings) => match previous
                .and_then(|p| p.shared_limiter.clone())
                .filter(|l| l.settings() == settings)
            {
                Some(kept) => Some(kept),
                None => Some(Arc::new(SharedLimiter::new(settings.clone()).map_err(
                    |message| {
                        vec![Problem {
                            path: "server.rate_limits.redis_url".into(),
                            message,
                        }]
                    },
                )?)),
            },
        };
        Ok(Guard {
            authenticator: security.authenticator.clone(),
            limiter,
            limiter_entries: entries,
            audit,
            audit_path,
            trusted_proxies: security.trusted_proxies.clone(),
            shared_limiter,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditConfig;

    fn event() -> crate::audit::AuditEvent {
        crate::audit::AuditEvent {
            time: std::time::SystemTime::now(),
            request_id: "r".into(),
            trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
            principal: None,
            client_addr: "127.0.0.1:1".into(),
            route: "/x".into(),
            method: "GET".into(),
            purpose: None,
            keys: vec![],
            status: 200,
            latency_ms: 1.0,
            backend_ms: None,
            direction: None,
            outcome: None,
        }
    }

    #[test]
    fn the_audit_log_is_kept_when_its_path_is() {
        let dir = tempfile::tempdir().unwrap();
        let security = Security {
            audit: Some(AuditConfig::new(dir.path().join("a.log"))),
            ..Security::default()
        };
        let first = Guard::build(&security, None).unwrap();
        let second = Guard::build(&security, Some(&first)).unwrap();
        // The same writer: a line through one is the head of the other.
        let (a, b) = (first.audit.unwrap(), second.audit.unwrap());
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(a.record(event())).unwrap();
        assert_eq!(b.head().0, 1);
    }

    #[test]
    fn a_failed_audit_log_is_reopened_on_reload() {
        // After a write error the old log refuses everything; a reload opens a fresh one.
        let dir = tempfile::tempdir().unwrap();
        let security = Security {
            audit: Some(AuditConfig::new(dir.path().join("a.log"))),
            ..Security::default()
        };
        let first = Guard::build(&security, None).unwrap();
        let old = first.audit.clone().unwrap();
        old.inject_write_failure();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert!(rt.block_on(old.record(event())).is_err());
        assert!(old.is_failed());
        let second = Guard::build(&security, Some(&first)).unwrap();
        let new = second.audit.unwrap();
        assert!(!new.is_failed());
        rt.block_on(new.record(event())).unwrap();
    }

    #[test]
    fn an_audit_log_that_cannot_open_is_a_problem() {
        // A directory is not a log file.
        let dir = tempfile::tempdir().unwrap();
        let security = Security {
            audit: Some(AuditConfig::new(dir.path())),
            ..Security::default()
        };
        let Err(ps) = Guard::build(&security, None) else {
            panic!("expected a problem");
        };
        assert_eq!(ps[0].path, "audit.path");
    }
}
