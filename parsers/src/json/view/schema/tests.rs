//! A view on record schemas: omits and renames through groups, OCCURS items and
//! REDEFINES alternatives, with their `required` entries.

use serde_json::json;

use super::super::View;
use super::*;

fn path(s: &str) -> Vec<String> {
    s.split('.').map(str::to_string).collect()
}

/// A response record's schema as the records crate writes them: nested groups,
/// an OCCURS group (array of objects), a REDEFINES (`oneOf`), `required` lists.
fn record() -> Value {
    json!({
        "type": "object",
        "properties": {
            "return_code": {"type": "integer", "minimum": 0, "maximum": 99},
            "vrm": {"type": "string", "maxLength": 8},
            "keeper": {
                "type": "object",
                "properties": {
                    "keeper_name": {"type": "string", "maxLength": 30},
                    "postcode": {"type": "string", "maxLength": 8, "description": "UK postcode."}
                },
                "required": ["keeper_name", "postcode"],
                "additionalProperties": false
            },
            "reports": {
                "type": "array",
                "maxItems": 3,
                "items": {
                    "type": "object",
                    "properties": {
                        "report_type": {"type": "string"},
                        "report_date": {"type": "integer"}
                    },
                    "required": ["report_type", "report_date"]
                }
            },
            "payload": {
                "oneOf": [
                    {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
                    {"type": "object", "properties": {"b": {"type": "integer"}}, "required": ["b"]}
                ]
            },
            "system_area": {"type": "object", "properties": {"host_id": {"type": "string"}}}
        },
        "required": ["return_code", "vrm", "keeper", "reports", "payload", "system_area"],
        "additionalProperties": false
    })
}

/// `apply_view` as the gateway's OpenAPI document called it before there was one view.
fn apply_view(schema: &mut Value, omit: &[Vec<String>], rename: &[(Vec<String>, String)]) {
    View {
        omit: omit.to_vec(),
        rename: rename.to_vec(),
        ..View::default()
    }
    .edit_schema(schema);
}

/// Property names, in order where serde_json keeps it (`preserve_order`, as in the
/// gateway); without it a map is sorted, and the names are compared sorted.
#[derive(Debug)]
struct Keys(Vec<String>);

impl<const N: usize> PartialEq<[&str; N]> for Keys {
    fn eq(&self, want: &[&str; N]) -> bool {
        let mut want: Vec<&str> = want.to_vec();
        let kept: Value = serde_json::from_str(r#"{"b": 0, "a": 0}"#).unwrap();
        if kept
            .as_object()
            .and_then(|m| m.keys().next())
            .map(String::as_str)
            != Some("b")
        {
            want.sort_unstable();
        }
        self.0 == want
    }
}

fn keys(v: &Value) -> Keys {
    Keys(
        v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect(),
    )
}

#[test]
fn omit_removes_properties_and_their_required_entries() {
    // Top-level, nested, inside array items and inside a REDEFINES alternative.
    let mut s = record();
    apply_view(
        &mut s,
        &[
            path("return_code"),
            path("keeper.postcode"),
            path("reports.report_date"),
            path("payload.b"),
        ],
        &[],
    );
    assert_eq!(
        keys(&s),
        ["vrm", "keeper", "reports", "payload", "system_area"]
    );
    assert_eq!(
        s["required"],
        json!(["vrm", "keeper", "reports", "payload", "system_area"])
    );
    let keeper = &s["properties"]["keeper"];
    assert_eq!(keys(keeper), ["keeper_name"]);
    assert_eq!(keeper["required"], json!(["keeper_name"]));
    let item = &s["properties"]["reports"]["items"];
    assert_eq!(keys(item), ["report_type"]);
    assert_eq!(item["required"], json!(["report_type"]));
    // The alternative lost its only field: no empty `required` is left behind.
    let alt = &s["properties"]["payload"]["oneOf"][1];
    assert_eq!(alt["properties"], json!({}));
    assert!(alt.get("required").is_none());
    assert_eq!(
        s["properties"]["payload"]["oneOf"][0]["required"],
        json!(["a"])
    );
}

#[test]
fn rename_keeps_the_place_and_the_required_entry() {
    let mut s = record();
    apply_view(
        &mut s,
        &[],
        &[
            (path("vrm"), "registration".into()),
            (path("keeper.keeper_name"), "name".into()),
            (path("reports.report_type"), "type".into()),
        ],
    );
    assert_eq!(
        keys(&s),
        [
            "return_code",
            "registration",
            "keeper",
            "reports",
            "payload",
            "system_area"
        ]
    );
    assert_eq!(s["required"][1], "registration");
    assert_eq!(keys(&s["properties"]["keeper"]), ["name", "postcode"]);
    assert_eq!(
        s["properties"]["keeper"]["required"],
        json!(["name", "postcode"])
    );
    assert_eq!(
        keys(&s["properties"]["reports"]["items"]),
        ["type", "report_date"]
    );
}

#[test]
fn renames_run_in_order_as_on_the_wire() {
    // `keeper` renamed first: `keeper.keeper_name` then names nothing (the gateway's
    // JSON edit finds nothing either), so the inner name stays.
    let mut s = record();
    apply_view(
        &mut s,
        &[],
        &[
            (path("keeper"), "owner".into()),
            (path("keeper.keeper_name"), "name".into()),
        ],
    );
    assert_eq!(keys(&s["properties"]["owner"]), ["keeper_name", "postcode"]);
    // Renaming onto an existing sibling replaces it (and `required` has it once).
    let mut s = record();
    apply_view(&mut s, &[], &[(path("vrm"), "return_code".into())]);
    assert_eq!(
        keys(&s),
        ["return_code", "keeper", "reports", "payload", "system_area"]
    );
    assert_eq!(s["properties"]["return_code"]["maxLength"], 8);
    let required = s["required"].as_array().unwrap();
    assert_eq!(required.iter().filter(|r| *r == "return_code").count(), 1);
}

#[test]
fn paths_that_lead_nowhere_change_nothing() {
    // Unknown names, a path through a scalar, an empty path, a schema with no
    // properties (the placeholder `{"type":"object"}`), and a non-object schema.
    let mut s = record();
    apply_view(
        &mut s,
        &[path("nope"), path("vrm.inner"), vec![]],
        &[
            (path("missing"), "x".into()),
            (path("keeper.nope"), "y".into()),
        ],
    );
    assert_eq!(s, record());
    let mut bare = json!({"type": "object"});
    apply_view(&mut bare, &[path("a")], &[(path("b"), "c".into())]);
    assert_eq!(bare, json!({"type": "object"}));
    let mut scalar = json!(true);
    apply_view(&mut scalar, &[path("a")], &[]);
    assert_eq!(scalar, json!(true));
}

#[test]
fn field_schemas_are_found_through_groups_and_alternatives() {
    let s = record();
    assert_eq!(
        field(&s, &path("keeper.keeper_name")),
        Some(&json!({"type": "string", "maxLength": 30}))
    );
    assert_eq!(
        field(&s, &path("payload.b")),
        Some(&json!({"type": "integer"}))
    );
    // Missing names, empty paths and the placeholder schema find nothing.
    assert_eq!(field(&s, &path("keeper.nope")), None);
    assert_eq!(field(&s, &[]), None);
    assert_eq!(field(&json!({"type": "object"}), &path("vrm")), None);
}
