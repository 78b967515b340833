//! The request side: `set` from path, query and constants; media types; `set_path`;
//! the borrowed-tree path against the `Value` reference, on random bodies.

use std::sync::Arc;

use axum::http::HeaderValue;
use serde_json::{json, Value};

use super::*;
use crate::config::Template;

mod tree;

fn p(s: &str) -> Vec<String> {
    s.split('.').map(str::to_string).collect()
}

fn route(set: &[(&str, &str)], path_params: &[&str]) -> RouteSpec {
    let layout = ferrule_parsers::registry::load(
        "01 R.\n   05 A PIC X.\n",
        "t.cpy",
        None,
        &Default::default(),
    )
    .unwrap();
    let layout = Arc::new(layout);
    RouteSpec {
        method: "GET".into(),
        path: "/t".into(),
        backend: 0,
        request: layout.clone(),
        response: layout,
        set: set
            .iter()
            .map(|(f, t)| {
                (
                    f.split('.').map(str::to_string).collect(),
                    Template::parse(t).unwrap(),
                )
            })
            .collect(),
        path_params: path_params.iter().map(|s| s.to_string()).collect(),
        status: None,
        omit: vec![],
        rename: vec![],
        policy: Arc::new(crate::auth::RoutePolicy::open()),
        audit_keys: vec![],
        examples: Default::default(),
        drop_empty_occurs: false,
        envelope: Default::default(),
    }
}

/// `set` applied both ways, the `Value` reference and the borrowed tree, which must
/// agree (result and the JSON it leaves); `v` is left as both left it.
fn apply_set_both(
    spec: &RouteSpec,
    v: &mut Value,
    path: &HashMap<String, String>,
    query: &HashMap<String, String>,
) -> Result<(), ApiError> {
    let text = v.to_string();
    let mut t: Json = serde_json::from_str(&text).unwrap();
    let by_tree = apply_set(spec, &mut t, path, query);
    let by_value = reference::apply_set(spec, v, path, query);
    assert_eq!(by_tree, by_value);
    assert_eq!(Value::from(&t).to_string(), v.to_string());
    by_value
}

/// `set_path` both ways, as [`apply_set_both`].
fn set_path_both(v: &mut Value, path: &[String], value: Value) -> Result<(), String> {
    let text = v.to_string();
    let value_text = value.to_string();
    let mut t: Json = serde_json::from_str(&text).unwrap();
    let by_tree = set_path(&mut t, path, serde_json::from_str(&value_text).unwrap());
    let by_value = reference::set_path(v, path, value);
    assert_eq!(by_tree, by_value);
    assert_eq!(Value::from(&t).to_string(), v.to_string());
    by_value
}

fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn set_fills_nested_fields_from_path_query_and_constants() {
    let spec = route(
        &[
            ("vrm", "{vrm}"),
            ("person.dob", "{dob}"),
            ("tran", "VEHQ"),
            ("ref", "R-{vrm}"),
        ],
        &["vrm"],
    );
    let mut v = json!({});
    apply_set_both(
        &spec,
        &mut v,
        &params(&[("vrm", "AB12CDE")]),
        &params(&[("dob", "19800101")]),
    )
    .unwrap();
    // Values go in as text; the encoder converts them for numeric fields.
    assert_eq!(
        v,
        json!({"vrm": "AB12CDE", "person": {"dob": "19800101"}, "tran": "VEHQ", "ref": "R-AB12CDE"})
    );
}

#[test]
fn missing_parameters_are_all_named() {
    let spec = route(&[("person.dob", "{dob}"), ("x", "{other}")], &[]);
    let mut v = json!({});
    let Err(ApiError::InvalidFields(ps)) =
        apply_set_both(&spec, &mut v, &params(&[]), &params(&[("dob", "")]))
    else {
        panic!("expected invalid fields");
    };
    // `dob` is present (even if empty); only `other` is missing, from the query.
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0].field, "x");
    assert_eq!(ps[0].detail, "missing query parameter `other`");
    let Err(ApiError::InvalidFields(ps)) =
        apply_set_both(&spec, &mut v, &params(&[]), &params(&[]))
    else {
        panic!("expected invalid fields");
    };
    assert_eq!(ps.len(), 2);
    assert!(ps[0].detail.contains("`dob`"));
}

#[test]
fn a_query_parameter_does_not_fill_a_path_parameter() {
    // `vrm` is a path parameter: `?vrm=` must not stand in for it.
    let spec = route(&[("vrm", "{vrm}")], &["vrm"]);
    let mut v = json!({});
    let r = apply_set_both(&spec, &mut v, &params(&[]), &params(&[("vrm", "X")]));
    let Err(ApiError::InvalidFields(ps)) = r else {
        panic!("expected invalid fields");
    };
    assert_eq!(ps[0].detail, "missing path parameter `vrm`");
}

#[test]
fn json_media_types() {
    let hv = |s: &'static str| HeaderValue::from_static(s);
    assert!(is_json(Some(&hv("application/json"))));
    assert!(is_json(Some(&hv("Application/JSON; charset=utf-8"))));
    assert!(is_json(Some(&hv("application/merge-patch+json"))));
    // Forms (curl -d's default) and a missing header are not JSON.
    assert!(!is_json(Some(&hv("application/x-www-form-urlencoded"))));
    assert!(!is_json(Some(&hv("text/json+xml"))));
    assert!(!is_json(None));
}

#[test]
fn set_creates_nested_objects() {
    // An empty body gains owner.dob; an existing sibling is kept.
    let mut v = json!({"owner": {"name": "A"}});
    set_path_both(&mut v, &p("owner.dob"), json!("19800101")).unwrap();
    set_path_both(&mut v, &p("query.kind.code"), json!("V")).unwrap();
    assert_eq!(
        v,
        json!({"owner": {"name": "A", "dob": "19800101"}, "query": {"kind": {"code": "V"}}})
    );
    // A set value replaces what the body had there.
    set_path_both(&mut v, &p("owner.name"), json!("B")).unwrap();
    assert_eq!(v["owner"]["name"], "B");
}

#[test]
fn set_through_a_non_object_names_the_blocker() {
    // The body has `owner` as text where the route needs an object.
    let mut v = json!({"owner": "x"});
    assert_eq!(
        set_path_both(&mut v, &p("owner.dob"), json!("1")),
        Err("owner".into())
    );
    // A body that is not an object at all blocks at the root.
    let mut v = json!([1]);
    assert_eq!(
        set_path_both(&mut v, &p("vrm"), json!("1")),
        Err(String::new())
    );
}
