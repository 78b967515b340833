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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::host::{load_with, MockSet};
    use ferrule_parsers::json::Encoder;
    use serde_json::json;

    const REQ: &str =
        "       01  REQ.\n           05  VRM  PIC X(4).\n           05  QTY  PIC 9(2).\n";
    const RSP: &str = "       01  RSP.\n           05  RC   PIC 9(2).\n           05  VRM  PIC X(4).\n           05  REF  PIC X(8).\n           05  NUM  PIC 9(6).\n           05  AT   PIC 9(14).\n";
    const RECORDS: &str = "{\"vrm\":\"A1\",\"num\":11}\n\n{\"vrm\":\"B2\",\"num\":22}\n";

    fn set(host_toml: &str) -> MockSet {
        let text = format!(
            "[[host]]\nname = \"t\"\nrequest = {{ copybook = \"req.cpy\" }}\nresponse = {{ copybook = \"rsp.cpy\" }}\n{host_toml}"
        );
        load_with(&text, "test.toml", &|name| match name {
            "req.cpy" => Ok(REQ.into()),
            "rsp.cpy" => Ok(RSP.into()),
            "recs.jsonl" => Ok(RECORDS.into()),
            other => Err(format!("no file {other}")),
        })
        .unwrap()
    }

    fn request(host: &Host, v: serde_json::Value) -> Vec<u8> {
        let mut out = Vec::new();
        Encoder::new(&host.request, host.codec)
            .unwrap()
            .encode(&v, &mut out, false)
            .unwrap();
        out
    }

    fn decoded(host: &Host, bytes: &[u8]) -> serde_json::Value {
        let mut out = Vec::new();
        Decoder::new(&host.response, host.codec)
            .unwrap()
            .decode(bytes, &mut out, FieldErrorMode::Fail)
            .unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    const LOOKUP: &str = "records = \"recs.jsonl\"\nkey = { request = \"vrm\", response = \"vrm\" }\nfound = { rc = 0 }\nnot_found = { rc = 4 }\ninvalid = { rc = 8 }\n";

    #[test]
    fn lookup_finds_the_record_with_found_fields() {
        // Request key "B2" (padded to X(4)) finds the second line, with rc from `found`.
        let s = set(LOOKUP);
        let h = &s.hosts[0];
        let (bytes, outcome) = answer(h, &request(h, json!({"vrm": "B2"})));
        assert_eq!(outcome, Outcome::Found);
        let v = decoded(h, &bytes);
        assert_eq!((v["rc"].clone(), v["num"].clone()), (json!(0), json!(22)));
    }

    #[test]
    fn lookup_miss_answers_not_found() {
        // No record has key "C3": the not_found record (rc 4, other fields blank).
        let s = set(LOOKUP);
        let h = &s.hosts[0];
        let (bytes, outcome) = answer(h, &request(h, json!({"vrm": "C3"})));
        assert_eq!(outcome, Outcome::NotFound);
        let v = decoded(h, &bytes);
        assert_eq!((v["rc"].clone(), v["vrm"].clone()), (json!(4), json!("")));
    }

    #[test]
    fn undecodable_request_answers_invalid() {
        // QTY holds 0xFF 0xFF, not zoned digits: the invalid record (rc 8), no panic.
        let s = set(LOOKUP);
        let h = &s.hosts[0];
        let mut req = request(h, json!({"vrm": "A1"}));
        req[4] = 0xFF;
        req[5] = 0xFF;
        let (bytes, outcome) = answer(h, &req);
        assert_eq!(outcome, Outcome::Invalid);
        assert_eq!(decoded(h, &bytes)["rc"], json!(8));
        // An empty record decodes to nothing, so it has no key: not found.
        assert_eq!(answer(h, &[]).1, Outcome::NotFound);
    }

    #[test]
    fn append_numbers_text_and_numeric_fields() {
        // Text field gets prefix + number, counting up from start; time is 14 digits.
        let s = set("mode = \"append\"\nreply = { rc = 0 }\nsequence = { field = \"ref\", start = 99, prefix = \"INC\" }\ntimestamp = \"at\"\n");
        let h = &s.hosts[0];
        let req = request(h, json!({"vrm": "X"}));
        let first = decoded(h, &answer(h, &req).0);
        let second = decoded(h, &answer(h, &req).0);
        assert_eq!(first["ref"], json!("INC99"));
        assert_eq!(second["ref"], json!("INC100"));
        assert_eq!(first["at"].to_string().len(), 14);
        // A numeric field gets the bare number.
        let s = set("mode = \"append\"\nsequence = { field = \"num\" }\n");
        let h = &s.hosts[0];
        assert_eq!(decoded(h, &answer(h, &req).0)["num"], json!(1));
    }

    #[test]
    fn append_number_too_big_answers_invalid() {
        // "INC" + 7 digits is 10 bytes, more than REF's 8: logged, invalid record.
        let s = set("mode = \"append\"\nsequence = { field = \"ref\", start = 1000000, prefix = \"INC\" }\n");
        let h = &s.hosts[0];
        let (_, outcome) = answer(h, &request(h, json!({})));
        assert_eq!(outcome, Outcome::Invalid);
    }
}
