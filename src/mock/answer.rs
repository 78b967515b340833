//! From one request record to its answer record: decode, look up or append, encode.
//! No I/O here, so every path is tested with byte literals.

use std::sync::atomic::Ordering;

use bytes::Bytes;
use ferrule_parsers::json::{Decoder, FieldErrorMode};
use serde_json::{Map, Value};

use super::clock;
use super::fields::set_path;
use super::host::{encode, Behaviour, Host};
use super::key::values_at;

/// What the host made of a request (bounded, for logs and counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Found,
    NotFound,
    /// The request did not decode (or an append answer did not encode).
    Invalid,
    /// append: a new sequence number was handed out.
    Appended,
}

/// The answer record for `request`.
pub fn answer(host: &Host, request: &[u8]) -> (Bytes, Outcome) {
    let Some(value) = decode(host, request) else {
        return (host.invalid.clone(), Outcome::Invalid);
    };
    match &host.behaviour {
        Behaviour::Lookup {
            key,
            index,
            answers,
        } => {
            let found = values_at(&value, key)
                .first()
                .and_then(|k| index.find(k))
                .and_then(|i| answers.get(i));
            match found {
                Some(a) => (a.clone(), Outcome::Found),
                None => (host.not_found.clone(), Outcome::NotFound),
            }
        }
        Behaviour::Append {
            reply,
            sequence,
            timestamp,
        } => {
            let mut out: Map<String, Value> = reply.clone();
            if let Some(s) = sequence {
                let n = host.next_seq.fetch_add(1, Ordering::Relaxed);
                let v = if s.text {
                    Value::String(format!("{}{n}", s.prefix))
                } else {
                    Value::from(n)
                };
                set_path(&mut out, &s.path, v);
            }
            if let Some(t) = timestamp {
                let mut now = clock::now_digits();
                if t.date_only {
                    now.truncate(8);
                }
                let v = if t.text {
                    Value::String(now)
                } else {
                    // Digits only, so this is a valid JSON number.
                    serde_json::from_str(&now).unwrap_or(Value::Null)
                };
                set_path(&mut out, &t.path, v);
            }
            match encode(&host.response, host.codec, &Value::Object(out)) {
                Ok(bytes) => (Bytes::from(bytes), Outcome::Appended),
                Err(e) => {
                    tracing::warn!(host = %host.name, error = %e, "append answer does not encode");
                    (host.invalid.clone(), Outcome::Invalid)
                }
            }
        }
    }
}

/// The request as JSON, or `None` (logged) when it does not decode.
fn decode(host: &Host, request: &[u8]) -> Option<Value> {
    let mut dec = match Decoder::new(&host.request, host.codec) {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(host = %host.name, error = %e.kind, "request layout unusable");
            return None;
        }
    };
    let mut json = Vec::with_capacity(host.request.max_len() * 2);
    if let Err(e) = dec.decode(request, &mut json, FieldErrorMode::Fail) {
        // Field, offset and kind only: the bytes may be personal data.
        tracing::warn!(
            host = %host.name,
            field = %e.path,
            offset = e.offset,
            error = %e.kind,
            "request does not decode; answering the error record"
        );
        return None;
    }
    match serde_json::from_slice(&json) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(host = %host.name, error = %e, "decoded request is not JSON");
            None
        }
    }
}
