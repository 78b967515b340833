//! The request id (`x-request-id`): the one the client sent, kept as it came so a call
//! can be followed across systems, else a fresh uuid v4. Set on the request before
//! anything inside the stack runs, so every log line, audit line and problem body can
//! name it; [`super::observe`] copies it onto the answer.
//!
//! The rules are tower-http's `SetRequestId`/`PropagateRequestId` (which the stack used
//! before): any value the client sent in the header is kept (the first, if it sent
//! several), and an answer that already names an id keeps it.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue};

use super::stack::REQUEST_ID;

/// The request's id: the client's, else a new one, which is put in `headers`.
pub fn ensure(headers: &mut HeaderMap) -> HeaderValue {
    if let Some(given) = headers.get(REQUEST_ID) {
        return given.clone();
    }
    let id = fresh();
    headers.insert(REQUEST_ID, id.clone());
    id
}

/// Puts `id` on an answer that does not name one already.
pub fn answer(headers: &mut HeaderMap, id: HeaderValue) {
    headers.entry(REQUEST_ID).or_insert(id);
}

/// A new uuid v4 in its 36-character text form (lowercase hex, `8-4-4-4-12`), formatted
/// on the stack (uuid's thread-local generator: no syscall per id).
fn fresh() -> HeaderValue {
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Uuid::new_v4().hyphenated().encode_lower(&mut buf);
    // Shared from the start: the request's copy and the answer's are one allocation (a
    // copied value allocates again when first cloned).
    // Hex digits and dashes are always a valid header value.
    HeaderValue::from_maybe_shared(Bytes::from_owner(buf))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_id_is_a_uuid_v4_in_text() {
        // 36 characters, lowercase, version 4 and the RFC 9562 variant, new each time.
        let mut headers = HeaderMap::new();
        let id = ensure(&mut headers);
        assert_eq!(headers[REQUEST_ID], id);
        let text = id.to_str().unwrap();
        assert_eq!(text.len(), 36, "{text}");
        assert_eq!(text, text.to_ascii_lowercase());
        let parsed = uuid::Uuid::parse_str(text).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(parsed.hyphenated().to_string(), text);
        assert_ne!(ensure(&mut HeaderMap::new()), id);
    }

    #[test]
    fn a_given_id_is_kept_whatever_its_bytes() {
        // Not text (an obs-text byte) and empty: kept as sent, as tower-http did.
        for given in [&b"caf\xe9-1"[..], b""] {
            let mut headers = HeaderMap::new();
            headers.insert(REQUEST_ID, HeaderValue::from_bytes(given).unwrap());
            assert_eq!(ensure(&mut headers).as_bytes(), given);
            assert_eq!(headers.get_all(REQUEST_ID).iter().count(), 1);
        }
        // Several: the first is the id, and none is dropped.
        let mut headers = HeaderMap::new();
        headers.append(REQUEST_ID, HeaderValue::from_static("one"));
        headers.append(REQUEST_ID, HeaderValue::from_static("two"));
        assert_eq!(ensure(&mut headers), "one");
        assert_eq!(headers.get_all(REQUEST_ID).iter().count(), 2);
    }

    #[test]
    fn an_answer_that_names_an_id_keeps_it() {
        let mut headers = HeaderMap::new();
        answer(&mut headers, HeaderValue::from_static("ours"));
        assert_eq!(headers[REQUEST_ID], "ours");
        answer(&mut headers, HeaderValue::from_static("other"));
        assert_eq!(headers[REQUEST_ID], "ours");
    }
}
