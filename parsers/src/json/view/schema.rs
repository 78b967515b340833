//! A view applied to a record's JSON Schema, so an API description says what the wire
//! carries: the fields a view omits are gone (with their `required` entries), the ones
//! it renames are under their new names, in the same order as on the wire.
//!
//! Object schemas hold their members under `properties`; a path step passes through
//! `items` (OCCURS) and `oneOf` / `anyOf` / `allOf` / `prefixItems` alternatives
//! (REDEFINES), editing each one that has the field.

use serde_json::{Map, Value};

use super::walk::{self, Tree};
use super::View;

/// Keywords whose schemas describe the same JSON value (alternatives, array items):
/// a path step passes through them.
const THROUGH: [&str; 4] = ["oneOf", "anyOf", "allOf", "prefixItems"];

/// Record schemas as `json::record_schema` writes them.
struct Schema;

impl Tree for Schema {
    fn objects(node: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
        let Value::Object(node) = node else {
            return;
        };
        if let Some(items) = node.get_mut("items") {
            Schema::objects(items, f);
        }
        for key in THROUGH {
            if let Some(Value::Array(alternatives)) = node.get_mut(key) {
                for alt in alternatives {
                    Schema::objects(alt, f);
                }
            }
        }
        if node.contains_key("properties") {
            f(node);
        }
    }

    fn members(node: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
        match node.get_mut("properties") {
            Some(Value::Object(props)) => Some(props),
            _ => None,
        }
    }

    fn removed(node: &mut Map<String, Value>, name: &str) {
        unrequire(node, name);
    }

    fn renamed(node: &mut Map<String, Value>, name: &str, new_name: &str) {
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
    }
}

impl View {
    /// Edits a record's JSON Schema as [`View::edit_json`] edits the record.
    pub fn edit_schema(&self, schema: &mut Value) {
        walk::apply::<Schema>(self, schema);
    }
}

/// Calls `edit` with each object schema that holds the path's last name (as a property),
/// and that name: for edits other than a view's (a field made optional).
pub fn each_parent(
    schema: &mut Value,
    path: &[String],
    edit: &mut dyn FnMut(&mut Map<String, Value>, &str),
) {
    walk::parents::<Schema>(schema, path, edit);
}

/// Takes `name` out of an object schema's `required` list (and drops an emptied list).
pub fn unrequire(node: &mut Map<String, Value>, name: &str) {
    if let Some(Value::Array(required)) = node.get_mut("required") {
        required.retain(|r| r.as_str() != Some(name));
        if required.is_empty() {
            node.remove("required");
        }
    }
}

/// The schema of the property at `path`, the first one found.
pub fn field<'s>(schema: &'s Value, path: &[String]) -> Option<&'s Value> {
    let (first, rest) = path.split_first()?;
    let mut nodes = Vec::new();
    objects(schema, &mut nodes);
    nodes.into_iter().find_map(|node| {
        let child = node.get("properties").and_then(|p| p.get(first))?;
        if rest.is_empty() {
            Some(child)
        } else {
            field(child, rest)
        }
    })
}

/// [`Schema::objects`] for reading: the object schemas reachable without a path step.
fn objects<'s>(schema: &'s Value, out: &mut Vec<&'s Map<String, Value>>) {
    let Value::Object(node) = schema else {
        return;
    };
    if let Some(items) = node.get("items") {
        objects(items, out);
    }
    for key in THROUGH {
        if let Some(Value::Array(alternatives)) = node.get(key) {
            alternatives.iter().for_each(|alt| objects(alt, out));
        }
    }
    if node.contains_key("properties") {
        out.push(node);
    }
}

#[cfg(test)]
mod tests;
