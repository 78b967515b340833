//! Field-level protection: sensitive response fields are removed for callers without
//! the field's scope. (Nothing masks them for logs: the gateway never logs record values.)
//!
//! Paths are dotted field names in the response as the client sees it; a step through
//! an array (an OCCURS group) applies to every element, so `owners.dob` covers the
//! date of birth of each owner. A path that is not there changes nothing.

use serde_json::{Map, Value};

use super::policy::RoutePolicy;
use super::Principal;

/// Removes each sensitive field `principal` has no scope for (all of them for an
/// anonymous caller).
pub fn strip_sensitive(policy: &RoutePolicy, principal: Option<&Principal>, body: &mut Value) {
    for field in &policy.sensitive {
        let allowed = principal.is_some_and(|p| p.scopes.contains(&field.scope));
        if !allowed {
            edit(body, &field.path, &mut |map, last| {
                map.shift_remove(last);
            });
        }
    }
}

/// Calls `f` with each object holding the path's last name, walking arrays on the way.
fn edit(at: &mut Value, path: &[String], f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    match at {
        Value::Array(items) => {
            for item in items {
                edit(item, path, f);
            }
        }
        Value::Object(map) => match path {
            [] => {}
            [last] => f(map, last),
            [first, rest @ ..] => {
                if let Some(next) = map.get_mut(first.as_str()) {
                    edit(next, rest, f);
                }
            }
        },
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::json;

    use super::*;
    use crate::auth::{AuthMethod, SensitiveField};

    fn policy(fields: &[(&str, &str)]) -> RoutePolicy {
        let mut p = RoutePolicy::open();
        p.sensitive = fields
            .iter()
            .map(|(path, scope)| SensitiveField {
                path: path.split('.').map(str::to_string).collect(),
                scope: scope.to_string(),
            })
            .collect();
        p
    }

    fn who(scopes: &[&str]) -> Principal {
        Principal {
            id: "u".into(),
            scopes: std::sync::Arc::new(
                scopes
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<BTreeSet<_>>(),
            ),
            via: AuthMethod::Jwt,
        }
    }

    fn record() -> Value {
        json!({
            "vrm": "AB12CDE",
            "owner": {"name": "A N Other", "dob": "1970-01-01"},
            "keepers": [
                {"name": "K1", "dob": "1980-02-02", "addr": {"postcode": "AA1 1AA"}},
                {"name": "K2", "dob": "1990-03-03", "addr": {"postcode": "BB2 2BB"}}
            ],
            "markers": ["x", "y"]
        })
    }

    #[test]
    fn anonymous_caller_loses_every_sensitive_field() {
        // Nested, array-element and nested-in-array paths all go; others stay in order.
        let p = policy(&[
            ("owner.dob", "pii"),
            ("keepers.dob", "pii"),
            ("keepers.addr.postcode", "addr"),
            ("markers", "intel"),
        ]);
        let mut body = record();
        strip_sensitive(&p, None, &mut body);
        assert_eq!(
            body,
            json!({
                "vrm": "AB12CDE",
                "owner": {"name": "A N Other"},
                "keepers": [
                    {"name": "K1", "addr": {}},
                    {"name": "K2", "addr": {}}
                ]
            })
        );
    }

    #[test]
    fn scope_holder_keeps_the_fields_of_that_scope_only() {
        // `pii` keeps the dates of birth; postcodes (scope `addr`) still go.
        let p = policy(&[
            ("owner.dob", "pii"),
            ("keepers.dob", "pii"),
            ("keepers.addr.postcode", "addr"),
        ]);
        let mut body = record();
        strip_sensitive(&p, Some(&who(&["pii"])), &mut body);
        assert_eq!(body["owner"]["dob"], "1970-01-01");
        assert_eq!(body["keepers"][1]["dob"], "1990-03-03");
        assert_eq!(body["keepers"][0]["addr"], json!({}));
    }

    #[test]
    fn absent_or_mistyped_paths_change_nothing() {
        // A path through a scalar, a missing name, or an empty path: no edit, no panic.
        let p = policy(&[("vrm.inner", "s"), ("nope.dob", "s"), ("owner.name.x", "s")]);
        let mut body = record();
        strip_sensitive(&p, None, &mut body);
        assert_eq!(body, record());
        let mut empty = RoutePolicy::open();
        empty.sensitive.push(SensitiveField {
            path: vec![],
            scope: "s".into(),
        });
        let mut scalar = json!(5);
        strip_sensitive(&empty, None, &mut scalar);
        assert_eq!(scalar, json!(5));
    }

    #[test]
    fn top_level_array_body_is_walked() {
        // A list response: every element is protected.
        let p = policy(&[("dob", "pii")]);
        let mut body = json!([{"dob": 1}, {"dob": 2, "n": 3}]);
        strip_sensitive(&p, Some(&who(&["other"])), &mut body);
        assert_eq!(body, json!([{}, {"n": 3}]));
    }
}
