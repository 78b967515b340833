//! What a route demands of its caller, and the decision for one request: 401 (who
//! are you?), 403 (not you), 400 (state a valid purpose) or allow.
//!
//! The decision is made from the headers alone, before the backend is called, so a
//! 403 never depends on (and never reveals) whether the record asked for exists.

use std::collections::BTreeSet;

use axum::http::HeaderMap;

use super::config::{
    rate_limit_problems, scope_problem, AuthConfig, AuthProblem, RateLimitConfig, RouteAuthConfig,
};
use super::{AuthError, Principal};

/// Header in which callers state why they ask.
pub const X_PURPOSE: &str = "x-purpose";

/// Longest purpose code accepted (it goes into every audit line).
pub const MAX_PURPOSE_LEN: usize = 64;

/// Whether a route needs a stated purpose.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PurposeRule {
    /// Not required; a well-formed `X-Purpose` is still passed on for the audit.
    #[default]
    None,
    /// `X-Purpose` must be present; with `allowed`, it must be one of those codes
    /// (compared exactly, case included).
    Required { allowed: Option<BTreeSet<String>> },
}

/// A response field only holders of `scope` may see (removed for other callers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensitiveField {
    /// Dotted path split into names; a step through an array applies to each element.
    pub path: Vec<String>,
    pub scope: String,
}

/// One route's access rules, resolved against the server-wide `[auth]`.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutePolicy {
    /// For `WWW-Authenticate: Bearer realm="..."`.
    pub realm: String,
    /// Anonymous callers get 401.
    pub require_auth: bool,
    /// The caller must hold every one of these (403 otherwise).
    pub scopes: Vec<String>,
    pub purpose: PurposeRule,
    pub sensitive: Vec<SensitiveField>,
    /// The route's token bucket (its own, or the server default); `None`: unlimited.
    pub rate_limit: Option<RateLimitConfig>,
}

/// The outcome for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Go ahead; `purpose` is the stated purpose, for the audit.
    Allow {
        principal: Option<Principal>,
        purpose: Option<String>,
    },
    /// 401 with this `WWW-Authenticate` value; `error` says why bad credentials were
    /// refused (for logs only), `None` when there were none.
    Unauthenticated {
        www_authenticate: String,
        error: Option<AuthError>,
    },
    /// 403: authenticated, but lacking a scope the route requires.
    Forbidden { principal: Principal },
    /// 400: the purpose is missing, malformed or not one of the route's codes.
    BadPurpose {
        principal: Option<Principal>,
        reason: String,
    },
}

impl RoutePolicy {
    /// A route with no rules at all (the config has no `[auth]`).
    pub fn open() -> Self {
        RoutePolicy {
            realm: super::config::defaults::realm(),
            require_auth: false,
            scopes: Vec::new(),
            purpose: PurposeRule::None,
            sensitive: Vec::new(),
            rate_limit: None,
        }
    }

    /// Resolves a route's `auth` table against `[auth]`; `prefix` is the route's config
    /// path (`route[3].auth`). Lists every problem.
    pub fn from_config(
        route: &RouteAuthConfig,
        server: &AuthConfig,
        prefix: &str,
    ) -> Result<Self, Vec<AuthProblem>> {
        let mut problems = Vec::new();
        if route.require_auth == Some(false) && !route.scopes.is_empty() {
            problems.push(AuthProblem::new(
                format!("{prefix}.require_auth"),
                "a route that requires scopes cannot be anonymous",
            ));
        }
        for scope in route
            .scopes
            .iter()
            .chain(route.sensitive.iter().map(|s| &s.scope))
        {
            if let Some(why) = scope_problem(scope) {
                problems.push(AuthProblem::new(format!("{prefix}.scopes"), why));
            }
        }
        if !route.purposes.is_empty() && !route.require_purpose {
            problems.push(AuthProblem::new(
                format!("{prefix}.purposes"),
                "listing purposes needs `require_purpose = true`",
            ));
        }
        for code in &route.purposes {
            if let Err(why) = check_purpose(code) {
                problems.push(AuthProblem::new(format!("{prefix}.purposes"), why));
            }
        }
        let mut sensitive = Vec::new();
        for (i, s) in route.sensitive.iter().enumerate() {
            let path: Vec<String> = s.path.split('.').map(str::to_string).collect();
            if path.iter().any(|p| p.is_empty()) {
                problems.push(AuthProblem::new(
                    format!("{prefix}.sensitive[{i}].path"),
                    "a dotted path of field names (`owner.dob`)",
                ));
            }
            sensitive.push(SensitiveField {
                path,
                scope: s.scope.clone(),
            });
        }
        if let Some(rl) = &route.rate_limit {
            rate_limit_problems(rl, &format!("{prefix}.rate_limit"), &mut problems);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let purpose = if route.require_purpose {
            PurposeRule::Required {
                allowed: (!route.purposes.is_empty())
                    .then(|| route.purposes.iter().cloned().collect()),
            }
        } else {
            PurposeRule::None
        };
        Ok(RoutePolicy {
            realm: server.realm.clone(),
            require_auth: route.require_auth.unwrap_or(server.require_auth)
                || !route.scopes.is_empty(),
            scopes: route.scopes.clone(),
            purpose,
            sensitive,
            rate_limit: route.rate_limit.or(server.rate_limit),
        })
    }

    /// The `WWW-Authenticate` value of a 401; `invalid` when a credential was refused.
    pub fn challenge(&self, invalid: bool) -> String {
        if invalid {
            format!("Bearer realm=\"{}\", error=\"invalid_token\"", self.realm)
        } else {
            format!("Bearer realm=\"{}\"", self.realm)
        }
    }
}

/// Decides one request: authentication first (401), then scopes (403), then purpose
/// (400), so callers learn nothing about a route's rules before they are known.
pub fn authorise(
    policy: &RoutePolicy,
    auth: Result<Option<Principal>, AuthError>,
    headers: &HeaderMap,
) -> Decision {
    let principal = match auth {
        Err(error) => {
            return Decision::Unauthenticated {
                www_authenticate: policy.challenge(true),
                error: Some(error),
            }
        }
        Ok(p) => p,
    };
    let Some(principal) = principal else {
        if policy.require_auth {
            return Decision::Unauthenticated {
                www_authenticate: policy.challenge(false),
                error: None,
            };
        }
        return with_purpose(policy, None, headers);
    };
    if !policy.scopes.iter().all(|s| principal.scopes.contains(s)) {
        return Decision::Forbidden { principal };
    }
    with_purpose(policy, Some(principal), headers)
}

fn with_purpose(
    policy: &RoutePolicy,
    principal: Option<Principal>,
    headers: &HeaderMap,
) -> Decision {
    let stated = stated_purpose(headers);
    match &policy.purpose {
        PurposeRule::None => Decision::Allow {
            principal,
            // Not required: a malformed one is dropped rather than refused.
            purpose: stated.ok().flatten(),
        },
        PurposeRule::Required { allowed } => {
            let reason = match stated {
                Err(why) => why,
                Ok(None) => "this route requires an X-Purpose header".into(),
                Ok(Some(code)) => match allowed {
                    Some(codes) if !codes.contains(&code) => {
                        "the X-Purpose code is not one this route accepts".into()
                    }
                    _ => {
                        return Decision::Allow {
                            principal,
                            purpose: Some(code),
                        }
                    }
                },
            };
            Decision::BadPurpose { principal, reason }
        }
    }
}

/// The `X-Purpose` value, checked to be safe to put into an audit line.
fn stated_purpose(headers: &HeaderMap) -> Result<Option<String>, String> {
    let mut values = headers.get_all(X_PURPOSE).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err("X-Purpose is given more than once".into());
    }
    let text = value
        .to_str()
        .map_err(|_| "X-Purpose is not ASCII".to_string())?
        .trim();
    check_purpose(text)?;
    Ok(Some(text.to_string()))
}

/// A purpose code: 1 to 64 of `A-Z a-z 0-9 . _ : / -`.
fn check_purpose(code: &str) -> Result<(), String> {
    if code.is_empty() || code.len() > MAX_PURPOSE_LEN {
        return Err(format!(
            "a purpose code is 1 to {MAX_PURPOSE_LEN} characters"
        ));
    }
    if !code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._:/-".contains(&b))
    {
        return Err("a purpose code uses only letters, digits and . _ : / -".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;
    use crate::auth::config::SensitiveFieldConfig;
    use crate::auth::AuthMethod;

    impl Decision {
        /// The status each decision stands for, to assert on (the gateway maps decisions
        /// to responses in `gateway::problem`).
        fn status(&self) -> u16 {
            match self {
                Decision::Allow { .. } => 200,
                Decision::Unauthenticated { .. } => 401,
                Decision::Forbidden { .. } => 403,
                Decision::BadPurpose { .. } => 400,
            }
        }
    }

    fn who(scopes: &[&str]) -> Principal {
        Principal {
            id: "alice".into(),
            scopes: std::sync::Arc::new(scopes.iter().map(|s| s.to_string()).collect()),
            via: AuthMethod::Jwt,
        }
    }

    fn policy(route: RouteAuthConfig) -> RoutePolicy {
        RoutePolicy::from_config(&route, &AuthConfig::default(), "route[0].auth").unwrap()
    }

    fn purpose(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(X_PURPOSE, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn scoped(scopes: &[&str]) -> RouteAuthConfig {
        RouteAuthConfig {
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            ..RouteAuthConfig::default()
        }
    }

    #[test]
    fn anonymous_caller_gets_a_bare_challenge() {
        // No credentials on a protected route: 401 naming the realm, no error code.
        let d = authorise(&policy(scoped(&[])), Ok(None), &HeaderMap::new());
        assert_eq!(
            d,
            Decision::Unauthenticated {
                www_authenticate: "Bearer realm=\"ferrule\"".into(),
                error: None
            }
        );
        assert_eq!(d.status(), 401);
    }

    #[test]
    fn bad_credentials_get_invalid_token_even_on_open_routes() {
        // A broken token is reported, not silently treated as anonymous.
        let open = policy(RouteAuthConfig {
            require_auth: Some(false),
            ..RouteAuthConfig::default()
        });
        let d = authorise(&open, Err(AuthError::Expired), &HeaderMap::new());
        assert_eq!(
            d,
            Decision::Unauthenticated {
                www_authenticate: "Bearer realm=\"ferrule\", error=\"invalid_token\"".into(),
                error: Some(AuthError::Expired)
            }
        );
    }

    #[test]
    fn open_route_lets_anonymous_callers_in() {
        // require_auth = false: allowed, with any well-formed purpose passed on.
        let open = policy(RouteAuthConfig {
            require_auth: Some(false),
            ..RouteAuthConfig::default()
        });
        assert_eq!(
            authorise(&open, Ok(None), &purpose(&["CRIME"])),
            Decision::Allow {
                principal: None,
                purpose: Some("CRIME".into())
            }
        );
        // A malformed purpose on a route that does not need one is dropped.
        assert_eq!(
            authorise(&open, Ok(None), &purpose(&["two words"])),
            Decision::Allow {
                principal: None,
                purpose: None
            }
        );
    }

    #[test]
    fn every_required_scope_is_needed() {
        // Both scopes: allowed. One of two, or none: 403 with the principal for the audit.
        let p = policy(scoped(&["vehicles:read", "pii:read"]));
        let d = authorise(
            &p,
            Ok(Some(who(&["pii:read", "vehicles:read", "x"]))),
            &HeaderMap::new(),
        );
        assert_eq!(d.status(), 200);
        let d = authorise(&p, Ok(Some(who(&["vehicles:read"]))), &HeaderMap::new());
        assert_eq!(
            d,
            Decision::Forbidden {
                principal: who(&["vehicles:read"])
            }
        );
        let d = authorise(&p, Ok(Some(who(&[]))), &HeaderMap::new());
        assert_eq!(d.status(), 403);
    }

    #[test]
    fn scopes_imply_authentication() {
        // Even with `[auth] require_auth = false`, a scoped route refuses anonymous calls.
        let server = AuthConfig {
            require_auth: false,
            ..AuthConfig::default()
        };
        let p = RoutePolicy::from_config(&scoped(&["a"]), &server, "r").unwrap();
        assert!(p.require_auth);
        assert_eq!(authorise(&p, Ok(None), &HeaderMap::new()).status(), 401);
    }

    #[test]
    fn purpose_required_missing_or_unknown() {
        // Required with a list: listed code passes; missing, unlisted, malformed, twice: 400.
        let p = policy(RouteAuthConfig {
            require_purpose: true,
            purposes: vec!["CRIME".into(), "TRAFFIC".into()],
            ..RouteAuthConfig::default()
        });
        let me = || Ok(Some(who(&[])));
        assert_eq!(
            authorise(&p, me(), &purpose(&["TRAFFIC"])),
            Decision::Allow {
                principal: Some(who(&[])),
                purpose: Some("TRAFFIC".into())
            }
        );
        for bad in [
            vec![],
            vec!["crime"],
            vec!["OTHER"],
            vec!["a b"],
            vec!["CRIME", "CRIME"],
        ] {
            let d = authorise(&p, me(), &purpose(&bad));
            assert!(matches!(d, Decision::BadPurpose { .. }), "{bad:?}: {d:?}");
            assert_eq!(d.status(), 400);
        }
        let long = "A".repeat(MAX_PURPOSE_LEN + 1);
        assert_eq!(authorise(&p, me(), &purpose(&[&long])).status(), 400);
    }

    #[test]
    fn purpose_required_without_a_list_takes_any_well_formed_code() {
        // No list: any code of the allowed characters; the value is trimmed.
        let p = policy(RouteAuthConfig {
            require_purpose: true,
            ..RouteAuthConfig::default()
        });
        let d = authorise(&p, Ok(Some(who(&[]))), &purpose(&[" case/2024-001 "]));
        assert_eq!(
            d,
            Decision::Allow {
                principal: Some(who(&[])),
                purpose: Some("case/2024-001".into())
            }
        );
        let mut h = HeaderMap::new();
        h.insert(X_PURPOSE, HeaderValue::from_bytes(b"\xff").unwrap());
        assert_eq!(authorise(&p, Ok(Some(who(&[]))), &h).status(), 400);
    }

    #[test]
    fn authentication_and_scopes_come_before_purpose() {
        // No credentials and no purpose: 401, not 400; wrong scope and no purpose: 403.
        let p = policy(RouteAuthConfig {
            scopes: vec!["a".into()],
            require_purpose: true,
            ..RouteAuthConfig::default()
        });
        assert_eq!(authorise(&p, Ok(None), &HeaderMap::new()).status(), 401);
        assert_eq!(
            authorise(&p, Ok(Some(who(&[]))), &HeaderMap::new()).status(),
            403
        );
        assert_eq!(
            authorise(&p, Ok(Some(who(&["a"]))), &HeaderMap::new()).status(),
            400
        );
    }

    #[test]
    fn rate_limit_and_sensitive_fields_are_resolved() {
        // The route's limit overrides the server's; sensitive paths are split on dots.
        let server = AuthConfig {
            rate_limit: Some(RateLimitConfig {
                per_second: 10.0,
                burst: 20,
                on_store_error: Default::default(),
            }),
            ..AuthConfig::default()
        };
        let own = RateLimitConfig {
            per_second: 1.0,
            burst: 1,
            on_store_error: Default::default(),
        };
        let route = RouteAuthConfig {
            rate_limit: Some(own),
            sensitive: vec![SensitiveFieldConfig {
                path: "owner.dob".into(),
                scope: "pii".into(),
            }],
            ..RouteAuthConfig::default()
        };
        let p = RoutePolicy::from_config(&route, &server, "r").unwrap();
        assert_eq!(p.rate_limit, Some(own));
        assert_eq!(p.sensitive[0].path, ["owner", "dob"]);
        let p = RoutePolicy::from_config(&RouteAuthConfig::default(), &server, "r").unwrap();
        assert_eq!(p.rate_limit, server.rate_limit);
        assert_eq!(RoutePolicy::open().rate_limit, None);
    }

    #[test]
    fn route_config_problems_are_listed() {
        // Anonymous-but-scoped, bad scope, purposes without require_purpose, bad code,
        // empty path segment, bad rate limit.
        let route = RouteAuthConfig {
            require_auth: Some(false),
            scopes: vec!["has space".into()],
            require_purpose: false,
            purposes: vec!["no spaces allowed".into()],
            sensitive: vec![SensitiveFieldConfig {
                path: "owner..dob".into(),
                scope: "pii".into(),
            }],
            rate_limit: Some(RateLimitConfig {
                per_second: -1.0,
                burst: 0,
                on_store_error: Default::default(),
            }),
        };
        let err =
            RoutePolicy::from_config(&route, &AuthConfig::default(), "route[2].auth").unwrap_err();
        let paths: Vec<&str> = err.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "route[2].auth.require_auth",
                "route[2].auth.scopes",
                "route[2].auth.purposes",
                "route[2].auth.purposes",
                "route[2].auth.sensitive[0].path",
                "route[2].auth.rate_limit.per_second",
                "route[2].auth.rate_limit.burst",
            ]
        );
        assert!(err[0]
            .to_string()
            .starts_with("route[2].auth.require_auth: "));
    }
}
