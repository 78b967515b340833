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

/// A response field only holders of `scope` may see; always masked in logs.
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

impl Decision {
    /// The HTTP status this decision answers with (200 for `Allow`: go on).
    pub fn status(&self) -> u16 {
        match self {
            Decision::Allow { .. } => 200,
            Decision::Unauthenticated { .. } => 401,
            Decision::Forbidden { .. } => 403,
            Decision::BadPurpose { .. } => 400,
        }
    }
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
        for scope in route.scopes.iter().chain(route.sensitive.iter().map(|s| &s.scope)) {
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

fn with_purpose(policy: &RoutePolicy, principal: Option<Principal>, headers: &HeaderMap) -> Decision {
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
