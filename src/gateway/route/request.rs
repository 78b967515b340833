//! The request side of a call: JSON body, path and query parameters in, the route's
//! `set` fields filled, then the request record out, every bad field listed.

use std::collections::HashMap;
use std::hash::BuildHasher;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::{header, request::Parts, HeaderValue, Method, StatusCode};
use ferrule_parsers::json::{Encoder, RecordError};
use foldhash::fast::RandomState;
use serde_json::{Map, Value};

use super::codecs::{count_error, OwnedEncoder};
use super::RouteCtx;
use crate::config::RouteSpec;
use crate::connector::envelope::Envelope;
use crate::gateway::problem::{ApiError, FieldProblem};

/// The request as JSON: the body (or `{}`) with the route's `set` fields filled from
/// the path, the query and constants; and the call's protocol envelope.
pub(super) async fn json(ctx: &RouteCtx, req: Request) -> Result<(Value, Envelope), ApiError> {
    let (mut parts, body) = req.into_parts();
    // Keyed by the route's own parameter names (never a caller's text): a fast hash.
    let path = Path::<HashMap<String, String, RandomState>>::from_request_parts(&mut parts, &())
        .await
        .map_err(|e| ApiError::BadRequest(format!("cannot read the path: {}", e.body_text())))?;
    // No query string reads as an empty one: nothing to parse.
    let query = match parts.uri.query() {
        None => HashMap::new(),
        Some(_) => {
            Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
                .map_err(|_| ApiError::BadRequest("cannot read the query string".into()))?
                .0
        }
    };
    let envelope = envelope(&ctx.spec, &path.0, &query)?;
    // Room for the `set` fields up front: the object is not regrown as they go in.
    let mut value = read_body(parts, body, ctx.spec.set.len()).await?;
    apply_set(&ctx.spec, &mut value, &path.0, &query)?;
    Ok((value, envelope))
}

/// The route's envelope for this call (CICS client data from parameters); a value the
/// listener would refuse is the caller's 400, naming the parameters.
pub(super) fn envelope(
    spec: &RouteSpec,
    path: &HashMap<String, String, impl BuildHasher>,
    query: &HashMap<String, String, impl BuildHasher>,
) -> Result<Envelope, ApiError> {
    let lookup = |p: &str| param(spec, path, query, p);
    spec.envelope.render(&lookup).map_err(|e| {
        ApiError::InvalidFields(
            e.params
                .into_iter()
                .map(|p| FieldProblem {
                    field: p,
                    detail: format!("as the CICS listener's client data: {}", e.detail),
                })
                .collect(),
        )
    })
}

/// A parameter's value: from the path when the route's path names it, else the query.
fn param(
    spec: &RouteSpec,
    path: &HashMap<String, String, impl BuildHasher>,
    query: &HashMap<String, String, impl BuildHasher>,
    name: &str,
) -> Option<String> {
    if spec.path_params.iter().any(|n| n == name) {
        path.get(name).cloned()
    } else {
        query.get(name).cloned()
    }
}

/// The route's audit key fields present in the request JSON, as text.
pub(super) fn audit_keys(spec: &RouteSpec, value: &Value) -> Vec<(String, String)> {
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

/// The request JSON: the body for methods that carry one (empty = `{}`), else `{}` with
/// room for `room` members.
async fn read_body(parts: Parts, body: Body, room: usize) -> Result<Value, ApiError> {
    let empty = || Value::Object(Map::with_capacity(room));
    if !matches!(parts.method, Method::POST | Method::PUT | Method::PATCH) {
        return Ok(empty());
    }
    let content_type = parts.headers.get(header::CONTENT_TYPE).cloned();
    // The Bytes extractor honours the stack's body limit and reports 413 past it.
    let bytes = Bytes::from_request(Request::from_parts(parts, body), &())
        .await
        .map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest("cannot read the request body".into())
            }
        })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(empty());
    }
    if !is_json(content_type.as_ref()) {
        return Err(ApiError::UnsupportedMediaType(
            "the body must be JSON: send Content-Type: application/json".into(),
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        // serde_json's message names line and column, never the input itself.
        ApiError::BadRequest(format!("the body is not valid JSON: {e}"))
    })
}

/// `application/json` or any `application/*+json`, with or without parameters.
fn is_json(content_type: Option<&HeaderValue>) -> bool {
    let Some(ct) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|s| s.ends_with("+json"))
}

/// Fills the route's `set` fields from path parameters, query parameters and constants.
/// Every missing parameter is reported at once.
pub(super) fn apply_set(
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
                    // Joined only here: on the success path it was a string per field.
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
/// prefix that exists but is not an object (the client sent `{"owner": "x"}` where the
/// route sets `owner.dob`).
pub(super) fn set_path(root: &mut Value, path: &[String], value: Value) -> Result<(), String> {
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

/// JSON -> request record, every bad field listed. The encoder is checked out of the
/// route's pool and given back before any `.await`.
pub(super) fn encode(ctx: &RouteCtx, value: &Value) -> Result<Vec<u8>, ApiError> {
    let spec = &ctx.spec;
    let codec = ctx.backend.codec;
    let mut encoder = ctx
        .codecs
        .encoders
        .take(|| OwnedEncoder::try_new(spec.request.clone(), |l| Encoder::new(l, codec)))
        .map_err(|e| {
            tracing::error!(route = %spec.path, field = %e.path, "request layout cannot be compiled");
            ApiError::Internal
        })?;
    let mut out = Vec::with_capacity(spec.request.max_len());
    let r = encoder.with_dependent_mut(|_, enc| enc.encode_all(value, &mut out, false));
    ctx.codecs.encoders.give(encoder);
    r.map_err(|errors| {
        count_error(spec, "request");
        ApiError::InvalidFields(errors.iter().map(field_problem).collect())
    })?;
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

#[cfg(test)]
mod tests;
