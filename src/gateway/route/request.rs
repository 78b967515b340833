//! The request side of a call: JSON body, path and query parameters in, the route's
//! `set` fields filled, then the request record out, every bad field listed. The body
//! is read into a tree that borrows its strings from the body's bytes (no owned
//! `serde_json::Value`); `reference.rs` keeps the `Value` path the tests compare with.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, RawPathParams, Request};
use axum::http::{header, request::Parts, HeaderValue, Method, StatusCode};
use ferrule_parsers::json::{Encoder, Json, Members, RecordError};

use super::codecs::{count_error, OwnedEncoder};
use super::RouteCtx;
use crate::config::{RouteSpec, Template};
use crate::connector::envelope::Envelope;
use crate::gateway::problem::{ApiError, FieldProblem};

/// Parameters by name.
pub(super) trait Params {
    fn get(&self, name: &str) -> Option<&str>;
}

impl<S: BuildHasher> Params for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(String::as_str)
    }
}

/// The path's parameters as the router found them: a route has a few, found by
/// comparing names (no map built per request).
impl Params for RawPathParams {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }
}

/// What a request gives the record, read before it is built: path and query
/// parameters, and the body's bytes (empty for a method without one, or a body of only
/// whitespace).
pub(super) struct Given<P = RawPathParams> {
    path: P,
    query: HashMap<String, String>,
    body: Bytes,
}

/// Reads the request's parameters and body, and the call's protocol envelope. The body
/// is checked for size and media type here; it is parsed by [`record`].
pub(super) async fn read(ctx: &RouteCtx, req: Request) -> Result<(Given, Envelope), ApiError> {
    let (mut parts, body) = req.into_parts();
    let path = match RawPathParams::from_request_parts(&mut parts, &()).await {
        Ok(path) => path,
        Err(raw) => {
            // The 400 says what axum's `Path` extractor says (its text differs).
            let text =
                match Path::<HashMap<String, String>>::from_request_parts(&mut parts, &()).await {
                    Err(e) => e.body_text(),
                    Ok(_) => raw.body_text(),
                };
            return Err(ApiError::BadRequest(format!(
                "cannot read the path: {text}"
            )));
        }
    };
    // No query string reads as an empty one: nothing to parse.
    let query = match parts.uri.query() {
        None => HashMap::new(),
        Some(_) => {
            Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
                .map_err(|_| ApiError::BadRequest("cannot read the query string".into()))?
                .0
        }
    };
    let envelope = envelope(&ctx.spec, &path, &query)?;
    let body = read_body(parts, body).await?;
    let given = Given { path, query, body };
    Ok((given, envelope))
}

/// The request record: the body read into a tree that borrows from it, the route's
/// `set` fields filled from the path, the query and constants, then encoded. The
/// audit key fields go into `keys` (when given) before the record is encoded, so a
/// record that does not encode is still audited with them.
pub(super) fn record(
    ctx: &RouteCtx,
    given: &Given<impl Params>,
    keys: Option<&mut Vec<(String, String)>>,
) -> Result<Vec<u8>, ApiError> {
    let spec = &ctx.spec;
    let mut tree = parse_body(&given.body, spec.set.len())?;
    apply_set(spec, &mut tree, &given.path, &given.query)?;
    if let Some(keys) = keys {
        *keys = audit_keys(spec, &tree);
    }
    encode(ctx, &tree)
}

/// The body as JSON (`{}` with room for `room` members when there is none).
fn parse_body(body: &[u8], room: usize) -> Result<Json<'_>, ApiError> {
    if body.is_empty() {
        return Ok(Json::Object(Members::with_capacity(room)));
    }
    serde_json::from_slice(body).map_err(|e| {
        // serde_json's message names line and column, never the input itself.
        ApiError::BadRequest(format!("the body is not valid JSON: {e}"))
    })
}

/// The route's envelope for this call (CICS client data from parameters); a value the
/// listener would refuse is the caller's 400, naming the parameters.
pub(super) fn envelope(
    spec: &RouteSpec,
    path: &impl Params,
    query: &impl Params,
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
fn param(spec: &RouteSpec, path: &impl Params, query: &impl Params, name: &str) -> Option<String> {
    if spec.path_params.iter().any(|n| n == name) {
        path.get(name).map(str::to_string)
    } else {
        query.get(name).map(str::to_string)
    }
}

/// The route's audit key fields present in the request JSON, as text.
pub(super) fn audit_keys(spec: &RouteSpec, value: &Json<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    'keys: for (name, path) in &spec.audit_keys {
        let mut at = value;
        for step in path {
            match at {
                Json::Object(m) => match m.get(step) {
                    Some(v) => at = v,
                    None => continue 'keys,
                },
                _ => continue 'keys,
            }
        }
        let text = match at {
            Json::String(s) => s.to_string(),
            Json::Number(n) => n.to_string(),
            Json::Bool(b) => b.to_string(),
            _ => continue,
        };
        out.push((name.clone(), text));
    }
    out
}

/// The body's bytes for methods that carry one; empty for the others and for a body of
/// only whitespace (both read as `{}`).
async fn read_body(parts: Parts, body: Body) -> Result<Bytes, ApiError> {
    if !matches!(parts.method, Method::POST | Method::PUT | Method::PATCH) {
        return Ok(Bytes::new());
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
        return Ok(Bytes::new());
    }
    if !is_json(content_type.as_ref()) {
        return Err(ApiError::UnsupportedMediaType(
            "the body must be JSON: send Content-Type: application/json".into(),
        ));
    }
    Ok(bytes)
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
/// Every missing parameter is reported at once. Values borrow from the route and the
/// parameters (only a template mixing text and parameters builds a string).
pub(super) fn apply_set<'a>(
    spec: &'a RouteSpec,
    value: &mut Json<'a>,
    path: &'a impl Params,
    query: &'a impl Params,
) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    let from_path = |p: &str| spec.path_params.iter().any(|n| n == p);
    let lookup = |p: &str| -> Option<&'a str> {
        if from_path(p) {
            path.get(p)
        } else {
            query.get(p)
        }
    };
    for (field, template) in &spec.set {
        match render(template, &lookup) {
            Ok(text) => {
                if let Err(at) = set_path(value, field, Json::String(text)) {
                    problems.push(FieldProblem {
                        field: if at.is_empty() { "(record)".into() } else { at },
                        detail: "expected an object".into(),
                    });
                }
            }
            Err(param) => {
                let source = if from_path(param) { "path" } else { "query" };
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

/// `template`'s text, borrowed when it is one constant or one parameter; `Err` names the
/// first missing parameter (as `Template::render`).
fn render<'a>(
    template: &'a Template,
    lookup: &dyn Fn(&str) -> Option<&'a str>,
) -> Result<Cow<'a, str>, &'a str> {
    match template {
        Template::Const(s) => Ok(Cow::Borrowed(s)),
        Template::Param(p) => lookup(p).map(Cow::Borrowed).ok_or(p.as_str()),
        Template::Mixed(parts) => {
            let mut text = String::new();
            for t in parts {
                text.push_str(&render(t, lookup)?);
            }
            Ok(Cow::Owned(text))
        }
    }
}

/// Writes `value` at `path`, creating the objects on the way. Fails with the dotted
/// prefix that exists but is not an object (the client sent `{"owner": "x"}` where the
/// route sets `owner.dob`).
pub(super) fn set_path<'a>(
    root: &mut Json<'a>,
    path: &'a [String],
    value: Json<'a>,
) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    let mut at = root;
    for (i, name) in parents.iter().enumerate() {
        let Json::Object(map) = at else {
            return Err(path.get(..i).unwrap_or_default().join("."));
        };
        at = map.get_or_insert_with(Cow::Borrowed(name.as_str()), || {
            Json::Object(Members::default())
        });
    }
    match at {
        Json::Object(map) => {
            map.insert(Cow::Borrowed(last.as_str()), value);
            Ok(())
        }
        _ => Err(parents.join(".")),
    }
}

/// JSON -> request record, every bad field listed. The encoder is checked out of the
/// route's pool and given back before any `.await`.
fn encode(ctx: &RouteCtx, value: &Json<'_>) -> Result<Vec<u8>, ApiError> {
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
    let r = encoder.with_dependent_mut(|_, enc| enc.encode_all_from(value, &mut out, false));
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
mod reference;
#[cfg(test)]
mod tests;
