//! Who may call a route, for what purpose, how often, and which response fields they
//! may see. Self-contained: the gateway calls it, it knows nothing of the gateway.
//!
//! One request goes through it like this:
//! ```text
//! Authenticator::authenticate(headers, client_cert_subject)   -> Result<Option<Principal>, AuthError>
//! authorise(&route_policy, that result, headers)              -> Decision (401 / 403 / 400 / Allow)
//! RateLimiter::check(&rate_key(principal, addr), route, limit) -> Ok or Err(retry after) (429)
//!   ... backend call ...
//! strip_sensitive(&route_policy, principal, &mut response)      (fields the caller may not see)
//! ```
//!
//! - [`config`]: the `[auth]` section and each route's `auth` table (serde, defaults).
//! - [`api_key`]: keys stored as `sha256:<hex>` hashes, compared in constant time.
//! - [`jwt`]: bearer tokens (HS*, RS*, PS*, ES*, EdDSA) and their claims.
//! - [`jwt_keys`]: verification keys from secrets, PEM files or a JWKS file.
//! - [`token_cache`]: verified tokens remembered until `exp`, so signatures are
//!   checked once per token rather than once per call.
//! - [`authenticator`]: reads the credential headers and yields a [`Principal`].
//! - [`policy`]: a route's rules and the [`Decision`] for one request.
//! - [`sensitive`]: removing sensitive response fields.
//! - [`rate_limit`]: token buckets per caller and route, with a memory bound.
//!
//! Configuration is validated when built ([`Authenticator::from_config`],
//! [`RoutePolicy::from_config`]), listing every [`AuthProblem`] with its config path.
//! The shape in `ferrule.toml` (every field and default in [`config`]):
//! ```toml
//! [auth]
//! realm = "ferrule"          # WWW-Authenticate realm (default)
//! require_auth = true        # routes need a caller unless they opt out (default)
//! rate_limit = { per_second = 20.0, burst = 40 }   # default bucket per caller and route
//!
//! [[auth.api_key]]
//! id = "pnc-batch"           # the principal
//! hash = "sha256:5e88...e2"  # hash_api_key(key); the key itself is never stored
//! scopes = ["vehicles:read"]
//!
//! [auth.jwt]
//! audience = ["ferrule"]     # required
//! issuer = ["https://idp.force.example"]
//! leeway_secs = 30           # default; at most 300
//! scope_claim = "scope"      # default; "scp" or "roles" for array claims
//! [[auth.jwt.key]]           # one of: secret, secret_env, public_key_pem, jwks
//! algorithms = ["RS256"]     # the only algorithms this key verifies
//! jwks = "keys/idp-jwks.json"
//!
//! [[auth.client_cert]]       # subjects the TLS layer verified
//! subject = "CN=batch,O=Force"
//! id = "batch-host"
//! scopes = ["vehicles:read"]
//!
//! [[route]]
//! # ...
//! [route.auth]
//! scopes = ["vehicles:read"]                # all required (403 otherwise)
//! require_purpose = true                    # X-Purpose header (400 if missing)
//! purposes = ["CRIME", "TRAFFIC"]           # optional allow-list
//! sensitive = [{ path = "keepers.dob", scope = "pii:read" }]
//! rate_limit = { per_second = 2.0, burst = 5 }
//! ```

pub mod api_key;
pub mod authenticator;
pub mod config;
pub mod error;
pub mod jwks_remote;
pub mod jwt;
pub mod jwt_keys;
pub mod policy;
pub mod rate_limit;
pub mod sensitive;
pub mod shared_limit;
pub mod token_cache;

#[cfg(test)]
mod test_keys;

use std::collections::BTreeSet;
use std::sync::Arc;

pub use api_key::hash_api_key;
pub use authenticator::Authenticator;
pub use config::{AuthConfig, AuthProblem, RouteAuthConfig};
pub use error::AuthError;
pub use policy::{authorise, Decision, PurposeRule, RoutePolicy};
pub use rate_limit::{rate_key, retry_after_secs, RateLimiter};
pub use sensitive::strip_sensitive;
// Tests build policies and limits by hand; the product reaches them through the config.
#[cfg(test)]
pub use {config::RateLimitConfig, policy::SensitiveField};

/// How a caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    ApiKey,
    Jwt,
    ClientCert,
}

/// An authenticated caller: the id the audit log records and the scopes they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// API key id, the token's `sub`, or the id configured for a certificate subject.
    pub id: String,
    /// Shared: a principal is cloned on every call (from the token cache or key store),
    /// and the scopes never change once granted.
    pub scopes: Arc<BTreeSet<String>>,
    pub via: AuthMethod,
}
