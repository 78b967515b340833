//! The `[auth]` section and the per-route `auth` table as written in `ferrule.toml`:
//! serde structs with `deny_unknown_fields`, every default in [`defaults`].
//!
//! Nothing here reads files or the environment; [`super::Authenticator::from_config`]
//! and [`super::RoutePolicy::from_config`] turn these into ready-to-use values and
//! collect every problem with its config path.

use serde::Deserialize;

/// `[auth]`: how callers prove who they are, server-wide.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// The `realm` in `WWW-Authenticate` challenges.
    #[serde(default = "defaults::realm")]
    pub realm: String,
    /// Routes require an authenticated caller unless they say `require_auth = false`.
    #[serde(default = "defaults::require_auth")]
    pub require_auth: bool,
    /// `[[auth.api_key]]`: keys stored as hashes only.
    #[serde(default, rename = "api_key")]
    pub api_keys: Vec<ApiKeyConfig>,
    /// `[auth.jwt]`: bearer tokens.
    pub jwt: Option<JwtConfig>,
    /// `[[auth.client_cert]]`: verified mTLS subjects and the principals they stand for.
    #[serde(default, rename = "client_cert")]
    pub client_certs: Vec<ClientCertConfig>,
    /// `[auth.rate_limit]`: the default token bucket for every route.
    pub rate_limit: Option<RateLimitConfig>,
    /// Bound on the rate limiter's memory: buckets kept at most.
    #[serde(default = "defaults::rate_limit_max_entries")]
    pub rate_limit_max_entries: usize,
}

impl Default for AuthConfig {
    /// The same values as an empty `[auth]` table.
    fn default() -> Self {
        AuthConfig {
            realm: defaults::realm(),
            require_auth: defaults::require_auth(),
            api_keys: Vec::new(),
            jwt: None,
            client_certs: Vec::new(),
            rate_limit: None,
            rate_limit_max_entries: defaults::rate_limit_max_entries(),
        }
    }
}

/// One API key: its principal id, the hash of the key and its scopes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyConfig {
    /// Principal id the key stands for (what the audit log records).
    pub id: String,
    /// `sha256:<64 hex digits>` of the key, as `ferrule` prints it when hashing one.
    pub hash: String,
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// `[auth.jwt]`: claims every token must satisfy, and the keys that may have signed it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtConfig {
    /// Accepted `aud` values; a token must name at least one. Required: a token minted
    /// for another service must not open this one.
    pub audience: Vec<String>,
    /// Accepted `iss` values; when set, tokens must carry one of them.
    #[serde(default)]
    pub issuer: Vec<String>,
    /// Clock skew allowed on `exp` and `nbf`.
    #[serde(default = "defaults::leeway_secs")]
    pub leeway_secs: u64,
    /// Claim holding the scopes: a space-separated string (`scope`) or an array of
    /// strings (`scp`, `roles`); either form is read from whichever claim is named.
    #[serde(default = "defaults::scope_claim")]
    pub scope_claim: String,
    /// `[[auth.jwt.key]]`: at least one.
    #[serde(default, rename = "key")]
    pub keys: Vec<JwtKeyConfig>,
}

/// One verification key (or JWKS file) and the algorithms it may be used with.
///
/// Exactly one of `secret`, `secret_env`, `public_key_pem`, `jwks`, `jwks_url` is given.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtKeyConfig {
    /// Matched against the token header's `kid`. A JWKS file brings its own kids.
    pub kid: Option<String>,
    /// The only algorithms accepted with this key (`HS256`, `RS256`, `ES256`, ...),
    /// all of one family: this is what stops algorithm-confusion attacks.
    pub algorithms: Vec<String>,
    /// HMAC secret written in the config (prefer `secret_env`).
    pub secret: Option<String>,
    /// Name of the environment variable holding the HMAC secret.
    pub secret_env: Option<String>,
    /// PEM public key file (RSA or EC), relative to the config file.
    pub public_key_pem: Option<String>,
    /// JWKS file (`{"keys": [...]}`), relative to the config file.
    pub jwks: Option<String>,
    /// JWKS fetched over HTTPS from the identity provider, kept fresh (see `jwks_remote`).
    pub jwks_url: Option<String>,
    /// CA bundle (PEM) that signs the JWKS host's certificate; required with `jwks_url`
    /// (the system bundle, `/etc/ssl/certs/ca-certificates.crt` on Debian, for a public IdP).
    pub jwks_ca: Option<String>,
    /// Seconds between scheduled JWKS refreshes (default 300).
    pub jwks_refresh_secs: Option<u64>,
    /// Least seconds between two fetches: a token with an unknown `kid` fetches the set
    /// again at most this often, so random kids cannot flood the IdP (default 10).
    pub jwks_cooldown_secs: Option<u64>,
}

/// A client-certificate subject (as the TLS layer renders it) and its principal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientCertConfig {
    /// The verified certificate's subject, compared exactly (e.g. `CN=pnc-batch,O=Force`).
    pub subject: String,
    /// Principal id for calls made with this certificate.
    pub id: String,
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// A token bucket: sustained rate and burst.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Tokens added per second (may be fractional: `0.5` is one call per two seconds).
    pub per_second: f64,
    /// Bucket size: calls allowed at once after a quiet spell.
    pub burst: u32,
    /// With a shared store (`[server.rate_limits] store = "redis"`) that cannot be reached:
    /// `local` (default) limits with this replica's own bucket, `fail_closed` refuses (503).
    #[serde(default)]
    pub on_store_error: StoreErrorPolicy,
}

/// What a route does when the shared rate-limit store cannot answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreErrorPolicy {
    /// This replica's own bucket (the limit then holds per replica).
    #[default]
    Local,
    /// Refuse the call: 503 `rate-limit-unavailable`.
    FailClosed,
}

/// The `auth` table of one `[[route]]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteAuthConfig {
    /// Overrides `auth.require_auth` for this route.
    pub require_auth: Option<bool>,
    /// Scopes the caller must all hold (implies `require_auth`).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The caller must state a purpose in `X-Purpose`.
    #[serde(default)]
    pub require_purpose: bool,
    /// When not empty, the only purpose codes accepted (needs `require_purpose`).
    #[serde(default)]
    pub purposes: Vec<String>,
    /// Response fields only some callers may see.
    #[serde(default)]
    pub sensitive: Vec<SensitiveFieldConfig>,
    /// Overrides `auth.rate_limit` for this route.
    pub rate_limit: Option<RateLimitConfig>,
}

/// A sensitive response field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitiveFieldConfig {
    /// Dotted path in the response JSON as the client sees it (after `rename`); a step
    /// through an array applies to every element.
    pub path: String,
    /// Scope that may see the field; everyone else gets the response without it.
    pub scope: String,
}

/// Every default of the auth sections, in one place.
pub mod defaults {
    pub fn realm() -> String {
        "ferrule".into()
    }
    pub fn require_auth() -> bool {
        true
    }
    pub fn leeway_secs() -> u64 {
        30
    }
    pub fn scope_claim() -> String {
        "scope".into()
    }
    pub fn rate_limit_max_entries() -> usize {
        100_000
    }
}

/// Largest accepted `leeway_secs`: more would make `exp` meaningless.
pub const MAX_LEEWAY_SECS: u64 = 300;

/// One thing wrong with the auth configuration, at its config path
/// (`auth.jwt.key[1].algorithms`), as `ferrule check` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthProblem {
    pub path: String,
    pub message: String,
}

impl AuthProblem {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        AuthProblem {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for AuthProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Checks a scope name: printable ASCII without spaces, as OAuth 2.0 scope tokens are.
pub(crate) fn scope_problem(scope: &str) -> Option<&'static str> {
    if scope.is_empty() {
        Some("a scope cannot be empty")
    } else if !scope
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
    {
        Some("a scope is printable ASCII without spaces, quotes or backslashes")
    } else {
        None
    }
}

/// Checks a rate limit's numbers.
pub(crate) fn rate_limit_problems(cfg: &RateLimitConfig, path: &str, out: &mut Vec<AuthProblem>) {
    if !(cfg.per_second.is_finite() && cfg.per_second > 0.0) {
        out.push(AuthProblem::new(
            format!("{path}.per_second"),
            "must be a positive number",
        ));
    }
    if cfg.burst == 0 {
        out.push(AuthProblem::new(
            format!("{path}.burst"),
            "must be at least 1",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        auth: AuthConfig,
        route: Vec<RouteDoc>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RouteDoc {
        #[serde(default)]
        auth: RouteAuthConfig,
    }

    #[test]
    fn full_example_parses_with_defaults() {
        // The shape the README will document, embedded as `[auth]` and `[route.auth]`.
        let doc: Doc = toml::from_str(
            r#"
            [auth]
            [[auth.api_key]]
            id = "pnc-batch"
            hash = "sha256:0000000000000000000000000000000000000000000000000000000000000000"
            scopes = ["vehicles:read"]

            [auth.jwt]
            audience = ["ferrule"]
            issuer = ["https://idp.example"]
            scope_claim = "roles"
            [[auth.jwt.key]]
            kid = "k1"
            algorithms = ["RS256"]
            public_key_pem = "keys/idp.pem"

            [[auth.client_cert]]
            subject = "CN=batch,O=Force"
            id = "batch"

            [auth.rate_limit]
            per_second = 5.0
            burst = 10

            [[route]]
            [route.auth]
            scopes = ["vehicles:read"]
            require_purpose = true
            purposes = ["CRIME", "TRAFFIC"]
            sensitive = [{ path = "owner.dob", scope = "pii:read" }]
            rate_limit = { per_second = 1.0, burst = 2 }

            [[route]]
            "#,
        )
        .unwrap();
        assert_eq!(doc.auth.realm, "ferrule");
        assert!(doc.auth.require_auth);
        assert_eq!(doc.auth.rate_limit_max_entries, 100_000);
        let jwt = doc.auth.jwt.unwrap();
        assert_eq!(jwt.leeway_secs, 30);
        assert_eq!(jwt.scope_claim, "roles");
        assert_eq!(jwt.keys.len(), 1);
        assert_eq!(doc.route[0].auth.purposes.len(), 2);
        assert_eq!(doc.route[1].auth.require_auth, None);
    }

    #[test]
    fn unknown_field_is_refused() {
        // A typo (`scope` for `scopes`) must not silently open a route.
        let err = toml::from_str::<RouteAuthConfig>("scope = [\"x\"]").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }

    #[test]
    fn scope_names_are_checked() {
        // Printable tokens pass; empty, spaced or quoted ones do not.
        assert_eq!(scope_problem("vehicles:read"), None);
        assert!(scope_problem("").is_some());
        assert!(scope_problem("a b").is_some());
        assert!(scope_problem("a\"b").is_some());
    }

    #[test]
    fn rate_limit_numbers_are_checked() {
        // Zero, negative, NaN rates and a zero burst are all reported.
        let mut out = Vec::new();
        let bad = RateLimitConfig {
            per_second: f64::NAN,
            burst: 0,
            on_store_error: Default::default(),
        };
        rate_limit_problems(&bad, "auth.rate_limit", &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].path, "auth.rate_limit.per_second");
        let mut out = Vec::new();
        let ok = RateLimitConfig {
            per_second: 0.5,
            burst: 1,
            on_store_error: Default::default(),
        };
        rate_limit_problems(&ok, "x", &mut out);
        assert!(out.is_empty());
    }
}
