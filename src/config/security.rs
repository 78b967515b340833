//! `[auth]`, `[audit]` and each route's `auth` table and `audit_keys`, validated into what
//! the gateway serves with. Auth problems keep their config paths (`auth.jwt.key[0]`,
//! `route[2].auth.purposes`). The `[audit]` table itself is modelled here
//! ([`AuditFileConfig`]); its defaults are the audit module's own.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ferrule_parsers::layout::Layout;
use serde::Deserialize;

use super::model::{Config, RateLimitsConfig, RouteConfig};
use super::validate::Problem;
use crate::audit::checkpoint::DEFAULT_EVERY_LINES;
use crate::audit::{AuditConfig, Checkpointing, FlushPolicy};
use crate::auth::shared_limit::{SharedLimiter, SharedStoreSettings};
use crate::auth::{AuthConfig, AuthProblem, Authenticator, RoutePolicy};
use crate::gateway::client_addr::TrustedProxies;

/// `[audit]` as written. Paths are relative to the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditFileConfig {
    /// The live log file.
    pub path: String,
    /// `os`, `every_line` or `interval` (then `interval_ms`). Absent:
    /// [`FlushPolicy::default()`], the one statement of the default (docs/security.md).
    pub flush: Option<String>,
    /// The fsync interval of `flush = "interval"`.
    #[serde(default = "default_interval_ms")]
    pub interval_ms: u64,
    /// Rotate the live file before it would grow past this size.
    pub rotate_bytes: Option<u64>,
    /// Environment variable holding the key that key-field values are HMACed with;
    /// without it they are recorded as sent.
    pub hmac_key_env: Option<String>,
    /// Environment variable holding the chain key: line hashes become HMACs under it, so
    /// a rewritten log cannot be re-sealed without it. One of this and `chain_key_file`.
    pub chain_key_env: Option<String>,
    /// File holding the chain key (its bytes, as is, like `audit verify --chain-key-file`).
    pub chain_key_file: Option<String>,
    /// Where the chain's head is copied, so lines cut off the end can be detected.
    pub checkpoint_file: Option<String>,
    /// Copy the head after this many lines (also at start and at shutdown). Needs
    /// `checkpoint_file`; default [`DEFAULT_EVERY_LINES`].
    pub checkpoint_every_lines: Option<u64>,
    /// Request fields (dotted JSON paths) recorded on every route that has them, unless
    /// the route lists its own `audit_keys`.
    #[serde(default)]
    pub keys: Vec<String>,
}

fn default_interval_ms() -> u64 {
    100
}

/// The server-wide security settings of a validated config.
#[derive(Debug, Clone, Default)]
pub struct Security {
    /// `None`: no `[auth]`, every route is open.
    pub authenticator: Option<Arc<Authenticator>>,
    /// Bound on the rate limiter's buckets.
    pub rate_limit_max_entries: usize,
    /// `None`: no `[audit]`, calls are not audited.
    pub audit: Option<AuditConfig>,
    /// `[server] trusted_proxies`: whose forwarding headers name the caller.
    pub trusted_proxies: Arc<TrustedProxies>,
    /// `[server.rate_limits] store = "redis"`: buckets shared by every replica.
    pub shared_limits: Option<SharedStoreSettings>,
    /// What is allowed but weakens the guarantees (an audit log without a chain key):
    /// `ferrule check` prints them, `serve` logs them at start-up; neither refuses.
    pub warnings: Vec<Problem>,
}

fn problem(p: AuthProblem) -> Problem {
    Problem {
        path: p.path,
        message: p.message,
    }
}

/// `[server.rate_limits]`: `None` for the in-memory store (or when it has problems).
fn rate_limit_store(r: &RateLimitsConfig, out: &mut Vec<Problem>) -> Option<SharedStoreSettings> {
    let mut bad = |key: &str, message: String| {
        out.push(Problem {
            path: format!("server.rate_limits.{key}"),
            message,
        })
    };
    if r.timeout_ms == 0 {
        bad("timeout_ms", "must be more than 0".into());
    }
    match (r.store.as_str(), &r.redis_url) {
        ("memory", None) => None,
        ("memory", Some(_)) => {
            bad("redis_url", "only with store = \"redis\"".into());
            None
        }
        ("redis", None) => {
            bad(
                "redis_url",
                "required with store = \"redis\" (redis://host:6379/0)".into(),
            );
            None
        }
        ("redis", Some(url)) => {
            let settings = SharedStoreSettings {
                redis_url: url.clone(),
                timeout: Duration::from_millis(r.timeout_ms.max(1)),
                key_prefix: r.key_prefix.clone(),
            };
            // Parsed now so a bad URL is a config problem, not a failure per call.
            match SharedLimiter::new(settings.clone()) {
                Ok(_) => Some(settings),
                Err(e) => {
                    bad("redis_url", e);
                    None
                }
            }
        }
        (other, _) => {
            bad("store", format!("`{other}`: expected memory or redis"));
            None
        }
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
    let shared_limits = config
        .server
        .rate_limits
        .as_ref()
        .and_then(|r| rate_limit_store(r, out));
    let trusted_proxies =
        TrustedProxies::parse(&config.server.trusted_proxies).unwrap_or_else(|ps| {
            out.extend(ps.into_iter().map(|(i, message)| Problem {
                path: format!("server.trusted_proxies[{i}]"),
                message,
            }));
            TrustedProxies::default()
        });
    let mut warnings = Vec::new();
    if audit.as_ref().is_some_and(|a| a.chain_key.is_none()) {
        warnings.push(Problem {
            path: "audit".into(),
            message: "no chain key (chain_key_env or chain_key_file): whoever can edit the \
                      log can rewrite lines and recompute every later hash, and \
                      `ferrule audit verify` would still pass"
                .into(),
        });
    }
    Security {
        authenticator,
        rate_limit_max_entries,
        audit,
        trusted_proxies: Arc::new(trusted_proxies),
        shared_limits,
        warnings,
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
    let flush = match a.flush.as_deref() {
        None => FlushPolicy::default(),
        Some("every_line") => FlushPolicy::EveryLine,
        Some("os") => FlushPolicy::Os,
        Some("interval") if a.interval_ms > 0 => {
            FlushPolicy::Interval(Duration::from_millis(a.interval_ms))
        }
        Some("interval") => {
            bad("interval_ms", "must be at least 1".into());
            FlushPolicy::default()
        }
        Some(other) => {
            bad(
                "flush",
                format!("`{other}`: expected every_line, interval or os"),
            );
            FlushPolicy::default()
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
    let chain_key = chain_key(a, base, &mut bad);
    let checkpoint = checkpoint(a, base, &mut bad);
    let mut cfg = AuditConfig::new(base.join(&a.path));
    cfg.flush = flush;
    cfg.rotate_bytes = a.rotate_bytes;
    cfg.hmac_key = hmac_key;
    cfg.chain_key = chain_key;
    cfg.checkpoint = checkpoint;
    Some(cfg)
}

/// The chain key from `chain_key_env` or `chain_key_file` (one of them, not empty).
fn chain_key(
    a: &AuditFileConfig,
    base: &Path,
    bad: &mut impl FnMut(&str, String),
) -> Option<Vec<u8>> {
    match (&a.chain_key_env, &a.chain_key_file) {
        (None, None) => None,
        (Some(_), Some(_)) => {
            bad(
                "chain_key_file",
                "set one of chain_key_env and chain_key_file, not both".into(),
            );
            None
        }
        (Some(var), None) => match std::env::var(var) {
            Ok(k) if !k.is_empty() => Some(k.into_bytes()),
            _ => {
                bad(
                    "chain_key_env",
                    format!("environment variable `{var}` is not set (or empty)"),
                );
                None
            }
        },
        (None, Some(file)) => match std::fs::read(base.join(file)) {
            Ok(k) if !k.is_empty() => Some(k),
            Ok(_) => {
                bad("chain_key_file", format!("`{file}` is empty"));
                None
            }
            Err(e) => {
                bad("chain_key_file", format!("cannot read `{file}`: {e}"));
                None
            }
        },
    }
}

/// `checkpoint_file` and how often it is written.
fn checkpoint(
    a: &AuditFileConfig,
    base: &Path,
    bad: &mut impl FnMut(&str, String),
) -> Option<Checkpointing> {
    let every_lines = a.checkpoint_every_lines.unwrap_or(DEFAULT_EVERY_LINES);
    if every_lines == 0 {
        bad("checkpoint_every_lines", "must be at least 1".into());
    }
    match &a.checkpoint_file {
        Some(file) if file.trim().is_empty() => {
            bad("checkpoint_file", "cannot be empty".into());
            None
        }
        Some(file) if *file == a.path => {
            bad("checkpoint_file", "must not be the log itself".into());
            None
        }
        Some(file) => Some(Checkpointing {
            path: base.join(file),
            every_lines: every_lines.max(1),
        }),
        None => {
            if a.checkpoint_every_lines.is_some() {
                bad(
                    "checkpoint_every_lines",
                    "has no effect without checkpoint_file".into(),
                );
            }
            None
        }
    }
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

    fn audit_of(text: &str, base: &Path) -> (Security, Vec<Problem>) {
        let mut out = Vec::new();
        let s = server(
            &config(&format!("[audit]\npath = \"a.log\"\n{text}")),
            base,
            &mut out,
        );
        (s, out)
    }

    fn paths(ps: &[Problem]) -> Vec<&str> {
        ps.iter().map(|p| p.path.as_str()).collect()
    }

    #[test]
    fn omitted_flush_is_the_policy_default_os() {
        // The one default: `FlushPolicy::default()`, which is `os` (docs/security.md).
        let (s, out) = audit_of("", Path::new("."));
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(s.audit.unwrap().flush, FlushPolicy::Os);
        // Spelt out, each value still gives its policy.
        let (s, _) = audit_of("flush = \"every_line\"", Path::new("."));
        assert_eq!(s.audit.unwrap().flush, FlushPolicy::EveryLine);
    }

    #[test]
    fn chain_key_from_a_file_or_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("chain.key"), b"k3y\n").unwrap();
        // From a file beside the config, its bytes as they are; no warning then.
        let (s, out) = audit_of("chain_key_file = \"chain.key\"", dir.path());
        assert!(out.is_empty(), "{out:?}");
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        assert_eq!(s.audit.unwrap().chain_key.as_deref(), Some(&b"k3y\n"[..]));
        // From the environment (a variable only this test sets).
        std::env::set_var("FERRULE_TEST_CHAIN_KEY_SECURITY_RS", "from-env");
        let (s, out) = audit_of(
            "chain_key_env = \"FERRULE_TEST_CHAIN_KEY_SECURITY_RS\"",
            dir.path(),
        );
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(
            s.audit.unwrap().chain_key.as_deref(),
            Some(&b"from-env"[..])
        );
    }

    #[test]
    fn bad_chain_keys_are_problems_at_their_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("empty.key"), b"").unwrap();
        for (text, path, says) in [
            (
                "chain_key_env = \"FERRULE_TEST_SURELY_UNSET_CHAIN\"",
                "audit.chain_key_env",
                "not set",
            ),
            (
                "chain_key_file = \"missing.key\"",
                "audit.chain_key_file",
                "cannot read",
            ),
            (
                "chain_key_file = \"empty.key\"",
                "audit.chain_key_file",
                "empty",
            ),
            (
                "chain_key_file = \"empty.key\"\nchain_key_env = \"X\"",
                "audit.chain_key_file",
                "not both",
            ),
        ] {
            let (_, out) = audit_of(text, dir.path());
            assert_eq!(paths(&out), [path], "{text}");
            assert!(out[0].message.contains(says), "{text}: {out:?}");
        }
    }

    #[test]
    fn no_chain_key_is_a_warning_not_a_problem() {
        // Allowed (exit 0 in `check`), but said.
        let (s, out) = audit_of("", Path::new("."));
        assert!(out.is_empty());
        assert_eq!(paths(&s.warnings), ["audit"]);
        assert!(s.warnings[0].message.contains("no chain key"));
        // No [audit] at all: nothing to warn about.
        let mut out = Vec::new();
        assert!(server(&config(""), Path::new("."), &mut out)
            .warnings
            .is_empty());
    }

    #[test]
    fn checkpoint_settings() {
        // Relative to the config folder, every 1000 lines unless told.
        let (s, out) = audit_of("checkpoint_file = \"cp.json\"", Path::new("/etc/ferrule"));
        assert!(out.is_empty(), "{out:?}");
        let c = s.audit.unwrap().checkpoint.unwrap();
        assert_eq!(c.path, Path::new("/etc/ferrule/cp.json"));
        assert_eq!(c.every_lines, DEFAULT_EVERY_LINES);
        let (s, _) = audit_of(
            "checkpoint_file = \"cp.json\"\ncheckpoint_every_lines = 5",
            Path::new("."),
        );
        assert_eq!(s.audit.unwrap().checkpoint.unwrap().every_lines, 5);
        // Zero, a count without a file, an empty name, the log itself: problems.
        for (text, path) in [
            (
                "checkpoint_file = \"c\"\ncheckpoint_every_lines = 0",
                "audit.checkpoint_every_lines",
            ),
            (
                "checkpoint_every_lines = 10",
                "audit.checkpoint_every_lines",
            ),
            ("checkpoint_file = \" \"", "audit.checkpoint_file"),
            ("checkpoint_file = \"a.log\"", "audit.checkpoint_file"),
        ] {
            let (_, out) = audit_of(text, Path::new("."));
            assert_eq!(paths(&out), [path], "{text}");
        }
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
