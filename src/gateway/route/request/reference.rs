//! The request side through `serde_json::Value`, as the gateway built records before it
//! read bodies into a borrowed tree: the reference the tests hold the tree path to
//! (same records, same problems, same audit keys).

use std::collections::HashMap;
use std::hash::BuildHasher;

use ferrule_parsers::json::{Encoder, RecordError};
use serde_json::{Map, Value};

use crate::config::RouteSpec;
use crate::gateway::problem::{ApiError, FieldProblem};

/// The body as `Value` (after the media-type checks, which both paths share).
pub(crate) fn parse_body(body: &[u8], room: usize) -> Result<Value, ApiError> {
    if body.is_empty() {
        return Ok(Value::Object(Map::with_capacity(room)));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))
}

/// The route's audit key fields present in the request JSON, as text.
pub(crate) fn audit_keys(spec: &RouteSpec, value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, path) in &spec.audit_keys {
        let mut at = value;
        let mut found = true;
        for step in path {
            match at.get(step) {
                Some(v) => at = v,
                None => {
                    found = false;
                    break;
                }
            }
        }
        let text = match at {
            _ if !found => continue,
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        out.push((name.clone(), text));
    }
    out
}

/// Fills the route's `set` fields from path parameters, query parameters and constants.
/// Every missing parameter is reported at once.
pub(crate) fn apply_set(
    spec: &RouteSpec,
    value: &mut Value,
    path: &HashMap<String, String, impl BuildHasher>,
    query: &HashMap<String, String, impl BuildHasher>,
) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    for (field, template) in &spec.set {
        let from_path = |p: &str| spec.path_params.iter().any(|n| n == p);
        let lookup = |p: &str| {
            if from_path(p) {
                path.get(p).cloned()
            } else {
                query.get(p).cloned()
            }
        };
        match template.render(&lookup) {
            Ok(text) => {
                if let Err(at) = set_path(value, field, Value::String(text)) {
                    problems.push(FieldProblem {
                        field: if at.is_empty() { "(record)".into() } else { at },
                        detail: "expected an object".into(),
                    });
                }
            }
            Err(param) => {
                let source = if from_path(&param) { "path" } else { "query" };
                problems.push(FieldProblem {
                    field: field.join("."),
                    detail: format!("missing {source} parameter `{param}`"),
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::InvalidFields(problems))
    }
}

/// Writes `value` at `path`, creating the objects on the way. Fails with the dotted
/// prefix that exists but is not an object.
pub(crate) fn set_path(root: &mut Value, path: &[String], value: Value) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    let mut at = root;
    for (i, name) in parents.iter().enumerate() {
        let Value::Object(map) = at else {
            return Err(path[..i].join("."));
        };
        at = map
            .entry(name.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    match at {
        Value::Object(map) => {
            map.insert(last.clone(), value);
            Ok(())
        }
        _ => Err(parents.join(".")),
    }
}

/// JSON -> request record through `Encoder::encode_all`, every bad field listed.
pub(crate) fn encode(enc: &mut Encoder<'_>, value: &Value) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    enc.encode_all(value, &mut out, false)
        .map_err(|errors| ApiError::InvalidFields(errors.iter().map(field_problem).collect()))?;
    Ok(out)
}

fn field_problem(e: &RecordError) -> FieldProblem {
    FieldProblem {
        field: if e.path.is_empty() {
            "(record)".into()
        } else {
            e.path.clone()
        },
        detail: e.kind.to_string(),
    }
}
