//! `[auth]`, `[audit]` and each route's `auth` table and `audit_keys`, validated into what
//! the gateway serves with. Auth problems keep their config paths (`auth.jwt.key[0]`,
//! `route[2].auth.purposes`).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ferrule_parsers::layout::Layout;

use super::model::{AuditFileConfig, Config, RouteConfig};
use super::validate::Problem;
use crate::audit::{AuditConfig, FlushPolicy};
use crate::auth::{AuthConfig, AuthProblem, Authenticator, RoutePolicy};

/// The server-wide security settings of a validated config.
#[derive(Debug, Clone, Default)]
pub struct Security {
    /// `None`: no `[auth]`, every route is open.
    pub authenticator: Option<Arc<Authenticator>>,
    /// Bound on the rate limiter's buckets.
    pub rate_limit_max_entries: usize,
    /// `None`: no `[audit]`, calls are not audited.
    pub audit: Option<AuditConfig>,
}

fn problem(p: AuthProblem) -> Problem {
    Problem {
        path: p.path,
        message: p.message,
    }
}

/// `[auth]` and `[audit]`; every problem is pushed to `out`.
pub fn server(config: &Config, base: &Path, out: &mut Vec<Problem>) -> Security {
    let authenticator = config.auth.as_ref().and_then(|a| {
        Authenticator::from_config(a, base)
            .map_err(|ps| out.extend(ps.into_iter().map(problem)))
            .ok()
            .map(Arc::new)
    });
    let rate_limit_max_entries = config.auth.as_ref().map_or(1, |a| a.rate_limit_max_entries);
    let audit = config.audit.as_ref().and_then(|a| audit(a, base, out));
    Security {
        authenticator,
        rate_limit_max_entries,
        audit,
    }
}

fn audit(a: &AuditFileConfig, base: &Path, out: &mut Vec<Problem>) -> Option<AuditConfig> {
    let mut bad = |path: &str, message: String| {
        out.push(Problem {
            path: format!("audit.{path}"),
            message,
        })
    };
    if a.path.trim().is_empty() {
        bad("path", "cannot be empty".into());
    }
    let flush = match a.flush.as_str() {
        "every_line" => FlushPolicy::EveryLine,
        "os" => FlushPolicy::Os,
        "interval" if a.interval_ms > 0 => {
            FlushPolicy::Interval(Duration::from_millis(a.interval_ms))
        }
        "interval" => {
            bad("interval_ms", "must be at least 1".into());
            FlushPolicy::EveryLine
        }
        other => {
            bad(
                "flush",
                format!("`{other}`: expected every_line, interval or os"),
            );
            FlushPolicy::EveryLine
        }
    };
    if a.rotate_bytes == Some(0) {
        bad("rotate_bytes", "must be at least 1".into());
    }
    let hmac_key = match &a.hmac_key_env {
        None => None,
        Some(var) => match std::env::var(var) {
            Ok(k) if !k.is_empty() => Some(k.into_bytes()),
            _ => {
                bad(
                    "hmac_key_env",
                    format!("environment variable `{var}` is not set (or empty)"),
                );
                None
            }
        },
    };
    for (i, k) in a.keys.iter().enumerate() {
        if k.split('.').any(str::is_empty) {
            bad(&format!("keys[{i}]"), "a dotted path of field names".into());
        }
    }
    let mut cfg = AuditConfig::new(base.join(&a.path));
    cfg.flush = flush;
    cfg.rotate_bytes = a.rotate_bytes;
    cfg.hmac_key = hmac_key;
    Some(cfg)
}

/// A route's policy and audit key fields.
pub type RouteSecurity = (Arc<RoutePolicy>, Vec<(String, Vec<String>)>);

/// A route's policy (open without `[auth]`) and its audit key fields, as
/// `(dotted name, path)`. Problems are `(path under the route, message)`.
pub fn route(
    r: &RouteConfig,
    config: &Config,
    request: Option<&Layout>,
    field_exists: &dyn Fn(&Layout, &[String]) -> bool,
) -> Result<RouteSecurity, Vec<(String, String)>> {
    let mut ps = Vec::new();
    let policy = match (&config.auth, &r.auth) {
        (Some(server), route) => {
            RoutePolicy::from_config(&route.clone().unwrap_or_default(), server, "auth")
                .map_err(|e| ps.extend(e.into_iter().map(|p| (p.path, p.message))))
                .ok()
        }
        (None, Some(route)) => {
            // Route rules without `[auth]` would be checked against nothing: refuse
            // rather than silently serve the route open.
            ps.push((
                "auth".into(),
                "needs an [auth] section (credentials to check against)".into(),
            ));
            RoutePolicy::from_config(route, &AuthConfig::default(), "auth").ok()
        }
        (None, None) => Some(RoutePolicy::open()),
    };
    let names: Vec<String> = match (&r.audit_keys, &config.audit) {
        (Some(own), _) => own.clone(),
        (None, Some(a)) => a.keys.clone(),
        (None, None) => Vec::new(),
    };
    let explicit = r.audit_keys.is_some();
    let mut keys = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let path: Vec<String> = name.split('.').map(str::to_string).collect();
        let known = request.is_none_or(|l| field_exists(l, &path));
        if path.iter().any(String::is_empty) || (explicit && !known) {
            ps.push((
                format!("audit_keys[{i}]"),
                format!("no field `{name}` in the request layout"),
            ));
        } else if known {
            // A server-wide key field a route's request does not have is skipped there.
            keys.push((name.clone(), path));
        }
    }
    match policy {
        Some(p) if ps.is_empty() => Ok((Arc::new(p), keys)),
        _ => Err(ps),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        toml::from_str(&format!("[server]\n{text}")).unwrap()
    }

    #[test]
    fn every_server_problem_is_listed_with_its_path() {
        // A bad flush, an unset key variable and a JWT section without keys: all three.
        let c = config(
            r#"
            [auth]
            [auth.jwt]
            audience = ["ferrule"]
            [audit]
            path = "a.log"
            flush = "sometimes"
            hmac_key_env = "FERRULE_TEST_SURELY_UNSET_VARIABLE"
            "#,
        );
        let mut out = Vec::new();
        let s = server(&c, Path::new("/etc/ferrule"), &mut out);
        let paths: Vec<&str> = out.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"audit.flush"), "{paths:?}");
        assert!(paths.contains(&"audit.hmac_key_env"), "{paths:?}");
        assert!(paths.iter().any(|p| p.starts_with("auth.jwt")), "{paths:?}");
        assert!(s.authenticator.is_none());
    }

    #[test]
    fn audit_settings_resolve_against_the_config_folder() {
        // `interval` takes its interval; the path is relative to the config file.
        let c = config("[audit]\npath = \"a.log\"\nflush = \"interval\"\ninterval_ms = 50\n");
        let mut out = Vec::new();
        let s = server(&c, Path::new("/etc/ferrule"), &mut out);
        assert!(out.is_empty(), "{out:?}");
        let a = s.audit.unwrap();
        assert_eq!(a.path, Path::new("/etc/ferrule/a.log"));
        assert_eq!(a.flush, FlushPolicy::Interval(Duration::from_millis(50)));
        // `interval` with a zero interval is refused.
        let c = config("[audit]\npath = \"a.log\"\nflush = \"interval\"\ninterval_ms = 0\n");
        let mut out = Vec::new();
        server(&c, Path::new("."), &mut out);
        assert_eq!(out[0].path, "audit.interval_ms");
    }

    fn route_config(extra: &str) -> RouteConfig {
        toml::from_str(&format!(
            "method = \"GET\"\npath = \"/x\"\nbackend = \"b\"\n\
             request = {{ copybook = \"q.cpy\" }}\nresponse = {{ copybook = \"r.cpy\" }}\n{extra}"
        ))
        .unwrap()
    }

    #[test]
    fn route_rules_need_an_auth_section_and_known_key_fields() {
        let layout = ferrule_parsers::registry::load(
            "01 R.\n   05 VRM PIC X(8).\n",
            "q.cpy",
            None,
            &Default::default(),
        )
        .unwrap();
        let exists = |_: &Layout, p: &[String]| p == ["vrm"];
        // Without [auth], a route's auth table is refused rather than served open.
        let r = route_config("audit_keys = [\"vrm\", \"nope\"]\nauth = { scopes = [\"a:b\"] }");
        let c = config("");
        let Err(ps) = route(&r, &c, Some(&layout), &exists) else {
            panic!("expected problems");
        };
        let paths: Vec<&str> = ps.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(paths, ["auth", "audit_keys[1]"]);
        // No [auth] and no table: open. Server-wide keys a route lacks are skipped.
        let c = config("[audit]\npath = \"a\"\nkeys = [\"vrm\", \"other\"]\n");
        let (policy, keys) = route(&route_config(""), &c, Some(&layout), &exists).unwrap();
        assert_eq!(*policy, RoutePolicy::open());
        assert_eq!(keys, [("vrm".to_string(), vec!["vrm".to_string()])]);
    }

    #[test]
    fn route_auth_problems_keep_their_paths() {
        // A purpose list without require_purpose, reported under the route's `auth`.
        let c = config("[auth]\nrequire_auth = false\n");
        let r = route_config("auth = { purposes = [\"CRIME\"] }");
        let Err(ps) = route(&r, &c, None, &|_, _| true) else {
            panic!("expected problems");
        };
        assert_eq!(ps[0].0, "auth.purposes");
    }
}
