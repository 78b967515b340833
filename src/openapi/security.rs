//! Security schemes from `[auth]`, and each operation's requirement from its route's
//! policy.
//!
//! OpenAPI 3.1 lets the list in a requirement hold role names for any scheme type, so
//! a route's required scopes are listed under every scheme that can carry them. A route
//! open to anonymous callers gets an empty alternative (`{}`) first: credentials are
//! optional there (though a bad one is still refused with 401).

use serde_json::{json, Map, Value};

use crate::auth::{Authenticator, RoutePolicy};

pub const API_KEY: &str = "apiKey";
pub const BEARER: &str = "bearerAuth";
pub const MUTUAL_TLS: &str = "mutualTLS";

/// Which credentials the gateway accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Schemes {
    pub api_key: bool,
    pub bearer: bool,
    pub mutual_tls: bool,
}

impl Schemes {
    /// The schemes of a configured authenticator.
    pub fn of(auth: &Authenticator) -> Schemes {
        Schemes {
            api_key: auth.accepts_api_keys(),
            bearer: auth.accepts_jwt(),
            mutual_tls: auth.accepts_client_certs(),
        }
    }

    fn names(&self) -> Vec<&'static str> {
        [
            (self.api_key, API_KEY),
            (self.bearer, BEARER),
            (self.mutual_tls, MUTUAL_TLS),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    /// `components.securitySchemes`; `None` when no scheme is configured.
    pub fn components(&self) -> Option<Value> {
        let mut out = Map::new();
        if self.api_key {
            out.insert(
                API_KEY.into(),
                json!({
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-API-Key",
                    "description": "An API key issued for this gateway (the config stores only \
                        its hash). `Authorization: ApiKey <key>` works too; never send both."
                }),
            );
        }
        if self.bearer {
            out.insert(
                BEARER.into(),
                json!({
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A signed JWT whose audience (and issuer, when configured) \
                        this gateway accepts; its scope claim lists the caller's scopes."
                }),
            );
        }
        if self.mutual_tls {
            out.insert(
                MUTUAL_TLS.into(),
                json!({
                    "type": "mutualTLS",
                    "description": "A client certificate whose verified subject is configured; \
                        used only when no header credential is sent."
                }),
            );
        }
        (!out.is_empty()).then_some(Value::Object(out))
    }

    /// An operation's `security`: any one configured scheme with the route's scopes, or
    /// nothing at all when the route is open. `None` when there is nothing to say.
    pub fn requirement(&self, policy: &RoutePolicy) -> Option<Value> {
        let names = self.names();
        if names.is_empty() {
            return None;
        }
        let mut alternatives = Vec::new();
        if !policy.require_auth {
            alternatives.push(json!({}));
        }
        for name in names {
            alternatives.push(json!({ name: policy.scopes }));
        }
        Some(Value::Array(alternatives))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{AuthConfig, RouteAuthConfig};

    fn policy(route: RouteAuthConfig) -> RoutePolicy {
        RoutePolicy::from_config(&route, &AuthConfig::default(), "auth").unwrap()
    }

    const ALL: Schemes = Schemes {
        api_key: true,
        bearer: true,
        mutual_tls: true,
    };

    #[test]
    fn each_configured_credential_is_a_scheme() {
        let c = ALL.components().unwrap();
        assert_eq!(c[API_KEY]["type"], "apiKey");
        assert_eq!(c[API_KEY]["in"], "header");
        assert_eq!(c[API_KEY]["name"], "X-API-Key");
        assert_eq!(c[BEARER]["scheme"], "bearer");
        assert_eq!(c[BEARER]["bearerFormat"], "JWT");
        assert_eq!(c[MUTUAL_TLS]["type"], "mutualTLS");
        // Only keys: one scheme. Nothing configured: no schemes at all.
        let keys = Schemes {
            api_key: true,
            ..Schemes::default()
        };
        let c = keys.components().unwrap();
        assert_eq!(c.as_object().unwrap().len(), 1);
        assert_eq!(Schemes::default().components(), None);
    }

    #[test]
    fn a_scoped_route_needs_any_scheme_with_its_scopes() {
        let p = policy(RouteAuthConfig {
            scopes: vec!["vehicles:read".into()],
            ..RouteAuthConfig::default()
        });
        assert_eq!(
            ALL.requirement(&p),
            Some(json!([
                {"apiKey": ["vehicles:read"]},
                {"bearerAuth": ["vehicles:read"]},
                {"mutualTLS": ["vehicles:read"]}
            ]))
        );
    }

    #[test]
    fn an_open_route_lists_anonymous_first() {
        let p = policy(RouteAuthConfig {
            require_auth: Some(false),
            ..RouteAuthConfig::default()
        });
        let keys = Schemes {
            bearer: true,
            ..Schemes::default()
        };
        assert_eq!(keys.requirement(&p), Some(json!([{}, {"bearerAuth": []}])));
        // Without any scheme there is no requirement to state.
        assert_eq!(Schemes::default().requirement(&p), None);
    }
}
