//! One incoming record to one response record: pick the route by its match field,
//! decode the record, call the API, map the answer (or the failure) into the route's
//! response layout. Every outcome gives a well-formed record: failures carry the
//! mapped return code and a short message, so the program is never left without one.

use std::sync::Arc;
use std::time::Instant;

use ferrule_parsers::json::{CodecOptions, Decoder, Encoder, FieldErrorMode};
use ferrule_parsers::layout::{DataType, FieldKind, Layout};
use serde_json::{Map, Value};

use super::spec::{FieldFill, InboundRoute, InboundSet};
use super::target::CallError;
use super::text::{pick, set_path};
use crate::telemetry;
use crate::trace::context::TraceContext;

/// What became of one record: the response record, and what to quarantine and audit.
pub struct Served {
    pub route: String,
    /// The route that took the record, or the listener's first (for `no_route`).
    pub answering: Option<Arc<InboundRoute>>,
    pub outcome: &'static str,
    /// The API's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Time spent on the API call, when one was made.
    pub call_ms: Option<f64>,
    /// The response record's bytes; `None` when the listener has no route at all to
    /// answer with (the connection is then closed).
    pub record: Option<Vec<u8>>,
    /// Why the incoming record was bad (quarantined with its bytes).
    pub rejected: Option<String>,
}

/// Serves one record that arrived on listener `listener`.
pub async fn serve(
    set: &InboundSet,
    listener: usize,
    codec: CodecOptions,
    bytes: &[u8],
    trace: &TraceContext,
) -> Served {
    let Some(route) = set.routes_of(listener).find(|r| r.matches.hit(bytes)) else {
        // The listener's first route answers what no route takes.
        let why = "no inbound route matches the record".to_string();
        let first = set.routes_of(listener).next().cloned();
        let record = first
            .as_ref()
            .map(|r| failure_record(r, codec, "no_route", &why));
        return Served {
            route: "<none>".into(),
            answering: first,
            outcome: "no_route",
            status: None,
            call_ms: None,
            record,
            rejected: Some(why),
        };
    };
    let request = match decode(&route.request, codec, bytes) {
        Ok(v) => v,
        Err(why) => {
            return Served {
                route: route.name.clone(),
                answering: Some(Arc::clone(route)),
                outcome: "bad_record",
                status: None,
                call_ms: None,
                record: Some(failure_record(route, codec, "bad_record", &why)),
                rejected: Some(why),
            }
        }
    };
    let start = Instant::now();
    let called = route.target.call(route, &request, trace).await;
    let call_ms = start.elapsed().as_secs_f64() * 1000.0;
    let status = called.as_ref().ok().map(|a| a.status);
    let (outcome, record) = match called {
        Ok(a) if (200..300).contains(&a.status) => match answer_record(route, codec, &a.body) {
            Ok(r) => ("ok", r),
            Err(why) => (
                "bad_response",
                failure_record(route, codec, "bad_response", &why),
            ),
        },
        Ok(a) => {
            let status = a.status.to_string();
            let why = format!("HTTP {status} from the API");
            let record = failure_record(route, codec, &status, &why);
            (class_label(a.status), record)
        }
        Err(e) => {
            let (kind, why) = match e {
                CallError::Timeout => ("timeout", "no answer from the API in time".to_string()),
                CallError::Busy => ("busy", "too many calls to the API in flight".to_string()),
                CallError::Unreachable(m) => ("unreachable", m),
                CallError::BadResponse(m) => ("bad_response", m),
            };
            tracing::info!(route = %route.name, outcome = kind, error = %why, "inbound call failed");
            (kind, failure_record(route, codec, kind, &why))
        }
    };
    metrics::histogram!(telemetry::INBOUND_CALL_SECONDS, "route" => route.name.clone(),
        "outcome" => outcome)
    .record(start.elapsed().as_secs_f64());
    Served {
        route: route.name.clone(),
        answering: Some(Arc::clone(route)),
        outcome,
        status,
        call_ms: Some(call_ms),
        record: Some(record),
        rejected: None,
    }
}

/// A bounded metrics label for an HTTP status.
fn class_label(status: u16) -> &'static str {
    match status {
        400..=499 => "http_4xx",
        500..=599 => "http_5xx",
        _ => "http_other",
    }
}

/// The record as JSON, or a located reason (record error: field, offset, bytes).
fn decode(layout: &Layout, codec: CodecOptions, bytes: &[u8]) -> Result<Value, String> {
    let mut d = Decoder::new(layout, codec).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(bytes.len() * 2);
    if bytes.len() < layout.max_len() && !layout.has_odo() {
        return Err(format!(
            "record of {} bytes, the request layout needs {}",
            bytes.len(),
            layout.max_len()
        ));
    }
    d.decode(bytes, &mut out, FieldErrorMode::Fail)
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(&out).map_err(|e| e.to_string())
}

/// The success record: the return code for `ok`, and each mapped field from the answer.
fn answer_record(
    route: &InboundRoute,
    codec: CodecOptions,
    body: &[u8],
) -> Result<Vec<u8>, String> {
    let answer: Value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON: {e}"))?
    };
    let mut rec = replied(route);
    for (field, fill) in &route.fields {
        match fill {
            FieldFill::Value(path) => {
                if let Some(v) = pick(&answer, path).filter(|v| !v.is_null()) {
                    set_path(&mut rec, field, fit(&route.response, field, v.clone()));
                }
            }
            FieldFill::Table(t) => table::fill(&route.response, &mut rec, field, t, &answer)?,
        }
    }
    let code = route.errors.code("ok");
    set_path(
        &mut rec,
        &route.errors.field,
        fit(&route.response, &route.errors.field, code.into()),
    );
    encode(&route.response, codec, &Value::Object(rec))
        .map_err(|e| format!("the answer does not fit the response record: {e}"))
}

/// A record holding only the return code for `outcome` and the message.
pub fn failure_record(
    route: &InboundRoute,
    codec: CodecOptions,
    outcome: &str,
    why: &str,
) -> Vec<u8> {
    let mut rec = replied(route);
    let e = &route.errors;
    set_path(
        &mut rec,
        &e.field,
        fit(&route.response, &e.field, e.code(outcome).into()),
    );
    if let Some(m) = &e.message {
        let room = route.response.field_by_json_path(m).map_or(0, |f| f.size);
        let text: String = why
            .chars()
            .filter(|c| c.is_ascii() && !c.is_ascii_control())
            .take(room)
            .collect();
        set_path(&mut rec, m, Value::String(text));
    }
    // Only fields checked at load time are set, with values made to fit them: if this
    // still fails, a blank record is better than none.
    encode(&route.response, codec, &Value::Object(rec)).unwrap_or_else(|e| {
        tracing::error!(route = %route.name, error = %e, "failure record did not encode");
        vec![codec.codepage.space(); route.response.max_len()]
    })
}

/// The route's `reply` constants: the start of every record it sends back.
fn replied(route: &InboundRoute) -> Map<String, Value> {
    let mut rec = Map::new();
    for (field, text) in &route.reply {
        set_path(&mut rec, field, Value::String(text.clone()));
    }
    rec
}

fn encode(layout: &Layout, codec: CodecOptions, v: &Value) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(layout.max_len());
    Encoder::new(layout, codec)
        .and_then(|mut e| e.encode(v, &mut out, false))
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// A JSON value shaped for its field: numbers and booleans become text for text
/// fields (the encoder takes numbers as text already).
fn fit(layout: &Layout, field: &[String], v: Value) -> Value {
    let text = matches!(
        layout.field_by_json_path(field).map(|f| &f.kind),
        Some(FieldKind::Item(
            DataType::Alphanumeric { .. } | DataType::National { .. }
        ))
    );
    match v {
        Value::Number(n) if text => Value::String(n.to_string()),
        Value::Bool(b) if text => Value::String(if b { "Y" } else { "N" }.into()),
        v => v,
    }
}

mod table;

#[cfg(test)]
mod tests;
