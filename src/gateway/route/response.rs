//! The response side of a call: the response record decoded to JSON as the caller may
//! see it (the route's omit and rename, the caller's sensitive fields stripped), the
//! return code mapped to a status, and a mapped error turned into a problem.
//!
//! A record that does not decode, or a return code the route does not map, is the
//! host's fault: 502, details in the log only.

use axum::http::StatusCode;
use ferrule_parsers::json::{Decoded, Decoder, FieldErrorMode, RecordError, View};
use serde_json::Value;

use super::codecs::{count_error, OwnedDecoder, Pool};
use super::status::{code_of, get_path, map_captured, map_code, map_status};
use super::RouteCtx;
use crate::auth::{strip_sensitive, Principal};
use crate::config::RouteSpec;
use crate::gateway::problem::ApiError;

fn layout_error(spec: &RouteSpec, e: &RecordError) -> ApiError {
    tracing::error!(route = %spec.path, field = %e.path, "response layout cannot be compiled");
    ApiError::Internal
}

/// Decodes the response record, or says why not (the host's fault: 502).
fn decode(
    ctx: &RouteCtx,
    decoder: &mut Decoder<'_>,
    record: &[u8],
    out: &mut Vec<u8>,
) -> Result<Decoded, ApiError> {
    let spec = &ctx.spec;
    decoder
        .decode(record, out, FieldErrorMode::Fail)
        .map_err(|e| {
            count_error(spec, "response");
            // Path, offset and kind are safe to log; the field's bytes only at debug.
            tracing::warn!(route = %spec.path, backend = %ctx.backend.name, field = %e.path,
                offset = e.offset, len = record.len(), "response record does not decode");
            tracing::debug!(error = %e, "response decode error");
            ApiError::BadBackendResponse {
                backend: ctx.backend.name.clone(),
            }
        })
}

/// The HTTP status the route maps the record's return code to.
fn route_status(
    ctx: &RouteCtx,
    s: &crate::config::StatusSpec,
    mapped: Option<u16>,
) -> Result<StatusCode, ApiError> {
    mapped
        .and_then(|code| StatusCode::from_u16(code).ok())
        .ok_or_else(|| {
            tracing::warn!(route = %ctx.spec.path, backend = %ctx.backend.name,
                field = %s.field.join("."), "return code not in the route's status map");
            ApiError::BadBackendResponse {
                backend: ctx.backend.name.clone(),
            }
        })
}

/// Response record -> (status, JSON body). A record that does not decode, or a return
/// code the route does not map, is the host's fault: 502, details in the log only.
pub(super) fn respond(
    ctx: &RouteCtx,
    record: &[u8],
    principal: Option<&Principal>,
) -> Result<(StatusCode, Vec<u8>), ApiError> {
    let spec = &ctx.spec;
    let policy = &spec.policy;
    // Sensitive fields depend on the caller: those routes edit the decoded JSON.
    if ctx.one_pass && policy.sensitive.is_empty() {
        let (out, decoded) = pooled(ctx, &ctx.codecs.shaped, &ctx.view, record)?;
        let captured = decoded.captured;
        let status = match &spec.status {
            None => StatusCode::OK,
            Some(s) => {
                // The captured value itself: no object is built around it to look it up
                // again (an empty field path names nothing, as `get_path` would find).
                let mapped = match captured {
                    Some(text) if !s.field.is_empty() => {
                        map_captured(s, &text).map_err(|_| ApiError::Internal)?
                    }
                    _ => map_code(s, None),
                };
                route_status(ctx, s, mapped)?
            }
        };
        return Ok((status, out));
    }
    let out = plain_json(ctx, record)?;
    if spec.status.is_none()
        && spec.omit.is_empty()
        && spec.rename.is_empty()
        && policy.sensitive.is_empty()
    {
        return Ok((StatusCode::OK, out));
    }
    let mut json: Value = serde_json::from_slice(&out).map_err(|_| ApiError::Internal)?;
    let status = match &spec.status {
        None => StatusCode::OK,
        Some(s) => route_status(ctx, s, map_status(s, &json))?,
    };
    as_client_sees(ctx, principal, &mut json);
    let body = serde_json::to_vec(&json).map_err(|_| ApiError::Internal)?;
    Ok((status, body))
}

/// The response record as JSON, without the route's reshaping (tables trimmed if the
/// route says so).
fn plain_json(ctx: &RouteCtx, record: &[u8]) -> Result<Vec<u8>, ApiError> {
    // Trimming tables is no reshaping of names: it applies on this path too. (A view
    // of empty lists: nothing allocated.)
    let trimming = View::trimming(ctx.spec.drop_empty_occurs);
    Ok(pooled(ctx, &ctx.codecs.plain, &trimming, record)?.0)
}

/// Decodes `record` with a decoder checked out of `pool` (one built over `view` on a
/// miss) and given back before anything else happens.
fn pooled(
    ctx: &RouteCtx,
    pool: &Pool<OwnedDecoder>,
    view: &View,
    record: &[u8],
) -> Result<(Vec<u8>, Decoded), ApiError> {
    let spec = &ctx.spec;
    let codec = ctx.backend.codec;
    let mut decoder = pool
        .take(|| {
            OwnedDecoder::try_new(spec.response.clone(), |l| {
                Decoder::with_view(l, codec, view)
            })
        })
        .map_err(|e| layout_error(spec, &e))?;
    let mut out = Vec::with_capacity(spec.response.max_len() * 2);
    let r = decoder.with_dependent_mut(|_, d| decode(ctx, d, record, &mut out));
    pool.give(decoder);
    Ok((out, r?))
}

/// The route's view (omit, rename), then the caller's sensitive fields stripped.
fn as_client_sees(ctx: &RouteCtx, principal: Option<&Principal>, json: &mut Value) {
    ctx.view.edit_json(json);
    // Sensitive paths name fields as the client sees them: after omit and rename.
    strip_sensitive(&ctx.spec.policy, principal, json);
}

/// A mapped error status as a problem. Its detail is the route's `detail_field` as the
/// caller would see it in an answer (so an omitted or sensitive field tells nothing),
/// else a generic text naming the return code.
pub(super) fn host_problem(
    ctx: &RouteCtx,
    record: &[u8],
    status: StatusCode,
    principal: Option<&Principal>,
) -> ApiError {
    let spec = &ctx.spec;
    // The record decoded a moment ago to give this status: it decodes again.
    let json: Option<Value> = plain_json(ctx, record)
        .ok()
        .and_then(|out| serde_json::from_slice(&out).ok());
    let code = spec
        .status
        .as_ref()
        .zip(json.as_ref())
        .and_then(|(s, j)| code_of(s, j));
    let message = match (spec.status.as_ref().and_then(|s| s.detail.as_ref()), json) {
        (Some(field), Some(mut json)) => {
            as_client_sees(ctx, principal, &mut json);
            get_path(&json, &ctx.view.shown_path(field)).and_then(message_text)
        }
        _ => None,
    };
    let detail = message.unwrap_or_else(|| match code {
        Some(c) => format!("backend `{}` answered return code `{c}`", ctx.backend.name),
        None => format!("backend `{}` answered with an error", ctx.backend.name),
    });
    ApiError::Host { status, detail }
}

/// A host message's text, trimmed; nothing for blanks or non-text.
fn message_text(v: &Value) -> Option<String> {
    let text = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}
