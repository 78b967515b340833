//! A route's reshaping of its records, applied to their JSON Schemas so the document
//! says what the wire carries: response fields omitted and renamed (in the order and
//! with the semantics of `gateway::shape`), sensitive fields optional, and request
//! fields that `set` overwrites removed from the body.
//!
//! Paths are dotted field names, as in the config. Like the JSON edits, a step passes
//! through arrays (OCCURS groups) to their items; it also passes through `oneOf` /
//! `anyOf` / `allOf` alternatives (REDEFINES), editing each one that has the field.

use serde_json::{Map, Value};

/// Applies a route's `omit` then `rename` to a response schema, exactly as the gateway
/// edits decoded records: omit paths and rename paths both name fields as the record
/// has them, and renames run one after the other (so a rename under an already renamed
/// group finds nothing, as on the wire).
pub fn apply_view(schema: &mut Value, omit: &[Vec<String>], rename: &[(Vec<String>, String)]) {
    for path in omit {
        remove_field(schema, path);
    }
    for (path, new_name) in rename {
        rename_field(schema, path, new_name);
    }
}

/// Removes the property at `path` (and its `required` entry) wherever the path leads.
pub fn remove_field(schema: &mut Value, path: &[String]) {
    at_parents(schema, path, &mut |node, name| {
        if let Some(Value::Object(props)) = node.get_mut("properties") {
            props.shift_remove(name);
        }
        unrequire(node, name);
    });
}

/// Renames the property at `path`, keeping its place among its siblings; a sibling that
/// already has the new name is replaced, as `gateway::shape::rename_path` does.
pub fn rename_field(schema: &mut Value, path: &[String], new_name: &str) {
    at_parents(schema, path, &mut |node, name| {
        let Some(Value::Object(props)) = node.get_mut("properties") else {
            return;
        };
        if !props.contains_key(name) {
            return;
        }
        let old = std::mem::take(props);
        for (k, v) in old {
            if k == name {
                props.insert(new_name.to_string(), v);
            } else {
                props.insert(k, v);
            }
        }
        if let Some(Value::Array(required)) = node.get_mut("required") {
            let mut renamed: Vec<Value> = Vec::with_capacity(required.len());
            for r in required.drain(..) {
                let r = if r.as_str() == Some(name) {
                    Value::String(new_name.to_string())
                } else {
                    r
                };
                if !renamed.contains(&r) {
                    renamed.push(r);
                }
            }
            *required = renamed;
        }
    });
}

/// Makes the property at `path` optional (it is removed for callers without `scope`)
/// and says so in its description.
pub fn make_optional(schema: &mut Value, path: &[String], scope: &str) {
    at_parents(schema, path, &mut |node, name| {
        let Some(Value::Object(props)) = node.get_mut("properties") else {
            return;
        };
        let Some(Value::Object(field)) = props.get_mut(name) else {
            return;
        };
        let note = format!("Sent only to callers holding scope `{scope}`.");
        let description = match field.get("description").and_then(Value::as_str) {
            Some(d) if !d.is_empty() => format!("{d} {note}"),
            _ => note,
        };
        field.insert("description".into(), Value::String(description));
        unrequire(node, name);
    });
}

/// The schema of the property at `path`, the first one found.
pub fn field_schema<'s>(schema: &'s Value, path: &[String]) -> Option<&'s Value> {
    let (first, rest) = path.split_first()?;
    let mut found = None;
    for node in objects(schema) {
        let Some(child) = node.get("properties").and_then(|p| p.get(first)) else {
            continue;
        };
        found = if rest.is_empty() {
            Some(child)
        } else {
            field_schema(child, rest)
        };
        if found.is_some() {
            break;
        }
    }
    found
}

fn unrequire(node: &mut Map<String, Value>, name: &str) {
    if let Some(Value::Array(required)) = node.get_mut("required") {
        required.retain(|r| r.as_str() != Some(name));
        if required.is_empty() {
            node.remove("required");
        }
    }
}

/// Keywords whose schemas describe the same JSON value (alternatives, array items):
/// a path step passes through them.
const THROUGH: [&str; 4] = ["oneOf", "anyOf", "allOf", "prefixItems"];

/// Calls `edit` with each object schema (one with `properties`) that holds the path's
/// last name, and the name.
fn at_parents(
    schema: &mut Value,
    path: &[String],
    edit: &mut dyn FnMut(&mut Map<String, Value>, &str),
) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    each_object(schema, &mut |node| {
        if rest.is_empty() {
            edit(node, first);
        } else if let Some(child) = node
            .get_mut("properties")
            .and_then(|p| p.get_mut(first.as_str()))
        {
            at_parents(child, rest, edit);
        }
    });
}

/// Calls `f` with every object schema reachable from `schema` without a path step.
fn each_object(schema: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    let Value::Object(node) = schema else {
        return;
    };
    if let Some(items) = node.get_mut("items") {
        each_object(items, f);
    }
    for key in THROUGH {
        if let Some(Value::Array(alternatives)) = node.get_mut(key) {
            for alt in alternatives {
                each_object(alt, f);
            }
        }
    }
    if node.contains_key("properties") {
        f(node);
    }
}

/// The object schemas reachable from `schema` without a path step (read-only).
fn objects(schema: &Value) -> Vec<&Map<String, Value>> {
    let mut out = Vec::new();
    let Value::Object(node) = schema else {
        return out;
    };
    if let Some(items) = node.get("items") {
        out.extend(objects(items));
    }
    for key in THROUGH {
        if let Some(Value::Array(alternatives)) = node.get(key) {
            for alt in alternatives {
                out.extend(objects(alt));
            }
        }
    }
    if node.contains_key("properties") {
        out.push(node);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    fn keys(v: &Value) -> Vec<&str> {
        v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
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
        rename_field(&mut s, &path("vrm"), "return_code");
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
        make_optional(&mut s, &path("nope.deeper"), "s");
        assert_eq!(s, record());
        let mut bare = json!({"type": "object"});
        apply_view(&mut bare, &[path("a")], &[(path("b"), "c".into())]);
        assert_eq!(bare, json!({"type": "object"}));
        let mut scalar = json!(true);
        remove_field(&mut scalar, &path("a"));
        assert_eq!(scalar, json!(true));
    }

    #[test]
    fn sensitive_fields_become_optional_and_say_why() {
        let mut s = record();
        make_optional(&mut s, &path("keeper.postcode"), "keeper:read");
        make_optional(&mut s, &path("reports.report_date"), "intel");
        let keeper = &s["properties"]["keeper"];
        assert_eq!(keeper["required"], json!(["keeper_name"]));
        assert_eq!(
            keeper["properties"]["postcode"]["description"],
            "UK postcode. Sent only to callers holding scope `keeper:read`."
        );
        let item = &s["properties"]["reports"]["items"];
        assert_eq!(item["required"], json!(["report_type"]));
        assert!(item["properties"]["report_date"]["description"]
            .as_str()
            .unwrap()
            .contains("`intel`"));
    }

    #[test]
    fn field_schemas_are_found_through_groups_and_alternatives() {
        let s = record();
        assert_eq!(
            field_schema(&s, &path("keeper.keeper_name")),
            Some(&json!({"type": "string", "maxLength": 30}))
        );
        assert_eq!(
            field_schema(&s, &path("payload.b")),
            Some(&json!({"type": "integer"}))
        );
        // Missing names, empty paths and the placeholder schema find nothing.
        assert_eq!(field_schema(&s, &path("keeper.nope")), None);
        assert_eq!(field_schema(&s, &[]), None);
        assert_eq!(field_schema(&json!({"type": "object"}), &path("vrm")), None);
    }
}
